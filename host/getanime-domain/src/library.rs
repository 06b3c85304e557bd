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
    /// The profile's list and favorite marks.
    pub list: ListEntry,
    /// Mean score over profiles and how many rated.
    pub average_rating: Option<(f64, u32)>,
    pub fetched_at: UnixMillis,
    /// When episodes and torrents were last fetched in full; `None` = summary only.
    pub details_fetched_at: Option<UnixMillis>,
    /// Ids at anime trackers, in tracker order.
    pub external_ids: Vec<crate::ExternalId>,
    /// Other titles of the franchise, in the source's order.
    pub related: Vec<crate::RelatedTitle>,
    /// The profile's accounts that list the title as rewatching (a list of theirs the library
    /// has no list for: here it is in Watching), by name.
    pub rewatching_at: Vec<String>,
}

/// The newest episode of a title a profile follows that came after the profile last watched
/// (or began following) it, above the highest it watched.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewEpisode {
    pub card: TitleCard,
    /// The newest such episode's number.
    pub number: f64,
    /// When a sync first saw it.
    pub first_seen_at: UnixMillis,
    /// The title is one of the profile's favorites (notices can be kept to those).
    pub favorite: bool,
}

/// The title of a franchise that comes next after one a profile completed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FranchiseNext {
    pub card: TitleCard,
    /// The name of the completed title it follows.
    pub after: String,
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

/// A viewer profile: its own watch state, ratings, lists and preferences.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Profile {
    pub id: ProfileId,
    pub name: String,
}

/// Where a title stands in a profile's lists; one at a time (favorites are apart).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ListStatus {
    Watching,
    Planned,
    Completed,
    OnHold,
    Dropped,
}

impl ListStatus {
    /// In the order the title screen steps through them.
    pub const ALL: [ListStatus; 5] = [
        ListStatus::Watching,
        ListStatus::Planned,
        ListStatus::Completed,
        ListStatus::OnHold,
        ListStatus::Dropped,
    ];

    /// The stored and typed name: `watching`, `on_hold`, ...
    pub fn code(self) -> &'static str {
        match self {
            ListStatus::Watching => "watching",
            ListStatus::Planned => "planned",
            ListStatus::Completed => "completed",
            ListStatus::OnHold => "on_hold",
            ListStatus::Dropped => "dropped",
        }
    }

    pub fn from_code(code: &str) -> Option<ListStatus> {
        ListStatus::ALL.into_iter().find(|status| status.code() == code)
    }

    /// The status after `current` on the title screen: none, then each list, then none again.
    pub fn step(current: Option<ListStatus>, forward: bool) -> Option<ListStatus> {
        let mut cycle: Vec<Option<ListStatus>> = vec![None];
        cycle.extend(ListStatus::ALL.into_iter().map(Some));
        let count = cycle.len();
        let at = cycle.iter().position(|candidate| *candidate == current).unwrap_or(0);
        cycle[if forward { (at + 1) % count } else { (at + count - 1) % count }]
    }
}

/// A profile's marks on one title.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct ListEntry {
    pub status: Option<ListStatus>,
    pub favorite: bool,
    /// Kept off the profile's accounts at trackers (neither sent nor taken).
    pub unsynced: bool,
}

/// A list status the app changed on its own (starting or finishing a title), so the user can
/// undo it: set `title` back to `from`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StatusChange {
    pub title: TitleId,
    pub from: Option<ListStatus>,
    pub to: ListStatus,
}

/// A card of a list row, with the episode to watch next (`None`: all watched, or none known).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ListCard {
    pub card: TitleCard,
    pub next_episode: Option<f64>,
}

/// Whether a title will get no more episodes: its status says so, or it has all it announced.
/// Statuses are the source's free text, in Russian or English.
pub fn title_is_finished(
    status: Option<&str>,
    episodes_total: Option<u32>,
    episodes_known: usize,
) -> bool {
    let said = status.is_some_and(|status| {
        let status = status.to_lowercase();
        ["заверш", "вышел", "finished", "complete", "ended", "released"]
            .iter()
            .any(|word| status.contains(word))
    });
    let has_all = episodes_total.is_some_and(|total| {
        total > 0 && usize::try_from(total).is_ok_and(|total| episodes_known >= total)
    });
    said || has_all
}

/// An installed plugin as the library records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PluginRecord {
    pub id: String,
    pub name: String,
    pub version: String,
    pub api_version: String,
    /// A source, or an account plugin (which never syncs a catalog).
    pub kind: crate::PluginKind,
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

    #[test]
    fn list_statuses_step_through_none_and_back_and_round_trip_their_codes() {
        let mut status = None;
        let mut seen = Vec::new();
        for _ in 0..6 {
            status = ListStatus::step(status, true);
            seen.push(status);
        }
        assert_eq!(seen[..5], ListStatus::ALL.map(Some));
        assert_eq!(seen[5], None, "after Dropped comes no list");
        assert_eq!(ListStatus::step(None, false), Some(ListStatus::Dropped));
        for status in ListStatus::ALL {
            assert_eq!(ListStatus::from_code(status.code()), Some(status));
        }
        assert_eq!(ListStatus::from_code("Watching"), None);
    }

    #[test]
    fn a_title_is_finished_when_its_status_says_so_or_all_episodes_are_out() {
        assert!(title_is_finished(Some("Завершён"), None, 0));
        assert!(title_is_finished(Some("Finished airing"), None, 0));
        assert!(!title_is_finished(Some("Онгоинг"), Some(12), 11));
        assert!(title_is_finished(Some("Онгоинг"), Some(12), 12));
        assert!(!title_is_finished(None, Some(0), 0), "an unknown total of 0 proves nothing");
        assert!(!title_is_finished(None, None, 24));
    }
}
