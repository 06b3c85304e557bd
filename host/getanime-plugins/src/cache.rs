//! Compiled components cached on disk, so a plugin compiles once, not at every start.
//!
//! A cache file is named by the component's sha256 and the engine's compatibility hash (wasmtime
//! version + compiler settings), and has a `.sha256` sidecar with the hash of its own bytes. A file
//! whose bytes do not match, or that wasmtime refuses, is deleted and the component recompiled.
//! The cache lives in the user's data directory, with the same trust as the library itself.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

use wasmtime::Engine;
use wasmtime::component::Component;

use crate::package::sha256_hex;

pub(crate) struct CompileCache {
    dir: PathBuf,
}

impl CompileCache {
    pub(crate) fn new(dir: PathBuf) -> CompileCache {
        CompileCache { dir }
    }

    fn path(&self, engine: &Engine, component_sha256: &str) -> PathBuf {
        let mut hasher = DefaultHasher::new();
        engine.precompile_compatibility_hash().hash(&mut hasher);
        self.dir.join(format!("{component_sha256}-{:016x}.cwasm", hasher.finish()))
    }

    /// The cached compilation of the component with this sha256, if present and intact.
    pub(crate) fn load(&self, engine: &Engine, component_sha256: &str) -> Option<Component> {
        let path = self.path(engine, component_sha256);
        let bytes = std::fs::read(&path).ok()?;
        let expected = std::fs::read_to_string(sidecar(&path)).ok();
        if expected.as_deref().map(str::trim) != Some(sha256_hex(&bytes).as_str()) {
            tracing::warn!(path = %path.display(), "a compiled plugin in the cache does not match its checksum; recompiling");
            self.discard(&path);
            return None;
        }
        match deserialize(engine, &bytes) {
            Ok(component) => Some(component),
            Err(error) => {
                tracing::warn!(path = %path.display(), "wasmtime refused a cached plugin ({error:#}); recompiling");
                self.discard(&path);
                None
            }
        }
    }

    /// Stores a compilation; failures only cost a recompile next time, so they are logged.
    pub(crate) fn store(&self, engine: &Engine, component_sha256: &str, component: &Component) {
        let path = self.path(engine, component_sha256);
        let stored =
            component.serialize().map_err(|error| format!("{error:#}")).and_then(|bytes| {
                std::fs::create_dir_all(&self.dir).map_err(|error| error.to_string())?;
                let partial = path.with_extension("partial");
                std::fs::write(&partial, &bytes).map_err(|error| error.to_string())?;
                std::fs::write(sidecar(&path), sha256_hex(&bytes))
                    .map_err(|error| error.to_string())?;
                std::fs::rename(&partial, &path).map_err(|error| error.to_string())
            });
        if let Err(error) = stored {
            tracing::warn!(path = %path.display(), "cannot cache a compiled plugin: {error}");
        }
    }

    fn discard(&self, path: &Path) {
        for file in [path.to_path_buf(), sidecar(path)] {
            if let Err(error) = std::fs::remove_file(&file)
                && error.kind() != std::io::ErrorKind::NotFound
            {
                tracing::warn!(path = %file.display(), "cannot remove a bad cache file: {error}");
            }
        }
    }
}

fn sidecar(path: &Path) -> PathBuf {
    path.with_extension("cwasm.sha256")
}

/// Deserializing runs native code compiled earlier, so it is only done for bytes whose checksum
/// matched the one written with them; wasmtime itself checks the version and settings.
#[allow(
    unsafe_code,
    reason = "wasmtime's deserialize is unsafe: the bytes are our own checked compilation"
)]
fn deserialize(engine: &Engine, bytes: &[u8]) -> wasmtime::Result<Component> {
    // SAFETY: `bytes` were produced by `Component::serialize` on this machine and match the
    // sha256 written beside them; wasmtime validates version and engine compatibility.
    unsafe { Component::deserialize(engine, bytes) }
}
