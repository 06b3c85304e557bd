//! The `host` interface plugins import: HTTP through the network rule (`network.rs`), logging,
//! settings; and for trackers `credentials`. Contract 0.3 is implemented here; 0.2's and 0.1's
//! `host` forward to it (no `authorized`, no PATCH; 0.1 GET only).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use getanime_domain::{PluginKind, PluginManifest};

use crate::account::{AccountSession, Token};
use crate::bindings::v0_3::host::{self, HttpError, HttpRequest, HttpResponse, Level, Method};
use crate::bindings::{v0_1, v0_2, v0_3};
use crate::mirrors::MirrorSet;
use crate::network::{FetchError, Fetched, GuardedClient, HttpMethod, NetworkPolicy, url_host};
use crate::rate_limit::RateLimiter;
use crate::runtime::{PluginConfig, PluginState, RuntimeLimits};

/// What the host functions of one plugin need; shared by all its calls.
pub(crate) struct HostContext {
    pub(crate) plugin_id: String,
    settings: BTreeMap<String, String>,
    client: GuardedClient,
    http_timeout: Duration,
    /// Trackers: where the token may go by the manifest (https only).
    auth_hosts: Vec<String>,
    /// Trackers: hosts the user granted to this plugin; the token may go there too (the grant
    /// said so).
    granted_hosts: Vec<String>,
    is_tracker: bool,
    /// The host signs in and refreshes (manifest `[oauth]`).
    pub(crate) oauth: bool,
    limiter: Option<Arc<RateLimiter>>,
    /// The API's mirrors, unless the user set its root.
    pub(crate) mirrors: Option<MirrorSet>,
}

impl HostContext {
    pub(crate) fn new(
        manifest: &PluginManifest,
        config: &PluginConfig,
        limits: &RuntimeLimits,
        limiter: Option<Arc<RateLimiter>>,
    ) -> Result<HostContext, String> {
        let mut settings = manifest.settings.clone();
        settings.extend(config.settings.clone());
        let policy = NetworkPolicy::for_fetch(&manifest.allowed_hosts, &config.granted_hosts);
        let user_agent = match manifest.oauth.as_ref().and_then(|oauth| oauth.user_agent.clone()) {
            Some(registered) => format!("{registered} getanime/{}", env!("CARGO_PKG_VERSION")),
            None => format!(
                "getanime/{} ({}/{})",
                env!("CARGO_PKG_VERSION"),
                manifest.id,
                manifest.version
            ),
        };
        let client =
            GuardedClient::new(policy, &user_agent, limits.http_timeout, limits.max_body_bytes)
                .map_err(|error| error.to_string())?;
        Ok(HostContext {
            plugin_id: manifest.id.clone(),
            settings,
            client,
            http_timeout: limits.http_timeout,
            auth_hosts: manifest.auth_hosts.clone(),
            granted_hosts: config.granted_hosts.clone(),
            is_tracker: manifest.kind == PluginKind::Tracker,
            oauth: manifest.oauth.is_some(),
            limiter,
            mirrors: MirrorSet::new(
                manifest,
                &config.settings,
                &config.granted_hosts,
                config.mirror.as_deref(),
                config.on_mirror_move.clone(),
            ),
        })
    }

    /// Whether the account's token may be sent to `url`: a tracker, toward one of its auth hosts
    /// over https, or toward a host the user granted to it.
    fn may_carry_token(&self, url: &str) -> bool {
        let Some(host) = url_host(url) else { return false };
        let same = |candidate: &String| candidate.eq_ignore_ascii_case(&host);
        let https = reqwest::Url::parse(url.trim()).is_ok_and(|url| url.scheme() == "https");
        self.is_tracker
            && ((https && self.auth_hosts.iter().any(same)) || self.granted_hosts.iter().any(same))
    }
}

impl PluginState {
    /// `text` without the account's secrets, for the log.
    pub(crate) fn redact(&self, text: &str) -> String {
        match &self.account {
            Some(account) => account.redact(text),
            None => text.to_owned(),
        }
    }
}

impl HostContext {
    /// A setting's value (the mirror in use for the mirrors' setting).
    pub(crate) fn setting(&self, key: &str) -> Option<String> {
        match &self.mirrors {
            Some(mirrors) if mirrors.setting() == key => Some(mirrors.active()),
            _ => self.settings.get(key).cloned(),
        }
    }

    /// Waits until the tracker's limits let one more request out (before a call that sends one,
    /// so the wait is not counted against the call's time). `Err`: the server asked for a
    /// longer pause, still this long.
    pub(crate) async fn pace(&self) -> Result<(), Duration> {
        match &self.limiter {
            Some(limiter) => limiter.ready().await,
            None => Ok(()),
        }
    }

