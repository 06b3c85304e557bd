//! Catalog data as providers describe it.

use serde::{Deserialize, Serialize};

use crate::UnixMillis;

/// Video quality of one stream, ordered from worst to best.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Quality {
    Sd,
    Hd,
    Fhd,
}

impl Quality {
    /// Every quality, best first: the order the player falls back in.
    pub const BEST_FIRST: [Quality; 3] = [Quality::Fhd, Quality::Hd, Quality::Sd];

    /// The short lower-case name used in settings and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Quality::Sd => "sd",
            Quality::Hd => "hd",
            Quality::Fhd => "fhd",
        }
    }

    /// Parses [`Quality::as_str`] back.
    pub fn parse(text: &str) -> Option<Quality> {
        Quality::BEST_FIRST.into_iter().find(|quality| quality.as_str() == text)
    }

    /// The preferred quality if offered, else the best offered one below it, else the best one
    /// above it. `None` only when nothing is offered.
    pub fn choose(preferred: Quality, offered: &[Quality]) -> Option<Quality> {
        let below = Quality::BEST_FIRST.into_iter().filter(|quality| *quality <= preferred);
        let above = Quality::BEST_FIRST.into_iter().rev().filter(|quality| *quality > preferred);
        below.chain(above).find(|quality| offered.contains(quality))
    }
}

/// One HLS playlist of an episode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stream {
    pub quality: Quality,
    pub url: String,
}

/// A skippable part of an episode, in milliseconds from its start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkipRange {
    pub start_ms: u32,
    pub end_ms: u32,
}

impl SkipRange {
    /// Whether `position_ms` lies inside the range.
    pub fn contains(&self, position_ms: u64) -> bool {
        u64::from(self.start_ms) <= position_ms && position_ms < u64::from(self.end_ms)
    }
}

/// One episode of a title.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Episode {
    pub number: f64,
    pub name: Option<String>,
    pub streams: Vec<Stream>,
    pub preview_url: Option<String>,
    pub opening: Option<SkipRange>,
    pub ending: Option<SkipRange>,
    pub duration_ms: Option<u32>,
    pub published_at: Option<UnixMillis>,
    /// Subtitle files the player can show (contract 0.2; none from 0.1 plugins).
    #[serde(default)]
    pub subtitles: Vec<SubtitleTrack>,
    /// The voices of the audio (a dub team, "Japanese") as the source words them.
    #[serde(default)]
    pub audio: Vec<String>,
    /// The source's own id of the episode (AniLiberty's UUID; contract 0.3), which account
    /// plugins key per-episode marks by.
    #[serde(default)]
    pub source_id: Option<String>,
}

/// How a subtitle file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SubtitleFormat {
    WebVtt,
    Ass,
    Srt,
}

impl SubtitleFormat {
    /// The short lower-case name used in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            SubtitleFormat::WebVtt => "webvtt",
            SubtitleFormat::Ass => "ass",
            SubtitleFormat::Srt => "srt",
        }
    }

    /// Parses [`SubtitleFormat::as_str`] back.
    pub fn parse(text: &str) -> Option<SubtitleFormat> {
        [SubtitleFormat::WebVtt, SubtitleFormat::Ass, SubtitleFormat::Srt]
            .into_iter()
            .find(|format| format.as_str() == text)
    }
}

/// One subtitle file of an episode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubtitleTrack {
    pub url: String,
    /// BCP 47 (`ru`, `en`), when known.
    pub language: Option<String>,
    /// What a picker shows when the language alone is not enough ("signs only").
    pub label: Option<String>,
    pub format: SubtitleFormat,
}

/// The anime trackers people keep their lists on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tracker {
    MyAnimeList,
    Shikimori,
    AniList,
    Kitsu,
}

impl Tracker {
    /// The short lower-case name used in the database and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Tracker::MyAnimeList => "myanimelist",
            Tracker::Shikimori => "shikimori",
            Tracker::AniList => "anilist",
            Tracker::Kitsu => "kitsu",
        }
    }

    /// Parses [`Tracker::as_str`] back.
    pub fn parse(text: &str) -> Option<Tracker> {
        [Tracker::MyAnimeList, Tracker::Shikimori, Tracker::AniList, Tracker::Kitsu]
            .into_iter()
            .find(|tracker| tracker.as_str() == text)
    }

    /// The tracker's name as people write it.
    pub fn name(self) -> &'static str {
        match self {
            Tracker::MyAnimeList => "MyAnimeList",
            Tracker::Shikimori => "Shikimori",
            Tracker::AniList => "AniList",
            Tracker::Kitsu => "Kitsu",
        }
    }

    /// The title's page at the tracker.
    pub fn page_url(self, id: &str) -> String {
        match self {
            Tracker::MyAnimeList => format!("https://myanimelist.net/anime/{id}"),
            Tracker::Shikimori => format!("https://shikimori.one/animes/{id}"),
            Tracker::AniList => format!("https://anilist.co/anime/{id}"),
            Tracker::Kitsu => format!("https://kitsu.app/anime/{id}"),
        }
    }
}

/// The id of a title at a tracker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExternalId {
    pub tracker: Tracker,
    pub id: String,
}

