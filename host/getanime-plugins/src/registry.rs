//! Installed plugin packages on disk: `<plugins dir>/<id>/{plugin.toml,plugin.wasm}`.
//!
//! Installing validates everything first (package shape, manifest, checksum, contract version,
//! compilation, exported world) and only then writes: into a hidden staging directory that is
//! renamed into place, so a failed or interrupted install leaves the directory as it was.

use std::path::{Path, PathBuf};

use getanime_domain::PluginManifest;

use crate::package::{COMPONENT_FILE, MANIFEST_FILE, Package, read_manifest};
use crate::runtime::{PluginConfig, PluginRuntime};
use crate::{Error, Plugin, Result};

/// What an install did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installed {
    pub manifest: PluginManifest,
    /// sha256 of the package as given (archive bytes, or the component of a directory).
    pub sha256: String,
    /// The version that was replaced, for an upgrade or reinstall.
    pub replaced_version: Option<String>,
}

/// The plugin packages of one data directory.
pub struct PluginRegistry {
    dir: PathBuf,
}

impl PluginRegistry {
    pub fn new(dir: PathBuf) -> PluginRegistry {
        PluginRegistry { dir }
    }

    /// Where an installed plugin's files live.
    pub fn package_dir(&self, id: &str) -> PathBuf {
        self.dir.join(id)
    }

    /// Installs (or upgrades) the package at `source`, a directory or a `.tar.gz`.
    ///
    /// `expected_sha256` comes from a plugin index; a mismatch refuses the package. An older
    /// version than the installed one is refused (a downgrade could reintroduce a fixed hole).
    pub fn install(
        &self,
        runtime: &PluginRuntime,
        source: &Path,
        expected_sha256: Option<&str>,
    ) -> Result<Installed> {
        let package = Package::read(source)?;
        if let Some(expected) = expected_sha256
            && !expected.eq_ignore_ascii_case(&package.sha256)
        {
            return Err(Error::BadPackage {
                path: source.to_path_buf(),
                reason: format!("its sha256 is {}, the index says {expected}", package.sha256),
            });
        }
        let id = package.manifest.id.clone();
        let replaced_version = self.installed_manifest(&id)?.map(|installed| installed.version);
        if let Some(installed) = &replaced_version {
            refuse_downgrade(&id, installed, &package.manifest.version)?;
        }
        // Everything wasmtime can check, before a single byte is written.
        runtime.instantiate_package(package.clone(), PluginConfig::default())?;

        std::fs::create_dir_all(&self.dir).map_err(|source| io(&self.dir, source))?;
        let staging = self.dir.join(format!(".{id}.installing"));
        remove_dir_if_present(&staging)?;
        std::fs::create_dir(&staging).map_err(|source| io(&staging, source))?;
        let written = std::fs::write(staging.join(MANIFEST_FILE), &package.manifest_text)
            .and_then(|()| std::fs::write(staging.join(COMPONENT_FILE), &package.component));
        if let Err(source) = written {
            remove_dir_if_present(&staging)?;
            return Err(io(&staging, source));
        }
        let target = self.package_dir(&id);
        let previous = self.dir.join(format!(".{id}.previous"));
        remove_dir_if_present(&previous)?;
        if target.exists() {
            std::fs::rename(&target, &previous).map_err(|source| io(&target, source))?;
        }
        std::fs::rename(&staging, &target).map_err(|source| io(&target, source))?;
        remove_dir_if_present(&previous)?;
        Ok(Installed { manifest: package.manifest, sha256: package.sha256, replaced_version })
    }

    /// Deletes an installed plugin's files.
    pub fn remove(&self, id: &str) -> Result<()> {
        let dir = self.package_dir(id);
        if !dir.join(MANIFEST_FILE).is_file() {
            return Err(Error::NotInstalled { id: id.to_owned() });
        }
        std::fs::remove_dir_all(&dir).map_err(|source| io(&dir, source))
    }

    /// The manifests of every installed plugin, by id. Staging leftovers are ignored.
    pub fn installed(&self) -> Result<Vec<PluginManifest>> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => return Err(io(&self.dir, source)),
        };
        let mut manifests = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|source| io(&self.dir, source))?;
            let name = entry.file_name();
            if name.to_string_lossy().starts_with('.')
                || !entry.path().join(MANIFEST_FILE).is_file()
            {
                continue;
            }
            manifests.push(read_manifest(&entry.path().join(MANIFEST_FILE))?);
        }
        manifests.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(manifests)
    }

    /// Loads an installed plugin with the user's configuration.
    pub fn load(&self, runtime: &PluginRuntime, id: &str, config: PluginConfig) -> Result<Plugin> {
        let dir = self.package_dir(id);
        if !dir.join(MANIFEST_FILE).is_file() {
            return Err(Error::NotInstalled { id: id.to_owned() });
        }
        runtime.load_with(&dir, config)
    }

    fn installed_manifest(&self, id: &str) -> Result<Option<PluginManifest>> {
        let path = self.package_dir(id).join(MANIFEST_FILE);
        if !path.is_file() {
            return Ok(None);
        }
        read_manifest(&path).map(Some)
    }
}

fn refuse_downgrade(id: &str, installed: &str, offered: &str) -> Result<()> {
    let downgrade = || Error::Downgrade {
        id: id.to_owned(),
        installed: installed.to_owned(),
        offered: offered.to_owned(),
    };
    match (semver::Version::parse(installed), semver::Version::parse(offered)) {
        (Ok(installed), Ok(offered)) if offered < installed => Err(downgrade()),
        (Ok(_), Err(_)) => Err(downgrade()),
        _ => Ok(()),
    }
}

fn io(path: &Path, source: std::io::Error) -> Error {
    Error::Io { path: path.to_path_buf(), source }
}

fn remove_dir_if_present(dir: &Path) -> Result<()> {
    match std::fs::remove_dir_all(dir) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(io(dir, error)),
        _ => Ok(()),
    }
}
