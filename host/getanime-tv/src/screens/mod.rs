//! The TV UI: the Slint window, adapted to the app. One adapter per screen (`home.rs`,
//! `title.rs`, …) owns that screen's state and view; [`Screens`] carries keys to the navigator
//! and what it decides to the adapter it concerns. The UI thread only runs the event loop and
//! sets properties: library work runs on a tokio runtime ([`Shared::in_background`]), playback
//! on its own thread, whose news comes back over a channel.

use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use getanime_app::language::Language;
use getanime_app::navigation::{Effect, HeaderButton, Key, Navigator, Screen};
use getanime_app::{App, DataPaths};
use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use crate::playback::PlaybackCommand;
use crate::ui::{AppWindow, HeaderItem, HomeAdapter, ScreenKind, Shell};

mod about;
mod browse;
mod display;
mod gamepad;
mod grid;
mod home;
mod menus;
mod pairing;
mod phone_remote;
mod player;
mod pointer;
mod schedule;
mod search;
mod shared;
mod sign_in;
mod smoke;
mod title;
mod welcome;

pub(crate) use display::renderer_in_use;
use shared::Shared;
pub use smoke::Smoke;

/// How often the UI checks whether a background sync is due.
const SYNC_CHECK: Duration = Duration::from_secs(60);

/// The screen adapters, one per screen, and the router between them and the navigator. Adding
/// a screen adds its adapter here; `apply` and `show_navigation` match exhaustively, so the
/// compiler names every place it must be handled.
pub struct Screens {
    shared: Rc<Shared>,
    home: Rc<home::HomeScreen>,
    search: Rc<search::SearchScreen>,
    browse: Rc<browse::BrowseScreen>,
    schedule: Rc<schedule::ScheduleScreen>,
    menu: Rc<menus::MenuScreen>,
    title: Rc<title::TitleScreen>,
    player: Rc<player::PlayerScreen>,
    welcome: Rc<welcome::WelcomeScreen>,
    about: Rc<about::AboutScreen>,
    sign_in: Rc<sign_in::SignInScreen>,
    pairing: Rc<pairing::PairingScreen>,
    /// The phone remote: not a screen, but what phones ask arrives through here.
    phone: Rc<phone_remote::PhoneRemote>,
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

/// Wires the screens to `window`: every adapter, the key and click callbacks. Runs nothing (no
/// load, no sync, no timer), so a test can drive the real adapters on Slint's testing backend.
pub fn init(
    window: &AppWindow,
    app: Arc<App>,
    runtime: Arc<tokio::runtime::Runtime>,
    profile_name: String,
) -> Rc<Screens> {
    let shared = Rc::new(Shared::new(app, runtime, window.as_weak()));
    let screens = Rc::new(Screens {
        home: Rc::new(home::HomeScreen::new(Rc::clone(&shared), profile_name)),
        search: Rc::new(search::SearchScreen::new(Rc::clone(&shared))),
        browse: Rc::new(browse::BrowseScreen::new(Rc::clone(&shared))),
        schedule: Rc::new(schedule::ScheduleScreen::new(Rc::clone(&shared))),
        menu: Rc::new(menus::MenuScreen::new(Rc::clone(&shared))),
        title: Rc::new(title::TitleScreen::new(Rc::clone(&shared))),
        player: Rc::new(player::PlayerScreen::new(Rc::clone(&shared))),
        welcome: Rc::new(welcome::WelcomeScreen::new(Rc::clone(&shared))),
        about: Rc::new(about::AboutScreen::new(Rc::clone(&shared))),
        sign_in: Rc::new(sign_in::SignInScreen::new(Rc::clone(&shared))),
        pairing: Rc::new(pairing::PairingScreen::new(Rc::clone(&shared))),
        phone: Rc::new(phone_remote::PhoneRemote::new(Rc::clone(&shared))),
        shared,
    });
    screens.shared.route_through(&screens);
    let for_keys = Rc::downgrade(&screens);
    window.global::<Shell>().on_key(move |text| {
        if let (Some(screens), Some(key)) = (for_keys.upgrade(), remote_key(&text)) {
            screens.press(key);
        }
    });
    let for_clicks = Rc::downgrade(&screens);
    window.global::<Shell>().on_clicked(move |target, first, second| {
        if let Some(screens) = for_clicks.upgrade() {
            screens.click(target, first, second);
        }
    });
    screens
}

/// Runs the TV UI until its window closes: full screen, or in a desktop-sized window when
/// `windowed`.
pub fn run_ui(
    paths: DataPaths,
    smoke: Smoke,
    windowed: bool,
    language: Option<Language>,
    profile: Option<String>,
    tv_box: bool,
) -> Result<()> {
    let runtime = Arc::new(
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .context("starting tokio")?,
    );
    let app = Arc::new(App::open(paths)?.as_tv_box(tv_box));
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
    // Changes made here reach the profile's accounts a few seconds later, on their own.
    drop(runtime.spawn(Arc::clone(&app).push_account_changes_forever()));
    display::choose_renderer();
    let window = AppWindow::new().context("cannot open the window (is a display available?)")?;
    apply_language(&window, language, &profile_name);
    let screens = init(&window, app, runtime, profile_name);
    display::watch_window(&window, Rc::downgrade(&screens), smoke.exit_after_first_frame);
    if windowed {
        window.window().set_size(slint::PhysicalSize::new(1280, 720));
    } else {
        display::go_full_screen(&window);
    }
    let sync_at_start = !smoke.no_sync && smoke.demo.is_none();
    screens.home.load(sync_at_start);
    screens.welcome.open_if_first_launch();
    if ask_who {
        screens.shared.navigator.borrow_mut().show_profile_picker();
        screens.apply(Screen::Home, Effect::Show(Screen::Profiles));
    }
    // Later syncs follow the "Sync sources every" setting (checked each minute, so a change
    // applies without a restart).
    let sync_timer = slint::Timer::default();
    if sync_at_start {
        let home = Rc::downgrade(&screens.home);
        let last_sync = Rc::new(std::cell::Cell::new(std::time::Instant::now()));
        sync_timer.start(slint::TimerMode::Repeated, SYNC_CHECK, move || {
            if let Some(home) = home.upgrade() {
                home.sync_if_due(Rc::clone(&last_sync));
            }
        });
    }
    let _gamepads = gamepad::watch_gamepads(Rc::downgrade(&screens));
    screens.phone.watch(Rc::downgrade(&screens));
    let _smoke_timer = smoke.exit_after_first_frame.then(|| smoke::run_smoke(&window, smoke));
    window.run().context("running the UI event loop")?;
    screens.player.stop();
    Ok(())
}

impl Screens {
    /// What a key does: the navigator decides, the adapters show it.
    fn press(&self, key: Key) {
        // On Home any key puts a notice away; Back does only that (there it would quit).
        if self.shared.screen() == Screen::Home && self.shared.dismiss_notice() && key == Key::Back
        {
            return;
        }
        let before = self.shared.screen();
        let effect = self.shared.navigator.borrow_mut().key(key);
        self.apply(before, effect);
    }

