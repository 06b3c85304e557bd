//! The one network rule for every request the host makes on a plugin's behalf: the plugin's own
//! `fetch`, and the URLs a plugin hands over (posters, previews, streams), which the host fetches
//! or gives to the player. A plugin must not be able to make the host reach a machine on the
//! user's network by naming it, whether it asks for it or returns it.
//!
//! The rule ([`NetworkPolicy`]):
//! - http and https only;
//! - when the policy has an allow-list (a plugin's `fetch`), the host must be on it;
//! - an address that is not public (loopback, private, link-local, unique-local, CGNAT,
//!   multicast, unspecified, broadcast; IPv4 and IPv6, IPv4-mapped IPv6 too) is refused unless
//!   the host is *trusted*: granted by the user, or an IP literal the manifest names (the user
//!   saw it when installing; a name, unlike a literal, can be re-pointed at any time);
//! - names are checked on the addresses they resolve to, at connection time (so DNS rebinding
//!   between a check and the request does not help), and every redirect hop is checked again.
//!
//! [`GuardedClient`] is the reqwest client built on that rule, with a time limit and a body cap.
//! [`NetworkPolicy::check_resolved`] is the same rule for URLs the host cannot fetch itself
//! (streams GStreamer plays).

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;

use crate::error::{Error, Result};

/// Most redirects one request follows.
const MAX_REDIRECTS: usize = 5;

/// Why a URL was refused, in words for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not a URL at all.
    Invalid { reason: String },
    /// Not http or https.
    Scheme { scheme: String },
    /// The host is not on the allow-list.
    NotAllowed { host: String },
    /// The host is, or resolves to, an address inside the machine or the local network.
    LocalAddress { host: String },
    /// The name could not be looked up, so the rule could not be checked.
    Unresolved { host: String, reason: String },
}

impl Refusal {
    /// The host the refusal is about, when there is one.
    pub fn host(&self) -> Option<&str> {
        match self {
            Refusal::NotAllowed { host }
            | Refusal::LocalAddress { host }
            | Refusal::Unresolved { host, .. } => Some(host),
            Refusal::Invalid { .. } | Refusal::Scheme { .. } => None,
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Invalid { reason } => write!(formatter, "not a valid URL: {reason}"),
            Refusal::Scheme { scheme } => {
                write!(formatter, "only http and https are allowed, not {scheme}")
            }
            Refusal::NotAllowed { host } => {
                write!(formatter, "{host} is not in the plugin's allowed hosts")
            }
            Refusal::LocalAddress { host } => write!(formatter, "{host} {LOCAL_ADDRESS}"),
            Refusal::Unresolved { host, reason } => {
                write!(formatter, "cannot look up {host}: {reason}")
            }
        }
    }
}

impl std::error::Error for Refusal {}

/// How a [`Refusal::LocalAddress`] reads; also how it is recognised again inside reqwest's
/// error chain, which re-wraps resolver errors so their type does not survive.
const LOCAL_ADDRESS: &str = "is a private or local address, which the source may not reach";

/// Which URLs requests made for one plugin may reach.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetworkPolicy {
    /// When set, only these hosts (lower-cased). `None`: any host passing the address rule.
    allowed: Option<Vec<String>>,
    /// Hosts that may be local addresses (lower-cased).
    trusted: Vec<String>,
}

impl NetworkPolicy {
    /// A plugin's own `fetch`: only the manifest's hosts and the ones the user granted.
    pub fn for_fetch(manifest_hosts: &[String], granted_hosts: &[String]) -> NetworkPolicy {
        let allowed = manifest_hosts.iter().chain(granted_hosts).map(|host| lower(host)).collect();
        NetworkPolicy {
            allowed: Some(allowed),
            trusted: trusted_hosts(manifest_hosts, granted_hosts),
        }
    }

    /// URLs a plugin returned (posters, previews, streams): any public host, and the local ones
    /// the user trusts.
    pub fn for_returned_urls(manifest_hosts: &[String], granted_hosts: &[String]) -> NetworkPolicy {
        NetworkPolicy { allowed: None, trusted: trusted_hosts(manifest_hosts, granted_hosts) }
    }

