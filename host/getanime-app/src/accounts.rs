//! Accounts at trackers (the AniLiberty account; later Shikimori, AniList): signing in, and the
//! sync engine. A sync pulls the account's lists, fetches the titles the library lacks through
//! the tracker's source, takes the account's episode marks, merges every title three ways
//! ([`merge`]) and sends only what differs. Changes wait in the outbox until the server took
//! them; nothing queued is dropped. Tokens never leave [`Credentials`] and the plugin call.

mod merge;
mod schedule;
mod sign_in;

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use anyhow::{Context, Result, anyhow, bail};
use getanime_domain::{
    AccountRecord, AccountState, AgreedTitle, PluginKind, TitleKey, TrackedTitle, TrackerEntry,
    TrackerError,
};
use getanime_plugins::{AccountSession, Error as PluginError, Plugin, Token};
use serde::Serialize;

pub use crate::credentials::Credentials;
use crate::language::tr;
use crate::{App, SyncOptions, SyncReport, now_ms};
use merge::{Capabilities, merge, server_view};
pub(crate) use schedule::PushSchedule;
pub use schedule::{AFTER_LIST_CHANGE, AFTER_POSITION, AFTER_WATCHED};
pub use sign_in::SignIn;

/// The library setting naming this device to trackers (random, not a secret).
const DEVICE_ID_SETTING: &str = "device_id";
/// Marks sent per call.
const MARKS_PER_PUSH: usize = 200;
/// Marks are pulled from this long before the last pull (clocks differ a little).
const MARKS_OVERLAP_MS: i64 = 10 * 60 * 1000;
/// After a failed sync, the automatic one waits this long, doubled per failure up to an hour.
const FIRST_RETRY_MS: i64 = 60 * 1000;
const LAST_RETRY_MS: i64 = 60 * 60 * 1000;

/// An account as `getanime account list` and the Accounts screen show it.
#[derive(Debug, Clone, Serialize)]
pub struct AccountSummary {
    pub plugin: String,
    pub plugin_name: String,
    pub user: String,
    pub state: AccountState,
    pub last_sync: Option<i64>,
    /// Changes waiting to be sent: titles and episodes.
    pub pending: u32,
    pub last_error: Option<String>,
    /// Titles with history here that a tracker matching by ids cannot name (no MyAnimeList
    /// id): left out of its sync.
    pub left_out: u32,
    /// When a token that is never refreshed ends (AniList's, a year after sign-in): the user
    /// signs in again then.
    pub signed_in_until: Option<i64>,
    #[serde(skip)]
    pub record: AccountRecord,
}

/// What the first sync of an account would send from this profile's history, before the user
/// agreed to send it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ConsentQuestion {
    pub titles: usize,
    pub episodes: usize,
}

/// What a sync of one account did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AccountSyncReport {
    pub plugin: String,
    pub user: String,
    pub state: Option<AccountState>,
    /// Entries the account lists.
    pub pulled: usize,
    /// Titles fetched from the source because the library lacked them.
    pub titles_fetched: usize,
    /// Titles the account lists that the library lacks and could not fetch (the source is not
    /// installed or did not answer); they wait for it.
    pub waiting_for_source: usize,
    /// Titles whose list, favorite, rating or episodes changed here from the account.
    pub taken: usize,
    /// Changes the account took.
    pub sent: usize,
    pub marks_taken: usize,
    pub marks_sent: usize,
    /// Marks of episodes the library does not know (ignored).
    pub unknown_marks: usize,
    /// Changes still waiting after the sync.
    pub pending: u32,
    /// Set while the first sync waits for the user: what it would send.
    pub awaiting_consent: Option<ConsentQuestion>,
    /// The profile is private: this sync only received.
    pub private: bool,
    /// Why the sync stopped, in the log's words and in the user's.
    pub error: Option<String>,
    pub failure: Option<String>,
}

/// What every call of one account's sync needs.
#[derive(Clone, Copy)]
struct AccountCall<'a> {
    record: &'a AccountRecord,
    plugin: &'a Plugin,
    session: &'a Arc<AccountSession>,
    /// How its ids name the library's titles.
    key: &'a TitleKey,
}

impl App {
    /// The session a tracker call acts for: `token` now; a new one (signing in, a refresh) is
    /// stored under `key` before it is used, and a refresh first looks there for a newer one
    /// another process stored (refresh tokens rotate).
    pub(crate) fn account_session(&self, key: &str, token: Option<Token>) -> AccountSession {
        let (credentials, stored_key) = (self.credentials(), key.to_owned());
        let (reader, read_key) = (self.credentials(), key.to_owned());
        AccountSession::new(
            token,
            Box::new(move |token: &Token| {
                credentials.store(&stored_key, token).map_err(|error| format!("{error:#}"))
            }),
        )
        .reloading_from(Box::new(move || reader.token(&read_key)))
    }

    pub fn credentials(&self) -> Credentials {
        Credentials::new(self.paths.credentials())
    }

