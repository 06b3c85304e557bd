//! Which subtitles play: the profile's remembered choice (a language, or off) picks a track of
//! each episode; the subtitle key steps through the episode's tracks and remembers the step.
//!
//! The host downloads the file shown (the source's network rule, a size cap) into the cache and
//! the player reads it from there: GStreamer never fetches a URL a plugin named.

use std::path::Path;

use anyhow::{Context, Result};
use getanime_domain::{SubtitleFormat, SubtitleTrack};

use crate::App;
use crate::language::tr;

/// Largest subtitle file fetched (a whole season of ASS is well under this).
const MAX_SUBTITLE_BYTES: usize = 4 << 20;

/// The per-profile setting holding the choice: a language tag, `any` (a track without one), or
/// absent/`off` for none.
pub const SUBTITLE_CHOICE: &str = "subtitle_language";

/// The track `choice` picks among `tracks`: the first in that language; none when off.
pub fn pick_subtitle(tracks: &[SubtitleTrack], choice: &str) -> Option<usize> {
    match choice {
        "" | "off" => None,
        "any" => tracks.iter().position(|track| track.language.is_none()).or(Some(0)),
        language => tracks.iter().position(|track| track.language.as_deref() == Some(language)),
    }
    .filter(|index| *index < tracks.len())
}

/// The step after `current`: off → each track in turn → off.
pub fn next_subtitle(tracks: &[SubtitleTrack], current: Option<usize>) -> Option<usize> {
    match current {
        None if !tracks.is_empty() => Some(0),
        Some(index) if index + 1 < tracks.len() => Some(index + 1),
        _ => None,
    }
}

/// What the choice of `track` is remembered as.
pub fn choice_of(track: Option<&SubtitleTrack>) -> String {
    match track {
        None => "off".to_owned(),
        Some(track) => track.language.clone().unwrap_or_else(|| "any".to_owned()),
    }
}

/// How the player names a track: "subtitles: ru (Надписи)", or "subtitles off".
pub fn subtitle_label(track: Option<&SubtitleTrack>) -> String {
    match track {
        None => tr!("subtitles off").to_owned(),
        Some(track) => {
            let language = track.language.as_deref().unwrap_or("?");
            match &track.label {
                Some(label) => {
                    tr!("subtitles: {language} ({label})", language = language, label = label)
                }
                None => tr!("subtitles: {language}", language = language),
            }
        }
    }
}

/// The text GStreamer is given: UTF-8 without a BOM and, for WebVTT, an ASCII note right after
/// the header, because subparse (1.22) detects the format from the first bytes and fails when
/// they hold multi-byte text (a Russian first cue).
pub fn playable_subtitle(bytes: &[u8], format: SubtitleFormat) -> String {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_start_matches('\u{feff}');
    match (format, text.split_once('\n')) {
        (SubtitleFormat::WebVtt, Some((header, rest)))
            if header.trim_end().starts_with("WEBVTT") =>
        {
            format!(
                "{}\n\nNOTE {}\n\n{}",
                header.trim_end(),
                "getanime: this note keeps the first bytes ASCII for the subtitle parser."
                    .repeat(2),
                rest.trim_start_matches(['\r', '\n'])
            )
        }
        _ => text.to_owned(),
    }
}

