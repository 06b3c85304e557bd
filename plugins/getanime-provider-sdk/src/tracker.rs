//! Tracker plugins (contract 0.3's world `tracker`): an account at a list service.
//!
//! A tracker implements [`Tracker`] and calls [`crate::export_tracker!`]. It maps the service's
//! wire format to [`Entry`], [`Change`] and [`EpisodeMark`]; the host does the rest (the token,
//! rate limits, the merge with the library, the queue of changes). Requests that need the
//! user go through [`crate::http::request_authorized`]: the host attaches the token, which the
//! plugin only ever sees once, in the sign-in answer, and hands over with [`store_token`].
//! Every call runs in a fresh instance: what a sign-in needs between steps travels in the
//! step's `state`.

/// The raw wit-bindgen output for the `getanime:provider/tracker` world; its `host` is the
/// provider world's, so [`crate::http`] serves both.
#[allow(clippy::all, unsafe_code, reason = "generated code")]
pub mod bindings {
    wit_bindgen::generate!({
        path: "../../wit",
        world: "getanime:provider/tracker",
        with: { "getanime:provider/host@0.3.0": crate::bindings::getanime::provider::host },
        pub_export_macro: true,
        export_macro_name: "export_raw_tracker",
        default_bindings_module: "getanime_provider_sdk::tracker::bindings",
        runtime_path: "getanime_provider_sdk::wit_bindgen::rt",
    });
}

pub use bindings::exports::getanime::provider::sign_in::{
    CodeStep, Input, Method as SignInMethod, PasteStep, Step,
};
pub use bindings::getanime::provider::credentials::Token;
pub use bindings::getanime::provider::tracker_types::{
    Account, Change, Entry, EpisodeMark, ListStatus, TrackerError,
};

/// Every list status, for tests that map each one.
pub const LIST_STATUSES: [ListStatus; 6] = [
    ListStatus::Watching,
    ListStatus::Planned,
    ListStatus::Completed,
    ListStatus::OnHold,
    ListStatus::Dropped,
    ListStatus::Rewatching,
];

/// An entry that says nothing yet about `external_id`: every field none (a change fills in
/// what the service answered).
pub fn blank_entry(external_id: String) -> Entry {
    Entry {
        external_id,
        status: None,
        progress: None,
        score: None,
        favorite: None,
        remote_id: None,
        updated_at: None,
    }
}

/// What a tracker plugin implements; every call it leaves out answers `unsupported`.
pub trait Tracker {
    /// The ways it signs in, the preferred first.
    fn methods() -> Vec<SignInMethod>;
    /// Starts signing in.
    fn start(_method: SignInMethod, _device_id: String) -> Result<Step, TrackerError> {
        Err(TrackerError::Unsupported)
    }
    /// The next step after `input`.
    fn advance(_state: String, _device_id: String, _input: Input) -> Result<Step, TrackerError> {
        Err(TrackerError::Unsupported)
    }
    /// Signs the token out at the service.
    fn sign_out() -> Result<(), TrackerError> {
        Err(TrackerError::Unsupported)
    }
    /// Who is signed in.
    fn whoami() -> Result<Account, TrackerError> {
        Err(TrackerError::Unsupported)
    }
    /// Every entry of the user's lists.
    fn pull() -> Result<Vec<Entry>, TrackerError> {
        Err(TrackerError::Unsupported)
    }
    /// Applies one change; answers the service's view afterwards.
    fn push(_change: Change) -> Result<Entry, TrackerError> {
        Err(TrackerError::Unsupported)
    }
    /// Takes a title off every list.
    fn remove(_external_id: String, _remote_id: Option<String>) -> Result<(), TrackerError> {
        Err(TrackerError::Unsupported)
    }
    /// The service's ids for MyAnimeList ids.
    fn resolve(_mal_ids: Vec<String>) -> Result<Vec<(String, String)>, TrackerError> {
        Err(TrackerError::Unsupported)
    }
    /// Per-episode marks changed since `since` (unix ms), or all.
    fn pull_marks(_since: Option<i64>) -> Result<Vec<EpisodeMark>, TrackerError> {
        Err(TrackerError::Unsupported)
    }
    /// Sends per-episode marks.
    fn push_marks(_marks: Vec<EpisodeMark>) -> Result<(), TrackerError> {
        Err(TrackerError::Unsupported)
    }
}