    /// The installed account plugins.
    pub async fn tracker_plugins(&self) -> Result<Vec<getanime_domain::PluginRecord>> {
        Ok(self.plugins().await?.into_iter().filter(|p| p.kind == PluginKind::Tracker).collect())
    }

    /// The accounts of the profile in use.
    pub async fn accounts(&self) -> Result<Vec<AccountSummary>> {
        let profile = self.profile();
        let records = self.db(move |db| db.accounts(Some(profile))).await?;
        let mut summaries = Vec::new();
        for record in records {
            let plugin_name = self
                .plugin_record(&record.plugin_id)
                .await
                .map_or_else(|_| record.plugin_id.clone(), |plugin| plugin.name);
            let pending = self.pending_changes(&record).await?;
            let left_out = self.titles_left_out(&record).await?;
            let signed_in_until = self
                .credentials()
                .token(&record.credential_key)
                .filter(|token| token.refresh.is_none())
                .and_then(|token| token.expires_at);
            summaries.push(AccountSummary {
                plugin: record.plugin_id.clone(),
                plugin_name,
                user: record.user_name.clone(),
                state: record.state,
                last_sync: record.last_sync_at,
                pending,
                last_error: record.last_error.clone(),
                left_out,
                signed_in_until,
                record,
            });
        }
        Ok(summaries)
    }

    /// Signs the profile's account at `plugin_id` out (at the tracker too, when it answers) and
    /// forgets it here; the profile's history stays.
    pub async fn disconnect_account(&self, plugin_id: &str) -> Result<()> {
        let record = self.account_record(plugin_id).await?;
        let credentials = self.credentials();
        if let Some(token) = credentials.token(&record.credential_key) {
            let session = Arc::new(AccountSession::ephemeral(Some(token)));
            match self.load_tracker(plugin_id).await {
                Ok(plugin) => {
                    if let Err(error) = plugin.sign_out(&session).await {
                        tracing::warn!(plugin_id, "signing out at the tracker failed: {error}");
                    }
                }
                Err(error) => tracing::warn!(plugin_id, "cannot sign out: {error:#}"),
            }
        }
        credentials.forget(&record.credential_key)?;
        let id = record.id;
        self.db(move |db| db.remove_account(id)).await
    }

    /// Syncs one account and says what it did, in words (the Accounts screen's Sync now).
    pub async fn account_synced_text(&self, plugin_id: &str) -> Result<String> {
        let report = self.sync_account(plugin_id).await?;
        Ok(match (&report.failure, report.awaiting_consent) {
            (Some(failure), _) => failure.clone(),
            (None, Some(_)) => tr!("Received; nothing is sent until you answer").to_owned(),
            (None, None) if report.private => {
                tr!("Received; this profile is private: nothing is sent").to_owned()
            }
            (None, None) => tr!(
                "Synced: {taken} changed here, {sent} sent",
                taken = report.taken,
                sent = report.sent + report.marks_sent
            ),
        })
    }

    /// What the first sync of a profile with history would send (the question it waits on).
    pub async fn consent_counts(&self, record: &AccountRecord) -> Result<ConsentQuestion> {
        let plugin = self.load_tracker(&record.plugin_id).await?;
        let key = title_key_of(&plugin)?;
        // While consent is asked, this queues nothing: it only says what would go.
        let titles = self.queue_local_changes(record, &key).await?.len();
        let (id, profile) = (record.id, record.profile_id);
        let episodes = match key {
            TitleKey::Source(source) => {
                self.db(move |db| db.marks_to_send(id, profile, &source)).await?.len()
            }
            TitleKey::Trackers(_) => 0,
        };
        Ok(ConsentQuestion { titles, episodes })
    }

    /// Pauses or resumes an account's sync.
    pub async fn pause_account(&self, plugin_id: &str, paused: bool) -> Result<()> {
        let record = self.account_record(plugin_id).await?;
        let state = if paused { AccountState::Paused } else { AccountState::Active };
        let id = record.id;
        self.db(move |db| db.set_account_state(id, state)).await
    }

    /// The answer to the first sync's question: `send` this profile's history to the account,
    /// or only receive (what is here now counts as agreed and is never sent).
    pub async fn answer_consent(&self, plugin_id: &str, send: bool) -> Result<()> {
        let record = self.account_record(plugin_id).await?;
        if record.state != AccountState::NeedsConsent {
            return Ok(());
        }
        if !send {
            self.agree_on_everything_here(&record).await?;
        }
        let id = record.id;
        self.db(move |db| db.set_account_state(id, AccountState::Active)).await
    }

