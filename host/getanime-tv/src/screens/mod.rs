//! The TV UI: the Slint window, adapted to the app. The UI thread only runs the event loop and
//! sets properties; library work runs on a tokio runtime, playback on its own thread, and results
//! come back through `upgrade_in_event_loop`. What a key does is decided by
//! `getanime_app::navigation::Navigator`; this file only carries keys in and state out.

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::Duration;

use anyhow::{Context, Result};
use chrono::Datelike;
use getanime_app::domain::{BrowseFilter, TitleCard, TitleDetails, TitleId};
use getanime_app::navigation::{Effect, HeaderButton, Key, Navigator, Screen};
use getanime_app::{
    App, DataPaths, Home, PlaybackSession, PlayerOverlay, SessionState, SyncOptions,
};
use getanime_player::{AudioOutput, FrameSink, Player, PlayerConfig};

use slint::{
    ComponentHandle, Image, ModelRc, Rgba8Pixel, SharedPixelBuffer, SharedString, VecModel, Weak,
};

use crate::ui::{AppWindow, Card, EpisodeLine, PosterRow, TorrentLine, Ui};

mod browse;
mod grid;
mod menus;

/// Options for running the UI as a smoke test.
#[derive(Debug, Clone, Default)]
pub struct Smoke {
    /// Quit after the first frame that shows the loaded library (and after `keys`).
    pub exit_after_first_frame: bool,
    /// Save that frame as a PNG here.
    pub screenshot: Option<PathBuf>,
    /// Keys to press once loaded (comma-separated names; `wait` presses nothing), a screenshot
    /// after each into the directory of `screenshot`.
    pub keys: Vec<String>,
    /// How long each key settles before the next.
    pub key_interval: Duration,
    /// Skip the background sync (tests on a fixed library).
    pub no_sync: bool,
    /// The demo-source package to install and serve before the window opens.
    pub demo: Option<PathBuf>,
}

/// How often the smoke mode checks whether the library has loaded.
const SMOKE_POLL: Duration = Duration::from_millis(50);
/// How long the player overlay stays after the last key press.
const OVERLAY_TIMEOUT: Duration = Duration::from_secs(3);
/// How often the UI checks whether a background sync is due.
const SYNC_CHECK: Duration = Duration::from_secs(60);

/// Shared by the UI-thread callbacks.
struct Screens {
    app: Arc<App>,
    runtime: Arc<tokio::runtime::Runtime>,
    window: Weak<AppWindow>,
    navigator: RefCell<Navigator>,
    playback: RefCell<Option<Sender<PlaybackCommand>>>,
    /// The open title's rating, for left/right.
    rating: std::cell::Cell<Option<u8>>,
    /// Hides the player overlay after a few seconds without input.
    overlay_timer: slint::Timer,
    /// The rows of the open Sources or Settings screen.
    menu: RefCell<Vec<getanime_app::MenuEntry>>,
    /// The open title: its id, each episode's watched mark, its torrents' magnet links.
    shown_title: std::cell::Cell<Option<TitleId>>,
    watched: RefCell<Vec<bool>>,
    magnets: RefCell<Vec<String>>,
}

/// Opens the window and runs the event loop until it closes.
pub fn run_ui(paths: DataPaths, smoke: Smoke) -> Result<()> {
    let runtime = Arc::new(
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .context("starting tokio")?,
    );
    let app = Arc::new(App::open(paths)?);
    // Kept alive for the whole session: the demo's catalog and media are served from here.
    let _demo = match &smoke.demo {
        Some(package) => {
            eprintln!("preparing the offline demo (the first run generates its videos)…");
            let site = runtime
                .block_on(getanime_demo::start(&app, package))
                .context("starting the offline demo")?;
            eprintln!("demo catalog served at {}", site.base_url);
            Some(site)
        }
        None => None,
    };
    let window = AppWindow::new().context("cannot open the window (is a display available?)")?;
    let screens = Rc::new(Screens {
        app,
        runtime,
        window: window.as_weak(),
        navigator: RefCell::new(Navigator::new()),
        playback: RefCell::new(None),
        rating: std::cell::Cell::new(None),
        overlay_timer: slint::Timer::default(),
        menu: RefCell::new(Vec::new()),
        shown_title: std::cell::Cell::new(None),
        watched: RefCell::new(Vec::new()),
        magnets: RefCell::new(Vec::new()),
    });
    let for_keys = Rc::clone(&screens);
    window.global::<Ui>().on_key(move |text| for_keys.key(&text));
    let for_next = Rc::clone(&screens);
    let for_failure = Rc::clone(&screens);
    window.global::<Ui>().on_player_failed(move || {
        for_failure.navigator.borrow_mut().set_player_failed(true);
    });
    let for_skip = Rc::clone(&screens);
    window.global::<Ui>().on_skip_available(move |available| {
        for_skip.navigator.borrow_mut().set_skip_available(available);
    });
    window.global::<Ui>().on_now_playing(move |episode| {
        tracing::info!(%episode, "auto-play moved on");
        match episode.parse::<f64>() {
            Ok(number) => for_next.navigator.borrow_mut().replace_player_episode(number),
            Err(error) => tracing::error!(%episode, "not an episode number: {error}"),
        }
    });
    let sync_at_start = !smoke.no_sync && smoke.demo.is_none();
    screens.load_home(sync_at_start);
    // Later syncs follow the "Sync sources every" setting (checked each minute, so a change
    // applies without a restart).
    let sync_timer = slint::Timer::default();
    if sync_at_start {
        let for_timer = Rc::downgrade(&screens);
        let last_sync = Rc::new(std::cell::Cell::new(std::time::Instant::now()));
        sync_timer.start(slint::TimerMode::Repeated, SYNC_CHECK, move || {
            if let Some(screens) = for_timer.upgrade() {
                screens.sync_if_due(Rc::clone(&last_sync));
            }
        });
    }
    let _smoke_timer = smoke.exit_after_first_frame.then(|| run_smoke(&window, smoke));
    window.run().context("running the UI event loop")?;
    screens.stop_playback();
    Ok(())
}

