//! Watch progress, history and ratings of a profile.

use getanime_domain::{
    ContinueItem, EpisodeEntry, EpisodeId, HistoryItem, ProfileId, Rating, TitleCard, TitleId,
    UnixMillis, WatchState,
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
    /// Adds a viewer profile.
    pub fn create_profile(&mut self, name: &str, now: UnixMillis) -> Result<ProfileId> {
        let id: i64 = self.connection.query_row(
            "INSERT INTO profiles (name, created_at) VALUES (?1, ?2) RETURNING id",
            params![name, now],
            |row| row.get(0),
        )?;
        Ok(ProfileId(id))
    }

    /// Every profile, oldest first.
    pub fn profiles(&self) -> Result<Vec<(ProfileId, String)>> {
        let mut statement =
            self.connection.prepare_cached("SELECT id, name FROM profiles ORDER BY id")?;
        let profiles = statement
            .query_map([], |row| Ok((ProfileId(row.get(0)?), row.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(profiles)
    }
}
