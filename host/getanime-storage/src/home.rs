//! The home rows that are a profile's own: new episodes of the titles it follows, the titles it
//! abandoned, and what comes next in the franchise of a title it completed.

use std::collections::{HashMap, HashSet};

use getanime_domain::{FranchiseNext, ListCard, NewEpisode, ProfileId, TitleId, UnixMillis};
use rusqlite::{OptionalExtension, params};

use crate::catalog::{CARD_COLUMNS, card_from_row};
use crate::lists::NEXT_EPISODE;
use crate::{Database, Result};

/// A started title untouched this long, neither completed nor dropped, is abandoned.
pub const ABANDONED_AFTER_MS: UnixMillis = 30 * 24 * 60 * 60 * 1000;

impl Database {
    /// The titles `profile` follows (Watching, Planned or a favorite here, or on a list of one of
    /// its accounts) with an episode above the highest it watched that a sync first saw after
    /// the profile last watched the title (or, never watched, began following it): the newest
    /// such episode of each, the most recently seen first.
    pub fn new_episodes(&self, profile: ProfileId, limit: u32) -> Result<Vec<NewEpisode>> {
        // Each followed title weighs one row: when a sync last brought an episode of it (kept on
        // the title) against how far the profile got (from its marks). The titles with one
        // since the last watch are the candidates, the most recently seen first; their newest
        // new episode is then read for as many as the row shows.
        let mut candidates = self.connection.prepare_cached(
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
             progress AS MATERIALIZED ( \
                 SELECT e.title_id, max(CASE WHEN w.watched = 1 THEN e.number END) AS through, \
                     max(w.updated_at) AS last_watched \
                 FROM watch_state w JOIN episodes e ON e.id = w.episode_id \
                 WHERE w.profile_id = ?1 GROUP BY e.title_id) \
             SELECT f.title_id, coalesce(g.through, 0), \
                 coalesce(g.last_watched, f.since) AS since, t.episodes_seen_at AS seen \
             FROM followed f JOIN titles t ON t.id = f.title_id \
             LEFT JOIN progress g ON g.title_id = f.title_id \
             WHERE t.episodes_seen_at > coalesce(g.last_watched, f.since) \
             ORDER BY seen DESC, f.title_id",
        )?;
        let mut newest = self.connection.prepare_cached(&format!(
            "SELECT {CARD_COLUMNS}, max(e.number), max(e.first_seen_at), \
                 EXISTS (SELECT 1 FROM profile_titles p WHERE p.profile_id = ?1 \
                     AND p.title_id = t.id AND p.favorite = 1) \
             FROM titles t JOIN episodes e ON e.title_id = t.id \
             WHERE t.id = ?2 AND e.number > ?3 AND e.first_seen_at > ?4 GROUP BY t.id"
        ))?;
        let mut rows = candidates.query(params![profile.0])?;
        let mut news = Vec::new();
        while news.len() < limit as usize {
            let Some(row) = rows.next()? else { break };
            let (title, through, since): (i64, f64, UnixMillis) =
                (row.get(0)?, row.get(1)?, row.get(2)?);
            let found = newest
                .query_row(params![profile.0, title, through, since], |row| {
                    Ok(NewEpisode {
                        card: card_from_row(row)?,
                        number: row.get(10)?,
                        first_seen_at: row.get(11)?,
                        favorite: row.get(12)?,
                    })
                })
                .optional()?;
            news.extend(found);
        }
        news.sort_by(|a: &NewEpisode, b| {
            b.first_seen_at.cmp(&a.first_seen_at).then(a.card.id.0.cmp(&b.card.id.0))
        });
        Ok(news)
    }

