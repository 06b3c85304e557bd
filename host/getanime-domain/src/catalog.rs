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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Episode {
    pub number: f64,
    pub name: Option<String>,
    pub streams: Vec<Stream>,
    pub preview_url: Option<String>,
    pub opening: Option<SkipRange>,
    pub ending: Option<SkipRange>,
    pub duration_ms: Option<u32>,
    pub published_at: Option<UnixMillis>,
}

/// One torrent of a title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Torrent {
    pub source_id: String,
    pub episodes: String,
    pub quality: String,
    pub size_bytes: Option<u64>,
    pub magnet: String,
    pub seeders: Option<u32>,
}

/// What a list row needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
