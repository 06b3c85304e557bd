//! Accounts at tracker plugins: who is signed in for which profile, what both sides last agreed
//! on (titles and episode marks), and the changes still to send. Tokens are never here.

use std::collections::{HashMap, HashSet};

use getanime_domain::{
    AccountId, AccountRecord, AccountState, AgreedTitle, EpisodeId, EpisodeMark, ListStatus,
    LocalChange, LocalMark, MarksApplied, ProfileId, QueuedChange, RemoteStatus, TitleId, TitleKey,
    TrackedTitle, TrackerAccount, TrackerChange, UnixMillis,
};
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::lists::{list_entry, upsert_marks, write_status};
use crate::{Database, Error, Result};

/// `t` is a title profile `?1` does not keep off its accounts.
const SYNCED: &str =
    "NOT EXISTS (SELECT 1 FROM unsynced_titles u WHERE u.profile_id = ?1 AND u.title_id = t.id)";

/// Profile `?1` watched an episode of `t`. (`CROSS JOIN` keeps the episodes of one title first:
/// led by `watch_state`, SQLite would scan all the profile's marks once per title.)
const WATCHED_AN_EPISODE: &str = "EXISTS (SELECT 1 FROM episodes e CROSS JOIN watch_state w \
     ON w.episode_id = e.id AND w.profile_id = ?1 WHERE e.title_id = t.id AND w.watched = 1)";

const ACCOUNT_COLUMNS: &str = "id, profile_id, plugin_id, credential_key, user_id, user_name, state, \
     created_at, last_sync_at, last_error, retry_at, marks_pulled_at";

/// The one parameter a [`TitleKey`] binds: the source's id, or the trackers as `,a,b,`.
fn key_param(key: &TitleKey) -> String {
    match key {
        TitleKey::Source(source) => source.clone(),
        TitleKey::Trackers(trackers) => {
            let names: Vec<&str> = trackers.iter().map(|tracker| tracker.as_str()).collect();
            format!(",{},", names.join(","))
        }
    }
}

/// The condition that title `t` is one `key` names (its parameter is `?2`).
fn key_filter(key: &TitleKey) -> String {
    match key {
        TitleKey::Source(_) => "t.plugin_id = ?2".to_owned(),
        TitleKey::Trackers(_) => format!("{} IS NOT NULL", key_id(key)),
    }
}

/// Title `t`'s id under `key` (its parameter is `?2`).
fn key_id(key: &TitleKey) -> &'static str {
    match key {
        TitleKey::Source(_) => "t.source_id",
        TitleKey::Trackers(_) => {
            "(SELECT x.external_id FROM title_external_ids x WHERE x.title_id = t.id \
              AND instr(?2, ',' || x.tracker || ',') > 0 \
              ORDER BY instr(?2, ',' || x.tracker || ',') LIMIT 1)"
        }
    }
}

fn account_from_row(row: &Row<'_>) -> rusqlite::Result<AccountRecord> {
    let state: String = row.get(6)?;
    Ok(AccountRecord {
        id: AccountId(row.get(0)?),
        profile_id: ProfileId(row.get(1)?),
        plugin_id: row.get(2)?,
        credential_key: row.get(3)?,
        user_id: row.get(4)?,
        user_name: row.get(5)?,
        // The column's CHECK allows only known states.
        state: AccountState::from_code(&state).unwrap_or(AccountState::NeedsSignIn),
        created_at: row.get(7)?,
        last_sync_at: row.get(8)?,
        last_error: row.get(9)?,
        retry_at: row.get(10)?,
        marks_pulled_at: row.get(11)?,
    })
}

/// A mark closer than this to the agreed one is the same mark (players report positions often).
const SAME_POSITION_MS: i64 = 1_000;

