//! A plugin package on disk: a directory with `plugin.toml` and `plugin.wasm`.

use std::path::Path;

use getanime_domain::PluginManifest;

use crate::{Error, Result};

/// The manifest's file name inside a package.
pub const MANIFEST_FILE: &str = "plugin.toml";
/// The component's file name inside a package.
pub const COMPONENT_FILE: &str = "plugin.wasm";

/// Reads and checks the `plugin.toml` at `path`.
pub fn read_manifest(path: &Path) -> Result<PluginManifest> {
    let text = std::fs::read_to_string(path)
        .map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
    let manifest: PluginManifest = toml::from_str(&text).map_err(|error| Error::Manifest {
        path: path.to_path_buf(),
        reason: error.message().to_owned(),
    })?;
    manifest
        .check()
        .map_err(|error| Error::Manifest { path: path.to_path_buf(), reason: error.to_string() })?;
    Ok(manifest)
}
