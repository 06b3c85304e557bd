//! Sync: pages of `latest` until nothing new (bounded), the weekly schedule, then details for
//! titles that are new, changed at the source or stale. Everything a plugin returns is validated
//! first; each batch is written in one transaction.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Result;
use getanime_domain::validation::validate_title;
use getanime_domain::{ProviderError, Title};
use getanime_plugins::{Error as PluginError, Plugin};
use serde::Serialize;

use crate::{App, PosterReport, now_ms};

/// Most posters fetched after a sync.
const POSTERS_PER_SYNC: u32 = 500;

/// Retries of a plugin call on network trouble, rate limits and timeouts.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub attempts: u32,
    /// Doubled after each failure.
    pub first_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy { attempts: 3, first_delay: Duration::from_millis(500) }
    }
}

/// What a sync does.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// Only this plugin (else every enabled one).
    pub plugin: Option<String>,
    /// Most pages of `latest` read per plugin.
    pub max_pages: u32,
    /// Details older than this are fetched again.
    pub details_ttl: Duration,
    /// Most titles whose details are fetched per plugin and sync.
    pub max_details: u32,
    /// Detail requests running at once per plugin (politeness).
    pub concurrency: usize,
    pub retry: RetryPolicy,
    /// Set to stop the sync at the next step; what was written stays written.
    pub cancel: Arc<AtomicBool>,
}

impl Default for SyncOptions {
    fn default() -> SyncOptions {
        SyncOptions {
            plugin: None,
            max_pages: 5,
            details_ttl: Duration::from_secs(24 * 3600),
            max_details: 200,
            concurrency: 4,
            retry: RetryPolicy::default(),
            cancel: Arc::new(AtomicBool::new(false)),
        }
    }
}

/// Progress, for bars and spinners.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncEvent {
    Started { plugin_id: String },
    Page { plugin_id: String, page: u32, pages: Option<u32>, titles: usize },
    Details { plugin_id: String, done: usize, total: usize },
    Finished { plugin_id: String },
}

/// What a sync of one plugin did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    pub plugin_id: String,
    pub pages: u32,
    /// Titles written (new or changed).
    pub written: usize,
    /// Titles the source sent that the library already had as they are.
    pub unchanged: usize,
    pub details_fetched: usize,
    pub scheduled: usize,
    /// Titles refused by validation or whose details failed, one line each.
    pub problems: Vec<String>,
    /// Why the sync of this plugin stopped early, if it did: the chain of causes (the log's
    /// words, kept as the source's last error).
    pub error: Option<String>,
    /// The same, as the person reads it ([`crate::explain`]), in the interface language.
    pub failure: Option<String>,
    pub cancelled: bool,
}

/// Which sources a sync asks, and how deep.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncScope {
    /// Only this source (Sources' Sync now, `getanime sync ID`); else every enabled one.
    pub source: Option<String>,
    /// Read up to [`FULL_SYNC_PAGES`] pages of news instead of the usual few.
    pub full: bool,
}

impl SyncScope {
    /// Every enabled source, the usual depth: the TV's background sync, `getanime sync`.
    pub fn enabled() -> SyncScope {
        SyncScope::default()
    }

    /// One source, the usual depth.
    pub fn source(id: impl Into<String>) -> SyncScope {
        SyncScope { source: Some(id.into()), full: false }
    }
}

/// Pages of news a full sync reads per source.
pub const FULL_SYNC_PAGES: u32 = 50;

impl SyncReport {
    /// The sync of this plugin stopped on `error`.
    fn failed(&mut self, error: &anyhow::Error) {
        self.failure = Some(crate::explain(error));
        self.error = Some(format!("{error:#}"));
    }
}

/// What [`App::sync_sources`] did: a report per source, then the posters it fetched.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SyncRun {
    pub reports: Vec<SyncReport>,
    pub posters: PosterReport,
}

impl SyncRun {
    /// The sources whose sync stopped on an error.
    pub fn failed(&self) -> Vec<&str> {
        self.reports
            .iter()
            .filter(|report| report.error.is_some())
            .map(|report| report.plugin_id.as_str())
            .collect()
    }
}

impl App {
    /// The one way a person's sync runs (the TV's, Sources' Sync now, `getanime sync`): the
    /// sources in `scope`, honouring every sync setting, then their missing posters.
    pub async fn sync_sources(
        &self,
        scope: SyncScope,
        progress: &(dyn Fn(SyncEvent) + Sync),
    ) -> Result<SyncRun> {
        let defaults = SyncOptions::default();
        let options = SyncOptions {
            plugin: scope.source,
            max_pages: if scope.full { FULL_SYNC_PAGES } else { defaults.max_pages },
            details_ttl: self.details_ttl().await?,
            ..defaults
        };
        let reports = self.sync(&options, progress).await?;
        let posters = self.refresh_posters(POSTERS_PER_SYNC).await?;
        Ok(SyncRun { reports, posters })
    }

