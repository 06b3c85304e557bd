//! A profile's lists (Watching, Planned, ...), favorites, what it hid from Continue watching,
//! and the history controls of the title screen.

use getanime_domain::{
    EpisodeId, ListCard, ListEntry, ListFilter, ListStatus, ProfileId, StatusChange, TitleId,
    UnixMillis, title_is_finished,
};
use rusqlite::{Connection, OptionalExtension, params};

use crate::catalog::{CARD_COLUMNS, card_from_row};
use crate::{Database, Error, Result};

/// The episode to watch next of title `t.id` for profile `?1`, as one SQL expression: the first
/// unwatched episode after the last watched one, else the first unwatched one (the rule of
/// [`Database::next_unwatched`]).
pub(crate) const NEXT_EPISODE: &str = "coalesce( \
    (SELECT min(e.number) FROM episodes e \
     LEFT JOIN watch_state w ON w.episode_id = e.id AND w.profile_id = ?1 \
     WHERE e.title_id = t.id AND coalesce(w.watched, 0) = 0 AND e.number > coalesce( \
         (SELECT max(e2.number) FROM episodes e2 \
          JOIN watch_state w2 ON w2.episode_id = e2.id AND w2.profile_id = ?1 \
          WHERE e2.title_id = t.id AND w2.watched = 1), -1)), \
    (SELECT min(e.number) FROM episodes e \
     LEFT JOIN watch_state w ON w.episode_id = e.id AND w.profile_id = ?1 \
     WHERE e.title_id = t.id AND coalesce(w.watched, 0) = 0))";

impl Database {
    /// `profile`'s list and favorite marks on a title (none when it never marked it).
    pub fn list_entry(&self, profile: ProfileId, title: TitleId) -> Result<ListEntry> {
        list_entry(&self.connection, profile, title)
    }

    /// Puts a title in one of `profile`'s lists, or in none; returns the list it was in.
    pub fn set_list_status(
        &mut self,
        profile: ProfileId,
        title: TitleId,
        status: Option<ListStatus>,
        now: UnixMillis,
    ) -> Result<Option<ListStatus>> {
        let transaction = self.connection.transaction()?;
        let previous = list_entry(&transaction, profile, title)?.status;
        write_status(&transaction, profile, title, status, now)?;
        transaction.commit()?;
        Ok(previous)
    }

    /// Marks a title as one of `profile`'s favorites, or not.
    pub fn set_favorite(
        &mut self,
        profile: ProfileId,
        title: TitleId,
        favorite: bool,
        now: UnixMillis,
    ) -> Result<()> {
        self.write_marks(
            profile,
            title,
            "favorite = ?3, marked_at = ?4",
            params![profile.0, title.0, favorite, now],
        )
    }

