//! A native fake host: a plugin's whole glue (URLs, requests, parsing, errors, settings, logs)
//! runs under `cargo test` on the build machine, without wasm or a server.
//!
//! ```ignore
//! use getanime_provider_sdk::{Provider, testing::FakeHost};
//! let (page, transcript) = FakeHost::new()
//!     .setting("base_url", "https://api.example")
//!     .answer("https://api.example/latest?page=1", 200, r#"{"items": []}"#)
//!     .run(|| MySource::latest(1));
//! assert!(page.is_ok());
//! assert_eq!(transcript.requests[0].url, "https://api.example/latest?page=1");
//! ```
//!
//! On wasm the SDK calls the real host; this module is what its functions reach natively.

use std::cell::RefCell;
use std::collections::BTreeMap;

use crate::Level;
use crate::Method;
use crate::bindings::getanime::provider::host::{HttpError, HttpRequest, HttpResponse};

/// A recorded answer from the workspace's `tests/fixtures/<area>/<name>`.
pub fn fixture(area: &str, name: &str) -> std::io::Result<Vec<u8>> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(area)
        .join(name);
    std::fs::read(&path)
        .map_err(|error| std::io::Error::new(error.kind(), format!("{}: {error}", path.display())))
}

/// One request a plugin made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
    /// Whether the plugin asked the host to attach the account's token (trackers).
    pub authorized: bool,
}

/// What a plugin did during [`FakeHost::run`]: its requests and its log lines, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Transcript {
    pub requests: Vec<Request>,
    pub logs: Vec<(Level, String)>,
    /// Access tokens a tracker handed to the host (`tracker::store_token`), in order.
    pub stored_tokens: Vec<String>,
}

/// Canned answers by method and URL, settings, and (optionally) the hosts the plugin may reach.
#[derive(Debug, Clone, Default)]
pub struct FakeHost {
    answers: Vec<(Method, String, u16, Vec<u8>)>,
    settings: BTreeMap<String, String>,
    allowed_hosts: Option<Vec<String>>,
    transcript: Transcript,
}

thread_local! {
    static CURRENT: RefCell<Option<FakeHost>> = const { RefCell::new(None) };
}

impl FakeHost {
    pub fn new() -> FakeHost {
        FakeHost::default()
    }

    /// Answers a GET of exactly `url` with `status` and `body` (a JSON text, bytes...).
    pub fn answer(self, url: &str, status: u16, body: impl Into<Vec<u8>>) -> FakeHost {
        self.answer_to(Method::Get, url, status, body)
    }

    /// Answers `method` on exactly `url`.
    pub fn answer_to(
        mut self,
        method: Method,
        url: &str,
        status: u16,
        body: impl Into<Vec<u8>>,
    ) -> FakeHost {
        self.answers.push((method, url.to_owned(), status, body.into()));
        self
    }

    /// A setting, as the user (or `plugin.toml`) would give it.
    pub fn setting(mut self, key: &str, value: &str) -> FakeHost {
        self.settings.insert(key.to_owned(), value.to_owned());
        self
    }

    /// Only these hosts are reachable; others are refused as the real host refuses them.
    pub fn allow_only(mut self, hosts: &[&str]) -> FakeHost {
        self.allowed_hosts = Some(hosts.iter().map(|host| (*host).to_owned()).collect());
        self
    }

    /// Runs `call` (a plugin's `Provider` method) with this host, and says what it did.
    pub fn run<T>(self, call: impl FnOnce() -> T) -> (T, Transcript) {
        let previous = CURRENT.with(|current| current.replace(Some(self)));
        let value = call();
        let host = CURRENT.with(|current| current.replace(previous));
        (value, host.map(|host| host.transcript).unwrap_or_default())
    }