impl Screens {
    fn key(self: &Rc<Self>, text: &str) {
        let Some(key) = remote_key(text) else { return };
        let effect = self.navigator.borrow_mut().key(key);
        match effect {
            Effect::Redraw => {}
            Effect::OpenTitle(title) => self.open_title(title),
            Effect::Play { title, episode } => self.play(title, episode),
            Effect::Rate { title, delta } => self.rate(title, delta),
            Effect::ShowSchedule => self.show_schedule(),
            Effect::ShowBrowse => self.show_browse(),
            Effect::ShowSources | Effect::ShowSettings => {
                // A fresh screen: no rows or message left from the last visit.
                self.menu.borrow_mut().clear();
                if let Some(window) = self.window.upgrade() {
                    let ui = window.global::<Ui>();
                    ui.set_menu_lines(ModelRc::default());
                    ui.set_menu_message(SharedString::new());
                }
                self.load_menu(None);
            }
            Effect::MenuChange { row, forward } => self.menu_change(row, forward),
            Effect::MenuPress { row, button } => self.menu_press(row, button),
            Effect::MenuAsk { row } => self.menu_ask(row),
            Effect::MenuText { .. } => self.show_menu_lines(),
            Effect::ToggleWatched { title, episode } => self.toggle_watched(title, episode),
            Effect::CopyMagnet { torrent, .. } => self.copy_magnet(torrent),
            Effect::SearchLibrary => self.search(false),
            Effect::SearchSources => self.search(true),
            Effect::StopPlayback => {
                self.stop_playback();
                if let Screen::Title(title) = self.navigator.borrow().screen() {
                    self.open_title(title);
                }
            }
            Effect::PlayPause => self.send(PlaybackCommand::PlayPause),
            Effect::Skip => self.send(PlaybackCommand::Skip),
            Effect::CycleQuality => self.send(PlaybackCommand::CycleQuality),
            Effect::SeekBy(delta) => self.send(PlaybackCommand::SeekBy(delta)),
            Effect::Quit => {
                if let Err(error) = slint::quit_event_loop() {
                    tracing::error!("cannot quit: {error}");
                }
            }
        }
        self.show_navigation();
        if matches!(self.navigator.borrow().screen(), Screen::Player { .. }) {
            self.show_overlay();
        }
    }

    /// Shows the player overlay and hides it again after [`OVERLAY_TIMEOUT`] without input.
    fn show_overlay(&self) {
        let Some(window) = self.window.upgrade() else { return };
        window.global::<Ui>().set_overlay_visible(true);
        let weak = self.window.clone();
        self.overlay_timer.start(slint::TimerMode::SingleShot, OVERLAY_TIMEOUT, move || {
            if let Some(window) = weak.upgrade() {
                let ui = window.global::<Ui>();
                // An error, a paused picture or the end of the episode keeps its overlay.
                let note = ui.get_player_note();
                if ui.get_player_error().is_empty()
                    && note != "paused"
                    && !note.starts_with("finished")
                {
                    ui.set_overlay_visible(false);
                }
            }
        });
    }

    fn send(&self, command: PlaybackCommand) {
        if let Some(sender) = self.playback.borrow().as_ref()
            && sender.send(command).is_err()
        {
            tracing::debug!("playback already ended");
        }
    }

    /// Focus and screen from the navigator to the UI.
    fn show_navigation(&self) {
        let Some(window) = self.window.upgrade() else { return };
        let ui = window.global::<Ui>();
        let navigator = self.navigator.borrow();
        let (row, column) = navigator.home_focus();
        ui.set_focus_row(row as i32);
        ui.set_focus_column(column as i32);
        ui.set_focus_episode(navigator.episode_focus() as i32);
        ui.set_header_focus(navigator.header_focus().map_or(-1, |button| {
            HeaderButton::ALL.iter().position(|candidate| *candidate == button).unwrap_or(0) as i32
        }));
        let (week_row, week_column) = navigator.week_focus();
        ui.set_week_row(week_row as i32);
        ui.set_week_column(week_column as i32);
        ui.set_search_query(navigator.query().into());
        ui.set_search_focus(navigator.result_focus().map_or(-1, |index| index as i32));
        let (browse_focus, filter) = navigator.browse_focus();
        ui.set_browse_focus(browse_focus as i32);
        ui.set_browse_filter_focus(filter.map_or(-1, |filter| {
            BrowseFilter::ALL.iter().position(|candidate| *candidate == filter).unwrap_or(0) as i32
        }));
        let query = navigator.browse_query();
        let labels: Vec<SharedString> =
            BrowseFilter::ALL.iter().map(|filter| query.label(*filter).into()).collect();
        ui.set_browse_filters(ModelRc::new(VecModel::from(labels)));
        let (menu_row, menu_button, armed) = navigator.menu_focus();
        ui.set_menu_row(menu_row as i32);
        ui.set_menu_button(menu_button as i32);
        let question = self
            .menu
            .borrow()
            .get(menu_row)
            .and_then(|entry| entry.questions.get(menu_button).cloned().flatten());
        if let Some(question) = question.filter(|_| armed) {
            ui.set_menu_message(question.into());
        } else if ui.get_menu_armed() && !armed {
            ui.set_menu_message(SharedString::new()); // the question was answered or cancelled
        }
        ui.set_menu_armed(armed);
        ui.set_screen(
            match navigator.screen() {
                Screen::Home => "home",
                Screen::Search => "search",
                Screen::Schedule => "schedule",
                Screen::Browse => "browse",
                Screen::Sources => "sources",
                Screen::Settings => "settings",
                Screen::Title(_) => "title",
                Screen::Player { .. } => "player",
            }
            .into(),
        );
    }

