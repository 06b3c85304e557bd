//! AniList's GraphQL, read and written: the queries the plugin sends (inputs always as
//! variables) and their answers. An answer may carry `errors` with HTTP 200 and `data: null`:
//! that is an error, by the `status` AniList puts in it. Shapes: `tests/fixtures/anilist/`.

use getanime_provider_sdk::tracker::{Change, Entry, ListStatus, TrackerError};
use serde_json::{Map, Value, json};

pub const VIEWER: &str = "query Viewer { Viewer { id name mediaListOptions { scoreFormat } } }";

/// The whole anime list; scores always on the 100-point scale (whatever the user's format),
/// completed entries in one list.
pub const LIST: &str = "query List($userId: Int) { MediaListCollection(userId: $userId, \
    type: ANIME, forceSingleCompletedList: true) { lists { isCustomList entries { id mediaId \
    status progress score(format: POINT_100) updatedAt media { id idMal episodes } } } } }";

/// Create or update (by media id); only the variables given change.
pub const SAVE: &str = "mutation Save($mediaId: Int, $status: MediaListStatus, $progress: Int, \
    $scoreRaw: Int) { SaveMediaListEntry(mediaId: $mediaId, status: $status, progress: \
    $progress, scoreRaw: $scoreRaw) { id mediaId status progress score(format: POINT_100) \
    updatedAt } }";

pub const DELETE: &str = "mutation Delete($id: Int) { DeleteMediaListEntry(id: $id) { deleted } }";

/// The viewer's list entry of one anime.
pub const ENTRY: &str =
    "query Entry($mediaId: Int) { Media(id: $mediaId, type: ANIME) { mediaListEntry { id } } }";

/// AniList ids of MyAnimeList ids, 50 at a time.
pub const BY_MAL: &str = "query ByMal($ids: [Int]) { Page(perPage: 50) { media(idMal_in: $ids, \
    type: ANIME) { id idMal } } }";

/// A request body.
pub fn request(query: &str, variables: Value) -> Vec<u8> {
    json!({ "query": query, "variables": variables }).to_string().into_bytes()
}

/// The `data` of an answer, or the error it carries: `errors` win even on HTTP 200.
pub fn data(
    http_status: u16,
    body: &[u8],
    retry_after: Option<u32>,
) -> Result<Value, TrackerError> {
    let answer: Value = match serde_json::from_slice(body) {
        Ok(answer) => answer,
        Err(_) if http_status == 429 => return Err(TrackerError::RateLimited(retry_after)),
        Err(error) => {
            return Err(match http_status {
                200..=299 => TrackerError::Parse(format!("the answer: {error}")),
                status => TrackerError::Network(format!("AniList answered HTTP {status}")),
            });
        }
    };
    let first_error = answer["errors"].as_array().and_then(|errors| errors.first()).cloned();
    if let Some(error) = first_error {
        let status = error["status"].as_u64().map_or(http_status, |status| status as u16);
        let message = error["message"].as_str().unwrap_or("error").to_owned();
        return Err(match status {
            401 => TrackerError::Unauthorized,
            404 => TrackerError::NotFound,
            429 => TrackerError::RateLimited(retry_after),
            500..=599 => TrackerError::Network(message),
            _ => TrackerError::Rejected(message),
        });
    }
    match (http_status, answer.get("data")) {
        (200..=299, Some(data)) if !data.is_null() => Ok(data.clone()),
        (429, _) => Err(TrackerError::RateLimited(retry_after)),
        (401, _) => Err(TrackerError::Unauthorized),
        (status, _) => {
            Err(TrackerError::Network(format!("AniList answered HTTP {status} without data")))
        }
    }
}

/// The viewer's id and name.
pub fn viewer(data: &Value) -> Result<(String, String), TrackerError> {
    let viewer = &data["Viewer"];
    match (viewer["id"].as_i64(), viewer["name"].as_str()) {
        (Some(id), Some(name)) => Ok((id.to_string(), name.to_owned())),
        _ => Err(TrackerError::Parse("Viewer has no id or name".into())),
    }
}

