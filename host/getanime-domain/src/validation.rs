//! Validation of plugin output: nothing a plugin returns reaches the library unchecked.
//!
//! Hard rules reject a title whole ([`Rejected`] names the plugin, the title and the field);
//! soft problems are repaired and listed ([`Repair`]) so the caller can log them. Pure: no IO.

use std::collections::HashSet;

use thiserror::Error;

use crate::{Episode, ExternalId, RelatedTitle, SkipRange, Stream, SubtitleTrack, Title, Torrent};

/// Longest source id accepted.
pub const MAX_SOURCE_ID: usize = 128;
/// Longest name kept (longer ones are cut).
pub const MAX_NAME_CHARS: usize = 300;
/// Longest description kept.
pub const MAX_DESCRIPTION_CHARS: usize = 20_000;
/// Longest URL accepted.
pub const MAX_URL: usize = 4_096;
/// Most episodes a title may have.
pub const MAX_EPISODES: usize = 10_000;
/// Most torrents a title may have.
pub const MAX_TORRENTS: usize = 1_000;
/// Most alternative names and genres kept.
pub const MAX_LIST_ITEMS: usize = 50;

/// A title that breaks a hard rule.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("plugin {plugin_id} returned an invalid title {source_id:?}: {field} {problem}")]
pub struct Rejected {
    pub plugin_id: String,
    pub source_id: String,
    pub field: &'static str,
    pub problem: String,
}

/// A soft problem that was repaired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repair {
    pub field: &'static str,
    pub what: String,
}

/// The age ratings a title may carry (the youngest age it is for).
pub const AGE_RATINGS: [u8; 5] = [0, 6, 12, 16, 18];

/// Checks and normalizes one title from `plugin_id`.
pub fn validate_title(plugin_id: &str, mut title: Title) -> Result<(Title, Vec<Repair>), Rejected> {
    let mut repairs = Vec::new();
    let source_id = title.summary.source_id.trim().to_owned();
    let reject = |field: &'static str, problem: String| Rejected {
        plugin_id: plugin_id.to_owned(),
        source_id: title.summary.source_id.clone(),
        field,
        problem,
    };
    if source_id.is_empty()
        || source_id.len() > MAX_SOURCE_ID
        || source_id.chars().any(char::is_control)
    {
        return Err(reject("source_id", format!("must be 1-{MAX_SOURCE_ID} printable characters")));
    }
    let Some(name) = clean_line(&title.summary.name, MAX_NAME_CHARS, "name", &mut repairs) else {
        return Err(reject("name", "is empty".into()));
    };
    if title.episodes.len() > MAX_EPISODES {
        return Err(reject(
            "episodes",
            format!("has {} entries, more than {MAX_EPISODES}", title.episodes.len()),
        ));
    }
    if title.torrents.len() > MAX_TORRENTS {
        return Err(reject(
            "torrents",
            format!("has {} entries, more than {MAX_TORRENTS}", title.torrents.len()),
        ));
    }
    title.summary.source_id = source_id;
    title.summary.name = name;
    title.summary.name_original = title
        .summary
        .name_original
        .as_deref()
        .and_then(|text| clean_line(text, MAX_NAME_CHARS, "name_original", &mut repairs));
    title.summary.alt_names = clean_list(&title.summary.alt_names, "alt_names", &mut repairs);
    title.summary.poster_url =
        check_url(title.summary.poster_url.take(), "poster_url", &mut repairs);
    title.summary.kind =
        title.summary.kind.as_deref().and_then(|text| clean_line(text, 40, "kind", &mut repairs));
    if title.summary.updated_at.is_some_and(|at| at <= 0) {
        title.summary.updated_at = None;
    }
    title.description =
        title.description.as_deref().and_then(|text| clean_text(text, &mut repairs));
    title.genres = clean_list(&title.genres, "genres", &mut repairs);
    title.status =
        title.status.as_deref().and_then(|text| clean_line(text, 60, "status", &mut repairs));
    if title.year.is_some_and(|year| !(1900..=2100).contains(&year)) {
        repairs.push(Repair {
            field: "year",
            what: format!("{:?} is out of range, dropped", title.year),
        });
        title.year = None;
    }
    if title.release_weekday.is_some_and(|day| !(1..=7).contains(&day)) {
        repairs.push(Repair {
            field: "release_weekday",
            what: format!("{:?} is not 1-7, dropped", title.release_weekday),
        });
        title.release_weekday = None;
    }
    title.episodes = clean_episodes(std::mem::take(&mut title.episodes), &mut repairs);
    title.torrents = clean_torrents(std::mem::take(&mut title.torrents), &mut repairs);
    title.external_ids = clean_external_ids(std::mem::take(&mut title.external_ids), &mut repairs);
    title.related =
        clean_related(std::mem::take(&mut title.related), &title.summary.source_id, &mut repairs);
    if title.age_rating.is_some_and(|age| !AGE_RATINGS.contains(&age)) {
        repairs.push(Repair {
            field: "age_rating",
            what: format!("{:?} is not one of {AGE_RATINGS:?}, dropped", title.age_rating),
        });
        title.age_rating = None;
    }
    title.backdrop_url = check_url(title.backdrop_url.take(), "backdrop_url", &mut repairs);
    Ok((title, repairs))
}