impl Database {
    /// Records a signed-in account for (`profile`, `plugin_id`), replacing an earlier one. A
    /// different user than before starts from nothing agreed: another person's lists are no base.
    pub fn connect_account(
        &mut self,
        profile: ProfileId,
        plugin_id: &str,
        credential_key: &str,
        who: &TrackerAccount,
        state: AccountState,
        now: UnixMillis,
    ) -> Result<AccountRecord> {
        let transaction = self.connection.transaction()?;
        let earlier = account_by(&transaction, profile, plugin_id)?;
        if let Some(earlier) = &earlier
            && earlier.user_id != who.user_id
        {
            transaction.execute("DELETE FROM accounts WHERE id = ?1", [earlier.id.0])?;
        }
        transaction.execute(
            "INSERT INTO accounts (profile_id, plugin_id, credential_key, user_id, user_name, state, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
             ON CONFLICT (profile_id, plugin_id) DO UPDATE SET credential_key = excluded.credential_key, \
                 user_name = excluded.user_name, state = excluded.state, last_error = NULL, retry_at = NULL",
            params![profile.0, plugin_id, credential_key, who.user_id, who.user_name, state.code(), now],
        )?;
        let account = account_by(&transaction, profile, plugin_id)?
            .ok_or_else(|| Error::NotFound { what: "account", id: plugin_id.to_owned() })?;
        transaction.commit()?;
        Ok(account)
    }

    /// `profile`'s account at `plugin_id`.
    pub fn account(&self, profile: ProfileId, plugin_id: &str) -> Result<Option<AccountRecord>> {
        account_by(&self.connection, profile, plugin_id)
    }

    /// Every account of `profile`, or of every profile, by profile then plugin.
    pub fn accounts(&self, profile: Option<ProfileId>) -> Result<Vec<AccountRecord>> {
        let mut statement = self.connection.prepare_cached(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE ?1 IS NULL OR profile_id = ?1 \
             ORDER BY profile_id, plugin_id"
        ))?;
        let accounts = statement
            .query_map([profile.map(|profile| profile.0)], account_from_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(accounts)
    }

    pub fn set_account_state(&mut self, account: AccountId, state: AccountState) -> Result<()> {
        let changed = self.connection.execute(
            "UPDATE accounts SET state = ?2 WHERE id = ?1",
            params![account.0, state.code()],
        )?;
        if changed == 0 {
            return Err(Error::NotFound { what: "account", id: account.0.to_string() });
        }
        Ok(())
    }

    /// A sync that went through (`error` none) or stopped on `error`, to be tried again at
    /// `retry_at`.
    pub fn record_account_sync(
        &mut self,
        account: AccountId,
        now: UnixMillis,
        error: Option<&str>,
        retry_at: Option<UnixMillis>,
    ) -> Result<()> {
        self.connection.execute(
            "UPDATE accounts SET last_sync_at = CASE WHEN ?3 IS NULL THEN ?2 ELSE last_sync_at END, \
                 last_error = ?3, retry_at = ?4 WHERE id = ?1",
            params![account.0, now, error, retry_at],
        )?;
        Ok(())
    }

    /// Forgets an account with what it agreed on and what it had queued; the profile's own
    /// history stays.
    pub fn remove_account(&mut self, account: AccountId) -> Result<()> {
        self.connection.execute("DELETE FROM accounts WHERE id = ?1", [account.0])?;
        Ok(())
    }

    /// Whether `profile` keeps everything off its accounts (it still receives).
    pub fn profile_private(&self, profile: ProfileId) -> Result<bool> {
        Ok(self.connection.query_row(
            "SELECT private FROM profiles WHERE id = ?1",
            [profile.0],
            |row| row.get(0),
        )?)
    }

    pub fn set_profile_private(&mut self, profile: ProfileId, private: bool) -> Result<()> {
        let changed = self.connection.execute(
            "UPDATE profiles SET private = ?2 WHERE id = ?1",
            params![profile.0, private],
        )?;
        if changed == 0 {
            return Err(Error::NotFound { what: "profile", id: profile.0.to_string() });
        }
        Ok(())
    }

