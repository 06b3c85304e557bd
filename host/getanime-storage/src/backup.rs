//! Backup and restore with SQLite's online backup API: both work while the app runs.

use std::path::{Path, PathBuf};

use rusqlite::backup::Progress;
use rusqlite::{Connection, MAIN_DB, OpenFlags};

use crate::schema::{self, SchemaVersion};
use crate::{Database, Error, Result};

/// No progress reporting: backups of a library take well under a second.
const NO_PROGRESS: Option<fn(Progress)> = None;

impl Database {
    /// Copies the live database to `destination` (a consistent snapshot even while other
    /// connections write). The file appears only when complete: a crash leaves no half backup.
    /// Paired phones stay behind: a backup restored on another TV must not let them in there.
    pub fn backup_to(&self, destination: &Path) -> Result<()> {
        let partial = sibling(destination, "partial");
        remove_if_present(&partial)?;
        let copied = self
            .connection
            .backup(MAIN_DB, &partial, NO_PROGRESS)
            .map_err(Error::from)
            .and_then(|()| without_remote_devices(&partial));
        if let Err(error) = copied {
            remove_if_present(&partial)?;
            return Err(error);
        }
        std::fs::rename(&partial, destination)
            .map_err(|source| Error::File { path: destination.to_path_buf(), source })
    }

    /// Replaces the library with the backup at `source`.
    ///
    /// The backup is checked first (a SQLite file, `integrity_check` ok, a getanime schema not
    /// newer than this build); a bad file is refused and the live database is not touched. The
    /// current library is kept as `<database>.before-restore`. The copy into the live database is
    /// one transaction, so other connections see the old or the new library, never a mix. An older
    /// backup is then migrated to the current schema.
    ///
    /// This TV's paired phones stay paired (a backup carries none).
    pub fn restore_from(&mut self, source: &Path) -> Result<()> {
        check_backup(source)?;
        self.backup_to(&sibling(&self.path, "before-restore"))?;
        let paired = self.remote_device_rows()?;
        self.connection.restore(MAIN_DB, source, NO_PROGRESS)?;
        schema::migrate(&mut self.connection, &self.path)?;
        self.put_back_remote_device_rows(&paired)?;
        Ok(())
    }
}

/// Empties the paired-devices table of a backup file, its old pages zeroed.
fn without_remote_devices(path: &Path) -> Result<()> {
    let connection = Connection::open(path)?;
    let has_table: bool = connection.query_row(
        "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'remote_devices'",
        [],
        |row| row.get(0),
    )?;
    if has_table {
        connection.execute_batch("PRAGMA secure_delete = ON; DELETE FROM remote_devices;")?;
    }
    Ok(())
}

/// Refuses anything that is not a healthy getanime database this build can read.
fn check_backup(path: &Path) -> Result<SchemaVersion> {
    let corrupt = |reason: String| Error::Corrupt { path: path.to_path_buf(), reason };
    if !path.is_file() {
        return Err(corrupt("there is no such file".into()));
    }
    let connection = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|error| corrupt(error.to_string()))?;
    let integrity: String = connection
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .map_err(|error| corrupt(error.to_string()))?;
    if integrity != "ok" {
        return Err(corrupt(format!("integrity check failed: {integrity}")));
    }
    let has_titles: bool = connection
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'titles')",
            [],
            |row| row.get(0),
        )
        .map_err(|error| corrupt(error.to_string()))?;
    let found = schema::current_version(&connection)?;
    if !has_titles || found == 0 {
        return Err(corrupt("it is a SQLite file but not a getanime library".into()));
    }
    let supported = schema::latest_version();
    if found > supported {
        return Err(Error::NewerSchema { path: path.to_path_buf(), found, supported });
    }
    Ok(found)
}

/// `<path>.<suffix>`, next to `path`.
pub(crate) fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

fn remove_if_present(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
            Err(Error::File { path: path.to_path_buf(), source: error })
        }
        _ => Ok(()),
    }
}
