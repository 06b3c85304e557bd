//! The home screen: its poster rows and its status line.

use getanime_domain::{ListCard, ListFilter, ListStatus, TitleCard, TitleDetails, TitleId};

use super::lists::list_name;
use crate::Home;
use crate::language::{tr, trn};

/// One card of a poster row.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CardView {
    pub title: TitleId,
    pub name: String,
    /// Under the name: the episode to continue, or the kind (TV, MOVIE…).
    pub subtitle: String,
    /// 0.0–1.0 watched of that episode (0 when not started).
    pub progress: f32,
}

/// Which row: its place on the screen, and its name for scripts (`getanime home --json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowKind {
    NewForYou,
    ContinueWatching,
    RecentlyUpdated,
    Today,
    Watching,
    Planned,
    Abandoned,
    NextInFranchise,
    Favorites,
    Rated,
}

/// A poster row; empty rows are kept (the navigator skips them) so row indices stay stable.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RowView {
    pub kind: RowKind,
    pub label: String,
    pub cards: Vec<CardView>,
}

/// Above the rows: the focused title (its poster comes with its card).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HeroView {
    pub name: String,
    /// Year, kind and genres on one line.
    pub facts: String,
    /// The episode to watch next, or where the title stands.
    pub next: String,
    /// The description's start, about two lines.
    pub description: String,
}

/// How much of a description the hero shows: two lines of the hero's small type.
const HERO_DESCRIPTION_CHARS: usize = 170;

/// The hero of a title with the episode to watch `next`.
pub fn hero(details: &TitleDetails, next: Option<f64>) -> HeroView {
    let card = &details.card;
    let facts: Vec<String> = [
        card.year.map(|year| year.to_string()),
        card.kind.clone(),
        (!details.genres.is_empty()).then(|| details.genres.join(", ")),
    ]
    .into_iter()
    .flatten()
    .collect();
    let started = details.episodes.iter().any(|entry| entry.watch.is_some_and(|w| w.watched));
    let next = match next {
        Some(number) if started => tr!("Next: episode {number}", number = number),
        Some(number) => tr!("Start with episode {number}", number = number),
        None if details.episodes.is_empty() => String::new(),
        None => tr!("All episodes watched").to_owned(),
    };
    HeroView {
        name: card.name.clone(),
        facts: facts.join(" · "),
        next,
        description: details.description.as_deref().map(opening).unwrap_or_default(),
    }
}

/// The start of `text` on one line, cut at a word within [`HERO_DESCRIPTION_CHARS`].
fn opening(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= HERO_DESCRIPTION_CHARS {
        return line;
    }
    let cut: String = line.chars().take(HERO_DESCRIPTION_CHARS).collect();
    let words = cut.rsplit_once(' ').map_or(cut.as_str(), |(words, _)| words);
    format!("{}…", words.trim_end_matches([',', '.', ';', ':', '—', '-']))
}

/// How many new titles a notice names; the rest it counts.
const NOTICE_NAMES: usize = 2;

