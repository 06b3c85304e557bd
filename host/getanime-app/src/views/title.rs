//! The title screen: name, facts, description, the episode lines, then the torrent lines.

use getanime_domain::{EpisodeEntry, ListEntry, RelatedTitle, StatusChange, TitleDetails, Torrent};

use super::lists::status_name;
use crate::language::{self, tr, trn};
use crate::navigation::TitleButton;
use crate::session::clock;

/// Everything the title screen writes.
#[derive(Debug, Clone, PartialEq)]
pub struct TitleView {
    pub name: String,
    pub original: String,
    /// "TV · 2024 · Фэнтези, Приключения · ★ 8/10 · w marks watched".
    pub facts: String,
    /// The labels of [`TitleButton::ALL`], in order.
    pub buttons: Vec<String>,
    pub description: String,
    pub episodes: Vec<EpisodeLineView>,
    pub torrents: Vec<TorrentLineView>,
    /// The franchise's other titles, after the torrents.
    pub related: Vec<RelatedLineView>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EpisodeLineView {
    pub number: String,
    pub name: String,
    /// "fhd hd sd".
    pub qualities: String,
    /// "✓ watched", "▶ 4:05" (where it stopped) or empty.
    pub state: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TorrentLineView {
    /// "WEBRip 1080p · episodes 1-12".
    pub label: String,
    /// "1.4 GB · 120 seeders · Enter: copy magnet".
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RelatedLineView {
    pub name: String,
    /// "part 2 of the franchise · Enter: open".
    pub detail: String,
}

/// The line after Enter on a torrent.
pub fn magnet_copied() -> &'static str {
    tr!("Magnet link copied — paste it into your torrent client")
}

/// What the title screen's buttons say: the list (and whether Enter undoes the app's own
/// move), the favorite mark, and the reset that asks first.
pub fn buttons(list: ListEntry, automatic: Option<StatusChange>, reset_armed: bool) -> Vec<String> {
    TitleButton::ALL
        .iter()
        .map(|button| match button {
            TitleButton::List => match (list.status, automatic) {
                (Some(status), Some(change)) if change.to == status => {
                    tr!("{list} · Enter: undo", list = status_name(status))
                }
                (Some(status), _) => tr!("List: {list}", list = status_name(status)),
                (None, _) => tr!("+ Add to a list").to_owned(),
            },
            TitleButton::Favorite if list.favorite => tr!("♥ In favorites").to_owned(),
            TitleButton::Favorite => tr!("♡ Add to favorites").to_owned(),
            TitleButton::HideFromContinue => tr!("Hide from Continue watching").to_owned(),
            TitleButton::ResetWatched if reset_armed => {
                tr!("Press Enter again to reset").to_owned()
            }
            TitleButton::ResetWatched => tr!("Reset watched marks").to_owned(),
            TitleButton::Sync if list.unsynced => tr!("Sync: off").to_owned(),
            TitleButton::Sync => tr!("Sync: on").to_owned(),
        })
        .collect()
}

/// After the title's sync was switched: what that means.
pub fn sync_switched(synced: bool) -> &'static str {
    if synced {
        tr!("This title syncs with your accounts again")
    } else {
        tr!("Kept off your accounts: nothing about this title is sent or taken")
    }
}

/// After the reset: how many episodes lost their marks.
pub fn watched_reset(episodes: usize) -> String {
    trn!("Watched marks reset on {n} episode", "Watched marks reset on {n} episodes", episodes)
}

/// After the menu key on an episode.
pub fn marked_through(number: f64, episodes: usize) -> String {
    trn!(
        "{n} episode up to {number} marked watched",
        "{n} episodes up to {number} marked watched",
        episodes,
        number = number
    )
}

/// After hiding the title from the home screen's first row.
pub fn hidden_from_continue() -> &'static str {
    tr!("Hidden from Continue watching until you play it again")
}

pub fn title(details: &TitleDetails) -> TitleView {
    let card = &details.card;
    let facts: Vec<String> = [
        card.kind.clone(),
        card.year.map(|year| year.to_string()),
        (!details.genres.is_empty()).then(|| details.genres.join(", ")),
        (!details.external_ids.is_empty()).then(|| {
            let ids: Vec<String> = details
                .external_ids
                .iter()
                .map(|external| format!("{} {}", external.tracker.name(), external.id))
                .collect();
            ids.join(", ")
        }),
        (!details.rewatching_at.is_empty())
            .then(|| tr!("{accounts}: rewatching", accounts = details.rewatching_at.join(", "))),
        Some(match details.rating {
            Some(rating) => format!("★ {}/10", rating.score()),
            None => tr!("☆ rate with ← →").to_owned(),
        }),
        Some(tr!("w marks watched, c marks up to here").to_owned()),
    ]
    .into_iter()
    .flatten()
    .collect();
    TitleView {
        name: card.name.clone(),
        original: card.name_original.clone().unwrap_or_default(),
        facts: facts.join(" · "),
        buttons: buttons(details.list, None, false),
        description: details.description.clone().unwrap_or_default(),
        episodes: details.episodes.iter().map(episode_line).collect(),
        torrents: details.torrents.iter().map(torrent_line).collect(),
        related: details.related.iter().map(related_line).collect(),
    }
}

