//! The vocabulary of getanime: what a title, an episode, a stream, a rating is.
//!
//! Architecture invariant: this crate does no IO and names no heavy dependency. Every other crate
//! speaks these types, so plugin output, storage rows and view models agree on one meaning.

mod browse;
mod catalog;
mod library;
pub mod playback;
mod plugin;
mod remote;
mod tracker;
pub mod validation;

pub use browse::{
    BrowseFacets, BrowseFilter, BrowseMode, BrowseQuery, BrowseSort, CatalogBrowse, ListFilter,
};
pub use catalog::{
    CatalogFilter, CatalogFilters, Episode, ExternalId, FilterOption, Page, ProviderError, Quality,
    RelatedTitle, ScheduleDay, SkipRange, Stream, SubtitleFormat, SubtitleTrack, Title,
    TitleSummary, Torrent, Tracker,
};
pub use library::{
    ContinueItem, EpisodeEntry, EpisodeId, FranchiseNext, HistoryItem, ListCard, ListEntry,
    ListStatus, NewEpisode, PluginRecord, Poster, Profile, ProfileId, Rating, RatingError,
    StatusChange, TitleCard, TitleDetails, TitleId, WatchState, title_is_finished,
};
pub use plugin::{
    ManifestError, Mirrors, OAuth, OAuthGrant, PluginKind, PluginManifest, RateLimit,
};
pub use remote::{RemoteDevice, RemoteDeviceKind, RemoteScope};
pub use tracker::{
    AccountId, AccountRecord, AccountState, AgreedTitle, EpisodeMark, LocalChange, LocalMark,
    MarksApplied, QueuedChange, RemoteStatus, SignInInput, SignInMethod, SignInStep, TitleKey,
    TrackedTitle, TrackerAccount, TrackerChange, TrackerEntry, TrackerError,
};

/// Unix time in milliseconds: the one timestamp convention of the whole program.
pub type UnixMillis = i64;