    /// Carries out what the navigator decided (on `before`, the screen the input came to).
    fn apply(&self, before: Screen, effect: Effect) {
        if self.shared.screen() != before {
            // An error belongs to the screen it happened on.
            self.shared.set_error("");
        }
        match effect {
            Effect::Redraw => {}
            Effect::OpenTitle(title) => self.title.open(title),
            Effect::OpenRelated { title, related } => self.title.open_related(title, related),
            Effect::Play { title, episode } => self.player.play(title, episode),
            Effect::Rate { title, score } => self.title.rate(title, score),
            Effect::Show(screen) => self.adapter(screen).show(),
            Effect::MenuChange { row, forward } => self.menu.change(row, forward),
            Effect::MenuPress { row, button } => self.menu.press(row, button),
            Effect::MenuAsk { row } => self.menu.ask(row),
            Effect::MenuText { .. } => self.menu.show_lines(),
            Effect::SetWatched { title, episode, watched } => {
                self.title.set_watched(title, episode, watched)
            }
            Effect::StepList { title } => self.title.step_list(title),
            Effect::ToggleFavorite { title } => self.title.toggle_favorite(title),
            Effect::ToggleSync { title } => self.title.toggle_sync(title),
            Effect::HideFromContinue { title } => self.title.hide_from_continue(title),
            Effect::ResetWatched { title } => self.title.reset_watched(title),
            Effect::MarkWatchedThrough { title, episode } => {
                self.title.mark_watched_through(title, episode)
            }
            Effect::CopyMagnet { torrent, .. } => self.title.copy_magnet(torrent),
            Effect::WelcomeChoose(choice) => self.welcome.choose(choice),
            Effect::SignInChoose(button) => self.sign_in.choose(button),
            Effect::SignInSubmit => self.sign_in.submit(),
            Effect::SignInCancel => {
                self.sign_in.cancel();
                // The screen below (Accounts) shows what is there now.
                self.adapter(self.shared.screen()).show();
            }
            Effect::ForgetPhone(index) => self.pairing.forget(index),
            Effect::PairingClose => {
                self.pairing.close();
                self.adapter(self.shared.screen()).show();
            }
            Effect::SearchLibrary => self.search.search(false),
            Effect::SearchSources => self.search.search(true),
            Effect::StopPlayback => {
                self.player.stop();
                if let Screen::Title(title) = self.shared.screen() {
                    self.title.open(title);
                }
            }
            Effect::PlayPause => self.player.send(PlaybackCommand::PlayPause),
            Effect::Skip => self.player.send(PlaybackCommand::Skip),
            Effect::CycleQuality => self.player.send(PlaybackCommand::CycleQuality),
            Effect::CycleSubtitles => self.player.send(PlaybackCommand::CycleSubtitles),
            Effect::ChooseSubtitle(index) => {
                self.player.send(PlaybackCommand::ChooseSubtitle(index))
            }
            Effect::SeekBy(delta) => self.player.send(PlaybackCommand::SeekBy(delta)),
            Effect::Volume(change) => self.player.send(PlaybackCommand::Volume(change)),
            Effect::Quit => {
                if let Err(error) = slint::quit_event_loop() {
                    tracing::error!("cannot quit: {error}");
                }
            }
        }
        let now_on = self.shared.screen();
        if now_on == Screen::Home && before != Screen::Home {
            // Back on Home from a title, the player or a menu: lists, ratings and Continue
            // watching may have changed there.
            self.home.load(false);
        }
        self.show_navigation();
        if matches!(now_on, Screen::Player { .. }) {
            self.player.show_overlay();
        }
    }

