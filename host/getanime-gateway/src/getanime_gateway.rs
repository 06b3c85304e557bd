//! The media gateway: the one way media bytes reach the player. GStreamer is handed only URLs
//! of a loopback HTTP server in this process; every playlist (master, variant, rendition),
//! key, init segment and segment behind them is fetched by the host through an [`Upstream`]
//! (the source's guarded client: its network rule, names resolved and checked, redirects hop
//! by hop, the user's grants), and each playlist is rewritten so the URIs it names are the
//! gateway's too. So a playlist can never make the player reach what the rule refuses — the
//! router's page, a NAS — however many hops or ad breaks it splices in.
//!
//! The server binds 127.0.0.1 only, answers only a `Host` of its own address (no DNS
//! rebinding), and serves only what a playlist of a playback in progress named, under that
//! playback's unguessable token; dropping the [`GatewaySession`] ends it. Bodies are streamed
//! (a segment is never held whole), except playlists, read whole (bounded) to be rewritten.

mod playlist;

pub use playlist::{is_playlist, looks_like_playlist, rewrite};

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;

/// Why the gateway could not start or open a playback.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot open the media gateway on 127.0.0.1: {0}")]
    Bind(#[source] std::io::Error),
    #[error("cannot draw a token for the playback: {0}")]
    Random(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What the upstream answered.
pub struct Fetched {
    pub status: u16,
    /// Where it came from, after redirects: a playlist's relative URIs resolve against it.
    pub url: String,
    pub content_type: Option<String>,
    pub content_length: Option<u64>,
    pub content_range: Option<String>,
    pub body: BoxStream<'static, std::io::Result<Bytes>>,
}

/// Why the upstream gave nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The network rule refused it; `words` tell the viewer why (and what to grant).
    Refused { words: String },
    /// It could not be fetched (the server is down, timed out, answered with an error).
    Failed { words: String },
}

/// What fetches for the gateway: the host's guarded client, under the source's network rule.
pub trait Upstream: Send + Sync + 'static {
    /// GETs `url`, with the player's `Range` when it asked for part of it.
    fn fetch(
        &self,
        url: String,
        range: Option<String>,
    ) -> BoxFuture<'static, std::result::Result<Fetched, Failure>>;
}

/// A playlist larger than this is refused (real ones are at most a few hundred KiB).
const MAX_PLAYLIST_BYTES: usize = 8 << 20;

/// The running gateway; dropping it stops serving.
pub struct MediaGateway {
    address: SocketAddr,
    playbacks: Arc<Playbacks>,
    task: tokio::task::AbortHandle,
}

/// The playbacks in progress, by token.
#[derive(Default)]
struct Playbacks {
    open: Mutex<HashMap<String, Arc<Playback>>>,
}

/// One playback's part: what its playlists named, and what was refused.
struct Playback {
    upstream: Arc<dyn Upstream>,
    resources: Mutex<Resources>,
    refused: Mutex<Refused>,
}

/// The upstream URLs the player may ask for, by index (each named once, however often a live
/// playlist is read again).
#[derive(Default)]
struct Resources {
    urls: Vec<String>,
    index: HashMap<String, usize>,
}

#[derive(Default)]
struct Refused {
    /// The first refusal's words, for the player to say.
    first: Option<String>,
    /// Each refused URL is logged once.
    logged: HashSet<String>,
}

#[derive(Clone)]
struct Served {
    playbacks: Arc<Playbacks>,
    /// The only `Host` answered: the gateway's own address.
    host: String,
    address: SocketAddr,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding one of these leaves plain data behind; it stays usable.
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl MediaGateway {
    /// Starts on 127.0.0.1 (a free port) on the current tokio runtime.
    pub async fn start() -> Result<MediaGateway> {
        let listener =
            tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.map_err(Error::Bind)?;
        let address = listener.local_addr().map_err(Error::Bind)?;
        let playbacks = Arc::new(Playbacks::default());
        let served =
            Served { playbacks: Arc::clone(&playbacks), host: address.to_string(), address };
        let router = axum::Router::new()
            .route("/{token}/{index}", axum::routing::get(serve))
            .route("/{token}/{index}/{name}", axum::routing::get(serve))
            .with_state(served);
        let task = tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, router).await {
                tracing::error!("the media gateway stopped: {error}");
            }
        })
        .abort_handle();
        tracing::info!(%address, "media gateway listening");
        Ok(MediaGateway { address, playbacks, task })
    }

    /// Where it listens.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// A playback's own part of the gateway, fetching through `upstream`; it serves until the
    /// session is dropped.
    pub fn open(&self, upstream: Arc<dyn Upstream>) -> Result<GatewaySession> {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).map_err(|error| Error::Random(error.to_string()))?;
        let token: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
        let playback =
            Arc::new(Playback { upstream, resources: Mutex::default(), refused: Mutex::default() });
        lock(&self.playbacks.open).insert(token.clone(), Arc::clone(&playback));
        Ok(GatewaySession {
            token,
            address: self.address,
            playback,
            playbacks: Arc::clone(&self.playbacks),
        })
    }

    /// How many playbacks it serves now.
    pub fn playbacks(&self) -> usize {
        lock(&self.playbacks.open).len()
    }
}