    /// The host's own OAuth request (`oauth.rs`): no token, paced like the plugin's requests.
    pub(crate) async fn send_token_request(
        &self,
        method: HttpMethod,
        url: &str,
        headers: &[(String, String)],
        body: Vec<u8>,
    ) -> Result<Fetched, FetchError> {
        self.send(None, method, url, headers, Some(body), false).await
    }

    /// One request as the plugin asked, on `url`: the token added where it may go, paced by
    /// the tracker's limiter (a 429 pauses it).
    async fn send(
        &self,
        account: Option<&AccountSession>,
        method: HttpMethod,
        url: &str,
        headers: &[(String, String)],
        body: Option<Vec<u8>>,
        authorized: bool,
    ) -> Result<Fetched, FetchError> {
        let mut headers = headers.to_vec();
        if authorized {
            match account.and_then(AccountSession::token) {
                Some(Token { access, .. }) if self.may_carry_token(url) => {
                    headers.retain(|(name, _)| !name.eq_ignore_ascii_case("authorization"));
                    headers.push(("Authorization".to_owned(), format!("Bearer {access}")));
                }
                Some(_) => tracing::warn!(
                    plugin_id = %self.plugin_id,
                    host = url_host(url).unwrap_or_default(),
                    "the account token is only sent to the plugin's auth hosts over https or to hosts granted to it; sent without it"
                ),
                None => {}
            }
        }
        if let Some(limiter) = &self.limiter {
            limiter.acquire().await;
        }
        let fetched = self.client.request(method, url, &headers, body);
        let fetched = match tokio::time::timeout(self.http_timeout, fetched).await {
            Ok(result) => result?,
            Err(_elapsed) => return Err(FetchError::Timeout),
        };
        if fetched.status == 429
            && let Some(limiter) = &self.limiter
        {
            let wait = fetched
                .headers
                .iter()
                .find(|(name, _)| name == "retry-after")
                .and_then(|(_, value)| value.trim().parse::<u64>().ok())
                .unwrap_or(60);
            limiter.pause(wait).await;
        }
        Ok(fetched)
    }

    /// Sends the request; when it was for the API root in use and that root cannot be reached,
    /// once more on the mirror that answers (`mirrors.rs`).
    async fn send_with_mirrors(
        &self,
        account: Option<&AccountSession>,
        method: HttpMethod,
        request: HttpRequest,
    ) -> Result<Fetched, FetchError> {
        let located = self.mirrors.as_ref().and_then(|mirrors| mirrors.locate(&request.url));
        let Some((url, root)) = located else {
            return self
                .send(
                    account,
                    method,
                    &request.url,
                    &request.headers,
                    request.body,
                    request.authorized,
                )
                .await;
        };
        let first = self
            .send(account, method, &url, &request.headers, request.body.clone(), request.authorized)
            .await;
        let unreachable = matches!(first, Err(FetchError::Transport(_) | FetchError::Timeout));
        let next = match (&self.mirrors, unreachable) {
            (Some(mirrors), true) => {
                mirrors.move_from(&root, &self.client, self.limiter.as_deref()).await
            }
            _ => None,
        };
        let Some(next) = next else { return first };
        let url = format!("{next}{}", &url[root.len()..]);
        self.send(account, method, &url, &request.headers, request.body, request.authorized).await
    }
}

impl host::Host for PluginState {
    async fn fetch(&mut self, request: HttpRequest) -> Result<HttpResponse, HttpError> {
        let context = Arc::clone(&self.host);
        tracing::debug!(plugin_id = %context.plugin_id, url = %request.url, method = ?request.method, authorized = request.authorized, "plugin fetch");
        let method = match request.method {
            Method::Get => HttpMethod::Get,
            Method::Post => HttpMethod::Post,
            Method::Put => HttpMethod::Put,
            Method::Delete => HttpMethod::Delete,
            Method::Patch => HttpMethod::Patch,
        };
        let url = request.url.clone();
        let account = self.account.clone();
        let error = match context.send_with_mirrors(account.as_deref(), method, request).await {
            Ok(Fetched { status, headers, body }) => {
                return Ok(HttpResponse { status, headers, body });
            }
            Err(error) => error,
        };
        Err(match error {
            FetchError::Refused(refusal) => {
                let host = refusal.host().unwrap_or(&url).to_owned();
                tracing::warn!(plugin_id = %context.plugin_id, %host, "fetch denied: {refusal}");
                self.denied_host = Some(host.clone());
                HttpError::Denied(host)
            }
            FetchError::Timeout => HttpError::Timeout,
            FetchError::TooLarge { .. } => HttpError::TooLarge,
            FetchError::Status { status } => HttpError::Transport(format!("status {status}")),
            FetchError::Transport(reason) => HttpError::Transport(reason),
        })
    }