    /// Runs `work` (given the app) on the tokio runtime, then `done` with its result on the UI
    /// thread, if the screens still exist: the one way screens do library work off the UI thread.
    fn in_background<T, F>(
        self: &Rc<Self>,
        what: &'static str,
        work: impl FnOnce(Arc<App>) -> F,
        done: impl FnOnce(&Rc<Self>, Result<T>) + 'static,
    ) where
        T: Send + 'static,
        F: std::future::Future<Output = Result<T>> + Send + 'static,
    {
        let future = work(Arc::clone(&self.app));
        let runtime = Arc::clone(&self.runtime);
        let screens = Rc::downgrade(self);
        let started = slint::spawn_local(async move {
            let result = run_on(&runtime, future).await;
            if let Some(screens) = screens.upgrade() {
                done(&screens, result);
            }
        });
        if let Err(error) = started {
            tracing::error!("cannot {what}: {error}");
        }
    }

    /// Syncs when the interval set in Settings ("0": never) has passed since the last sync.
    fn sync_if_due(self: &Rc<Self>, last_sync: Rc<std::cell::Cell<std::time::Instant>>) {
        self.in_background(
            "check the sync interval",
            |app| async move {
                Ok(app.setting_value("sync_interval_minutes").await?.parse::<u64>().unwrap_or(0))
            },
            move |screens, minutes| match minutes {
                Ok(minutes)
                    if minutes > 0
                        && last_sync.get().elapsed() >= Duration::from_secs(minutes * 60) =>
                {
                    last_sync.set(std::time::Instant::now());
                    screens.load_home(true);
                }
                Ok(_) => {}
                Err(error) => tracing::error!("cannot read the sync interval: {error:#}"),
            },
        );
    }

    /// Loads the home rows from the library, then (optionally) syncs and loads them again.
    fn load_home(self: &Rc<Self>, then_sync: bool) {
        let app = Arc::clone(&self.app);
        let weak = self.window.clone();
        let runtime = Arc::clone(&self.runtime);
        let screens = Rc::downgrade(self);
        let delivered = slint::spawn_local(async move {
            let loaded = run_on(&runtime, load_home_rows(Arc::clone(&app))).await;
            let Some(screens) = screens.upgrade() else { return };
            screens.show_home(loaded);
            if then_sync {
                set_status(&weak, "Syncing sources…");
                let status = match run_on(&runtime, sync_sources(Arc::clone(&app))).await {
                    Ok(status) => status,
                    Err(error) => format!("Sync failed: {error:#}"),
                };
                set_status(&weak, &status);
                let loaded = run_on(&runtime, load_home_rows(app)).await;
                screens.show_home(loaded);
            }
        });
        if let Err(error) = delivered {
            tracing::error!("cannot start loading the home screen: {error}");
        }
    }

    fn show_home(&self, loaded: Result<HomeLoad>) {
        let Some(window) = self.window.upgrade() else { return };
        let ui = window.global::<Ui>();
        match loaded {
            Ok((home, posters, status)) => {
                let mut posters = posters.into_iter();
                let mut card_of = |card: &TitleCard, subtitle: String, progress: f32| {
                    let poster = posters.next().flatten();
                    Card {
                        name: card.name.clone().into(),
                        subtitle: subtitle.into(),
                        has_poster: poster.is_some(),
                        poster: poster.map(Image::from_rgba8).unwrap_or_default(),
                        progress,
                    }
                };
                let continue_cards: Vec<Card> = home
                    .continue_watching
                    .iter()
                    .map(|item| {
                        let progress = item
                            .watch
                            .duration_ms
                            .filter(|duration| *duration > 0)
                            .map_or(0.0, |duration| {
                                item.watch.position_ms as f32 / duration as f32
                            });
                        card_of(
                            &item.card,
                            format!("Episode {}", item.episode_number),
                            progress.clamp(0.0, 1.0),
                        )
                    })
                    .collect();
                let simple = |cards: &[TitleCard],
                              card_of: &mut dyn FnMut(&TitleCard, String, f32) -> Card|
                 -> Vec<Card> {
                    cards
                        .iter()
                        .map(|card| card_of(card, card.kind.clone().unwrap_or_default(), 0.0))
                        .collect()
                };
                let rows = vec![
                    (
                        "Continue watching",
                        continue_cards,
                        home.continue_watching.iter().map(|item| item.card.id).collect::<Vec<_>>(),
                    ),
                    (
                        "New episodes",
                        simple(&home.new_episodes, &mut card_of),
                        home.new_episodes.iter().map(|card| card.id).collect(),
                    ),
                    (
                        "Today",
                        simple(&home.today, &mut card_of),
                        home.today.iter().map(|card| card.id).collect(),
                    ),
                    (
                        "Rated",
                        simple(&home.rated, &mut card_of),
                        home.rated.iter().map(|card| card.id).collect(),
                    ),
                ];
                self.navigator
                    .borrow_mut()
                    .set_home_rows(rows.iter().map(|(_, _, ids)| ids.clone()).collect());
                let model: Vec<PosterRow> = rows
                    .into_iter()
                    .map(|(label, cards, _)| PosterRow {
                        label: label.into(),
                        cards: ModelRc::new(VecModel::from(cards)),
                    })
                    .collect();
                ui.set_rows(ModelRc::new(VecModel::from(model)));
                ui.set_status_text(status.into());
                ui.set_error_text(SharedString::new());
            }
            Err(error) => {
                ui.set_status_text("The library could not be opened".into());
                ui.set_error_text(format!("{error:#}").into());
            }
        }
        ui.set_loading(false);
        drop(ui);
        self.show_navigation();
    }

