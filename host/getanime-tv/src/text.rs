//! Plain-text renderings for the command line.

use getanime_app::domain::{TitleCard, TitleDetails};
use getanime_app::{PosterReport, SyncReport};

pub fn card_line(card: &TitleCard) -> String {
    let original =
        card.name_original.as_deref().map(|name| format!(" / {name}")).unwrap_or_default();
    let year = card.year.map(|year| format!(" ({year})")).unwrap_or_default();
    format!("{:>6}  {}{original}{year}  [{}]\n", card.id.0, card.name, card.plugin_id)
}

// Positions and sizes read the same on the TV and the command line: one wording, in the core.
pub use getanime_app::clock as position;
pub use getanime_app::views::title::size;

pub fn title_details(details: &TitleDetails) -> String {
    let card = &details.card;
    let mut out = card_line(card);
    let facts: Vec<String> = [
        card.kind.clone(),
        details.status.clone(),
        card.episodes_total.map(|total| format!("{total} episodes planned")),
        (!details.genres.is_empty()).then(|| details.genres.join(", ")),
        details.rating.map(|rating| format!("your rating {}/10", rating.score())),
        details.list.status.map(|status| format!("in your list {}", status.code())),
        details.list.favorite.then(|| "a favorite".to_owned()),
        details.list.unsynced.then(|| "kept off your accounts".to_owned()),
        details.average_rating.map(|(average, count)| format!("average {average:.1} from {count}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    out.push_str(&format!("        {}\n", facts.join(" · ")));
    for external in &details.external_ids {
        out.push_str(&format!(
            "        {} {}: {}\n",
            external.tracker.name(),
            external.id,
            external.tracker.page_url(&external.id)
        ));
    }
    for related in &details.related {
        let order = related.order.map(|order| format!(" (#{order})")).unwrap_or_default();
        out.push_str(&format!(
            "        related: {} [{}]{order}\n",
            related.name, related.source_id
        ));
    }
    if let Some(description) = &details.description {
        for line in description.lines() {
            out.push_str(&format!("        {line}\n"));
        }
    }
    out.push_str("episodes:\n");
    for entry in &details.episodes {
        let episode = &entry.episode;
        let qualities: Vec<&str> =
            episode.streams.iter().map(|stream| stream.quality.as_str()).collect();
        let skips: Vec<String> = [("opening", episode.opening), ("ending", episode.ending)]
            .into_iter()
            .filter_map(|(name, range)| {
                range.map(|range| {
                    format!(
                        "{name} {}-{}",
                        position(u64::from(range.start_ms)),
                        position(u64::from(range.end_ms))
                    )
                })
            })
            .collect();
        let watch = match entry.watch {
            Some(watch) if watch.watched => " ✓ watched".to_owned(),
            Some(watch) if watch.position_ms > 0 => {
                format!(" ▶ at {}", position(watch.position_ms))
            }
            _ => String::new(),
        };
        let name = episode.name.as_deref().map(|name| format!(" {name}")).unwrap_or_default();
        let subtitles: Vec<&str> = episode
            .subtitles
            .iter()
            .map(|track| track.language.as_deref().unwrap_or("?"))
            .collect();
        let extras: String = [
            (!subtitles.is_empty()).then(|| format!(" subtitles {}", subtitles.join(","))),
            (!episode.audio.is_empty()).then(|| format!(" audio {}", episode.audio.join(", "))),
        ]
        .into_iter()
        .flatten()
        .collect();
        out.push_str(&format!(
            "  {:>5}{name}  [{}] {}{watch}{extras}\n",
            episode.number,
            qualities.join(" "),
            skips.join(", ")
        ));
    }
    if !details.torrents.is_empty() {
        out.push_str("torrents:\n");
        for torrent in &details.torrents {
            let size = torrent.size_bytes.map(size).unwrap_or_default();
            let seeders =
                torrent.seeders.map(|seeders| format!("{seeders} seeders")).unwrap_or_default();
            out.push_str(&format!(
                "  {} {} {size} {seeders}\n    {}\n",
                torrent.episodes, torrent.quality, torrent.magnet
            ));
        }
    }
    out
}

pub fn sync_reports(reports: &[SyncReport], posters: &PosterReport) -> String {
    let mut out = String::new();
    for report in reports {
        out.push_str(&format!(
            "{}: {} written, {} unchanged, {} details, {} scheduled ({} pages)\n",
            report.plugin_id,
            report.written,
            report.unchanged,
            report.details_fetched,
            report.scheduled,
            report.pages
        ));
        for problem in &report.problems {
            out.push_str(&format!("  problem: {problem}\n"));
        }
        if let Some(error) = &report.error {
            out.push_str(&format!("  failed: {error}\n"));
        }
    }
    out.push_str(&format!("posters: {} stored, {} failed\n", posters.stored, posters.failed.len()));
    out
}

/// A moment (Unix ms) in local time, `2026-12-06 16:20`.
pub fn local_time(at: i64) -> String {
    use chrono::TimeZone;
    match chrono::Local.timestamp_millis_opt(at) {
        chrono::LocalResult::Single(time) => time.format("%Y-%m-%d %H:%M").to_string(),
        _ => at.to_string(),
    }
}
