//! Details on open: a title opened with missing or stale details (a search result is only a
//! summary; a sync may be hours old) fetches them from its source at once, validated and written
//! like a sync's. When the source cannot be reached, the stored title stays as it was and the
//! caller says so.

use anyhow::{Context, Result};
use getanime_domain::{Title, TitleDetails, TitleId, TitleSummary};

use crate::language::tr;
use crate::sync::SyncReport;
use crate::{App, now_ms};

/// What opening a title did about its details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DetailsRefresh {
    /// Fetched recently enough; nothing asked.
    Fresh,
    /// Fetched from the source just now.
    Fetched,
    /// The source could not give them; the stored title is unchanged. In the user's words.
    Failed(String),
}

/// Whether a title needs its details fetched: never fetched in full, or before `stale_before`.
pub fn details_missing_or_stale(details: &TitleDetails, stale_before: i64) -> bool {
    details.details_fetched_at.is_none_or(|at| at < stale_before)
}

/// What the title screen says while details load, and when they could not.
pub fn loading_episodes() -> &'static str {
    tr!("Loading episodes…")
}

/// The line under the title when the source could not give its details.
pub fn details_failed_text(reason: &str) -> String {
    tr!("Could not load the episodes: {reason}. Showing what the library has.", reason = reason)
}

impl App {
    /// Fetches `title`'s details from its source when they are missing or stale, and stores
    /// them; a failure leaves the library as it was and is returned as words, not an error
    /// (the stored title is still worth showing).
    pub async fn refresh_details(&self, title: TitleId) -> Result<DetailsRefresh> {
        let details = self.title(title).await?;
        let ttl = self.details_ttl().await?;
        let now = now_ms();
        let stale_before = now - i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX);
        if !details_missing_or_stale(&details, stale_before) {
            return Ok(DetailsRefresh::Fresh);
        }
        let plugin_id = details.card.plugin_id.clone();
        // A source the user disabled (or removed) is not contacted behind their back.
        let record = self.plugin_record(&plugin_id).await.ok();
        if !record.as_ref().is_some_and(|record| record.enabled) {
            let name = record.map_or(plugin_id, |record| record.name);
            return Ok(DetailsRefresh::Failed(tr!(
                "{name} is disabled or not installed",
                name = name
            )));
        }
        let plugin = match self.load_plugin(&plugin_id).await {
            Ok(plugin) => plugin,
            Err(error) => return Ok(DetailsRefresh::Failed(format!("{error:#}"))),
        };
        let fetched = match plugin.details(&details.card.source_id).await {
            Ok(fetched) => fetched,
            Err(error) => {
                tracing::warn!(%plugin_id, source_id = %details.card.source_id, "details on open failed: {error}");
                return Ok(DetailsRefresh::Failed(error.to_string()));
            }
        };
        let mut report = SyncReport::default();
        let mut valid = self.validated(
            &plugin_id,
            vec![Title { details_complete: true, ..fetched }],
            &mut report,
        );
        let Some(valid) = valid.pop() else {
            return Ok(DetailsRefresh::Failed(report.problems.join("; ")));
        };
        self.db(move |db| db.upsert_title(&plugin_id, &valid, now)).await?;
        Ok(DetailsRefresh::Fetched)
    }

    /// Related title `index` of `title` (its franchise, at the same source) as a library title:
    /// the one the library has, else a new one from its name alone, whose details come when it
    /// is opened, as a search result's do.
    pub async fn related_title(&self, title: TitleId, index: usize) -> Result<TitleId> {
        let details = self.title(title).await?;
        let related = details.related.get(index).cloned().context("no such related title")?;
        let plugin_id = details.card.plugin_id;
        let (owner, source_id) = (plugin_id.clone(), related.source_id.clone());
        if let Some(known) = self.db(move |db| db.title_id(&owner, &source_id)).await? {
            return Ok(known);
        }
        let summary = TitleSummary {
            source_id: related.source_id,
            name: related.name,
            ..TitleSummary::default()
        };
        let mut report = SyncReport::default();
        let mut valid = self.validated(
            &plugin_id,
            vec![Title { summary, details_complete: false, ..Title::default() }],
            &mut report,
        );
        let valid = valid.pop().with_context(|| report.problems.join("; "))?;
        self.db(move |db| db.upsert_title(&plugin_id, &valid, now_ms())).await
    }
}