    fn open_title(self: &Rc<Self>, title: TitleId) {
        self.in_background(
            "open the title",
            move |app| async move {
                let details = app.title(title).await?;
                let next = app.next_unwatched(title).await?;
                let poster = poster_pixels(&app, title).await?;
                anyhow::Ok((details, next.map(|entry| entry.episode.number), poster))
            },
            |screens, loaded| screens.show_title(loaded),
        );
    }

    /// Loads the seven days of the schedule.
    fn show_schedule(self: &Rc<Self>) {
        self.in_background(
            "load the schedule",
            |app| async move {
                let mut week = Vec::with_capacity(7);
                for weekday in 1..=7u8 {
                    let cards = app.schedule(weekday).await?;
                    let posters =
                        posters_of(&app, cards.iter().map(|card| card.id).collect()).await?;
                    week.push((cards, posters));
                }
                anyhow::Ok(week)
            },
            |screens, loaded| screens.show_week(loaded),
        );
    }

    fn show_week(&self, loaded: Result<Vec<CardsWithPosters>>) {
        let Some(window) = self.window.upgrade() else { return };
        let ui = window.global::<Ui>();
        let week = match loaded {
            Ok(week) => week,
            Err(error) => {
                ui.set_error_text(format!("{error:#}").into());
                return;
            }
        };
        const DAYS: [&str; 7] =
            ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
        let ids: Vec<Vec<TitleId>> =
            week.iter().map(|(cards, _)| cards.iter().map(|card| card.id).collect()).collect();
        let rows: Vec<PosterRow> = week
            .into_iter()
            .zip(DAYS)
            .map(|((cards, posters), label)| PosterRow {
                label: label.into(),
                cards: ModelRc::new(VecModel::from(cards_model(&cards, posters))),
            })
            .collect();
        ui.set_week(ModelRc::new(VecModel::from(rows)));
        drop(ui);
        let today = chrono::Local::now().weekday().num_days_from_monday() as usize;
        self.navigator.borrow_mut().set_week(ids, today);
        self.show_navigation();
    }

    /// The search box changed (library only) or Enter was pressed (the sources too).
    fn search(self: &Rc<Self>, sources: bool) {
        let query = self.navigator.borrow().query().to_owned();
        if let Some(window) = self.window.upgrade() {
            let status = match (sources, query.trim().is_empty()) {
                (true, _) => "Searching the sources…",
                (false, true) => "",
                (false, false) => "In your library — Enter searches the sources",
            };
            window.global::<Ui>().set_search_status(status.into());
        }
        self.in_background(
            "search",
            move |app| async move {
                let cards = if query.trim().is_empty() {
                    Vec::new()
                } else if sources {
                    app.search_sources(&query, None).await?
                } else {
                    app.titles(Some(query.clone()), 30).await?
                };
                let posters = posters_of(&app, cards.iter().map(|card| card.id).collect()).await?;
                anyhow::Ok((query, cards, posters))
            },
            move |screens, found| screens.show_results(sources, found),
        );
    }

    fn show_results(&self, sources: bool, found: Result<SearchFound>) {
        let Some(window) = self.window.upgrade() else { return };
        let ui = window.global::<Ui>();
        let (query, cards, posters) = match found {
            Ok(found) => found,
            Err(error) => {
                ui.set_search_status(format!("{error:#}").into());
                return;
            }
        };
        if query != self.navigator.borrow().query() {
            return; // the user typed on; a newer search is on its way
        }
        let ids = cards.iter().map(|card| card.id).collect();
        let model = cards_model(&cards, posters);
        if sources {
            ui.set_search_status(
                format!("{} found in the sources (saved to your library)", model.len()).into(),
            );
        } else if !query.trim().is_empty() && model.is_empty() {
            ui.set_search_status("Nothing in your library — Enter searches the sources".into());
        }
        ui.set_search_results(ModelRc::new(VecModel::from(model)));
        drop(ui);
        self.navigator.borrow_mut().set_results(ids);
        self.show_navigation();
    }

    /// Left/right on the title screen: rate 1-10 (left at 1 clears), then show the title again.
    fn rate(self: &Rc<Self>, title: TitleId, delta: i8) {
        let score = getanime_app::navigation::next_rating(self.rating.get(), delta);
        self.rating.set(score);
        self.in_background(
            "rate",
            move |app| async move {
                let rating = score
                    .map(|score| getanime_app::domain::Rating::new(i64::from(score)))
                    .transpose()?;
                app.rate(title, rating).await
            },
            move |screens, rated| match rated {
                Ok(()) => screens.open_title(title),
                Err(error) => tracing::error!("cannot rate: {error:#}"),
            },
        );
    }

