//! The rules every request meets before a handler sees it: a peer on this machine or the home
//! network, a `Host` naming this machine (against DNS rebinding), an `Origin` of the page itself on
//! anything that changes state (against CSRF and cross-site WebSockets), a per-peer pace, and the
//! same safe headers on every answer. No CORS header is ever sent.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::connect_info::Connected;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::serve::IncomingStream;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::Shared;
use crate::peer::is_local_peer;

/// Both ends of a connection: who called, and which of this machine's addresses they reached
/// (the one `Host` must name).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Connection {
    pub(crate) peer: SocketAddr,
    pub(crate) local: Option<SocketAddr>,
}

impl Connected<IncomingStream<'_, tokio::net::TcpListener>> for Connection {
    fn connect_info(stream: IncomingStream<'_, tokio::net::TcpListener>) -> Connection {
        Connection { peer: *stream.remote_addr(), local: stream.io().local_addr().ok() }
    }
}

/// Requests per peer: pairing slowly (a code cannot be walked through), the rest briskly.
pub(crate) struct PeerLimits {
    pairing: DefaultKeyedRateLimiter<IpAddr>,
    api: DefaultKeyedRateLimiter<IpAddr>,
}

impl PeerLimits {
    pub(crate) fn new() -> PeerLimits {
        let per_second = |rate: u32, burst: u32| {
            Quota::per_second(NonZeroU32::new(rate).unwrap_or(NonZeroU32::MIN))
                .allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN))
        };
        PeerLimits {
            pairing: RateLimiter::keyed(per_second(1, 5)),
            api: RateLimiter::keyed(per_second(20, 50)),
        }
    }

    fn allows(&self, peer: IpAddr, pairing: bool) -> bool {
        let limiter = if pairing { &self.pairing } else { &self.api };
        limiter.check_key(&peer).is_ok()
    }
}

/// A refusal in a few words, as JSON (the page shows `error`).
pub(crate) fn refusal(status: StatusCode, error: &str) -> Response {
    (status, axum::Json(serde_json::json!({ "error": error }))).into_response()
}

/// Whether `host` (the `Host` header) names this machine on the server's port: the address the
/// connection reached, `localhost`, or the configured name.
pub(crate) fn host_allowed(host: &str, local: Option<SocketAddr>, shared: &Shared) -> bool {
    host_matches(host, local, shared.port, shared.host_name.as_deref())
}

fn host_matches(host: &str, local: Option<SocketAddr>, port: u16, own_name: Option<&str>) -> bool {
    let Some((name, given_port)) = host.rsplit_once(':') else { return false };
    if given_port.parse::<u16>().ok() != Some(port) {
        return false;
    }
    let name = name.trim_start_matches('[').trim_end_matches(']');
    if name.eq_ignore_ascii_case("localhost")
        || own_name.is_some_and(|own| own.eq_ignore_ascii_case(name))
    {
        return true;
    }
    match (name.parse::<IpAddr>(), local) {
        (Ok(ip), Some(local)) => ip == local.ip() || ip.to_canonical() == local.ip().to_canonical(),
        _ => false,
    }
}

/// The checks, in order; then the handler; then the headers every answer carries.
pub(crate) async fn guard(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(connection): ConnectInfo<Connection>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = match refuse(&shared, connection, request.method(), request.headers()) {
        Some(refused) => refused,
        None => {
            let pairing = request.uri().path().starts_with("/api/v1/pairings");
            if shared.limits.allows(connection.peer.ip(), pairing) {
                next.run(request).await
            } else {
                refusal(StatusCode::TOO_MANY_REQUESTS, "too many requests; wait a moment")
            }
        }
    };
    secure(response.headers_mut());
    response
}

/// Why a request is refused before any handler, if it is.
fn refuse(
    shared: &Shared,
    connection: Connection,
    method: &Method,
    headers: &HeaderMap,
) -> Option<Response> {
    if !is_local_peer(connection.peer.ip()) {
        tracing::warn!(peer = %connection.peer, "the phone remote refused a peer outside this network");
        return Some(refusal(
            StatusCode::FORBIDDEN,
            "only devices on this network may use the remote",
        ));
    }
    let host = headers.get(header::HOST).and_then(|value| value.to_str().ok());
    let Some(host) = host.filter(|host| host_allowed(host, connection.local, shared)) else {
        return Some(refusal(StatusCode::MISDIRECTED_REQUEST, "this is not the TV's address"));
    };
    let upgrade = headers.contains_key(header::UPGRADE);
    let changes = !matches!(*method, Method::GET | Method::HEAD) || upgrade;
    match headers.get(header::ORIGIN) {
        Some(origin) if origin.as_bytes() != format!("http://{host}").as_bytes() => {
            Some(refusal(StatusCode::FORBIDDEN, "a page from elsewhere may not use the remote"))
        }
        None if changes && !headers.contains_key(header::AUTHORIZATION) => {
            Some(refusal(StatusCode::FORBIDDEN, "a request without its origin needs a token"))
        }
        _ => None,
    }
}

/// The page runs only its own scripts, is never framed, leaks no address and is never cached.
fn secure(headers: &mut HeaderMap) {
    let set = [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; connect-src 'self'; img-src 'self' blob:; \
             frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        ),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::CACHE_CONTROL, "no-store"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ];
    for (name, value) in set {
        headers.insert(name, HeaderValue::from_static(value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_must_name_this_machine_on_the_servers_port() {
        let local: SocketAddr = "192.168.1.23:47401".parse().expect("an address");
        let allowed = ["192.168.1.23:47401", "localhost:47401", "LOCALHOST:47401"];
        let refused = [
            "attacker.example:47401",
            "192.168.1.24:47401",
            "192.168.1.23:80",
            "192.168.1.23",
            "tv.local:47401",
            "",
        ];
        let check = |host: &str| host_matches(host, Some(local), 47401, None);
        for host in allowed {
            assert!(check(host), "{host}");
        }
        for host in refused {
            assert!(!check(host), "{host}");
        }
        assert!(host_matches("tv.local:47401", Some(local), 47401, Some("tv.local")));
        let v6: SocketAddr = "[fe80::1]:47401".parse().expect("an address");
        assert!(host_matches("[fe80::1]:47401", Some(v6), 47401, None));
    }
}
