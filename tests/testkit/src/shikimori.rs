//! A stateful fake of Shikimori on the loopback server: Doorkeeper's OAuth (codes the "user"
//! authorizes, day-long tokens on a clock the test moves, rotating refresh tokens — a used one
//! is refused), the `User-Agent` rule, `users/whoami` and `v2/user_rates` with the server's own
//! rules (`UserRate#smart_process_changes`: completed at the total, rewatches counted, values
//! clamped), and Rack::Attack's 429 with a text body and no `Retry-After`. Shapes from
//! `tests/fixtures/shikimori/`.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use getanime_loopback::{Incoming, Reply};
use serde_json::{Value, json};

use crate::FakeServer;

pub const CLIENT_ID: &str = "getanime-test-client";
pub const CLIENT_SECRET: &str = "getanime-test-secret";
/// The registered application's name, which must begin the `User-Agent`.
pub const APPLICATION: &str = "getanime";
pub const USER_ID: i64 = 23_456_810;
pub const NICKNAME: &str = "Тест";
/// Doorkeeper's `access_token_expires_in 1.day`.
pub const TOKEN_LIFETIME_S: i64 = 86_400;

impl State {
    /// Counts a request against the per-IP limits, if they are kept; whether it is over them.
    fn over_limits(&mut self) -> bool {
        let Some(pace) = &self.pace else { return false };
        let now = pace();
        while self.arrivals.front().is_some_and(|at| now - *at >= Duration::from_secs(60)) {
            self.arrivals.pop_front();
        }
        let last_second =
            self.arrivals.iter().filter(|at| now - **at < Duration::from_secs(1)).count();
        if last_second >= 5 || self.arrivals.len() >= 90 {
            return true;
        }
        self.arrivals.push_back(now);
        self.paced += 1;
        false
    }
}

/// One `user_rate`.
#[derive(Debug, Clone, PartialEq)]
pub struct Rate {
    pub id: i64,
    pub status: String,
    pub score: i64,
    pub episodes: i64,
    pub rewatches: i64,
}

#[derive(Default)]
struct State {
    next: i64,
    /// Unix seconds; the test moves it (`advance`).
    clock: i64,
    codes: BTreeSet<String>,
    /// Access token → when it ends (unix s).
    access: BTreeMap<String, i64>,
    refresh: BTreeSet<String>,
    /// Anime id → the user's rate.
    rates: BTreeMap<i64, Rate>,
    /// Anime id → its number of episodes.
    totals: BTreeMap<i64, i64>,
    /// Writes that reached the list (method and path), in order.
    writes: Vec<String>,
    /// Refresh grants answered with a new pair.
    refreshes: usize,
    /// Answer this many requests with Rack::Attack's 429.
    throttled: usize,
    /// The clock the per-IP limits are kept on, once the test asks for them.
    pace: Option<Arc<dyn Fn() -> Duration + Send + Sync>>,
    /// When the requests counted by the limits came (on `pace`).
    arrivals: VecDeque<Duration>,
    /// Requests over 5 a second or 90 a minute (answered 429).
    over_limit: usize,
    /// Requests the limits counted.
    paced: usize,
}

/// The fake. Cloning shares the state.
#[derive(Clone)]
pub struct FakeShikimori {
    state: Arc<Mutex<State>>,
}

