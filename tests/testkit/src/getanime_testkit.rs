//! Shared test support: a fake HTTP server on loopback ([`http`]), and where the built plugins
//! and the fixtures are. Tests never touch the internet.

pub mod http;

use std::path::PathBuf;

use anyhow::{Result, bail};

pub use http::{FakeServer, Reply};

/// The repository root.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The package directory `cargo xtask build-plugins` made for `id` (`GETANIME_PLUGINS_DIR`
/// overrides the root). A missing build is an error with the fix, never a skipped test.
pub fn built_plugin(id: &str) -> Result<PathBuf> {
    let root = std::env::var_os("GETANIME_PLUGINS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/plugins"));
    let dir = root.join(id);
    if !dir.join("plugin.wasm").is_file() {
        bail!("plugin package {} is missing: run `cargo xtask build-plugins` first", dir.display());
    }
    Ok(dir)
}

/// `tests/fixtures/<area>/<name>`.
pub fn fixture_path(area: &str, name: &str) -> PathBuf {
    workspace_root().join("tests/fixtures").join(area).join(name)
}

/// A fixture file as a 200 reply with a content type from its extension.
pub fn fixture(area: &str, name: &str) -> Result<Reply> {
    Reply::file(&fixture_path(area, name))
}
