//! The AniLiberty account as a getanime tracker: sign-in by a code accepted in the AniLiberty
//! phone app (or by login and password), collections and favorites as lists, and per-episode
//! timecodes as marks. Ratings stay local (the API has none). Glue only: [`wire`] reads and
//! writes the API's shapes.

pub mod wire;

use getanime_provider_sdk::tracker::{
    Account, Change, CodeStep, Entry, EpisodeMark, Input, SignInMethod, Step, Token, Tracker,
    TrackerError, blank_entry, store_token,
};
use getanime_provider_sdk::{Method, http, setting_or};
use serde_json::{Value, json};

/// The plugin.
pub struct AnilibertyAccount;

const DEFAULT_BASE_URL: &str = "https://aniliberty.top/api/v1";

/// How often the TV asks whether the phone accepted the code.
const POLL_EVERY_S: u32 = 4;

fn api(path: &str) -> String {
    format!("{}/{path}", setting_or("base_url", DEFAULT_BASE_URL).trim_end_matches('/'))
}

/// One call to the API; `authorized` ones carry the account's token (added by the host).
fn call(
    method: Method,
    path: &str,
    body: Option<&Value>,
    authorized: bool,
) -> Result<(u16, Vec<u8>, Option<u32>), TrackerError> {
    let url = api(path);
    let body = body.map(|body| body.to_string().into_bytes());
    let mut headers = vec![("accept", "application/json")];
    if body.is_some() {
        headers.push(("content-type", "application/json"));
    }
    let response = if authorized {
        http::request_authorized(method, &url, &headers, body)?
    } else {
        http::request(method, &url, &headers, body)?
    };
    let retry_after = http::retry_after(&response);
    Ok((response.status, response.body, retry_after))
}

/// A call that must succeed: the body of a 2xx, else the error its status means.
fn expect_ok(
    method: Method,
    path: &str,
    body: Option<&Value>,
    authorized: bool,
) -> Result<Vec<u8>, TrackerError> {
    let (status, answer, retry_after) = call(method, path, body, authorized)?;
    match status {
        200..=299 => Ok(answer),
        401 | 403 => Err(TrackerError::Unauthorized),
        404 => Err(TrackerError::NotFound),
        400 | 422 => Err(TrackerError::Rejected(wire::rejection(&answer))),
        429 => Err(TrackerError::RateLimited(retry_after)),
        status => Err(TrackerError::Network(format!("{path} answered HTTP {status}"))),
    }
}

/// Hands the token over and says who signed in.
fn signed_in(token: String) -> Result<Step, TrackerError> {
    store_token(&Token { access: token, refresh: None, expires_at: None });
    Ok(Step::Done(AnilibertyAccount::whoami()?))
}

fn code_step(code: String, expires_in_s: u32) -> Step {
    Step::ShowCodeAndWait(CodeStep {
        state: code.clone(),
        code,
        url: None,
        expires_in_s,
        poll_every_s: POLL_EVERY_S,
    })
}

/// A release id as the host passes it (the source's id, a number).
fn release_id(id: &str) -> Result<i64, TrackerError> {
    id.trim().parse().map_err(|_| TrackerError::Rejected(format!("{id:?} is not a release id")))
}

fn release_body(id: i64) -> Value {
    json!([{ "release_id": id }])
}

impl Tracker for AnilibertyAccount {
    fn methods() -> Vec<SignInMethod> {
        vec![SignInMethod::DeviceCode, SignInMethod::Password]
    }

    fn start(method: SignInMethod, device_id: String) -> Result<Step, TrackerError> {
        match method {
            SignInMethod::DeviceCode => {
                let answer = expect_ok(
                    Method::Post,
                    "accounts/otp/get",
                    Some(&json!({ "device_id": device_id })),
                    false,
                )?;
                let (code, seconds) = wire::parse_otp(&answer)?;
                Ok(code_step(code, seconds))
            }
            SignInMethod::Password => Ok(Step::AskLoginAndPassword(String::new())),
            SignInMethod::Paste => Err(TrackerError::Unsupported),
        }
    }

