//! Watch progress, history and ratings of a profile, and the profiles themselves.

use getanime_domain::{
    ContinueItem, EpisodeEntry, EpisodeId, HistoryItem, Profile, ProfileId, Rating, TitleCard,
    TitleId, UnixMillis, WatchState,
};
use rusqlite::{OptionalExtension, params};

use crate::catalog::{CARD_COLUMNS, card_from_row};
use crate::{Database, Error, Result};

/// Reads `position_ms, duration_ms, watched, updated_at` starting at column `first`.
pub(crate) fn watch_from_row(
    row: &rusqlite::Row<'_>,
    first: usize,
) -> rusqlite::Result<WatchState> {
    Ok(WatchState {
        position_ms: row.get(first)?,
        duration_ms: row.get(first + 1)?,
        watched: row.get(first + 2)?,
        updated_at: row.get(first + 3)?,
    })
}

impl Database {
    /// Records how far `profile` got in an episode; keeps the watched flag as it is.
    pub fn record_position(
        &mut self,
        profile: ProfileId,
        episode: EpisodeId,
        position_ms: u64,
        duration_ms: Option<u64>,
        now: UnixMillis,
    ) -> Result<()> {
        let changed = self.connection.execute(
            "INSERT INTO watch_state (profile_id, episode_id, position_ms, duration_ms, watched, updated_at) \
             SELECT ?1, ?2, ?3, ?4, 0, ?5 WHERE EXISTS (SELECT 1 FROM episodes WHERE id = ?2) \
             ON CONFLICT (profile_id, episode_id) DO UPDATE SET position_ms = excluded.position_ms, \
                 duration_ms = coalesce(excluded.duration_ms, watch_state.duration_ms), updated_at = excluded.updated_at",
            params![profile.0, episode.0, position_ms, duration_ms, now],
        )?;
        if changed == 0 {
            return Err(Error::NotFound { what: "episode", id: episode.0.to_string() });
        }
        Ok(())
    }

    /// Marks an episode watched (the resume point is cleared) or not watched.
    pub fn set_watched(
        &mut self,
        profile: ProfileId,
        episode: EpisodeId,
        watched: bool,
        now: UnixMillis,
    ) -> Result<()> {
        let changed = self.connection.execute(
            "INSERT INTO watch_state (profile_id, episode_id, position_ms, watched, updated_at) \
             SELECT ?1, ?2, 0, ?3, ?4 WHERE EXISTS (SELECT 1 FROM episodes WHERE id = ?2) \
             ON CONFLICT (profile_id, episode_id) DO UPDATE SET position_ms = 0, watched = excluded.watched, \
                 updated_at = excluded.updated_at",
            params![profile.0, episode.0, watched, now],
        )?;
        if changed == 0 {
            return Err(Error::NotFound { what: "episode", id: episode.0.to_string() });
        }
        Ok(())
    }

    /// `profile`'s progress in one episode.
    pub fn watch_state(
        &self,
        profile: ProfileId,
        episode: EpisodeId,
    ) -> Result<Option<WatchState>> {
        Ok(self
            .connection
            .query_row(
                "SELECT position_ms, duration_ms, watched, updated_at FROM watch_state \
                 WHERE profile_id = ?1 AND episode_id = ?2",
                params![profile.0, episode.0],
                |row| watch_from_row(row, 0),
            )
            .optional()?)
    }

