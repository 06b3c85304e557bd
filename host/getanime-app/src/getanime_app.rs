//! The headless core of getanime: where the data lives, the library, and (in later steps) sync,
//! watch tracking and the view models the UI shows.
//!
//! Architecture invariant: no Slint and no GStreamer types here. Everything is testable without
//! a display, and the UI is a thin adapter over this crate.

mod paths;

use anyhow::{Context, Result};
use getanime_storage::Database;

pub use paths::DataPaths;

/// What the home screen says about the library before anything else loads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibraryStatus {
    pub titles: u64,
    pub schema_version: i64,
}

/// The user's library: the database in a data directory.
pub struct Library {
    paths: DataPaths,
    database: Database,
}

impl Library {
    /// Creates the data directory if needed and opens (migrating) the database in it.
    pub fn open(paths: DataPaths) -> Result<Library> {
        paths.create().context("preparing the data directory")?;
        let database = Database::open(&paths.database())
            .with_context(|| format!("opening the library in {}", paths.root().display()))?;
        Ok(Library { paths, database })
    }

    pub fn paths(&self) -> &DataPaths {
        &self.paths
    }

    /// Counts for the status line.
    pub fn status(&self) -> Result<LibraryStatus> {
        Ok(LibraryStatus {
            titles: self.database.title_count().context("counting titles")?,
            schema_version: self.database.schema_version().context("reading the schema version")?,
        })
    }
}
