use std::path::PathBuf;

use thiserror::Error;

/// Why a plugin could not be installed, loaded or called. Every variant names the plugin (or the
/// package path when the id is not known yet).
#[derive(Debug, Error)]
pub enum Error {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not a valid plugin package: {reason}")]
    BadPackage { path: PathBuf, reason: String },
    #[error("the manifest {path} is invalid: {reason}")]
    Manifest { path: PathBuf, reason: String },
    #[error("plugin {id} needs contract version {found}, this getanime supports {supported}")]
    IncompatibleApi { id: String, found: String, supported: String },
    #[error("plugin {id} is not a valid provider component: {reason}")]
    Load { id: String, reason: String },
    #[error("plugin {id} {offered} is older than the installed {installed}; not downgrading")]
    Downgrade { id: String, installed: String, offered: String },
    #[error("plugin {id} is not installed")]
    NotInstalled { id: String },
    #[error("plugin {id} tried to reach {host}, which it is not allowed to")]
    CapabilityDenied { id: String, host: String },
    #[error("plugin {id} took longer than {seconds} s and was stopped")]
    Timeout { id: String, seconds: u64 },
    #[error("plugin {id} used more memory than the {limit_mib} MiB it may and was stopped")]
    MemoryExceeded { id: String, limit_mib: usize },
    #[error("plugin {id} returned more data than the {limit_mib} MiB the host accepts")]
    OutputTooLarge { id: String, limit_mib: usize },
    #[error("plugin {id} crashed: {reason}")]
    Trap { id: String, reason: String },
    /// The source itself failed; `name` is how the user knows it ("AniLibria").
    #[error("{}", provider_failure(name, error))]
    Provider { id: String, name: String, error: getanime_domain::ProviderError },
    /// A tracker failed; `name` is how the user knows it ("AniLiberty account").
    #[error("{name}: {error}")]
    Tracker { id: String, name: String, error: getanime_domain::TrackerError },
    #[error("plugin {id} is not {expected}")]
    WrongKind { id: String, expected: &'static str },
    #[error("plugin {id} signed in, but the token could not be kept: {reason}")]
    TokenNotKept { id: String, reason: String },
    /// An `[oauth]` tracker without its registered application's client id: nothing to sign in
    /// with until the user types one (the project's own is not registered yet).
    #[error(
        "{name} has no registered application yet: set its client_id (and client_secret) with \
         `getanime plugin set {id} client_id …`; the README says how to register one"
    )]
    NoClientRegistration { id: String, name: String },
    #[error("cannot start the plugin runtime: {0}")]
    Runtime(String),
}

/// How a source's failure reads: "AniLibria failed: the source is unreachable: …", and for an
/// answer cut off, plain words without the parser's detail (which went to the log).
fn provider_failure(name: &str, error: &getanime_domain::ProviderError) -> String {
    match error {
        getanime_domain::ProviderError::CutOff(_) => {
            format!("{name}'s answer was cut off; the library keeps what it had")
        }
        other => format!("{name} failed: {other}"),
    }
}

/// Result of plugin operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;
