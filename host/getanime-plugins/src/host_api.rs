//! The `host` interface plugins import: HTTP through the network rule (`network.rs`), logging,
//! settings. Contract 0.2 is implemented here; 0.1's `host` forwards to it (a GET without body).

use std::collections::BTreeMap;
use std::time::Duration;

use getanime_domain::PluginManifest;

use crate::bindings::v0_2::host::{self, HttpError, HttpRequest, HttpResponse, Level, Method};
use crate::bindings::{v0_1, v0_2};
use crate::network::{FetchError, Fetched, GuardedClient, HttpMethod, NetworkPolicy};
use crate::runtime::{PluginConfig, PluginState, RuntimeLimits};

/// What the host functions of one plugin need; shared by all its calls.
pub(crate) struct HostContext {
    pub(crate) plugin_id: String,
    settings: BTreeMap<String, String>,
    client: GuardedClient,
    http_timeout: Duration,
}

impl HostContext {
    pub(crate) fn new(
        manifest: &PluginManifest,
        config: &PluginConfig,
        limits: &RuntimeLimits,
    ) -> Result<HostContext, String> {
        let mut settings = manifest.settings.clone();
        settings.extend(config.settings.clone());
        let policy = NetworkPolicy::for_fetch(&manifest.allowed_hosts, &config.granted_hosts);
        let user_agent = format!(
            "getanime/{} ({}/{})",
            env!("CARGO_PKG_VERSION"),
            manifest.id,
            manifest.version
        );
        let client =
            GuardedClient::new(policy, &user_agent, limits.http_timeout, limits.max_body_bytes)
                .map_err(|error| error.to_string())?;
        Ok(HostContext {
            plugin_id: manifest.id.clone(),
            settings,
            client,
            http_timeout: limits.http_timeout,
        })
    }
}

impl host::Host for PluginState {
    async fn fetch(&mut self, request: HttpRequest) -> Result<HttpResponse, HttpError> {
        let context = std::sync::Arc::clone(&self.host);
        tracing::debug!(plugin_id = %context.plugin_id, url = %request.url, method = ?request.method, "plugin fetch");
        let method = match request.method {
            Method::Get => HttpMethod::Get,
            Method::Post => HttpMethod::Post,
            Method::Put => HttpMethod::Put,
            Method::Delete => HttpMethod::Delete,
        };
        let fetched = context.client.request(method, &request.url, &request.headers, request.body);
        let error = match tokio::time::timeout(context.http_timeout, fetched).await {
            Ok(Ok(Fetched { status, headers, body })) => {
                return Ok(HttpResponse { status, headers, body });
            }
            Ok(Err(error)) => error,
            Err(_elapsed) => FetchError::Timeout,
        };
        Err(match error {
            FetchError::Refused(refusal) => {
                let host = refusal.host().unwrap_or(&request.url).to_owned();
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
        let level = match level {
            v0_1::host::Level::Trace => Level::Trace,
            v0_1::host::Level::Debug => Level::Debug,
            v0_1::host::Level::Info => Level::Info,
            v0_1::host::Level::Warn => Level::Warn,
            v0_1::host::Level::Error => Level::Error,
        };
        host::Host::log(self, level, message).await
    }

    async fn setting(&mut self, key: String) -> Option<String> {
        host::Host::setting(self, key).await
    }
}

impl v0_1::types::Host for PluginState {}
