//! WIT types to `getanime-domain` types. Conversion is 1:1; validation happens in the app.
//! The current contract (0.3) converts here; [`legacy`] adapts older records to 0.3 first (0.1
//! through 0.2), so every version reaches the domain through the same code.

use getanime_domain as domain;

use crate::bindings::v0_3::types as wit;

pub(crate) fn page(page: wit::Page) -> domain::Page {
    domain::Page {
        items: page.items.into_iter().map(title).collect(),
        page: page.page,
        pages: page.pages,
    }
}

pub(crate) fn schedule_day(day: wit::ScheduleDay) -> domain::ScheduleDay {
    domain::ScheduleDay { weekday: day.weekday, items: day.items.into_iter().map(title).collect() }
}

pub(crate) fn title(title: wit::Title) -> domain::Title {
    domain::Title {
        summary: summary(title.summary),
        description: title.description,
        genres: title.genres,
        year: title.year,
        status: title.status,
        release_weekday: title.release_weekday,
        episodes: title.episodes.into_iter().map(episode).collect(),
        torrents: title.torrents.into_iter().map(torrent).collect(),
        details_complete: title.details_complete,
        external_ids: title
            .external_ids
            .into_iter()
            .map(|external| domain::ExternalId {
                tracker: tracker(external.tracker),
                id: external.id,
            })
            .collect(),
        related: title
            .related
            .into_iter()
            .map(|related| domain::RelatedTitle {
                source_id: related.source_id,
                name: related.name,
                order: related.order,
            })
            .collect(),
        age_rating: title.age_rating,
        backdrop_url: title.backdrop_url,
    }
}

fn summary(summary: wit::TitleSummary) -> domain::TitleSummary {
    domain::TitleSummary {
        source_id: summary.source_id,
        name: summary.name,
        name_original: summary.name_original,
        alt_names: summary.alt_names,
        poster_url: summary.poster_url,
        kind: summary.kind,
        episodes_total: summary.episodes_total,
        updated_at: summary.updated_at,
    }
}

fn episode(episode: wit::Episode) -> domain::Episode {
    domain::Episode {
        number: episode.number,
        name: episode.name,
        streams: episode
            .streams
            .into_iter()
            .map(|stream| domain::Stream { quality: quality(stream.quality), url: stream.url })
            .collect(),
        preview_url: episode.preview_url,
        opening: episode.opening.map(skip_range),
        ending: episode.ending.map(skip_range),
        duration_ms: episode.duration_ms,
        published_at: episode.published_at,
        subtitles: episode
            .subtitles
            .into_iter()
            .map(|track| domain::SubtitleTrack {
                url: track.url,
                language: track.language,
                label: track.label,
                format: match track.format {
                    wit::SubtitleFormat::Webvtt => domain::SubtitleFormat::WebVtt,
                    wit::SubtitleFormat::Ass => domain::SubtitleFormat::Ass,
                    wit::SubtitleFormat::Srt => domain::SubtitleFormat::Srt,
                },
            })
            .collect(),
        audio: episode.audio,
        source_id: episode.source_id,
    }
}

fn skip_range(range: wit::SkipRange) -> domain::SkipRange {
    domain::SkipRange { start_ms: range.start_ms, end_ms: range.end_ms }
}

fn quality(quality: wit::Quality) -> domain::Quality {
    match quality {
        wit::Quality::Sd => domain::Quality::Sd,
        wit::Quality::Hd => domain::Quality::Hd,
        wit::Quality::Fhd => domain::Quality::Fhd,
    }
}

fn tracker(tracker: wit::Tracker) -> domain::Tracker {
    match tracker {
        wit::Tracker::Myanimelist => domain::Tracker::MyAnimeList,
        wit::Tracker::Shikimori => domain::Tracker::Shikimori,
        wit::Tracker::Anilist => domain::Tracker::AniList,
        wit::Tracker::Kitsu => domain::Tracker::Kitsu,
    }
}

fn torrent(torrent: wit::Torrent) -> domain::Torrent {
    domain::Torrent {
        source_id: torrent.source_id,
        episodes: torrent.episodes,
        quality: torrent.quality,
        size_bytes: torrent.size_bytes,
        magnet: torrent.magnet,
        seeders: torrent.seeders,
        info_hash: torrent.info_hash,
    }
}