fn related_line(related: &RelatedTitle) -> RelatedLineView {
    let open = tr!("Enter: open").to_owned();
    RelatedLineView {
        name: related.name.clone(),
        detail: match related.order {
            Some(order) => {
                format!("{} · {open}", tr!("part {order} of the franchise", order = order))
            }
            None => open,
        },
    }
}

fn episode_line(entry: &EpisodeEntry) -> EpisodeLineView {
    EpisodeLineView {
        number: entry.episode.number.to_string(),
        name: entry.episode.name.clone().unwrap_or_default(),
        qualities: entry
            .episode
            .streams
            .iter()
            .map(|stream| stream.quality.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        state: match entry.watch {
            Some(watch) if watch.watched => tr!("✓ watched").into(),
            Some(watch) if watch.position_ms > 0 => format!("▶ {}", clock(watch.position_ms)),
            _ => String::new(),
        },
    }
}

fn torrent_line(torrent: &Torrent) -> TorrentLineView {
    TorrentLineView {
        label: tr!(
            "{quality} · episodes {episodes}",
            quality = torrent.quality,
            episodes = torrent.episodes
        ),
        detail: [
            torrent.size_bytes.map(size),
            torrent.seeders.map(|seeders| trn!("{n} seeder", "{n} seeders", seeders)),
            Some(tr!("Enter: copy magnet").to_owned()),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · "),
    }
}

/// A file size for people: `1.4 GB`, `700 MB` (`1,4 ГБ` in Russian).
pub fn size(bytes: u64) -> String {
    language::size(bytes)
}

#[cfg(test)]
pub(crate) mod tests {
    use getanime_domain::{
        Episode, EpisodeId, Quality, Rating, Stream, TitleCard, TitleId, WatchState,
    };

    use super::*;

    fn entry(number: f64, watch: Option<WatchState>) -> EpisodeEntry {
        EpisodeEntry {
            id: EpisodeId(number as i64),
            episode: Episode {
                number,
                name: Some(format!("Серия {number}")),
                streams: [Quality::Fhd, Quality::Sd]
                    .into_iter()
                    .map(|quality| Stream { quality, url: String::new() })
                    .collect(),
                ..Episode::default()
            },
            watch,
        }
    }

    pub(crate) fn details(rating: Option<Rating>) -> TitleDetails {
        let watch = |position_ms, watched| {
            Some(WatchState { position_ms, duration_ms: None, watched, updated_at: 0 })
        };
        TitleDetails {
            card: TitleCard {
                id: TitleId(1),
                plugin_id: "anilibria".into(),
                source_id: "9612".into(),
                name: "Ледяной алхимик".into(),
                name_original: Some("Frost Alchemist".into()),
                poster_url: None,
                kind: Some("TV".into()),
                year: Some(2024),
                episodes_total: Some(3),
                source_updated_at: None,
            },
            alt_names: Vec::new(),
            description: None,
            genres: vec!["Фэнтези".into(), "Приключения".into()],
            status: None,
            release_weekday: None,
            episodes: vec![
                entry(1.0, watch(0, true)),
                entry(2.0, watch(245_000, false)),
                entry(2.5, None),
            ],
            torrents: vec![Torrent {
                source_id: "t1".into(),
                episodes: "1-3".into(),
                quality: "WEBRip 1080p".into(),
                size_bytes: Some(1_400_000_000),
                magnet: "magnet:?xt=urn:btih:0".into(),
                seeders: Some(120),
                info_hash: None,
            }],
            rating,
            list: ListEntry::default(),
            average_rating: None,
            fetched_at: 0,
            details_fetched_at: Some(0),
            external_ids: Vec::new(),
            related: Vec::new(),
            rewatching_at: Vec::new(),
        }
    }

    /// Tracker ids (contract 0.2) are among the facts; related titles are lines to open.
    #[test]
    fn tracker_ids_are_among_the_facts() -> anyhow::Result<()> {
        use getanime_domain::{ExternalId, Tracker};
        let mut details = details(None);
        details.external_ids = vec![
            ExternalId { tracker: Tracker::MyAnimeList, id: "52991".into() },
            ExternalId { tracker: Tracker::Shikimori, id: "52991".into() },
        ];
        details.related = vec![getanime_domain::RelatedTitle {
            source_id: "9613".into(),
            name: "Ледяной алхимик 2".into(),
            order: Some(2),
        }];
        let view = title(&details);
        assert!(
            view.facts.contains("Фэнтези, Приключения · MyAnimeList 52991, Shikimori 52991 · ☆"),
            "{}",
            view.facts
        );
        let related = &view.related[0];
        assert_eq!(
            (related.name.as_str(), related.detail.as_str()),
            ("Ледяной алхимик 2", "part 2 of the franchise · Enter: open")
        );
        // Shikimori's own word for a list the library has none of.
        details.rewatching_at = vec!["Shikimori".into()];
        let russian =
            crate::language::scoped(crate::language::Language::Russian, || title(&details));
        assert!(russian.facts.contains("Shikimori: пересматриваю"), "{}", russian.facts);
        let russian =
            crate::language::scoped(crate::language::Language::Russian, || title(&details));
        assert_eq!(russian.related[0].detail, "часть 2 франшизы · Enter: открыть");
        Ok(())
    }

    #[test]
    fn the_title_screen_in_words() -> anyhow::Result<()> {
        let view = title(&details(Some(Rating::new(8)?)));
        assert_eq!(
            view.facts,
            "TV · 2024 · Фэнтези, Приключения · ★ 8/10 · w marks watched, c marks up to here"
        );
        assert_eq!(view.original, "Frost Alchemist");
        let states: Vec<&str> = view.episodes.iter().map(|line| line.state.as_str()).collect();
        assert_eq!(states, ["✓ watched", "▶ 4:05", ""]);
        assert_eq!(
            (view.episodes[2].number.as_str(), view.episodes[2].qualities.as_str()),
            ("2.5", "fhd sd")
        );
        assert_eq!(
            view.torrents,
            [TorrentLineView {
                label: "WEBRip 1080p · episodes 1-3".into(),
                detail: "1.4 GB · 120 seeders · Enter: copy magnet".into()
            }]
        );
        assert!(title(&details(None)).facts.contains("☆ rate with ← →"));
        assert_eq!(size(700_000_000), "700 MB");
        Ok(())
    }

    #[test]
    fn the_buttons_say_the_list_the_favorite_and_what_enter_does() {
        use getanime_domain::{ListStatus, TitleId};
        let watching =
            ListEntry { status: Some(ListStatus::Watching), favorite: true, unsynced: false };
        assert_eq!(
            buttons(ListEntry::default(), None, false),
            [
                "+ Add to a list",
                "♡ Add to favorites",
                "Hide from Continue watching",
                "Reset watched marks",
                "Sync: on"
            ]
        );
        let kept_off = ListEntry { unsynced: true, ..ListEntry::default() };
        assert_eq!(buttons(kept_off, None, false)[4], "Sync: off");
        let started = StatusChange { title: TitleId(1), from: None, to: ListStatus::Watching };
        let labels = buttons(watching, Some(started), true);
        assert_eq!(labels[..2], ["Watching · Enter: undo", "♥ In favorites"]);
        assert_eq!(labels[3], "Press Enter again to reset");
        let overruled = StatusChange { to: ListStatus::Completed, ..started };
        assert_eq!(buttons(watching, Some(overruled), false)[0], "List: Watching");
        assert_eq!(watched_reset(1), "Watched marks reset on 1 episode");
        assert_eq!(marked_through(2.5, 3), "3 episodes up to 2.5 marked watched");
        use crate::language::{Language, scoped};
        assert_eq!(
            scoped(Language::Russian, || buttons(watching, Some(started), false)),
            [
                "Смотрю · Enter: отменить",
                "♥ В избранном",
                "Скрыть из «Продолжить»",
                "Сбросить отметки",
                "Аккаунты: вкл."
            ]
        );
        assert_eq!(
            scoped(Language::Russian, || marked_through(5.0, 5)),
            "5 серий до 5 отмечены просмотренными"
        );
        assert_eq!(
            scoped(Language::Russian, || marked_through(1.0, 1)),
            "1 серия до 1 отмечена просмотренной"
        );
    }

    #[test]
    fn the_title_screen_in_russian() -> anyhow::Result<()> {
        use crate::language::{Language, scoped};
        let details = details(Some(Rating::new(8)?));
        let view = scoped(Language::Russian, || title(&details));
        assert_eq!(
            view.facts,
            "TV · 2024 · Фэнтези, Приключения · ★ 8/10 · w — отметить просмотренным, c — все до этой"
        );
        let states: Vec<&str> = view.episodes.iter().map(|line| line.state.as_str()).collect();
        assert_eq!(states, ["✓ просмотрено", "▶ 4:05", ""]);
        assert_eq!(
            view.torrents,
            [TorrentLineView {
                label: "WEBRip 1080p · серии 1-3".into(),
                detail: "1,4 ГБ · 120 сидов · Enter: скопировать magnet-ссылку".into()
            }]
        );
        Ok(())
    }
}
