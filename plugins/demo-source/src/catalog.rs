//! The demo catalog format (written by `getanime-app`'s demo module) and its conversion.

use getanime_provider_sdk::text::absolute_url;
use getanime_provider_sdk::{
    CatalogFilter, CatalogFilters, Episode, FilterOption, Page, ProviderError, Quality,
    ScheduleDay, SkipRange, Stream, SubtitleFormat, SubtitleTrack, Title, TitleSummary, Torrent,
};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct RawCatalog {
    titles: Vec<RawTitle>,
}

#[derive(Debug, Deserialize)]
struct RawTitle {
    id: String,
    name: String,
    #[serde(default)]
    name_en: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    year: Option<u16>,
    #[serde(default)]
    genres: Vec<String>,
    #[serde(default)]
    weekday: Option<u8>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    poster: Option<String>,
    updated_at: i64,
    episodes: Vec<RawEpisode>,
    #[serde(default)]
    torrents: Vec<RawTorrent>,
}

#[derive(Debug, Deserialize)]
struct RawEpisode {
    number: f64,
    #[serde(default)]
    name: Option<String>,
    /// Relative playlist paths per quality name (`fhd`, `hd`, `sd`).
    streams: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    opening: Option<[u32; 2]>,
    #[serde(default)]
    ending: Option<[u32; 2]>,
    #[serde(default)]
    duration_ms: Option<u32>,
    #[serde(default)]
    subtitles: Vec<RawSubtitle>,
    #[serde(default)]
    audio: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct RawSubtitle {
    /// Relative path of the file.
    path: String,
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    label: Option<String>,
    /// `webvtt`, `srt` or `ass`.
    format: String,
}

#[derive(Debug, Deserialize)]
struct RawTorrent {
    id: String,
    episodes: String,
    quality: String,
    size_bytes: u64,
    magnet: String,
}

/// The parsed catalog.
pub struct Catalog {
    pub titles: Vec<Title>,
}

/// Parses `catalog.json`; relative paths are resolved against `base`.
pub fn parse(body: &[u8], base: &str) -> Result<Catalog, ProviderError> {
    let raw: RawCatalog = serde_json::from_slice(body)
        .map_err(|error| ProviderError::Parse(format!("the demo catalog is invalid: {error}")))?;
    let titles = raw
        .titles
        .into_iter()
        .map(|title| Title {
            summary: TitleSummary {
                source_id: title.id.clone(),
                name: title.name,
                name_original: title.name_en,
                alt_names: Vec::new(),
                poster_url: title.poster.as_deref().and_then(|path| absolute_url(base, path)),
                kind: title.kind,
                episodes_total: u32::try_from(title.episodes.len()).ok(),
                updated_at: Some(title.updated_at),
            },
            description: title.description,
            genres: title.genres,
            year: title.year,
            status: Some("Онгоинг".into()),
            release_weekday: title.weekday,
            episodes: title
                .episodes
                .into_iter()
                .map(|episode| Episode {
                    number: episode.number,
                    name: episode.name,
                    streams: episode
                        .streams
                        .iter()
                        .filter_map(|(quality, path)| {
                            let quality = match quality.as_str() {
                                "fhd" => Quality::Fhd,
                                "hd" => Quality::Hd,
                                "sd" => Quality::Sd,
                                _ => return None,
                            };
                            Some(Stream { quality, url: absolute_url(base, path)? })
                        })
                        .collect(),
                    preview_url: None,
                    opening: episode
                        .opening
                        .map(|[start_ms, end_ms]| SkipRange { start_ms, end_ms }),
                    ending: episode.ending.map(|[start_ms, end_ms]| SkipRange { start_ms, end_ms }),
                    duration_ms: episode.duration_ms,
                    published_at: None,
                    subtitles: episode
                        .subtitles
                        .into_iter()
                        .filter_map(|track| {
                            let format = match track.format.as_str() {
                                "webvtt" => SubtitleFormat::Webvtt,
                                "srt" => SubtitleFormat::Srt,
                                "ass" => SubtitleFormat::Ass,
                                _ => return None,
                            };
                            Some(SubtitleTrack {
                                url: absolute_url(base, &track.path)?,
                                language: track.language,
                                label: track.label,
                                format,
                            })
                        })
                        .collect(),
                    audio: episode.audio,
                    source_id: Some(format!("{}-{}", title.id, episode.number)),
                })
                .collect(),
            torrents: title
                .torrents
                .into_iter()
                .map(|torrent| Torrent {
                    source_id: torrent.id,
                    episodes: torrent.episodes,
                    quality: torrent.quality,
                    size_bytes: Some(torrent.size_bytes),
                    magnet: torrent.magnet,
                    seeders: Some(7),
                    info_hash: None,
                })
                .collect(),
            details_complete: true,
            external_ids: Vec::new(),
            related: Vec::new(),
            age_rating: None,
            backdrop_url: None,
        })
        .collect();
    Ok(Catalog { titles })
}

/// Titles any of whose names contain `query`, ignoring case.
pub fn search(titles: Vec<Title>, query: &str) -> Vec<Title> {
    let query = query.trim().to_lowercase();
    titles
        .into_iter()
        .filter(|title| {
            let summary = &title.summary;
            summary.name.to_lowercase().contains(&query)
                || summary
                    .name_original
                    .as_deref()
                    .is_some_and(|name| name.to_lowercase().contains(&query))
        })
        .collect()
}

/// Titles by weekday (1 = Monday).
pub fn schedule(titles: Vec<Title>) -> Vec<ScheduleDay> {
    let mut days: Vec<ScheduleDay> = Vec::new();
    for title in titles {
        let Some(weekday) = title.release_weekday else { continue };
        match days.iter_mut().find(|day| day.weekday == weekday) {
            Some(day) => day.items.push(title),
            None => days.push(ScheduleDay { weekday, items: vec![title] }),
        }
    }
    days.sort_by_key(|day| day.weekday);
    days
}

/// The catalog's orders; the first is the default.
const SORTS: [(&str, &str); 2] = [("name", "По названию"), ("year", "Сначала новые")];

/// The filters of the demo's whole catalog: the genres, years and kinds its titles have.
pub fn filters(titles: &[Title]) -> CatalogFilters {
    let mut genres: Vec<String> = titles.iter().flat_map(|title| title.genres.clone()).collect();
    genres.sort();
    genres.dedup();
    let mut kinds: Vec<String> =
        titles.iter().filter_map(|title| title.summary.kind.clone()).collect();
    kinds.sort();
    kinds.dedup();
    let years = titles.iter().filter_map(|title| title.year);
    let years = years.clone().min().zip(years.max());
    let options = |values: Vec<String>| {
        values.into_iter().map(|value| FilterOption::new(value.clone(), value)).collect()
    };
    CatalogFilters {
        genres: options(genres),
        years,
        kinds: options(kinds),
        sorts: SORTS.iter().map(|(id, label)| FilterOption::new(*id, *label)).collect(),
        ..CatalogFilters::default()
    }
}

/// Page `page` (from 1, `page_size` titles each) of the titles `filter` lets through.
pub fn catalog_page(titles: Vec<Title>, filter: &CatalogFilter, page: u32, page_size: u32) -> Page {
    let wanted = |title: &Title| {
        let year_ok = title.year.is_some_and(|year| {
            filter.year_from.is_none_or(|from| year >= from)
                && filter.year_to.is_none_or(|to| year <= to)
        }) || (filter.year_from.is_none() && filter.year_to.is_none());
        let genre_ok = filter.genres.iter().all(|genre| title.genres.contains(genre));
        let kind_ok = filter.kinds.is_empty()
            || title.summary.kind.as_ref().is_some_and(|kind| filter.kinds.contains(kind));
        year_ok && genre_ok && kind_ok
    };
    let mut found: Vec<Title> = titles.into_iter().filter(wanted).collect();
    match filter.sort.as_deref() {
        Some("year") => {
            found.sort_by(|a, b| b.year.cmp(&a.year).then(a.summary.name.cmp(&b.summary.name)))
        }
        _ => found.sort_by(|a, b| a.summary.name.cmp(&b.summary.name)),
    }
    let page_size = page_size.max(1) as usize;
    let pages = found.len().div_ceil(page_size).max(1);
    let page = page.max(1);
    let items = found.into_iter().skip((page as usize - 1) * page_size).take(page_size).collect();
    Page::new(items, page, u32::try_from(pages).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn title(id: &str, name: &str, year: u16, genres: &[&str]) -> Title {
        let mut title = Title::new(id, name);
        title.year = Some(year);
        title.genres = genres.iter().map(|genre| (*genre).to_owned()).collect();
        title.summary.kind = Some("TV".into());
        title
    }

    #[test]
    fn the_whole_catalog_filters_sorts_and_pages() {
        let titles = vec![
            title("1", "Б", 2024, &["Драма"]),
            title("2", "А", 2021, &["Драма", "Комедия"]),
            title("3", "В", 2025, &["Комедия"]),
        ];
        let filters = filters(&titles);
        let ids = |options: &[FilterOption]| -> Vec<String> {
            options.iter().map(|option| option.id.clone()).collect()
        };
        assert_eq!(ids(&filters.genres), ["Драма", "Комедия"]);
        assert_eq!(filters.years, Some((2021, 2025)));
        assert_eq!(ids(&filters.sorts), ["name", "year"]);

        let names = |page: &Page| -> Vec<String> {
            page.items.iter().map(|title| title.summary.name.clone()).collect()
        };
        let first = catalog_page(titles.clone(), &CatalogFilter::default(), 1, 2);
        assert_eq!((names(&first), first.pages), (vec!["А".into(), "Б".into()], Some(2)));
        let second = catalog_page(titles.clone(), &CatalogFilter::default(), 2, 2);
        assert_eq!(names(&second), ["В"]);
        let drama_by_year = CatalogFilter {
            genres: vec!["Драма".into()],
            sort: Some("year".into()),
            ..CatalogFilter::default()
        };
        assert_eq!(names(&catalog_page(titles.clone(), &drama_by_year, 1, 8)), ["Б", "А"]);
        let one_year = CatalogFilter {
            year_from: Some(2025),
            year_to: Some(2025),
            ..CatalogFilter::default()
        };
        assert_eq!(names(&catalog_page(titles, &one_year, 1, 8)), ["В"]);
    }
}
