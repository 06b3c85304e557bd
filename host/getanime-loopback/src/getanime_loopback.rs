//! A small real HTTP server on 127.0.0.1. The offline demo serves its catalog and media with it,
//! and tests use it as a fake API (no internet, ever). Routes map a request path (and query) to a
//! canned [`Reply`], directories are served under a prefix, and every request is logged so tests
//! can count calls.
//!
//! Deliberately small: HTTP/1.1, GET only, `Connection: close`, loopback only. It runs on the
//! caller's tokio runtime or, with [`LoopbackServer::start_in_background`], on its own thread.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, Result};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

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

#[derive(Default)]
struct Routes {
    /// Exact `path?query` first, then `path` alone.
    exact: HashMap<String, Reply>,
    /// Directories served under a path prefix.
    dirs: Vec<(String, PathBuf)>,
}

/// A running fake server. Dropping it stops it.
pub struct LoopbackServer {
    address: SocketAddr,
    routes: Arc<Mutex<Routes>>,
    requests: Arc<Mutex<Vec<String>>>,
    _stop: tokio::sync::oneshot::Sender<()>,
    _thread: Option<std::thread::JoinHandle<()>>,
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
        Ok(LoopbackServer::serve(listener, None))
    }

    /// Starts on its own thread and runtime, for tests without one.
    pub fn start_in_background() -> Result<LoopbackServer> {
        let std_listener =
            std::net::TcpListener::bind("127.0.0.1:0").context("binding 127.0.0.1")?;
        std_listener.set_nonblocking(true)?;
        let (ready_sender, ready) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(runtime) => runtime,
                Err(_) => return,
            };
            runtime.block_on(async move {
                let listener = match TcpListener::from_std(std_listener) {
                    Ok(listener) => listener,
                    Err(_) => return,
                };
                let (stop_sender, stop) = tokio::sync::oneshot::channel::<()>();
                let server = LoopbackServer::serve(listener, None);
                let shared = (
                    server.address,
                    Arc::clone(&server.routes),
                    Arc::clone(&server.requests),
                    stop_sender,
                );
                if ready_sender.send(shared).is_err() {
                    return;
                }
                // Keep serving until the owner drops its stop handle.
                let _server = server;
                if stop.await.is_err() {
                    // The owner is gone: stop serving.
                }
            });
        });
        let (address, routes, requests, stop) =
            ready.recv().context("the fake server did not start")?;
        Ok(LoopbackServer { address, routes, requests, _stop: stop, _thread: Some(thread) })
    }

    fn serve(listener: TcpListener, thread: Option<std::thread::JoinHandle<()>>) -> LoopbackServer {
        let address =
            listener.local_addr().unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 0)));
        let routes = Arc::new(Mutex::new(Routes::default()));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (stop_sender, mut stop) = tokio::sync::oneshot::channel::<()>();
        let (task_routes, task_requests) = (Arc::clone(&routes), Arc::clone(&requests));
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = &mut stop => break,
                    accepted = listener.accept() => {
                        let Ok((stream, _)) = accepted else { continue };
                        let (routes, requests) = (Arc::clone(&task_routes), Arc::clone(&task_requests));
                        tokio::spawn(async move {
                            // A client that hangs up mid-answer (a cancelled segment) is normal.
                            if handle(stream, &routes, &requests).await.is_err() {}
                        });
                    }
                }
            }
        });
        LoopbackServer { address, routes, requests, _stop: stop_sender, _thread: thread }
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
        lock(&self.routes).exact.insert(path_and_query.to_owned(), reply);
    }

    /// Serves the files of `dir` under the path prefix `prefix` (e.g. `/media`).
    pub fn serve_dir(&self, prefix: &str, dir: &Path) {
        lock(&self.routes).dirs.push((prefix.trim_end_matches('/').to_owned(), dir.to_path_buf()));
    }

    /// Every request target (`path?query`) received so far, in order.
    pub fn requests(&self) -> Vec<String> {
        lock(&self.requests).clone()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

async fn handle(
    mut stream: TcpStream,
    routes: &Mutex<Routes>,
    requests: &Mutex<Vec<String>>,
) -> Result<()> {
    let mut head = Vec::new();
    let mut buffer = [0u8; 4096];
    while !head.windows(4).any(|window| window == b"\r\n\r\n") {
        let read = stream.read(&mut buffer).await?;
        if read == 0 || head.len() > 64 << 10 {
            return Ok(());
        }
        head.extend_from_slice(&buffer[..read]);
    }
    let head = String::from_utf8_lossy(&head);
    let target = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
    lock(requests).push(target.clone());
    let reply = find(routes, &target)
        .unwrap_or_else(|| Reply::new(404, "text/plain", "no such route on this loopback server"));
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let mut response = format!(
        "HTTP/1.1 {} Fake\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        reply.status,
        reply.content_type,
        reply.body.len()
    );
    for (name, value) in &reply.headers {
        response.push_str(&format!("{name}: {value}\r\n"));
    }
    response.push_str("\r\n");
    stream.write_all(response.as_bytes()).await?;
    // A client that hangs up early (a cancelled HLS segment) is not an error.
    if stream.write_all(&reply.body).await.is_ok() {
        stream.shutdown().await.ok();
    }
    Ok(())
}

fn find(routes: &Mutex<Routes>, target: &str) -> Option<Reply> {
    let routes = lock(routes);
    let path = target.split('?').next().unwrap_or(target);
    if let Some(reply) = routes.exact.get(target).or_else(|| routes.exact.get(path)) {
        return Some(reply.clone());
    }
    for (prefix, dir) in &routes.dirs {
        if let Some(rest) = path.strip_prefix(prefix.as_str()) {
            let relative = rest.trim_start_matches('/');
            if relative.split('/').any(|part| part == ".." || part.is_empty()) {
                return None;
            }
            return Reply::file(&dir.join(relative)).ok();
        }
    }
    None
}
