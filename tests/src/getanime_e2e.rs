//! Harness for end-to-end tests: a fresh data directory and the plugin packages built by
//! `cargo xtask build-plugins`.

use std::path::PathBuf;

use anyhow::{Result, bail};
use getanime_app::{DataPaths, Library};

/// The directory `cargo xtask build-plugins` fills (`GETANIME_PLUGINS_DIR` overrides).
pub fn built_plugin(id: &str) -> Result<PathBuf> {
    let root = match std::env::var_os("GETANIME_PLUGINS_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/plugins"),
    };
    let dir = root.join(id);
    if !dir.join("plugin.wasm").is_file() {
        bail!("plugin package {} is missing: run `cargo xtask build-plugins` first", dir.display());
    }
    Ok(dir)
}

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

    pub fn open_library(&self) -> Result<Library> {
        Library::open(self.paths()?)
    }
}
