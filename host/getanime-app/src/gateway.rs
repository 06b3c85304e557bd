//! Playback's way to the media: each playback opens its part of the media gateway, which the
//! player reads every playlist, key and segment through, each fetched by the source's guarded
//! client (its network rule, the user's grants) — see `getanime-gateway`.

use std::sync::Arc;

use anyhow::{Context, Result};
use futures_util::future::BoxFuture;
use getanime_gateway::{Failure, Fetched, GatewaySession, MediaGateway, Upstream};
use getanime_plugins::{FetchError, GuardedClient};

use crate::App;

/// A playback's URLs on the gateway; they end with the last clone (the plan and its session).
#[derive(Clone)]
pub struct MediaRoute(Arc<GatewaySession>);

impl MediaRoute {
    /// The URL the player reads `upstream_url` (a stream the source gave) from.
    pub fn local_url(&self, upstream_url: &str) -> String {
        self.0.local_url(upstream_url)
    }

    /// What the source's network rule refused first while playing, in words.
    pub fn refusal(&self) -> Option<String> {
        self.0.refusal()
    }
}

impl std::fmt::Debug for MediaRoute {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("MediaRoute")
    }
}

impl PartialEq for MediaRoute {
    fn eq(&self, other: &MediaRoute) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// The source's guarded client, fetching for the gateway.
struct GuardedUpstream {
    client: GuardedClient,
}

impl Upstream for GuardedUpstream {
    fn fetch(
        &self,
        url: String,
        range: Option<String>,
    ) -> BoxFuture<'static, std::result::Result<Fetched, Failure>> {
        let client = self.client.clone();
        Box::pin(async move {
            let headers: Vec<(String, String)> =
                range.into_iter().map(|range| ("range".to_owned(), range)).collect();
            match client.open(&url, &headers).await {
                Ok(streamed) => Ok(Fetched {
                    status: streamed.status,
                    content_type: streamed.header("content-type").map(str::to_owned),
                    content_length: streamed
                        .header("content-length")
                        .and_then(|length| length.parse().ok()),
                    content_range: streamed.header("content-range").map(str::to_owned),
                    url: streamed.url,
                    body: streamed.body,
                }),
                Err(FetchError::Refused(refusal)) => {
                    Err(Failure::Refused { words: crate::playback::stream_refused_text(&refusal) })
                }
                Err(error) => Err(Failure::Failed { words: error.to_string() }),
            }
        })
    }
}

impl App {
    /// A new playback's part of the media gateway (started with the first playback), fetching
    /// under the network rule of plugin `plugin_id`'s returned URLs.
    pub(crate) async fn media_route(&self, plugin_id: &str) -> Result<MediaRoute> {
        let policy = self.returned_url_policy(plugin_id).await?;
        let client = GuardedClient::for_media(policy, crate::USER_AGENT)?;
        let gateway = self
            .media_gateway
            .get_or_try_init(MediaGateway::start)
            .await
            .context("starting the media gateway")?;
        let session = gateway.open(Arc::new(GuardedUpstream { client }))?;
        Ok(MediaRoute(Arc::new(session)))
    }
}
