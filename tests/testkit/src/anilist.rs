//! A stateful fake of AniList's GraphQL API on the loopback server, answering the operations the
//! plugin sends by their names (`Viewer`, `List`, `Save`, `Delete`, `Entry`, `ByMal`) with their
//! variables: tokens the test hands out (the PIN page), scores kept on the 100-point scale, custom
//! lists repeating entries, errors on HTTP 200 with `data: null`, and 429 with `Retry-After`.
//! Shapes from `tests/fixtures/anilist/`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use getanime_loopback::{Incoming, Reply};
use serde_json::{Value, json};

use crate::FakeServer;

pub const USER_ID: i64 = 6_378_393;
pub const NAME: &str = "andannn";

/// One list entry.
#[derive(Debug, Clone, PartialEq)]
pub struct ListEntry {
    pub id: i64,
    pub status: String,
    pub progress: i64,
    /// 0–100.
    pub score: i64,
    /// In a custom list too (the list query repeats it there).
    pub custom: bool,
}

#[derive(Default)]
struct State {
    next: i64,
    tokens: BTreeSet<String>,
    entries: BTreeMap<i64, ListEntry>,
    /// MyAnimeList id → AniList media id.
    mal: BTreeMap<i64, i64>,
    /// Operations that reached the API, by name, in order.
    operations: Vec<String>,
    /// Answer this many requests with 429.
    throttled: usize,
}

/// The fake. Cloning shares the state.
#[derive(Clone)]
pub struct FakeAnilist {
    state: Arc<Mutex<State>>,
}