pub(crate) fn filters(filters: wit::CatalogFilters) -> domain::CatalogFilters {
    let options = |options: Vec<wit::FilterOption>| {
        options
            .into_iter()
            .map(|option| domain::FilterOption { id: option.id, label: option.label })
            .collect()
    };
    domain::CatalogFilters {
        genres: options(filters.genres),
        years: filters.years,
        kinds: options(filters.kinds),
        statuses: options(filters.statuses),
        sorts: options(filters.sorts),
    }
}

pub(crate) fn catalog_filter(filter: &domain::CatalogFilter) -> wit::CatalogFilter {
    wit::CatalogFilter {
        genres: filter.genres.clone(),
        year_from: filter.year_from,
        year_to: filter.year_to,
        kinds: filter.kinds.clone(),
        status: filter.status.clone(),
        sort: filter.sort.clone(),
    }
}

/// How the SDK begins a `parse` error for JSON that ended early (`http::ANSWER_CUT_OFF` in
/// `getanime-provider-sdk`; the plugin tests check that the two agree).
const ANSWER_CUT_OFF: &str = "answer cut off";

pub(crate) fn provider_error(error: wit::ProviderError) -> domain::ProviderError {
    match error {
        wit::ProviderError::Network(message) => domain::ProviderError::Network(message),
        wit::ProviderError::NotFound => domain::ProviderError::NotFound,
        wit::ProviderError::RateLimited => domain::ProviderError::RateLimited,
        wit::ProviderError::Parse(message) if message.starts_with(ANSWER_CUT_OFF) => {
            domain::ProviderError::CutOff(message)
        }
        wit::ProviderError::Parse(message) => domain::ProviderError::Parse(message),
        wit::ProviderError::Unsupported => domain::ProviderError::Unsupported,
        wit::ProviderError::Denied(host) => domain::ProviderError::Denied(host),
        wit::ProviderError::Other(message) => domain::ProviderError::Other(message),
    }
}

/// Older contracts adapted to the current one, version by version.
pub(crate) mod legacy {
    /// Contract 0.2 adapted to 0.3: the same records without the fields 0.3 added.
    pub(crate) mod v0_2 {
        use getanime_domain as domain;

        use crate::bindings::v0_2::types as old;
        use crate::bindings::v0_3::types as new;

        pub(crate) fn page(page: old::Page) -> domain::Page {
            super::super::page(new::Page {
                items: page.items.into_iter().map(adapt_title).collect(),
                page: page.page,
                pages: page.pages,
            })
        }

        pub(crate) fn schedule_day(day: old::ScheduleDay) -> domain::ScheduleDay {
            super::super::schedule_day(new::ScheduleDay {
                weekday: day.weekday,
                items: day.items.into_iter().map(adapt_title).collect(),
            })
        }

        pub(crate) fn title(title: old::Title) -> domain::Title {
            super::super::title(adapt_title(title))
        }

        pub(crate) fn filters(filters: old::CatalogFilters) -> domain::CatalogFilters {
            let options = |options: Vec<old::FilterOption>| {
                options
                    .into_iter()
                    .map(|option| new::FilterOption { id: option.id, label: option.label })
                    .collect()
            };
            super::super::filters(new::CatalogFilters {
                genres: options(filters.genres),
                years: filters.years,
                kinds: options(filters.kinds),
                statuses: options(filters.statuses),
                sorts: options(filters.sorts),
            })
        }

        pub(crate) fn catalog_filter(filter: &domain::CatalogFilter) -> old::CatalogFilter {
            old::CatalogFilter {
                genres: filter.genres.clone(),
                year_from: filter.year_from,
                year_to: filter.year_to,
                kinds: filter.kinds.clone(),
                status: filter.status.clone(),
                sort: filter.sort.clone(),
            }
        }

        pub(crate) fn error(error: old::ProviderError) -> domain::ProviderError {
            super::super::provider_error(match error {
                old::ProviderError::Network(message) => new::ProviderError::Network(message),
                old::ProviderError::NotFound => new::ProviderError::NotFound,
                old::ProviderError::RateLimited => new::ProviderError::RateLimited,
                old::ProviderError::Parse(message) => new::ProviderError::Parse(message),
                old::ProviderError::Unsupported => new::ProviderError::Unsupported,
                old::ProviderError::Denied(host) => new::ProviderError::Denied(host),
                old::ProviderError::Other(message) => new::ProviderError::Other(message),
            })
        }

