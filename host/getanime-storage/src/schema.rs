//! Schema migrations (refinery, files in `migrations/` at the repository root).

use std::path::Path;

use rusqlite::{Connection, OptionalExtension};

use crate::{Error, Result};

mod embedded {
    refinery::embed_migrations!("../../migrations");
}

/// A refinery schema version (the `N` of `VN__name.sql`).
pub type SchemaVersion = i64;

const HISTORY_TABLE: &str = "refinery_schema_history";

/// The newest version this build knows.
pub fn latest_version() -> SchemaVersion {
    embedded::migrations::runner()
        .get_migrations()
        .iter()
        .map(|migration| SchemaVersion::from(migration.version()))
        .max()
        .unwrap_or(0)
}

/// The version recorded in the database; 0 for a new database.
pub fn current_version(connection: &Connection) -> Result<SchemaVersion> {
    let has_history: bool = connection.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1)",
        [HISTORY_TABLE],
        |row| row.get(0),
    )?;
    if !has_history {
        return Ok(0);
    }
    let version: Option<SchemaVersion> = connection
        .query_row(&format!("SELECT max(version) FROM {HISTORY_TABLE}"), [], |row| row.get(0))
        .optional()?
        .flatten();
    Ok(version.unwrap_or(0))
}

/// Applies every pending migration in one transaction, after refusing a newer schema.
pub fn migrate(connection: &mut Connection, path: &Path) -> Result<()> {
    let found = current_version(connection)?;
    let supported = latest_version();
    if found > supported {
        return Err(Error::NewerSchema { path: path.to_path_buf(), found, supported });
    }
    if found > 0 && found < supported {
        // An existing library is about to change shape: keep a copy of it as it was.
        let copy = crate::backup::sibling(path, &format!("before-v{supported}"));
        tracing::info!(from = found, to = supported, backup = %copy.display(), "backing up before migrating");
        connection.backup(rusqlite::MAIN_DB, &copy, None::<fn(rusqlite::backup::Progress)>)?;
    }
    let report = embedded::migrations::runner()
        .set_grouped(true)
        .run(connection)
        .map_err(|source| Error::Migration { path: path.to_path_buf(), source })?;
    for migration in report.applied_migrations() {
        tracing::info!(version = migration.version(), name = migration.name(), "applied migration");
    }
    Ok(())
}
