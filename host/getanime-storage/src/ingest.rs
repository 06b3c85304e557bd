//! Writing the catalog: titles (with their episodes, streams and torrents) and the schedule,
//! each batch in one transaction. Reading it is `catalog.rs`.

use getanime_domain::{Episode, ScheduleDay, Title, TitleId, Torrent, UnixMillis};

use rusqlite::{OptionalExtension, Transaction, params};

use crate::catalog::{fold_for_search, id_list};
use crate::{Database, Error, Result};

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
    // A title the library has never seen has no genres, episodes, streams or torrents to
    // replace: its rows are only inserted (a sync of a new source is mostly such titles).
    let known = previous_poster.is_some();
    let id: i64 = transaction.prepare_cached(
        "INSERT INTO titles (plugin_id, source_id, name, name_original, alt_names, search_text, description, kind, \
             status, year, release_weekday, episodes_total, poster_url, source_updated_at, fetched_at, details_fetched_at, \
             age_rating, backdrop_url) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18) \
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
             details_fetched_at = coalesce(excluded.details_fetched_at, titles.details_fetched_at), \
             age_rating = coalesce(excluded.age_rating, titles.age_rating), \
             backdrop_url = coalesce(excluded.backdrop_url, titles.backdrop_url) \
         RETURNING id",
    )?.query_row(
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
            title.age_rating,
            title.backdrop_url,
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
        if known {
            transaction
                .prepare_cached("DELETE FROM title_genres WHERE title_id = ?1")?
                .execute([id])?;
        }
        let mut insert = transaction.prepare_cached(
            "INSERT OR IGNORE INTO title_genres (title_id, genre) VALUES (?1, ?2)",
        )?;
        for genre in &title.genres {
            insert.execute(params![id, genre])?;
        }
    }
    if !title.external_ids.is_empty() || !title.related.is_empty() || title.details_complete {
        replace_links(transaction, id, title, known)?;
    }
    if title.details_complete {
        replace_episodes(transaction, id, &title.episodes, known, fetched_at)?;
        replace_torrents(transaction, id, &title.torrents, known)?;
    }
    Ok(TitleId(id))
}

/// A title's tracker ids and related titles (contract 0.2), replaced together.
fn replace_links(
    transaction: &Transaction<'_>,
    title_id: i64,
    title: &Title,
    known: bool,
) -> Result<()> {
    if known {
        transaction
            .prepare_cached("DELETE FROM title_external_ids WHERE title_id = ?1")?
            .execute([title_id])?;
        transaction
            .prepare_cached("DELETE FROM title_related WHERE title_id = ?1")?
            .execute([title_id])?;
    }
    let mut insert_id = transaction.prepare_cached(
        "INSERT OR IGNORE INTO title_external_ids (title_id, tracker, external_id) VALUES (?1, ?2, ?3)",
    )?;
    for external in &title.external_ids {
        insert_id.execute(params![title_id, external.tracker.as_str(), external.id])?;
    }
    let mut insert_related = transaction.prepare_cached(
        "INSERT INTO title_related (title_id, position, source_id, name, franchise_order) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (position, related) in title.related.iter().enumerate() {
        insert_related.execute(params![
            title_id,
            position as i64,
            related.source_id,
            related.name,
            related.order
        ])?;
    }
    Ok(())
}

/// Upserts episodes by number (keeping ids, hence watch state) and removes the ones that are gone
/// (nothing to remove or replace for a title that was not `known`).
fn replace_episodes(
    transaction: &Transaction<'_>,
    title_id: i64,
    episodes: &[Episode],
    known: bool,
    fetched_at: UnixMillis,
) -> Result<()> {
    // `first_seen_at` is set once, when the episode first comes.
    let mut upsert = transaction.prepare_cached(
        "INSERT INTO episodes (title_id, number, name, preview_url, opening_start_ms, opening_end_ms, \
             ending_start_ms, ending_end_ms, duration_ms, published_at, audio, source_id, first_seen_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) \
         ON CONFLICT (title_id, number) DO UPDATE SET name = excluded.name, preview_url = excluded.preview_url, \
             opening_start_ms = excluded.opening_start_ms, opening_end_ms = excluded.opening_end_ms, \
             ending_start_ms = excluded.ending_start_ms, ending_end_ms = excluded.ending_end_ms, \
             duration_ms = excluded.duration_ms, published_at = excluded.published_at, audio = excluded.audio, \
             source_id = coalesce(excluded.source_id, episodes.source_id) \
         RETURNING id, first_seen_at",
    )?;
    if known {
        transaction
            .prepare_cached(
                "DELETE FROM streams WHERE episode_id IN (SELECT id FROM episodes WHERE title_id = ?1)",
            )?
            .execute([title_id])?;
        transaction
            .prepare_cached(
                "DELETE FROM subtitles WHERE episode_id IN (SELECT id FROM episodes WHERE title_id = ?1)",
            )?
            .execute([title_id])?;
    }
    let mut insert_stream = transaction.prepare_cached(
        "INSERT OR REPLACE INTO streams (episode_id, quality, url) VALUES (?1, ?2, ?3)",
    )?;
    let mut insert_subtitle = transaction.prepare_cached(
        "INSERT INTO subtitles (episode_id, position, url, language, label, format) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut kept = Vec::with_capacity(episodes.len());
    let mut brought_one = false;
    for episode in episodes {
        let (id, first_seen_at): (i64, Option<UnixMillis>) = upsert.query_row(
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
                episode.audio.join("\n"),
                episode.source_id,
                fetched_at,
            ],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        brought_one |= first_seen_at == Some(fetched_at);
        for stream in &episode.streams {
            insert_stream.execute(params![id, stream.quality.as_str(), stream.url])?;
        }
        for (position, track) in episode.subtitles.iter().enumerate() {
            insert_subtitle.execute(params![
                id,
                position as i64,
                track.url,
                track.language,
                track.label,
                track.format.as_str()
            ])?;
        }
        kept.push(id);
    }
    if brought_one {
        transaction
            .prepare_cached("UPDATE titles SET episodes_seen_at = ?2 WHERE id = ?1")?
            .execute(params![title_id, fetched_at])?;
    }
    if known {
        transaction
            .prepare_cached(
                "DELETE FROM episodes WHERE title_id = ?1 AND id NOT IN (SELECT value FROM json_each(?2))",
            )?
            .execute(params![title_id, id_list(&kept)])?;
    }
    Ok(())
}

fn replace_torrents(
    transaction: &Transaction<'_>,
    title_id: i64,
    torrents: &[Torrent],
    known: bool,
) -> Result<()> {
    let mut upsert = transaction.prepare_cached(
        "INSERT INTO torrents (title_id, source_id, episodes, quality, size_bytes, magnet, seeders, info_hash) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) \
         ON CONFLICT (title_id, source_id) DO UPDATE SET episodes = excluded.episodes, quality = excluded.quality, \
             size_bytes = excluded.size_bytes, magnet = excluded.magnet, seeders = excluded.seeders, \
             info_hash = excluded.info_hash \
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
                torrent.seeders,
                torrent.info_hash,
            ],
            |row| row.get(0),
        )?;
        kept.push(id);
    }
    if known {
        transaction
            .prepare_cached(
                "DELETE FROM torrents WHERE title_id = ?1 AND id NOT IN (SELECT value FROM json_each(?2))",
            )?
            .execute(params![title_id, id_list(&kept)])?;
    }
    Ok(())
}
