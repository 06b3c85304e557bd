//! A real HTTP server on 127.0.0.1. The offline demo serves its catalog and media with it, and
//! tests use it as a fake API (no internet, ever). Routes map a request path (and query) to a
//! canned [`Reply`], directories are served under a prefix, and every request is logged so tests
//! can count calls.
//!
//! HTTP is axum's (hyper underneath); directories are tower-http's `ServeDir`, so HLS clients
//! get HEAD, byte ranges and percent-decoded paths, and `..` never leaves the directory. What is
//! ours is only the fake-API part: canned replies, delays, the request log. It runs on the
//! caller's tokio runtime or, with [`LoopbackServer::start_in_background`], on its own thread.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, Result};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use tokio::net::TcpListener;
use tower_http::services::ServeDir;

/// What the server answers to one route.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
    pub headers: Vec<(String, String)>,
    /// Wait this long before answering (to test timeouts).
    pub delay: Duration,
}

impl Reply {
    pub fn json(body: impl Into<Vec<u8>>) -> Reply {
        Reply::new(200, "application/json; charset=utf-8", body)
    }

    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status,
            content_type: content_type.to_owned(),
            body: body.into(),
            headers: Vec::new(),
            delay: Duration::ZERO,
        }
    }

    pub fn redirect(location: &str) -> Reply {
        let mut reply = Reply::new(302, "text/plain", "moved");
        reply.headers.push(("Location".to_owned(), location.to_owned()));
        reply
    }

    /// A file's bytes, with a content type from its extension.
    pub fn file(path: &Path) -> Result<Reply> {
        let body =
            std::fs::read(path).with_context(|| format!("reading fixture {}", path.display()))?;
        let content_type = match path.extension().and_then(|extension| extension.to_str()) {
            Some("json") => "application/json; charset=utf-8",
            Some("m3u8") => "application/vnd.apple.mpegurl",
            Some("ts") => "video/mp2t",
            Some("jpg" | "jpeg") => "image/jpeg",
            Some("png") => "image/png",
            Some("webp") => "image/webp",
            Some("html") => "text/html; charset=utf-8",
            _ => "application/octet-stream",
        };
        Ok(Reply::new(200, content_type, body))
    }

    pub fn delayed(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }
}

/// Computes the reply to a path from the request's query (a fake API's paged catalog).
pub type Answerer = Arc<dyn Fn(&str) -> Reply + Send + Sync>;

/// A whole request, for a stateful fake (an account API) that answers by method, headers and
/// body.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub method: String,
    pub path: String,
    /// Without the `?`; empty when there is none.
    pub query: String,
    /// Names lower-case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Incoming {
    /// The first header called `name` (lower-case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }
}

/// Answers every request under a path prefix from the whole request.
pub type Handler = Arc<dyn Fn(&Incoming) -> Reply + Send + Sync>;

#[derive(Default)]
struct Routes {
    /// Path prefixes answered by a [`Handler`], before anything else.
    handlers: Vec<(String, Handler)>,
    /// Exact `path?query` first, then `path` alone.
    exact: HashMap<String, Reply>,
    /// Paths whose reply is computed from the query (after the exact routes).
    computed: HashMap<String, Answerer>,
    /// Directories served under a path prefix.
    dirs: Vec<(String, PathBuf)>,
}

/// What the request handler shares.
#[derive(Clone)]
struct Shared {
    routes: Arc<Mutex<Routes>>,
    requests: Arc<Mutex<Vec<String>>>,
    bodies: Arc<Mutex<Vec<Received>>>,
}

/// A request that came with a body (a POST or PUT from a plugin), for tests to read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub method: String,
    pub target: String,
    pub body: Vec<u8>,
}

/// Bodies larger than this are not recorded (nor served: the request is refused).
const MAX_RECORDED_BODY: usize = 1 << 20;

/// A running fake server. Dropping it stops it.
pub struct LoopbackServer {
    address: SocketAddr,
    shared: Shared,
    _stop: Stop,
    _thread: Option<std::thread::JoinHandle<()>>,
}

