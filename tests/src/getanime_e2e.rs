//! Harness for end-to-end tests: a fresh data directory and the plugin packages built by
//! `cargo xtask build-plugins`.

use anyhow::Result;
use getanime_app::{App, DataPaths};

pub use getanime_testkit::built_plugin;

/// A user's world in a temporary directory, removed when dropped.
pub struct TestHome {
    dir: tempfile::TempDir,
}

impl TestHome {
    pub fn new() -> Result<TestHome> {
        Ok(TestHome { dir: tempfile::tempdir()? })
    }

    pub fn paths(&self) -> Result<DataPaths> {
        DataPaths::resolve(Some(self.dir.path().join("data")))
    }

    pub fn open_app(&self) -> Result<App> {
        App::open(self.paths()?)
    }
}
