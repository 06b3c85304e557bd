use std::path::PathBuf;

use rusqlite::ErrorCode;
use thiserror::Error;

use crate::SchemaVersion;

/// Everything that can go wrong in storage, by what the caller can do about it.
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
    #[error("no {what} with id {id}")]
    NotFound { what: &'static str, id: String },
    #[error("the data breaks a rule of the library: {0}")]
    Conflict(String),
    #[error("{path} is not a usable getanime database: {reason}")]
    Corrupt { path: PathBuf, reason: String },
    #[error("the disk is full: nothing was written, free some space and try again")]
    DiskFull,
    #[error("the database is read-only: nothing was written (check the file's permissions)")]
    ReadOnly,
    #[error("the database is busy in another process; try again")]
    Busy,
    #[error("cannot back up or restore {path}: {source}")]
    File {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
}

impl From<rusqlite::Error> for Error {
    fn from(error: rusqlite::Error) -> Error {
        match error.sqlite_error_code() {
            Some(ErrorCode::DiskFull) => Error::DiskFull,
            // The shared-memory index could not grow: on Linux that is a full file system.
            Some(ErrorCode::SystemIoFailure) if matches!(&error, rusqlite::Error::SqliteFailure(failure, _) if failure.extended_code == SQLITE_IOERR_SHMSIZE) => {
                Error::DiskFull
            }
            Some(ErrorCode::ReadOnly) => Error::ReadOnly,
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Error::Busy,
            Some(ErrorCode::ConstraintViolation) => Error::Conflict(error.to_string()),
            _ => Error::Sqlite(error),
        }
    }
}

/// `SQLITE_IOERR_SHMSIZE`: growing the `-shm` file failed.
const SQLITE_IOERR_SHMSIZE: std::ffi::c_int = 10 | (19 << 8);

/// Result of storage operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;
