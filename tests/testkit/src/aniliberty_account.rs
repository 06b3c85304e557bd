//! A stateful fake of the AniLiberty account API (v1) on the loopback server: OTP sign-in with
//! a hook playing the phone, login + password, tokens, collections, favorites and timecodes
//! with `since`. Shapes from the API reference (see `tests/fixtures/aniliberty-account/`).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use getanime_loopback::{Incoming, Reply};
use serde_json::{Value, json};

use crate::FakeServer;

/// The one user of the fake.
pub const LOGIN: &str = "anna";
pub const PASSWORD: &str = "correct horse";
pub const NICKNAME: &str = "Анна";
pub const USER_ID: i64 = 4242;

#[derive(Default)]
struct State {
    next: u64,
    /// Codes handed out: code → (device id, accepted by the phone).
    codes: BTreeMap<String, (String, bool)>,
    tokens: BTreeSet<String>,
    collections: BTreeMap<i64, String>,
    favorites: BTreeSet<i64>,
    /// Episode uuid → (seconds, watched, server time of the last change in ms).
    timecodes: BTreeMap<String, (f64, bool, i64)>,
    /// The server's clock (ms); every write moves it on.
    clock: i64,
    /// Writes that reached the account (method and path), in order.
    writes: Vec<String>,
    /// Answer 503 to everything while set.
    down: bool,
    /// Answer 429 with this Retry-After.
    busy: Option<u32>,
}

/// The fake. Cloning shares the state.
#[derive(Clone)]
pub struct FakeAnilibertyAccount {
    state: Arc<Mutex<State>>,
    api: String,
}

