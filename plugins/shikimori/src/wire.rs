//! Shikimori's wire format (REST API v2 `user_rates`, `users/whoami`), read and written. Shapes
//! from Shikimori's own recorded API examples (`doc/apipie_examples.json`); see
//! `tests/fixtures/shikimori/README.md`.

use getanime_provider_sdk::tracker::{Change, Entry, ListStatus, TrackerError};
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// `GET /api/users/whoami`.
#[derive(Deserialize)]
struct Whoami {
    id: i64,
    nickname: String,
}

/// One `user_rate`.
#[derive(Deserialize)]
struct Rate {
    id: i64,
    target_id: i64,
    #[serde(default)]
    target_type: Option<String>,
    #[serde(default)]
    score: Option<i64>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    episodes: Option<i64>,
    #[serde(default)]
    updated_at: Option<String>,
}

fn parse_error(what: &str, error: &serde_json::Error) -> TrackerError {
    TrackerError::Parse(format!("{what}: {error}"))
}

/// The user's id and nickname.
pub fn parse_whoami(body: &[u8]) -> Result<(String, String), TrackerError> {
    let who: Whoami =
        serde_json::from_slice(body).map_err(|error| parse_error("whoami", &error))?;
    Ok((who.id.to_string(), who.nickname))
}

/// A Shikimori status in getanime's terms (`rewatching` kept as such).
pub fn status(name: &str) -> Option<ListStatus> {
    Some(match name {
        "planned" => ListStatus::Planned,
        "watching" => ListStatus::Watching,
        "rewatching" => ListStatus::Rewatching,
        "completed" => ListStatus::Completed,
        "on_hold" => ListStatus::OnHold,
        "dropped" => ListStatus::Dropped,
        _ => return None,
    })
}

pub fn status_name(status: ListStatus) -> &'static str {
    match status {
        ListStatus::Planned => "planned",
        ListStatus::Watching => "watching",
        ListStatus::Rewatching => "rewatching",
        ListStatus::Completed => "completed",
        ListStatus::OnHold => "on_hold",
        ListStatus::Dropped => "dropped",
    }
}

fn entry(rate: Rate) -> Entry {
    Entry {
        external_id: rate.target_id.to_string(),
        status: rate.status.as_deref().and_then(status),
        progress: rate.episodes.and_then(|episodes| u32::try_from(episodes).ok()),
        // 0 is "no score" on Shikimori; 1–10 is getanime's scale too.
        score: rate.score.filter(|score| (1..=10).contains(score)).map(|score| score as u8),
        favorite: None,
        remote_id: Some(rate.id.to_string()),
        updated_at: rate.updated_at.as_deref().and_then(|at| {
            chrono::DateTime::parse_from_rfc3339(at).ok().map(|at| at.timestamp_millis())
        }),
    }
}

/// `GET /api/v2/user_rates`: the anime rates; a row that cannot be read is left out and
/// counted (one bad row must not hide the list).
pub fn parse_rates(body: &[u8]) -> Result<(Vec<Entry>, usize), TrackerError> {
    let rows: Vec<Value> =
        serde_json::from_slice(body).map_err(|error| parse_error("user_rates", &error))?;
    let mut skipped = 0;
    let mut entries = Vec::with_capacity(rows.len());
    for row in rows {
        match serde_json::from_value::<Rate>(row) {
            Ok(rate) if rate.target_type.as_deref().is_none_or(|kind| kind == "Anime") => {
                entries.push(entry(rate));
            }
            Ok(_) => {}
            Err(_) => skipped += 1,
        }
    }
    Ok((entries, skipped))
}

/// One rate (the answer to a create or an update): the server's view, which may differ from
/// what it was sent (completed at the total, values clamped).
pub fn parse_rate(body: &[u8]) -> Result<Entry, TrackerError> {
    let rate: Rate =
        serde_json::from_slice(body).map_err(|error| parse_error("user_rate", &error))?;
    Ok(entry(rate))
}

/// The `{"user_rate": {…}}` body of a change; `user_id` and the target only for a create.
/// A cleared score is 0; `None` when the change changes nothing Shikimori keeps.
pub fn rate_body(change: &Change, create_for: Option<&str>) -> Option<Value> {
    let mut rate = Map::new();
    if let Some(Some(status)) = change.status {
        rate.insert("status".into(), json!(status_name(status)));
    }
    if let Some(episodes) = change.progress {
        rate.insert("episodes".into(), json!(episodes));
    }
    if let Some(score) = change.score {
        rate.insert("score".into(), json!(score.map_or(0, |score| score.min(10))));
    }
    if rate.is_empty() {
        return None;
    }
    if let Some(user_id) = create_for {
        rate.insert("user_id".into(), json!(user_id));
        rate.insert("target_id".into(), json!(change.external_id));
        rate.insert("target_type".into(), json!("Anime"));
    }
    Some(json!({ "user_rate": rate }))
}

/// Shikimori's refusal (`{"errors": […]}` or `["…"]`), in its words.
pub fn rejection(body: &[u8]) -> String {
    let text = |value: &Value| match value {
        Value::Array(items) => {
            items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join("; ")
        }
        Value::String(text) => text.clone(),
        _ => String::new(),
    };
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(object)) => object.get("errors").map(text).unwrap_or_default(),
        Ok(value) => text(&value),
        Err(_) => String::from_utf8_lossy(body).chars().take(200).collect(),
    }
}
