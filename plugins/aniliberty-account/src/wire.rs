//! The AniLiberty account API's shapes (v1, `../shared/aniliberty-account-v1.md` in the design
//! notes): pure functions from bodies to the tracker records, so they are tested natively.

use std::collections::BTreeMap;

use getanime_provider_sdk::tracker::{Entry, EpisodeMark, ListStatus, TrackerError};
use serde_json::Value;

/// A collection's name at AniLiberty.
pub fn collection_name(status: ListStatus) -> &'static str {
    match status {
        ListStatus::Planned => "PLANNED",
        ListStatus::Watching | ListStatus::Rewatching => "WATCHING",
        ListStatus::Completed => "WATCHED",
        ListStatus::OnHold => "POSTPONED",
        ListStatus::Dropped => "ABANDONED",
    }
}

fn collection_status(name: &str) -> Option<ListStatus> {
    Some(match name {
        "PLANNED" => ListStatus::Planned,
        "WATCHING" => ListStatus::Watching,
        "WATCHED" => ListStatus::Completed,
        "POSTPONED" => ListStatus::OnHold,
        "ABANDONED" => ListStatus::Dropped,
        _ => return None,
    })
}

fn parse(body: &[u8], what: &str) -> Result<Value, TrackerError> {
    serde_json::from_slice(body)
        .map_err(|error| TrackerError::Parse(format!("the {what} answer is not JSON: {error}")))
}