    /// Makes this profile's marks what `record`'s account and the library agree on, sending
    /// nothing: "only receive", and the end of a private time (what it did stays here).
    async fn agree_on_everything_here(&self, record: &AccountRecord) -> Result<()> {
        let plugin = self.load_tracker(&record.plugin_id).await?;
        let key = title_key_of(&plugin)?;
        let (id, profile) = (record.id, record.profile_id);
        let (local, before) = {
            let key = key.clone();
            self.db(move |db| Ok((db.tracked_titles(id, profile, &key)?, db.agreed_titles(id)?)))
                .await?
        };
        // The tracker's own ids of its entries stay known.
        let remote_ids: HashMap<String, String> = before
            .into_iter()
            .filter_map(|title| Some((title.external_id, title.remote_id?)))
            .collect();
        let agreed: Vec<AgreedTitle> = local
            .iter()
            .map(|title| AgreedTitle {
                external_id: title.external_id.clone(),
                title_id: Some(title.title_id),
                status: title.status.map(Into::into),
                progress: title.progress,
                score: title.score,
                favorite: Some(title.favorite),
                remote_id: remote_ids.get(&title.external_id).cloned(),
            })
            .collect();
        self.db(move |db| {
            db.apply_account_merge(id, profile, &[], &agreed, &[], &[], now_ms())?;
            match &key {
                TitleKey::Source(source) => {
                    let marks = db.marks_to_send(id, profile, source)?;
                    db.marks_sent(id, &marks)
                }
                TitleKey::Trackers(_) => Ok(()),
            }
        })
        .await?;
        Ok(())
    }

    /// Whether the profile in use keeps everything off its accounts.
    pub async fn profile_private(&self) -> Result<bool> {
        let profile = self.profile();
        self.db(move |db| db.profile_private(profile)).await
    }

    /// Makes the profile in use private (nothing is sent; it still receives) or not. What it
    /// did while private is never sent: switching it off makes that what every account agrees
    /// on.
    pub async fn set_profile_private(&self, private: bool) -> Result<()> {
        let profile = self.profile();
        let was = self.profile_private().await?;
        if was && !private {
            let records = self.db(move |db| db.accounts(Some(profile))).await?;
            for record in records.iter().filter(|record| record.state != AccountState::NeedsConsent)
            {
                self.agree_on_everything_here(record).await?;
            }
        }
        self.db(move |db| db.set_profile_private(profile, private)).await
    }

    /// Whether `title` syncs with the accounts of the profile in use.
    pub async fn title_synced(&self, title: getanime_domain::TitleId) -> Result<bool> {
        Ok(!self.title(title).await?.list.unsynced)
    }

    /// Keeps `title` off the accounts of the profile in use, or lets it sync again.
    pub async fn set_title_synced(
        &self,
        title: getanime_domain::TitleId,
        synced: bool,
    ) -> Result<()> {
        let profile = self.profile();
        self.db(move |db| db.set_title_synced(profile, title, synced, now_ms())).await
    }

    /// Syncs every account of the profile in use (or the one at `plugin`): pull, merge, send.
    /// `consent`: the first sync may send this profile's history (`--yes`).
    pub async fn sync_accounts(
        &self,
        plugin: Option<&str>,
        consent: bool,
    ) -> Result<Vec<AccountSyncReport>> {
        let profile = self.profile();
        let mut records = self.db(move |db| db.accounts(Some(profile))).await?;
        if let Some(plugin) = plugin {
            records.retain(|record| record.plugin_id == plugin);
            if records.is_empty() {
                bail!("this profile has no account at {plugin}; connect it first");
            }
        }
        let mut reports = Vec::new();
        for record in records {
            if consent && record.state == AccountState::NeedsConsent {
                self.answer_consent(&record.plugin_id, true).await?;
            }
            reports.push(self.sync_account(&record.plugin_id).await?);
        }
        self.hand_on(&mut reports).await?;
        Ok(reports)
    }

    /// What an account's pull changed here goes on to the accounts synced before it in the same
    /// run (a push each), so one run leaves every account of the profile in step.
    async fn hand_on(&self, reports: &mut [AccountSyncReport]) -> Result<()> {
        let took = |report: &AccountSyncReport| {
            report.error.is_none() && (report.taken > 0 || report.marks_taken > 0)
        };
        let Some(last) = reports.iter().rposition(took) else { return Ok(()) };
        for report in &mut reports[..last] {
            if report.error.is_some() || report.state != Some(AccountState::Active) {
                continue;
            }
            let pushed = self.run_account(&report.plugin, false).await?;
            report.sent += pushed.sent;
            report.marks_sent += pushed.marks_sent;
            report.pending = pushed.pending;
            if pushed.error.is_some() {
                (report.error, report.failure) = (pushed.error, pushed.failure);
            }
        }
        Ok(())
    }

    /// Accounts of the profile in use whose automatic sync is due (the TV's schedule).
    pub async fn accounts_due(&self) -> Result<Vec<String>> {
        let (profile, now) = (self.profile(), now_ms());
        let records = self.db(move |db| db.accounts(Some(profile))).await?;
        Ok(records
            .into_iter()
            .filter(|record| {
                record.state == AccountState::Active
                    && record.retry_at.is_none_or(|retry_at| retry_at <= now)
            })
            .map(|record| record.plugin_id)
            .collect())
    }