    /// Syncs every enabled plugin (or the one in `options`), one after the other.
    pub async fn sync(
        &self,
        options: &SyncOptions,
        progress: &(dyn Fn(SyncEvent) + Sync),
    ) -> Result<Vec<SyncReport>> {
        let plugins = self.plugins().await?;
        if let Some(id) = &options.plugin
            && plugins.iter().any(|plugin| {
                plugin.id == *id && plugin.kind == getanime_domain::PluginKind::Tracker
            })
        {
            anyhow::bail!("{id} is an account plugin: `getanime account sync` syncs its accounts");
        }
        let selected: Vec<String> = plugins
            .into_iter()
            // Account plugins have no catalog; the account engine syncs them.
            .filter(|plugin| plugin.kind == getanime_domain::PluginKind::Provider)
            .filter(|plugin| match &options.plugin {
                Some(id) => &plugin.id == id,
                None => plugin.enabled,
            })
            .map(|plugin| plugin.id)
            .collect();
        if let Some(id) = &options.plugin
            && selected.is_empty()
        {
            anyhow::bail!("plugin {id} is not installed");
        }
        let mut reports = Vec::new();
        for id in selected {
            progress(SyncEvent::Started { plugin_id: id.clone() });
            let report = self.sync_plugin(&id, options, progress).await;
            let error = report.error.clone();
            self.db({
                let id = id.clone();
                move |db| db.record_sync(&id, now_ms(), error.as_deref())
            })
            .await?;
            progress(SyncEvent::Finished { plugin_id: id });
            reports.push(report);
        }
        Ok(reports)
    }

    async fn sync_plugin(
        &self,
        id: &str,
        options: &SyncOptions,
        progress: &(dyn Fn(SyncEvent) + Sync),
    ) -> SyncReport {
        let mut report = SyncReport { plugin_id: id.to_owned(), ..SyncReport::default() };
        let plugin = match self.load_plugin(id).await {
            Ok(plugin) => Arc::new(plugin),
            Err(error) => {
                report.failed(&error);
                return report;
            }
        };
        if let Err(error) = self.sync_steps(&plugin, options, progress, &mut report).await {
            report.failed(&error);
        }
        report
    }

    async fn sync_steps(
        &self,
        plugin: &Arc<Plugin>,
        options: &SyncOptions,
        progress: &(dyn Fn(SyncEvent) + Sync),
        report: &mut SyncReport,
    ) -> Result<()> {
        let id = plugin.id().to_owned();
        let now = now_ms();
        // Details fetched before this are stale; computed once for the whole sync.
        let stale_before = now - i64::try_from(options.details_ttl.as_millis()).unwrap_or(i64::MAX);
        let mut wanted_details: Vec<String> = Vec::new();
        for number in 1..=options.max_pages.max(1) {
            if options.cancel.load(Ordering::Relaxed) {
                report.cancelled = true;
                return Ok(());
            }
            let page = match with_retry(options.retry, || plugin.latest(number)).await {
                Ok(page) => page,
                // A later page failing is not worth the whole sync: what came is written.
                Err(error) if number > 1 => {
                    report.problems.push(format!("page {number}: {error}"));
                    break;
                }
                Err(error) => return Err(error.into()),
            };
            if page.page != number {
                // The source ignored the page asked for (and sent another one again): stop.
                tracing::info!(plugin_id = %id, asked = number, got = page.page, "the source does not page further");
                break;
            }
            report.pages = number;
            progress(SyncEvent::Page {
                plugin_id: id.clone(),
                page: number,
                pages: page.pages,
                titles: page.items.len(),
            });
            let last_page =
                page.items.is_empty() || page.pages.is_some_and(|pages| number >= pages);
            let written = self
                .ingest(&id, page.items, now, stale_before, report, &mut wanted_details)
                .await?;
            if written == 0 || last_page {
                break;
            }
        }
        match with_retry(options.retry, || plugin.schedule()).await {
            Ok(mut days) => {
                for day in &mut days {
                    let items = std::mem::take(&mut day.items);
                    day.items = self.validated(&id, items, report);
                }
                report.scheduled = days.iter().map(|day| day.items.len()).sum();
                let owned = id.clone();
                self.db(move |db| db.replace_schedule(&owned, &days, now)).await?;
            }
            Err(PluginError::Provider { error: ProviderError::Unsupported, .. }) => {}
            Err(error) => report.problems.push(format!("schedule: {error}")),
        }
        let (owned, limit) = (id.clone(), options.max_details);
        let stale = self.db(move |db| db.stale_titles(&owned, stale_before, limit)).await?;
        let mut seen: HashSet<String> = wanted_details.iter().cloned().collect();
        wanted_details.extend(
            stale
                .into_iter()
                .map(|card| card.source_id)
                .filter(|source_id| seen.insert(source_id.clone())),
        );
        wanted_details.truncate(options.max_details as usize);
        self.fetch_details(plugin, wanted_details, now, options, progress, report).await
    }