    fn fetch(&mut self, request: &HttpRequest) -> Result<HttpResponse, HttpError> {
        self.transcript.requests.push(Request {
            method: request.method,
            url: request.url.clone(),
            headers: request.headers.clone(),
            body: request.body.clone(),
            authorized: request.authorized,
        });
        let host = url_host(&request.url);
        if let Some(allowed) = &self.allowed_hosts
            && !allowed.iter().any(|candidate| Some(candidate.as_str()) == host)
        {
            return Err(HttpError::Denied(host.unwrap_or(&request.url).to_owned()));
        }
        self.answers
            .iter()
            .find(|(method, url, ..)| *method == request.method && *url == request.url)
            .map(|(_, _, status, body)| HttpResponse {
                status: *status,
                headers: vec![("content-type".into(), "application/json".into())],
                body: body.clone(),
            })
            .ok_or_else(|| {
                HttpError::Transport(format!(
                    "the fake host has no answer for {:?} {}",
                    request.method, request.url
                ))
            })
    }
}

/// The host part of an `http(s)` URL (no port, no user).
fn url_host(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    let host = match host.strip_prefix('[') {
        Some(bracketed) => bracketed.split(']').next()?,
        None => host.split(':').next()?,
    };
    (!host.is_empty()).then_some(host)
}

fn with_host<T>(missing: T, use_host: impl FnOnce(&mut FakeHost) -> T) -> T {
    CURRENT.with(|current| match current.borrow_mut().as_mut() {
        Some(host) => use_host(host),
        None => missing,
    })
}

/// `host.fetch` natively: the canned answer, or an error saying there is no fake host.
pub(crate) fn fetch(request: &HttpRequest) -> Result<HttpResponse, HttpError> {
    with_host(
        Err(HttpError::Transport(
            "no host: natively, run the plugin inside testing::FakeHost::run".into(),
        )),
        |host| host.fetch(request),
    )
}

/// `host.setting` natively.
pub(crate) fn setting(key: &str) -> Option<String> {
    with_host(None, |host| host.settings.get(key).cloned())
}

/// `credentials.store` natively: into the transcript.
pub(crate) fn store_token(token: &crate::tracker::Token) {
    with_host((), |host| host.transcript.stored_tokens.push(token.access.clone()));
}

/// `host.log` natively: into the transcript (or stderr outside a fake host).
pub(crate) fn log(level: Level, message: &str) {
    let logged = with_host(false, |host| {
        host.transcript.logs.push((level, message.to_owned()));
        true
    });
    if !logged {
        eprintln!("[{level:?}] {message}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ProviderError, http};

    #[test]
    fn requests_are_answered_recorded_and_refused_like_the_host_does() {
        let ((answered, missing, refused, setting), transcript) = FakeHost::new()
            .answer("https://api.example/a", 200, r#"{"n": 1}"#)
            .setting("base_url", "https://api.example")
            .allow_only(&["api.example"])
            .run(|| {
                crate::log(Level::Info, "hello");
                (
                    http::get_json::<serde_json::Value>("https://api.example/a"),
                    http::get("https://api.example/b").map(|response| response.status),
                    http::get("https://evil.example/").map(|response| response.status),
                    crate::setting("base_url"),
                )
            });
        assert_eq!(answered.ok().and_then(|json| json["n"].as_u64()), Some(1));
        assert!(matches!(missing, Err(ProviderError::Network(_))), "{missing:?}");
        assert!(
            matches!(&refused, Err(ProviderError::Denied(host)) if host == "evil.example"),
            "{refused:?}"
        );
        assert_eq!(setting.as_deref(), Some("https://api.example"));
        let urls: Vec<&str> =
            transcript.requests.iter().map(|request| request.url.as_str()).collect();
        assert_eq!(
            urls,
            ["https://api.example/a", "https://api.example/b", "https://evil.example/"]
        );
        assert_eq!(transcript.logs, [(Level::Info, "hello".to_owned())]);
    }

    #[test]
    fn outside_a_fake_host_a_request_says_so() {
        let error = http::get("https://api.example/a").map(|response| response.status);
        assert!(
            matches!(&error, Err(ProviderError::Network(message)) if message.contains("FakeHost")),
            "{error:?}"
        );
    }

    #[test]
    fn url_hosts() {
        assert_eq!(url_host("https://a.example:8080/x?y"), Some("a.example"));
        assert_eq!(url_host("http://user@[::1]:80/"), Some("::1"));
        assert_eq!(url_host("nonsense"), None);
    }
}
