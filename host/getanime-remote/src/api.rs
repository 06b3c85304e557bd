//! The routes, each with who may call it (`ROUTES`: the router is built from that table, so a new
//! route cannot skip the token check), and their handlers. JSON in and out; a malformed body is
//! 400, a well-formed one with an unknown key or field 422, a body over 16 KiB 413.

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{MethodRouter, delete, get, post};
use getanime_app::VolumeChange;
use getanime_app::navigation::Key;
use getanime_domain::{RemoteDevice, RemoteScope, TitleId};
use serde::Deserialize;

use crate::guard::{Connection, guard, refusal};
use crate::pairing::{Proof, Refusal};
use crate::{PlayerAction, RemoteCommand, Shared};

/// The largest request body.
const MAX_BODY_BYTES: usize = 16 * 1024;

/// The longest text a phone may type into a field.
pub const MAX_TEXT_CHARS: usize = 200;

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone on the network (the page, `hello`, pairing).
    Open,
    /// A token of either scope.
    Read,
    /// A token with the `control` scope.
    Control,
}

/// One route: method, path (axum syntax) and who may call it.
#[derive(Debug, Clone, Copy)]
pub struct RouteSpec {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
}

const fn route(method: &'static str, path: &'static str, access: Access) -> RouteSpec {
    RouteSpec { method, path, access }
}

/// Every route the remote answers.
pub const ROUTES: &[RouteSpec] = &[
    route("GET", "/", Access::Open),
    route("GET", "/remote.js", Access::Open),
    route("GET", "/remote.css", Access::Open),
    route("GET", "/manifest.webmanifest", Access::Open),
    route("GET", "/icon.svg", Access::Open),
    route("GET", "/icon-192.png", Access::Open),
    route("GET", "/icon-512.png", Access::Open),
    route("GET", "/texts.json", Access::Open),
    route("GET", "/api/v1/hello", Access::Open),
    route("POST", "/api/v1/pairings", Access::Open),
    route("DELETE", "/api/v1/pairings/self", Access::Read),
    route("POST", "/api/v1/keys", Access::Control),
    route("POST", "/api/v1/text", Access::Control),
    route("GET", "/api/v1/now-playing", Access::Read),
    route("POST", "/api/v1/player", Access::Control),
    route("GET", "/api/v1/library", Access::Read),
    route("GET", "/api/v1/titles/{id}", Access::Read),
    route("GET", "/api/v1/titles/{id}/poster", Access::Read),
    route("POST", "/api/v1/play", Access::Control),
    route("GET", "/api/v1/events", Access::Read),
];

/// The handler of a route in [`ROUTES`].
fn handler(spec: &RouteSpec) -> MethodRouter<Arc<Shared>> {
    match (spec.method, spec.path) {
        ("GET", "/") => get(|| async { Html(include_str!("page/remote.html")) }),
        ("GET", "/remote.js") => {
            get(|| async { asset("text/javascript", include_str!("page/remote.js")) })
        }
        ("GET", "/remote.css") => {
            get(|| async { asset("text/css", include_str!("page/remote.css")) })
        }
        ("GET", "/manifest.webmanifest") => get(|| async {
            asset("application/manifest+json", include_str!("page/manifest.webmanifest"))
        }),
        ("GET", "/icon.svg") => {
            get(|| async { asset("image/svg+xml", include_str!("page/icon.svg")) })
        }
        // PNGs too: Android installs a home-screen app only with a 192 and a 512 px icon.
        ("GET", "/icon-192.png") => {
            get(|| async { asset("image/png", include_bytes!("page/icon-192.png").as_slice()) })
        }
        ("GET", "/icon-512.png") => {
            get(|| async { asset("image/png", include_bytes!("page/icon-512.png").as_slice()) })
        }
        // The page's words, from the core's catalogs, in every language.
        ("GET", "/texts.json") => get(|| async {
            axum::Json(getanime_app::views::remote_page::texts_in_every_language())
        }),
        ("GET", "/api/v1/hello") => get(hello),
        ("POST", "/api/v1/pairings") => post(pair),
        ("DELETE", "/api/v1/pairings/self") => delete(unpair),
        ("POST", "/api/v1/keys") => post(keys),
        ("POST", "/api/v1/text") => post(text),
        ("GET", "/api/v1/now-playing") => get(now_playing),
        ("POST", "/api/v1/player") => post(player),
        ("GET", "/api/v1/library") => get(library),
        ("GET", "/api/v1/titles/{id}") => get(title),
        ("GET", "/api/v1/titles/{id}/poster") => get(poster),
        ("POST", "/api/v1/play") => post(play),
        ("GET", "/api/v1/events") => get(crate::events::events),
        // Every entry of ROUTES is matched above; a new one without a handler answers 404.
        _ => MethodRouter::new(),
    }
}