/// Hands the account's token to the host, once, right after the sign-in answer brought it.
pub fn store_token(token: &Token) {
    #[cfg(target_arch = "wasm32")]
    bindings::getanime::provider::credentials::store(token);
    #[cfg(not(target_arch = "wasm32"))]
    crate::testing::store_token(token);
}

/// A provider error (from [`crate::http`]) as a tracker error.
impl From<crate::ProviderError> for TrackerError {
    fn from(error: crate::ProviderError) -> TrackerError {
        match error {
            crate::ProviderError::Network(message) => TrackerError::Network(message),
            crate::ProviderError::NotFound => TrackerError::NotFound,
            crate::ProviderError::RateLimited => TrackerError::RateLimited(None),
            crate::ProviderError::Parse(message) => TrackerError::Parse(message),
            crate::ProviderError::Unsupported => TrackerError::Unsupported,
            crate::ProviderError::Denied(host) => TrackerError::Denied(host),
            crate::ProviderError::Other(message) => TrackerError::Other(message),
        }
    }
}

/// Exports a [`Tracker`] implementation as the plugin's `sign-in` and `lists`.
#[macro_export]
macro_rules! export_tracker {
    ($tracker:ident) => {
        const _: () = {
            use $crate::tracker::bindings::exports::getanime::provider::{lists, sign_in};
            use $crate::tracker::{
                Account, Change, Entry, EpisodeMark, Input, SignInMethod, Step, TrackerError,
            };

            impl sign_in::Guest for $tracker {
                fn methods() -> Vec<SignInMethod> {
                    <$tracker as $crate::tracker::Tracker>::methods()
                }
                fn start(method: SignInMethod, device_id: String) -> Result<Step, TrackerError> {
                    <$tracker as $crate::tracker::Tracker>::start(method, device_id)
                }
                fn advance(
                    state: String,
                    device_id: String,
                    input: Input,
                ) -> Result<Step, TrackerError> {
                    <$tracker as $crate::tracker::Tracker>::advance(state, device_id, input)
                }
                fn sign_out() -> Result<(), TrackerError> {
                    <$tracker as $crate::tracker::Tracker>::sign_out()
                }
            }

            impl lists::Guest for $tracker {
                fn whoami() -> Result<Account, TrackerError> {
                    <$tracker as $crate::tracker::Tracker>::whoami()
                }
                fn pull() -> Result<Vec<Entry>, TrackerError> {
                    <$tracker as $crate::tracker::Tracker>::pull()
                }
                fn push(change: Change) -> Result<Entry, TrackerError> {
                    <$tracker as $crate::tracker::Tracker>::push(change)
                }
                fn remove(
                    external_id: String,
                    remote_id: Option<String>,
                ) -> Result<(), TrackerError> {
                    <$tracker as $crate::tracker::Tracker>::remove(external_id, remote_id)
                }
                fn resolve(mal_ids: Vec<String>) -> Result<Vec<(String, String)>, TrackerError> {
                    <$tracker as $crate::tracker::Tracker>::resolve(mal_ids)
                }
                fn pull_marks(since: Option<i64>) -> Result<Vec<EpisodeMark>, TrackerError> {
                    <$tracker as $crate::tracker::Tracker>::pull_marks(since)
                }
                fn push_marks(marks: Vec<EpisodeMark>) -> Result<(), TrackerError> {
                    <$tracker as $crate::tracker::Tracker>::push_marks(marks)
                }
            }
        };
        #[cfg(target_arch = "wasm32")]
        $crate::tracker::bindings::export_raw_tracker!($tracker with_types_in $crate::tracker::bindings);
    };
}
