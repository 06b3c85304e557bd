//! Storage integration tests: real SQLite files in temporary directories.

use std::path::PathBuf;

use anyhow::{Context, Result};
use getanime_storage::{Database, Error};

/// A temporary directory holding one database path.
struct TestDir {
    dir: tempfile::TempDir,
}

impl TestDir {
    fn new() -> Result<TestDir> {
        Ok(TestDir { dir: tempfile::tempdir().context("creating a temp dir")? })
    }

    fn db_path(&self) -> PathBuf {
        self.dir.path().join("library.sqlite3")
    }

    fn open(&self) -> Result<Database> {
        Database::open(&self.db_path()).context("opening the test database")
    }
}

#[test]
fn open_creates_and_migrates_a_new_database() -> Result<()> {
    let dir = TestDir::new()?;
    let db = dir.open()?;
    assert_eq!(db.schema_version()?, 1);
    assert_eq!(db.title_count()?, 0);
    assert!(dir.db_path().is_file());
    Ok(())
}

#[test]
fn reopening_keeps_the_schema_and_applies_nothing_twice() -> Result<()> {
    let dir = TestDir::new()?;
    drop(dir.open()?);
    let db = dir.open()?;
    assert_eq!(db.schema_version()?, 1);
    Ok(())
}

#[test]
fn a_database_from_a_newer_build_is_refused_and_left_untouched() -> Result<()> {
    let dir = TestDir::new()?;
    drop(dir.open()?);
    {
        let raw = rusqlite::Connection::open(dir.db_path())?;
        raw.execute(
            "INSERT INTO refinery_schema_history (version, name, applied_on, checksum) VALUES (99, 'future', 'x', '0')",
            [],
        )?;
        raw.execute("INSERT INTO settings (key, value) VALUES ('marker', 'kept')", [])?;
    }
    let error = Database::open(&dir.db_path()).err().context("a newer schema must be refused")?;
    assert!(matches!(error, Error::NewerSchema { found: 99, supported: 1, .. }), "{error}");
    assert!(error.to_string().contains("newer getanime"), "{error}");

    let raw = rusqlite::Connection::open(dir.db_path())?;
    let marker: String =
        raw.query_row("SELECT value FROM settings WHERE key = 'marker'", [], |row| row.get(0))?;
    assert_eq!(marker, "kept");
    Ok(())
}

#[test]
fn a_missing_directory_is_an_error_not_a_new_database() -> Result<()> {
    let dir = TestDir::new()?;
    let path = dir.dir.path().join("no-such-dir").join("library.sqlite3");
    let error = Database::open(&path).err().context("a missing directory must be refused")?;
    assert!(matches!(error, Error::MissingDirectory { .. }), "{error}");
    assert!(!path.parent().context("parent")?.exists());
    Ok(())
}

#[test]
fn a_file_that_is_not_a_database_is_refused_and_kept() -> Result<()> {
    let dir = TestDir::new()?;
    let content = b"these are my notes, not a database".repeat(200);
    std::fs::write(dir.db_path(), &content)?;
    let error = Database::open(&dir.db_path()).err().context("a non-database must be refused")?;
    assert!(matches!(error, Error::Open { .. }), "{error}");
    assert!(error.to_string().contains("not a database"), "{error}");
    assert_eq!(std::fs::read(dir.db_path())?, content);
    Ok(())
}
