use std::path::PathBuf;

use thiserror::Error;

use crate::SchemaVersion;

/// Everything that can go wrong in storage.
#[derive(Debug, Error)]
pub enum Error {
    #[error("cannot open the database {path}: its directory does not exist")]
    MissingDirectory { path: PathBuf },
    #[error("cannot open the database {path}: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error(
        "the database {path} was written by a newer getanime (schema version {found}, this build knows up to {supported}); \
         it was left untouched: update getanime or restore a backup"
    )]
    NewerSchema { path: PathBuf, found: SchemaVersion, supported: SchemaVersion },
    #[error("migrating the database {path} failed, nothing was changed: {source}")]
    Migration {
        path: PathBuf,
        #[source]
        source: refinery::Error,
    },
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

/// Result of storage operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;