    /// The titles of one of `profile`'s lists, most recently marked first, each with the episode
    /// to watch next.
    pub fn list_titles(
        &self,
        profile: ProfileId,
        list: ListFilter,
        limit: u32,
    ) -> Result<Vec<ListCard>> {
        let (status, which) = match list {
            ListFilter::Status(status) => (Some(status.code()), "p.status = ?2"),
            ListFilter::Favorite => (None, "p.favorite = 1 AND ?2 IS NULL"),
        };
        // The list's rows first (through its index), then the next episode of those only: the
        // next-episode subqueries cost ~10 µs a title, too much for every title of a long list.
        let sql = format!(
            "WITH listed AS (SELECT p.title_id, p.marked_at FROM profile_titles p \
                 WHERE p.profile_id = ?1 AND {which} \
                 ORDER BY p.marked_at DESC, p.title_id DESC LIMIT ?3) \
             SELECT {CARD_COLUMNS}, {NEXT_EPISODE} FROM listed l JOIN titles t ON t.id = l.title_id \
             ORDER BY l.marked_at DESC, t.id DESC"
        );
        let mut statement = self.connection.prepare_cached(&sql)?;
        let cards = statement
            .query_map(params![profile.0, status, limit], |row| {
                Ok(ListCard { card: card_from_row(row)?, next_episode: row.get(10)? })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(cards)
    }

    /// What trackers do when a title starts playing (an episode of it reports a position): it
    /// goes to Watching unless it already is in a list, and comes back to Continue watching.
    /// Returns the change, so the user can undo it.
    pub fn note_playing(
        &mut self,
        profile: ProfileId,
        episode: EpisodeId,
        now: UnixMillis,
    ) -> Result<Option<StatusChange>> {
        let transaction = self.connection.transaction()?;
        let title = title_of(&transaction, episode)?;
        let from = list_entry(&transaction, profile, title)?.status;
        let change = if from.is_none() {
            write_status(&transaction, profile, title, Some(ListStatus::Watching), now)?;
            Some(StatusChange { title, from, to: ListStatus::Watching })
        } else {
            None
        };
        transaction.execute(
            "UPDATE profile_titles SET continue_hidden_at = NULL \
             WHERE profile_id = ?1 AND title_id = ?2 AND continue_hidden_at IS NOT NULL",
            params![profile.0, title.0],
        )?;
        prune(&transaction, profile, title)?;
        transaction.commit()?;
        Ok(change)
    }

    /// What trackers do when the last episode of a finished title is watched: the title moves
    /// to Completed. Returns the change, so the user can undo it.
    pub fn note_episode_watched(
        &mut self,
        profile: ProfileId,
        episode: EpisodeId,
        now: UnixMillis,
    ) -> Result<Option<StatusChange>> {
        let transaction = self.connection.transaction()?;
        let facts = transaction
            .query_row(
                "SELECT t.id, e.number, t.status, t.episodes_total, \
                        (SELECT count(*) FROM episodes x WHERE x.title_id = t.id), \
                        (SELECT max(x.number) FROM episodes x WHERE x.title_id = t.id) \
                 FROM episodes e JOIN titles t ON t.id = e.title_id WHERE e.id = ?1",
                [episode.0],
                |row| {
                    Ok((
                        TitleId(row.get(0)?),
                        row.get::<_, f64>(1)?,
                        row.get::<_, Option<String>>(2)?,
                        row.get::<_, Option<u32>>(3)?,
                        row.get::<_, usize>(4)?,
                        row.get::<_, Option<f64>>(5)?,
                    ))
                },
            )
            .optional()?;
        let Some((title, number, status, total, known, last)) = facts else {
            return Err(Error::NotFound { what: "episode", id: episode.0.to_string() });
        };
        let from = list_entry(&transaction, profile, title)?.status;
        let change = if last == Some(number)
            && title_is_finished(status.as_deref(), total, known)
            && from != Some(ListStatus::Completed)
        {
            write_status(&transaction, profile, title, Some(ListStatus::Completed), now)?;
            Some(StatusChange { title, from, to: ListStatus::Completed })
        } else {
            None
        };
        transaction.commit()?;
        Ok(change)
    }

    /// Undoes a change the app made on its own, unless the user changed the list since.
    /// Returns whether it was undone.
    pub fn undo_status_change(
        &mut self,
        profile: ProfileId,
        change: StatusChange,
        now: UnixMillis,
    ) -> Result<bool> {
        let transaction = self.connection.transaction()?;
        let current = list_entry(&transaction, profile, change.title)?.status;
        let undone = current == Some(change.to);
        if undone {
            write_status(&transaction, profile, change.title, change.from, now)?;
        }
        transaction.commit()?;
        Ok(undone)
    }

    /// Takes a title off `profile`'s Continue watching until it is played again.
    pub fn hide_from_continue(
        &mut self,
        profile: ProfileId,
        title: TitleId,
        now: UnixMillis,
    ) -> Result<()> {
        self.write_marks(
            profile,
            title,
            "continue_hidden_at = ?3",
            params![profile.0, title.0, now],
        )
    }

    /// Forgets `profile`'s watched marks and resume points of every episode of a title (its
    /// lists and rating stay). Returns how many episodes had any.
    pub fn reset_watched(&mut self, profile: ProfileId, title: TitleId) -> Result<usize> {
        Ok(self.connection.execute(
            "DELETE FROM watch_state WHERE profile_id = ?1 \
             AND episode_id IN (SELECT id FROM episodes WHERE title_id = ?2)",
            params![profile.0, title.0],
        )?)
    }

    /// Marks every episode of a title up to `number` (included) watched. Returns how many
    /// episodes that covers.
    pub fn mark_watched_through(
        &mut self,
        profile: ProfileId,
        title: TitleId,
        number: f64,
        now: UnixMillis,
    ) -> Result<usize> {
        Ok(self.connection.execute(
            "INSERT INTO watch_state (profile_id, episode_id, position_ms, watched, updated_at) \
             SELECT ?1, id, 0, 1, ?4 FROM episodes WHERE title_id = ?2 AND number <= ?3 \
             ON CONFLICT (profile_id, episode_id) DO UPDATE SET position_ms = 0, watched = 1, \
             updated_at = excluded.updated_at",
            params![profile.0, title.0, number, now],
        )?)
    }
}

impl Database {
    /// [`upsert_marks`] in a transaction of its own.
    fn write_marks(
        &mut self,
        profile: ProfileId,
        title: TitleId,
        assignments: &str,
        values: &[&dyn rusqlite::ToSql],
    ) -> Result<()> {
        let transaction = self.connection.transaction()?;
        upsert_marks(&transaction, profile, title, assignments, values)?;
        transaction.commit()?;
        Ok(())
    }
}

fn title_of(connection: &Connection, episode: EpisodeId) -> Result<TitleId> {
    connection
        .prepare_cached("SELECT title_id FROM episodes WHERE id = ?1")?
        .query_row([episode.0], |row| Ok(TitleId(row.get(0)?)))
        .optional()?
        .ok_or_else(|| Error::NotFound { what: "episode", id: episode.0.to_string() })
}

pub(crate) fn list_entry(
    connection: &Connection,
    profile: ProfileId,
    title: TitleId,
) -> Result<ListEntry> {
    let unsynced: bool = connection
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM unsynced_titles WHERE profile_id = ?1 AND title_id = ?2)",
        )?
        .query_row(params![profile.0, title.0], |row| row.get(0))?;
    let marks = connection
        .prepare_cached(
            "SELECT status, favorite FROM profile_titles WHERE profile_id = ?1 AND title_id = ?2",
        )?
        .query_row(params![profile.0, title.0], |row| {
            Ok((row.get::<_, Option<String>>(0)?, row.get::<_, bool>(1)?))
        })
        .optional()?;
    let Some((status, favorite)) = marks else {
        return Ok(ListEntry { unsynced, ..ListEntry::default() });
    };
    let status = status
        .map(|code| {
            ListStatus::from_code(&code)
                .ok_or_else(|| Error::Conflict(format!("unknown list status {code:?}")))
        })
        .transpose()?;
    Ok(ListEntry { status, favorite, unsynced })
}