/// Stops serving when dropped: aborts the accept loop on the caller's runtime, or ends the
/// background thread's runtime.
enum Stop {
    Task(tokio::task::AbortHandle),
    Thread(
        #[allow(dead_code, reason = "dropping the sender is the signal")]
        tokio::sync::oneshot::Sender<()>,
    ),
}

impl Drop for Stop {
    fn drop(&mut self) {
        if let Stop::Task(task) = self {
            task.abort();
        }
    }
}

impl LoopbackServer {
    /// Starts on 127.0.0.1 with a free port, on the current tokio runtime.
    pub async fn start() -> Result<LoopbackServer> {
        Self::start_on(0).await
    }

    /// Starts on 127.0.0.1:`port` (0 = any free port).
    pub async fn start_on(port: u16) -> Result<LoopbackServer> {
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .with_context(|| format!("binding 127.0.0.1:{port}"))?;
        let (address, shared, task) = serve(listener)?;
        Ok(LoopbackServer { address, shared, _stop: Stop::Task(task), _thread: None })
    }

    /// Starts on its own thread and runtime, for tests without one.
    pub fn start_in_background() -> Result<LoopbackServer> {
        Self::start_in_background_on(std::net::Ipv4Addr::LOCALHOST.into())
    }

    /// [`LoopbackServer::start_in_background`] on another loopback address (`127.0.0.2`: a
    /// "private host" tests keep apart from the granted 127.0.0.1).
    pub fn start_in_background_on(ip: std::net::IpAddr) -> Result<LoopbackServer> {
        let std_listener =
            std::net::TcpListener::bind((ip, 0)).with_context(|| format!("binding {ip}"))?;
        std_listener.set_nonblocking(true)?;
        let (ready_sender, ready) = std::sync::mpsc::channel();
        let (stop_sender, stop) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(runtime) => runtime,
                Err(error) => {
                    // The owner waits on `ready`; if it is gone there is nobody to tell.
                    ready_sender.send(Err(anyhow::anyhow!("no runtime: {error}"))).ok();
                    return;
                }
            };
            runtime.block_on(async move {
                let started = TcpListener::from_std(std_listener)
                    .context("adopting the listener")
                    .and_then(serve);
                let ok = started.is_ok();
                if ready_sender
                    .send(started.map(|(address, shared, _task)| (address, shared)))
                    .is_err()
                    || !ok
                {
                    return;
                }
                // Serve until the owner drops its stop handle (the error is that drop).
                stop.await.ok();
            });
        });
        let (address, shared) = ready.recv().context("the fake server did not start")??;
        Ok(LoopbackServer {
            address,
            shared,
            _stop: Stop::Thread(stop_sender),
            _thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Answers `path` (optionally with `?query`; a route with a query must match exactly).
    pub fn route(&self, path_and_query: &str, reply: Reply) {
        lock(&self.shared.routes).exact.insert(path_and_query.to_owned(), reply);
    }

    /// Answers every request for `path` with what `answer` makes of its query string (without
    /// the `?`; empty when there is none), so a fake API can page and filter.
    pub fn route_computed(
        &self,
        path: &str,
        answer: impl Fn(&str) -> Reply + Send + Sync + 'static,
    ) {
        lock(&self.shared.routes).computed.insert(path.to_owned(), Arc::new(answer));
    }

    /// Answers every request whose path starts with `prefix` with what `handler` makes of the
    /// whole request (method, headers, body): a stateful fake service.
    pub fn route_handler(
        &self,
        prefix: &str,
        handler: impl Fn(&Incoming) -> Reply + Send + Sync + 'static,
    ) {
        lock(&self.shared.routes).handlers.push((prefix.to_owned(), Arc::new(handler)));
    }

    /// Serves the files of `dir` under the path prefix `prefix` (e.g. `/media`).
    pub fn serve_dir(&self, prefix: &str, dir: &Path) {
        lock(&self.shared.routes)
            .dirs
            .push((prefix.trim_end_matches('/').to_owned(), dir.to_path_buf()));
    }

    /// Every request target (`path?query`) received so far, in order.
    pub fn requests(&self) -> Vec<String> {
        lock(&self.shared.requests).clone()
    }

    /// Every request that carried a body, with its method, in order.
    pub fn bodies(&self) -> Vec<Received> {
        lock(&self.shared.bodies).clone()
    }
}

/// Starts axum on `listener` (on the current runtime) with one handler for everything.
fn serve(listener: TcpListener) -> Result<(SocketAddr, Shared, tokio::task::AbortHandle)> {
    let address = listener.local_addr().context("the listener's address")?;
    let shared = Shared {
        routes: Arc::new(Mutex::new(Routes::default())),
        requests: Arc::new(Mutex::new(Vec::new())),
        bodies: Arc::new(Mutex::new(Vec::new())),
    };
    let router = axum::Router::new().fallback(answer).with_state(shared.clone());
    let task = tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, router).await {
            eprintln!("the loopback server stopped: {error}");
        }
    });
    Ok((address, shared, task.abort_handle()))
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Logs the request, then answers from the canned routes, else from a served directory, else 404.
async fn answer(State(shared): State<Shared>, request: Request) -> Response {
    let target = request.uri().path_and_query().map_or("/", |target| target.as_str()).to_owned();
    lock(&shared.requests).push(target.clone());
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_RECORDED_BODY).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "body too large for the loopback server")
            .into_response();
    };
    if !body.is_empty() {
        lock(&shared.bodies).push(Received {
            method: parts.method.to_string(),
            target: target.clone(),
            body: body.to_vec(),
        });
    }
    let path = parts.uri.path().to_owned();
    let handler = lock(&shared.routes)
        .handlers
        .iter()
        .find(|(prefix, _)| path.starts_with(prefix.as_str()))
        .map(|(_, handler)| Arc::clone(handler));
    if let Some(handler) = handler {
        let incoming = Incoming {
            method: parts.method.to_string(),
            path: path.clone(),
            query: parts.uri.query().unwrap_or_default().to_owned(),
            headers: parts
                .headers
                .iter()
                .map(|(name, value)| {
                    (name.as_str().to_owned(), String::from_utf8_lossy(value.as_bytes()).into())
                })
                .collect(),
            body: body.to_vec(),
        };
        return canned(handler(&incoming)).await;
    }
    let request = Request::from_parts(parts, Body::from(body));
    let found = {
        let routes = lock(&shared.routes);
        let computed = || {
            let query = request.uri().query().unwrap_or_default();
            routes.computed.get(&path).map(|answer| answer(query))
        };
        match routes
            .exact
            .get(&target)
            .cloned()
            .or_else(|| routes.exact.get(&path).cloned())
            .or_else(computed)
        {
            Some(reply) => Found::Reply(reply),
            None => routes
                .dirs
                .iter()
                .find_map(|(prefix, dir)| {
                    let rest = path.strip_prefix(prefix.as_str())?;
                    (rest.is_empty() || rest.starts_with('/'))
                        .then(|| Found::Dir(dir.clone(), rest.to_owned()))
                })
                .unwrap_or(Found::Nothing),
        }
    };
    match found {
        Found::Reply(reply) => canned(reply).await,
        Found::Dir(dir, rest) => from_dir(&dir, &rest, request).await,
        Found::Nothing => {
            (StatusCode::NOT_FOUND, "no such route on this loopback server").into_response()
        }
    }
}