/// One line of text: control characters removed, whitespace collapsed, length capped.
fn clean_line(
    text: &str,
    max_chars: usize,
    field: &'static str,
    repairs: &mut Vec<Repair>,
) -> Option<String> {
    let cleaned: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let cleaned = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    if cleaned.is_empty() {
        return None;
    }
    if cleaned.chars().count() > max_chars {
        repairs.push(Repair { field, what: format!("cut to {max_chars} characters") });
        return Some(cleaned.chars().take(max_chars).collect());
    }
    Some(cleaned)
}

/// Multi-line text: control characters other than newlines removed, length capped.
fn clean_text(text: &str, repairs: &mut Vec<Repair>) -> Option<String> {
    let cleaned: String = text.chars().filter(|c| *c == '\n' || !c.is_control()).collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() {
        return None;
    }
    if cleaned.chars().count() > MAX_DESCRIPTION_CHARS {
        repairs.push(Repair {
            field: "description",
            what: format!("cut to {MAX_DESCRIPTION_CHARS} characters"),
        });
        return Some(cleaned.chars().take(MAX_DESCRIPTION_CHARS).collect());
    }
    Some(cleaned.to_owned())
}

fn clean_list(items: &[String], field: &'static str, repairs: &mut Vec<Repair>) -> Vec<String> {
    let mut seen = HashSet::new();
    let cleaned: Vec<String> = items
        .iter()
        .filter_map(|item| clean_line(item, MAX_NAME_CHARS, field, repairs))
        .filter(|item| seen.insert(item.to_lowercase()))
        .collect();
    if cleaned.len() > MAX_LIST_ITEMS {
        repairs.push(Repair {
            field,
            what: format!("kept the first {MAX_LIST_ITEMS} of {}", cleaned.len()),
        });
    }
    cleaned.into_iter().take(MAX_LIST_ITEMS).collect()
}

/// Only absolute http(s) URLs of sane length survive.
pub fn is_web_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"));
    url.len() <= MAX_URL
        && !url.chars().any(|c| c.is_control() || c.is_whitespace())
        && rest.is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'))
}

fn check_url(
    url: Option<String>,
    field: &'static str,
    repairs: &mut Vec<Repair>,
) -> Option<String> {
    let url = url?;
    if is_web_url(&url) {
        Some(url.trim().to_owned())
    } else {
        repairs.push(Repair {
            field,
            what: format!("{} is not an http(s) URL, dropped", shorten(&url)),
        });
        None
    }
}

fn shorten(text: &str) -> String {
    let short: String = text.chars().take(60).collect();
    format!("{short:?}")
}