/// A release id as the API writes it: a number, or a number in a string.
fn release_id(value: &Value) -> Option<i64> {
    match value {
        Value::Number(number) => number.as_i64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
    .filter(|id| *id > 0)
}

/// `collections/ids`: pairs `[[8345, "PLANNED"], …]`; unknown collections and malformed pairs
/// are left out (counted in the second value).
pub fn parse_collections(body: &[u8]) -> Result<(BTreeMap<i64, ListStatus>, usize), TrackerError> {
    let Value::Array(pairs) = parse(body, "collections")? else {
        return Err(TrackerError::Parse("the collections answer is not a list".into()));
    };
    let mut collections = BTreeMap::new();
    let mut skipped = 0;
    for pair in &pairs {
        let parsed = pair.as_array().and_then(|pair| match pair.as_slice() {
            [id, name] => Some((release_id(id)?, collection_status(name.as_str()?)?)),
            _ => None,
        });
        match parsed {
            Some((id, status)) => {
                collections.insert(id, status);
            }
            None => skipped += 1,
        }
    }
    Ok((collections, skipped))
}

/// `favorites/ids`: `[9023, 9024]`.
pub fn parse_favorites(body: &[u8]) -> Result<Vec<i64>, TrackerError> {
    let Value::Array(ids) = parse(body, "favorites")? else {
        return Err(TrackerError::Parse("the favorites answer is not a list".into()));
    };
    let mut favorites: Vec<i64> = ids.iter().filter_map(release_id).collect();
    favorites.sort_unstable();
    favorites.dedup();
    Ok(favorites)
}

/// Collections and favorites as one entry per release.
pub fn entries(collections: &BTreeMap<i64, ListStatus>, favorites: &[i64]) -> Vec<Entry> {
    let mut ids: Vec<i64> = collections.keys().copied().chain(favorites.iter().copied()).collect();
    ids.sort_unstable();
    ids.dedup();
    ids.into_iter()
        .map(|id| Entry {
            external_id: id.to_string(),
            status: collections.get(&id).copied(),
            progress: None,
            score: None,
            favorite: Some(favorites.contains(&id)),
            remote_id: None,
            updated_at: None,
        })
        .collect()
}

/// The longest position believed: a day. Anything longer is a broken value.
const MAX_POSITION_SECONDS: f64 = 86_400.0;

/// `views/timecodes`: triples `[uuid, seconds, is_watched]`, or objects
/// `{release_episode_id, time, is_watched}`. Negative, non-finite or absurd positions and
/// entries without an id are dropped; a repeated episode keeps its last entry.
pub fn parse_timecodes(body: &[u8]) -> Result<Vec<EpisodeMark>, TrackerError> {
    let Value::Array(items) = parse(body, "timecodes")? else {
        return Err(TrackerError::Parse("the timecodes answer is not a list".into()));
    };
    let mut marks: Vec<EpisodeMark> = Vec::with_capacity(items.len());
    // Where each episode's mark is in `marks`: a repeated episode keeps its last mark.
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for item in &items {
        let (id, time, watched) = match item {
            Value::Array(triple) => match triple.as_slice() {
                [id, time, watched, ..] => (id, time, watched),
                _ => continue,
            },
            Value::Object(object) => match (
                object.get("release_episode_id"),
                object.get("time"),
                object.get("is_watched"),
            ) {
                (Some(id), Some(time), Some(watched)) => (id, time, watched),
                _ => continue,
            },
            _ => continue,
        };
        let Some(id) = id.as_str().map(str::trim).filter(|id| !id.is_empty() && id.len() <= 200)
        else {
            continue;
        };
        let seconds = time.as_f64().unwrap_or(0.0);
        if !seconds.is_finite() || !(0.0..=MAX_POSITION_SECONDS).contains(&seconds) {
            continue;
        }
        let mark = EpisodeMark {
            episode_id: id.to_owned(),
            position_ms: (seconds * 1000.0) as u32,
            watched: watched.as_bool().unwrap_or(false),
        };
        match index.get(&mark.episode_id) {
            Some(&at) => marks[at] = mark,
            None => {
                index.insert(mark.episode_id.clone(), marks.len());
                marks.push(mark);
            }
        }
    }
    Ok(marks)
}

/// The body of `POST views/timecodes`.
pub fn timecodes_body(marks: &[EpisodeMark]) -> Value {
    Value::Array(
        marks
            .iter()
            .map(|mark| {
                serde_json::json!({
                    "release_episode_id": mark.episode_id,
                    "time": f64::from(mark.position_ms) / 1000.0,
                    "is_watched": mark.watched,
                })
            })
            .collect(),
    )
}

/// `?since=` in the API's form (RFC 3339, UTC, milliseconds).
pub fn since(unix_ms: i64) -> Option<String> {
    chrono::DateTime::from_timestamp_millis(unix_ms)
        .map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
}

/// `otp/get`: the code (a string, leading zeros kept) and its lifetime in seconds.
pub fn parse_otp(body: &[u8]) -> Result<(String, u32), TrackerError> {
    let answer = parse(body, "code")?;
    let code = match answer.pointer("/otp/code") {
        Some(Value::String(code)) => code.trim().to_owned(),
        // An integer would have lost its leading zeros: the code is six digits.
        Some(Value::Number(number)) => {
            number.as_u64().map(|n| format!("{n:06}")).unwrap_or_default()
        }
        _ => String::new(),
    };
    if code.is_empty() || code.len() > 32 {
        return Err(TrackerError::Parse("the answer has no code".into()));
    }
    let seconds = answer
        .get("remaining_time")
        .and_then(Value::as_f64)
        .filter(|seconds| seconds.is_finite() && *seconds > 0.0)
        .map_or(120, |seconds| seconds.min(3600.0) as u32);
    Ok((code, seconds))
}

/// `{"token": "…"}` from a sign-in.
pub fn parse_token(body: &[u8]) -> Option<String> {
    let answer: Value = serde_json::from_slice(body).ok()?;
    answer
        .get("token")?
        .as_str()
        .map(str::trim)
        .filter(|token| !token.is_empty())
        .map(str::to_owned)
}

/// The user's id and the name to show (nickname, else login).
pub fn parse_profile(body: &[u8]) -> Result<(String, String), TrackerError> {
    let profile = parse(body, "profile")?;
    let id = match profile.get("id") {
        Some(Value::Number(number)) => number.to_string(),
        Some(Value::String(text)) if !text.trim().is_empty() => text.trim().to_owned(),
        _ => return Err(TrackerError::Parse("the profile has no id".into())),
    };
    let name = ["nickname", "login"]
        .iter()
        .find_map(|key| profile.get(*key)?.as_str().map(str::trim).filter(|name| !name.is_empty()))
        .unwrap_or("AniLiberty")
        .to_owned();
    Ok((id, name))
}

/// A 422's `{"errors": {"field": ["message", …]}}` (or a `message`), in one line.
pub fn rejection(body: &[u8]) -> String {
    let Ok(answer) = serde_json::from_slice::<Value>(body) else {
        return String::from_utf8_lossy(&body[..body.len().min(200)]).trim().to_owned();
    };
    if let Some(Value::Object(errors)) = answer.get("errors") {
        let messages: Vec<String> = errors
            .values()
            .flat_map(|value| match value {
                Value::Array(list) => {
                    list.iter().filter_map(Value::as_str).map(str::to_owned).collect()
                }
                Value::String(text) => vec![text.clone()],
                _ => Vec::new(),
            })
            .collect();
        if !messages.is_empty() {
            return messages.join("; ");
        }
    }
    answer.get("message").and_then(Value::as_str).unwrap_or("refused").to_owned()
}