        fn adapt_title(title: old::Title) -> new::Title {
            let summary = title.summary;
            new::Title {
                summary: new::TitleSummary {
                    source_id: summary.source_id,
                    name: summary.name,
                    name_original: summary.name_original,
                    alt_names: summary.alt_names,
                    poster_url: summary.poster_url,
                    kind: summary.kind,
                    episodes_total: summary.episodes_total,
                    updated_at: summary.updated_at,
                },
                description: title.description,
                genres: title.genres,
                year: title.year,
                status: title.status,
                release_weekday: title.release_weekday,
                episodes: title.episodes.into_iter().map(adapt_episode).collect(),
                torrents: title
                    .torrents
                    .into_iter()
                    .map(|torrent| new::Torrent {
                        source_id: torrent.source_id,
                        episodes: torrent.episodes,
                        quality: torrent.quality,
                        size_bytes: torrent.size_bytes,
                        magnet: torrent.magnet,
                        seeders: torrent.seeders,
                        info_hash: None,
                    })
                    .collect(),
                details_complete: title.details_complete,
                external_ids: title
                    .external_ids
                    .into_iter()
                    .map(|external| new::ExternalId {
                        tracker: match external.tracker {
                            old::Tracker::Myanimelist => new::Tracker::Myanimelist,
                            old::Tracker::Shikimori => new::Tracker::Shikimori,
                            old::Tracker::Anilist => new::Tracker::Anilist,
                            old::Tracker::Kitsu => new::Tracker::Kitsu,
                        },
                        id: external.id,
                    })
                    .collect(),
                related: title
                    .related
                    .into_iter()
                    .map(|related| new::RelatedTitle {
                        source_id: related.source_id,
                        name: related.name,
                        order: related.order,
                    })
                    .collect(),
                age_rating: None,
                backdrop_url: None,
            }
        }

        fn adapt_episode(episode: old::Episode) -> new::Episode {
            let range = |range: old::SkipRange| new::SkipRange {
                start_ms: range.start_ms,
                end_ms: range.end_ms,
            };
            new::Episode {
                number: episode.number,
                name: episode.name,
                streams: episode
                    .streams
                    .into_iter()
                    .map(|stream| new::Stream {
                        quality: match stream.quality {
                            old::Quality::Sd => new::Quality::Sd,
                            old::Quality::Hd => new::Quality::Hd,
                            old::Quality::Fhd => new::Quality::Fhd,
                        },
                        url: stream.url,
                    })
                    .collect(),
                preview_url: episode.preview_url,
                opening: episode.opening.map(range),
                ending: episode.ending.map(range),
                duration_ms: episode.duration_ms,
                published_at: episode.published_at,
                subtitles: episode
                    .subtitles
                    .into_iter()
                    .map(|track| new::SubtitleTrack {
                        url: track.url,
                        language: track.language,
                        label: track.label,
                        format: match track.format {
                            old::SubtitleFormat::Webvtt => new::SubtitleFormat::Webvtt,
                            old::SubtitleFormat::Ass => new::SubtitleFormat::Ass,
                            old::SubtitleFormat::Srt => new::SubtitleFormat::Srt,
                        },
                    })
                    .collect(),
                audio: episode.audio,
                source_id: None,
            }
        }
    }

    /// Contract 0.1 adapted to 0.2: the same records without the fields 0.2 added; then as 0.2.
    pub(crate) mod v0_1 {
        use getanime_domain as domain;

        use crate::bindings::v0_1::types as old;
        use crate::bindings::v0_2::types as new;

        pub(crate) fn page(page: old::Page) -> domain::Page {
            super::v0_2::page(new::Page {
                items: page.items.into_iter().map(adapt_title).collect(),
                page: page.page,
                pages: page.pages,
            })
        }

        pub(crate) fn schedule_day(day: old::ScheduleDay) -> domain::ScheduleDay {
            super::v0_2::schedule_day(new::ScheduleDay {
                weekday: day.weekday,
                items: day.items.into_iter().map(adapt_title).collect(),
            })
        }

        pub(crate) fn title(title: old::Title) -> domain::Title {
            super::v0_2::title(adapt_title(title))
        }

        pub(crate) fn error(error: old::ProviderError) -> domain::ProviderError {
            super::v0_2::error(match error {
                old::ProviderError::Network(message) => new::ProviderError::Network(message),
                old::ProviderError::NotFound => new::ProviderError::NotFound,
                old::ProviderError::RateLimited => new::ProviderError::RateLimited,
                old::ProviderError::Parse(message) => new::ProviderError::Parse(message),
                old::ProviderError::Unsupported => new::ProviderError::Unsupported,
                old::ProviderError::Other(message) => new::ProviderError::Other(message),
            })
        }

