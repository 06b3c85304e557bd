//! The `host` interface plugins import: HTTP through an allow-list, logging, settings.

use std::collections::BTreeMap;
use std::time::Duration;

use getanime_domain::PluginManifest;
use reqwest::Url;

use crate::bindings::host::{self, HttpError, HttpRequest, HttpResponse, Level};
use crate::bindings::types;
use crate::runtime::{PluginConfig, PluginState, RuntimeLimits};

/// Most redirects one fetch follows.
const MAX_REDIRECTS: usize = 5;

/// What the host functions of one plugin need; shared by all its calls.
pub(crate) struct HostContext {
    plugin_id: String,
    allowed_hosts: Vec<String>,
    settings: BTreeMap<String, String>,
    client: reqwest::Client,
    http_timeout: Duration,
    max_body_bytes: usize,
}

impl HostContext {
    pub(crate) fn new(
        manifest: &PluginManifest,
        config: &PluginConfig,
        limits: &RuntimeLimits,
    ) -> Result<HostContext, String> {
        let allowed_hosts: Vec<String> = manifest
            .allowed_hosts
            .iter()
            .chain(&config.granted_hosts)
            .map(|host| host.to_ascii_lowercase())
            .collect();
        let mut settings = manifest.settings.clone();
        settings.extend(config.settings.clone());
        let redirect_hosts = allowed_hosts.clone();
        // Redirects are checked against the same allow-list as the first request.
        let redirect = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= MAX_REDIRECTS {
                attempt.error("too many redirects")
            } else if is_allowed(&redirect_hosts, attempt.url()).is_ok() {
                attempt.follow()
            } else {
                let host = attempt.url().host_str().unwrap_or_default().to_owned();
                attempt.error(RedirectDenied { host })
            }
        });
        let resolver = GuardedResolver {
            user_granted: config
                .granted_hosts
                .iter()
                .map(|host| host.to_ascii_lowercase())
                .collect(),
        };
        let client = reqwest::Client::builder()
            .dns_resolver(resolver)
            .redirect(redirect)
            .timeout(limits.http_timeout)
            .user_agent(format!(
                "getanime/{} ({}/{})",
                env!("CARGO_PKG_VERSION"),
                manifest.id,
                manifest.version
            ))
            .build()
            .map_err(|error| format!("cannot build the HTTP client: {error}"))?;
        Ok(HostContext {
            plugin_id: manifest.id.clone(),
            allowed_hosts,
            settings,
            client,
            http_timeout: limits.http_timeout,
            max_body_bytes: limits.max_body_bytes,
        })
    }

    /// Checks the URL against the allow-list; the host name is returned with the refusal.
    fn permit(&self, url: &str) -> Result<Url, (String, String)> {
        let url = Url::parse(url)
            .map_err(|error| (url.to_owned(), format!("not a valid URL: {error}")))?;
        let host = url.host_str().unwrap_or_default().to_owned();
        is_allowed(&self.allowed_hosts, &url).map_err(|reason| (host, reason))?;
        Ok(url)
    }

    async fn fetch(&self, url: Url, request: HttpRequest) -> Result<HttpResponse, Refusal> {
        let mut builder = self.client.get(url);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        let mut response = builder.send().await.map_err(|error| classify(&error))?;
        if response.content_length().is_some_and(|length| length > self.max_body_bytes as u64) {
            return Err(HttpError::TooLarge.into());
        }
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .filter_map(|(name, value)| {
                Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
            })
            .collect();
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|error| classify(&error))? {
            if body.len() + chunk.len() > self.max_body_bytes {
                return Err(HttpError::TooLarge.into());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(HttpResponse { status, headers, body })
    }
}

/// Whether `url` is http(s) to a host in `allowed_hosts`; the reason when not.
fn is_allowed(allowed_hosts: &[String], url: &Url) -> Result<(), String> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("only http and https are allowed, not {}", url.scheme()));
    }
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    if allowed_hosts.contains(&host) {
        Ok(())
    } else {
        Err(format!("{host} is not in the plugin's allowed hosts"))
    }
}

