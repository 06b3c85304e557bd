//! What is new for a profile: episodes of the titles it follows that came after it last watched
//! them.

use getanime_domain::{NewEpisode, ProfileId, TitleId};
use rusqlite::params;

use crate::{Database, Result};

impl Database {
    /// The titles `profile` follows (Watching, Planned or a favorite here, or on a list of one of
    /// its accounts) with an episode above the highest it watched that a sync first saw after
    /// the profile last watched the title (or, never watched, began following it): the newest
    /// such episode of each, the most recently seen first.
    pub fn new_episodes(&self, profile: ProfileId, limit: u32) -> Result<Vec<NewEpisode>> {
        let mut statement = self.connection.prepare_cached(
            "WITH followed AS ( \
                 SELECT title_id, min(since) AS since FROM ( \
                     SELECT p.title_id, p.marked_at AS since FROM profile_titles p \
                     WHERE p.profile_id = ?1 \
                       AND (p.status IN ('watching', 'planned') OR p.favorite = 1) \
                     UNION ALL \
                     SELECT a.title_id, a.agreed_at FROM account_titles a \
                     JOIN accounts c ON c.id = a.account_id \
                     WHERE c.profile_id = ?1 AND a.title_id IS NOT NULL \
                       AND a.status IN ('watching', 'planned', 'rewatching')) \
                 GROUP BY title_id), \
             progress AS ( \
                 SELECT e.title_id, max(CASE WHEN w.watched = 1 THEN e.number END) AS through, \
                     max(w.updated_at) AS last_watched \
                 FROM watch_state w JOIN episodes e ON e.id = w.episode_id \
                 WHERE w.profile_id = ?1 GROUP BY e.title_id) \
             SELECT f.title_id, max(e.number), max(e.first_seen_at) \
             FROM followed f JOIN episodes e ON e.title_id = f.title_id \
             LEFT JOIN progress g ON g.title_id = f.title_id \
             WHERE e.first_seen_at IS NOT NULL AND e.number > coalesce(g.through, 0) \
               AND e.first_seen_at > coalesce(g.last_watched, f.since) \
             GROUP BY f.title_id ORDER BY max(e.first_seen_at) DESC, f.title_id LIMIT ?2",
        )?;
        let rows = statement.query_map(params![profile.0, limit], |row| {
            Ok(NewEpisode {
                title: TitleId(row.get(0)?),
                number: row.get(1)?,
                first_seen_at: row.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