    /// URLs the user chose (a plugin index they typed in): public hosts and `trusted` ones.
    pub fn for_user_chosen(trusted: impl IntoIterator<Item = String>) -> NetworkPolicy {
        NetworkPolicy {
            allowed: None,
            trusted: trusted.into_iter().map(|host| lower(&host)).collect(),
        }
    }

    /// The checks that need no name lookup: a valid http(s) URL, the allow-list, and the address
    /// rule for IP literals (names meet the address rule when they resolve).
    pub fn permit(&self, url: &str) -> Result<Url, Refusal> {
        let url = Url::parse(url.trim())
            .map_err(|error| Refusal::Invalid { reason: error.to_string() })?;
        self.permit_parsed(&url)?;
        Ok(url)
    }

    fn permit_parsed(&self, url: &Url) -> Result<(), Refusal> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Refusal::Scheme { scheme: url.scheme().to_owned() });
        }
        let host = url_host_name(url)
            .ok_or_else(|| Refusal::Invalid { reason: "the URL names no host".to_owned() })?;
        if let Some(allowed) = &self.allowed
            && !allowed.contains(&host)
        {
            return Err(Refusal::NotAllowed { host });
        }
        if let Some(ip) = ip_literal(&host)
            && !self.may_reach(&host, ip)
        {
            return Err(Refusal::LocalAddress { host });
        }
        Ok(())
    }

    /// [`permit`](Self::permit), and for a name, every address it resolves to passes the
    /// address rule. For URLs the host hands to something that resolves them again (the
    /// player): refusing when *any* address is local leaves it no local address to pick.
    pub async fn check_resolved(&self, url: &str) -> Result<Url, Refusal> {
        let mut checked = self.check_all_resolved(&[url]).await;
        checked.pop().unwrap_or_else(|| Err(Refusal::Invalid { reason: "no URL".to_owned() }))
    }

    /// [`check_resolved`](Self::check_resolved) for several URLs (an episode's qualities),
    /// looking each host and port up once.
    pub async fn check_all_resolved(&self, urls: &[&str]) -> Vec<Result<Url, Refusal>> {
        let mut lookups: HashMap<(String, u16), Result<(), Refusal>> = HashMap::new();
        let mut checked = Vec::with_capacity(urls.len());
        for url in urls {
            let url = match self.permit(url) {
                Ok(url) => url,
                Err(refusal) => {
                    checked.push(Err(refusal));
                    continue;
                }
            };
            let Some(host) = url_host_name(&url).filter(|host| ip_literal(host).is_none()) else {
                checked.push(Ok(url));
                continue;
            };
            let port = url.port_or_known_default().unwrap_or(80);
            let key = (host, port);
            let verdict = match lookups.get(&key) {
                Some(verdict) => verdict.clone(),
                None => {
                    let verdict = self.check_addresses(&key.0, port).await;
                    lookups.insert(key, verdict.clone());
                    verdict
                }
            };
            checked.push(verdict.map(|()| url));
        }
        checked
    }

    /// Every address `host` resolves to passes the address rule.
    async fn check_addresses(&self, host: &str, port: u16) -> Result<(), Refusal> {
        let addresses: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
            .await
            .map_err(|error| Refusal::Unresolved {
                host: host.to_owned(),
                reason: error.to_string(),
            })?
            .collect();
        if addresses.iter().any(|address| !self.may_reach(host, address.ip())) {
            return Err(Refusal::LocalAddress { host: host.to_owned() });
        }
        Ok(())
    }

    /// The address rule: public, or the host is trusted.
    fn may_reach(&self, host: &str, ip: IpAddr) -> bool {
        is_public(ip) || self.trusted.iter().any(|trusted| trusted == host)
    }
}