fn asset(content_type: &'static str, body: impl IntoResponse) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// The router: every route of [`ROUTES`] behind its token check, all behind the guard.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let mut router = Router::new();
    for spec in ROUTES {
        let mut method_router = handler(spec);
        if spec.access != Access::Open {
            method_router = method_router
                .route_layer(from_fn_with_state((Arc::clone(&shared), spec.access), authorize));
        }
        router = router.route(spec.path, method_router);
    }
    router
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(from_fn_with_state(Arc::clone(&shared), guard))
        .with_state(shared)
}

/// The bearer token of a request, if it carries one.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|token| !token.is_empty())
}

/// The device a token belongs to, noted as seen from `peer`; `None` for no or an unknown token.
pub(crate) async fn device_for(
    shared: &Shared,
    token: Option<&str>,
    peer: std::net::SocketAddr,
) -> Option<RemoteDevice> {
    let token = token?;
    match shared.app.remote_device_for_token(token).await {
        Ok(Some(device)) => {
            if let Err(error) =
                shared.app.touch_remote_device(device.id, &peer.ip().to_string()).await
            {
                tracing::warn!("cannot note a remote device as seen: {error:#}");
            }
            Some(device)
        }
        Ok(None) => None,
        Err(error) => {
            tracing::error!("cannot check a remote token: {error:#}");
            None
        }
    }
}

/// The token check of a route: 401 without a known token, 403 when its scope is too small.
/// WebSockets authenticate with their first message instead (`events.rs`).
async fn authorize(
    State((shared, access)): State<(Arc<Shared>, Access)>,
    mut request: Request,
    next: Next,
) -> Response {
    if request.uri().path() == "/api/v1/events" {
        return next.run(request).await;
    }
    let peer = request
        .extensions()
        .get::<axum::extract::ConnectInfo<Connection>>()
        .map(|info| info.0.peer);
    let Some(peer) = peer else {
        return refusal(StatusCode::INTERNAL_SERVER_ERROR, "no peer");
    };
    let Some(device) = device_for(&shared, bearer(request.headers()), peer).await else {
        return refusal(StatusCode::UNAUTHORIZED, "pair this phone with the code on the TV");
    };
    if access == Access::Control && device.scope < RemoteScope::Control {
        return refusal(StatusCode::FORBIDDEN, "this token may only read");
    }
    request.extensions_mut().insert(device);
    next.run(request).await
}

