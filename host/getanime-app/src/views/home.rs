//! The home screen: its poster rows and its status line.

use getanime_domain::{ListCard, ListFilter, ListStatus, TitleCard, TitleId};

use super::lists::list_name;
use crate::Home;
use crate::language::{tr, trn};

/// One card of a poster row.
#[derive(Debug, Clone, PartialEq)]
pub struct CardView {
    pub title: TitleId,
    pub name: String,
    /// Under the name: the episode to continue, or the kind (TV, MOVIE…).
    pub subtitle: String,
    /// 0.0–1.0 watched of that episode (0 when not started).
    pub progress: f32,
}

/// A poster row; empty rows are kept (the navigator skips them) so row indices stay stable.
#[derive(Debug, Clone, PartialEq)]
pub struct RowView {
    pub label: String,
    pub cards: Vec<CardView>,
}

/// The header's profile button: who is watching.
pub fn profile_button(name: &str) -> String {
    tr!("☺ {name}", name = name)
}

/// The status line while a sync runs.
pub fn syncing() -> &'static str {
    tr!("Syncing sources…")
}

/// The status line when the library cannot be read.
pub fn library_unreadable() -> &'static str {
    tr!("The library could not be opened")
}

/// The rows, top to bottom: continue watching, new episodes, today, the profile's Watching
/// (with the episode to watch next), Planned and Favorites lists, rated.
pub fn rows(home: &Home) -> Vec<RowView> {
    let continuing = home
        .continue_watching
        .iter()
        .map(|item| {
            let progress = item
                .watch
                .duration_ms
                .filter(|duration| *duration > 0)
                .map_or(0.0, |duration| item.watch.position_ms as f32 / duration as f32);
            CardView {
                title: item.card.id,
                name: item.card.name.clone(),
                subtitle: tr!("Episode {number}", number = item.episode_number),
                progress: progress.clamp(0.0, 1.0),
            }
        })
        .collect();
    vec![
        RowView { label: tr!("Continue watching").into(), cards: continuing },
        RowView { label: tr!("New episodes").into(), cards: plain_cards(&home.new_episodes) },
        RowView { label: tr!("Today").into(), cards: plain_cards(&home.today) },
        RowView {
            label: list_name(ListFilter::Status(ListStatus::Watching)).into(),
            cards: next_up_cards(&home.watching),
        },
        RowView {
            label: list_name(ListFilter::Status(ListStatus::Planned)).into(),
            cards: list_cards(&home.planned),
        },
        RowView {
            label: list_name(ListFilter::Favorite).into(),
            cards: list_cards(&home.favorites),
        },
        RowView { label: tr!("Rated").into(), cards: plain_cards(&home.rated) },
    ]
}

/// The Watching row: each card says which episode is next.
fn next_up_cards(cards: &[ListCard]) -> Vec<CardView> {
    cards
        .iter()
        .map(|item| CardView {
            title: item.card.id,
            name: item.card.name.clone(),
            subtitle: match item.next_episode {
                Some(number) => tr!("Next: episode {number}", number = number),
                None => tr!("All episodes watched").to_owned(),
            },
            progress: 0.0,
        })
        .collect()
}

fn list_cards(cards: &[ListCard]) -> Vec<CardView> {
    plain_cards(&cards.iter().map(|item| item.card.clone()).collect::<Vec<_>>())
}

fn plain_cards(cards: &[TitleCard]) -> Vec<CardView> {
    cards
        .iter()
        .map(|card| CardView {
            title: card.id,
            name: card.name.clone(),
            subtitle: card.kind.clone().unwrap_or_default(),
            progress: 0.0,
        })
        .collect()
}

/// "12 titles"; an empty library says what to do first.
pub fn library_status(titles: u64) -> String {
    if titles == 0 {
        tr!("Your library is empty — open Sources (focused above) to install AniLiberty or AniLibria")
            .to_owned()
    } else {
        trn!("{n} title", "{n} titles", titles)
    }
}

/// After a sync at `time` (HH:MM): when, and which sources could not be reached.
pub fn synced_status(time: &str, unreachable: &[String]) -> String {
    if unreachable.is_empty() {
        tr!("Synced at {time}", time = time)
    } else {
        tr!(
            "Synced at {time}; unreachable: {sources}",
            time = time,
            sources = unreachable.join(", ")
        )
    }
}

