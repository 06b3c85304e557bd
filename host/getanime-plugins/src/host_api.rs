//! The `host` interface plugins import: HTTP through the network rule (`network.rs`), logging,
//! settings.

use std::collections::BTreeMap;
use std::time::Duration;

use getanime_domain::PluginManifest;

use crate::bindings::host::{self, HttpError, HttpRequest, HttpResponse, Level};
use crate::bindings::types;
use crate::network::{FetchError, Fetched, GuardedClient, NetworkPolicy};
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
        tracing::debug!(plugin_id = %context.plugin_id, url = %request.url, "plugin fetch");
        let fetched = context.client.get(&request.url, &request.headers);
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
                self.denied_host = Some(host);
                HttpError::Denied(refusal.to_string())
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

impl types::Host for PluginState {}