    fn show_title(
        &self,
        loaded: Result<(TitleDetails, Option<f64>, Option<SharedPixelBuffer<Rgba8Pixel>>)>,
    ) {
        let Some(window) = self.window.upgrade() else { return };
        let ui = window.global::<Ui>();
        let (details, next, poster) = match loaded {
            Ok(loaded) => loaded,
            Err(error) => {
                ui.set_error_text(format!("{error:#}").into());
                return;
            }
        };
        self.rating.set(details.rating.map(|rating| rating.score()));
        let numbers: Vec<f64> = details.episodes.iter().map(|entry| entry.episode.number).collect();
        // Reloading the title on screen (after rating or marking) keeps the focus where it is;
        // opening one puts it on the episode to watch next.
        let reloaded = self.shown_title.replace(Some(details.card.id)) == Some(details.card.id);
        let focus = if reloaded {
            self.navigator.borrow().episode_focus()
        } else {
            next.and_then(|next| numbers.iter().position(|number| *number == next)).unwrap_or(0)
        };
        {
            let mut navigator = self.navigator.borrow_mut();
            navigator.set_torrents(details.torrents.len());
            navigator.set_episodes(numbers, focus);
        }
        if !reloaded {
            ui.set_title_message(SharedString::new());
        }
        *self.watched.borrow_mut() = details
            .episodes
            .iter()
            .map(|entry| entry.watch.is_some_and(|watch| watch.watched))
            .collect();
        *self.magnets.borrow_mut() =
            details.torrents.iter().map(|torrent| torrent.magnet.clone()).collect();
        let torrents: Vec<TorrentLine> = details
            .torrents
            .iter()
            .map(|torrent| TorrentLine {
                label: format!("{} · episodes {}", torrent.quality, torrent.episodes).into(),
                detail: [
                    torrent.size_bytes.map(crate::text::size),
                    torrent.seeders.map(|seeders| format!("{seeders} seeders")),
                    Some("Enter: copy magnet".to_owned()),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · ")
                .into(),
            })
            .collect();
        ui.set_torrents(ModelRc::new(VecModel::from(torrents)));
        let lines: Vec<EpisodeLine> = details
            .episodes
            .iter()
            .map(|entry| EpisodeLine {
                number: entry.episode.number.to_string().into(),
                name: entry.episode.name.clone().unwrap_or_default().into(),
                qualities: entry
                    .episode
                    .streams
                    .iter()
                    .map(|stream| stream.quality.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
                    .into(),
                state: match entry.watch {
                    Some(watch) if watch.watched => "✓ watched".into(),
                    Some(watch) if watch.position_ms > 0 => {
                        format!("▶ {}", crate::text::position(watch.position_ms)).into()
                    }
                    _ => SharedString::new(),
                },
            })
            .collect();
        let card = &details.card;
        let facts: Vec<String> = [
            card.kind.clone(),
            card.year.map(|year| year.to_string()),
            (!details.genres.is_empty()).then(|| details.genres.join(", ")),
            Some(match details.rating {
                Some(rating) => format!("★ {}/10", rating.score()),
                None => "☆ rate with ← →".to_owned(),
            }),
            Some("w marks watched".to_owned()),
        ]
        .into_iter()
        .flatten()
        .collect();
        ui.set_title_name(card.name.clone().into());
        ui.set_title_original(card.name_original.clone().unwrap_or_default().into());
        ui.set_title_facts(facts.join(" · ").into());
        ui.set_title_description(details.description.clone().unwrap_or_default().into());
        ui.set_has_title_poster(poster.is_some());
        ui.set_title_poster(poster.map(Image::from_rgba8).unwrap_or_default());
        ui.set_episodes(ModelRc::new(VecModel::from(lines)));
        drop(ui);
        self.show_navigation();
    }

    /// `w` on an episode: flips its watched mark, then shows the title again.
    fn toggle_watched(self: &Rc<Self>, title: TitleId, episode: f64) {
        let focus = self.navigator.borrow().episode_focus();
        let watched = !self.watched.borrow().get(focus).copied().unwrap_or(false);
        self.in_background(
            "mark the episode",
            move |app| async move { app.set_watched(title, episode, watched).await },
            move |screens, marked| match marked {
                Ok(_) => screens.open_title(title),
                Err(error) => tracing::error!("cannot mark the episode: {error:#}"),
            },
        );
    }

    /// Enter on a torrent: its magnet link goes to the system clipboard.
    fn copy_magnet(&self, torrent: usize) {
        let Some(magnet) = self.magnets.borrow().get(torrent).cloned() else { return };
        let Some(window) = self.window.upgrade() else { return };
        window.invoke_copy_to_clipboard(magnet.clone().into());
        tracing::info!(%magnet, "copied the magnet link");
        window
            .global::<Ui>()
            .set_title_message("Magnet link copied — paste it into your torrent client".into());
    }

    fn play(self: &Rc<Self>, title: TitleId, episode: f64) {
        self.stop_playback();
        self.navigator.borrow_mut().set_skip_available(false);
        self.navigator.borrow_mut().set_player_failed(false);
        let (commands, inbox) = channel();
        *self.playback.borrow_mut() = Some(commands);
        let app = Arc::clone(&self.app);
        let handle = self.runtime.handle().clone();
        let weak = self.window.clone();
        if let Some(window) = self.window.upgrade() {
            let ui = window.global::<Ui>();
            ui.set_player_error(SharedString::new());
            ui.set_skip_prompt(SharedString::new());
            ui.set_player_countdown(SharedString::new());
            ui.set_player_title("Loading…".into());
            ui.set_video_frame(Image::default());
        }
        let spawned = std::thread::Builder::new().name("playback".into()).spawn(move || {
            if let Err(error) = playback_session(&app, &handle, &weak, title, episode, &inbox) {
                let message = format!("{error:#}");
                update(&weak, move |ui| ui.set_player_error(message.into()));
            }
        });
        if let Err(error) = spawned {
            tracing::error!("cannot start playback: {error}");
        }
    }

    fn stop_playback(&self) {
        if let Some(sender) = self.playback.borrow_mut().take()
            && sender.send(PlaybackCommand::Stop).is_err()
        {
            tracing::debug!("playback had already ended");
        }
    }
}

/// Commands from the UI thread to the playback thread.
enum PlaybackCommand {
    PlayPause,
    Skip,
    CycleQuality,
    SeekBy(i64),
    Stop,
}

/// How long the "next episode" countdown runs before the next episode starts by itself.
const NEXT_COUNTDOWN_SECONDS: u32 = 5;

/// How one episode's playback ended.
enum Ended {
    /// Back, an error or the end without auto-play: the session is over.
    Stopped,
    /// Auto-play moves on to this episode.
    Next(f64),
}

/// Runs on its own thread: plays `episode`, then the next ones while auto-play goes on.
fn playback_session(
    app: &App,
    runtime: &tokio::runtime::Handle,
    weak: &Weak<AppWindow>,
    title: TitleId,
    mut episode: f64,
    inbox: &Receiver<PlaybackCommand>,
) -> Result<()> {
    while let Ended::Next(next) = play_episode(app, runtime, weak, title, episode, inbox)? {
        episode = next;
        update(weak, move |ui| {
            ui.set_player_countdown(SharedString::new());
            ui.set_player_note(SharedString::new());
            ui.set_player_progress(0.0);
            ui.invoke_now_playing(next.to_string().into());
        });
    }
    Ok(())
}

/// Waits out the next-episode countdown: `true` to play on (time up or Enter), `false` on Back.
fn count_down_to_next(
    weak: &Weak<AppWindow>,
    next: f64,
    inbox: &Receiver<PlaybackCommand>,
) -> bool {
    for remaining in (1..=NEXT_COUNTDOWN_SECONDS).rev() {
        let text = getanime_app::countdown_text(next, remaining);
        update(weak, move |ui| ui.set_player_countdown(text.into()));
        match inbox.recv_timeout(Duration::from_secs(1)) {
            Ok(PlaybackCommand::PlayPause) => return true,
            Ok(PlaybackCommand::Stop) | Err(RecvTimeoutError::Disconnected) => {
                update(weak, |ui| ui.set_player_countdown(SharedString::new()));
                return false;
            }
            Ok(
                PlaybackCommand::SeekBy(_) | PlaybackCommand::Skip | PlaybackCommand::CycleQuality,
            )
            | Err(RecvTimeoutError::Timeout) => {}
        }
    }
    true
}

/// Plays one episode: owns the player, feeds its events to the core's [`PlaybackSession`],
/// stores what the session decides and draws its overlay.
fn play_episode(
    app: &App,
    runtime: &tokio::runtime::Handle,
    weak: &Weak<AppWindow>,
    title: TitleId,
    episode: f64,
    inbox: &Receiver<PlaybackCommand>,
) -> Result<Ended> {
    let mut session = PlaybackSession::new(runtime.block_on(app.plan_playback(title, episode))?);
    let frames_window = weak.clone();
    let frames: FrameSink = Arc::new(move |frame| {
        let buffer = SharedPixelBuffer::<Rgba8Pixel>::clone_from_slice(
            &frame.rgba,
            frame.width,
            frame.height,
        );
        let delivered = frames_window.upgrade_in_event_loop(move |window| {
            window.global::<Ui>().set_video_frame(Image::from_rgba8(buffer))
        });
        if delivered.is_err() {
            tracing::trace!("frame dropped: the window is gone");
        }
    });
    let audio = if std::env::var_os("GETANIME_SILENT").is_some() {
        AudioOutput::Silent
    } else {
        AudioOutput::Default
    };
    let player = Player::new(PlayerConfig { audio, ..PlayerConfig::default() }, Some(frames))?;
    player.load(session.media());
    tracing::info!(episode, start_ms = session.plan().start_ms, "playing");
    draw_overlay(weak, session.overlay());
    let mut playing = true;
    loop {
        match inbox.try_recv() {
            Ok(PlaybackCommand::Stop) | Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                let now = chrono::Utc::now().timestamp_millis();
                runtime
                    .block_on(app.apply_watch_actions(session.episode(), session.on_stop(now)))?;
                player.stop();
                return Ok(Ended::Stopped);
            }
            Ok(PlaybackCommand::PlayPause) => {
                if playing {
                    player.pause()
                } else {
                    player.play()
                }
                playing = !playing;
            }
            Ok(PlaybackCommand::SeekBy(delta)) => player.seek_by(delta),
            Ok(PlaybackCommand::Skip) => {
                tracing::info!(position_ms = session.position().0, "skipping");
                player.skip();
            }
            Ok(PlaybackCommand::CycleQuality) => {
                if let Some(next) = session.next_quality() {
                    tracing::info!(quality = %next.as_str(), "switching quality");
                    player.select_quality(next);
                }
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => {}
        }
        let event = match player.events().recv_timeout(Duration::from_millis(100)) {
            Ok(event) => event,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => return Ok(Ended::Stopped),
        };
        let step = session.on_event(&event, chrono::Utc::now().timestamp_millis());
        runtime.block_on(app.apply_watch_actions(session.episode(), step.actions))?;
        if step.redraw {
            draw_overlay(weak, session.overlay());
        }
        match step.state {
            SessionState::CountDownTo(next) => {
                player.stop();
                return Ok(if count_down_to_next(weak, next, inbox) {
                    Ended::Next(next)
                } else {
                    Ended::Stopped
                });
            }
            SessionState::Failed => update(weak, |ui| ui.invoke_player_failed()),
            SessionState::Playing | SessionState::Finished => {}
        }
    }
}

/// Copies the session's overlay into the window (from the playback thread).
fn draw_overlay(weak: &Weak<AppWindow>, overlay: &PlayerOverlay) {
    let overlay = overlay.clone();
    update(weak, move |ui| {
        ui.set_player_title(overlay.heading.into());
        ui.set_player_progress(overlay.progress);
        ui.set_player_time(overlay.time.into());
        ui.set_player_note(overlay.note.into());
        if ui.get_skip_prompt().as_str() != overlay.skip_prompt {
            let available = !overlay.skip_prompt.is_empty();
            ui.set_skip_prompt(overlay.skip_prompt.into());
            ui.invoke_skip_available(available);
        }
        if let Some(error) = overlay.error {
            ui.set_player_error(error.into());
        }
    });
}

/// Sets UI properties from any thread.
fn update(weak: &Weak<AppWindow>, change: impl FnOnce(&Ui<'_>) + Send + 'static) {
    let delivered = weak.upgrade_in_event_loop(move |window| change(&window.global::<Ui>()));
    if delivered.is_err() {
        tracing::trace!("the window is gone; update dropped");
    }
}

fn set_status(weak: &Weak<AppWindow>, status: &str) {
    let status = status.to_owned();
    update(weak, move |ui| ui.set_status_text(status.into()));
}

/// Runs `work` on the tokio runtime and awaits it from the UI thread without blocking it.
async fn run_on<T: Send + 'static>(
    runtime: &tokio::runtime::Runtime,
    work: impl std::future::Future<Output = Result<T>> + Send + 'static,
) -> Result<T> {
    runtime.spawn(work).await.context("a background task failed")?
}

/// Library cards with their decoded posters.
type CardsWithPosters = (Vec<TitleCard>, Vec<Option<SharedPixelBuffer<Rgba8Pixel>>>);

/// Cards for a poster row (subtitle: the source).
fn cards_model(
    cards: &[TitleCard],
    posters: Vec<Option<SharedPixelBuffer<Rgba8Pixel>>>,
) -> Vec<Card> {
    cards
        .iter()
        .zip(posters)
        .map(|(card, poster)| Card {
            name: card.name.clone().into(),
            subtitle: card.plugin_id.clone().into(),
            has_poster: poster.is_some(),
            poster: poster.map(Image::from_rgba8).unwrap_or_default(),
            progress: 0.0,
        })
        .collect()
}

/// A finished search: its query, the cards and their decoded posters.
type SearchFound = (String, Vec<TitleCard>, Vec<Option<SharedPixelBuffer<Rgba8Pixel>>>);

type HomeLoad = (Home, Vec<Option<SharedPixelBuffer<Rgba8Pixel>>>, String);

/// The home rows, with the posters of every card decoded (in row order), and the status line.
async fn load_home_rows(app: Arc<App>) -> Result<HomeLoad> {
    let weekday = chrono::Local::now().weekday().number_from_monday() as u8;
    let home = app.home(weekday).await?;
    let ids: Vec<TitleId> = home
        .continue_watching
        .iter()
        .map(|item| item.card.id)
        .chain(home.new_episodes.iter().map(|card| card.id))
        .chain(home.today.iter().map(|card| card.id))
        .chain(home.rated.iter().map(|card| card.id))
        .collect();
    let posters = posters_of(&app, ids).await?;
    let status = app.status().await?;
    Ok((home, posters, format!("{} titles", status.titles)))
}

/// Syncs every enabled source and fetches posters; returns the status line.
async fn sync_sources(app: Arc<App>) -> Result<String> {
    let ttl_hours: u64 = app.setting_value("details_ttl_hours").await?.parse().unwrap_or(24);
    let options = SyncOptions {
        details_ttl: Duration::from_secs(ttl_hours * 3600),
        ..SyncOptions::default()
    };
    let reports = app.sync(&options, &|_| {}).await?;
    app.refresh_posters(500).await?;
    let failed: Vec<String> = reports
        .iter()
        .filter_map(|report| report.error.as_ref().map(|_| report.plugin_id.clone()))
        .collect();
    let time = chrono::Local::now().format("%H:%M");
    Ok(if failed.is_empty() {
        format!("Synced at {time}")
    } else {
        format!("Synced at {time}; unreachable: {}", failed.join(", "))
    })
}

/// The cached poster of `title` as pixels; none cached (or a broken one) is `None`.
async fn poster_pixels(app: &App, title: TitleId) -> Result<Option<SharedPixelBuffer<Rgba8Pixel>>> {
    Ok(app.poster(title).await?.and_then(|poster| decode_poster(&poster.bytes)))
}

/// [`poster_pixels`] for several titles, in order.
async fn posters_of(
    app: &App,
    titles: Vec<TitleId>,
) -> Result<Vec<Option<SharedPixelBuffer<Rgba8Pixel>>>> {
    let mut posters = Vec::new();
    for title in titles {
        posters.push(poster_pixels(app, title).await?);
    }
    Ok(posters)
}

/// A cached poster (JPEG) to pixels the UI can show; a broken one is simply no poster.
fn decode_poster(bytes: &[u8]) -> Option<SharedPixelBuffer<Rgba8Pixel>> {
    let image = image::load_from_memory(bytes).ok()?.to_rgba8();
    Some(SharedPixelBuffer::clone_from_slice(image.as_raw(), image.width(), image.height()))
}

/// Slint key text → remote key.
fn remote_key(text: &str) -> Option<Key> {
    use slint::platform::Key as K;
    let is = |key: K| text == SharedString::from(key).as_str();
    Some(if is(K::UpArrow) {
        Key::Up
    } else if is(K::DownArrow) {
        Key::Down
    } else if is(K::LeftArrow) {
        Key::Left
    } else if is(K::RightArrow) {
        Key::Right
    } else if is(K::Return) || text == "\n" {
        Key::Enter
    } else if is(K::Escape) {
        Key::Back
    } else if is(K::Backspace) {
        Key::Erase
    } else if is(K::Home) {
        Key::Home
    } else {
        // Everything else is text (the search box; Space pauses in the player). Slint sends
        // special keys as private-use characters, which are not text.
        let mut characters = text.chars();
        match (characters.next(), characters.next()) {
            (Some(character), None)
                if !character.is_control() && !('\u{F700}'..='\u{F8FF}').contains(&character) =>
            {
                Key::Char(character)
            }
            _ => return None,
        }
    })
}

/// Smoke mode: once loaded, presses the keys (a screenshot after each), then quits.
fn run_smoke(window: &AppWindow, smoke: Smoke) -> slint::Timer {
    let weak = window.as_weak();
    let timer = slint::Timer::default();
    let steps = Rc::new(RefCell::new(SmokeSteps {
        keys: smoke.keys.clone().into_iter(),
        index: 0,
        waiting_since: None,
    }));
    timer.start(slint::TimerMode::Repeated, SMOKE_POLL, move || {
        let Some(window) = weak.upgrade() else { return };
        if window.global::<Ui>().get_loading() {
            return;
        }
        let mut steps = steps.borrow_mut();
        if let Some(since) = steps.waiting_since {
            if since.elapsed() < smoke.key_interval {
                return;
            }
            steps.waiting_since = None;
        }
        let index = steps.index;
        let shot = screenshot_name(&smoke.screenshot, index);
        let rendering = std::time::Instant::now();
        let snapshot = window.window().take_snapshot();
        // The software renderer draws the whole window for a snapshot: its time is a frame's.
        tracing::info!(render_ms = rendering.elapsed().as_secs_f64() * 1e3, "frame rendered");
        match snapshot {
            Ok(frame) => {
                if index == 0 {
                    tracing::info!(
                        width = frame.width(),
                        height = frame.height(),
                        "first frame with the library rendered"
                    );
                }
                if let Some(path) = &shot
                    && let Err(error) = save_png(&frame, path)
                {
                    tracing::error!("{error:#}");
                }
            }
            Err(error) => tracing::error!("cannot render the window: {error}"),
        }
        steps.index += 1;
        match steps.keys.next() {
            Some(key) => {
                tracing::info!(%key, "pressing");
                press(&window, &key);
                steps.waiting_since = Some(std::time::Instant::now());
            }
            None => {
                tracing::info!("smoke run done; exiting as asked");
                if let Err(error) = slint::quit_event_loop() {
                    tracing::error!("cannot quit the event loop: {error}");
                }
            }
        }
    });
    timer
}

struct SmokeSteps {
    keys: std::vec::IntoIter<String>,
    index: usize,
    waiting_since: Option<std::time::Instant>,
}

/// The screenshot path of step `index`: the given one first, then `-1`, `-2`... beside it.
fn screenshot_name(first: &Option<PathBuf>, index: usize) -> Option<PathBuf> {
    let first = first.as_ref()?;
    if index == 0 {
        return Some(first.clone());
    }
    let stem = first.file_stem()?.to_string_lossy();
    Some(first.with_file_name(format!("{stem}-{index}.png")))
}

/// Sends a key press and release through the window, as a keyboard or remote would.
fn press(window: &AppWindow, name: &str) {
    use slint::platform::{Key as K, WindowEvent};
    let key = match name {
        "up" => K::UpArrow,
        "down" => K::DownArrow,
        "left" => K::LeftArrow,
        "right" => K::RightArrow,
        "enter" => K::Return,
        "back" => K::Escape,
        "erase" => K::Backspace,
        "home" => K::Home,
        // Lets one settle period pass without input (for timeouts such as the overlay's).
        "wait" => return,
        other => {
            // Anything else is typed as text, one character per key event.
            for character in other.chars() {
                let text: SharedString = character.to_string().into();
                window.window().dispatch_event(WindowEvent::KeyPressed { text: text.clone() });
                window.window().dispatch_event(WindowEvent::KeyReleased { text });
            }
            return;
        }
    };
    let text: SharedString = key.into();
    window.window().dispatch_event(WindowEvent::KeyPressed { text: text.clone() });
    window.window().dispatch_event(WindowEvent::KeyReleased { text });
}

fn save_png(frame: &SharedPixelBuffer<Rgba8Pixel>, path: &std::path::Path) -> Result<()> {
    let image =
        image::RgbaImage::from_raw(frame.width(), frame.height(), frame.as_bytes().to_vec())
            .context("the frame has an unexpected size")?;
    image.save(path).with_context(|| format!("saving the screenshot to {}", path.display()))
}