pub fn status(name: &str) -> Option<ListStatus> {
    Some(match name {
        "CURRENT" => ListStatus::Watching,
        "PLANNING" => ListStatus::Planned,
        "COMPLETED" => ListStatus::Completed,
        "PAUSED" => ListStatus::OnHold,
        "DROPPED" => ListStatus::Dropped,
        "REPEATING" => ListStatus::Rewatching,
        _ => return None,
    })
}

pub fn status_name(status: ListStatus) -> &'static str {
    match status {
        ListStatus::Watching => "CURRENT",
        ListStatus::Planned => "PLANNING",
        ListStatus::Completed => "COMPLETED",
        ListStatus::OnHold => "PAUSED",
        ListStatus::Dropped => "DROPPED",
        ListStatus::Rewatching => "REPEATING",
    }
}

/// A 100-point score on getanime's 1–10 (0 is none): 85 → 9, 80 → 8, 4 → 1.
pub fn score_from_100(score: f64) -> Option<u8> {
    (score > 0.0).then(|| ((score / 10.0).round() as u8).clamp(1, 10))
}

/// One list entry; `None` without a media id.
pub fn entry(value: &Value) -> Option<Entry> {
    let media = value["mediaId"].as_i64()?;
    Some(Entry {
        external_id: media.to_string(),
        status: value["status"].as_str().and_then(status),
        progress: value["progress"].as_u64().and_then(|progress| u32::try_from(progress).ok()),
        score: value["score"].as_f64().and_then(score_from_100),
        favorite: None,
        remote_id: value["id"].as_i64().map(|id| id.to_string()),
        updated_at: value["updatedAt"].as_i64().map(|seconds| seconds * 1000),
    })
}

/// The list's entries, each anime once (custom lists repeat them).
pub fn list_entries(data: &Value) -> Result<Vec<Entry>, TrackerError> {
    let lists = data["MediaListCollection"]["lists"]
        .as_array()
        .ok_or_else(|| TrackerError::Parse("MediaListCollection has no lists".into()))?;
    let mut seen = std::collections::BTreeSet::new();
    let mut entries = Vec::new();
    // Status lists first: an entry hidden from them but kept in a custom list still counts.
    let mut ordered: Vec<&Value> = lists.iter().collect();
    ordered.sort_by_key(|list| list["isCustomList"].as_bool().unwrap_or(false));
    for list in ordered {
        for value in list["entries"].as_array().into_iter().flatten() {
            if let Some(entry) = entry(value)
                && seen.insert(entry.external_id.clone())
            {
                entries.push(entry);
            }
        }
    }
    Ok(entries)
}

/// The variables of a save; `None` when the change changes nothing AniList keeps.
pub fn save_variables(change: &Change, media: i64) -> Option<Value> {
    let mut variables = Map::new();
    if let Some(Some(status)) = change.status {
        variables.insert("status".into(), json!(status_name(status)));
    }
    if let Some(progress) = change.progress {
        variables.insert("progress".into(), json!(progress));
    }
    if let Some(score) = change.score {
        // `scoreRaw` is always 100-point, whatever the user's display format.
        variables.insert(
            "scoreRaw".into(),
            json!(score.map_or(0, |score| u32::from(score.min(10)) * 10)),
        );
    }
    if variables.is_empty() {
        return None;
    }
    variables.insert("mediaId".into(), json!(media));
    Some(Value::Object(variables))
}

/// `(MyAnimeList id, AniList id)` pairs of a `BY_MAL` answer.
pub fn mal_pairs(data: &Value) -> Vec<(String, String)> {
    data["Page"]["media"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|media| {
            Some((media["idMal"].as_i64()?.to_string(), media["id"].as_i64()?.to_string()))
        })
        .collect()
}