/// The hosts that may be local: the user's grants, and the IP literals a manifest names.
fn trusted_hosts(manifest_hosts: &[String], granted_hosts: &[String]) -> Vec<String> {
    let literals = manifest_hosts.iter().filter(|host| ip_literal(host).is_some());
    granted_hosts.iter().chain(literals).map(|host| lower(host)).collect()
}

/// The address a host names directly (`192.0.2.1`, `[2001:db8::1]`), if it is one.
fn ip_literal(host: &str) -> Option<IpAddr> {
    host.trim_start_matches('[').trim_end_matches(']').parse().ok()
}

fn lower(host: &str) -> String {
    host.trim().to_ascii_lowercase()
}

/// The host of a URL as the allow-list spells it: lower-cased, IPv6 in brackets.
fn url_host_name(url: &Url) -> Option<String> {
    url.host_str().filter(|host| !host.is_empty()).map(lower)
}

/// The lower-cased host of an http(s) URL, if it is one.
pub fn url_host(value: &str) -> Option<String> {
    let url = Url::parse(value.trim()).ok()?;
    matches!(url.scheme(), "http" | "https").then(|| url_host_name(&url)).flatten()
}

/// `reference` read against `base`, as a browser would: an absolute URL as it is, a relative one
/// (`anilibria-1.0.0.tar.gz`, `../p/x.tar.gz`) beside `base`. `None` when either is not a URL.
pub fn resolve_url(base: &str, reference: &str) -> Option<String> {
    let base = Url::parse(base.trim()).ok()?;
    Some(base.join(reference.trim()).ok()?.to_string())
}

/// Whether an address is on the public internet: not loopback, private, link-local, unique-local,
/// shared (CGNAT), multicast, broadcast, documentation or unspecified. IPv4-mapped and
/// IPv4-compatible IPv6 addresses are judged as the IPv4 address they carry.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(v4: Ipv4Addr) -> bool {
    let [first, second, ..] = v4.octets();
    let this_network = first == 0;
    let shared = first == 100 && (second & 0xc0) == 64;
    let reserved = first >= 240;
    !(this_network
        || shared
        || reserved
        || v4.is_loopback()
        || v4.is_private()
        || v4.is_link_local()
        || v4.is_multicast()
        || v4.is_broadcast()
        || v4.is_documentation())
}

fn is_public_v6(v6: Ipv6Addr) -> bool {
    let first = v6.segments()[0];
    let unique_local = (first & 0xfe00) == 0xfc00;
    let link_local = (first & 0xffc0) == 0xfe80;
    let site_local = (first & 0xffc0) == 0xfec0;
    let documentation = first == 0x2001 && v6.segments()[1] == 0x0db8;
    // ::a.b.c.d (deprecated IPv4-compatible) still reaches the IPv4 address on some stacks.
    let compatible = v6.segments()[..6].iter().all(|segment| *segment == 0);
    if compatible && !v6.is_unspecified() && !v6.is_loopback() {
        let [.., a, b] = v6.segments();
        let v4 = Ipv4Addr::new((a >> 8) as u8, a as u8, (b >> 8) as u8, b as u8);
        return is_public_v4(v4);
    }
    !(unique_local
        || link_local
        || site_local
        || documentation
        || v6.is_loopback()
        || v6.is_unspecified()
        || v6.is_multicast())
}

/// A response read whole within the body cap.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Connecting to a media server, and each read of a segment, may take this long.
const MEDIA_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const MEDIA_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Every hop meets the allow-list and the literal rule; names meet the resolver.
fn guarded_redirects(hops: Arc<NetworkPolicy>) -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() >= MAX_REDIRECTS {
            attempt.error("too many redirects")
        } else {
            match hops.permit_parsed(attempt.url()) {
                Ok(()) => attempt.follow(),
                Err(refusal) => attempt.error(RedirectRefused(refusal)),
            }
        }
    })
}

/// A response whose body arrives as it is read (media: no cap, the caller streams it on).
pub struct Streamed {
    pub status: u16,
    /// Where it came from, after the redirects the rule allowed.
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: futures_util::stream::BoxStream<'static, std::io::Result<bytes::Bytes>>,
}

