//! AniList as a getanime tracker, over its GraphQL API: the anime list as entries, a change as
//! one `SaveMediaListEntry`. Signing in is the host's (`[oauth]`, the PIN page shows the token);
//! the plugin never sees it. Ids are AniList media ids; MyAnimeList ids resolve to them. Glue
//! only: [`wire`] holds the queries and reads the answers.

pub mod wire;

use getanime_provider_sdk::tracker::{
    Account, Change, Entry, SignInMethod, Tracker, TrackerError, blank_entry,
};
use getanime_provider_sdk::{Method, http, setting_or};
use serde_json::{Value, json};

/// The plugin.
pub struct Anilist;

const DEFAULT_GRAPHQL_URL: &str = "https://graphql.anilist.co";
/// `idMal_in` takes a page of 50.
const MAL_IDS_PER_QUERY: usize = 50;

/// One authorized GraphQL request: its `data`, or the error the answer carries.
fn graphql(query: &str, variables: Value) -> Result<Value, TrackerError> {
    let url = setting_or("graphql_url", DEFAULT_GRAPHQL_URL);
    let headers = [("accept", "application/json"), ("content-type", "application/json")];
    let response = http::request_authorized(
        Method::Post,
        &url,
        &headers,
        Some(wire::request(query, variables)),
    )?;
    let retry_after = http::retry_after(&response);
    wire::data(response.status, &response.body, retry_after)
}

fn media_id(id: &str) -> Result<i64, TrackerError> {
    id.trim().parse().map_err(|_| TrackerError::Rejected(format!("{id:?} is not an AniList id")))
}

/// The viewer's list entry id of `media`, if it is on their list.
fn entry_id(media: i64) -> Result<Option<i64>, TrackerError> {
    let data = graphql(wire::ENTRY, json!({ "mediaId": media }))?;
    Ok(data["Media"]["mediaListEntry"]["id"].as_i64())
}

impl Tracker for Anilist {
    /// The token from AniList's PIN page, pasted; the host keeps it.
    fn methods() -> Vec<SignInMethod> {
        vec![SignInMethod::Paste]
    }

    fn whoami() -> Result<Account, TrackerError> {
        let (user_id, user_name) = wire::viewer(&graphql(wire::VIEWER, json!({}))?)?;
        Ok(Account { user_id, user_name })
    }

    /// The whole list ("even when authenticated, the user is not inferred": the viewer's id).
    fn pull() -> Result<Vec<Entry>, TrackerError> {
        let user = Anilist::whoami()?.user_id;
        let user: i64 = user.parse().map_err(|_| TrackerError::Parse("the viewer's id".into()))?;
        wire::list_entries(&graphql(wire::LIST, json!({ "userId": user }))?)
    }

    /// An upsert by media id, answering AniList's view; off every list is a delete.
    fn push(change: Change) -> Result<Entry, TrackerError> {
        let media = media_id(&change.external_id)?;
        if change.status == Some(None) {
            Anilist::remove(change.external_id.clone(), change.remote_id.clone())?;
            return Ok(blank_entry(change.external_id));
        }
        let Some(variables) = wire::save_variables(&change, media) else {
            return Ok(blank_entry(change.external_id));
        };
        let data = graphql(wire::SAVE, variables)?;
        wire::entry(&data["SaveMediaListEntry"])
            .ok_or_else(|| TrackerError::Parse("SaveMediaListEntry answered no entry".into()))
    }

    fn remove(external_id: String, remote_id: Option<String>) -> Result<(), TrackerError> {
        let id = match remote_id.as_deref().and_then(|id| id.parse::<i64>().ok()) {
            Some(id) => Some(id),
            None => entry_id(media_id(&external_id)?)?,
        };
        match id {
            Some(id) => match graphql(wire::DELETE, json!({ "id": id })) {
                Ok(_) | Err(TrackerError::NotFound) => Ok(()),
                Err(error) => Err(error),
            },
            None => Ok(()),
        }
    }

    fn resolve(mal_ids: Vec<String>) -> Result<Vec<(String, String)>, TrackerError> {
        let ids: Vec<i64> = mal_ids.iter().filter_map(|id| id.trim().parse().ok()).collect();
        let mut pairs = Vec::new();
        for chunk in ids.chunks(MAL_IDS_PER_QUERY) {
            pairs.extend(wire::mal_pairs(&graphql(wire::BY_MAL, json!({ "ids": chunk }))?));
        }
        Ok(pairs)
    }
}

getanime_provider_sdk::export_tracker!(Anilist);