    /// Syncs the accounts of the profile in use whose automatic sync is due (the TV's start,
    /// profile switch and interval); one that fails waits its backoff.
    pub async fn sync_due_accounts(&self) -> Result<Vec<AccountSyncReport>> {
        let mut reports = Vec::new();
        for plugin_id in self.accounts_due().await? {
            let report = self.sync_account(&plugin_id).await?;
            if let Some(error) = &report.error {
                tracing::warn!(plugin_id, "the account's sync failed: {error}");
            }
            reports.push(report);
        }
        self.hand_on(&mut reports).await?;
        Ok(reports)
    }

    /// One account's sync. A failure is in the report (and on the account), not an error:
    /// nothing queued is lost, the next sync tries again.
    pub async fn sync_account(&self, plugin_id: &str) -> Result<AccountSyncReport> {
        self.run_account(plugin_id, true).await
    }

    /// Marks that a change here should reach the accounts within `after`.
    pub(crate) fn account_changed(&self, after: std::time::Duration) {
        self.account_pushes.request(after);
    }

    /// Sends the changes made here to the accounts a few seconds after they are made (see
    /// `accounts/schedule.rs`), without pulling; runs until the app goes (the TV spawns it).
    pub async fn push_account_changes_forever(self: Arc<Self>) {
        loop {
            self.account_pushes.next().await;
            match self.push_due_accounts().await {
                Ok(reports) => {
                    for report in reports.iter().filter(|report| report.error.is_some()) {
                        tracing::warn!(plugin = %report.plugin, "pushing to the account failed: {:?}", report.error);
                    }
                }
                Err(error) => tracing::warn!("pushing to the accounts failed: {error:#}"),
            }
        }
    }

    /// Sends what changed here to every due account of the profile in use, without pulling.
    pub async fn push_due_accounts(&self) -> Result<Vec<AccountSyncReport>> {
        let mut reports = Vec::new();
        for plugin_id in self.accounts_due().await? {
            reports.push(self.run_account(&plugin_id, false).await?);
        }
        Ok(reports)
    }

    /// A sync (`full`: pull, merge, send) or a push (send what changed here).
    async fn run_account(&self, plugin_id: &str, full: bool) -> Result<AccountSyncReport> {
        let record = self.account_record(plugin_id).await?;
        let mut report = AccountSyncReport {
            plugin: record.plugin_id.clone(),
            user: record.user_name.clone(),
            state: Some(record.state),
            ..AccountSyncReport::default()
        };
        if record.state == AccountState::Paused {
            report.pending = self.pending_changes(&record).await?;
            return Ok(report);
        }
        let started = now_ms();
        let outcome = match self.credentials().token(&record.credential_key) {
            None => Err(anyhow!(PluginError::Tracker {
                id: record.plugin_id.clone(),
                name: self.plugin_name(plugin_id).await,
                error: TrackerError::Unauthorized,
            })),
            Some(token) => {
                self.account_sync_steps(&record, token, full, &mut report, started).await
            }
        };
        let id = record.id;
        match outcome {
            Ok(()) => {
                self.db(move |db| db.record_account_sync(id, started, None, None)).await?;
            }
            Err(error) => {
                report.failure = Some(crate::explain(&error));
                report.error = Some(format!("{error:#}"));
                let unauthorized = error.chain().any(|cause| {
                    matches!(
                        cause.downcast_ref::<PluginError>(),
                        Some(PluginError::Tracker { error: TrackerError::Unauthorized, .. })
                    )
                });
                if unauthorized {
                    self.db(move |db| db.set_account_state(id, AccountState::NeedsSignIn)).await?;
                    report.state = Some(AccountState::NeedsSignIn);
                }
                let retry_at = started + retry_delay(&record, &error);
                let words = report.failure.clone();
                self.db(move |db| {
                    db.record_account_sync(id, started, words.as_deref(), Some(retry_at))
                })
                .await?;
            }
        }
        let refreshed = self.account_record(plugin_id).await?;
        report.pending = self.pending_changes(&refreshed).await?;
        Ok(report)
    }