/// The Home line's words for accounts whose sync failed ("AniLiberty account: the server does
/// not answer; … 3 changes wait."), or nothing when every one went through.
pub fn account_notice(reports: &[crate::AccountSyncReport]) -> Option<String> {
    let failed: Vec<String> = reports
        .iter()
        .filter_map(|report| {
            let failure = report.failure.as_ref()?;
            Some(if report.pending > 0 {
                format!(
                    "{failure} {}.",
                    crate::language::trn!("{n} change waits", "{n} changes wait", report.pending)
                )
            } else {
                failure.clone()
            })
        })
        .collect();
    (!failed.is_empty()).then(|| failed.join(" "))
}

/// The status line with the accounts' notice after it, if there is one.
pub fn with_notice(status: String, notice: Option<String>) -> String {
    match notice {
        Some(notice) => format!("{status} · {notice}"),
        None => status,
    }
}

/// When the sync itself could not run.
pub fn sync_failed_status(error: &anyhow::Error) -> String {
    tr!("Sync failed: {error}", error = crate::explain(error))
}

#[cfg(test)]
mod tests {
    use getanime_domain::{ContinueItem, EpisodeId, WatchState};

    use super::*;

    #[test]
    fn a_failed_account_sync_is_a_notice_with_what_waits() {
        let failed = crate::AccountSyncReport {
            failure: Some("AniLiberty account: the server does not answer.".into()),
            pending: 3,
            ..crate::AccountSyncReport::default()
        };
        let fine = crate::AccountSyncReport::default();
        assert_eq!(account_notice(std::slice::from_ref(&fine)), None);
        assert_eq!(
            account_notice(&[fine, failed]).as_deref(),
            Some("AniLiberty account: the server does not answer. 3 changes wait.")
        );
    }

    fn card(id: i64, name: &str, kind: Option<&str>) -> TitleCard {
        TitleCard {
            id: TitleId(id),
            plugin_id: "demo-source".into(),
            source_id: id.to_string(),
            name: name.into(),
            name_original: None,
            poster_url: None,
            kind: kind.map(str::to_owned),
            year: None,
            episodes_total: None,
            source_updated_at: None,
        }
    }

    #[test]
    fn rows_say_what_to_continue_and_keep_empty_rows() {
        let home = Home {
            continue_watching: vec![ContinueItem {
                card: card(1, "Звёздный почтальон", Some("TV")),
                episode_id: EpisodeId(10),
                episode_number: 2.5,
                watch: WatchState {
                    position_ms: 30_000,
                    duration_ms: Some(120_000),
                    watched: false,
                    updated_at: 0,
                },
            }],
            new_episodes: vec![card(2, "Тихий маяк", Some("ONA")), card(3, "Без типа", None)],
            today: Vec::new(),
            watching: vec![
                ListCard {
                    card: card(4, "Смотрю сейчас", Some("TV")), next_episode: Some(3.0)
                },
                ListCard { card: card(5, "Досмотрено", Some("TV")), next_episode: None },
            ],
            planned: vec![ListCard {
                card: card(6, "На потом", Some("OVA")),
                next_episode: Some(1.0),
            }],
            favorites: Vec::new(),
            rated: Vec::new(),
        };
        let rows = rows(&home);
        let labels: Vec<&str> = rows.iter().map(|row| row.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "Continue watching",
                "New episodes",
                "Today",
                "Watching",
                "Planned",
                "Favorites",
                "Rated"
            ]
        );
        let watching: Vec<&str> = rows[3].cards.iter().map(|card| card.subtitle.as_str()).collect();
        assert_eq!(watching, ["Next: episode 3", "All episodes watched"]);
        assert_eq!(rows[4].cards[0].subtitle, "OVA", "Planned cards show the kind");
        assert_eq!(
            rows[0].cards,
            [CardView {
                title: TitleId(1),
                name: "Звёздный почтальон".into(),
                subtitle: "Episode 2.5".into(),
                progress: 0.25
            }]
        );
        let subtitles: Vec<&str> =
            rows[1].cards.iter().map(|card| card.subtitle.as_str()).collect();
        assert_eq!(subtitles, ["ONA", ""]);
        assert!(rows[2].cards.is_empty() && rows[5].cards.is_empty() && rows[6].cards.is_empty());
    }

    #[test]
    fn status_lines() {
        assert_eq!(library_status(12), "12 titles");
        assert!(library_status(0).starts_with("Your library is empty — open Sources"));
        assert_eq!(synced_status("21:05", &[]), "Synced at 21:05");
        assert_eq!(
            synced_status("21:05", &["anilibria".into(), "aniliberty".into()]),
            "Synced at 21:05; unreachable: anilibria, aniliberty"
        );
        assert_eq!(sync_failed_status(&anyhow::anyhow!("disk full")), "Sync failed: disk full");
    }
}