/// Resolves names for plugin fetches, refusing answers that point into the machine or the local
/// network (loopback, private, link-local, unspecified) for names the plugin's author declared:
/// a manifest must not reach `localhost` by calling it `api.example.org` (DNS rebinding). Names
/// the user granted may resolve anywhere; IP literals never reach the resolver and are checked
/// by the allow-list alone.
struct GuardedResolver {
    user_granted: Vec<String>,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_ascii_lowercase();
        let trusted = self.user_granted.contains(&host);
        Box::pin(async move {
            let resolved: Vec<std::net::SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let usable: Vec<std::net::SocketAddr> =
                resolved.into_iter().filter(|address| trusted || is_public(address.ip())).collect();
            if usable.is_empty() {
                return Err(
                    Box::new(PrivateAddress { host }) as Box<dyn std::error::Error + Send + Sync>
                );
            }
            Ok(Box::new(usable.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

fn is_public(ip: std::net::IpAddr) -> bool {
    match ip {
        std::net::IpAddr::V4(v4) => {
            !(v4.is_loopback() || v4.is_private() || v4.is_link_local() || v4.is_unspecified())
        }
        std::net::IpAddr::V6(v6) => {
            !(v6.is_loopback()
                || v6.is_unspecified()
                || (v6.segments()[0] & 0xfe00) == 0xfc00
                || (v6.segments()[0] & 0xffc0) == 0xfe80)
        }
    }
}

/// How a [`PrivateAddress`] refusal reads, and how [`classify`] recognises it.
const PRIVATE_ADDRESS: &str = "resolves to a local address, which the plugin may not reach";

/// A declared name that resolved only to local addresses.
#[derive(Debug)]
struct PrivateAddress {
    host: String,
}

impl std::fmt::Display for PrivateAddress {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "{} {PRIVATE_ADDRESS}", self.host)
    }
}

impl std::error::Error for PrivateAddress {}

/// A redirect the allow-list refused; found again in reqwest's error chain by [`classify`].
#[derive(Debug)]
struct RedirectDenied {
    host: String,
}

impl std::fmt::Display for RedirectDenied {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "redirect to {}, which is not in the plugin's allowed hosts", self.host)
    }
}

impl std::error::Error for RedirectDenied {}

/// A failed fetch, with the host that was refused when the allow-list said no.
struct Refusal {
    error: HttpError,
    denied_host: Option<String>,
}

impl From<HttpError> for Refusal {
    fn from(error: HttpError) -> Refusal {
        Refusal { error, denied_host: None }
    }
}

fn classify(error: &reqwest::Error) -> Refusal {
    if error.is_timeout() {
        HttpError::Timeout.into()
    } else if let Some(denied) = find_cause::<RedirectDenied>(error) {
        Refusal {
            error: HttpError::Denied(denied.to_string()),
            denied_host: Some(denied.host.clone()),
        }
    } else if error_chain(error).contains(PRIVATE_ADDRESS) {
        // reqwest re-wraps resolver errors, so the type does not survive; the message does.
        let host = error.url().and_then(|url| url.host_str()).unwrap_or_default().to_owned();
        Refusal {
            error: HttpError::Denied(format!("{host} {PRIVATE_ADDRESS}")),
            denied_host: Some(host),
        }
    } else {
        HttpError::Transport(error_chain(error)).into()
    }
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

impl host::Host for PluginState {
    async fn fetch(&mut self, request: HttpRequest) -> Result<HttpResponse, HttpError> {
        let context = std::sync::Arc::clone(&self.host);
        tracing::debug!(plugin_id = %context.plugin_id, url = %request.url, "plugin fetch");
        let url = match context.permit(&request.url) {
            Ok(url) => url,
            Err((host, reason)) => {
                tracing::warn!(plugin_id = %context.plugin_id, %host, "fetch denied: {reason}");
                self.denied_host = Some(host);
                return Err(HttpError::Denied(reason));
            }
        };
        match tokio::time::timeout(context.http_timeout, context.fetch(url, request)).await {
            Ok(Ok(response)) => Ok(response),
            Ok(Err(refusal)) => {
                if let Some(host) = refusal.denied_host {
                    tracing::warn!(plugin_id = %context.plugin_id, %host, "redirect denied");
                    self.denied_host = Some(host);
                }
                Err(refusal.error)
            }
            Err(_elapsed) => Err(HttpError::Timeout),
        }
    }

    async fn log(&mut self, level: Level, message: String) {
        let plugin_id = &self.host.plugin_id;
        match level {
            Level::Trace => tracing::trace!(target: "plugin", %plugin_id, "{message}"),
            Level::Debug => tracing::debug!(target: "plugin", %plugin_id, "{message}"),
            Level::Info => tracing::info!(target: "plugin", %plugin_id, "{message}"),
            Level::Warn => tracing::warn!(target: "plugin", %plugin_id, "{message}"),
            Level::Error => tracing::error!(target: "plugin", %plugin_id, "{message}"),
        }
    }

    async fn setting(&mut self, key: String) -> Option<String> {
        self.host.settings.get(&key).cloned()
    }
}

impl types::Host for PluginState {}