impl Streamed {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(candidate, _)| candidate.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// An HTTP client that only reaches what its [`NetworkPolicy`] permits.
#[derive(Clone)]
pub struct GuardedClient {
    client: reqwest::Client,
    policy: Arc<NetworkPolicy>,
    max_body_bytes: usize,
}

impl GuardedClient {
    /// `user_agent` names getanime (and the plugin, for its requests).
    pub fn new(
        policy: NetworkPolicy,
        user_agent: &str,
        timeout: Duration,
        max_body_bytes: usize,
    ) -> Result<GuardedClient> {
        let policy = Arc::new(policy);
        let client = reqwest::Client::builder()
            .dns_resolver(GuardedResolver { policy: Arc::clone(&policy) })
            .redirect(guarded_redirects(Arc::clone(&policy)))
            .timeout(timeout)
            .user_agent(user_agent)
            .build()
            .map_err(|error| Error::Runtime(format!("cannot build the HTTP client: {error}")))?;
        Ok(GuardedClient { client, policy, max_body_bytes })
    }

    /// A client for media the player streams through the gateway: no whole-exchange time limit
    /// (a segment may take long on a slow line), but connecting and each read are bounded.
    pub fn for_media(policy: NetworkPolicy, user_agent: &str) -> Result<GuardedClient> {
        let mut client = GuardedClient::new(policy, user_agent, MEDIA_READ_TIMEOUT, 8 << 20)?;
        let hops = Arc::clone(&client.policy);
        client.client = reqwest::Client::builder()
            .dns_resolver(GuardedResolver { policy: Arc::clone(&client.policy) })
            .redirect(guarded_redirects(hops))
            .connect_timeout(MEDIA_CONNECT_TIMEOUT)
            .read_timeout(MEDIA_READ_TIMEOUT)
            .user_agent(user_agent)
            .build()
            .map_err(|error| Error::Runtime(format!("cannot build the HTTP client: {error}")))?;
        Ok(client)
    }

    pub fn policy(&self) -> &NetworkPolicy {
        &self.policy
    }

    /// GETs `url` with `headers` and reads the body within the cap; any status is an answer.
    pub async fn get(
        &self,
        url: &str,
        headers: &[(String, String)],
    ) -> Result<Fetched, FetchError> {
        self.request(HttpMethod::Get, url, headers, None).await
    }

    /// Sends `method` to `url` with `headers` and `body` (both ways bounded by the body cap) and
    /// reads the answer; any status is an answer.
    pub async fn request(
        &self,
        method: HttpMethod,
        url: &str,
        headers: &[(String, String)],
        body: Option<Vec<u8>>,
    ) -> Result<Fetched, FetchError> {
        let url = self.policy.permit(url).map_err(FetchError::Refused)?;
        if body.as_ref().is_some_and(|body| body.len() > self.max_body_bytes) {
            return Err(FetchError::TooLarge { limit_bytes: self.max_body_bytes });
        }
        let method = match method {
            HttpMethod::Get => reqwest::Method::GET,
            HttpMethod::Post => reqwest::Method::POST,
            HttpMethod::Put => reqwest::Method::PUT,
            HttpMethod::Delete => reqwest::Method::DELETE,
            HttpMethod::Patch => reqwest::Method::PATCH,
        };
        let mut builder = self.client.request(method, url);
        for (name, value) in headers {
            builder = builder.header(name, value);
        }
        if let Some(body) = body {
            builder = builder.body(body);
        }
        let mut response = builder.send().await.map_err(|error| classify(&error))?;
        let cap = self.max_body_bytes;
        if response.content_length().is_some_and(|length| length > cap as u64) {
            return Err(FetchError::TooLarge { limit_bytes: cap });
        }
        let status = response.status().as_u16();
        let headers = header_pairs(response.headers());
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|error| classify(&error))? {
            if body.len() + chunk.len() > cap {
                return Err(FetchError::TooLarge { limit_bytes: cap });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Fetched { status, headers, body })
    }

