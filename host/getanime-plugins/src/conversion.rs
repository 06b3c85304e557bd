//! WIT types to `getanime-domain` types. Conversion is 1:1; validation happens in the app.

use getanime_domain as domain;

use crate::bindings::types as wit;

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

fn torrent(torrent: wit::Torrent) -> domain::Torrent {
    domain::Torrent {
        source_id: torrent.source_id,
        episodes: torrent.episodes,
        quality: torrent.quality,
        size_bytes: torrent.size_bytes,
        magnet: torrent.magnet,
        seeders: torrent.seeders,
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
        wit::ProviderError::Other(message) => domain::ProviderError::Other(message),
    }
}

/// Approximate bytes of a result: strings plus a fixed cost per record, for the output cap.
pub(crate) fn page_size(page: &wit::Page) -> usize {
    page.items.iter().map(title_size).sum()
}

pub(crate) fn schedule_day_size(day: &wit::ScheduleDay) -> usize {
    day.items.iter().map(title_size).sum::<usize>() + RECORD_COST
}

const RECORD_COST: usize = 64;

fn text(value: &Option<String>) -> usize {
    value.as_ref().map_or(0, String::len)
}

pub(crate) fn title_size(title: &wit::Title) -> usize {
    let summary = &title.summary;
    let names = summary.source_id.len()
        + summary.name.len()
        + text(&summary.name_original)
        + summary.alt_names.iter().map(String::len).sum::<usize>()
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
    RECORD_COST
        + names
        + text(&title.description)
        + title.genres.iter().map(String::len).sum::<usize>()
        + text(&title.status)
        + episodes
        + torrents
}