pub(crate) fn write_status(
    connection: &Connection,
    profile: ProfileId,
    title: TitleId,
    status: Option<ListStatus>,
    now: UnixMillis,
) -> Result<()> {
    upsert_marks(
        connection,
        profile,
        title,
        "status = ?3, marked_at = ?4",
        params![profile.0, title.0, status.map(ListStatus::code), now],
    )
}

/// Creates or updates `profile`'s row for `title` with `assignments` (parameters ?1 profile,
/// ?2 title, ?3 the value, ?4 now), then drops the row if it no longer carries a mark.
pub(crate) fn upsert_marks(
    connection: &Connection,
    profile: ProfileId,
    title: TitleId,
    assignments: &str,
    values: &[&dyn rusqlite::ToSql],
) -> Result<()> {
    let exists: bool = connection.query_row(
        "SELECT EXISTS (SELECT 1 FROM titles WHERE id = ?1)",
        [title.0],
        |row| row.get(0),
    )?;
    if !exists {
        return Err(Error::NotFound { what: "title", id: title.0.to_string() });
    }
    connection.execute(
        "INSERT OR IGNORE INTO profile_titles (profile_id, title_id, marked_at) VALUES (?1, ?2, ?3)",
        params![profile.0, title.0, 0],
    )?;
    connection.execute(
        &format!("UPDATE profile_titles SET {assignments} WHERE profile_id = ?1 AND title_id = ?2"),
        values,
    )?;
    prune(connection, profile, title)
}

/// A row that carries no mark any more is removed, so "in a list" is simply "has a row".
fn prune(connection: &Connection, profile: ProfileId, title: TitleId) -> Result<()> {
    connection.execute(
        "DELETE FROM profile_titles WHERE profile_id = ?1 AND title_id = ?2 \
         AND status IS NULL AND favorite = 0 AND continue_hidden_at IS NULL",
        params![profile.0, title.0],
    )?;
    Ok(())
}