    async fn account_sync_steps(
        &self,
        record: &AccountRecord,
        token: Token,
        full: bool,
        report: &mut AccountSyncReport,
        started: i64,
    ) -> Result<()> {
        let plugin = self.load_tracker(&record.plugin_id).await?;
        let key = title_key_of(&plugin)?;
        let session = Arc::new(self.account_session(&record.credential_key, Some(token)));
        let (id, profile) = (record.id, record.profile_id);
        let asking = record.state == AccountState::NeedsConsent;
        let private = self.db(move |db| db.profile_private(profile)).await?;
        report.private = private;

        // 0. What changed here is queued first: a pull that fails leaves it waiting, counted.
        let queued = self.queue_local_changes(record, &key).await?;
        if !full {
            if asking || private {
                return Ok(());
            }
            let has_marks = record.marks_pulled_at.is_some();
            let call = AccountCall { record, plugin: &plugin, session: &session, key: &key };
            return self.send_changes(&call, &queued, has_marks, report).await;
        }

        // 1. The account's lists, and the titles the library lacks. A tracker with ids of its
        // own (AniList) first learns them from the titles' MyAnimeList ids.
        self.resolve_title_ids(record, &plugin, &session, &key).await?;
        let entries = plugin.pull(&session).await?;
        report.pulled = entries.len();
        let external_ids: Vec<String> =
            entries.iter().map(|entry| entry.external_id.clone()).collect();
        let mut known = {
            let (key, ids) = (key.clone(), external_ids.clone());
            self.db(move |db| db.titles_by_key(&key, &ids)).await?
        };
        let missing: Vec<String> =
            external_ids.iter().filter(|id| !known.contains_key(*id)).cloned().collect();
        // A source's account brings its titles through the source; a tracker's titles the
        // library lacks are only counted, never imported.
        if let (false, TitleKey::Source(source)) = (missing.is_empty(), &key) {
            report.titles_fetched = self.fetch_missing_titles(source, missing.clone()).await;
            let (key, ids) = (key.clone(), missing);
            known.extend(self.db(move |db| db.titles_by_key(&key, &ids)).await?);
        }
        report.waiting_for_source = external_ids.len().saturating_sub(known.len());

        // 2. Episode marks. A tracker without marks answers `unsupported`: it gets none and
        // sends none.
        let mut watched_titles = Vec::new();
        let since = record.marks_pulled_at.map(|at| at - MARKS_OVERLAP_MS);
        let marks = match &key {
            TitleKey::Source(source) => {
                Some((source.clone(), plugin.pull_marks(&session, since).await))
            }
            TitleKey::Trackers(_) => None,
        };
        let has_marks = match marks {
            None => false,
            Some((source, Ok(marks))) => {
                let source = source.clone();
                let applied = self
                    .db(move |db| {
                        db.apply_account_marks(id, profile, &source, &marks, started, now_ms())
                    })
                    .await?;
                report.marks_taken = applied.applied;
                report.unknown_marks = applied.unknown;
                watched_titles = applied.watched_titles;
                true
            }
            Some((_, Err(PluginError::Tracker { error: TrackerError::Unsupported, .. }))) => false,
            Some((_, Err(error))) => return Err(error.into()),
        };

        // 3. The merge, written in one transaction; what differs is queued. Then the lists as
        // trackers count them (a watched episode starts a title with no list, the last one of a
        // finished title completes it): only after the account's lists are in, so its list is
        // never mistaken for a change here; what that moves is queued too.
        let mut targets =
            self.merge_titles(record, &key, &entries, &known, report, &mut watched_titles).await?;
        let moved = self.db(move |db| db.settle_lists(profile, &watched_titles, now_ms())).await?;
        if !moved.is_empty() {
            targets.extend(self.queue_local_changes(record, &key).await?);
        }

        if asking {
            let episodes = match (&key, has_marks) {
                (TitleKey::Source(source), true) => {
                    let source = source.clone();
                    self.db(move |db| db.marks_to_send(id, profile, &source)).await?.len()
                }
                _ => 0,
            };
            report.awaiting_consent = Some(ConsentQuestion { titles: targets.len(), episodes });
            return Ok(());
        }
        if private {
            return Ok(());
        }

        // 4. Send the outbox, then the marks.
        let call = AccountCall { record, plugin: &plugin, session: &session, key: &key };
        self.send_changes(&call, &targets, has_marks, report).await
    }

    /// Asks a tracker whose ids are its own for the ids of the library's titles that have only
    /// a MyAnimeList id (a few hundred a sync at most: AniList answers 50 a request, 30 a minute).
    async fn resolve_title_ids(
        &self,
        record: &AccountRecord,
        plugin: &Plugin,
        session: &Arc<AccountSession>,
        key: &TitleKey,
    ) -> Result<()> {
        let TitleKey::Trackers(trackers) = key else { return Ok(()) };
        let Some(&own) = trackers.first() else { return Ok(()) };
        if trackers.contains(&getanime_domain::Tracker::MyAnimeList) {
            return Ok(());
        }
        let (profile, key) = (record.profile_id, key.clone());
        let unresolved =
            self.db(move |db| db.unresolved_mal_ids(profile, &key, RESOLVED_PER_SYNC)).await?;
        if unresolved.is_empty() {
            return Ok(());
        }
        let pairs = plugin.resolve(session, &unresolved).await?;
        tracing::info!(plugin_id = %record.plugin_id, asked = unresolved.len(), found = pairs.len(), "title ids resolved");
        self.db(move |db| db.add_resolved_ids(own, &pairs)).await
    }