    /// The adapter of `screen`: the one place that maps a screen to its adapter.
    fn adapter(&self, screen: Screen) -> Rc<dyn ScreenAdapter> {
        match screen {
            Screen::Home => self.home.clone(),
            Screen::Search => self.search.clone(),
            Screen::Browse => self.browse.clone(),
            Screen::Schedule => self.schedule.clone(),
            Screen::Sources | Screen::Settings | Screen::Profiles | Screen::Accounts => {
                self.menu.clone()
            }
            Screen::Title(_) => self.title.clone(),
            Screen::Player { .. } => self.player.clone(),
            Screen::Welcome => self.welcome.clone(),
            Screen::About => self.about.clone(),
            Screen::SignIn => self.sign_in.clone(),
            Screen::Pairing => self.pairing.clone(),
        }
    }

    /// Focus and screen from the navigator to the window: only the screen on top is drawn.
    fn show_navigation(&self) {
        let Some(window) = self.shared.window.upgrade() else { return };
        let navigator = self.shared.navigator.borrow();
        let adapter = self.adapter(navigator.screen());
        adapter.show_focus(&window, &navigator);
        window.global::<Shell>().set_screen(adapter.kind());
        drop(navigator);
        self.shared.show_held_notice();
        self.publish_snapshot();
    }

    /// What the TV shows now, for the phones: the screen, the focused text field (a secret
    /// row's text never leaves), what plays.
    fn publish_snapshot(&self) {
        let navigator = self.shared.navigator.borrow();
        let text_field =
            phone_remote::text_field(navigator.focused_text(), |row| self.menu.is_secret_row(row));
        self.phone.publish(getanime_remote::RemoteSnapshot {
            screen: phone_remote::screen_name(navigator.screen()).to_owned(),
            text_field,
            now_playing: self.player.now_playing(),
        });
    }