impl FakeShikimori {
    /// Serves the site (`/oauth` and `/api`) at the root of `server`.
    pub fn serve(server: &FakeServer) -> FakeShikimori {
        let fake = FakeShikimori {
            state: Arc::new(Mutex::new(State {
                clock: chrono::Utc::now().timestamp(),
                ..State::default()
            })),
        };
        for prefix in ["/oauth/", "/api/"] {
            let handler = fake.clone();
            server.route_handler(prefix, move |request| handler.answer(request));
        }
        fake
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The user presses "Authorize": the code the page shows (43 characters, as Doorkeeper's).
    pub fn authorize(&self) -> String {
        let mut state = self.lock();
        let code = secret(&mut state, "c");
        state.codes.insert(code.clone());
        code
    }

    /// Moves the server's clock on.
    pub fn advance(&self, seconds: i64) {
        self.lock().clock += seconds;
    }

    pub fn set_total(&self, anime: i64, episodes: i64) {
        self.lock().totals.insert(anime, episodes);
    }

    /// Puts a rate on the user's list as the website would.
    pub fn set_rate(&self, anime: i64, status: &str, episodes: i64, score: i64) {
        let mut state = self.lock();
        state.next += 1;
        let id = state.next;
        let rate = Rate { id, status: status.into(), score, episodes, rewatches: 0 };
        state.rates.insert(anime, rate);
    }

    pub fn rates(&self) -> BTreeMap<i64, Rate> {
        self.lock().rates.clone()
    }

    pub fn writes(&self) -> Vec<String> {
        self.lock().writes.clone()
    }

    pub fn refreshes(&self) -> usize {
        self.lock().refreshes
    }

    /// The next `requests` get Rack::Attack's 429.
    pub fn throttle(&self, requests: usize) {
        self.lock().throttled = requests;
    }

    /// Keeps the API's "5rps and 90rpm" per IP on `clock` (the host's simulated pace clock):
    /// a request over either is answered 429 and counted in [`over_limit`](Self::over_limit).
    pub fn keep_limits(&self, clock: impl Fn() -> Duration + Send + Sync + 'static) {
        self.lock().pace = Some(Arc::new(clock));
    }

    /// Requests over the limits (refused), and within them (answered), since `keep_limits`.
    pub fn paced_requests(&self) -> (usize, usize) {
        let state = self.lock();
        (state.over_limit, state.paced)
    }

    /// The user revokes getanime's access on the website: every token, access and refresh, is
    /// refused from now on.
    pub fn revoke_tokens(&self) {
        let mut state = self.lock();
        state.access.clear();
        state.refresh.clear();
    }

    fn answer(&self, request: &Incoming) -> Reply {
        let mut state = self.lock();
        let agent = request.header("user-agent").unwrap_or_default();
        if !agent.starts_with(APPLICATION) {
            return Reply::new(403, "text/plain", "Add your application name to User-Agent");
        }
        if state.throttled > 0 {
            state.throttled -= 1;
            return Reply::new(429, "text/plain", "Retry later\n");
        }
        if state.over_limits() {
            state.over_limit += 1;
            return Reply::new(429, "text/plain", "Retry later\n");
        }
        if request.path == "/oauth/token" {
            return token(&mut state, request);
        }
        let bearer =
            request.header("authorization").and_then(|value| value.strip_prefix("Bearer "));
        let clock = state.clock;
        let live = |token: &str| state.access.get(token).is_some_and(|end| *end > clock);
        if !bearer.is_some_and(live) {
            return Reply::new(
                401,
                "application/json",
                r#"{"error":"invalid_token","error_description":"The access token is invalid","state":"unauthorized"}"#,
            );
        }
        let query: BTreeMap<String, String> =
            form_urlencoded::parse(request.query.as_bytes()).into_owned().collect();
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        let rate_id =
            request.path.strip_prefix("/api/v2/user_rates/").and_then(|id| id.parse::<i64>().ok());
        match (request.method.as_str(), request.path.as_str(), rate_id) {
            ("GET", "/api/users/whoami", _) => Reply::json(
                json!({"id": USER_ID, "nickname": NICKNAME, "avatar": null, "locale": "ru"})
                    .to_string(),
            ),
            ("GET", "/api/v2/user_rates", _) => {
                if query.get("user_id").map(String::as_str) != Some(&USER_ID.to_string()) {
                    return Reply::json("[]");
                }
                let target = query.get("target_id").and_then(|id| id.parse::<i64>().ok());
                let rows: Vec<Value> = state
                    .rates
                    .iter()
                    .filter(|(anime, _)| target.is_none_or(|target| target == **anime))
                    .map(|(anime, rate)| rate_json(*anime, rate))
                    .collect();
                Reply::json(Value::Array(rows).to_string())
            }
            ("POST", "/api/v2/user_rates", _) => {
                let fields = &body["user_rate"];
                let anime = number(&fields["target_id"]);
                let (Some(anime), Some(USER_ID)) = (anime, number(&fields["user_id"])) else {
                    return Reply::new(422, "application/json", r#"["Target can't be blank"]"#);
                };
                state.writes.push("POST /api/v2/user_rates".into());
                let existing = state.rates.get(&anime).cloned();
                let rate = match existing {
                    Some(rate) => rate,
                    None => {
                        state.next += 1;
                        Rate {
                            id: state.next,
                            status: "planned".into(),
                            score: 0,
                            episodes: 0,
                            rewatches: 0,
                        }
                    }
                };
                let total = state.totals.get(&anime).copied();
                let rate = smart_update(rate, fields, total);
                state.rates.insert(anime, rate.clone());
                Reply::new(201, "application/json", rate_json(anime, &rate).to_string())
            }
            (method @ ("GET" | "PATCH" | "PUT" | "DELETE"), _, Some(id)) => {
                let Some((anime, rate)) = state
                    .rates
                    .iter()
                    .find(|(_, rate)| rate.id == id)
                    .map(|(a, r)| (*a, r.clone()))
                else {
                    return Reply::new(
                        404,
                        "application/json",
                        r#"{"message":"Not found","code":404}"#,
                    );
                };
                match method {
                    "GET" => Reply::json(rate_json(anime, &rate).to_string()),
                    "DELETE" => {
                        state.writes.push(format!("DELETE /api/v2/user_rates/{id}"));
                        state.rates.remove(&anime);
                        Reply::new(204, "application/json", "")
                    }
                    _ => {
                        state.writes.push(format!("PATCH /api/v2/user_rates/{id}"));
                        let total = state.totals.get(&anime).copied();
                        let rate = smart_update(rate, &body["user_rate"], total);
                        state.rates.insert(anime, rate.clone());
                        Reply::json(rate_json(anime, &rate).to_string())
                    }
                }
            }
            _ => Reply::new(404, "application/json", r#"{"message":"Not found","code":404}"#),
        }
    }
}

/// A random-looking 43-character secret of `A-Z a-z 0-9 - _`, as Doorkeeper's.
fn secret(state: &mut State, kind: &str) -> String {
    state.next += 1;
    let seed = format!("{kind}{}-{}", state.next, state.clock);
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut value: u64 = seed.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    (0..43)
        .map(|_| {
            value = value
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            char::from(alphabet[(value >> 58) as usize])
        })
        .collect()
}

/// `POST /oauth/token`: a code or a refresh token (rotated: the used one dies) for a new pair.
fn token(state: &mut State, request: &Incoming) -> Reply {
    let form: BTreeMap<String, String> =
        form_urlencoded::parse(&request.body).into_owned().collect();
    let field = |name: &str| form.get(name).map(String::as_str).unwrap_or_default();
    if field("client_id") != CLIENT_ID || field("client_secret") != CLIENT_SECRET {
        return Reply::new(
            401,
            "application/json",
            r#"{"error":"invalid_client","error_description":"Client authentication failed."}"#,
        );
    }
    let granted = match field("grant_type") {
        "authorization_code" => {
            field("redirect_uri") == "urn:ietf:wg:oauth:2.0:oob"
                && state.codes.remove(field("code"))
        }
        "refresh_token" => {
            let used = state.refresh.remove(field("refresh_token"));
            if used {
                state.refreshes += 1;
            }
            used
        }
        _ => false,
    };
    if !granted {
        return Reply::new(
            400,
            "application/json",
            r#"{"error":"invalid_grant","error_description":"The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client."}"#,
        );
    }
    let (access, refresh) = (secret(state, "a"), secret(state, "r"));
    let created_at = state.clock;
    state.access.insert(access.clone(), created_at + TOKEN_LIFETIME_S);
    state.refresh.insert(refresh.clone());
    Reply::json(
        json!({"access_token": access, "token_type": "Bearer", "expires_in": TOKEN_LIFETIME_S,
               "refresh_token": refresh, "scope": "user_rates", "created_at": created_at})
        .to_string(),
    )
}

fn number(value: &Value) -> Option<i64> {
    value.as_i64().or_else(|| value.as_str().and_then(|text| text.trim().parse().ok()))
}

/// `UserRate#smart_process_changes`, for anime.
fn smart_update(mut rate: Rate, fields: &Value, total: Option<i64>) -> Rate {
    let status = fields["status"].as_str();
    let was = rate.status.clone();
    if let Some(score) = fields.get("score").map(number) {
        match score {
            None => rate.score = 0,
            Some(score) if (0..=10).contains(&score) => rate.score = score,
            Some(_) => {} // out of range: the previous score stays
        }
    }
    let episodes = fields.get("episodes").map(|value| number(value).unwrap_or(0).max(0));
    if let Some(status) = status {
        rate.status = status.to_owned();
    }
    if let Some(episodes) = episodes
        && episodes <= 9999
    {
        let before = rate.episodes;
        rate.episodes = total.map_or(episodes, |total| episodes.min(total));
        if status.is_none() {
            if total.is_some_and(|total| rate.episodes == total && total > 0) {
                if was == "rewatching" {
                    rate.rewatches += 1;
                }
                rate.status = "completed".into();
            } else if before == 0
                && rate.episodes > 0
                && !matches!(was.as_str(), "rewatching" | "completed" | "dropped")
            {
                rate.status = "watching".into();
            } else if before > 0 && rate.episodes == 0 {
                rate.status = "planned".into();
            }
        }
    }
    match status {
        Some("completed") => {
            if let Some(total) = total {
                rate.episodes = total;
            }
        }
        Some("rewatching") if episodes.is_none() => rate.episodes = 0,
        _ => {}
    }
    rate
}

fn rate_json(anime: i64, rate: &Rate) -> Value {
    json!({"id": rate.id, "user_id": USER_ID, "target_id": anime, "target_type": "Anime",
           "score": rate.score, "status": rate.status, "rewatches": rate.rewatches,
           "episodes": rate.episodes, "volumes": 0, "chapters": 0, "text": null, "text_html": "",
           "created_at": "2026-12-01T10:00:00.000+03:00", "updated_at": "2026-12-06T10:00:00.000+03:00"})
}
