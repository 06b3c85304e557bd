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
use getanime_app::domain::{TitleCard, TitleDetails, TitleId};
use getanime_app::language::Language;
use getanime_app::navigation::{Effect, HeaderButton, Key, Navigator, Screen, TitleButton};
use getanime_app::{
    App, DataPaths, Home, PlaybackSession, PlayerOverlay, SessionState, SyncScope, views,
};
use getanime_player::{AudioOutput, FrameSink, Player, PlayerConfig};

use slint::{
    ComponentHandle, Image, ModelRc, Rgb8Pixel, Rgba8Pixel, SharedPixelBuffer, SharedString,
    VecModel, Weak,
};

use crate::ui::{
    AppWindow, BrowseAdapter, Card, EpisodeLine, HeaderItem, HomeAdapter, KeyRow, KeyView,
    MenuAdapter, PlayerAdapter, PosterRow, RelatedLine, ScheduleAdapter, ScreenKind, SearchAdapter,
    Shell, TitleAdapter, TorrentLine, WelcomeAdapter, WelcomeChoice,
};

mod browse;
mod display;
mod gamepad;
mod home;
mod player;
mod pointer;
mod schedule;
mod search;
mod smoke;
mod title;
mod welcome;

use player::*;
pub use smoke::Smoke;
use smoke::*;
mod grid;
mod menus;

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
    /// Hides the player overlay after a few seconds without input.
    overlay_timer: slint::Timer,
    /// The rows of the open Sources or Settings screen.
    menu: RefCell<Vec<getanime_app::MenuEntry>>,
    /// The open title: its id, each episode's watched mark, its torrents' magnet links.
    shown_title: std::cell::Cell<Option<TitleId>>,
    /// Who is watching (the header's profile button).
    profile_name: RefCell<String>,
    /// The open title's list marks, for its buttons.
    title_marks: std::cell::Cell<Option<(TitleId, getanime_app::domain::ListEntry)>>,
    magnets: RefCell<Vec<String>>,
    /// The welcome screen's choices (the first launch).
    welcome: RefCell<Vec<getanime_app::ShippedPlugin>>,
    /// Work the user waits for, running (see `Shell.busy`).
    busy: std::cell::Cell<usize>,
    /// The catalog Browse pages through, when it shows one.
    catalog_feed: RefCell<Option<Rc<browse::CatalogFeed>>>,
}

/// The buttons above the home rows, from the navigator's list (so the order always matches);
/// the profile button names who is watching.
pub fn header_buttons(profile: &str) -> ModelRc<HeaderItem> {
    let items: Vec<HeaderItem> = HeaderButton::ALL
        .iter()
        .map(|button| {
            let label = match button {
                HeaderButton::Profiles if !profile.is_empty() => {
                    getanime_app::views::home::profile_button(profile)
                }
                _ => button.label().to_owned(),
            };
            HeaderItem { label: label.into(), id: button.id().into() }
        })
        .collect();
    ModelRc::new(VecModel::from(items))
}

/// Makes `language` the interface's: the core's texts (composed from now on), Slint's `@tr`
/// texts (redrawn at once) and the header buttons. Screens showing Rust-composed texts are
/// reloaded by the caller.
pub fn apply_language(window: &AppWindow, language: Language, profile: &str) {
    getanime_app::language::set_current(language);
    if let Err(error) = slint::select_bundled_translation(language.code()) {
        tracing::error!(language = language.code(), "the window keeps its language: {error}");
    }
    window.global::<HomeAdapter>().set_header_buttons(header_buttons(profile));
    tracing::info!(language = language.code(), "interface language");
}