    /// "Continue watching": per title, the most recently played unfinished episode; newest first.
    pub fn continue_watching(&self, profile: ProfileId, limit: u32) -> Result<Vec<ContinueItem>> {
        let sql = format!(
            "WITH latest AS ( \
                 SELECT e.title_id, w.episode_id, w.position_ms, w.duration_ms, w.watched, w.updated_at, \
                        e.number, row_number() OVER (PARTITION BY e.title_id ORDER BY w.updated_at DESC) AS rank \
                 FROM watch_state w JOIN episodes e ON e.id = w.episode_id \
                 WHERE w.profile_id = ?1 AND w.watched = 0 AND w.position_ms > 0) \
             SELECT {CARD_COLUMNS}, l.episode_id, l.number, l.position_ms, l.duration_ms, l.watched, l.updated_at \
             FROM latest l JOIN titles t ON t.id = l.title_id WHERE l.rank = 1 \
             AND NOT EXISTS (SELECT 1 FROM profile_titles p WHERE p.profile_id = ?1 \
                             AND p.title_id = l.title_id AND p.continue_hidden_at >= l.updated_at) \
             ORDER BY l.updated_at DESC LIMIT ?2"
        );
        let mut statement = self.connection.prepare_cached(&sql)?;
        let items = statement
            .query_map(params![profile.0, limit], |row| {
                Ok(ContinueItem {
                    card: card_from_row(row)?,
                    episode_id: EpisodeId(row.get(10)?),
                    episode_number: row.get(11)?,
                    watch: watch_from_row(row, 12)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(items)
    }

    /// Everything `profile` played or marked, newest first.
    pub fn history(&self, profile: ProfileId, limit: u32, offset: u32) -> Result<Vec<HistoryItem>> {
        let mut statement = self.connection.prepare_cached(
            "SELECT t.id, t.name, e.id, e.number, w.position_ms, w.duration_ms, w.watched, w.updated_at \
             FROM watch_state w JOIN episodes e ON e.id = w.episode_id JOIN titles t ON t.id = e.title_id \
             WHERE w.profile_id = ?1 ORDER BY w.updated_at DESC LIMIT ?2 OFFSET ?3",
        )?;
        let items = statement
            .query_map(params![profile.0, limit, offset], |row| {
                Ok(HistoryItem {
                    title_id: TitleId(row.get(0)?),
                    title_name: row.get(1)?,
                    episode_id: EpisodeId(row.get(2)?),
                    episode_number: row.get(3)?,
                    watch: watch_from_row(row, 4)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(items)
    }

    /// The episode to play next: the first unwatched one after the last watched one, else the
    /// first unwatched one at all. `None` when every episode is watched.
    pub fn next_unwatched(
        &self,
        profile: ProfileId,
        title: TitleId,
    ) -> Result<Option<EpisodeEntry>> {
        let episodes = self.episodes(title, profile)?;
        let is_watched = |entry: &EpisodeEntry| entry.watch.is_some_and(|watch| watch.watched);
        let last_watched = episodes.iter().rposition(is_watched);
        let after = last_watched.map_or(0, |index| index + 1);
        let next = episodes[after..]
            .iter()
            .find(|entry| !is_watched(entry))
            .or_else(|| episodes.iter().find(|entry| !is_watched(entry)))
            .cloned();
        Ok(next)
    }

    /// Sets `profile`'s score of a title.
    pub fn set_rating(
        &mut self,
        profile: ProfileId,
        title: TitleId,
        rating: Rating,
        now: UnixMillis,
    ) -> Result<()> {
        let changed = self.connection.execute(
            "INSERT INTO ratings (profile_id, title_id, score, rated_at) \
             SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM titles WHERE id = ?2) \
             ON CONFLICT (profile_id, title_id) DO UPDATE SET score = excluded.score, rated_at = excluded.rated_at",
            params![profile.0, title.0, rating.score(), now],
        )?;
        if changed == 0 {
            return Err(Error::NotFound { what: "title", id: title.0.to_string() });
        }
        Ok(())
    }

    /// Removes `profile`'s score of a title; true if there was one.
    pub fn clear_rating(&mut self, profile: ProfileId, title: TitleId) -> Result<bool> {
        let removed = self.connection.execute(
            "DELETE FROM ratings WHERE profile_id = ?1 AND title_id = ?2",
            params![profile.0, title.0],
        )?;
        Ok(removed > 0)
    }

    /// `profile`'s score of a title.
    pub fn rating(&self, profile: ProfileId, title: TitleId) -> Result<Option<Rating>> {
        let score: Option<i64> = self
            .connection
            .query_row(
                "SELECT score FROM ratings WHERE profile_id = ?1 AND title_id = ?2",
                params![profile.0, title.0],
                |row| row.get(0),
            )
            .optional()?;
        score
            .map(|score| Rating::new(score).map_err(|error| Error::Conflict(error.to_string())))
            .transpose()
    }

    /// Mean score of a title over all profiles, and how many rated it.
    pub fn average_rating(&self, title: TitleId) -> Result<Option<(f64, u32)>> {
        let (average, count): (Option<f64>, u32) = self.connection.query_row(
            "SELECT avg(score), count(*) FROM ratings WHERE title_id = ?1",
            [title.0],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        Ok(average.map(|average| (average, count)))
    }

    /// Titles `profile` rated, best first ("Favorites").
    pub fn rated_titles(&self, profile: ProfileId, limit: u32) -> Result<Vec<TitleCard>> {
        self.cards(
            &format!(
                "SELECT {CARD_COLUMNS} FROM ratings r JOIN titles t ON t.id = r.title_id \
                 WHERE r.profile_id = ?1 ORDER BY r.score DESC, r.rated_at DESC LIMIT ?2"
            ),
            params![profile.0, limit],
        )
    }
}

impl Database {
    /// Adds a viewer profile; names are unique.
    pub fn create_profile(&mut self, name: &str, now: UnixMillis) -> Result<ProfileId> {
        let name = profile_name(name)?;
        if self.profile_by_name(name)?.is_some() {
            return Err(Error::Conflict(format!("a profile named {name:?} already exists")));
        }
        let id: i64 = self.connection.query_row(
            "INSERT INTO profiles (name, created_at) VALUES (?1, ?2) RETURNING id",
            params![name, now],
            |row| row.get(0),
        )?;
        Ok(ProfileId(id))
    }

    /// Every profile, oldest first.
    pub fn profiles(&self) -> Result<Vec<Profile>> {
        let mut statement =
            self.connection.prepare_cached("SELECT id, name FROM profiles ORDER BY id")?;
        let profiles = statement
            .query_map([], |row| Ok(Profile { id: ProfileId(row.get(0)?), name: row.get(1)? }))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(profiles)
    }

    /// The profile called `name` (exactly).
    pub fn profile_by_name(&self, name: &str) -> Result<Option<Profile>> {
        Ok(self
            .connection
            .query_row("SELECT id, name FROM profiles WHERE name = ?1", [name], |row| {
                Ok(Profile { id: ProfileId(row.get(0)?), name: row.get(1)? })
            })
            .optional()?)
    }

    /// Renames a profile; names stay unique.
    pub fn rename_profile(&mut self, profile: ProfileId, name: &str) -> Result<()> {
        let name = profile_name(name)?;
        if self.profile_by_name(name)?.is_some_and(|other| other.id != profile) {
            return Err(Error::Conflict(format!("a profile named {name:?} already exists")));
        }
        let changed = self
            .connection
            .execute("UPDATE profiles SET name = ?2 WHERE id = ?1", params![profile.0, name])?;
        if changed == 0 {
            return Err(Error::NotFound { what: "profile", id: profile.0.to_string() });
        }
        Ok(())
    }

    /// Removes a profile with its own history, ratings, lists and preferences (the catalog and
    /// the other profiles are untouched). The last profile cannot be removed.
    pub fn remove_profile(&mut self, profile: ProfileId) -> Result<()> {
        let transaction = self.connection.transaction()?;
        let count: i64 =
            transaction.query_row("SELECT count(*) FROM profiles", [], |row| row.get(0))?;
        let removed = transaction.execute("DELETE FROM profiles WHERE id = ?1", [profile.0])?;
        if removed == 0 {
            return Err(Error::NotFound { what: "profile", id: profile.0.to_string() });
        }
        if count <= 1 {
            return Err(Error::Conflict("the last profile cannot be removed".into()));
        }
        transaction.commit()?;
        Ok(())
    }

    /// A preference `profile` keeps for itself.
    pub fn profile_setting(&self, profile: ProfileId, key: &str) -> Result<Option<String>> {
        Ok(self
            .connection
            .query_row(
                "SELECT value FROM profile_settings WHERE profile_id = ?1 AND key = ?2",
                params![profile.0, key],
                |row| row.get(0),
            )
            .optional()?)
    }

    /// Sets a preference for `profile` only.
    pub fn set_profile_setting(
        &mut self,
        profile: ProfileId,
        key: &str,
        value: &str,
    ) -> Result<()> {
        let changed = self.connection.execute(
            "INSERT INTO profile_settings (profile_id, key, value) \
             SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM profiles WHERE id = ?1) \
             ON CONFLICT (profile_id, key) DO UPDATE SET value = excluded.value",
            params![profile.0, key, value],
        )?;
        if changed == 0 {
            return Err(Error::NotFound { what: "profile", id: profile.0.to_string() });
        }
        Ok(())
    }
}

/// A profile name as stored: trimmed, not empty, not absurdly long.
fn profile_name(name: &str) -> Result<&str> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::Conflict("a profile needs a name".into()));
    }
    if name.chars().count() > 40 {
        return Err(Error::Conflict("a profile name is at most 40 characters".into()));
    }
    Ok(name)
}
