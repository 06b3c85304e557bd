//! Titles, episodes, streams, torrents, genres and the schedule.

use getanime_domain::{
    BrowseFacets, BrowseQuery, BrowseSort, Episode, EpisodeEntry, EpisodeId, ExternalId, ListEntry,
    ListFilter, ProfileId, Quality, RelatedTitle, SkipRange, Stream, SubtitleFormat, SubtitleTrack,
    TitleCard, TitleDetails, TitleId, Torrent, Tracker, UnixMillis,
};
use std::collections::HashMap;

use rusqlite::{OptionalExtension, Row, params};

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
                    list: ListEntry::default(),
                    average_rating: None,
                    fetched_at: row.get(14)?,
                    details_fetched_at: row.get(15)?,
                    external_ids: Vec::new(),
                    related: Vec::new(),
                    rewatching_at: Vec::new(),
                })
            })
            .optional()?
            .ok_or_else(|| Error::NotFound { what: "title", id: title_id.0.to_string() })?;
        Ok(TitleDetails {
            genres: self.genres(title_id)?,
            episodes: self.episodes(title_id, profile)?,
            torrents: self.torrents(title_id)?,
            rating: self.rating(profile, title_id)?,
            list: self.list_entry(profile, title_id)?,
            average_rating: self.average_rating(title_id)?,
            external_ids: self.external_ids(title_id)?,
            related: self.related(title_id)?,
            rewatching_at: self.rewatching_at(title_id, profile)?,
            ..details
        })
    }

    /// The names of `profile`'s accounts that agreed on "rewatching" for the title.
    fn rewatching_at(&self, title_id: TitleId, profile: ProfileId) -> Result<Vec<String>> {
        let mut statement = self.connection.prepare_cached(
            "SELECT coalesce(p.name, c.plugin_id) FROM account_titles a \
             JOIN accounts c ON c.id = a.account_id LEFT JOIN plugins p ON p.id = c.plugin_id \
             WHERE c.profile_id = ?1 AND a.title_id = ?2 AND a.status = 'rewatching' \
             ORDER BY c.plugin_id",
        )?;
        let names = statement
            .query_map(params![profile.0, title_id.0], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(names)
    }

    fn external_ids(&self, title_id: TitleId) -> Result<Vec<ExternalId>> {
        let mut statement = self.connection.prepare_cached(
            "SELECT tracker, external_id FROM title_external_ids WHERE title_id = ?1",
        )?;
        let rows = statement.query_map([title_id.0], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
        })?;
        let mut ids = Vec::new();
        for row in rows {
            let (tracker, id) = row?;
            let tracker = Tracker::parse(&tracker).ok_or_else(|| {
                Error::Conflict(format!("unknown tracker {tracker:?} in the database"))
            })?;
            ids.push(ExternalId { tracker, id });
        }
        ids.sort_by_key(|external| external.tracker);
        Ok(ids)
    }

    fn related(&self, title_id: TitleId) -> Result<Vec<RelatedTitle>> {
        let mut statement = self.connection.prepare_cached(
            "SELECT source_id, name, franchise_order FROM title_related WHERE title_id = ?1 \
             ORDER BY position",
        )?;
        let related = statement
            .query_map([title_id.0], |row| {
                Ok(RelatedTitle { source_id: row.get(0)?, name: row.get(1)?, order: row.get(2)? })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(related)
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
                    w.position_ms, w.duration_ms, w.watched, w.updated_at, e.audio, e.source_id \
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
                        subtitles: Vec::new(),
                        audio: row
                            .get::<_, String>(14)?
                            .lines()
                            .filter(|line| !line.is_empty())
                            .map(str::to_owned)
                            .collect(),
                        source_id: row.get(15)?,
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
        let mut subtitles = self.connection.prepare_cached(
            "SELECT s.episode_id, s.url, s.language, s.label, s.format FROM subtitles s \
             JOIN episodes e ON e.id = s.episode_id WHERE e.title_id = ?1 ORDER BY s.episode_id, s.position",
        )?;
        let rows = subtitles.query_map([title_id.0], |row| {
            Ok((
                EpisodeId(row.get(0)?),
                row.get::<_, String>(1)?,
                row.get::<_, Option<String>>(2)?,
                row.get::<_, Option<String>>(3)?,
                row.get::<_, String>(4)?,
            ))
        })?;
        for row in rows {
            let (episode_id, url, language, label, format) = row?;
            let format = SubtitleFormat::parse(&format).ok_or_else(|| {
                Error::Conflict(format!("unknown subtitle format {format:?} in the database"))
            })?;
            if let Some(entry) = entries.iter_mut().find(|entry| entry.id == episode_id) {
                entry.episode.subtitles.push(SubtitleTrack { url, language, label, format });
            }
        }
        Ok(entries)
    }

    fn torrents(&self, title_id: TitleId) -> Result<Vec<Torrent>> {
        let mut statement = self.connection.prepare_cached(
            "SELECT source_id, episodes, quality, size_bytes, magnet, seeders, info_hash FROM torrents \
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
                    info_hash: row.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(torrents)
    }

    /// Titles with the newest episodes first ("Recently updated").
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
        let (list_status, favorite) = match query.list {
            Some(ListFilter::Status(status)) => (Some(status.code()), false),
            Some(ListFilter::Favorite) => (None, true),
            None => (None, false),
        };
        // The lists join only when a list is asked for: a lookup per title costs the whole
        // grid ~40 % otherwise.
        let (list_join, list_where) = if query.list.is_some() {
            (
                "JOIN profile_titles p ON p.title_id = t.id AND p.profile_id = ?1",
                "(p.status = ?5 OR (?6 AND p.favorite = 1))",
            )
        } else {
            ("", "?5 IS NULL AND NOT ?6")
        };
        let mut statement = self.connection.prepare_cached(&format!(
            "SELECT t.id FROM titles t \
             LEFT JOIN ratings r ON r.title_id = t.id AND r.profile_id = ?1 \
             {list_join} \
             WHERE {list_where} AND (?2 IS NULL OR t.plugin_id = ?2) \
               AND (?3 IS NULL OR EXISTS (SELECT 1 FROM title_genres g \
                                          WHERE g.title_id = t.id AND g.genre = ?3)) \
               AND (?4 IS NULL OR t.year = ?4) \
             ORDER BY {order}"
        ))?;
        let ids = statement
            .query_map(
                params![profile.0, query.source, query.genre, query.year, list_status, favorite],
                |row| Ok(TitleId(row.get(0)?)),
            )?
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

/// A JSON array of row ids, for `json_each` (integers only, so no escaping is needed).
pub(crate) fn id_list(ids: &[i64]) -> String {
    let items: Vec<String> = ids.iter().map(i64::to_string).collect();
    format!("[{}]", items.join(","))
}
