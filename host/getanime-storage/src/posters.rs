//! The poster image cache.

use getanime_domain::{Poster, TitleId, UnixMillis};
use rusqlite::{OptionalExtension, params};

use crate::{Database, Error, Result};

/// One poster the cache should download: whose, and from where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PosterToFetch {
    pub title: TitleId,
    /// The source that named the URL; its network rule applies to the download.
    pub plugin_id: String,
    pub url: String,
}

impl Database {
    /// Stores (or replaces) one size variant of a title's poster.
    pub fn put_poster(
        &mut self,
        title: TitleId,
        size: &str,
        content_type: &str,
        bytes: &[u8],
        fetched_at: UnixMillis,
    ) -> Result<()> {
        let changed = self.connection.execute(
            "INSERT INTO posters (title_id, size, content_type, bytes, fetched_at) \
             SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM titles WHERE id = ?1) \
             ON CONFLICT (title_id, size) DO UPDATE SET content_type = excluded.content_type, \
                 bytes = excluded.bytes, fetched_at = excluded.fetched_at",
            params![title.0, size, content_type, bytes, fetched_at],
        )?;
        if changed == 0 {
            return Err(Error::NotFound { what: "title", id: title.0.to_string() });
        }
        Ok(())
    }

    /// One size variant of a poster; `stale` when fetched before `fresh_after`.
    pub fn poster(
        &self,
        title: TitleId,
        size: &str,
        fresh_after: UnixMillis,
    ) -> Result<Option<Poster>> {
        Ok(self
            .connection
            .query_row(
                "SELECT content_type, bytes, fetched_at FROM posters WHERE title_id = ?1 AND size = ?2",
                params![title.0, size],
                |row| {
                    let fetched_at: UnixMillis = row.get(2)?;
                    Ok(Poster {
                        content_type: row.get(0)?,
                        bytes: row.get(1)?,
                        fetched_at,
                        stale: fetched_at < fresh_after,
                    })
                },
            )
            .optional()?)
    }

    /// Titles with a poster URL whose `size` variant is missing or was fetched before
    /// `fresh_after` (or from another URL than the title names now): the poster cache's work list.
    pub fn posters_to_fetch(
        &self,
        size: &str,
        fresh_after: UnixMillis,
        limit: u32,
    ) -> Result<Vec<PosterToFetch>> {
        let mut statement = self.connection.prepare_cached(
            "SELECT t.id, t.plugin_id, t.poster_url FROM titles t LEFT JOIN posters p ON p.title_id = t.id AND p.size = ?1 \
             WHERE t.poster_url IS NOT NULL AND (p.fetched_at IS NULL OR p.fetched_at < ?2) \
             ORDER BY t.source_updated_at DESC LIMIT ?3",
        )?;
        let rows = statement
            .query_map(params![size, fresh_after, limit], |row| {
                Ok(PosterToFetch {
                    title: TitleId(row.get(0)?),
                    plugin_id: row.get(1)?,
                    url: row.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}