    /// Validates a page, writes what is new or changed in one transaction, and notes which titles
    /// still need their details. Returns how many titles were written.
    async fn ingest(
        &self,
        id: &str,
        titles: Vec<Title>,
        now: i64,
        stale_before: i64,
        report: &mut SyncReport,
        wanted_details: &mut Vec<String>,
    ) -> Result<usize> {
        let valid = self.validated(id, titles, report);
        let source_ids: Vec<String> =
            valid.iter().map(|title| title.summary.source_id.clone()).collect();
        let owned = id.to_owned();
        let states = self
            .db(move |db| {
                let ids: Vec<&str> = source_ids.iter().map(String::as_str).collect();
                db.sync_states(&owned, &ids)
            })
            .await?;
        let mut changed = Vec::new();
        for title in valid {
            let known = states.get(&title.summary.source_id);
            let is_changed = match known {
                None => true,
                Some(state) => {
                    state.source_updated_at != title.summary.updated_at
                        || (title.details_complete && state.details_fetched_at.is_none())
                }
            };
            let details_fresh = known
                .and_then(|state| state.details_fetched_at)
                .is_some_and(|at| at >= stale_before);
            if !title.details_complete && (is_changed || !details_fresh) {
                wanted_details.push(title.summary.source_id.clone());
            }
            if is_changed {
                changed.push(title);
            } else {
                report.unchanged += 1;
            }
        }
        let written = changed.len();
        if written > 0 {
            let owned = id.to_owned();
            self.db(move |db| db.upsert_titles(&owned, &changed, now)).await?;
        }
        report.written += written;
        Ok(written)
    }

    /// Validates titles; refused ones become report lines.
    pub(crate) fn validated(
        &self,
        id: &str,
        titles: Vec<Title>,
        report: &mut SyncReport,
    ) -> Vec<Title> {
        titles
            .into_iter()
            .filter_map(|title| match validate_title(id, title) {
                Ok((title, repairs)) => {
                    for repair in repairs {
                        tracing::debug!(plugin_id = id, source_id = %title.summary.source_id, field = repair.field, "repaired: {}", repair.what);
                    }
                    Some(title)
                }
                Err(rejected) => {
                    tracing::warn!("{rejected}");
                    report.problems.push(rejected.to_string());
                    None
                }
            })
            .collect()
    }

    pub(crate) async fn fetch_details(
        &self,
        plugin: &Arc<Plugin>,
        source_ids: Vec<String>,
        now: i64,
        options: &SyncOptions,
        progress: &(dyn Fn(SyncEvent) + Sync),
        report: &mut SyncReport,
    ) -> Result<()> {
        let id = plugin.id().to_owned();
        let total = source_ids.len();
        let semaphore = Arc::new(tokio::sync::Semaphore::new(options.concurrency.max(1)));
        let mut tasks = tokio::task::JoinSet::new();
        for source_id in source_ids {
            let (plugin, semaphore, retry, cancel) = (
                Arc::clone(plugin),
                Arc::clone(&semaphore),
                options.retry,
                Arc::clone(&options.cancel),
            );
            tasks.spawn(async move {
                let _permit = semaphore.acquire_owned().await;
                if cancel.load(Ordering::Relaxed) {
                    return (source_id, None);
                }
                let result = with_retry(retry, || plugin.details(&source_id)).await;
                (source_id, Some(result))
            });
        }
        let mut done = 0;
        while let Some(joined) = tasks.join_next().await {
            done += 1;
            progress(SyncEvent::Details { plugin_id: id.clone(), done, total });
            let (source_id, result) = match joined {
                Ok(outcome) => outcome,
                Err(error) => {
                    report.problems.push(format!("a detail task failed: {error}"));
                    continue;
                }
            };
            let title = match result {
                None => {
                    report.cancelled = true;
                    continue;
                }
                Some(Ok(title)) => title,
                Some(Err(error)) => {
                    report.problems.push(format!("title {source_id}: {error}"));
                    continue;
                }
            };
            let mut valid =
                self.validated(&id, vec![Title { details_complete: true, ..title }], report);
            if let Some(title) = valid.pop() {
                let owned = id.clone();
                self.db(move |db| db.upsert_title(&owned, &title, now)).await?;
                report.details_fetched += 1;
            }
        }
        Ok(())
    }
}

