//! A plugin package: `plugin.toml` + `plugin.wasm`, as a directory or a `.tar.gz` archive.
//!
//! Reading a package checks everything that can be checked without wasmtime: the archive holds
//! exactly those two regular files (no links, no paths outside, nothing else), sizes are bounded
//! (archive bombs stop early), and the manifest is complete and valid.

use std::io::Read;
use std::path::{Component as PathComponent, Path};

use getanime_domain::PluginManifest;
use sha2::{Digest, Sha256};

use crate::{Error, Result};

/// The manifest's file name inside a package.
pub const MANIFEST_FILE: &str = "plugin.toml";
/// The component's file name inside a package.
pub const COMPONENT_FILE: &str = "plugin.wasm";

/// Largest component we accept (the real ones are well under 1 MiB).
const MAX_COMPONENT_BYTES: u64 = 32 << 20;
/// Largest manifest we accept.
const MAX_MANIFEST_BYTES: u64 = 64 << 10;
/// Largest archive we read, compressed.
const MAX_ARCHIVE_BYTES: u64 = 32 << 20;
/// Most entries an archive may list (a folder entry or two plus the two files).
const MAX_ARCHIVE_ENTRIES: usize = 8;

/// A package read into memory and checked, ready for wasmtime to validate.
#[derive(Debug, Clone)]
pub struct Package {
    pub manifest: PluginManifest,
    pub manifest_text: String,
    pub component: Vec<u8>,
    /// sha256 of the package as given: the archive file, or the component of a directory.
    pub sha256: String,
}

impl Package {
    /// Reads a package from a directory or a `.tar.gz` file.
    pub fn read(path: &Path) -> Result<Package> {
        if path.is_dir() { Package::read_dir(path) } else { Package::read_archive(path) }
    }

    fn read_dir(dir: &Path) -> Result<Package> {
        let manifest_text = read_bounded_file(&dir.join(MANIFEST_FILE), MAX_MANIFEST_BYTES)?;
        let component = read_bounded_file(&dir.join(COMPONENT_FILE), MAX_COMPONENT_BYTES)?;
        let manifest_text = String::from_utf8(manifest_text)
            .map_err(|_| bad(dir, "plugin.toml is not UTF-8 text"))?;
        let sha256 = sha256_hex(&component);
        Package::assemble(dir, manifest_text, component, sha256)
    }

    fn read_archive(path: &Path) -> Result<Package> {
        let bytes = read_bounded_file(path, MAX_ARCHIVE_BYTES)?;
        if !bytes.starts_with(&[0x1f, 0x8b]) {
            return Err(bad(path, "not a .tar.gz archive (no gzip header)"));
        }
        let sha256 = sha256_hex(&bytes);
        let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(bytes.as_slice()));
        let mut manifest_text = None;
        let mut component = None;
        let entries = archive
            .entries()
            .map_err(|error| bad(path, &format!("not a .tar.gz archive: {error}")))?;
        for (index, entry) in entries.enumerate() {
            if index >= MAX_ARCHIVE_ENTRIES {
                return Err(bad(path, "the archive holds more than plugin.toml and plugin.wasm"));
            }
            let entry =
                entry.map_err(|error| bad(path, &format!("unreadable archive: {error}")))?;
            let entry_path = entry
                .path()
                .map_err(|error| bad(path, &format!("bad entry name: {error}")))?
                .into_owned();
            if entry_path
                .components()
                .any(|part| !matches!(part, PathComponent::Normal(_) | PathComponent::CurDir))
            {
                return Err(bad(
                    path,
                    &format!("the entry {} points outside the package", entry_path.display()),
                ));
            }
            let kind = entry.header().entry_type();
            if kind.is_dir() {
                continue;
            }
            if !kind.is_file() {
                return Err(bad(
                    path,
                    &format!("the entry {} is a link or a special file", entry_path.display()),
                ));
            }
            let name = entry_path
                .file_name()
                .and_then(|name| name.to_str())
                .unwrap_or_default()
                .to_owned();
            let (slot, limit) = match name.as_str() {
                MANIFEST_FILE => (&mut manifest_text, MAX_MANIFEST_BYTES),
                COMPONENT_FILE => (&mut component, MAX_COMPONENT_BYTES),
                _ => {
                    return Err(bad(
                        path,
                        &format!("unexpected file {} in the package", entry_path.display()),
                    ));
                }
            };
            if slot.is_some() {
                return Err(bad(path, &format!("{name} appears twice in the archive")));
            }
            *slot = Some(
                read_bounded(entry, limit)
                    .map_err(|reason| bad(path, &format!("{name}: {reason}")))?,
            );
        }
        let manifest_text =
            manifest_text.ok_or_else(|| bad(path, "the archive has no plugin.toml"))?;
        let component = component.ok_or_else(|| bad(path, "the archive has no plugin.wasm"))?;
        let manifest_text = String::from_utf8(manifest_text)
            .map_err(|_| bad(path, "plugin.toml is not UTF-8 text"))?;
        Package::assemble(path, manifest_text, component, sha256)
    }

    /// Packs the package directory `dir` into a `.tar.gz` at `out`: its `plugin.toml` and its
    /// `plugin.wasm`, or the component at `component` (an author's `cargo build` output).
    ///
    /// The manifest is checked first, as an install would. The archive is reproducible: the two
    /// files only, mode 0644, owner 0, time 0, so the same inputs give the same sha256. It
    /// is read back with [`Package::read`] and given to `check` (an install's wasmtime checks)
    /// before it replaces anything at `out`, so what is returned (with the archive's sha256, what
    /// a plugin index lists) is what an install sees, and a refused package leaves `out` as it
    /// was.
    pub fn pack(
        dir: &Path,
        component: Option<&Path>,
        out: &Path,
        check: impl FnOnce(&Package) -> Result<()>,
    ) -> Result<Package> {
        let manifest_path = dir.join(MANIFEST_FILE);
        let manifest_text = read_bounded_file(&manifest_path, MAX_MANIFEST_BYTES)?;
        let component_path = component.map_or_else(|| dir.join(COMPONENT_FILE), Path::to_path_buf);
        let component = read_bounded_file(&component_path, MAX_COMPONENT_BYTES)?;
        let text = std::str::from_utf8(&manifest_text)
            .map_err(|_| bad(&manifest_path, "plugin.toml is not UTF-8 text"))?;
        parse_manifest(&manifest_path, text)?;

        let partial = out.with_extension("partial");
        let packed = write_archive(
            &partial,
            &[(MANIFEST_FILE, manifest_text.as_slice()), (COMPONENT_FILE, component.as_slice())],
        )
        .map_err(|source| Error::Io { path: partial.clone(), source })
        .and_then(|()| Package::read(&partial))
        .and_then(|package| check(&package).map(|()| package));
        match packed {
            Ok(package) => {
                std::fs::rename(&partial, out)
                    .map_err(|source| Error::Io { path: out.to_path_buf(), source })?;
                Ok(package)
            }
            Err(error) => {
                // Best effort: the partial file is worth removing, not worth hiding the error.
                if partial.exists() && std::fs::remove_file(&partial).is_err() {
                    tracing::warn!(path = %partial.display(), "could not remove the partial archive");
                }
                Err(error)
            }
        }
    }

    fn assemble(
        path: &Path,
        manifest_text: String,
        component: Vec<u8>,
        sha256: String,
    ) -> Result<Package> {
        let manifest = parse_manifest(path, &manifest_text)?;
        Ok(Package { manifest, manifest_text, component, sha256 })
    }
}