/// The notice of what a sync brought: one episode by its title's name («Вышла 8 серия
/// «…»»), a few by name, many grouped ("… and 3 more titles"); nothing when nothing is new.
pub fn news_notice(news: &[getanime_domain::NewEpisode]) -> Option<String> {
    match news {
        [] => None,
        [one] => Some(tr!(
            "Episode {number} of «{name}» is out",
            number = one.number,
            name = one.card.name
        )),
        _ => {
            let named: Vec<String> = news
                .iter()
                .take(NOTICE_NAMES)
                .map(|item| format!("«{}» ({})", item.card.name, item.number))
                .collect();
            let titles = named.join(", ");
            let more = news.len().saturating_sub(NOTICE_NAMES) as u64;
            Some(if more == 0 {
                tr!("New episodes: {titles}", titles = titles)
            } else {
                trn!(
                    "New episodes: {titles} and {n} more title",
                    "New episodes: {titles} and {n} more titles",
                    more,
                    titles = titles
                )
            })
        }
    }
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

/// The rows, top to bottom: new episodes of the profile's titles, continue watching, the
/// sources' recently updated titles, today, the profile's Watching (with the episode to watch
/// next) and Planned lists, abandoned titles, the next in a franchise, favorites, rated.
pub fn rows(home: &Home) -> Vec<RowView> {
    let new_for_you = (home.new_for_you.iter())
        .map(|item| card_saying(&item.card, tr!("New: episode {number}", number = item.number)))
        .collect();
    let next_in_franchise = (home.next_in_franchise.iter())
        .map(|item| card_saying(&item.card, tr!("After {name}", name = item.after)))
        .collect();
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
    let row = |kind, label: &str, cards| RowView { kind, label: label.to_owned(), cards };
    vec![
        row(RowKind::NewForYou, tr!("New episodes of your titles"), new_for_you),
        row(RowKind::ContinueWatching, tr!("Continue watching"), continuing),
        row(RowKind::RecentlyUpdated, tr!("Recently updated"), plain_cards(&home.recently_updated)),
        row(RowKind::Today, tr!("Today"), plain_cards(&home.today)),
        row(
            RowKind::Watching,
            list_name(ListFilter::Status(ListStatus::Watching)),
            next_up_cards(&home.watching),
        ),
        row(
            RowKind::Planned,
            list_name(ListFilter::Status(ListStatus::Planned)),
            list_cards(&home.planned),
        ),
        row(RowKind::Abandoned, tr!("Abandoned"), next_up_cards(&home.abandoned)),
        row(RowKind::NextInFranchise, tr!("Next in the franchise"), next_in_franchise),
        row(RowKind::Favorites, list_name(ListFilter::Favorite), list_cards(&home.favorites)),
        row(RowKind::Rated, tr!("Rated"), plain_cards(&home.rated)),
    ]
}

/// The Watching row: each card says which episode is next.
fn next_up_cards(cards: &[ListCard]) -> Vec<CardView> {
    cards
        .iter()
        .map(|item| {
            card_saying(
                &item.card,
                match item.next_episode {
                    Some(number) => tr!("Next: episode {number}", number = number),
                    None => tr!("All episodes watched").to_owned(),
                },
            )
        })
        .collect()
}

/// A card whose line under the name says `subtitle`.
fn card_saying(card: &TitleCard, subtitle: String) -> CardView {
    CardView { title: card.id, name: card.name.clone(), subtitle, progress: 0.0 }
}

fn list_cards(cards: &[ListCard]) -> Vec<CardView> {
    plain_cards(&cards.iter().map(|item| item.card.clone()).collect::<Vec<_>>())
}

fn plain_cards(cards: &[TitleCard]) -> Vec<CardView> {
    cards.iter().map(|card| card_saying(card, card.kind.clone().unwrap_or_default())).collect()
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
    use getanime_domain::{ContinueItem, EpisodeId, FranchiseNext, NewEpisode, WatchState};

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
            new_for_you: vec![NewEpisode {
                card: card(7, "Вышла серия", Some("TV")),
                number: 8.0,
                first_seen_at: 0,
                favorite: false,
            }],
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
            recently_updated: vec![card(2, "Тихий маяк", Some("ONA")), card(3, "Без типа", None)],
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
            abandoned: vec![ListCard {
                card: card(8, "Брошено", None), next_episode: Some(4.0)
            }],
            next_in_franchise: vec![FranchiseNext {
                card: card(9, "Второй сезон", Some("TV")),
                after: "Первый сезон".into(),
            }],
            favorites: Vec::new(),
            rated: Vec::new(),
        };
        let mut rows = rows(&home);
        let labels: Vec<&str> = rows.iter().map(|row| row.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "New episodes of your titles",
                "Continue watching",
                "Recently updated",
                "Today",
                "Watching",
                "Planned",
                "Abandoned",
                "Next in the franchise",
                "Favorites",
                "Rated"
            ]
        );
        assert_eq!(rows[0].kind, RowKind::NewForYou);
        assert_eq!(rows[0].cards[0].subtitle, "New: episode 8");
        assert_eq!(rows[6].cards[0].subtitle, "Next: episode 4", "abandoned: where to go on");
        assert_eq!(rows[7].cards[0].subtitle, "After Первый сезон");
        let rows = rows.split_off(1);
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
        assert!(rows[2].cards.is_empty() && rows[7].cards.is_empty() && rows[8].cards.is_empty());
    }

    #[test]
    fn the_hero_says_what_to_watch_next_and_the_description_s_start() {
        // Episode 1 watched, 2 begun, 2.5 not.
        let mut details = crate::views::title::tests::details(None);
        details.description = Some(format!("Первая фраза.\n\n{}", "слово ".repeat(60)));
        let hero = hero(&details, Some(2.0));
        assert_eq!(hero.name, "Ледяной алхимик");
        assert_eq!(hero.facts, "2024 · TV · Фэнтези, Приключения");
        assert_eq!(hero.next, "Next: episode 2");
        assert!(hero.description.starts_with("Первая фраза. слово"), "{}", hero.description);
        assert!(hero.description.ends_with("слово…"), "cut at a word: {}", hero.description);
        assert!(hero.description.chars().count() <= HERO_DESCRIPTION_CHARS + 1);
        assert_eq!(super::hero(&details, None).next, "All episodes watched");

        for entry in &mut details.episodes {
            entry.watch = None;
        }
        assert_eq!(super::hero(&details, Some(1.0)).next, "Start with episode 1");
        details.episodes.clear();
        details.description = Some("Коротко.".into());
        let hero = super::hero(&details, None);
        assert_eq!((hero.next.as_str(), hero.description.as_str()), ("", "Коротко."));
    }

    #[test]
    fn a_notice_names_one_new_episode_and_groups_many() {
        let new = |id: i64, name: &str, number: f64| NewEpisode {
            card: card(id, name, None),
            number,
            first_seen_at: 0,
            favorite: false,
        };
        assert_eq!(news_notice(&[]), None);
        let one = [new(1, "Ледяной алхимик", 8.0)];
        assert_eq!(news_notice(&one).as_deref(), Some("Episode 8 of «Ледяной алхимик» is out"));
        let two = [new(1, "A", 8.0), new(2, "B", 3.0)];
        assert_eq!(news_notice(&two).as_deref(), Some("New episodes: «A» (8), «B» (3)"));
        let five: Vec<NewEpisode> = (1..=5).map(|id| new(id, "T", id as f64)).collect();
        assert_eq!(
            news_notice(&five).as_deref(),
            Some("New episodes: «T» (1), «T» (2) and 3 more titles")
        );
        crate::language::scoped(crate::language::Language::Russian, || {
            assert_eq!(news_notice(&one).as_deref(), Some("Вышла 8 серия «Ледяной алхимик»"));
            assert_eq!(
                news_notice(&five).as_deref(),
                Some("Новые серии: «T» (1), «T» (2) и ещё 3 тайтла")
            );
        });
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
