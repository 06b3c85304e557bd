//! Compact text renderings of provider results, for snapshot tests of parsers (with
//! `expect-test` or plain string comparison). One line per title and episode; stream URLs in full
//! for the first episode only, so snapshots stay readable.

use std::fmt::Write;

use crate::{Page, ScheduleDay, Title};

/// One title.
pub fn render_title(title: &Title) -> String {
    let mut out = String::new();
    write_title(&mut out, title);
    out
}

/// One title as compact text: the fields a user sees, URLs in full for the first episode.
fn write_title(out: &mut String, title: &Title) {
    let summary = &title.summary;
    writeln!(
        out,
        "{} {:?} orig={:?} alt={:?} kind={:?} eps={:?} updated={:?} year={:?} weekday={:?} status={:?} complete={}",
        summary.source_id,
        summary.name,
        summary.name_original,
        summary.alt_names,
        summary.kind,
        summary.episodes_total,
        summary.updated_at,
        title.year,
        title.release_weekday,
        title.status,
        title.details_complete
    )
    .ok();
    writeln!(out, "  poster {:?}", summary.poster_url).ok();
    writeln!(out, "  genres {:?}", title.genres).ok();
    if !title.external_ids.is_empty() {
        let ids: Vec<String> =
            title.external_ids.iter().map(|id| format!("{:?}={}", id.tracker, id.id)).collect();
        writeln!(out, "  ids {}", ids.join(" ")).ok();
    }
    if title.age_rating.is_some() || title.backdrop_url.is_some() {
        writeln!(out, "  age {:?} backdrop {:?}", title.age_rating, title.backdrop_url).ok();
    }
    if let Some(description) = &title.description {
        let short: String = description.chars().take(50).collect();
        writeln!(out, "  description {short:?}").ok();
    }
    for (index, episode) in title.episodes.iter().enumerate() {
        let qualities: Vec<String> =
            episode.streams.iter().map(|stream| format!("{:?}", stream.quality)).collect();
        let range = |range: &Option<crate::SkipRange>| {
            range
                .map(|range| format!("{}-{}", range.start_ms, range.end_ms))
                .unwrap_or_else(|| "-".into())
        };
        writeln!(
            out,
            "  ep {} {:?} [{}] op={} ed={} published={:?}",
            episode.number,
            episode.name,
            qualities.join(" "),
            range(&episode.opening),
            range(&episode.ending),
            episode.published_at
        )
        .ok();
        if index == 0 {
            for stream in &episode.streams {
                writeln!(out, "    {:?} {}", stream.quality, stream.url).ok();
            }
            writeln!(out, "    preview {:?}", episode.preview_url).ok();
        }
        if let Some(id) = &episode.source_id {
            writeln!(out, "    id {id}").ok();
        }
    }
    for torrent in &title.torrents {
        let magnet: String = torrent.magnet.chars().take(60).collect();
        writeln!(
            out,
            "  torrent {} {:?} {:?} size={:?} seeders={:?} {magnet}",
            torrent.source_id,
            torrent.episodes,
            torrent.quality,
            torrent.size_bytes,
            torrent.seeders
        )
        .ok();
        if let Some(hash) = &torrent.info_hash {
            writeln!(out, "    hash {hash}").ok();
        }
    }
}

pub fn render_page(page: &Page) -> String {
    let mut out = format!("page {} of {:?}\n", page.page, page.pages);
    for title in &page.items {
        write_title(&mut out, title);
    }
    out
}

pub fn render_schedule(days: &[ScheduleDay]) -> String {
    let mut out = String::new();
    for day in days {
        writeln!(out, "weekday {}", day.weekday).ok();
        for title in &day.items {
            write_title(&mut out, title);
        }
    }
    out
}