    /// Titles `profile` started (an episode watched or begun) and has not touched since
    /// [`ABANDONED_AFTER_MS`] before `now`, neither completed nor dropped and with an episode
    /// left to watch: the most recently left first, each with the episode to watch next.
    pub fn abandoned_titles(
        &self,
        profile: ProfileId,
        now: UnixMillis,
        limit: u32,
    ) -> Result<Vec<ListCard>> {
        // An episode is left when fewer are watched than there are (counted on the episodes'
        // index); the next episode is worked out only for the rows shown.
        let sql = format!(
            "WITH touched AS ( \
                 SELECT e.title_id, max(w.updated_at) AS last_watched, sum(w.watched) AS watched \
                 FROM watch_state w JOIN episodes e ON e.id = w.episode_id \
                 WHERE w.profile_id = ?1 AND (w.watched = 1 OR w.position_ms > 0) \
                 GROUP BY e.title_id), \
             left_off AS ( \
                 SELECT g.title_id, g.last_watched FROM touched g \
                 LEFT JOIN profile_titles p ON p.profile_id = ?1 AND p.title_id = g.title_id \
                 WHERE g.last_watched < ?2 \
                   AND coalesce(p.status, '') NOT IN ('completed', 'dropped') \
                   AND g.watched < (SELECT count(*) FROM episodes c WHERE c.title_id = g.title_id) \
                 ORDER BY g.last_watched DESC, g.title_id DESC LIMIT ?3) \
             SELECT {CARD_COLUMNS}, {NEXT_EPISODE} FROM left_off l JOIN titles t ON t.id = l.title_id \
             ORDER BY l.last_watched DESC, t.id DESC"
        );
        let mut statement = self.connection.prepare_cached(&sql)?;
        let rows = statement
            .query_map(params![profile.0, now - ABANDONED_AFTER_MS, limit], |row| {
                Ok(ListCard { card: card_from_row(row)?, next_episode: row.get(10)? })
            })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// For each title `profile` completed (the most recently first), the title of its franchise
    /// that comes next and that it has not begun: the lowest place in the franchise's order
    /// above the completed title's own, among the library's titles the profile has neither
    /// listed nor watched. The source states the places of a title's other titles, not its own:
    /// its own is the place its list leaves free (a franchise numbers its titles 1, 2, 3…).
    pub fn next_in_franchise(&self, profile: ProfileId, limit: u32) -> Result<Vec<FranchiseNext>> {
        let mut statement = self.connection.prepare_cached(
            "SELECT d.id, d.name, r.franchise_order, t.id, \
                 t.id IS NOT NULL \
                 AND NOT EXISTS (SELECT 1 FROM profile_titles q WHERE q.profile_id = ?1 \
                     AND q.title_id = t.id AND q.status IS NOT NULL) \
                 AND NOT EXISTS (SELECT 1 FROM episodes e CROSS JOIN watch_state w \
                     ON w.episode_id = e.id AND w.profile_id = ?1 WHERE e.title_id = t.id) \
             FROM profile_titles p JOIN titles d ON d.id = p.title_id \
             JOIN title_related r ON r.title_id = d.id \
             LEFT JOIN titles t ON t.plugin_id = d.plugin_id AND t.source_id = r.source_id \
             WHERE p.profile_id = ?1 AND p.status = 'completed' \
             ORDER BY p.marked_at DESC, d.id, r.position",
        )?;
        struct Related {
            completed: TitleId,
            completed_name: String,
            order: Option<u32>,
            title: Option<TitleId>,
            fresh: bool,
        }
        let related: Vec<Related> = statement
            .query_map(params![profile.0], |row| {
                Ok(Related {
                    completed: TitleId(row.get(0)?),
                    completed_name: row.get(1)?,
                    order: row.get(2)?,
                    title: row.get::<_, Option<i64>>(3)?.map(TitleId),
                    fresh: row.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut picked: Vec<(TitleId, String)> = Vec::new();
        let mut seen = HashSet::new();
        for franchise in related.chunk_by(|a, b| a.completed == b.completed) {
            // Its own place: the lowest the other titles leave free (unknown if any lacks one).
            let Some(places) =
                franchise.iter().map(|item| item.order).collect::<Option<HashSet<u32>>>()
            else {
                continue;
            };
            let own = (1..).find(|place| !places.contains(place)).unwrap_or(1);
            let next = franchise
                .iter()
                .filter(|item| item.fresh && item.order.is_some_and(|order| order > own))
                .min_by_key(|item| item.order)
                .and_then(|item| item.title);
            if let Some(title) = next.filter(|title| seen.insert(*title)) {
                picked.push((title, franchise[0].completed_name.clone()));
            }
            if picked.len() >= limit as usize {
                break;
            }
        }
        let ids: Vec<TitleId> = picked.iter().map(|(title, _)| *title).collect();
        let mut cards: HashMap<TitleId, _> =
            self.cards_by_ids(&ids)?.into_iter().map(|card| (card.id, card)).collect();
        Ok(picked
            .into_iter()
            .filter_map(|(title, after)| Some(FranchiseNext { card: cards.remove(&title)?, after }))
            .collect())
    }
}
