//! The SQLite database of getanime.
//!
//! Architecture invariant: this is the only crate that contains SQL. Other crates speak the typed
//! methods of [`Database`] in terms of `getanime-domain` types.
//!
//! Opening runs the connection pragmas first (WAL, foreign keys, busy timeout), then every pending
//! refinery migration from `migrations/` in one transaction, and refuses a database written by a
//! newer getanime.

mod backup;
mod catalog;
mod error;
mod plugins;
mod posters;
mod schema;
mod watch;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

pub use catalog::SyncState;
pub use error::{Error, Result};
pub use plugins::RemovalPolicy;
pub use schema::SchemaVersion;

/// How long a writer waits for another connection's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// An open, migrated getanime database.
pub struct Database {
    connection: Connection,
    path: PathBuf,
}

impl Database {
    /// Opens (creating it if needed) the database at `path` and migrates it to the latest schema.
    ///
    /// The parent directory must exist: a mistyped path is an error, not a fresh empty library.
    pub fn open(path: &Path) -> Result<Database> {
        let parent = path.parent().filter(|parent| !parent.as_os_str().is_empty());
        if let Some(parent) = parent
            && !parent.is_dir()
        {
            return Err(Error::MissingDirectory { path: path.to_path_buf() });
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let mut connection = Connection::open_with_flags(path, flags)
            .map_err(|source| Error::Open { path: path.to_path_buf(), source })?;
        configure(&connection)
            .map_err(|source| Error::Open { path: path.to_path_buf(), source })?;
        schema::migrate(&mut connection, path)?;
        Ok(Database { connection, path: path.to_path_buf() })
    }

    /// Where the database file lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version this database is at.
    pub fn schema_version(&self) -> Result<SchemaVersion> {
        schema::current_version(&self.connection)
    }

    /// Checks the file (`integrity_check`, `foreign_key_check`) and counts the catalog rows.
    pub fn check(&self) -> Result<LibraryCheck> {
        let mut problems = Vec::new();
        let mut statement = self.connection.prepare("PRAGMA integrity_check")?;
        for line in statement.query_map([], |row| row.get::<_, String>(0))? {
            let line = line?;
            if line != "ok" {
                problems.push(line);
            }
        }
        let mut statement = self.connection.prepare("PRAGMA foreign_key_check")?;
        for row in statement
            .query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, Option<i64>>(1)?)))?
        {
            let (table, row_id) = row?;
            problems.push(format!("{table} row {row_id:?} points at a missing parent"));
        }
        let count = |table: &str| -> Result<u64> {
            let count: i64 =
                self.connection
                    .query_row(&format!("SELECT count(*) FROM {table}"), [], |row| row.get(0))?;
            Ok(u64::try_from(count).unwrap_or(0))
        };
        Ok(LibraryCheck {
            problems,
            titles: count("titles")?,
            episodes: count("episodes")?,
            streams: count("streams")?,
            torrents: count("torrents")?,
        })
    }

    /// Number of titles in the library, over all sources.
    pub fn title_count(&self) -> Result<u64> {
        let count: i64 =
            self.connection.query_row("SELECT count(*) FROM titles", [], |row| row.get(0))?;
        Ok(u64::try_from(count).unwrap_or(0))
    }
}

/// The result of [`Database::check`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibraryCheck {
    /// Empty when the file is healthy.
    pub problems: Vec<String>,
    pub titles: u64,
    pub episodes: u64,
    pub streams: u64,
    pub torrents: u64,
}

/// Connection pragmas. They must run outside any transaction (WAL cannot be switched inside one).
fn configure(connection: &Connection) -> rusqlite::Result<()> {
    connection.busy_timeout(BUSY_TIMEOUT)?;
    // Reading the journal mode back forces SQLite to read the header: a file that is not a
    // database fails here with "file is not a database" instead of later.
    let mode: String = connection.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(%mode, "SQLite refused WAL mode; continuing with the reported journal mode");
    }
    connection.pragma_update(None, "foreign_keys", true)?;
    connection.pragma_update(None, "synchronous", "NORMAL")?;
    Ok(())
}