fn clean_episodes(episodes: Vec<Episode>, repairs: &mut Vec<Repair>) -> Vec<Episode> {
    let mut kept: Vec<Episode> = Vec::with_capacity(episodes.len());
    // The source's episode ids seen so far: each names one episode.
    let mut episode_ids = HashSet::new();
    for mut episode in episodes {
        if !episode.number.is_finite() || episode.number < 0.0 || episode.number > 1.0e6 {
            repairs.push(Repair {
                field: "episodes.number",
                what: format!("{} is not a valid number, episode dropped", episode.number),
            });
            continue;
        }
        if kept.iter().any(|other| other.number == episode.number) {
            repairs.push(Repair {
                field: "episodes.number",
                what: format!("episode {} repeated, kept the first", episode.number),
            });
            continue;
        }
        episode.name = episode
            .name
            .as_deref()
            .and_then(|text| clean_line(text, MAX_NAME_CHARS, "episodes.name", repairs));
        episode.preview_url =
            check_url(episode.preview_url.take(), "episodes.preview_url", repairs);
        let mut qualities = HashSet::new();
        let streams: Vec<Stream> = std::mem::take(&mut episode.streams)
            .into_iter()
            .filter(|stream| {
                let ok = is_web_url(&stream.url) && qualities.insert(stream.quality);
                if !ok {
                    repairs.push(Repair {
                        field: "episodes.streams",
                        what: format!("{} dropped", shorten(&stream.url)),
                    });
                }
                ok
            })
            .collect();
        episode.streams = streams;
        episode.opening =
            check_range(episode.opening, episode.duration_ms, "episodes.opening", repairs);
        episode.ending =
            check_range(episode.ending, episode.duration_ms, "episodes.ending", repairs);
        if episode.published_at.is_some_and(|at| at <= 0) {
            episode.published_at = None;
        }
        episode.subtitles = clean_subtitles(std::mem::take(&mut episode.subtitles), repairs);
        episode.audio = clean_list(&episode.audio, "episodes.audio", repairs);
        episode.source_id = episode.source_id.take().and_then(|id| {
            let id = id.trim();
            let ok = !id.is_empty()
                && id.len() <= MAX_SOURCE_ID
                && !id.chars().any(char::is_control)
                && episode_ids.insert(id.to_owned());
            if !ok {
                repairs.push(Repair {
                    field: "episodes.source_id",
                    what: format!("{} dropped", shorten(id)),
                });
            }
            ok.then(|| id.to_owned())
        });
        kept.push(episode);
    }
    kept.sort_by(|a, b| a.number.total_cmp(&b.number));
    kept
}

/// Subtitle files: web URLs only, each once, at most [`MAX_LIST_ITEMS`]; language a short tag.
fn clean_subtitles(tracks: Vec<SubtitleTrack>, repairs: &mut Vec<Repair>) -> Vec<SubtitleTrack> {
    let mut seen = HashSet::new();
    let mut kept = Vec::new();
    for mut track in tracks {
        if !is_web_url(&track.url) || !seen.insert(track.url.trim().to_owned()) {
            repairs.push(Repair {
                field: "episodes.subtitles",
                what: format!("{} dropped", shorten(&track.url)),
            });
            continue;
        }
        if kept.len() == MAX_LIST_ITEMS {
            repairs.push(Repair {
                field: "episodes.subtitles",
                what: format!("more than {MAX_LIST_ITEMS}, the rest dropped"),
            });
            break;
        }
        track.url = track.url.trim().to_owned();
        track.language = track.language.as_deref().and_then(language_tag);
        track.label = track
            .label
            .as_deref()
            .and_then(|text| clean_line(text, 80, "episodes.subtitles.label", repairs));
        kept.push(track);
    }
    kept
}

/// A BCP 47 tag as far as a picker needs it: letters, digits and `-`, up to 35 characters.
fn language_tag(text: &str) -> Option<String> {
    let tag = text.trim();
    let valid = !tag.is_empty()
        && tag.len() <= 35
        && tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    valid.then(|| tag.to_ascii_lowercase())
}