/// Another title of the same franchise at the same source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelatedTitle {
    pub source_id: String,
    pub name: String,
    /// Place in the franchise's order (1 = first), when the source says.
    pub order: Option<u32>,
}

/// One choice of a catalog filter: `id` goes back to the plugin, `label` is shown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterOption {
    pub id: String,
    pub label: String,
}

impl FilterOption {
    pub fn new(id: impl Into<String>, label: impl Into<String>) -> FilterOption {
        FilterOption { id: id.into(), label: label.into() }
    }
}

/// The filters a source's whole catalog supports; empty lists are filters it lacks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogFilters {
    pub genres: Vec<FilterOption>,
    /// First and last year the catalog covers, when it filters by year.
    pub years: Option<(u16, u16)>,
    pub kinds: Vec<FilterOption>,
    pub statuses: Vec<FilterOption>,
    /// The first is the source's default order.
    pub sorts: Vec<FilterOption>,
}

/// What part of a source's whole catalog to show: ids from [`CatalogFilters`]; empty = any.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CatalogFilter {
    pub genres: Vec<String>,
    pub year_from: Option<u16>,
    pub year_to: Option<u16>,
    pub kinds: Vec<String>,
    pub status: Option<String>,
    pub sort: Option<String>,
}

/// One torrent of a title.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Torrent {
    pub source_id: String,
    pub episodes: String,
    pub quality: String,
    pub size_bytes: Option<u64>,
    pub magnet: String,
    pub seeders: Option<u32>,
    /// BitTorrent v1 info hash, 40 lower-case hex digits (contract 0.3).
    #[serde(default)]
    pub info_hash: Option<String>,
}

/// What a list row needs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TitleSummary {
    pub source_id: String,
    pub name: String,
    pub name_original: Option<String>,
    pub alt_names: Vec<String>,
    pub poster_url: Option<String>,
    pub kind: Option<String>,
    pub episodes_total: Option<u32>,
    pub updated_at: Option<UnixMillis>,
}

/// A whole title as a provider returns it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Title {
    pub summary: TitleSummary,
    pub description: Option<String>,
    pub genres: Vec<String>,
    pub year: Option<u16>,
    pub status: Option<String>,
    /// 1 = Monday ... 7 = Sunday.
    pub release_weekday: Option<u8>,
    pub episodes: Vec<Episode>,
    pub torrents: Vec<Torrent>,
    /// Whether `episodes` and `torrents` are final (list endpoints may omit them).
    pub details_complete: bool,
    /// Ids at anime trackers (contract 0.2).
    #[serde(default)]
    pub external_ids: Vec<ExternalId>,
    /// Other titles of the franchise, in its order when known (contract 0.2).
    #[serde(default)]
    pub related: Vec<RelatedTitle>,
    /// The youngest age the title is rated for: 0, 6, 12, 16 or 18 (contract 0.3).
    #[serde(default)]
    pub age_rating: Option<u8>,
    /// A wide background picture (contract 0.3).
    #[serde(default)]
    pub backdrop_url: Option<String>,
}

/// One page of a paged provider list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page {
    pub items: Vec<Title>,
    pub page: u32,
    pub pages: Option<u32>,
}

/// Titles airing on one weekday (1 = Monday).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScheduleDay {
    pub weekday: u8,
    pub items: Vec<Title>,
}

/// Why a provider call failed, as the plugin reports it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum ProviderError {
    #[error("the source is unreachable: {0}")]
    Network(String),
    #[error("the source does not have it")]
    NotFound,
    #[error("the source asks to slow down")]
    RateLimited,
    #[error("the source answered something unexpected: {0}")]
    Parse(String),
    /// The answer ended before its data did (a dropped connection, a proxy); the detail is for
    /// the log, the words are for the user.
    #[error("the answer was cut off; the library keeps what it had")]
    CutOff(String),
    #[error("the source does not offer this")]
    Unsupported,
    /// The host refused the plugin a request to this host (not in its allow-list).
    #[error("the plugin may not reach {0}")]
    Denied(String),
    #[error("{0}")]
    Other(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check_choice(preferred: Quality, offered: &[Quality], expected: Option<Quality>) {
        assert_eq!(
            Quality::choose(preferred, offered),
            expected,
            "preferred {preferred:?}, offered {offered:?}"
        );
    }

    #[test]
    fn quality_choice_falls_back_down_then_up() {
        use Quality::*;
        check_choice(Fhd, &[Sd, Hd, Fhd], Some(Fhd));
        check_choice(Fhd, &[Sd, Hd], Some(Hd));
        check_choice(Hd, &[Fhd, Sd], Some(Sd));
        check_choice(Sd, &[Fhd, Hd], Some(Hd));
        check_choice(Hd, &[], None);
    }

    #[test]
    fn quality_names_round_trip() {
        for quality in Quality::BEST_FIRST {
            assert_eq!(Quality::parse(quality.as_str()), Some(quality));
        }
        assert_eq!(Quality::parse("4k"), None);
    }

    #[test]
    fn skip_range_is_half_open() {
        let range = SkipRange { start_ms: 1_000, end_ms: 2_000 };
        assert!(!range.contains(999));
        assert!(range.contains(1_000));
        assert!(range.contains(1_999));
        assert!(!range.contains(2_000));
    }
}