    /// Sends the outbox, then the marks that differ from the agreed ones.
    async fn send_changes(
        &self,
        call: &AccountCall<'_>,
        targets: &HashMap<String, AgreedTitle>,
        has_marks: bool,
        report: &mut AccountSyncReport,
    ) -> Result<()> {
        let AccountCall { record, plugin, session, key } = *call;
        let (id, profile) = (record.id, record.profile_id);
        self.send_queued(call, targets, report).await?;
        let (true, TitleKey::Source(source)) = (has_marks, key) else {
            return Ok(());
        };
        let marks = {
            let source = source.to_owned();
            self.db(move |db| db.marks_to_send(id, profile, &source)).await?
        };
        for chunk in marks.chunks(MARKS_PER_PUSH) {
            let wire: Vec<getanime_domain::EpisodeMark> = chunk
                .iter()
                .map(|mark| getanime_domain::EpisodeMark {
                    episode_id: mark.source_episode_id.clone(),
                    position_ms: mark.position_ms,
                    watched: mark.watched,
                })
                .collect();
            plugin.push_marks(session, &wire).await?;
            let sent = chunk.to_vec();
            self.db(move |db| db.marks_sent(id, &sent)).await?;
            report.marks_sent += chunk.len();
        }
        Ok(())
    }

    /// Queues what changed here since the last agreement, without asking the account: the
    /// merge against the agreed state as if the account had not changed.
    async fn queue_local_changes(
        &self,
        record: &AccountRecord,
        key: &TitleKey,
    ) -> Result<HashMap<String, AgreedTitle>> {
        let id = record.id;
        let agreed = self.db(move |db| db.agreed_titles(id)).await?;
        let unchanged: Vec<TrackerEntry> = agreed
            .into_iter()
            .map(|title| TrackerEntry {
                external_id: title.external_id,
                status: title.status,
                // Not the agreed count: that would mark again what was reset here.
                progress: None,
                score: title.score,
                favorite: title.favorite,
                remote_id: title.remote_id,
                updated_at: None,
            })
            .collect();
        let (mut scratch, mut watched) = (AccountSyncReport::default(), Vec::new());
        let empty = HashMap::new();
        self.merge_titles(record, key, &unchanged, &empty, &mut scratch, &mut watched).await
    }

    /// Queues what changed here for every account of the profile in use (the TV calls it a
    /// few seconds after a list, favorite or rating change, then syncs).
    pub async fn queue_account_changes(&self) -> Result<()> {
        let profile = self.profile();
        let records = self.db(move |db| db.accounts(Some(profile))).await?;
        for record in records.iter().filter(|record| record.state == AccountState::Active) {
            let plugin = self.load_tracker(&record.plugin_id).await?;
            self.queue_local_changes(record, &title_key_of(&plugin)?).await?;
        }
        Ok(())
    }