/// Tracker ids: printable, at most 64 characters, one per tracker (the first wins).
fn clean_external_ids(ids: Vec<ExternalId>, repairs: &mut Vec<Repair>) -> Vec<ExternalId> {
    let mut kept: Vec<ExternalId> = Vec::new();
    for mut external in ids {
        external.id = external.id.trim().to_owned();
        let printable = !external.id.is_empty()
            && external.id.len() <= 64
            && !external.id.chars().any(|c| c.is_control() || c.is_whitespace());
        if !printable || kept.iter().any(|other| other.tracker == external.tracker) {
            repairs.push(Repair {
                field: "external_ids",
                what: format!("{} id {} dropped", external.tracker.as_str(), shorten(&external.id)),
            });
            continue;
        }
        kept.push(external);
    }
    kept
}

/// Related titles: a valid source id other than the title's own, a name, each once.
fn clean_related(
    related: Vec<RelatedTitle>,
    own_source_id: &str,
    repairs: &mut Vec<Repair>,
) -> Vec<RelatedTitle> {
    let mut kept: Vec<RelatedTitle> = Vec::new();
    for mut title in related {
        title.source_id = title.source_id.trim().to_owned();
        let name = clean_line(&title.name, MAX_NAME_CHARS, "related.name", repairs);
        let valid_id = !title.source_id.is_empty()
            && title.source_id.len() <= MAX_SOURCE_ID
            && !title.source_id.chars().any(char::is_control)
            && title.source_id != own_source_id;
        let repeated = kept.iter().any(|other| other.source_id == title.source_id);
        match name {
            Some(name) if valid_id && !repeated && kept.len() < MAX_LIST_ITEMS => {
                title.name = name;
                kept.push(title);
            }
            _ => repairs.push(Repair {
                field: "related",
                what: format!("{} dropped", shorten(&title.source_id)),
            }),
        }
    }
    kept
}

/// A skip range must be non-empty and inside the episode when its length is known.
fn check_range(
    range: Option<SkipRange>,
    duration_ms: Option<u32>,
    field: &'static str,
    repairs: &mut Vec<Repair>,
) -> Option<SkipRange> {
    let range = range?;
    let inside = duration_ms.is_none_or(|duration| range.end_ms <= duration);
    if range.start_ms < range.end_ms && inside {
        Some(range)
    } else {
        repairs.push(Repair {
            field,
            what: format!("{}-{} ms is not a valid range, dropped", range.start_ms, range.end_ms),
        });
        None
    }
}

fn clean_torrents(torrents: Vec<Torrent>, repairs: &mut Vec<Repair>) -> Vec<Torrent> {
    let mut ids = HashSet::new();
    torrents
        .into_iter()
        .filter_map(|mut torrent| {
            torrent.source_id = torrent.source_id.trim().to_owned();
            let magnet_ok =
                torrent.magnet.starts_with("magnet:?") && torrent.magnet.len() <= MAX_URL;
            if torrent.source_id.is_empty() || !magnet_ok || !ids.insert(torrent.source_id.clone())
            {
                repairs.push(Repair {
                    field: "torrents",
                    what: format!("torrent {:?} dropped", torrent.source_id),
                });
                return None;
            }
            torrent.episodes = clean_line(&torrent.episodes, 100, "torrents.episodes", repairs)
                .unwrap_or_default();
            torrent.quality =
                clean_line(&torrent.quality, 100, "torrents.quality", repairs).unwrap_or_default();
            torrent.info_hash = torrent.info_hash.take().and_then(|hash| {
                let hash = hash.trim().to_ascii_lowercase();
                let ok = hash.len() == 40 && hash.bytes().all(|byte| byte.is_ascii_hexdigit());
                if !ok {
                    repairs.push(Repair {
                        field: "torrents.info_hash",
                        what: format!("{} is not 40 hex digits, dropped", shorten(&hash)),
                    });
                }
                ok.then_some(hash)
            });
            Some(torrent)
        })
        .collect()
}

#[cfg(test)]
mod tests;
