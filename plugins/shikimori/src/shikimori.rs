//! Shikimori as a getanime tracker: the anime list (`/api/v2/user_rates`) as entries, a change
//! as one upsert. Signing in and refreshing the token are the host's (`[oauth]` in
//! `plugin.toml`): this plugin never sees a code, a token or the client secret. Ids are
//! Shikimori anime ids, which are MyAnimeList ids. Glue only: [`wire`] reads and writes the
//! API's shapes.

pub mod wire;

use getanime_provider_sdk::tracker::{
    Account, Change, Entry, SignInMethod, Tracker, TrackerError, blank_entry,
};
use getanime_provider_sdk::{Level, Method, http, log, setting_or};
use serde_json::Value;

/// The plugin.
pub struct Shikimori;

const DEFAULT_BASE_URL: &str = "https://shikimori.one";

fn api(path: &str) -> String {
    format!("{}/api/{path}", setting_or("base_url", DEFAULT_BASE_URL).trim_end_matches('/'))
}

/// One authorized call that must succeed: the body of a 2xx, else the error its status means.
fn expect_ok(method: Method, path: &str, body: Option<&Value>) -> Result<Vec<u8>, TrackerError> {
    let body = body.map(|body| body.to_string().into_bytes());
    let mut headers = vec![("accept", "application/json")];
    if body.is_some() {
        headers.push(("content-type", "application/json"));
    }
    let response = http::request_authorized(method, &api(path), &headers, body)?;
    let retry_after = http::retry_after(&response);
    match response.status {
        200..=299 => Ok(response.body),
        401 => Err(TrackerError::Unauthorized),
        403 => Err(TrackerError::Rejected(wire::rejection(&response.body))),
        404 => Err(TrackerError::NotFound),
        400 | 422 => Err(TrackerError::Rejected(wire::rejection(&response.body))),
        429 => Err(TrackerError::RateLimited(retry_after)),
        status => Err(TrackerError::Network(format!("{path} answered HTTP {status}"))),
    }
}

fn user_id() -> Result<String, TrackerError> {
    Ok(Shikimori::whoami()?.user_id)
}

/// An anime id as the host passes it (a number).
fn anime_id(id: &str) -> Result<i64, TrackerError> {
    id.trim().parse().map_err(|_| TrackerError::Rejected(format!("{id:?} is not a Shikimori id")))
}

/// The user's rate of one anime, if any.
fn rate_of(user_id: &str, anime: i64) -> Result<Option<Entry>, TrackerError> {
    let path = format!("v2/user_rates?user_id={user_id}&target_id={anime}&target_type=Anime");
    Ok(wire::parse_rates(&expect_ok(Method::Get, &path, None)?)?.0.into_iter().next())
}

impl Tracker for Shikimori {
    /// A code from Shikimori's authorize page, pasted; the host does the rest.
    fn methods() -> Vec<SignInMethod> {
        vec![SignInMethod::Paste]
    }

    fn whoami() -> Result<Account, TrackerError> {
        let (user_id, user_name) =
            wire::parse_whoami(&expect_ok(Method::Get, "users/whoami", None)?)?;
        Ok(Account { user_id, user_name })
    }

    /// The whole anime list in one request (with `user_id`, Shikimori ignores paging).
    fn pull() -> Result<Vec<Entry>, TrackerError> {
        let path = format!("v2/user_rates?user_id={}&target_type=Anime", user_id()?);
        let (entries, skipped) = wire::parse_rates(&expect_ok(Method::Get, &path, None)?)?;
        if skipped > 0 {
            log(Level::Warn, &format!("{skipped} list rows could not be read and were left out"));
        }
        Ok(entries)
    }

    /// An update of a known rate, else an upsert (Shikimori's POST updates the rate a user
    /// already has); off every list is a delete. Answers the server's view.
    fn push(change: Change) -> Result<Entry, TrackerError> {
        let anime = anime_id(&change.external_id)?;
        if change.status == Some(None) {
            Shikimori::remove(change.external_id.clone(), change.remote_id.clone())?;
            return Ok(blank_entry(change.external_id));
        }
        let answer = match change.remote_id.as_deref().and_then(|id| id.parse::<i64>().ok()) {
            Some(rate) => match wire::rate_body(&change, None) {
                Some(body) => {
                    expect_ok(Method::Patch, &format!("v2/user_rates/{rate}"), Some(&body))?
                }
                None => expect_ok(Method::Get, &format!("v2/user_rates/{rate}"), None)?,
            },
            None => {
                let user = user_id()?;
                match wire::rate_body(&change, Some(&user)) {
                    Some(body) => expect_ok(Method::Post, "v2/user_rates", Some(&body))?,
                    None => {
                        return rate_of(&user, anime)?.ok_or(TrackerError::NotFound);
                    }
                }
            }
        };
        wire::parse_rate(&answer)
    }

    fn remove(external_id: String, remote_id: Option<String>) -> Result<(), TrackerError> {
        let rate = match remote_id.as_deref().and_then(|id| id.parse::<i64>().ok()) {
            Some(rate) => Some(rate),
            None => rate_of(&user_id()?, anime_id(&external_id)?)?
                .and_then(|entry| entry.remote_id)
                .and_then(|id| id.parse().ok()),
        };
        match rate {
            Some(rate) => match expect_ok(Method::Delete, &format!("v2/user_rates/{rate}"), None) {
                Ok(_) | Err(TrackerError::NotFound) => Ok(()),
                Err(error) => Err(error),
            },
            None => Ok(()),
        }
    }

    /// A Shikimori anime id is the MyAnimeList id.
    fn resolve(mal_ids: Vec<String>) -> Result<Vec<(String, String)>, TrackerError> {
        Ok(mal_ids
            .into_iter()
            .filter(|id| id.parse::<u64>().is_ok())
            .map(|id| (id.clone(), id))
            .collect())
    }
}

getanime_provider_sdk::export_tracker!(Shikimori);