/// Opens the window and runs the event loop until it closes.
/// Runs the TV UI: full screen, or in a desktop-sized window when `windowed`.
pub fn run_ui(
    paths: DataPaths,
    smoke: Smoke,
    windowed: bool,
    language: Option<Language>,
    profile: Option<String>,
) -> Result<()> {
    let runtime = Arc::new(
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .context("starting tokio")?,
    );
    let app = Arc::new(App::open(paths)?);
    if let Some(name) = &profile {
        runtime.block_on(app.use_profile_named(name))?;
    }
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
    let language = match language {
        Some(language) => language,
        None => {
            runtime.block_on(app.interface_language()).context("reading the language setting")?
        }
    };
    let (profile_name, ask_who) = runtime
        .block_on(async {
            let name = app.current_profile().await?.name;
            // Several people share this library and no --profile said who: ask first.
            let ask = profile.is_none() && app.profiles().await?.len() > 1;
            anyhow::Ok((name, ask))
        })
        .context("reading the profiles")?;
    display::choose_renderer();
    let window = AppWindow::new().context("cannot open the window (is a display available?)")?;
    apply_language(&window, language, &profile_name);
    let screens = Rc::new(Screens {
        app,
        runtime,
        window: window.as_weak(),
        navigator: RefCell::new(Navigator::new()),
        playback: RefCell::new(None),
        overlay_timer: slint::Timer::default(),
        menu: RefCell::new(Vec::new()),
        shown_title: std::cell::Cell::new(None),
        title_marks: std::cell::Cell::new(None),
        profile_name: RefCell::new(profile_name),
        magnets: RefCell::new(Vec::new()),
        welcome: RefCell::new(Vec::new()),
        busy: std::cell::Cell::new(0),
        catalog_feed: RefCell::new(None),
    });
    display::watch_window(&window, Rc::downgrade(&screens), smoke.exit_after_first_frame);
    if windowed {
        window.window().set_size(slint::PhysicalSize::new(1280, 720));
    } else {
        display::go_full_screen(&window);
    }
    let for_keys = Rc::clone(&screens);
    window.global::<Shell>().on_key(move |text| for_keys.key(&text));
    let for_clicks = Rc::clone(&screens);
    window
        .global::<Shell>()
        .on_clicked(move |target, first, second| for_clicks.click(target, first, second));
    let for_next = Rc::clone(&screens);
    let for_failure = Rc::clone(&screens);
    let player = window.global::<PlayerAdapter>();
    player.on_failed(move || {
        for_failure.navigator.borrow_mut().set_player_failed(true);
    });
    let for_release = Rc::clone(&screens);
    // A start or a pause kept the overlay up; playing again lets it hide after the timeout.
    player.on_released(move || for_release.show_overlay());
    let for_skip = Rc::clone(&screens);
    player.on_skip_available(move |available| {
        for_skip.navigator.borrow_mut().set_skip_available(available);
    });
    let for_subtitles = Rc::clone(&screens);
    player.on_subtitles_offered(move |tracks, chosen| {
        let tracks = usize::try_from(tracks).unwrap_or(0);
        let chosen = usize::try_from(chosen).ok();
        for_subtitles.navigator.borrow_mut().set_player_subtitles(tracks, chosen);
        for_subtitles.show_navigation();
    });
    player.on_now_playing(move |episode| {
        tracing::info!(%episode, "auto-play moved on");
        match episode.parse::<f64>() {
            Ok(number) => for_next.navigator.borrow_mut().replace_player_episode(number),
            Err(error) => tracing::error!(%episode, "not an episode number: {error}"),
        }
    });
    let sync_at_start = !smoke.no_sync && smoke.demo.is_none();
    screens.load_home(sync_at_start);
    screens.welcome_if_first_launch();
    if ask_who {
        screens.navigator.borrow_mut().show_profile_picker();
        screens.apply(Screen::Home, Effect::ShowProfiles);
    }
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
    let _gamepads = gamepad::watch_gamepads(Rc::downgrade(&screens));
    let _smoke_timer = smoke.exit_after_first_frame.then(|| run_smoke(&window, smoke));
    window.run().context("running the UI event loop")?;
    screens.stop_playback();
    Ok(())
}

impl Screens {
    fn key(self: &Rc<Self>, text: &str) {
        if let Some(key) = remote_key(text) {
            self.press(key);
        }
    }

    /// What a key does: the navigator decides, the adapters show it.
    fn press(self: &Rc<Self>, key: Key) {
        let before = self.navigator.borrow().screen();
        let effect = self.navigator.borrow_mut().key(key);
        self.apply(before, effect);
    }

    /// Carries out what the navigator decided (on `before`, the screen the input came to).
    fn apply(self: &Rc<Self>, before: Screen, effect: Effect) {
        if self.navigator.borrow().screen() != before
            && let Some(window) = self.window.upgrade()
        {
            // An error belongs to the screen it happened on.
            window.global::<Shell>().set_error_text(SharedString::new());
        }
        match effect {
            Effect::Redraw => {}
            Effect::OpenTitle(title) => self.open_title(title),
            Effect::OpenRelated { title, related } => self.open_related(title, related),
            Effect::Play { title, episode } => self.play(title, episode),
            Effect::Rate { title, score } => self.rate(title, score),
            Effect::ShowSchedule => self.show_schedule(),
            Effect::ShowBrowse => self.show_browse(),
            Effect::ShowSources | Effect::ShowSettings | Effect::ShowProfiles => {
                // A fresh screen: no rows or message left from the last visit.
                self.menu.borrow_mut().clear();
                if let Some(window) = self.window.upgrade() {
                    let menu = window.global::<MenuAdapter>();
                    menu.set_lines(ModelRc::default());
                    menu.set_message(SharedString::new());
                }
                self.load_menu(None, None);
            }
            Effect::MenuChange { row, forward } => self.menu_change(row, forward),
            Effect::MenuPress { row, button } => self.menu_press(row, button),
            Effect::MenuAsk { row } => self.menu_ask(row),
            Effect::MenuText { .. } => self.show_menu_lines(),
            Effect::SetWatched { title, episode, watched } => {
                self.set_watched(title, episode, watched)
            }
            Effect::StepList { title } => self.title_action(
                title,
                move |app| async move { app.step_list(title).await },
                |_| None,
            ),
            Effect::ToggleFavorite { title } => self.title_action(
                title,
                move |app| async move { app.toggle_favorite(title).await },
                |_| None,
            ),
            Effect::HideFromContinue { title } => self.title_action(
                title,
                move |app| async move { app.hide_from_continue(title).await },
                |()| Some(views::title::hidden_from_continue().to_owned()),
            ),
            Effect::ResetWatched { title } => self.title_action(
                title,
                move |app| async move { app.reset_watched(title).await },
                |episodes| Some(views::title::watched_reset(episodes)),
            ),
            Effect::MarkWatchedThrough { title, episode } => self.title_action(
                title,
                move |app| async move { app.mark_watched_through(title, episode).await },
                move |episodes| Some(views::title::marked_through(episode, episodes)),
            ),
            Effect::CopyMagnet { torrent, .. } => self.copy_magnet(torrent),
            Effect::WelcomeChoose(choice) => self.welcome_choose(choice),
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
            Effect::CycleSubtitles => self.send(PlaybackCommand::CycleSubtitles),
            Effect::ChooseSubtitle(index) => self.send(PlaybackCommand::ChooseSubtitle(index)),
            Effect::SeekBy(delta) => self.send(PlaybackCommand::SeekBy(delta)),
            Effect::Quit => {
                if let Err(error) = slint::quit_event_loop() {
                    tracing::error!("cannot quit: {error}");
                }
            }
        }
        let now_on = self.navigator.borrow().screen();
        if now_on == Screen::Home && before != Screen::Home {
            // Back on Home from a title, the player or a menu: lists, ratings and Continue
            // watching may have changed there.
            self.load_home(false);
        }
        self.show_navigation();
        if matches!(now_on, Screen::Player { .. }) {
            self.show_overlay();
        }
    }