impl FakeAnilibertyAccount {
    /// Serves the account API under `api` (e.g. `/api/v1`) of `server`.
    pub fn serve(server: &FakeServer, api: &str) -> FakeAnilibertyAccount {
        let fake = FakeAnilibertyAccount {
            // The server's clock follows real time (whole seconds), so a client's `since=` from
            // its own clock means what it would mean against the real server.
            state: Arc::new(Mutex::new(State {
                clock: chrono::Utc::now().timestamp() * 1000,
                ..State::default()
            })),
            api: api.trim_end_matches('/').to_owned(),
        };
        let handler = fake.clone();
        server.route_handler(&format!("{}/accounts/", fake.api), move |request| {
            handler.answer(request)
        });
        fake
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The phone accepts the last code handed out; false when there is none.
    pub fn accept_last_code(&self) -> bool {
        let mut state = self.lock();
        match state.codes.values_mut().last() {
            Some((_, accepted)) => {
                *accepted = true;
                true
            }
            None => false,
        }
    }

    /// The last code handed out.
    pub fn last_code(&self) -> Option<String> {
        self.lock().codes.keys().last().cloned()
    }

    /// Tokens that work now.
    pub fn live_tokens(&self) -> Vec<String> {
        self.lock().tokens.iter().cloned().collect()
    }

    /// Puts a release in a collection (`WATCHING`, …), as another device would.
    pub fn set_collection(&self, release: i64, collection: &str) {
        let mut state = self.lock();
        state.collections.insert(release, collection.to_owned());
    }

    pub fn set_favorite(&self, release: i64) {
        self.lock().favorites.insert(release);
    }

    /// The server's clock now (ms).
    pub fn clock(&self) -> i64 {
        self.lock().clock
    }

    /// A timecode written by another device now.
    pub fn set_timecode(&self, episode: &str, seconds: f64, watched: bool) {
        let mut state = self.lock();
        let at = state.tick();
        state.timecodes.insert(episode.to_owned(), (seconds, watched, at));
    }

    pub fn collections(&self) -> BTreeMap<i64, String> {
        self.lock().collections.clone()
    }

    pub fn favorites(&self) -> BTreeSet<i64> {
        self.lock().favorites.clone()
    }

    pub fn timecodes(&self) -> BTreeMap<String, (f64, bool)> {
        self.lock()
            .timecodes
            .iter()
            .map(|(id, (time, watched, _))| (id.clone(), (*time, *watched)))
            .collect()
    }

    /// Every write that reached the account, as `METHOD path`.
    pub fn writes(&self) -> Vec<String> {
        self.lock().writes.clone()
    }

    /// While down, every request answers 503.
    pub fn set_down(&self, down: bool) {
        self.lock().down = down;
    }

    /// While busy, every request answers 429 with `Retry-After` these seconds.
    pub fn set_busy(&self, retry_after: Option<u32>) {
        self.lock().busy = retry_after;
    }

    fn answer(&self, request: &Incoming) -> Reply {
        let mut state = self.lock();
        if state.down {
            return Reply::new(503, "text/html", "<html>503 Service Unavailable</html>");
        }
        if let Some(seconds) = state.busy {
            let mut reply =
                Reply::new(429, "application/json", r#"{"message":"Too Many Attempts."}"#);
            reply.headers.push(("Retry-After".to_owned(), seconds.to_string()));
            return reply;
        }
        let path = request.path.strip_prefix(&self.api).unwrap_or(&request.path);
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        let signed_in = request
            .header("authorization")
            .and_then(|value| value.strip_prefix("Bearer "))
            .is_some_and(|token| state.tokens.contains(token));
        let method = request.method.as_str();
        match (method, path) {
            ("POST", "/accounts/otp/get") => {
                let Some(device) = body.get("device_id").and_then(Value::as_str) else {
                    return unprocessable("device_id", "Поле device_id обязательно");
                };
                state.next += 1;
                let code = format!("{:06}", (state.next * 58_701) % 1_000_000);
                state.codes.insert(code.clone(), (device.to_owned(), false));
                Reply::json(json!({
                    "otp": {"code": code, "user_id": null, "device_id": device,
                            "expired_at": "2026-12-06T12:02:00.000000Z"},
                    "remaining_time": 120
                }).to_string())
            }
            ("POST", "/accounts/otp/login") => {
                let code = body.get("code").and_then(Value::as_str).unwrap_or_default();
                let device = body.get("device_id").and_then(Value::as_str).unwrap_or_default();
                match state.codes.get(code).cloned() {
                    Some((owner, true)) if owner == device => {
                        state.codes.remove(code);
                        let token = new_token(&mut state);
                        Reply::json(json!({ "token": token }).to_string())
                    }
                    Some((owner, false)) if owner == device => Reply::new(
                        401,
                        "application/json",
                        json!({"message": "OTP не привязан к пользователю"}).to_string(),
                    ),
                    _ => Reply::new(404, "application/json", r#"{"message":"Not found"}"#),
                }
            }
            ("POST", "/accounts/users/auth/login") => {
                let login = body.get("login").and_then(Value::as_str);
                let password = body.get("password").and_then(Value::as_str);
                if login == Some(LOGIN) && password == Some(PASSWORD) {
                    let token = new_token(&mut state);
                    Reply::json(json!({ "token": token }).to_string())
                } else {
                    Reply::new(401, "application/json", r#"{"message":"Неверные учётные данные"}"#)
                }
            }
            _ if !signed_in => Reply::new(
                if path == "/accounts/users/auth/logout" { 401 } else { 403 },
                "application/json",
                json!({"message": "Необходимо авторизоваться"}).to_string(),
            ),
            ("POST", "/accounts/users/auth/logout") => {
                if let Some(token) = request.header("authorization").and_then(|v| v.strip_prefix("Bearer ")) {
                    let token = token.to_owned();
                    state.tokens.remove(&token);
                }
                Reply::json(r#"{"token":null}"#)
            }
            ("GET", "/accounts/users/me/profile") => Reply::json(
                json!({"id": USER_ID, "login": LOGIN, "email": "anna@example.org", "nickname": NICKNAME,
                       "avatar": {"preview": null, "thumbnail": null, "optimized": {}},
                       "torrents": {"passkey": "secret-passkey", "uploaded": 0, "downloaded": 0},
                       "is_banned": false, "created_at": "2024-01-01T00:00:00+00:00", "is_with_ads": false})
                .to_string(),
            ),
            ("GET", "/accounts/users/me/collections/ids") => collections(&state),
            ("GET", "/accounts/users/me/favorites/ids") => favorites(&state),
            ("GET", "/accounts/users/me/views/timecodes") => {
                let since = form_urlencoded::parse(request.query.as_bytes())
                    .find(|(key, _)| key == "since")
                    .and_then(|(_, since)| chrono::DateTime::parse_from_rfc3339(&since).ok())
                    .map(|since| since.timestamp_millis());
                let triples: Vec<Value> = state
                    .timecodes
                    .iter()
                    .filter(|(_, (_, _, at))| since.is_none_or(|since| *at > since))
                    .map(|(id, (time, watched, _))| json!([id, time, watched]))
                    .collect();
                Reply::json(Value::Array(triples).to_string())
            }
            (write @ ("POST" | "DELETE"), endpoint) => {
                let items = body.as_array().cloned().unwrap_or_default();
                state.writes.push(format!("{write} {endpoint}"));
                let at = state.tick();
                match endpoint {
                    "/accounts/users/me/collections" => {
                        for item in &items {
                            let Some(id) = item.get("release_id").and_then(Value::as_i64) else {
                                return unprocessable("release_id", "Неверный релиз");
                            };
                            if write == "DELETE" {
                                state.collections.remove(&id);
                                continue;
                            }
                            let kind = item.get("type_of_collection").and_then(Value::as_str).unwrap_or_default();
                            if !["PLANNED", "WATCHING", "WATCHED", "POSTPONED", "ABANDONED"].contains(&kind) {
                                return unprocessable("type_of_collection", "Неверный тип коллекции");
                            }
                            state.collections.insert(id, kind.to_owned());
                        }
                        collections(&state)
                    }
                    "/accounts/users/me/favorites" => {
                        for id in items.iter().filter_map(|item| item.get("release_id")?.as_i64()) {
                            if write == "DELETE" {
                                state.favorites.remove(&id);
                            } else {
                                state.favorites.insert(id);
                            }
                        }
                        favorites(&state)
                    }
                    "/accounts/users/me/views/timecodes" => {
                        for item in &items {
                            let Some(id) = item.get("release_episode_id").and_then(Value::as_str) else {
                                return unprocessable("release_episode_id", "Неверный эпизод");
                            };
                            if write == "DELETE" {
                                state.timecodes.remove(id);
                                continue;
                            }
                            let time = item.get("time").and_then(Value::as_f64).unwrap_or(0.0);
                            let watched = item.get("is_watched").and_then(Value::as_bool).unwrap_or(false);
                            state.timecodes.insert(id.to_owned(), (time, watched, at));
                        }
                        Reply::json("[]")
                    }
                    _ => Reply::new(404, "application/json", r#"{"message":"Not found"}"#),
                }
            }
            _ => Reply::new(404, "application/json", r#"{"message":"Not found"}"#),
        }
    }
}

impl State {
    /// Moves the clock on: to real time, and at least a second past the last write.
    fn tick(&mut self) -> i64 {
        self.clock = (self.clock + 1000).max(chrono::Utc::now().timestamp_millis());
        self.clock
    }
}

fn new_token(state: &mut State) -> String {
    state.next += 1;
    let token =
        format!("fake-aniliberty-token-{:016x}", state.next.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    state.tokens.insert(token.clone());
    token
}

fn collections(state: &State) -> Reply {
    let pairs: Vec<Value> = state.collections.iter().map(|(id, kind)| json!([id, kind])).collect();
    Reply::json(Value::Array(pairs).to_string())
}

fn favorites(state: &State) -> Reply {
    Reply::json(json!(state.favorites.iter().collect::<Vec<_>>()).to_string())
}

fn unprocessable(field: &str, message: &str) -> Reply {
    Reply::new(422, "application/json", json!({"errors": {field: [message]}}).to_string())
}

/// The AniLiberty source's `anime/releases/{id}` under `api` for any release id, made from the
/// real answer `tests/fixtures/aniliberty/real/release_9970.json` (two episodes): the id, the
/// name ("Релиз {id}") and the episode UUIDs ([`episode_uuid`]) are the release's own. An even
/// id is a finished title of two episodes, an odd one an ongoing one of twelve. Unknown ids
/// (not digits) answer 404. Returns a counter of the releases served.
pub fn serve_aniliberty_releases(
    server: &FakeServer,
    api: &str,
) -> anyhow::Result<Arc<std::sync::atomic::AtomicUsize>> {
    serve_aniliberty_releases_of(server, api, 0)
}

/// [`serve_aniliberty_releases`] with `episodes` episodes per release (the real ones repeated
/// with their ordinals and UUIDs made new; 0 keeps the real two), for benchmarks.
pub fn serve_aniliberty_releases_of(
    server: &FakeServer,
    api: &str,
    episodes: u32,
) -> anyhow::Result<Arc<std::sync::atomic::AtomicUsize>> {
    let path = crate::fixture_path("aniliberty/real", "release_9970.json");
    let template: Value = serde_json::from_slice(&std::fs::read(&path)?)?;
    let served = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = Arc::clone(&served);
    let prefix = format!("{}/anime/releases/", api.trim_end_matches('/'));
    let strip = prefix.clone();
    server.route_handler(&prefix, move |request| {
        let id = request.path.strip_prefix(&strip).unwrap_or_default();
        let Ok(id) = id.parse::<i64>() else {
            return Reply::new(404, "application/json", r#"{"message":"Not found"}"#);
        };
        counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Reply::json(serde_json::to_vec(&release(&template, id, episodes)).unwrap_or_default())
    });
    Ok(served)
}

/// The MyAnimeList (and Shikimori) id of release `release` in [`serve_aniliberty_releases`].
pub fn mal_id(release: i64) -> i64 {
    40_000 + release
}

/// The UUID of episode `ordinal` of release `release` in [`serve_aniliberty_releases`].
pub fn episode_uuid(release: i64, ordinal: u32) -> String {
    format!("00000000-0000-4000-8000-{release:06}{ordinal:06}")
}

fn release(template: &Value, id: i64, episodes: u32) -> Value {
    let mut release = template.clone();
    if episodes > 0
        && let Some(list) = release["episodes"].as_array_mut()
        && let Some(model) = list.last().cloned()
    {
        list.truncate(episodes as usize);
        for ordinal in list.len() as u32 + 1..=episodes {
            let mut episode = model.clone();
            episode["ordinal"] = json!(ordinal);
            episode["sort_order"] = json!(ordinal);
            list.push(episode);
        }
    }
    release["id"] = json!(id);
    release["alias"] = json!(format!("release-{id}"));
    // Tracker links in the shape real answers carry them (`schedule_week.json`; the recorded
    // release 9970 has none).
    let mal = mal_id(id);
    release["shikimori"] = json!({"id": mal, "url": format!("https://shikimori.io/animes/{mal}")});
    release["mal"] = json!({"id": mal, "url": format!("https://myanimelist.net/anime/{mal}")});
    release["name"]["main"] = json!(format!("Релиз {id}"));
    let finished = id % 2 == 0;
    release["is_ongoing"] = json!(!finished);
    let known = release["episodes"].as_array().map_or(0, Vec::len);
    release["episodes_total"] = json!(if finished { known } else { known.max(12) });
    if let Some(episodes) = release["episodes"].as_array_mut() {
        for episode in episodes {
            let ordinal = episode["ordinal"].as_u64().unwrap_or(0) as u32;
            episode["id"] = json!(episode_uuid(id, ordinal));
        }
    }
    release
}