    /// GETs `url` with `headers` and hands the body on as it arrives (the media gateway's
    /// segments: no body cap; the client's timeouts still hold).
    pub async fn open(
        &self,
        url: &str,
        headers: &[(String, String)],
    ) -> Result<Streamed, FetchError> {
        let url = self.policy.permit(url).map_err(FetchError::Refused)?;
        let mut builder = self.client.get(url);
        for (name, value) in headers {
            builder = builder.header(name, value);
        }
        let response = builder.send().await.map_err(|error| classify(&error))?;
        let status = response.status().as_u16();
        let url = response.url().to_string();
        let headers = header_pairs(response.headers());
        // The body chunk by chunk; after an error, nothing more.
        let body = futures_util::stream::unfold(Some(response), |response| async move {
            let mut response = response?;
            match response.chunk().await {
                Ok(Some(chunk)) => Some((Ok(chunk), Some(response))),
                Ok(None) => None,
                Err(error) => {
                    Some((Err(std::io::Error::other(classify(&error).to_string())), None))
                }
            }
        });
        Ok(Streamed { status, url, headers, body: Box::pin(body) })
    }

    /// GETs `url` and returns its body; a status other than 2xx is an error.
    pub async fn get_bytes(&self, url: &str) -> Result<Vec<u8>, FetchError> {
        let fetched = self.get(url, &[]).await?;
        if !(200..300).contains(&fetched.status) {
            return Err(FetchError::Status { status: fetched.status });
        }
        Ok(fetched.body)
    }
}

/// A response's headers as text pairs (a value that is not text is left out).
fn header_pairs(headers: &reqwest::header::HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .filter_map(|(name, value)| {
            Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
        })
        .collect()
}

/// The HTTP methods plugins may use (contract 0.2; 0.1 plugins only GET).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMethod {
    Get,
    Post,
    Put,
    Delete,
    Patch,
}

/// Why a guarded request failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error("refused: {0}")]
    Refused(Refusal),
    #[error("the request took too long")]
    Timeout,
    #[error("the answer is larger than {} MiB", limit_bytes >> 20)]
    TooLarge { limit_bytes: usize },
    #[error("the server answered {status}")]
    Status { status: u16 },
    #[error("{0}")]
    Transport(String),
}