enum Found {
    Reply(Reply),
    Dir(PathBuf, String),
    Nothing,
}

async fn canned(reply: Reply) -> Response {
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let mut response = Response::new(Body::from(reply.body));
    *response.status_mut() = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::OK);
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&reply.content_type) {
        headers.insert(axum::http::header::CONTENT_TYPE, value);
    }
    for (name, value) in &reply.headers {
        if let (Ok(name), Ok(value)) =
            (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value))
        {
            headers.insert(name, value);
        }
    }
    response
}

/// Hands the request, its path made relative to the prefix, to `ServeDir`.
async fn from_dir(dir: &Path, rest: &str, mut request: Request) -> Response {
    let relative = if rest.is_empty() { "/" } else { rest };
    match relative.parse::<Uri>() {
        Ok(uri) => *request.uri_mut() = uri,
        Err(_) => return StatusCode::BAD_REQUEST.into_response(),
    }
    match ServeDir::new(dir).append_index_html_on_directories(false).try_call(request).await {
        Ok(response) => response.map(Body::new),
        Err(error) => (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    /// Sends one raw HTTP/1.1 request and returns the whole answer as text.
    async fn exchange(server: &LoopbackServer, request: &str) -> Result<String> {
        let mut stream = tokio::net::TcpStream::connect(server.address()).await?;
        stream.write_all(request.as_bytes()).await?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await?;
        Ok(String::from_utf8_lossy(&answer).into_owned())
    }

    /// What HLS players ask of a media directory: HEAD, byte ranges, escaped names; and
    /// nothing outside the directory.
    #[tokio::test]
    async fn directories_answer_head_ranges_and_escaped_paths_and_stay_inside() -> Result<()> {
        let root = tempfile::tempdir()?;
        let media = root.path().join("media");
        std::fs::create_dir(&media)?;
        std::fs::write(media.join("segment 1.ts"), b"0123456789")?;
        std::fs::write(root.path().join("outside.txt"), b"secret")?;
        let server = LoopbackServer::start().await?;
        server.serve_dir("/media", &media);
        let close = "Host: x\r\nConnection: close\r\n\r\n";

        let head =
            exchange(&server, &format!("HEAD /media/segment%201.ts HTTP/1.1\r\n{close}")).await?;
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        assert!(head.to_ascii_lowercase().contains("content-length: 10"), "{head}");
        assert!(!head.contains("0123"), "HEAD has no body: {head}");

        let range = exchange(
            &server,
            &format!("GET /media/segment%201.ts HTTP/1.1\r\nRange: bytes=2-5\r\n{close}"),
        )
        .await?;
        assert!(range.starts_with("HTTP/1.1 206"), "{range}");
        assert!(range.ends_with("2345"), "{range}");

        let escape =
            exchange(&server, &format!("GET /media/../outside.txt HTTP/1.1\r\n{close}")).await?;
        assert!(!escape.contains("secret"), "{escape}");
        assert_eq!(
            server.requests(),
            ["/media/segment%201.ts", "/media/segment%201.ts", "/media/../outside.txt"]
        );
        Ok(())
    }

    #[tokio::test]
    async fn routes_answer_canned_replies_and_unknown_paths_are_404() -> Result<()> {
        let server = LoopbackServer::start().await?;
        server.route("/api?page=2", Reply::json("{\"page\":2}"));
        server.route_computed("/pages", |query| Reply::json(format!("{{\"asked\":\"{query}\"}}")));
        let close = "Host: x\r\nConnection: close\r\n\r\n";
        let page = exchange(&server, &format!("GET /api?page=2 HTTP/1.1\r\n{close}")).await?;
        assert!(page.starts_with("HTTP/1.1 200") && page.ends_with("{\"page\":2}"), "{page}");
        let missing = exchange(&server, &format!("GET /api?page=3 HTTP/1.1\r\n{close}")).await?;
        assert!(missing.starts_with("HTTP/1.1 404"), "{missing}");
        let computed = exchange(&server, &format!("GET /pages?page=7 HTTP/1.1\r\n{close}")).await?;
        assert!(computed.ends_with("{\"asked\":\"page=7\"}"), "{computed}");
        let bare = exchange(&server, &format!("GET /pages HTTP/1.1\r\n{close}")).await?;
        assert!(bare.ends_with("{\"asked\":\"\"}"), "{bare}");
        Ok(())
    }
}