    /// Merges every title the profile marked, the account lists or both agreed on. Returns the
    /// merge base each queued title gets once sent, by external id. What the tracker keeps is
    /// read from its answers (the AniLiberty account has no episode counts), except that list
    /// trackers always count episodes.
    async fn merge_titles(
        &self,
        record: &AccountRecord,
        key: &TitleKey,
        entries: &[TrackerEntry],
        known: &HashMap<String, getanime_domain::TitleId>,
        report: &mut AccountSyncReport,
        watched: &mut Vec<getanime_domain::TitleId>,
    ) -> Result<HashMap<String, AgreedTitle>> {
        let (id, profile) = (record.id, record.profile_id);
        let (local, agreed, private, kept_off) = {
            let key = key.clone();
            self.db(move |db| {
                Ok((
                    db.tracked_titles(id, profile, &key)?,
                    db.agreed_titles(id)?,
                    db.profile_private(profile)?,
                    db.unsynced_titles(profile)?,
                ))
            })
            .await?
        };
        // While the first sync waits for the user's answer, or the profile is private, nothing
        // is queued.
        let asking = record.state == AccountState::NeedsConsent || private;
        // What the tracker keeps, as its answers tell. Favorites are assumed of an empty
        // account (AniLiberty's first sync sends them); a count only once one was seen.
        // List trackers (matched by MyAnimeList ids) count episodes and keep no favorites here,
        // whatever a first, empty answer shows.
        let list_tracker = matches!(key, TitleKey::Trackers(_));
        let capabilities = Capabilities {
            favorites: !list_tracker
                && (entries.is_empty()
                    || entries.iter().any(|entry| entry.favorite.is_some())
                    || agreed.iter().any(|title| title.favorite.is_some())),
            progress: list_tracker
                || entries.iter().any(|entry| entry.progress.is_some())
                || agreed.iter().any(|title| title.progress.is_some()),
        };
        let local: HashMap<&str, &TrackedTitle> =
            local.iter().map(|title| (title.external_id.as_str(), title)).collect();
        let agreed_by_id: HashMap<&str, &AgreedTitle> =
            agreed.iter().map(|title| (title.external_id.as_str(), title)).collect();
        let remote: HashMap<&str, &TrackerEntry> =
            entries.iter().map(|entry| (entry.external_id.as_str(), entry)).collect();
        let every: BTreeSet<&str> =
            local.keys().chain(agreed_by_id.keys()).chain(remote.keys()).copied().collect();

        let (mut changes, mut bases, mut queue, mut unqueue, mut targets) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), HashMap::new());
        for external_id in every {
            let title_id = match local.get(external_id) {
                Some(title) => title.title_id,
                None => match known
                    .get(external_id)
                    .copied()
                    .or_else(|| agreed_by_id.get(external_id).and_then(|title| title.title_id))
                {
                    Some(title_id) => title_id,
                    // Not in the library: nothing to merge with until its source brings it.
                    None => continue,
                },
            };
            // Kept off the accounts: neither sent nor taken; what waited for it is dropped.
            if kept_off.contains(&title_id) {
                unqueue.push(external_id.to_owned());
                continue;
            }
            let merged = merge(
                title_id,
                external_id,
                local.get(external_id).copied(),
                agreed_by_id.get(external_id).copied(),
                remote.get(external_id).copied(),
                capabilities,
            );
            if let Some(change) = merged.local {
                changes.push(change);
            }
            match merged.push {
                Some(push) => {
                    targets.insert(external_id.to_owned(), merged.agreed_after_push);
                    if !asking {
                        queue.push(push);
                    }
                }
                // A change queued earlier and undone since is not sent.
                None if !asking => unqueue.push(external_id.to_owned()),
                None => {}
            }
            bases.push(merged.agreed);
        }
        watched.extend(
            changes
                .iter()
                .filter(|change| change.watched_through.is_some())
                .map(|change| change.title_id),
        );
        report.taken = self
            .db(move |db| {
                db.apply_account_merge(id, profile, &changes, &bases, &queue, &unqueue, now_ms())
            })
            .await?;
        Ok(targets)
    }

    /// Sends every queued change; the server's answer becomes the merge base and is taken here.
    async fn send_queued(
        &self,
        call: &AccountCall<'_>,
        targets: &HashMap<String, AgreedTitle>,
        report: &mut AccountSyncReport,
    ) -> Result<()> {
        let AccountCall { record, plugin, session, key } = *call;
        let (id, profile) = (record.id, record.profile_id);
        let queued = self.db(move |db| db.queued_changes(id)).await?;
        if queued.is_empty() {
            return Ok(());
        }
        // This profile's marks, read once: a sent change only moves its own title's.
        let local = {
            let key = key.clone();
            self.db(move |db| db.tracked_titles(id, profile, &key)).await?
        };
        for item in queued {
            let external_id = item.change.external_id.clone();
            // Queued for a title the library no longer has: it waits (never dropped).
            let Some(target) = targets.get(&external_id).cloned() else { continue };
            let answer = match plugin.push(session, &item.change).await {
                Ok(answer) => answer,
                Err(error) => {
                    let words = error.to_string();
                    let next = now_ms() + backoff(item.attempts + 1);
                    let owned = external_id.clone();
                    self.db(move |db| db.change_failed(id, &owned, &words, next)).await?;
                    // The rest waits too: the same failure would meet them.
                    return Err(error.into());
                }
            };
            report.sent += 1;
            let view = server_view(&target, &item.change, &answer);
            let title_id = target.title_id.context("a queued title the library has")?;
            let here = local.iter().find(|title| title.external_id == external_id);
            let settled = merge(
                title_id,
                &external_id,
                here,
                Some(&target),
                Some(&view),
                Capabilities { favorites: true, progress: view.progress.is_some() },
            );
            let queued_at = item.queued_at;
            self.db(move |db| {
                let now = now_ms();
                db.change_sent(id, queued_at, &settled.agreed, now)?;
                let changes: Vec<_> = settled.local.into_iter().collect();
                db.apply_account_merge(id, profile, &changes, &[], &[], &[], now).map(drop)
            })
            .await?;
        }
        Ok(())
    }

    /// Titles fetched through the tracker's source, validated and stored as a sync stores them.
    pub(crate) async fn fetch_missing_titles(&self, source: &str, ids: Vec<String>) -> usize {
        let plugin = match self.load_plugin(source).await {
            Ok(plugin) => Arc::new(plugin),
            Err(error) => {
                tracing::warn!(
                    source,
                    "the titles an account lists wait for their source: {error:#}"
                );
                return 0;
            }
        };
        let mut report = SyncReport { plugin_id: source.to_owned(), ..SyncReport::default() };
        let options = SyncOptions::default();
        if let Err(error) =
            self.fetch_details(&plugin, ids, now_ms(), &options, &|_| {}, &mut report).await
        {
            tracing::warn!(source, "fetching an account's titles stopped: {error:#}");
        }
        for problem in &report.problems {
            tracing::info!(source, "an account's title: {problem}");
        }
        report.details_fetched
    }

    /// Titles and episodes that would be sent now.
    async fn pending_changes(&self, record: &AccountRecord) -> Result<u32> {
        let (id, profile, plugin_id) = (record.id, record.profile_id, record.plugin_id.clone());
        // Marks count once the account has answered for them (a tracker without marks never
        // does).
        let source = match record.marks_pulled_at {
            Some(_) => self.account_manifest(&plugin_id).await.and_then(|found| found.for_source),
            None => None,
        };
        self.db(move |db| {
            let queued = db.queued_change_count(id)?;
            let marks = match &source {
                Some(source) => db.marks_to_send(id, profile, source)?.len(),
                None => 0,
            };
            Ok(queued + u32::try_from(marks).unwrap_or(u32::MAX))
        })
        .await
    }

    /// For a tracker matching by ids: how many titles with history here it cannot name (a
    /// tracker with ids of its own learns them from MyAnimeList's, so that one counts too).
    async fn titles_left_out(&self, record: &AccountRecord) -> Result<u32> {
        let key = self.account_manifest(&record.plugin_id).await.and_then(|m| m.title_key());
        let Some(TitleKey::Trackers(mut trackers)) = key else { return Ok(0) };
        if !trackers.contains(&getanime_domain::Tracker::MyAnimeList) {
            trackers.push(getanime_domain::Tracker::MyAnimeList);
        }
        let (profile, key) = (record.profile_id, TitleKey::Trackers(trackers));
        self.db(move |db| db.titles_left_out(profile, &key)).await
    }

    /// An account plugin's manifest, installed or else shipped, read from its file (listing
    /// accounts needs its `for_source`, not a loaded plugin).
    pub(crate) async fn account_manifest(
        &self,
        plugin_id: &str,
    ) -> Option<getanime_domain::PluginManifest> {
        if let Ok(installed) = self.installed_manifest(plugin_id).await {
            return Some(installed);
        }
        let shipped = self.shipped_accounts().await.ok()?;
        shipped
            .into_iter()
            .find(|package| package.manifest.id == plugin_id)
            .map(|package| package.manifest)
    }

    async fn account_record(&self, plugin_id: &str) -> Result<AccountRecord> {
        let (profile, owned) = (self.profile(), plugin_id.to_owned());
        self.db(move |db| db.account(profile, &owned))
            .await?
            .with_context(|| format!("this profile has no account at {plugin_id}"))
    }

    /// Installs a shipped account plugin that is not installed yet (connecting, or typing its
    /// client, is how a person asks for it).
    pub async fn ensure_tracker_installed(&self, plugin_id: &str) -> Result<()> {
        if self.plugin_record(plugin_id).await.is_ok() {
            return Ok(());
        }
        let shipped = self.shipped_accounts().await?;
        let package = shipped
            .into_iter()
            .find(|package| package.manifest.id == plugin_id)
            .with_context(|| format!("plugin {plugin_id} is not installed"))?;
        tracing::info!(plugin_id, "installing the shipped account plugin");
        self.install_plugin(package.path, None).await.map(drop)
    }

    async fn load_tracker(&self, plugin_id: &str) -> Result<Plugin> {
        let plugin = self.load_plugin(plugin_id).await?;
        if !plugin.is_tracker() {
            bail!("{plugin_id} is a source, not an account plugin");
        }
        Ok(plugin)
    }

    async fn plugin_name(&self, plugin_id: &str) -> String {
        self.plugin_record(plugin_id).await.map_or_else(|_| plugin_id.to_owned(), |p| p.name)
    }
}