/// Resolves names for a [`GuardedClient`], keeping only the addresses its policy may reach.
struct GuardedResolver {
    policy: Arc<NetworkPolicy>,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = lower(name.as_str());
        let policy = Arc::clone(&self.policy);
        Box::pin(async move {
            let resolved: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let usable: Vec<SocketAddr> = resolved
                .into_iter()
                .filter(|address| policy.may_reach(&host, address.ip()))
                .collect();
            if usable.is_empty() {
                let refusal = Refusal::LocalAddress { host };
                return Err(Box::new(refusal) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(usable.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// A redirect the policy refused; found again in reqwest's error chain by [`classify`].
#[derive(Debug)]
struct RedirectRefused(Refusal);

impl std::fmt::Display for RedirectRefused {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "redirect refused: {}", self.0)
    }
}

impl std::error::Error for RedirectRefused {}

fn classify(error: &reqwest::Error) -> FetchError {
    if error.is_timeout() {
        FetchError::Timeout
    } else if let Some(RedirectRefused(refusal)) = find_cause::<RedirectRefused>(error) {
        FetchError::Refused(refusal.clone())
    } else if let Some(refusal) = find_cause::<Refusal>(error) {
        FetchError::Refused(refusal.clone())
    } else if let Some(host) = refused_host_in(&error_chain(error)) {
        // The resolver refused a name; after a redirect it is not the request's own host.
        FetchError::Refused(Refusal::LocalAddress { host })
    } else {
        FetchError::Transport(error_chain(error))
    }
}

/// The host in "… : <host> is a private or local address, …" in an error chain.
fn refused_host_in(chain: &str) -> Option<String> {
    let end = chain.find(LOCAL_ADDRESS)?;
    let before = chain[..end].trim_end();
    let start = before.rfind([' ', ':']).map_or(0, |at| at + 1);
    Some(before[start..].to_owned()).filter(|host| !host.is_empty())
}

fn find_cause<'a, T: std::error::Error + 'static>(
    error: &'a (dyn std::error::Error + 'static),
) -> Option<&'a T> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(cause) = current {
        if let Some(found) = cause.downcast_ref::<T>() {
            return Some(found);
        }
        current = cause.source();
    }
    None
}

/// reqwest's top-level message is vague ("error sending request"); the causes say why.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap_or_else(|error| panic!("{text}: {error}"))
    }

    #[test]
    fn package_urls_are_read_beside_the_index() {
        let index = "https://plugins.example/getanime/index.json";
        assert_eq!(
            resolve_url(index, "anilibria-1.0.0.tar.gz").as_deref(),
            Some("https://plugins.example/getanime/anilibria-1.0.0.tar.gz")
        );
        assert_eq!(
            resolve_url(index, "https://cdn.example/a.tar.gz").as_deref(),
            Some("https://cdn.example/a.tar.gz")
        );
        assert_eq!(resolve_url("not a url", "a.tar.gz"), None);
    }

    #[test]
    fn only_public_addresses_are_public() {
        for local in [
            "127.0.0.1",
            "127.0.0.2",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.254",
            "0.0.0.0",
            "0.1.2.3",
            "224.0.0.251",
            "255.255.255.255",
            "240.0.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "fec0::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:192.168.0.1",
            "::127.0.0.1",
            "2001:db8::1",
        ] {
            assert!(!is_public(ip(local)), "{local} must not count as public");
        }
        for public in [
            "1.1.1.1",
            "93.184.216.34",
            "100.63.255.255",
            "100.128.0.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(is_public(ip(public)), "{public} is public");
        }
    }

    fn hosts(list: &[&str]) -> Vec<String> {
        list.iter().map(|host| (*host).to_owned()).collect()
    }

    #[test]
    fn fetch_needs_the_allow_list_and_returned_urls_do_not() {
        let fetch = NetworkPolicy::for_fetch(&hosts(&["api.example.org", "127.0.0.1"]), &[]);
        assert!(fetch.permit("https://api.example.org/v1").is_ok());
        assert!(fetch.permit("http://127.0.0.1:8080/").is_ok(), "a literal the manifest names");
        assert_eq!(
            fetch.permit("https://cdn.example.org/a.jpg"),
            Err(Refusal::NotAllowed { host: "cdn.example.org".to_owned() })
        );
        assert_eq!(
            fetch.permit("file:///etc/passwd"),
            Err(Refusal::Scheme { scheme: "file".to_owned() })
        );

        let returned = NetworkPolicy::for_returned_urls(&hosts(&["api.example.org"]), &[]);
        assert!(returned.permit("https://cdn.example.org/a.jpg").is_ok());
        for local in ["http://192.168.1.1/admin", "http://[::1]:80/", "http://[::ffff:10.0.0.1]/"] {
            assert!(matches!(returned.permit(local), Err(Refusal::LocalAddress { .. })), "{local}");
        }
        let granted = NetworkPolicy::for_returned_urls(&[], &hosts(&["192.168.1.1"]));
        assert!(granted.permit("http://192.168.1.1/poster.jpg").is_ok(), "the user granted it");
    }

    #[tokio::test]
    async fn a_name_resolving_to_a_local_address_needs_a_grant() {
        let declared = NetworkPolicy::for_returned_urls(&hosts(&["localhost"]), &[]);
        assert!(declared.permit("http://localhost:9/x").is_ok(), "no lookup without a request");
        assert_eq!(
            declared.check_resolved("http://localhost:9/x").await,
            Err(Refusal::LocalAddress { host: "localhost".to_owned() })
        );
        let granted = NetworkPolicy::for_returned_urls(&[], &hosts(&["LocalHost"]));
        assert!(granted.check_resolved("http://localhost:9/x").await.is_ok());
    }
}