        fn adapt_title(title: old::Title) -> new::Title {
            let summary = title.summary;
            new::Title {
                summary: new::TitleSummary {
                    source_id: summary.source_id,
                    name: summary.name,
                    name_original: summary.name_original,
                    alt_names: summary.alt_names,
                    poster_url: summary.poster_url,
                    kind: summary.kind,
                    episodes_total: summary.episodes_total,
                    updated_at: summary.updated_at,
                },
                description: title.description,
                genres: title.genres,
                year: title.year,
                status: title.status,
                release_weekday: title.release_weekday,
                episodes: title.episodes.into_iter().map(adapt_episode).collect(),
                torrents: title
                    .torrents
                    .into_iter()
                    .map(|torrent| new::Torrent {
                        source_id: torrent.source_id,
                        episodes: torrent.episodes,
                        quality: torrent.quality,
                        size_bytes: torrent.size_bytes,
                        magnet: torrent.magnet,
                        seeders: torrent.seeders,
                    })
                    .collect(),
                details_complete: title.details_complete,
                external_ids: Vec::new(),
                related: Vec::new(),
            }
        }

        fn adapt_episode(episode: old::Episode) -> new::Episode {
            let range = |range: old::SkipRange| new::SkipRange {
                start_ms: range.start_ms,
                end_ms: range.end_ms,
            };
            new::Episode {
                number: episode.number,
                name: episode.name,
                streams: episode
                    .streams
                    .into_iter()
                    .map(|stream| new::Stream {
                        quality: match stream.quality {
                            old::Quality::Sd => new::Quality::Sd,
                            old::Quality::Hd => new::Quality::Hd,
                            old::Quality::Fhd => new::Quality::Fhd,
                        },
                        url: stream.url,
                    })
                    .collect(),
                preview_url: episode.preview_url,
                opening: episode.opening.map(range),
                ending: episode.ending.map(range),
                duration_ms: episode.duration_ms,
                published_at: episode.published_at,
                subtitles: Vec::new(),
                audio: Vec::new(),
            }
        }
    }
}

/// Approximate bytes of a result: strings plus a fixed cost per record, for the output cap.
pub(crate) fn page_size(page: &domain::Page) -> usize {
    page.items.iter().map(title_size).sum()
}

pub(crate) fn schedule_day_size(day: &domain::ScheduleDay) -> usize {
    day.items.iter().map(title_size).sum::<usize>() + RECORD_COST
}

pub(crate) fn filters_size(filters: &domain::CatalogFilters) -> usize {
    [&filters.genres, &filters.kinds, &filters.statuses, &filters.sorts]
        .into_iter()
        .flatten()
        .map(|option| RECORD_COST + option.id.len() + option.label.len())
        .sum()
}

/// A fixed cost per record (plus its strings), for the output cap.
pub(crate) const RECORD_COST: usize = 64;

fn text(value: &Option<String>) -> usize {
    value.as_ref().map_or(0, String::len)
}

fn texts(values: &[String]) -> usize {
    values.iter().map(String::len).sum()
}

pub(crate) fn title_size(title: &domain::Title) -> usize {
    let summary = &title.summary;
    let names = summary.source_id.len()
        + summary.name.len()
        + text(&summary.name_original)
        + texts(&summary.alt_names)
        + text(&summary.poster_url)
        + text(&summary.kind);
    let episodes: usize = title
        .episodes
        .iter()
        .map(|episode| {
            RECORD_COST
                + text(&episode.name)
                + text(&episode.preview_url)
                + episode.streams.iter().map(|stream| RECORD_COST + stream.url.len()).sum::<usize>()
                + episode
                    .subtitles
                    .iter()
                    .map(|track| {
                        RECORD_COST + track.url.len() + text(&track.language) + text(&track.label)
                    })
                    .sum::<usize>()
                + texts(&episode.audio)
        })
        .sum();
    let torrents: usize = title
        .torrents
        .iter()
        .map(|torrent| {
            RECORD_COST
                + torrent.source_id.len()
                + torrent.episodes.len()
                + torrent.quality.len()
                + torrent.magnet.len()
        })
        .sum();
    let links: usize = title.external_ids.iter().map(|id| RECORD_COST + id.id.len()).sum::<usize>()
        + title
            .related
            .iter()
            .map(|related| RECORD_COST + related.source_id.len() + related.name.len())
            .sum::<usize>();
    RECORD_COST
        + names
        + text(&title.description)
        + texts(&title.genres)
        + text(&title.status)
        + episodes
        + torrents
        + links
}
