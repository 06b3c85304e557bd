//! The vocabulary of getanime: what a title, an episode, a stream, a rating is.
//!
//! Architecture invariant: this crate does no IO and names no heavy dependency. Every other crate
//! speaks these types, so plugin output, storage rows and view models agree on one meaning.

mod browse;
mod catalog;
mod library;
pub mod playback;
mod plugin;
pub mod validation;

pub use browse::{BrowseFacets, BrowseFilter, BrowseQuery, BrowseSort};
pub use catalog::{
    Episode, Page, ProviderError, Quality, ScheduleDay, SkipRange, Stream, Title, TitleSummary,
    Torrent,
};
pub use library::{
    ContinueItem, EpisodeEntry, EpisodeId, HistoryItem, PluginRecord, Poster, ProfileId, Rating,
    RatingError, TitleCard, TitleDetails, TitleId, WatchState,
};
pub use plugin::{ManifestError, PluginManifest};

/// Unix time in milliseconds: the one timestamp convention of the whole program.
pub type UnixMillis = i64;