impl FakeAnilist {
    /// Serves GraphQL at `/graphql` of `server`.
    pub fn serve(server: &FakeServer) -> FakeAnilist {
        let fake = FakeAnilist { state: Arc::new(Mutex::new(State::default())) };
        let handler = fake.clone();
        server.route_handler("/graphql", move |request| handler.answer(request));
        fake
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The user authorizes the client: the token the PIN page shows.
    pub fn issue_token(&self) -> String {
        let mut state = self.lock();
        state.next += 1;
        let token =
            format!("eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiI{}In0.c2lnbmF0dXJl-_{}", state.next, state.next);
        state.tokens.insert(token.clone());
        token
    }

    pub fn revoke_tokens(&self) {
        self.lock().tokens.clear();
    }

    pub fn set_entry(&self, media: i64, status: &str, progress: i64, score: i64, custom: bool) {
        let mut state = self.lock();
        state.next += 1;
        let id = state.next;
        state
            .entries
            .insert(media, ListEntry { id, status: status.into(), progress, score, custom });
    }

    pub fn set_mal(&self, mal: i64, media: i64) {
        self.lock().mal.insert(mal, media);
    }

    pub fn entries(&self) -> BTreeMap<i64, ListEntry> {
        self.lock().entries.clone()
    }

    pub fn operations(&self) -> Vec<String> {
        self.lock().operations.clone()
    }

    pub fn throttle(&self, requests: usize) {
        self.lock().throttled = requests;
    }

    fn answer(&self, request: &Incoming) -> Reply {
        let mut state = self.lock();
        if state.throttled > 0 {
            state.throttled -= 1;
            let mut reply = Reply::new(
                429,
                "application/json",
                r#"{"data":null,"errors":[{"message":"Too Many Requests.","status":429}]}"#,
            );
            reply.headers.push(("Retry-After".to_owned(), "60".to_owned()));
            return reply;
        }
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        let query = body["query"].as_str().unwrap_or_default();
        let variables = &body["variables"];
        let operation = query.split(['(', '{']).next().unwrap_or_default().trim().to_owned();
        state.operations.push(operation.clone());
        let bearer =
            request.header("authorization").and_then(|value| value.strip_prefix("Bearer "));
        if !bearer.is_some_and(|token| state.tokens.contains(token)) {
            return error(401, "Invalid token");
        }
        match operation.as_str() {
            "query Viewer" => Reply::json(
                json!({"data": {"Viewer": {"id": USER_ID, "name": NAME,
                        "mediaListOptions": {"scoreFormat": "POINT_5"}}}})
                .to_string(),
            ),
            "query List" => {
                if variables["userId"].as_i64() != Some(USER_ID) {
                    return error(404, "Not Found.");
                }
                let row = |media: &i64, entry: &ListEntry| {
                    json!({"id": entry.id, "mediaId": media, "status": entry.status,
                           "progress": entry.progress, "score": entry.score,
                           "updatedAt": 1_733_400_000, "media": {"id": media, "idMal": null, "episodes": null}})
                };
                let mut lists: BTreeMap<String, Vec<Value>> = BTreeMap::new();
                let mut custom = Vec::new();
                for (media, entry) in &state.entries {
                    lists.entry(entry.status.clone()).or_default().push(row(media, entry));
                    if entry.custom {
                        custom.push(row(media, entry));
                    }
                }
                let mut all: Vec<Value> = lists
                    .into_iter()
                    .map(|(status, entries)| json!({"status": status, "isCustomList": false, "entries": entries}))
                    .collect();
                all.insert(0, json!({"status": null, "isCustomList": true, "entries": custom}));
                Reply::json(json!({"data": {"MediaListCollection": {"lists": all}}}).to_string())
            }
            "mutation Save" => {
                let Some(media) = variables["mediaId"].as_i64() else {
                    return error(400, "mediaId is required");
                };
                let status = variables["status"].as_str();
                if status.is_some_and(|status| {
                    !["CURRENT", "PLANNING", "COMPLETED", "DROPPED", "PAUSED", "REPEATING"]
                        .contains(&status)
                }) {
                    return error(400, "Validation error");
                }
                state.next += 1;
                let fresh = state.next;
                let entry = state.entries.entry(media).or_insert(ListEntry {
                    id: fresh,
                    status: "PLANNING".into(),
                    progress: 0,
                    score: 0,
                    custom: false,
                });
                if let Some(status) = status {
                    entry.status = status.to_owned();
                }
                if let Some(progress) = variables["progress"].as_i64() {
                    entry.progress = progress.max(0);
                }
                if let Some(raw) = variables["scoreRaw"].as_i64() {
                    entry.score = raw.clamp(0, 100);
                }
                let entry = entry.clone();
                Reply::json(
                    json!({"data": {"SaveMediaListEntry": {"id": entry.id, "mediaId": media,
                        "status": entry.status, "progress": entry.progress, "score": entry.score,
                        "updatedAt": 1_733_500_000}}})
                    .to_string(),
                )
            }
            "mutation Delete" => {
                let id = variables["id"].as_i64();
                let found = state
                    .entries
                    .iter()
                    .find(|(_, entry)| Some(entry.id) == id)
                    .map(|(media, _)| *media);
                match found {
                    Some(media) => {
                        state.entries.remove(&media);
                        Reply::json(r#"{"data":{"DeleteMediaListEntry":{"deleted":true}}}"#)
                    }
                    None => error(404, "Not Found."),
                }
            }
            "query Entry" => {
                let media = variables["mediaId"].as_i64().unwrap_or_default();
                let entry = state.entries.get(&media).map(|entry| json!({"id": entry.id}));
                Reply::json(json!({"data": {"Media": {"mediaListEntry": entry}}}).to_string())
            }
            "query ByMal" => {
                let media: Vec<Value> = variables["ids"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_i64)
                    .filter_map(|mal| state.mal.get(&mal).map(|id| json!({"id": id, "idMal": mal})))
                    .collect();
                Reply::json(json!({"data": {"Page": {"media": media}}}).to_string())
            }
            _ => error(400, "Unknown operation"),
        }
    }
}

/// An AniList error: HTTP 200 would do too; AniList sends the status in the body as well.
fn error(status: u16, message: &str) -> Reply {
    Reply::new(
        if status == 401 { 401 } else { 200 },
        "application/json",
        json!({"data": null, "errors": [{"message": message, "status": status}]}).to_string(),
    )
}
