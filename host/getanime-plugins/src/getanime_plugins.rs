//! Runs plugins: WebAssembly components implementing `wit/` (`getanime:provider`): sources
//! (world `provider`) and, from contract 0.3, accounts at trackers (world `tracker`).
//!
//! Architecture invariant: this is the only crate that names wasmtime. Everything a plugin returns
//! leaves this crate as `getanime-domain` types; a trap, a timeout or a memory blow-up leaves it as
//! an [`Error`], never as a panic.
//!
//! - [`PluginRuntime`]: one wasmtime engine (component model, async, epoch interruption) and the
//!   linker with the locked-down WASI context and the host imports.
//! - [`PluginRegistry`]: installed packages on disk; installs validate everything before writing.
//! - [`Plugin`]: one loaded package (component + manifest). Every call gets a fresh store and
//!   instance from an `InstancePre`, so a misbehaving call cannot poison the next one.

mod account;
mod bindings;
mod cache;
mod conversion;
mod error;
mod host_api;
mod mirrors;
mod network;
mod oauth;
mod package;
mod rate_limit;
mod registry;
mod runtime;
mod tracker;

pub use account::{AccountSession, LoadToken, StoreToken, Token};
pub use error::{Error, Result};
pub use mirrors::MirrorListener;
pub use network::{
    FetchError, Fetched, GuardedClient, HttpMethod, NetworkPolicy, Refusal, Streamed, is_public,
    resolve_url, url_host,
};
pub use oauth::{clean_pasted, client_settings, is_secret_setting};
pub use package::{
    COMPONENT_FILE, MANIFEST_FILE, Package, parse_manifest, read_manifest, sha256_hex,
};
pub use rate_limit::PaceClock;
pub use registry::{Installed, PluginRegistry};
pub use runtime::{Plugin, PluginConfig, PluginRuntime, RuntimeLimits};

/// The newest contract version this host implements (the `wit/` package version).
pub const API_VERSION: &str = "0.3.0";

/// Every contract version this host runs, oldest first: `wit/frozen/v0.1.0`, `v0.2.0` and
/// `wit/`. Each has its own bindings (`bindings.rs`); a plugin built against any of them keeps
/// working. Trackers need 0.3.
pub const API_VERSIONS: [&str; 3] = ["0.1.0", "0.2.0", API_VERSION];

/// The contract versions this host runs, without their patch number: `["0.1", "0.2"]`.
pub fn supported_api_minors() -> Vec<&'static str> {
    API_VERSIONS
        .iter()
        .map(|version| version.rsplit_once('.').map_or(*version, |(minor, _)| minor))
        .collect()
}

/// The versions in words, for messages: "0.1 and 0.2".
pub fn supported_api_versions() -> String {
    let short = supported_api_minors();
    match short.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}