/// Writes `files` (name, bytes) as a reproducible `.tar.gz` at `path`.
fn write_archive(path: &Path, files: &[(&str, &[u8])]) -> std::io::Result<()> {
    let file = std::fs::File::create(path)?;
    // GzBuilder writes time 0 unless told otherwise: the same files, the same bytes.
    let gzip = flate2::GzBuilder::new().write(file, flate2::Compression::best());
    let mut builder = tar::Builder::new(gzip);
    builder.mode(tar::HeaderMode::Deterministic);
    for (name, bytes) in files {
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(tar::EntryType::Regular);
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_uid(0);
        header.set_gid(0);
        builder.append_data(&mut header, name, *bytes)?;
    }
    builder.into_inner()?.finish()?.sync_all()
}

/// Parses and checks a `plugin.toml`.
pub fn parse_manifest(path: &Path, text: &str) -> Result<PluginManifest> {
    let manifest: PluginManifest = toml::from_str(text).map_err(|error| Error::Manifest {
        path: path.to_path_buf(),
        reason: error.message().to_owned(),
    })?;
    manifest
        .check()
        .map_err(|error| Error::Manifest { path: path.to_path_buf(), reason: error.to_string() })?;
    Ok(manifest)
}

/// Reads and checks the `plugin.toml` at `path`.
pub fn read_manifest(path: &Path) -> Result<PluginManifest> {
    let text = read_bounded_file(path, MAX_MANIFEST_BYTES)?;
    let text = String::from_utf8(text).map_err(|_| bad(path, "plugin.toml is not UTF-8 text"))?;
    parse_manifest(path, &text)
}

/// Lower-case hex sha256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|byte| format!("{byte:02x}")).collect()
}

fn bad(path: &Path, reason: &str) -> Error {
    Error::BadPackage { path: path.to_path_buf(), reason: reason.to_owned() }
}

fn read_bounded_file(path: &Path, limit: u64) -> Result<Vec<u8>> {
    let metadata = std::fs::symlink_metadata(path)
        .map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
    if !metadata.is_file() {
        return Err(bad(path, "not a regular file"));
    }
    let file = std::fs::File::open(path)
        .map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
    read_bounded(file, limit).map_err(|reason| bad(path, &reason))
}

/// Reads at most `limit` bytes; more is an error, so a bomb stops after `limit` bytes.
fn read_bounded(reader: impl Read, limit: u64) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    reader.take(limit + 1).read_to_end(&mut bytes).map_err(|error| error.to_string())?;
    if bytes.len() as u64 > limit {
        return Err(format!("larger than the {} MiB allowed", limit.div_ceil(1 << 20)));
    }
    Ok(bytes)
}