    async fn log(&mut self, level: Level, message: String) {
        let plugin_id = &self.host.plugin_id;
        let message = self.redact(&message);
        match level {
            Level::Trace => tracing::trace!(target: "plugin", %plugin_id, "{message}"),
            Level::Debug => tracing::debug!(target: "plugin", %plugin_id, "{message}"),
            Level::Info => tracing::info!(target: "plugin", %plugin_id, "{message}"),
            Level::Warn => tracing::warn!(target: "plugin", %plugin_id, "{message}"),
            Level::Error => tracing::error!(target: "plugin", %plugin_id, "{message}"),
        }
    }

    async fn setting(&mut self, key: String) -> Option<String> {
        // The OAuth client's secret is the host's to send, never the plugin's to read.
        if key == crate::oauth::CLIENT_SECRET && self.host.oauth {
            return None;
        }
        self.host.setting(&key)
    }
}

impl v0_3::types::Host for PluginState {}

impl v0_3::tracker::tracker_types::Host for PluginState {}

/// A tracker hands its token over once; the host keeps it (the session's store writes it to the
/// credentials file first) and never gives it back.
impl v0_3::tracker::credentials::Host for PluginState {
    async fn store(&mut self, token: v0_3::tracker::credentials::Token) {
        let plugin_id = &self.host.plugin_id;
        let Some(account) = &self.account else {
            tracing::warn!(%plugin_id, "a token was handed over outside an account call; dropped");
            return;
        };
        let token =
            Token { access: token.access, refresh: token.refresh, expires_at: token.expires_at };
        if let Err(reason) = account.replace(token) {
            tracing::error!(%plugin_id, "cannot keep the account's token: {reason}");
            self.token_lost = Some(reason);
        }
    }
}

/// Contract 0.2: no PATCH, no `authorized`.
impl v0_2::host::Host for PluginState {
    async fn fetch(
        &mut self,
        request: v0_2::host::HttpRequest,
    ) -> Result<v0_2::host::HttpResponse, v0_2::host::HttpError> {
        let request = HttpRequest {
            method: match request.method {
                v0_2::host::Method::Get => Method::Get,
                v0_2::host::Method::Post => Method::Post,
                v0_2::host::Method::Put => Method::Put,
                v0_2::host::Method::Delete => Method::Delete,
            },
            url: request.url,
            headers: request.headers,
            body: request.body,
            authorized: false,
        };
        match host::Host::fetch(self, request).await {
            Ok(HttpResponse { status, headers, body }) => {
                Ok(v0_2::host::HttpResponse { status, headers, body })
            }
            Err(HttpError::Denied(host)) => Err(v0_2::host::HttpError::Denied(host)),
            Err(HttpError::Timeout) => Err(v0_2::host::HttpError::Timeout),
            Err(HttpError::TooLarge) => Err(v0_2::host::HttpError::TooLarge),
            Err(HttpError::Transport(reason)) => Err(v0_2::host::HttpError::Transport(reason)),
        }
    }

    async fn log(&mut self, level: v0_2::host::Level, message: String) {
        use v0_2::host::Level as Old;
        let level = match level {
            Old::Trace => Level::Trace,
            Old::Debug => Level::Debug,
            Old::Info => Level::Info,
            Old::Warn => Level::Warn,
            Old::Error => Level::Error,
        };
        host::Host::log(self, level, message).await
    }

    async fn setting(&mut self, key: String) -> Option<String> {
        host::Host::setting(self, key).await
    }
}

impl v0_2::types::Host for PluginState {}

/// Contract 0.1: GET only; a refusal says why in words (0.2 names the host).
impl v0_1::host::Host for PluginState {
    async fn fetch(
        &mut self,
        request: v0_1::host::HttpRequest,
    ) -> Result<v0_1::host::HttpResponse, v0_1::host::HttpError> {
        let request = HttpRequest {
            method: Method::Get,
            url: request.url,
            headers: request.headers,
            body: None,
            authorized: false,
        };
        let url = request.url.clone();
        match host::Host::fetch(self, request).await {
            Ok(HttpResponse { status, headers, body }) => {
                Ok(v0_1::host::HttpResponse { status, headers, body })
            }
            Err(HttpError::Denied(host)) => Err(v0_1::host::HttpError::Denied(format!(
                "{host} is not in the plugin's allowed hosts ({url})"
            ))),
            Err(HttpError::Timeout) => Err(v0_1::host::HttpError::Timeout),
            Err(HttpError::TooLarge) => Err(v0_1::host::HttpError::TooLarge),
            Err(HttpError::Transport(reason)) => Err(v0_1::host::HttpError::Transport(reason)),
        }
    }

    async fn log(&mut self, level: v0_1::host::Level, message: String) {
        use v0_1::host::Level as Old;
        let level = match level {
            Old::Trace => Level::Trace,
            Old::Debug => Level::Debug,
            Old::Info => Level::Info,
            Old::Warn => Level::Warn,
            Old::Error => Level::Error,
        };
        host::Host::log(self, level, message).await
    }

    async fn setting(&mut self, key: String) -> Option<String> {
        host::Host::setting(self, key).await
    }
}

impl v0_1::types::Host for PluginState {}
