//! Titles, episodes, streams, torrents, genres and the schedule.

use getanime_domain::{
    BrowseFacets, BrowseQuery, BrowseSort, Episode, EpisodeEntry, EpisodeId, ProfileId, Quality,
    ScheduleDay, SkipRange, Stream, Title, TitleCard, TitleDetails, TitleId, Torrent, UnixMillis,
};
use std::collections::HashMap;

use rusqlite::{OptionalExtension, Row, Transaction, params};

use crate::watch::watch_from_row;
use crate::{Database, Error, Result};

/// What sync compares to decide whether a title changed at the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncState {
    pub id: TitleId,
    pub source_updated_at: Option<UnixMillis>,
    pub details_fetched_at: Option<UnixMillis>,
}

/// The columns of a [`TitleCard`], in the order [`card_from_row`] reads them.
pub(crate) const CARD_COLUMNS: &str = "t.id, t.plugin_id, t.source_id, t.name, t.name_original, t.poster_url, t.kind, \
     t.year, t.episodes_total, t.source_updated_at";

pub(crate) fn card_from_row(row: &Row<'_>) -> rusqlite::Result<TitleCard> {
    Ok(TitleCard {
        id: TitleId(row.get(0)?),
        plugin_id: row.get(1)?,
        source_id: row.get(2)?,
        name: row.get(3)?,
        name_original: row.get(4)?,
        poster_url: row.get(5)?,
        kind: row.get(6)?,
        year: row.get(7)?,
        episodes_total: row.get(8)?,
        source_updated_at: row.get(9)?,
    })
}

/// Lower-cased, `ё`→`е` folded text for case-insensitive search in any script. SQLite's own
/// `lower()`/`LIKE` only fold ASCII, so both the stored text and the query are folded here.
pub(crate) fn fold_for_search(text: &str) -> String {
    text.to_lowercase().replace('ё', "е")
}