/// A `file://` URI for an absolute path, percent-encoded as GStreamer expects.
fn file_uri(path: &Path) -> String {
    let mut uri = String::from("file://");
    for byte in path.to_string_lossy().bytes() {
        if byte.is_ascii_alphanumeric() || b"/-_.~".contains(&byte) {
            uri.push(byte as char);
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

impl App {
    /// A local copy of `track` the player may read: downloaded under `plugin_id`'s network rule
    /// into the cache. Only the track shown is fetched, when it is shown; `None` (logged) when
    /// it is refused or fails, and the episode plays without it.
    pub async fn local_subtitle(&self, plugin_id: &str, track: &SubtitleTrack) -> Option<String> {
        match self.download_subtitle(plugin_id, track).await {
            Ok(uri) => Some(uri),
            Err(error) => {
                tracing::warn!(plugin_id, url = %track.url, "subtitle left out: {error:#}");
                None
            }
        }
    }

    async fn download_subtitle(&self, plugin_id: &str, track: &SubtitleTrack) -> Result<String> {
        let client = self.returned_url_client(plugin_id, MAX_SUBTITLE_BYTES).await?;
        let bytes = client.get_bytes(&track.url).await.context("downloading")?;
        let dir = self.paths.subtitle_cache();
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let extension = match track.format {
            SubtitleFormat::WebVtt => "vtt",
            SubtitleFormat::Ass => "ass",
            SubtitleFormat::Srt => "srt",
        };
        let name = getanime_plugins::sha256_hex(track.url.as_bytes());
        let path = dir.join(format!("{name}.{extension}"));
        std::fs::write(&path, playable_subtitle(&bytes, track.format))
            .with_context(|| format!("writing {}", path.display()))?;
        Ok(file_uri(&path))
    }

    /// The profile's remembered subtitle choice.
    pub async fn subtitle_choice(&self) -> Result<String> {
        let profile = self.profile();
        let stored = self.db(move |db| db.profile_setting(profile, SUBTITLE_CHOICE)).await?;
        Ok(stored.unwrap_or_else(|| "off".to_owned()))
    }

    /// Remembers the track the user stepped to, for the next episodes.
    pub async fn remember_subtitle(&self, track: Option<&SubtitleTrack>) -> Result<()> {
        let (profile, choice) = (self.profile(), choice_of(track));
        self.db(move |db| db.set_profile_setting(profile, SUBTITLE_CHOICE, &choice)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use getanime_domain::SubtitleFormat;

    fn track(language: Option<&str>) -> SubtitleTrack {
        SubtitleTrack {
            url: format!("https://subs.example/{}.vtt", language.unwrap_or("x")),
            language: language.map(Into::into),
            label: None,
            format: SubtitleFormat::WebVtt,
        }
    }

    #[test]
    fn the_choice_picks_a_track_and_the_key_steps_through_them() {
        let tracks = [track(Some("ru")), track(Some("en")), track(None)];
        assert_eq!(pick_subtitle(&tracks, "en"), Some(1));
        assert_eq!(pick_subtitle(&tracks, "off"), None);
        assert_eq!(pick_subtitle(&tracks, "de"), None, "no track in that language: none");
        assert_eq!(pick_subtitle(&tracks, "any"), Some(2));
        assert_eq!(pick_subtitle(&[], "ru"), None);
        let steps: Vec<Option<usize>> =
            std::iter::successors(Some(None), |current| Some(next_subtitle(&tracks, *current)))
                .take(5)
                .collect();
        assert_eq!(steps, [None, Some(0), Some(1), Some(2), None]);
        assert_eq!(next_subtitle(&[], None), None, "nothing to step to");
        assert_eq!(choice_of(Some(&tracks[1])), "en");
        assert_eq!(choice_of(None), "off");
        assert_eq!(subtitle_label(Some(&tracks[0])), "subtitles: ru");
    }

    #[test]
    fn a_webvtt_file_starts_with_ascii_for_the_parser_and_paths_become_uris() {
        let russian = "\u{feff}WEBVTT\r\n\r\n00:00.000 --> 00:05.000\nПривет\n";
        let playable = playable_subtitle(russian.as_bytes(), SubtitleFormat::WebVtt);
        assert!(playable.starts_with("WEBVTT\n\nNOTE getanime"), "{playable}");
        assert!(playable.find('П').is_some_and(|at| at > 129), "the first bytes are ASCII");
        assert!(playable.ends_with("00:00.000 --> 00:05.000\nПривет\n"), "{playable}");
        let srt = "1\n00:00:01,000 --> 00:00:02,000\nПривет\n";
        assert_eq!(
            playable_subtitle(srt.as_bytes(), SubtitleFormat::Srt),
            srt,
            "others as they are"
        );
        assert_eq!(file_uri(Path::new("/data/my subs/a.vtt")), "file:///data/my%20subs/a.vtt");
    }
}
