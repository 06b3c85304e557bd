//! The poster cache: images are downloaded by the host (never by plugin code), decoded and
//! resized once with `image`, and stored in the database so browsing works offline. A missing
//! or broken poster is a placeholder in the UI, never an error screen.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use getanime_domain::{Poster, TitleId};
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
    /// Downloads missing or stale posters (at most `limit`).
    pub async fn refresh_posters(&self, limit: u32) -> Result<PosterReport> {
        let now = now_ms();
        let fresh_after = fresh_after(now);
        let wanted = self.db(move |db| db.posters_to_fetch(CARD, fresh_after, limit)).await?;
        let mut report = PosterReport::default();
        let semaphore = Arc::new(tokio::sync::Semaphore::new(CONCURRENT_DOWNLOADS));
        let mut tasks = tokio::task::JoinSet::new();
        for (title, url) in wanted {
            let (client, semaphore) = (self.http.clone(), Arc::clone(&semaphore));
            let allowed = self.poster_host_allowed(title, &url).await;
            tasks.spawn(async move {
                let _permit = semaphore.acquire_owned().await;
                if let Err(reason) = allowed {
                    return (title, url, Err(reason));
                }
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

    /// Posters come from whatever URL a plugin returned, so the host refuses IP-literal hosts
    /// (loopback, private networks) unless the title's plugin may reach them anyway.
    async fn poster_host_allowed(&self, title: TitleId, url: &str) -> Result<(), anyhow::Error> {
        let host = crate::sources::url_host(url).context("not an http(s) URL")?;
        let is_ip = host.parse::<std::net::IpAddr>().is_ok()
            || host.starts_with('[')
            || host == "localhost";
        if !is_ip {
            return Ok(());
        }
        let details = self.title(title).await?;
        let reachable = self.reachable_hosts(&details.card.plugin_id).await.unwrap_or_default();
        if reachable.iter().any(|allowed| allowed.eq_ignore_ascii_case(&host)) {
            Ok(())
        } else {
            bail!("{host} is an address, not a public host, and the plugin may not reach it")
        }
    }
}

/// Posters fetched before this are stale.
fn fresh_after(now: i64) -> i64 {
    now - i64::try_from(POSTER_TTL.as_millis()).unwrap_or(i64::MAX)
}

/// Downloads an image and turns it into the card JPEG.
async fn download_card(client: &reqwest::Client, url: &str) -> Result<Vec<u8>> {
    let mut response = client.get(url).send().await.context("downloading")?.error_for_status()?;
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.context("downloading")? {
        if bytes.len() + chunk.len() > MAX_IMAGE_BYTES {
            bail!("larger than {} MiB", MAX_IMAGE_BYTES >> 20);
        }
        bytes.extend_from_slice(&chunk);
    }
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