    /// The titles `profile` keeps off its accounts.
    pub fn unsynced_titles(&self, profile: ProfileId) -> Result<HashSet<TitleId>> {
        let mut statement = self
            .connection
            .prepare_cached("SELECT title_id FROM unsynced_titles WHERE profile_id = ?1")?;
        let titles = statement
            .query_map([profile.0], |row| Ok(TitleId(row.get(0)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(titles)
    }

    /// Keeps `title` off `profile`'s accounts (`synced` false), or lets it sync again. (Changes
    /// already waiting for it are dropped by the next merge: they were made to be kept.)
    pub fn set_title_synced(
        &mut self,
        profile: ProfileId,
        title: TitleId,
        synced: bool,
        now: UnixMillis,
    ) -> Result<()> {
        if synced {
            self.connection.execute(
                "DELETE FROM unsynced_titles WHERE profile_id = ?1 AND title_id = ?2",
                params![profile.0, title.0],
            )?;
        } else {
            self.connection.execute(
                "INSERT OR IGNORE INTO unsynced_titles (profile_id, title_id, since) VALUES (?1, ?2, ?3)",
                params![profile.0, title.0, now],
            )?;
        }
        Ok(())
    }

    /// Whether `profile` has anything an account could receive: a list, a favorite, a rating or
    /// a watched or started episode of a title `key` names.
    pub fn has_history(&self, profile: ProfileId, key: &TitleKey) -> Result<bool> {
        let named = format!("{} AND {SYNCED}", key_filter(key));
        let sql = format!(
            "SELECT EXISTS (SELECT 1 FROM profile_titles p JOIN titles t ON t.id = p.title_id \
                 WHERE p.profile_id = ?1 AND {named} AND (p.status IS NOT NULL OR p.favorite = 1)) \
             OR EXISTS (SELECT 1 FROM ratings r JOIN titles t ON t.id = r.title_id \
                 WHERE r.profile_id = ?1 AND {named}) \
             OR EXISTS (SELECT 1 FROM watch_state w JOIN episodes e ON e.id = w.episode_id \
                 JOIN titles t ON t.id = e.title_id \
                 WHERE w.profile_id = ?1 AND {named} AND (w.watched = 1 OR w.position_ms > 0))"
        );
        Ok(self.connection.query_row(&sql, params![profile.0, key_param(key)], |row| row.get(0))?)
    }

    /// How many titles `profile` has history on (a list, a favorite, a rating, a watched
    /// episode) that `key` does not name: a tracker matching by ids never hears of them. Titles
    /// the profile keeps off its accounts are not counted.
    pub fn titles_left_out(&self, profile: ProfileId, key: &TitleKey) -> Result<u32> {
        let named = key_filter(key);
        let sql = format!(
            "SELECT count(*) FROM titles t WHERE NOT ({named}) AND {SYNCED} \
             AND (EXISTS (SELECT 1 FROM profile_titles p WHERE p.profile_id = ?1 \
                     AND p.title_id = t.id AND (p.status IS NOT NULL OR p.favorite = 1)) \
                 OR EXISTS (SELECT 1 FROM ratings r WHERE r.profile_id = ?1 AND r.title_id = t.id) \
                 OR {WATCHED_AN_EPISODE})"
        );
        Ok(self.connection.query_row(&sql, params![profile.0, key_param(key)], |row| row.get(0))?)
    }

    /// `profile`'s marks on the titles `key` names (with their ids under it), for every title it
    /// marked and every title `account` has agreed on. Two titles with one id (two sources of
    /// the same anime at a tracker) are one: the one changed last.
    pub fn tracked_titles(
        &self,
        account: AccountId,
        profile: ProfileId,
        key: &TitleKey,
    ) -> Result<Vec<TrackedTitle>> {
        let (id, named) = (key_id(key), key_filter(key));
        let sql = format!(
            "SELECT t.id, {id}, p.status, coalesce(p.favorite, 0), r.score, \
                 (SELECT CAST(max(e.number) AS INTEGER) FROM episodes e CROSS JOIN watch_state w \
                     ON w.episode_id = e.id AND w.profile_id = ?1 \
                  WHERE e.title_id = t.id AND w.watched = 1 AND e.number >= 1), \
                 max(coalesce(p.marked_at, 0), coalesce(r.rated_at, 0)) \
             FROM titles t \
             LEFT JOIN profile_titles p ON p.profile_id = ?1 AND p.title_id = t.id \
             LEFT JOIN ratings r ON r.profile_id = ?1 AND r.title_id = t.id \
             WHERE {named} AND (p.status IS NOT NULL OR p.favorite = 1 OR r.score IS NOT NULL \
                 OR EXISTS (SELECT 1 FROM account_titles a WHERE a.account_id = ?3 AND a.title_id = t.id) \
                 OR {WATCHED_AN_EPISODE})"
        );
        let mut statement = self.connection.prepare_cached(&sql)?;
        let rows = statement.query_map(params![profile.0, key_param(key), account.0], |row| {
            let status: Option<String> = row.get(2)?;
            Ok(TrackedTitle {
                title_id: TitleId(row.get(0)?),
                external_id: row.get(1)?,
                status: status.as_deref().and_then(ListStatus::from_code),
                favorite: row.get(3)?,
                score: row.get(4)?,
                progress: row.get(5)?,
                changed_at: row.get(6)?,
            })
        })?;
        let titles: Vec<TrackedTitle> = rows.collect::<rusqlite::Result<_>>()?;
        if matches!(key, TitleKey::Source(_)) {
            return Ok(titles);
        }
        let mut by_id: HashMap<String, TrackedTitle> = HashMap::new();
        for title in titles {
            match by_id.get(&title.external_id) {
                Some(kept)
                    if (kept.changed_at, kept.title_id.0)
                        >= (title.changed_at, title.title_id.0) => {}
                _ => {
                    by_id.insert(title.external_id.clone(), title);
                }
            }
        }
        let mut titles: Vec<TrackedTitle> = by_id.into_values().collect();
        titles.sort_by_key(|title| title.title_id.0);
        Ok(titles)
    }

    /// What `account` and the library last agreed on, per title.
    pub fn agreed_titles(&self, account: AccountId) -> Result<Vec<AgreedTitle>> {
        let mut statement = self.connection.prepare_cached(
            "SELECT external_id, title_id, status, progress, score, favorite, remote_id \
             FROM account_titles WHERE account_id = ?1",
        )?;
        let rows = statement.query_map([account.0], |row| {
            let status: Option<String> = row.get(2)?;
            Ok(AgreedTitle {
                external_id: row.get(0)?,
                title_id: row.get::<_, Option<i64>>(1)?.map(TitleId),
                status: status.as_deref().and_then(RemoteStatus::from_code),
                progress: row.get(3)?,
                score: row.get(4)?,
                favorite: row.get(5)?,
                remote_id: row.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The library's titles `key` names among `ids` (for tracker ids, the first title that
    /// carries one, by the key's order).
    pub fn titles_by_key(
        &self,
        key: &TitleKey,
        ids: &[String],
    ) -> Result<HashMap<String, TitleId>> {
        let sql = match key {
            TitleKey::Source(_) => "SELECT id FROM titles WHERE plugin_id = ?1 AND source_id = ?2",
            TitleKey::Trackers(_) => {
                "SELECT title_id FROM title_external_ids \
                 WHERE instr(?1, ',' || tracker || ',') > 0 AND external_id = ?2 \
                 ORDER BY instr(?1, ',' || tracker || ','), title_id LIMIT 1"
            }
        };
        let mut statement = self.connection.prepare_cached(sql)?;
        let param = key_param(key);
        let mut found = HashMap::new();
        for id in ids {
            if let Some(title) =
                statement.query_row(params![param, id], |row| row.get(0).map(TitleId)).optional()?
            {
                found.insert(id.clone(), title);
            }
        }
        Ok(found)
    }

    /// MyAnimeList ids of library titles without an id under `key`'s trackers, at most `limit`,
    /// `profile`'s own titles (a list, a rating, a watched episode) first: what a tracker with
    /// its own ids (AniList) resolves before a sync.
    pub fn unresolved_mal_ids(
        &self,
        profile: ProfileId,
        key: &TitleKey,
        limit: usize,
    ) -> Result<Vec<String>> {
        let mut statement = self.connection.prepare_cached(
            "SELECT m.external_id FROM title_external_ids m \
             WHERE m.tracker = 'myanimelist' AND NOT EXISTS (SELECT 1 FROM title_external_ids x \
                 WHERE x.title_id = m.title_id AND instr(?2, ',' || x.tracker || ',') > 0) \
             GROUP BY m.external_id \
             ORDER BY max(EXISTS (SELECT 1 FROM profile_titles p WHERE p.profile_id = ?1 \
                     AND p.title_id = m.title_id) \
                 OR EXISTS (SELECT 1 FROM ratings r WHERE r.profile_id = ?1 AND r.title_id = m.title_id) \
                 OR EXISTS (SELECT 1 FROM episodes e JOIN watch_state w ON w.episode_id = e.id \
                     AND w.profile_id = ?1 WHERE e.title_id = m.title_id AND w.watched = 1)) DESC, \
                 m.external_id \
             LIMIT ?3",
        )?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = statement
            .query_map(params![profile.0, key_param(key), limit], |row| row.get::<_, String>(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Gives every title with MyAnimeList id `mal` its id at `tracker`, for each pair.
    pub fn add_resolved_ids(
        &mut self,
        tracker: getanime_domain::Tracker,
        pairs: &[(String, String)],
    ) -> Result<()> {
        let transaction = self.connection.transaction()?;
        {
            let mut insert = transaction.prepare_cached(
                "INSERT OR IGNORE INTO title_external_ids (title_id, tracker, external_id) \
                 SELECT title_id, ?1, ?2 FROM title_external_ids \
                 WHERE tracker = 'myanimelist' AND external_id = ?3",
            )?;
            for (mal, id) in pairs {
                insert.execute(params![tracker.as_str(), id, mal])?;
            }
        }
        transaction.commit()?;
        Ok(())
    }

    /// One merge's result in one transaction: `profile`'s marks changed as the account says,
    /// the agreed state, the changes to send queued (a later change replaces an earlier one of
    /// the same title) and the ones no longer needed (`unqueue`: undone since) taken out.
    /// Returns how many titles' marks really changed (episodes the account counts as watched
    /// that the library does not have yet change nothing).
    #[allow(clippy::too_many_arguments)]
    pub fn apply_account_merge(
        &mut self,
        account: AccountId,
        profile: ProfileId,
        local: &[LocalChange],
        agreed: &[AgreedTitle],
        queue: &[TrackerChange],
        unqueue: &[String],
        now: UnixMillis,
    ) -> Result<usize> {
        let transaction = self.connection.transaction()?;
        let mut changed = 0;
        for change in local {
            changed += usize::from(apply_local_change(&transaction, profile, change, now)?);
        }
        for title in agreed {
            write_agreed(&transaction, account, title, now)?;
        }
        for change in queue {
            let json = serde_json::to_string(change)
                .map_err(|error| Error::Conflict(format!("an account change: {error}")))?;
            transaction.execute(
                "INSERT INTO account_outbox (account_id, external_id, change, queued_at, next_attempt_at) \
                 VALUES (?1, ?2, ?3, ?4, ?4) \
                 ON CONFLICT (account_id, external_id) DO UPDATE SET change = excluded.change, \
                     queued_at = excluded.queued_at, attempts = 0, next_attempt_at = excluded.next_attempt_at",
                params![account.0, change.external_id, json, now],
            )?;
        }
        for external_id in unqueue {
            transaction.execute(
                "DELETE FROM account_outbox WHERE account_id = ?1 AND external_id = ?2",
                params![account.0, external_id],
            )?;
        }
        transaction.commit()?;
        Ok(changed)
    }

    /// Changes waiting to be sent to `account`, oldest first.
    pub fn queued_changes(&self, account: AccountId) -> Result<Vec<QueuedChange>> {
        let mut statement = self.connection.prepare_cached(
            "SELECT change, queued_at, attempts, last_error FROM account_outbox \
             WHERE account_id = ?1 ORDER BY queued_at, external_id",
        )?;
        let rows = statement.query_map([account.0], |row| {
            Ok((row.get::<_, String>(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })?;
        let mut queued = Vec::new();
        for row in rows {
            let (json, queued_at, attempts, last_error) = row?;
            let change = serde_json::from_str(&json)
                .map_err(|error| Error::Conflict(format!("a queued account change: {error}")))?;
            queued.push(QueuedChange { change, queued_at, attempts, last_error });
        }
        Ok(queued)
    }

    /// How many changes wait for `account`.
    pub fn queued_change_count(&self, account: AccountId) -> Result<u32> {
        Ok(self.connection.query_row(
            "SELECT count(*) FROM account_outbox WHERE account_id = ?1",
            [account.0],
            |row| row.get(0),
        )?)
    }

    /// A queued change went through: it leaves the outbox (unless a newer one replaced it
    /// meanwhile) and `agreed` becomes the merge base.
    pub fn change_sent(
        &mut self,
        account: AccountId,
        queued_at: UnixMillis,
        agreed: &AgreedTitle,
        now: UnixMillis,
    ) -> Result<()> {
        let transaction = self.connection.transaction()?;
        transaction.execute(
            "DELETE FROM account_outbox WHERE account_id = ?1 AND external_id = ?2 AND queued_at = ?3",
            params![account.0, agreed.external_id, queued_at],
        )?;
        write_agreed(&transaction, account, agreed, now)?;
        transaction.commit()?;
        Ok(())
    }

    /// A queued change failed: it stays, with why, to be tried again at `next_attempt_at`.
    pub fn change_failed(
        &mut self,
        account: AccountId,
        external_id: &str,
        error: &str,
        next_attempt_at: UnixMillis,
    ) -> Result<()> {
        self.connection.execute(
            "UPDATE account_outbox SET attempts = attempts + 1, last_error = ?3, next_attempt_at = ?4 \
             WHERE account_id = ?1 AND external_id = ?2",
            params![account.0, external_id, error, next_attempt_at],
        )?;
        Ok(())
    }

    /// `profile`'s marks on episodes of `source` that differ from what `account` agreed on.
    pub fn marks_to_send(
        &self,
        account: AccountId,
        profile: ProfileId,
        source: &str,
    ) -> Result<Vec<LocalMark>> {
        let mut statement = self.connection.prepare_cached(&format!(
            "SELECT e.id, e.source_id, w.position_ms, w.watched FROM watch_state w \
             JOIN episodes e ON e.id = w.episode_id JOIN titles t ON t.id = e.title_id \
             LEFT JOIN account_marks a ON a.account_id = ?3 AND a.episode_id = e.id \
             WHERE w.profile_id = ?1 AND t.plugin_id = ?2 AND e.source_id IS NOT NULL AND {SYNCED} \
               AND CASE WHEN a.episode_id IS NULL THEN w.watched = 1 OR w.position_ms > 0 \
                   ELSE a.watched != w.watched OR abs(a.position_ms - w.position_ms) >= ?4 END \
             ORDER BY e.id"
        ))?;
        let rows = statement.query_map(
            params![profile.0, source, account.0, SAME_POSITION_MS],
            |row| {
                Ok(LocalMark {
                    episode_id: EpisodeId(row.get(0)?),
                    source_episode_id: row.get(1)?,
                    position_ms: u32::try_from(row.get::<_, i64>(2)?).unwrap_or(u32::MAX),
                    watched: row.get(3)?,
                })
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// `marks` reached `account`: they are what both sides agree on now.
    pub fn marks_sent(&mut self, account: AccountId, marks: &[LocalMark]) -> Result<()> {
        let transaction = self.connection.transaction()?;
        for mark in marks {
            write_agreed_mark(
                &transaction,
                account,
                mark.episode_id,
                mark.position_ms,
                mark.watched,
            )?;
        }
        transaction.commit()?;
        Ok(())
    }

    /// Takes `account`'s marks into `profile`'s history in one transaction. A mark replaces the
    /// local one unless that changed since both sides last agreed; a watched episode stays
    /// watched; a position past the episode's end is dropped to the end. `pulled_at` is kept as
    /// the time the next pull asks from.
    pub fn apply_account_marks(
        &mut self,
        account: AccountId,
        profile: ProfileId,
        source: &str,
        marks: &[EpisodeMark],
        pulled_at: UnixMillis,
        now: UnixMillis,
    ) -> Result<MarksApplied> {
        let transaction = self.connection.transaction()?;
        let mut applied = MarksApplied::default();
        {
            let mut find = transaction.prepare_cached(&format!(
                "SELECT e.id, e.title_id, e.duration_ms, w.position_ms, w.watched, a.position_ms, \
                     a.watched, {SYNCED} \
                 FROM episodes e JOIN titles t ON t.id = e.title_id \
                 LEFT JOIN watch_state w ON w.episode_id = e.id AND w.profile_id = ?1 \
                 LEFT JOIN account_marks a ON a.episode_id = e.id AND a.account_id = ?4 \
                 WHERE e.source_id = ?3 AND t.plugin_id = ?2"
            ))?;
            for mark in marks {
                let found = find
                    .query_row(params![profile.0, source, mark.episode_id, account.0], |row| {
                        let synced: bool = row.get(7)?;
                        Ok(synced.then_some(EpisodeFacts {
                            id: EpisodeId(row.get(0)?),
                            title: TitleId(row.get(1)?),
                            duration_ms: row.get(2)?,
                            local: pair(row.get(3)?, row.get(4)?),
                            agreed: pair(row.get(5)?, row.get(6)?),
                        }))
                    })
                    .optional()?;
                let facts = match found {
                    Some(Some(facts)) => facts,
                    // Of a title kept off the accounts: neither taken nor counted.
                    Some(None) => continue,
                    None => {
                        applied.unknown += 1;
                        continue;
                    }
                };
                let remote_position = match facts.duration_ms {
                    Some(duration) => {
                        mark.position_ms.min(u32::try_from(duration).unwrap_or(u32::MAX))
                    }
                    None => mark.position_ms,
                };
                let local_changed = facts.local.is_some() && facts.local != facts.agreed;
                let (local_position, local_watched) = facts.local.unwrap_or((0, false));
                let watched = local_watched || mark.watched;
                // A watched episode has no resume point here (as when it is marked watched).
                let position = match (watched, local_changed) {
                    (true, _) => 0,
                    (false, true) => local_position,
                    (false, false) => remote_position,
                };
                if facts.local != Some((position, watched)) {
                    transaction.execute(
                        "INSERT INTO watch_state (profile_id, episode_id, position_ms, watched, updated_at) \
                         VALUES (?1, ?2, ?3, ?4, ?5) \
                         ON CONFLICT (profile_id, episode_id) DO UPDATE SET position_ms = excluded.position_ms, \
                             watched = excluded.watched, updated_at = excluded.updated_at",
                        params![profile.0, facts.id.0, position, watched, now],
                    )?;
                    applied.applied += 1;
                }
                if watched && !applied.watched_titles.contains(&facts.title) {
                    applied.watched_titles.push(facts.title);
                }
                if !local_changed {
                    write_agreed_mark(&transaction, account, facts.id, position, watched)?;
                }
            }
        }
        transaction.execute(
            "UPDATE accounts SET marks_pulled_at = ?2 WHERE id = ?1",
            params![account.0, pulled_at],
        )?;
        transaction.commit()?;
        Ok(applied)
    }

    /// What trackers count, whatever marked the episodes: a title with a watched episode and no
    /// list is in Watching, and a finished title whose last episode is watched is Completed.
    /// Returns the titles moved.
    pub fn settle_lists(
        &mut self,
        profile: ProfileId,
        titles: &[TitleId],
        now: UnixMillis,
    ) -> Result<Vec<(TitleId, ListStatus)>> {
        let transaction = self.connection.transaction()?;
        let mut moved = Vec::new();
        {
            let mut facts = transaction.prepare_cached(
                "SELECT t.status, t.episodes_total, \
                     (SELECT count(*) FROM episodes x WHERE x.title_id = t.id), \
                     (SELECT max(x.number) FROM episodes x WHERE x.title_id = t.id), \
                     (SELECT max(x.number) FROM episodes x CROSS JOIN watch_state w ON w.episode_id = x.id \
                         AND w.profile_id = ?2 WHERE x.title_id = t.id AND w.watched = 1) \
                 FROM titles t WHERE t.id = ?1",
            )?;
            for &title in titles {
                let Some((status, total, known, last, last_watched)) = facts
                    .query_row(params![title.0, profile.0], |row| {
                        Ok((
                            row.get::<_, Option<String>>(0)?,
                            row.get::<_, Option<u32>>(1)?,
                            row.get::<_, usize>(2)?,
                            row.get::<_, Option<f64>>(3)?,
                            row.get::<_, Option<f64>>(4)?,
                        ))
                    })
                    .optional()?
                else {
                    continue;
                };
                let Some(last_watched) = last_watched else { continue };
                let current = list_entry(&transaction, profile, title)?.status;
                let finished = getanime_domain::title_is_finished(status.as_deref(), total, known)
                    && last == Some(last_watched);
                let to = if finished && current != Some(ListStatus::Completed) {
                    Some(ListStatus::Completed)
                } else if current.is_none() {
                    Some(ListStatus::Watching)
                } else {
                    None
                };
                if let Some(to) = to {
                    write_status(&transaction, profile, title, Some(to), now)?;
                    moved.push((title, to));
                }
            }
        }
        transaction.commit()?;
        Ok(moved)
    }
}

struct EpisodeFacts {
    id: EpisodeId,
    title: TitleId,
    duration_ms: Option<i64>,
    local: Option<(u32, bool)>,
    agreed: Option<(u32, bool)>,
}

fn pair(position: Option<i64>, watched: Option<bool>) -> Option<(u32, bool)> {
    Some((u32::try_from(position?).unwrap_or(u32::MAX), watched?))
}

fn account_by(
    connection: &Connection,
    profile: ProfileId,
    plugin_id: &str,
) -> Result<Option<AccountRecord>> {
    Ok(connection
        .prepare_cached(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE profile_id = ?1 AND plugin_id = ?2"
        ))?
        .query_row(params![profile.0, plugin_id], account_from_row)
        .optional()?)
}

fn apply_local_change(
    connection: &Connection,
    profile: ProfileId,
    change: &LocalChange,
    now: UnixMillis,
) -> Result<bool> {
    let title = change.title_id;
    let marks_changed =
        change.status.is_some() || change.favorite.is_some() || change.score.is_some();
    let mut episodes_changed = 0;
    if let Some(status) = change.status {
        write_status(connection, profile, title, status, now)?;
    }
    if let Some(favorite) = change.favorite {
        upsert_marks(
            connection,
            profile,
            title,
            "favorite = ?3, marked_at = ?4",
            params![profile.0, title.0, favorite, now],
        )?;
    }
    if let Some(score) = change.score {
        connection.execute(
            "INSERT INTO ratings (profile_id, title_id, score, rated_at) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT (profile_id, title_id) DO UPDATE SET score = excluded.score, rated_at = excluded.rated_at",
            params![profile.0, title.0, score, now],
        )?;
    }
    if let Some(number) = change.watched_through {
        // Episodes already watched keep their time in the history.
        episodes_changed = connection.execute(
            "INSERT INTO watch_state (profile_id, episode_id, position_ms, watched, updated_at) \
             SELECT ?1, id, 0, 1, ?4 FROM episodes WHERE title_id = ?2 AND number <= ?3 \
             ON CONFLICT (profile_id, episode_id) DO UPDATE SET position_ms = 0, watched = 1, \
                 updated_at = excluded.updated_at WHERE watch_state.watched = 0",
            params![profile.0, title.0, number, now],
        )?;
    }
    Ok(marks_changed || episodes_changed > 0)
}

fn write_agreed(
    connection: &Connection,
    account: AccountId,
    title: &AgreedTitle,
    now: UnixMillis,
) -> Result<()> {
    connection.execute(
        "INSERT INTO account_titles (account_id, external_id, title_id, status, progress, score, favorite, remote_id, agreed_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) \
         ON CONFLICT (account_id, external_id) DO UPDATE SET title_id = excluded.title_id, status = excluded.status, \
             progress = excluded.progress, score = excluded.score, favorite = excluded.favorite, \
             remote_id = excluded.remote_id, agreed_at = excluded.agreed_at",
        params![
            account.0,
            title.external_id,
            title.title_id.map(|id| id.0),
            title.status.map(RemoteStatus::code),
            title.progress,
            title.score,
            title.favorite,
            title.remote_id,
            now
        ],
    )?;
    Ok(())
}

fn write_agreed_mark(
    connection: &Connection,
    account: AccountId,
    episode: EpisodeId,
    position_ms: u32,
    watched: bool,
) -> Result<()> {
    connection.execute(
        "INSERT INTO account_marks (account_id, episode_id, position_ms, watched) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (account_id, episode_id) DO UPDATE SET position_ms = excluded.position_ms, \
             watched = excluded.watched",
        params![account.0, episode.0, position_ms, watched],
    )?;
    Ok(())
}