/// How many MyAnimeList ids one sync resolves to a tracker's own ids.
const RESOLVED_PER_SYNC: usize = 300;

/// How an account's ids name the library's titles (the manifest's `for_source` or
/// `match_ids`).
fn title_key_of(plugin: &Plugin) -> Result<TitleKey> {
    plugin.manifest().title_key().with_context(|| {
        format!("{} names neither a source (for_source) nor match_ids", plugin.id())
    })
}

/// When the automatic sync tries again after `error`: what the server asked, else a backoff.
fn retry_delay(record: &AccountRecord, error: &anyhow::Error) -> i64 {
    let asked = error.chain().find_map(|cause| match cause.downcast_ref::<PluginError>() {
        Some(PluginError::Tracker { error: TrackerError::RateLimited(Some(seconds)), .. }) => {
            Some(i64::from(*seconds) * 1000)
        }
        _ => None,
    });
    asked.unwrap_or_else(|| {
        // A second failure in a row waits longer than the first.
        let repeated = record.last_error.is_some();
        if repeated { LAST_RETRY_MS.min(FIRST_RETRY_MS * 8) } else { FIRST_RETRY_MS }
    })
}

/// The wait before the `attempt`th try of a queued change.
fn backoff(attempt: u32) -> i64 {
    FIRST_RETRY_MS.saturating_mul(1_i64 << attempt.min(6)).min(LAST_RETRY_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_queued_change_waits_longer_each_time_up_to_an_hour() {
        assert_eq!(backoff(1), 2 * FIRST_RETRY_MS);
        assert!(backoff(2) > backoff(1));
        assert_eq!(backoff(30), LAST_RETRY_MS);
    }
}