async fn hello(State(shared): State<Arc<Shared>>) -> Response {
    let pairing_open = shared.pairing().offer().is_some();
    axum::Json(serde_json::json!({
        "name": "getanime",
        "version": env!("CARGO_PKG_VERSION"),
        "api": 1,
        "pairing_open": pairing_open,
    }))
    .into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PairingRequest {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    secret: Option<String>,
    device_name: String,
}

/// Pairs a phone that shows the TV's code or its QR code's secret: 201 with its token.
async fn pair(
    State(shared): State<Arc<Shared>>,
    axum::extract::ConnectInfo(connection): axum::extract::ConnectInfo<Connection>,
    axum::Json(request): axum::Json<PairingRequest>,
) -> Response {
    let proof = match (request.code, request.secret) {
        (Some(code), None) => Proof::Code(code),
        (None, Some(secret)) => Proof::Secret(secret),
        _ => return refusal(StatusCode::UNPROCESSABLE_ENTITY, "send the code or the secret"),
    };
    let attempt = shared.pairing().attempt(&proof, std::time::Instant::now());
    let (outcome, renewed) = match attempt {
        Ok(attempt) => attempt,
        Err(error) => {
            tracing::error!("pairing: {error}");
            return refusal(StatusCode::INTERNAL_SERVER_ERROR, "the TV cannot pair now");
        }
    };
    if let Some(offer) = renewed {
        shared.publish_offer(Some(offer));
    }
    match outcome {
        Err(Refusal::NotOpen) => {
            refusal(StatusCode::CONFLICT, "open Settings → Phone remote on the TV to pair")
        }
        Err(Refusal::Wrong) => {
            tracing::info!(peer = %connection.peer.ip(), "a wrong pairing code");
            refusal(StatusCode::UNAUTHORIZED, "that is not the code on the TV")
        }
        Ok(()) => match shared.app.pair_phone(&request.device_name).await {
            Ok(made) => {
                tracing::info!(name = %made.device.name, peer = %connection.peer.ip(), "a phone paired");
                shared.send(RemoteCommand::Paired { name: made.device.name.clone() });
                (
                    StatusCode::CREATED,
                    axum::Json(serde_json::json!({
                        "token": made.token,
                        "device_id": made.device.id,
                    })),
                )
                    .into_response()
            }
            Err(error) => refusal(StatusCode::CONFLICT, &format!("{error:#}")),
        },
    }
}

/// Forgets the calling phone.
async fn unpair(
    State(shared): State<Arc<Shared>>,
    axum::Extension(device): axum::Extension<RemoteDevice>,
) -> Response {
    match shared.app.forget_remote_device(device.id).await {
        Ok(_) => {
            shared.forgotten.send_modify(|generation| *generation += 1);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(error) => refusal(StatusCode::INTERNAL_SERVER_ERROR, &format!("{error:#}")),
    }
}

/// A remote key by its name on the wire.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum KeyName {
    Up,
    Down,
    Left,
    Right,
    Ok,
    Back,
    Home,
    Menu,
    PlayPause,
    SeekForward,
    SeekBackward,
    Erase,
    NextEpisode,
    PreviousEpisode,
}

impl KeyName {
    fn key(self) -> Key {
        match self {
            KeyName::Up => Key::Up,
            KeyName::Down => Key::Down,
            KeyName::Left => Key::Left,
            KeyName::Right => Key::Right,
            KeyName::Ok => Key::Enter,
            KeyName::Back => Key::Back,
            KeyName::Home => Key::Home,
            KeyName::Menu => Key::Menu,
            KeyName::PlayPause => Key::PlayPause,
            KeyName::SeekForward => Key::SeekForward,
            KeyName::SeekBackward => Key::SeekBackward,
            KeyName::Erase => Key::Erase,
            KeyName::NextEpisode => Key::NextEpisode,
            KeyName::PreviousEpisode => Key::PreviousEpisode,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeysRequest {
    key: KeyName,
    #[serde(default)]
    repeat: Option<u8>,
}

/// Presses a key (up to 10 times).
async fn keys(
    State(shared): State<Arc<Shared>>,
    axum::Json(request): axum::Json<KeysRequest>,
) -> Response {
    let repeat = request.repeat.unwrap_or(1);
    if !(1..=10).contains(&repeat) {
        return refusal(StatusCode::UNPROCESSABLE_ENTITY, "repeat is 1 to 10");
    }
    for _ in 0..repeat {
        shared.send(RemoteCommand::Key(request.key.key()));
    }
    StatusCode::NO_CONTENT.into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TextRequest {
    text: String,
    #[serde(default)]
    submit: bool,
}

/// `text` without control characters, if it is short enough for a field.
pub(crate) fn field_text(text: &str) -> Option<String> {
    let cleaned: String = text.chars().filter(|character| !character.is_control()).collect();
    (cleaned.chars().count() <= MAX_TEXT_CHARS).then_some(cleaned)
}

/// Sets the focused text field (409 when none has the focus).
async fn text(
    State(shared): State<Arc<Shared>>,
    axum::Json(request): axum::Json<TextRequest>,
) -> Response {
    let Some(text) = field_text(&request.text) else {
        return refusal(StatusCode::UNPROCESSABLE_ENTITY, "at most 200 characters");
    };
    if shared.snapshot.borrow().text_field.is_none() {
        return refusal(StatusCode::CONFLICT, "no text field has the focus on the TV");
    }
    shared.send(RemoteCommand::Text { text, submit: request.submit });
    StatusCode::NO_CONTENT.into_response()
}

async fn now_playing(State(shared): State<Arc<Shared>>) -> Response {
    let playing = shared.snapshot.borrow().now_playing.clone();
    match playing {
        Some(playing) => axum::Json(playing).into_response(),
        None => StatusCode::NO_CONTENT.into_response(),
    }
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum PlayerActionName {
    Toggle,
    Play,
    Pause,
    Stop,
    Seek,
    Next,
    Previous,
    Quality,
    Subtitles,
    Volume,
    Mute,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlayerRequest {
    action: PlayerActionName,
    #[serde(default)]
    delta_ms: Option<i64>,
    #[serde(default)]
    position_ms: Option<u64>,
    /// `volume`: a level, 0–100 …
    #[serde(default)]
    level: Option<u8>,
    /// … or a number of steps (`1` louder, `-1` quieter).
    #[serde(default)]
    steps: Option<i8>,
    /// `mute`: `true`, `false`, or absent for the other of the two.
    #[serde(default)]
    muted: Option<bool>,
}

/// How far a seek may jump either way.
const LONGEST_SEEK_MS: u64 = 6 * 3_600_000;

/// Playback: toggle, play, pause, stop, seek by `delta_ms` or to `position_ms`, next or previous
/// episode, the next quality or subtitles, volume (`level` or `steps`) and mute. 409 when nothing
/// plays, 422 for a seek or volume without its number.
async fn player(
    State(shared): State<Arc<Shared>>,
    axum::Json(request): axum::Json<PlayerRequest>,
) -> Response {
    let paused = match &shared.snapshot.borrow().now_playing {
        Some(playing) => playing.paused,
        None => return refusal(StatusCode::CONFLICT, "nothing plays on the TV"),
    };
    let action = match request.action {
        PlayerActionName::Toggle => Some(PlayerAction::Toggle),
        PlayerActionName::Play => paused.then_some(PlayerAction::Toggle),
        PlayerActionName::Pause => (!paused).then_some(PlayerAction::Toggle),
        PlayerActionName::Stop => Some(PlayerAction::Stop),
        PlayerActionName::Seek => match (request.delta_ms, request.position_ms) {
            (Some(delta_ms), None) if delta_ms.unsigned_abs() <= LONGEST_SEEK_MS => {
                Some(PlayerAction::SeekBy { delta_ms })
            }
            (None, Some(position_ms)) if position_ms <= LONGEST_SEEK_MS => {
                Some(PlayerAction::SeekTo { position_ms })
            }
            _ => {
                return refusal(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "seek needs delta_ms or position_ms (not both)",
                );
            }
        },
        PlayerActionName::Next => Some(PlayerAction::Next),
        PlayerActionName::Previous => Some(PlayerAction::Previous),
        PlayerActionName::Quality => Some(PlayerAction::Quality),
        PlayerActionName::Subtitles => Some(PlayerAction::Subtitles),
        PlayerActionName::Volume => match (request.level, request.steps) {
            (Some(level), None) if level <= 100 => {
                Some(PlayerAction::Volume(VolumeChange::To(level)))
            }
            (None, Some(steps)) if steps != 0 => {
                let step = if steps > 0 { VolumeChange::Up } else { VolumeChange::Down };
                for _ in 1..steps.unsigned_abs().min(10) {
                    shared.send(RemoteCommand::Player(PlayerAction::Volume(step)));
                }
                Some(PlayerAction::Volume(step))
            }
            _ => {
                return refusal(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "volume needs level (0–100) or steps (not both)",
                );
            }
        },
        PlayerActionName::Mute => Some(PlayerAction::Volume(VolumeChange::Mute(request.muted))),
    };
    if let Some(action) = action {
        shared.send(RemoteCommand::Player(action));
    }
    StatusCode::NO_CONTENT.into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LibraryQuery {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    limit: Option<u32>,
}

/// Library titles, the most recently updated first, or those matching `q`.
async fn library(State(shared): State<Arc<Shared>>, Query(query): Query<LibraryQuery>) -> Response {
    let search = query.q.map(|q| q.trim().to_owned()).filter(|q| !q.is_empty());
    let limit = query.limit.unwrap_or(50).clamp(1, 200);
    match shared.app.titles(search, limit).await {
        Ok(cards) => {
            let titles: Vec<serde_json::Value> = cards
                .into_iter()
                .map(|card| {
                    serde_json::json!({
                        "id": card.id.0,
                        "name": card.name,
                        "year": card.year,
                        "episodes_total": card.episodes_total,
                    })
                })
                .collect();
            axum::Json(serde_json::json!({ "titles": titles })).into_response()
        }
        Err(error) => refusal(StatusCode::INTERNAL_SERVER_ERROR, &format!("{error:#}")),
    }
}

async fn title(State(shared): State<Arc<Shared>>, Path(id): Path<i64>) -> Response {
    match shared.app.title(TitleId(id)).await {
        Ok(details) => axum::Json(details).into_response(),
        Err(_) => refusal(StatusCode::NOT_FOUND, "no such title"),
    }
}

async fn poster(State(shared): State<Arc<Shared>>, Path(id): Path<i64>) -> Response {
    match shared.app.poster(TitleId(id)).await {
        Ok(Some(poster)) => {
            ([(header::CONTENT_TYPE, poster.content_type)], poster.bytes).into_response()
        }
        Ok(None) | Err(_) => refusal(StatusCode::NOT_FOUND, "no poster"),
    }
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum PlayFrom {
    Resume,
    Start,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlayRequest {
    title_id: i64,
    episode: f64,
    #[serde(default = "resume")]
    from: PlayFrom,
}

fn resume() -> PlayFrom {
    PlayFrom::Resume
}

/// "Play on TV": the TV opens the player on that episode.
async fn play(
    State(shared): State<Arc<Shared>>,
    axum::Json(request): axum::Json<PlayRequest>,
) -> Response {
    let title = TitleId(request.title_id);
    let Ok(details) = shared.app.title(title).await else {
        return refusal(StatusCode::NOT_FOUND, "no such title");
    };
    let known = details
        .episodes
        .iter()
        .any(|entry| (entry.episode.number - request.episode).abs() < f64::EPSILON);
    if !known {
        return refusal(StatusCode::NOT_FOUND, "no such episode");
    }
    shared.send(RemoteCommand::Play {
        title,
        episode: request.episode,
        from_start: request.from == PlayFrom::Start,
    });
    StatusCode::ACCEPTED.into_response()
}

impl Shared {
    /// Hands a command to the TV; a TV that is closing drops it.
    pub(crate) fn send(&self, command: RemoteCommand) {
        if self.commands.send(command).is_err() {
            tracing::debug!("the TV is gone; a remote command was dropped");
        }
    }
}
