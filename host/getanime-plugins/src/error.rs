use std::path::PathBuf;

use thiserror::Error;

/// Why a plugin could not be loaded or a call failed.
#[derive(Debug, Error)]
pub enum Error {
    #[error("cannot read the plugin package at {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the manifest {path} is invalid: {reason}")]
    Manifest { path: PathBuf, reason: String },
    #[error("plugin {id} needs contract version {found}, this getanime supports {supported}")]
    IncompatibleApi { id: String, found: String, supported: String },
    #[error("plugin {id} is not a valid provider component: {reason}")]
    Load { id: String, reason: String },
    #[error("plugin {id} took longer than {seconds} s and was stopped")]
    Timeout { id: String, seconds: u64 },
    #[error("plugin {id} used more memory than the {limit_mib} MiB it may and was stopped")]
    OutOfMemory { id: String, limit_mib: usize },
    #[error("plugin {id} crashed: {reason}")]
    Trap { id: String, reason: String },
    #[error("plugin {id} failed: {error}")]
    Provider { id: String, error: getanime_domain::ProviderError },
    #[error("cannot start the plugin runtime: {0}")]
    Runtime(String),
}

/// Result of plugin operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;