    /// A poll asks `otp/login` whether the phone accepted the code: a token means yes, 404
    /// means it expired, anything else (401 as documented, a 500 seen instead) means not yet.
    fn advance(state: String, device_id: String, input: Input) -> Result<Step, TrackerError> {
        match input {
            Input::Poll => {
                let body = json!({ "code": state, "device_id": device_id });
                let (status, answer, _) =
                    call(Method::Post, "accounts/otp/login", Some(&body), false)?;
                match (status, wire::parse_token(&answer)) {
                    (200..=299, Some(token)) => signed_in(token),
                    (404, _) => Err(TrackerError::NotFound),
                    (429, _) => Err(TrackerError::RateLimited(None)),
                    _ => Ok(code_step(state, 0)),
                }
            }
            Input::LoginAndPassword((login, password)) => {
                let body = json!({ "login": login, "password": password });
                let (status, answer, _) =
                    call(Method::Post, "accounts/users/auth/login", Some(&body), false)?;
                match (status, wire::parse_token(&answer)) {
                    (200..=299, Some(token)) => signed_in(token),
                    (401 | 403 | 422, _) => {
                        Err(TrackerError::Rejected("неверный логин или пароль".into()))
                    }
                    (status, _) => {
                        Err(TrackerError::Network(format!("sign-in answered HTTP {status}")))
                    }
                }
            }
            Input::Text(_) => Err(TrackerError::Unsupported),
        }
    }

    fn sign_out() -> Result<(), TrackerError> {
        expect_ok(Method::Post, "accounts/users/auth/logout", None, true).map(|_| ())
    }

    fn whoami() -> Result<Account, TrackerError> {
        let answer = expect_ok(Method::Get, "accounts/users/me/profile", None, true)?;
        let (user_id, user_name) = wire::parse_profile(&answer)?;
        Ok(Account { user_id, user_name })
    }

    fn pull() -> Result<Vec<Entry>, TrackerError> {
        let collections = expect_ok(Method::Get, "accounts/users/me/collections/ids", None, true)?;
        let (collections, skipped) = wire::parse_collections(&collections)?;
        if skipped > 0 {
            getanime_provider_sdk::log(
                getanime_provider_sdk::Level::Warn,
                &format!("{skipped} collection entries could not be read and were left out"),
            );
        }
        let favorites = expect_ok(Method::Get, "accounts/users/me/favorites/ids", None, true)?;
        let favorites = wire::parse_favorites(&favorites)?;
        Ok(wire::entries(&collections, &favorites))
    }

    /// Collections and favorites are separate endpoints; each answers the whole set after the
    /// change, which is the server's view this returns (a field not changed stays none).
    fn push(change: Change) -> Result<Entry, TrackerError> {
        let release_id = release_id(&change.external_id)?;
        let release = release_body(release_id);
        let mut entry = blank_entry(change.external_id.clone());
        if let Some(status) = change.status {
            let answer = match status {
                Some(status) => {
                    let body = json!([{
                        "release_id": release_id,
                        "type_of_collection": wire::collection_name(status),
                    }]);
                    expect_ok(Method::Post, "accounts/users/me/collections", Some(&body), true)?
                }
                None => expect_ok(
                    Method::Delete,
                    "accounts/users/me/collections",
                    Some(&release),
                    true,
                )?,
            };
            entry.status = wire::parse_collections(&answer)?.0.get(&release_id).copied();
        }
        if let Some(favorite) = change.favorite {
            let method = if favorite { Method::Post } else { Method::Delete };
            let answer = expect_ok(method, "accounts/users/me/favorites", Some(&release), true)?;
            entry.favorite = Some(wire::parse_favorites(&answer)?.contains(&release_id));
        }
        Ok(entry)
    }

    fn remove(external_id: String, _remote_id: Option<String>) -> Result<(), TrackerError> {
        let release = release_body(release_id(&external_id)?);
        expect_ok(Method::Delete, "accounts/users/me/collections", Some(&release), true)?;
        expect_ok(Method::Delete, "accounts/users/me/favorites", Some(&release), true)?;
        Ok(())
    }

    fn pull_marks(since: Option<i64>) -> Result<Vec<EpisodeMark>, TrackerError> {
        let path = match since.and_then(wire::since) {
            Some(since) => format!(
                "accounts/users/me/views/timecodes?since={}",
                getanime_provider_sdk::text::encode_query(&since)
            ),
            None => "accounts/users/me/views/timecodes".to_owned(),
        };
        wire::parse_timecodes(&expect_ok(Method::Get, &path, None, true)?)
    }

    fn push_marks(marks: Vec<EpisodeMark>) -> Result<(), TrackerError> {
        if marks.is_empty() {
            return Ok(());
        }
        let body = wire::timecodes_body(&marks);
        expect_ok(Method::Post, "accounts/users/me/views/timecodes", Some(&body), true).map(|_| ())
    }
}

getanime_provider_sdk::export_tracker!(AnilibertyAccount);
