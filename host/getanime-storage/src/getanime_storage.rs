//! The SQLite database of getanime.
//!
//! Architecture invariant: this is the only crate that contains SQL. Other crates speak the typed
//! methods of [`Database`] in terms of `getanime-domain` types.
//!
//! Opening runs the connection pragmas first (WAL, foreign keys, busy timeout), then every pending
//! refinery migration from `migrations/` in one transaction, and refuses a database written by a
//! newer getanime.

mod accounts;
mod backup;
mod catalog;
mod error;
mod home;
mod ingest;
mod lists;
mod plugins;
mod posters;
mod remote_devices;
mod schema;
mod watch;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

pub use catalog::SyncState;
pub use error::{Error, Result};
pub use plugins::RemovalPolicy;
pub use posters::PosterToFetch;
pub use schema::SchemaVersion;

/// How long a writer waits for another connection's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Free space below which an I/O failure at open time is taken as a full disk.
const FULL_DISK_BYTES: u64 = 1 << 20;

/// An open, migrated getanime database.
pub struct Database {
    connection: Connection,
    path: PathBuf,
    /// Opened as a read-only snapshot because the disk was full (see [`Database::open`]).
    full_disk: bool,
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
        let opened = Connection::open_with_flags(path, flags).and_then(|connection| {
            configure(&connection)?;
            Ok(connection)
        });
        let mut connection = match opened {
            Ok(connection) => connection,
            // A WAL database needs room for its `-shm` and `-wal` files even to be read. On a
            // full disk the library is still shown, from a read-only snapshot, and every write
            // says the disk is full.
            Err(source) if is_io_failure(&source) && disk_is_full(path) && path.is_file() => {
                tracing::warn!(path = %path.display(), "the disk is full: opening the library read-only");
                return Database::open_snapshot(path, true);
            }
            // The same on a read-only file system or directory: browsing still works.
            Err(_) if !directory_is_writable(path) && path.is_file() => {
                tracing::warn!(path = %path.display(), "the library's folder is read-only: opening it read-only");
                return Database::open_snapshot(path, false);
            }
            Err(source) => return Err(Error::Open { path: path.to_path_buf(), source }),
        };
        schema::migrate(&mut connection, path)?;
        Ok(Database { connection, path: path.to_path_buf(), full_disk: false })
    }

    /// The library read-only, without locks or shared memory (`immutable=1`): nothing can write
    /// to a full disk anyway. Refused when the file still needs a migration.
    fn open_snapshot(path: &Path, full_disk: bool) -> Result<Database> {
        let uri = format!("file:{}?immutable=1", path.display());
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let connection = Connection::open_with_flags(&uri, flags)
            .map_err(|source| Error::Open { path: path.to_path_buf(), source })?;
        connection
            .pragma_update(None, "foreign_keys", "ON")
            .map_err(|source| Error::Open { path: path.to_path_buf(), source })?;
        if schema::current_version(&connection)? != schema::latest_version() {
            return Err(if full_disk { Error::DiskFull } else { Error::ReadOnly });
        }
        Ok(Database { connection, path: path.to_path_buf(), full_disk })
    }

    /// Whether this library was opened read-only because its disk was full; its writes fail
    /// with [`Error::DiskFull`] (callers map [`Error::ReadOnly`] with [`Database::write_error`]).
    pub fn opened_on_full_disk(&self) -> bool {
        self.full_disk
    }

    /// The error a failed write should report: on a library opened on a full disk, "read-only"
    /// means "the disk is full".
    pub fn write_error(&self, error: Error) -> Error {
        match error {
            Error::ReadOnly if self.full_disk => Error::DiskFull,
            other => other,
        }
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

/// An SQLite I/O error (any extended `SQLITE_IOERR_*` code).
fn is_io_failure(error: &rusqlite::Error) -> bool {
    error.sqlite_error_code() == Some(rusqlite::ErrorCode::SystemIoFailure)
}

/// The directory holding `path`.
fn directory_of(path: &Path) -> &Path {
    path.parent().filter(|parent| !parent.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// Whether the directory holding `path` can take new files (the `-wal` and `-shm` files).
fn directory_is_writable(path: &Path) -> bool {
    rustix::fs::access(directory_of(path), rustix::fs::Access::WRITE_OK).is_ok()
}

/// Whether the file system holding `path` has (almost) no space left for us.
fn disk_is_full(path: &Path) -> bool {
    rustix::fs::statvfs(directory_of(path))
        .is_ok_and(|stats| stats.f_bavail.saturating_mul(stats.f_frsize) < FULL_DISK_BYTES)
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
    // 32 MiB of pages (SQLite's default is 2): the home's rows read episodes and marks all over
    // a large library, and a TV box has the memory.
    connection.pragma_update(None, "cache_size", -32_768)?;
    Ok(())
}