    /// A key from a phone: as from the remote, except that it never confirms what only the TV's
    /// own remote may (`MenuAction::is_tv_only`); that says so instead.
    fn press_from_phone(&self, key: Key) {
        let before = self.shared.screen();
        let effect = self.shared.navigator.borrow_mut().key(key);
        let tv_only = match effect {
            Effect::MenuPress { row, button } => self.menu.is_tv_only(row, button),
            Effect::MenuChange { row, .. } | Effect::MenuAsk { row } => {
                self.menu.is_tv_only(row, 0)
            }
            Effect::ForgetPhone(_) => true,
            _ => false,
        };
        if tv_only {
            tracing::info!("a phone reached a TV-only action; it waits for the TV's remote");
            self.shared.set_error(&getanime_app::views::pairing::tv_only());
            self.show_navigation();
            return;
        }
        self.apply(before, effect);
    }

    /// What a phone asked (`getanime-remote`), on the UI thread.
    fn remote_command(&self, command: getanime_remote::RemoteCommand) {
        use getanime_remote::RemoteCommand;
        tracing::debug!(?command, "a phone asks");
        match command {
            RemoteCommand::Key(key) => self.press_from_phone(key),
            RemoteCommand::Text { text, submit } => {
                let before = self.shared.screen();
                let effect = self.shared.navigator.borrow_mut().set_focused_text(&text, submit);
                match effect {
                    Some(Effect::MenuAsk { row }) if self.menu.is_tv_only(row, 0) => {
                        self.shared.set_error(&getanime_app::views::pairing::tv_only());
                        self.show_navigation();
                    }
                    Some(effect) => self.apply(before, effect),
                    None => tracing::debug!("text from a phone, but no field has the focus"),
                }
            }
            RemoteCommand::Play { title, episode, .. } => {
                let before = self.shared.screen();
                let effect = self.shared.navigator.borrow_mut().open_player(title, episode);
                self.title.open(title);
                self.apply(before, effect);
            }
            RemoteCommand::Player(action) => {
                if !matches!(self.shared.screen(), Screen::Player { .. }) {
                    return;
                }
                match phone_remote::phone_playback(action) {
                    phone_remote::PhonePlayback::Key(key) => self.press(key),
                    phone_remote::PhonePlayback::Command(command) => self.player.send(command),
                }
            }
            RemoteCommand::Paired { name } => {
                if self.shared.screen() == Screen::Pairing {
                    self.press(Key::Back);
                }
                self.shared.notice(&getanime_app::views::pairing::paired(&name));
            }
        }
    }
}

/// What the router asks of every screen's adapter.
trait ScreenAdapter {
    /// The view that shows the screen.
    fn kind(&self) -> ScreenKind;

    /// Loads what the screen shows when an effect names it (`Effect::Show`). Screens opened by
    /// their own effects (a title, an episode, the first launch) load there instead.
    fn show(self: Rc<Self>) {}

    /// Copies the navigator's focus into the screen's view (after every key, when on top).
    fn show_focus(&self, window: &AppWindow, navigator: &Navigator);
}

/// Shows the navigator's state: for adapters whose work finished after the key that asked for
/// it (the screen they draw may be on top by then).
fn redraw(shared: &Shared) {
    if let Some(screens) = shared.screens() {
        screens.show_navigation();
    }
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

#[cfg(test)]
mod tests {
    use anyhow::Context;

    /// Every `ScreenKind` has its view in the window: a kind without its `if` line in
    /// `app.slint` compiles fine and shows an empty window.
    #[test]
    fn every_screen_kind_has_a_view_in_the_window() -> anyhow::Result<()> {
        let read = |name: &str| {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui").join(name);
            std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))
        };
        let (types, window) = (read("ui.slint")?, read("app.slint")?);
        let kinds = types
            .split("export enum ScreenKind {")
            .nth(1)
            .and_then(|rest| rest.split('}').next())
            .context("ui.slint declares ScreenKind")?;
        let kinds: Vec<&str> =
            kinds.split(',').map(str::trim).filter(|kind| !kind.is_empty()).collect();
        assert!(kinds.len() >= 9, "{kinds:?}");
        for kind in kinds {
            let view = format!("if Shell.screen == ScreenKind.{kind}:");
            assert!(window.contains(&view), "app.slint shows no view for ScreenKind.{kind}");
        }
        Ok(())
    }
}