/// A `LIKE ... ESCAPE '\'` pattern for a folded query, with `%`, `_` and `\` escaped.
fn like_pattern(query: &str) -> String {
    let mut pattern = String::with_capacity(query.len() + 2);
    pattern.push('%');
    for character in query.chars() {
        if matches!(character, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(character);
    }
    pattern.push('%');
    pattern
}

impl Database {
    /// Writes a batch of titles from one plugin in one transaction: all of them or none.
    ///
    /// A title whose `details_complete` is true replaces its episodes and torrents: episodes that
    /// vanished from the source are removed (with their watch state), the others keep their ids
    /// and so their watch state. A summary-only title leaves existing episodes and torrents alone.
    pub fn upsert_titles(
        &mut self,
        plugin_id: &str,
        titles: &[Title],
        fetched_at: UnixMillis,
    ) -> Result<Vec<TitleId>> {
        let transaction = self.connection.transaction()?;
        let ids = titles
            .iter()
            .map(|title| upsert_title(&transaction, plugin_id, title, fetched_at))
            .collect::<Result<Vec<_>>>()?;
        transaction.commit()?;
        Ok(ids)
    }

    /// [`Database::upsert_titles`] for one title.
    pub fn upsert_title(
        &mut self,
        plugin_id: &str,
        title: &Title,
        fetched_at: UnixMillis,
    ) -> Result<TitleId> {
        let ids = self.upsert_titles(plugin_id, std::slice::from_ref(title), fetched_at)?;
        ids.into_iter().next().ok_or_else(|| Error::Conflict("upsert returned no id".into()))
    }

    /// Replaces a plugin's weekly schedule (adding titles it has not seen) in one transaction.
    pub fn replace_schedule(
        &mut self,
        plugin_id: &str,
        days: &[ScheduleDay],
        fetched_at: UnixMillis,
    ) -> Result<()> {
        let transaction = self.connection.transaction()?;
        transaction.execute(
            "DELETE FROM schedule WHERE title_id IN (SELECT id FROM titles WHERE plugin_id = ?1)",
            [plugin_id],
        )?;
        for day in days {
            if !(1..=7).contains(&day.weekday) {
                return Err(Error::Conflict(format!("weekday {} is not 1..=7", day.weekday)));
            }
            for title in &day.items {
                // A title the library already has is kept as it is: latest and details keep it
                // fresh, the schedule only adds the ones it has never seen.
                let known: Option<i64> = transaction
                    .query_row(
                        "SELECT id FROM titles WHERE plugin_id = ?1 AND source_id = ?2",
                        params![plugin_id, title.summary.source_id],
                        |row| row.get(0),
                    )
                    .optional()?;
                let id = match known {
                    Some(id) => TitleId(id),
                    None => upsert_title(&transaction, plugin_id, title, fetched_at)?,
                };
                transaction.execute(
                    "INSERT OR IGNORE INTO schedule (title_id, weekday) VALUES (?1, ?2)",
                    params![id.0, day.weekday],
                )?;
            }
        }
        transaction.commit()?;
        Ok(())
    }

    /// What the library knows of these titles of `plugin_id`, keyed by source id: what sync needs
    /// to decide whether a title changed.
    pub fn sync_states(
        &self,
        plugin_id: &str,
        source_ids: &[&str],
    ) -> Result<HashMap<String, SyncState>> {
        let mut statement = self.connection.prepare_cached(
            "SELECT id, source_updated_at, details_fetched_at FROM titles WHERE plugin_id = ?1 AND source_id = ?2",
        )?;
        let mut states = HashMap::new();
        for source_id in source_ids {
            let state = statement
                .query_row(params![plugin_id, source_id], |row| {
                    Ok(SyncState {
                        id: TitleId(row.get(0)?),
                        source_updated_at: row.get(1)?,
                        details_fetched_at: row.get(2)?,
                    })
                })
                .optional()?;
            if let Some(state) = state {
                states.insert((*source_id).to_owned(), state);
            }
        }
        Ok(states)
    }

    /// Looks a title up by its source's id.
    pub fn title_id(&self, plugin_id: &str, source_id: &str) -> Result<Option<TitleId>> {
        Ok(self
            .connection
            .query_row(
                "SELECT id FROM titles WHERE plugin_id = ?1 AND source_id = ?2",
                [plugin_id, source_id],
                |row| row.get(0).map(TitleId),
            )
            .optional()?)
    }

    /// Everything the title screen shows, with `profile`'s progress and rating.
    pub fn title_details(&self, title_id: TitleId, profile: ProfileId) -> Result<TitleDetails> {
        let sql = format!(
            "SELECT {CARD_COLUMNS}, t.alt_names, t.description, t.status, t.release_weekday, t.fetched_at, \
             t.details_fetched_at FROM titles t WHERE t.id = ?1"
        );
        let details = self
            .connection
            .query_row(&sql, [title_id.0], |row| {
                let alt_names: String = row.get(10)?;
                Ok(TitleDetails {
                    card: card_from_row(row)?,
                    alt_names: alt_names.lines().map(str::to_owned).collect(),
                    description: row.get(11)?,
                    genres: Vec::new(),
                    status: row.get(12)?,
                    release_weekday: row.get(13)?,
                    episodes: Vec::new(),
                    torrents: Vec::new(),
                    rating: None,
                    average_rating: None,
                    fetched_at: row.get(14)?,
                    details_fetched_at: row.get(15)?,
                })
            })
            .optional()?
            .ok_or_else(|| Error::NotFound { what: "title", id: title_id.0.to_string() })?;
        Ok(TitleDetails {
            genres: self.genres(title_id)?,
            episodes: self.episodes(title_id, profile)?,
            torrents: self.torrents(title_id)?,
            rating: self.rating(profile, title_id)?,
            average_rating: self.average_rating(title_id)?,
            ..details
        })
    }

    fn genres(&self, title_id: TitleId) -> Result<Vec<String>> {
        let mut statement = self
            .connection
            .prepare_cached("SELECT genre FROM title_genres WHERE title_id = ?1 ORDER BY genre")?;
        let genres = statement
            .query_map([title_id.0], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(genres)
    }

    /// A title's episodes in order, with `profile`'s progress.
    pub fn episodes(&self, title_id: TitleId, profile: ProfileId) -> Result<Vec<EpisodeEntry>> {
        let mut statement = self.connection.prepare_cached(
            "SELECT e.id, e.number, e.name, e.preview_url, e.opening_start_ms, e.opening_end_ms, e.ending_start_ms, \
                    e.ending_end_ms, e.duration_ms, e.published_at, \
                    w.position_ms, w.duration_ms, w.watched, w.updated_at \
             FROM episodes e \
             LEFT JOIN watch_state w ON w.episode_id = e.id AND w.profile_id = ?2 \
             WHERE e.title_id = ?1 ORDER BY e.number",
        )?;
        let mut entries = statement
            .query_map(params![title_id.0, profile.0], |row| {
                let range = |start: usize| -> rusqlite::Result<Option<SkipRange>> {
                    let start_ms: Option<u32> = row.get(start)?;
                    let end_ms: Option<u32> = row.get(start + 1)?;
                    Ok(start_ms
                        .zip(end_ms)
                        .map(|(start_ms, end_ms)| SkipRange { start_ms, end_ms }))
                };
                // No watch_state row: the LEFT JOIN gives NULL in every column.
                let watch = match row.get::<_, Option<i64>>(13)? {
                    Some(_) => Some(watch_from_row(row, 10)?),
                    None => None,
                };
                Ok(EpisodeEntry {
                    id: EpisodeId(row.get(0)?),
                    episode: Episode {
                        number: row.get(1)?,
                        name: row.get(2)?,
                        streams: Vec::new(),
                        preview_url: row.get(3)?,
                        opening: range(4)?,
                        ending: range(6)?,
                        duration_ms: row.get(8)?,
                        published_at: row.get(9)?,
                    },
                    watch,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut streams = self.connection.prepare_cached(
            "SELECT s.episode_id, s.quality, s.url FROM streams s JOIN episodes e ON e.id = s.episode_id \
             WHERE e.title_id = ?1",
        )?;
        let rows = streams.query_map([title_id.0], |row| {
            Ok((EpisodeId(row.get(0)?), row.get::<_, String>(1)?, row.get::<_, String>(2)?))
        })?;
        for row in rows {
            let (episode_id, quality, url) = row?;
            let quality = Quality::parse(&quality).ok_or_else(|| {
                Error::Conflict(format!("unknown quality {quality:?} in the database"))
            })?;
            if let Some(entry) = entries.iter_mut().find(|entry| entry.id == episode_id) {
                entry.episode.streams.push(Stream { quality, url });
            }
        }
        for entry in &mut entries {
            entry.episode.streams.sort_by_key(|stream| std::cmp::Reverse(stream.quality));
        }
        Ok(entries)
    }

    fn torrents(&self, title_id: TitleId) -> Result<Vec<Torrent>> {
        let mut statement = self.connection.prepare_cached(
            "SELECT source_id, episodes, quality, size_bytes, magnet, seeders FROM torrents \
             WHERE title_id = ?1 ORDER BY id",
        )?;
        let torrents = statement
            .query_map([title_id.0], |row| {
                Ok(Torrent {
                    source_id: row.get(0)?,
                    episodes: row.get(1)?,
                    quality: row.get(2)?,
                    size_bytes: row.get(3)?,
                    magnet: row.get(4)?,
                    seeders: row.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(torrents)
    }

    /// Titles with the newest episodes first ("New episodes").
    pub fn recently_updated(&self, limit: u32, offset: u32) -> Result<Vec<TitleCard>> {
        self.cards(
            &format!(
                "SELECT {CARD_COLUMNS} FROM titles t \
                 ORDER BY t.source_updated_at DESC, t.id DESC LIMIT ?1 OFFSET ?2"
            ),
            params![limit, offset],
        )
    }

    /// The ids of every title `query` lets through, in its order (the Browse grid). Ids only: the
    /// grid asks for the cards of the rows it shows with [`Database::cards_by_ids`].
    pub fn browse_ids(&self, query: &BrowseQuery, profile: ProfileId) -> Result<Vec<TitleId>> {
        let order = match query.sort {
            BrowseSort::Updated => "t.source_updated_at DESC, t.id DESC",
            BrowseSort::Name => "t.name COLLATE NOCASE, t.id",
            BrowseSort::Rating => {
                "r.score IS NULL, r.score DESC, t.source_updated_at DESC, t.id DESC"
            }
        };
        let mut statement = self.connection.prepare_cached(&format!(
            "SELECT t.id FROM titles t \
             LEFT JOIN ratings r ON r.title_id = t.id AND r.profile_id = ?1 \
             WHERE (?2 IS NULL OR t.plugin_id = ?2) \
               AND (?3 IS NULL OR EXISTS (SELECT 1 FROM title_genres g \
                                          WHERE g.title_id = t.id AND g.genre = ?3)) \
               AND (?4 IS NULL OR t.year = ?4) \
             ORDER BY {order}"
        ))?;
        let ids = statement
            .query_map(params![profile.0, query.source, query.genre, query.year], |row| {
                Ok(TitleId(row.get(0)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(ids)
    }

    /// The cards of `ids`, in the order given; ids no longer in the library are left out.
    pub fn cards_by_ids(&self, ids: &[TitleId]) -> Result<Vec<TitleCard>> {
        let mut statement = self
            .connection
            .prepare_cached(&format!("SELECT {CARD_COLUMNS} FROM titles t WHERE t.id = ?1"))?;
        let mut cards = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(card) = statement.query_row([id.0], card_from_row).optional()? {
                cards.push(card);
            }
        }
        Ok(cards)
    }

    /// The sources, genres and years present in the library (the Browse filters' values).
    pub fn browse_facets(&self) -> Result<BrowseFacets> {
        let strings = |sql: &str| -> Result<Vec<String>> {
            let mut statement = self.connection.prepare_cached(sql)?;
            let values =
                statement.query_map([], |row| row.get(0))?.collect::<rusqlite::Result<_>>()?;
            Ok(values)
        };
        let mut statement = self.connection.prepare_cached(
            "SELECT DISTINCT year FROM titles WHERE year IS NOT NULL ORDER BY year DESC",
        )?;
        let years = statement.query_map([], |row| row.get(0))?.collect::<rusqlite::Result<_>>()?;
        Ok(BrowseFacets {
            sources: strings("SELECT DISTINCT plugin_id FROM titles ORDER BY plugin_id")?,
            genres: strings("SELECT DISTINCT genre FROM title_genres ORDER BY genre")?,
            years,
        })
    }

    /// Titles airing on `weekday` (1 = Monday), by name.
    pub fn titles_on_weekday(&self, weekday: u8) -> Result<Vec<TitleCard>> {
        self.cards(
            &format!(
                "SELECT {CARD_COLUMNS} FROM schedule s JOIN titles t ON t.id = s.title_id \
                 WHERE s.weekday = ?1 ORDER BY t.name COLLATE NOCASE"
            ),
            params![weekday],
        )
    }

    /// Titles any of whose names contain `query`, case-insensitively in any script.
    ///
    /// Queries of three characters or more use the trigram index (`title_search`); shorter ones
    /// scan the folded names.
    pub fn search_titles(&self, query: &str, limit: u32) -> Result<Vec<TitleCard>> {
        let folded = fold_for_search(query.trim());
        if folded.is_empty() {
            return Ok(Vec::new());
        }
        if folded.chars().count() >= 3 {
            // An FTS5 phrase: the whole query as one quoted string, inner quotes doubled.
            let phrase = format!("\"{}\"", folded.replace('"', "\"\""));
            return self.cards(
                &format!(
                    "SELECT {CARD_COLUMNS} FROM title_search s JOIN titles t ON t.id = s.rowid \
                     WHERE title_search MATCH ?1 ORDER BY t.source_updated_at DESC, t.id DESC LIMIT ?2"
                ),
                params![phrase, limit],
            );
        }
        self.cards(
            &format!(
                "SELECT {CARD_COLUMNS} FROM titles t WHERE t.search_text LIKE ?1 ESCAPE '\\' \
                 ORDER BY t.source_updated_at DESC, t.id DESC LIMIT ?2"
            ),
            params![like_pattern(&folded), limit],
        )
    }

    /// Titles of `plugin_id` whose details were never fetched or were fetched before `older_than`.
    pub fn stale_titles(
        &self,
        plugin_id: &str,
        older_than: UnixMillis,
        limit: u32,
    ) -> Result<Vec<TitleCard>> {
        self.cards(
            &format!(
                "SELECT {CARD_COLUMNS} FROM titles t WHERE t.plugin_id = ?1 \
                 AND (t.details_fetched_at IS NULL OR t.details_fetched_at < ?2) \
                 ORDER BY t.details_fetched_at IS NOT NULL, t.details_fetched_at LIMIT ?3"
            ),
            params![plugin_id, older_than, limit],
        )
    }

    pub(crate) fn cards(
        &self,
        sql: &str,
        parameters: impl rusqlite::Params,
    ) -> Result<Vec<TitleCard>> {
        let mut statement = self.connection.prepare_cached(sql)?;
        let cards =
            statement.query_map(parameters, card_from_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(cards)
    }
}

fn upsert_title(
    transaction: &Transaction<'_>,
    plugin_id: &str,
    title: &Title,
    fetched_at: UnixMillis,
) -> Result<TitleId> {
    let summary = &title.summary;
    let mut search_text = fold_for_search(&summary.name);
    for name in summary.name_original.iter().chain(&summary.alt_names) {
        search_text.push('\n');
        search_text.push_str(&fold_for_search(name));
    }
    let details_fetched_at = title.details_complete.then_some(fetched_at);
    let previous_poster: Option<Option<String>> = transaction
        .prepare_cached("SELECT poster_url FROM titles WHERE plugin_id = ?1 AND source_id = ?2")?
        .query_row(params![plugin_id, summary.source_id], |row| row.get(0))
        .optional()?;
    let id: i64 = transaction.query_row(
        "INSERT INTO titles (plugin_id, source_id, name, name_original, alt_names, search_text, description, kind, \
             status, year, release_weekday, episodes_total, poster_url, source_updated_at, fetched_at, details_fetched_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) \
         ON CONFLICT (plugin_id, source_id) DO UPDATE SET \
             name = excluded.name, name_original = excluded.name_original, alt_names = excluded.alt_names, \
             search_text = excluded.search_text, \
             description = coalesce(excluded.description, titles.description), \
             kind = coalesce(excluded.kind, titles.kind), status = coalesce(excluded.status, titles.status), \
             year = coalesce(excluded.year, titles.year), \
             release_weekday = coalesce(excluded.release_weekday, titles.release_weekday), \
             episodes_total = coalesce(excluded.episodes_total, titles.episodes_total), \
             poster_url = coalesce(excluded.poster_url, titles.poster_url), \
             source_updated_at = coalesce(excluded.source_updated_at, titles.source_updated_at), \
             fetched_at = excluded.fetched_at, \
             details_fetched_at = coalesce(excluded.details_fetched_at, titles.details_fetched_at) \
         RETURNING id",
        params![
            plugin_id,
            summary.source_id,
            summary.name,
            summary.name_original,
            summary.alt_names.join("\n"),
            search_text,
            title.description,
            summary.kind,
            title.status,
            title.year,
            title.release_weekday,
            summary.episodes_total,
            summary.poster_url,
            summary.updated_at,
            fetched_at,
            details_fetched_at,
        ],
        |row| row.get(0),
    )?;
    // A poster cached from another URL (a mirror change, a new picture) is fetched again; the
    // old image stays on screen until the new one arrives.
    if let (Some(Some(previous)), Some(current)) = (&previous_poster, &summary.poster_url)
        && previous != current
    {
        transaction.execute("UPDATE posters SET fetched_at = 0 WHERE title_id = ?1", [id])?;
    }
    if !title.genres.is_empty() || title.details_complete {
        transaction.execute("DELETE FROM title_genres WHERE title_id = ?1", [id])?;
        let mut insert = transaction.prepare_cached(
            "INSERT OR IGNORE INTO title_genres (title_id, genre) VALUES (?1, ?2)",
        )?;
        for genre in &title.genres {
            insert.execute(params![id, genre])?;
        }
    }
    if title.details_complete {
        replace_episodes(transaction, id, &title.episodes)?;
        replace_torrents(transaction, id, &title.torrents)?;
    }
    Ok(TitleId(id))
}

/// Upserts episodes by number (keeping ids, hence watch state) and removes the ones that are gone.
fn replace_episodes(
    transaction: &Transaction<'_>,
    title_id: i64,
    episodes: &[Episode],
) -> Result<()> {
    let mut upsert = transaction.prepare_cached(
        "INSERT INTO episodes (title_id, number, name, preview_url, opening_start_ms, opening_end_ms, \
             ending_start_ms, ending_end_ms, duration_ms, published_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) \
         ON CONFLICT (title_id, number) DO UPDATE SET name = excluded.name, preview_url = excluded.preview_url, \
             opening_start_ms = excluded.opening_start_ms, opening_end_ms = excluded.opening_end_ms, \
             ending_start_ms = excluded.ending_start_ms, ending_end_ms = excluded.ending_end_ms, \
             duration_ms = excluded.duration_ms, published_at = excluded.published_at \
         RETURNING id",
    )?;
    let mut delete_streams =
        transaction.prepare_cached("DELETE FROM streams WHERE episode_id = ?1")?;
    let mut insert_stream = transaction.prepare_cached(
        "INSERT OR REPLACE INTO streams (episode_id, quality, url) VALUES (?1, ?2, ?3)",
    )?;
    let mut kept = Vec::with_capacity(episodes.len());
    for episode in episodes {
        let id: i64 = upsert.query_row(
            params![
                title_id,
                episode.number,
                episode.name,
                episode.preview_url,
                episode.opening.map(|range| range.start_ms),
                episode.opening.map(|range| range.end_ms),
                episode.ending.map(|range| range.start_ms),
                episode.ending.map(|range| range.end_ms),
                episode.duration_ms,
                episode.published_at,
            ],
            |row| row.get(0),
        )?;
        delete_streams.execute([id])?;
        for stream in &episode.streams {
            insert_stream.execute(params![id, stream.quality.as_str(), stream.url])?;
        }
        kept.push(id);
    }
    transaction.execute(
        "DELETE FROM episodes WHERE title_id = ?1 AND id NOT IN (SELECT value FROM json_each(?2))",
        params![title_id, id_list(&kept)],
    )?;
    Ok(())
}

fn replace_torrents(
    transaction: &Transaction<'_>,
    title_id: i64,
    torrents: &[Torrent],
) -> Result<()> {
    let mut upsert = transaction.prepare_cached(
        "INSERT INTO torrents (title_id, source_id, episodes, quality, size_bytes, magnet, seeders) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
         ON CONFLICT (title_id, source_id) DO UPDATE SET episodes = excluded.episodes, quality = excluded.quality, \
             size_bytes = excluded.size_bytes, magnet = excluded.magnet, seeders = excluded.seeders \
         RETURNING id",
    )?;
    let mut kept = Vec::with_capacity(torrents.len());
    for torrent in torrents {
        let size_bytes = torrent.size_bytes.map(i64::try_from).transpose().map_err(|_| {
            Error::Conflict(format!(
                "torrent {} is larger than the library can record",
                torrent.source_id
            ))
        })?;
        let id: i64 = upsert.query_row(
            params![
                title_id,
                torrent.source_id,
                torrent.episodes,
                torrent.quality,
                size_bytes,
                torrent.magnet,
                torrent.seeders
            ],
            |row| row.get(0),
        )?;
        kept.push(id);
    }
    transaction.execute(
        "DELETE FROM torrents WHERE title_id = ?1 AND id NOT IN (SELECT value FROM json_each(?2))",
        params![title_id, id_list(&kept)],
    )?;
    Ok(())
}

/// A JSON array of row ids, for `json_each` (integers only, so no escaping is needed).
fn id_list(ids: &[i64]) -> String {
    let items: Vec<String> = ids.iter().map(i64::to_string).collect();
    format!("[{}]", items.join(","))
}