/// Whether a failure is worth another try.
fn is_transient(error: &PluginError) -> bool {
    matches!(
        error,
        PluginError::Timeout { .. }
            | PluginError::Provider {
                error: ProviderError::Network(_) | ProviderError::RateLimited,
                ..
            }
    )
}

async fn with_retry<T, F, Fut>(policy: RetryPolicy, mut call: F) -> Result<T, PluginError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, PluginError>>,
{
    let mut delay = policy.first_delay;
    let mut attempt = 1;
    loop {
        match call().await {
            Err(error) if attempt < policy.attempts.max(1) && is_transient(&error) => {
                tracing::info!("retrying in {delay:?} after: {error}");
                tokio::time::sleep(delay).await;
                delay *= 2;
                attempt += 1;
            }
            result => return result,
        }
    }
}

impl App {
    /// Searches the enabled sources (or one) live; results are validated, saved to the library
    /// and returned as library cards. A source that fails is logged and skipped.
    pub async fn search_sources(
        &self,
        query: &str,
        plugin: Option<&str>,
    ) -> Result<Vec<getanime_domain::TitleCard>> {
        let ids: Vec<String> = match plugin {
            Some(id) => vec![self.plugin_record(id).await?.id],
            None => self
                .plugins()
                .await?
                .into_iter()
                .filter(|plugin| {
                    plugin.enabled && plugin.kind == getanime_domain::PluginKind::Provider
                })
                .map(|plugin| plugin.id)
                .collect(),
        };
        let now = now_ms();
        let mut cards = Vec::new();
        let mut failures = Vec::new();
        for id in ids {
            let page = match self.load_plugin(&id).await {
                Ok(plugin) => plugin.search(query, 1).await.map_err(anyhow::Error::from),
                Err(error) => Err(error),
            };
            let page = match page {
                Ok(page) => page,
                Err(error) => {
                    tracing::warn!("search in {id} failed: {error:#}");
                    failures.push(format!("{error:#}"));
                    continue;
                }
            };
            let mut report = SyncReport::default();
            let valid = self.validated(&id, page.items, &mut report);
            let owned = id.clone();
            let written = self
                .db(move |db| {
                    let ids = db.upsert_titles(&owned, &valid, now)?;
                    let mut cards = Vec::new();
                    for title_id in ids {
                        cards.push(
                            db.title_details(title_id, getanime_domain::ProfileId::DEFAULT)?.card,
                        );
                    }
                    Ok(cards)
                })
                .await?;
            cards.extend(written);
        }
        if cards.is_empty() && !failures.is_empty() {
            anyhow::bail!("no source could search: {}", failures.join("; "));
        }
        Ok(cards)
    }
}

#[cfg(feature = "testing")]
impl App {
    /// For benchmarks only: validate and write titles as sync does, without a plugin.
    pub async fn ingest_for_benchmark(&self, plugin_id: &str, titles: Vec<Title>) -> Result<()> {
        let mut report = SyncReport::default();
        let valid = self.validated(plugin_id, titles, &mut report);
        let owned = plugin_id.to_owned();
        self.db(move |db| db.upsert_titles(&owned, &valid, now_ms()).map(drop)).await
    }

    /// For tests only: every title's details as if fetched `age` earlier.
    pub async fn backdate_details_for_test(&self, age: Duration) -> Result<usize> {
        let by_ms = i64::try_from(age.as_millis())?;
        self.db(move |db| db.backdate_details(by_ms)).await
    }

    /// For benchmarks only: the titles `ids` of `source` fetched and stored as a sync (and an
    /// account's first sync) does. Returns how many were stored.
    pub async fn fetch_titles_for_benchmark(&self, source: &str, ids: Vec<String>) -> usize {
        self.fetch_missing_titles(source, ids).await
    }

    /// For benchmarks only: a loaded plugin with the user's configuration.
    pub async fn load_plugin_for_benchmark(&self, id: &str) -> Result<Plugin> {
        self.load_plugin(id).await
    }
}