impl Drop for MediaGateway {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// One playback's URLs on the gateway. Dropping it ends them.
pub struct GatewaySession {
    token: String,
    address: SocketAddr,
    playback: Arc<Playback>,
    playbacks: Arc<Playbacks>,
}

impl GatewaySession {
    /// The gateway URL the player reads `upstream_url` from.
    pub fn local_url(&self, upstream_url: &str) -> String {
        local_url(&self.playback, self.address, &self.token, upstream_url)
    }

    /// What was refused first, in the upstream's words.
    pub fn refusal(&self) -> Option<String> {
        lock(&self.playback.refused).first.clone()
    }
}

impl Drop for GatewaySession {
    fn drop(&mut self) {
        lock(&self.playbacks.open).remove(&self.token);
    }
}

/// Registers `upstream_url` for the playback and says where the player finds it: the index,
/// then the URL's last path segment (players that guess a format by its name still can).
fn local_url(playback: &Playback, address: SocketAddr, token: &str, upstream_url: &str) -> String {
    let index = {
        let mut resources = lock(&playback.resources);
        match resources.index.get(upstream_url) {
            Some(index) => *index,
            None => {
                let index = resources.urls.len();
                resources.urls.push(upstream_url.to_owned());
                resources.index.insert(upstream_url.to_owned(), index);
                index
            }
        }
    };
    let path = upstream_url.split(['?', '#']).next().unwrap_or_default();
    let name: String = path
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|character| {
            character.is_ascii_alphanumeric() || matches!(character, '.' | '-' | '_')
        })
        .take(64)
        .collect();
    let name = if name.is_empty() { "media".to_owned() } else { name };
    format!("http://{address}/{token}/{index}/{name}")
}

async fn serve(
    State(served): State<Served>,
    Path(params): Path<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let host = headers.get(header::HOST).and_then(|value| value.to_str().ok());
    if host != Some(served.host.as_str()) {
        return (StatusCode::MISDIRECTED_REQUEST, "not this gateway's address").into_response();
    }
    let (Some(token), Some(index)) = (params.get("token"), params.get("index")) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Some(playback) = lock(&served.playbacks.open).get(token).cloned() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let url = index
        .parse::<usize>()
        .ok()
        .and_then(|index| lock(&playback.resources).urls.get(index).cloned());
    let Some(url) = url else { return StatusCode::NOT_FOUND.into_response() };
    let range = headers.get(header::RANGE).and_then(|value| value.to_str().ok()).map(str::to_owned);
    match playback.upstream.fetch(url.clone(), range).await {
        Ok(fetched) => answer(&playback, &served, token, fetched).await,
        Err(Failure::Refused { words }) => {
            let mut refused = lock(&playback.refused);
            if refused.logged.insert(url.clone()) {
                tracing::warn!(url, "the media gateway refused: {words}");
            }
            refused.first.get_or_insert_with(|| words.clone());
            (StatusCode::FORBIDDEN, words).into_response()
        }
        Err(Failure::Failed { words }) => {
            tracing::warn!(url, "the media gateway could not fetch: {words}");
            (StatusCode::BAD_GATEWAY, words).into_response()
        }
    }
}

/// The upstream's answer for the player: a playlist rewritten, anything else streamed.
async fn answer(playback: &Playback, served: &Served, token: &str, fetched: Fetched) -> Response {
    let success = (200..300).contains(&fetched.status);
    if success && is_playlist(&fetched.url, fetched.content_type.as_deref()) {
        let body = match read_bounded(fetched.body).await {
            Ok(body) => body,
            Err(words) => {
                tracing::warn!(url = fetched.url, "the media gateway dropped a playlist: {words}");
                return (StatusCode::BAD_GATEWAY, words).into_response();
            }
        };
        if looks_like_playlist(&body) {
            let text = String::from_utf8_lossy(&body);
            let rewritten = rewrite(&text, &fetched.url, |absolute| {
                local_url(playback, served.address, token, absolute)
            });
            return ([(header::CONTENT_TYPE, "application/vnd.apple.mpegurl")], rewritten)
                .into_response();
        }
        return (StatusCode::OK, body).into_response();
    }
    let status = StatusCode::from_u16(fetched.status).unwrap_or(StatusCode::BAD_GATEWAY);
    let mut response = Response::builder().status(status);
    for (name, value) in [
        (header::CONTENT_TYPE, fetched.content_type),
        (header::CONTENT_LENGTH, fetched.content_length.map(|length| length.to_string())),
        (header::CONTENT_RANGE, fetched.content_range),
    ] {
        if let Some(value) = value {
            response = response.header(name, value);
        }
    }
    response
        .body(Body::from_stream(fetched.body))
        .unwrap_or_else(|_| StatusCode::BAD_GATEWAY.into_response())
}

/// A whole body within [`MAX_PLAYLIST_BYTES`].
async fn read_bounded(
    mut body: BoxStream<'static, std::io::Result<Bytes>>,
) -> std::result::Result<Vec<u8>, String> {
    let mut read = Vec::new();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|error| format!("the playlist was cut off: {error}"))?;
        if read.len() + chunk.len() > MAX_PLAYLIST_BYTES {
            return Err(format!("a playlist larger than {MAX_PLAYLIST_BYTES} bytes"));
        }
        read.extend_from_slice(&chunk);
    }
    Ok(read)
}
