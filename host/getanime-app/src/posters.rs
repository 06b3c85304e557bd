//! The poster cache: images are downloaded by the host (never by plugin code), decoded and
//! resized once with `image`, and stored in the database so browsing works offline. A missing
//! or broken poster is a placeholder in the UI, never an error screen.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use getanime_domain::{Poster, TitleId};
use getanime_plugins::GuardedClient;
use getanime_storage::PosterToFetch;
use serde::Serialize;

use crate::{App, now_ms};

/// The size variant the poster rows show.
pub const CARD: &str = "card";
/// Card size in pixels (2:3), large enough for a 1080p poster row.
const CARD_WIDTH: u32 = 360;
const CARD_HEIGHT: u32 = 540;
/// Largest image downloaded.
const MAX_IMAGE_BYTES: usize = 10 << 20;
/// Posters older than this are fetched again.
pub const POSTER_TTL: Duration = Duration::from_secs(30 * 24 * 3600);
const CONCURRENT_DOWNLOADS: usize = 4;

/// What a poster refresh did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PosterReport {
    pub stored: usize,
    pub failed: Vec<String>,
}

impl App {
    /// Downloads missing or stale posters (at most `limit`), each through its source's network
    /// rule: a poster URL naming a private or local address is refused unless the user granted
    /// that host to the source.
    pub async fn refresh_posters(&self, limit: u32) -> Result<PosterReport> {
        let now = now_ms();
        let fresh_after = fresh_after(now);
        let wanted = self.db(move |db| db.posters_to_fetch(CARD, fresh_after, limit)).await?;
        let mut report = PosterReport::default();
        let semaphore = Arc::new(tokio::sync::Semaphore::new(CONCURRENT_DOWNLOADS));
        let mut clients: HashMap<String, GuardedClient> = HashMap::new();
        let mut tasks = tokio::task::JoinSet::new();
        for PosterToFetch { title, plugin_id, url } in wanted {
            let client = match clients.get(&plugin_id) {
                Some(client) => client.clone(),
                None => {
                    let client = self.returned_url_client(&plugin_id, MAX_IMAGE_BYTES).await?;
                    clients.insert(plugin_id, client.clone());
                    client
                }
            };
            let semaphore = Arc::clone(&semaphore);
            tasks.spawn(async move {
                let _permit = semaphore.acquire_owned().await;
                let result = download_card(&client, &url).await;
                (title, url, result)
            });
        }
        while let Some(joined) = tasks.join_next().await {
            let Ok((title, url, result)) = joined else { continue };
            match result {
                Ok(jpeg) => {
                    self.db(move |db| db.put_poster(title, CARD, "image/jpeg", &jpeg, now)).await?;
                    report.stored += 1;
                }
                Err(error) => {
                    tracing::info!(%url, "poster not stored: {error:#}");
                    report.failed.push(format!("{url}: {error:#}"));
                }
            }
        }
        Ok(report)
    }

    /// The cached card poster of a title, if any.
    pub async fn poster(&self, title: TitleId) -> Result<Option<Poster>> {
        let fresh_after = fresh_after(now_ms());
        self.db(move |db| db.poster(title, CARD, fresh_after)).await
    }
}

/// Posters fetched before this are stale.
fn fresh_after(now: i64) -> i64 {
    now - i64::try_from(POSTER_TTL.as_millis()).unwrap_or(i64::MAX)
}

/// Downloads an image and turns it into the card JPEG.
async fn download_card(client: &GuardedClient, url: &str) -> Result<Vec<u8>> {
    let bytes = client.get_bytes(url).await.context("downloading")?;
    tokio::task::spawn_blocking(move || card_jpeg(&bytes))
        .await
        .context("the resize task failed")?
}

/// Decodes any supported format and resizes to fit the card, as JPEG.
pub fn card_jpeg(bytes: &[u8]) -> Result<Vec<u8>> {
    let image = image::load_from_memory(bytes).context("not an image this build can read")?;
    let card = image.thumbnail(CARD_WIDTH, CARD_HEIGHT).to_rgb8();
    let mut out = std::io::Cursor::new(Vec::new());
    card.write_to(&mut out, image::ImageFormat::Jpeg).context("encoding the card")?;
    Ok(out.into_inner())
}
