//! The user's side of the library: ratings and watch progress.

use serde::Serialize;
use thiserror::Error;

use crate::{Episode, Torrent, UnixMillis};

/// A user's score of a title, 1 to 10 inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Rating(u8);

/// A score outside 1..=10.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("a rating is 1 to 10, not {0}")]
pub struct RatingError(pub i64);

impl Rating {
    pub const MIN: u8 = 1;
    pub const MAX: u8 = 10;

    /// Accepts 1..=10 only.
    pub fn new(score: i64) -> Result<Rating, RatingError> {
        match u8::try_from(score) {
            Ok(score) if (Rating::MIN..=Rating::MAX).contains(&score) => Ok(Rating(score)),
            _ => Err(RatingError(score)),
        }
    }

    pub fn score(self) -> u8 {
        self.0
    }
}

/// Row id of a title in the library.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct TitleId(pub i64);

/// Row id of an episode in the library.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct EpisodeId(pub i64);

/// A viewer profile. Every library has [`ProfileId::DEFAULT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct ProfileId(pub i64);

impl ProfileId {
    /// The profile created with the database.
    pub const DEFAULT: ProfileId = ProfileId(1);
}

/// What a poster row or a list row shows of a title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TitleCard {
    pub id: TitleId,
    pub plugin_id: String,
    pub source_id: String,
    pub name: String,
    pub name_original: Option<String>,
    pub poster_url: Option<String>,
    pub kind: Option<String>,
    pub year: Option<u16>,
    pub episodes_total: Option<u32>,
    pub source_updated_at: Option<UnixMillis>,
}

/// How far a profile got in one episode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WatchState {
    pub position_ms: u64,
    pub duration_ms: Option<u64>,
    pub watched: bool,
    pub updated_at: UnixMillis,
}

/// One episode of a title in the library, with the profile's progress.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EpisodeEntry {
    pub id: EpisodeId,
    pub episode: Episode,
    pub watch: Option<WatchState>,
}

/// Everything the title screen shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TitleDetails {
    pub card: TitleCard,
    pub alt_names: Vec<String>,
    pub description: Option<String>,
    pub genres: Vec<String>,
    pub status: Option<String>,
    pub release_weekday: Option<u8>,
    pub episodes: Vec<EpisodeEntry>,
    pub torrents: Vec<Torrent>,
    pub rating: Option<Rating>,
    /// Mean score over profiles and how many rated.
    pub average_rating: Option<(f64, u32)>,
    pub fetched_at: UnixMillis,
    /// When episodes and torrents were last fetched in full; `None` = summary only.
    pub details_fetched_at: Option<UnixMillis>,
}

/// A "Continue watching" entry: the most recent unfinished episode of a title.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContinueItem {
    pub card: TitleCard,
    pub episode_id: EpisodeId,
    pub episode_number: f64,
    pub watch: WatchState,
}

/// One line of the watch history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryItem {
    pub title_id: TitleId,
    pub title_name: String,
    pub episode_id: EpisodeId,
    pub episode_number: f64,
    pub watch: WatchState,
}

/// An installed plugin as the library records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PluginRecord {
    pub id: String,
    pub name: String,
    pub version: String,
    pub api_version: String,
    pub sha256: String,
    pub description: Option<String>,
    pub enabled: bool,
    pub allowed_hosts: Vec<String>,
    pub installed_at: UnixMillis,
    pub updated_at: UnixMillis,
    pub last_sync_at: Option<UnixMillis>,
    pub last_error: Option<String>,
}

/// A cached poster image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Poster {
    pub content_type: String,
    pub bytes: Vec<u8>,
    pub fetched_at: UnixMillis,
    /// Older than the TTL the caller asked with: show it, but fetch a fresh one.
    pub stale: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rating_accepts_one_to_ten_only() {
        for score in 1..=10 {
            assert_eq!(Rating::new(score).map(Rating::score), Ok(score as u8));
        }
        for score in [0, 11, -1, 256, i64::MIN] {
            assert_eq!(Rating::new(score), Err(RatingError(score)));
        }
    }
}
