//! The guest SDK for getanime provider plugins.
//!
//! A plugin implements [`Provider`] (every method defaults to `unsupported`) and calls
//! [`export_provider!`]. It reaches the network only through [`http`], which goes through the
//! host and its per-plugin allow-list. Plugins never call wit-bindgen themselves; this crate owns
//! the WIT path and version. Who the plugin is lives in its `plugin.toml` alone. Records have
//! `Default` (see [`records`]) so a plugin names only the fields its source fills, and
//! [`testing`] runs a plugin's whole glue natively under `cargo test` against canned answers.
//! See `plugins/README.md` for a walk-through.

// Lets the generated `export!` macro name this crate from inside it too.
extern crate self as getanime_provider_sdk;

pub mod http;
pub mod lenient;
pub mod records;
pub mod snapshot;
/// Native only: in a wasm component the real host answers.
#[cfg(not(target_arch = "wasm32"))]
pub mod testing;
pub mod text;
pub mod tracker;

/// The raw wit-bindgen output for the `getanime:provider/provider` world.
#[allow(clippy::all, unsafe_code, reason = "generated code")]
pub mod bindings {
    wit_bindgen::generate!({
        path: "../../wit",
        world: "getanime:provider/provider",
        pub_export_macro: true,
        export_macro_name: "export_raw",
        default_bindings_module: "getanime_provider_sdk::bindings",
        runtime_path: "getanime_provider_sdk::wit_bindgen::rt",
    });
}

#[doc(hidden)]
pub use wit_bindgen;

pub use bindings::getanime::provider::host::{Level, Method};
pub use bindings::getanime::provider::types::{
    CatalogFilter, CatalogFilters, Episode, ExternalId, FilterOption, Page, ProviderError, Quality,
    RelatedTitle, ScheduleDay, SkipRange, Stream, SubtitleFormat, SubtitleTrack, Title,
    TitleSummary, Torrent, Tracker,
};

/// The API version of the contract this SDK was built against (the WIT package version); a
/// plugin's `plugin.toml` says the same in `api_version`.
pub const API_VERSION: &str = "0.3.0";

/// What a provider plugin implements; every call it leaves out answers `unsupported`.
pub trait Provider {
    /// Recently updated titles, newest first; `page` starts at 1.
    fn latest(_page: u32) -> Result<Page, ProviderError> {
        Err(ProviderError::Unsupported)
    }

    /// Titles matching `query`; `page` starts at 1.
    fn search(_query: String, _page: u32) -> Result<Page, ProviderError> {
        Err(ProviderError::Unsupported)
    }

    /// The weekly release schedule.
    fn schedule() -> Result<Vec<ScheduleDay>, ProviderError> {
        Err(ProviderError::Unsupported)
    }

    /// One title with all its episodes and torrents.
    fn details(_source_id: String) -> Result<Title, ProviderError> {
        Err(ProviderError::Unsupported)
    }

    /// The filters [`Provider::catalog`] understands.
    fn filters() -> Result<CatalogFilters, ProviderError> {
        Err(ProviderError::Unsupported)
    }

    /// The source's whole catalog, filtered and sorted; `page` starts at 1.
    fn catalog(_filter: CatalogFilter, _page: u32) -> Result<Page, ProviderError> {
        Err(ProviderError::Unsupported)
    }
}

/// Writes a line to the host log, tagged with this plugin's id.
pub fn log(level: Level, message: &str) {
    #[cfg(target_arch = "wasm32")]
    bindings::getanime::provider::host::log(level, message);
    #[cfg(not(target_arch = "wasm32"))]
    testing::log(level, message);
}

/// Reads a setting: the user's override, else the default from `plugin.toml`.
pub fn setting(key: &str) -> Option<String> {
    #[cfg(target_arch = "wasm32")]
    return bindings::getanime::provider::host::setting(key);
    #[cfg(not(target_arch = "wasm32"))]
    testing::setting(key)
}

/// A setting, or `default` when unset.
pub fn setting_or(key: &str, default: &str) -> String {
    setting(key).unwrap_or_else(|| default.to_owned())
}

/// A numeric setting within `range`, or `default` when unset, malformed or out of range.
pub fn setting_in(key: &str, range: std::ops::RangeInclusive<u32>, default: u32) -> u32 {
    setting(key)
        .and_then(|value| value.trim().parse().ok())
        .filter(|value| range.contains(value))
        .unwrap_or(default)
}

/// Exports a [`Provider`] implementation as the plugin's `catalog`.
///
/// ```ignore
/// struct MySource;
/// impl getanime_provider_sdk::Provider for MySource { /* ... */ }
/// getanime_provider_sdk::export_provider!(MySource);
/// ```
#[macro_export]
macro_rules! export_provider {
    ($provider:ident) => {
        const _: () = {
            use $crate::bindings::exports::getanime::provider::catalog as catalog;

            impl catalog::Guest for $provider {
                fn latest(page: u32) -> Result<$crate::Page, $crate::ProviderError> {
                    <$provider as $crate::Provider>::latest(page)
                }
                fn search(query: String, page: u32) -> Result<$crate::Page, $crate::ProviderError> {
                    <$provider as $crate::Provider>::search(query, page)
                }
                fn schedule() -> Result<Vec<$crate::ScheduleDay>, $crate::ProviderError> {
                    <$provider as $crate::Provider>::schedule()
                }
                fn details(source_id: String) -> Result<$crate::Title, $crate::ProviderError> {
                    <$provider as $crate::Provider>::details(source_id)
                }
                fn filters() -> Result<$crate::CatalogFilters, $crate::ProviderError> {
                    <$provider as $crate::Provider>::filters()
                }
                fn catalog(
                    filter: $crate::CatalogFilter,
                    page: u32,
                ) -> Result<$crate::Page, $crate::ProviderError> {
                    <$provider as $crate::Provider>::catalog(filter, page)
                }
            }
        };
        // Only a wasm component exports the catalog; a native build (tests, benchmarks calling the
        // provider directly) has nothing to export, and `:` in export names breaks native linkers.
        #[cfg(target_arch = "wasm32")]
        $crate::bindings::export_raw!($provider with_types_in $crate::bindings);
    };
}