    /// Shows the player overlay and hides it again after [`OVERLAY_TIMEOUT`] without input.
    fn show_overlay(&self) {
        let Some(window) = self.window.upgrade() else { return };
        window.global::<PlayerAdapter>().set_overlay_visible(true);
        let weak = self.window.clone();
        self.overlay_timer.start(slint::TimerMode::SingleShot, OVERLAY_TIMEOUT, move || {
            if let Some(window) = weak.upgrade() {
                let player = window.global::<PlayerAdapter>();
                if !player.get_overlay_pinned() {
                    player.set_overlay_visible(false);
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

    /// Focus and screen from the navigator to the UI: each screen's adapter copies its part.
    fn show_navigation(&self) {
        let Some(window) = self.window.upgrade() else { return };
        let navigator = self.navigator.borrow();
        home::show_focus(&window.global::<HomeAdapter>(), &navigator);
        title::show_focus(&window.global::<TitleAdapter>(), &navigator);
        drop(navigator);
        self.show_title_buttons(&window.global::<TitleAdapter>());
        let navigator = self.navigator.borrow();
        schedule::show_focus(&window.global::<ScheduleAdapter>(), &navigator);
        search::show_focus(&window.global::<SearchAdapter>(), &navigator);
        browse::show_focus(&window.global::<BrowseAdapter>(), &navigator);
        menus::show_focus(&window.global::<MenuAdapter>(), &navigator, &self.menu.borrow());
        welcome::show_focus(&window.global::<WelcomeAdapter>(), &navigator);
        let picker = navigator.subtitle_picker().map_or(-1, |row| row as i32);
        window.global::<PlayerAdapter>().set_subtitle_focus(picker);
        window.global::<Shell>().set_screen(match navigator.screen() {
            Screen::Home => ScreenKind::Home,
            Screen::Search => ScreenKind::Search,
            Screen::Schedule => ScreenKind::Schedule,
            Screen::Browse => ScreenKind::Browse,
            Screen::Sources | Screen::Settings | Screen::Profiles => ScreenKind::Menu,
            Screen::Title(_) => ScreenKind::Title,
            Screen::Player { .. } => ScreenKind::Player,
            Screen::Welcome => ScreenKind::Welcome,
        });
    }

    /// Work the user waits for starts: `Shell.busy` until [`Screens::end_work`].
    fn begin_work(&self) {
        self.busy.set(self.busy.get() + 1);
        self.show_busy();
    }

    fn end_work(&self) {
        self.busy.set(self.busy.get().saturating_sub(1));
        self.show_busy();
    }

    fn show_busy(&self) {
        if let Some(window) = self.window.upgrade() {
            window.global::<Shell>().set_busy(self.busy.get() > 0);
        }
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
}

/// Sets UI properties from any thread.
fn update(weak: &Weak<AppWindow>, change: impl FnOnce(&AppWindow) + Send + 'static) {
    let delivered = weak.upgrade_in_event_loop(move |window| change(&window));
    if delivered.is_err() {
        tracing::trace!("the window is gone; update dropped");
    }
}

fn set_status(weak: &Weak<AppWindow>, status: &str) {
    let status = status.to_owned();
    update(weak, move |window| window.global::<Shell>().set_status_text(status.into()));
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
    } else if is(K::Menu) {
        Key::Menu
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
