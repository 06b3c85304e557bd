//! The remote-control logic of the TV UI, without the UI: which screen is open, what has focus,
//! what a key press does. The Slint layer forwards keys here and draws the state it gets back
//! (the todo-mvc controller pattern), so all of it is tested headless.
//!
//! One module per screen holds that screen's state and key handling, with its tests beside it;
//! [`Navigator`] keeps only the screen stack and sends each key to the screen on top. Each screen
//! is on the stack at most once (a title cannot open another title), so a screen's state lives
//! in its own field and Back finds it as it was left.

mod about;
mod browse;
mod home;
mod keyboard;
mod menu;
mod pairing;
mod player;
mod pointer;
mod schedule;
mod search;
mod sign_in;
mod text;
mod title;
mod welcome;

use getanime_domain::TitleId;

pub use about::AboutState;
pub use browse::BrowseState;
pub use home::HeaderButton;
pub use home::HomeState;
pub use keyboard::{KeyCap, Keyboard, KeyboardLayout, Typed};
pub use menu::MenuRow;
pub use menu::MenuState;
pub use pairing::PairingState;
pub use player::PlayerControls;
pub use pointer::Pointed;
pub use schedule::ScheduleState;
pub use search::SearchState;
pub use sign_in::SignInState;
pub use text::FocusedText;
pub use title::TitleState;
pub use title::{TitleButton, next_rating};
pub use welcome::WelcomeState;

/// The keys a remote (or a keyboard) sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Up,
    Down,
    Left,
    Right,
    Enter,
    Back,
    PlayPause,
    SeekForward,
    SeekBackward,
    /// Backspace: erases a character in the search box, goes back elsewhere.
    Erase,
    /// Straight back to the home screen (stopping playback).
    Home,
    /// A remote's "next track": the next episode (in the player).
    NextEpisode,
    /// A remote's "previous track": the episode before (in the player).
    PreviousEpisode,
    /// A remote's menu (context) key: more actions on what has the focus.
    Menu,
    /// A typed character (the search box).
    Char(char),
}

/// The screens, as a stack: Back pops.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Screen {
    Home,
    Search,
    Browse,
    Schedule,
    Sources,
    Settings,
    /// Who is watching: pick, add, rename, remove profiles (a menu screen).
    Profiles,
    Title(TitleId),
    Player {
        title: TitleId,
        episode: f64,
    },
    /// The first launch: no source installed yet.
    Welcome,
    /// What this getanime is: versions, files, licences (Settings → About).
    About,
    /// The profile's accounts at trackers (Profiles → Accounts; a menu screen).
    Accounts,
    /// Signing in to an account: the code to accept elsewhere, or the form (Accounts → Connect).
    SignIn,
    /// Pairing a phone with the phone remote: the code, the QR code, the paired phones
    /// (Settings → Phone remote → Pair).
    Pairing,
}

/// What the UI must do after a key.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Effect {
    /// Nothing beyond redrawing the focus.
    Redraw,
    /// Load and show a title.
    OpenTitle(TitleId),
    /// Open the open title's related title (index into its franchise list): the library's
    /// title for it is found or made first ([`Navigator::open_title`] then).
    OpenRelated {
        title: TitleId,
        related: usize,
    },
    /// Start playing an episode.
    Play {
        title: TitleId,
        episode: f64,
    },
    /// Store the title's rating (the title screen's left/right stepped it; `None` clears it).
    Rate {
        title: TitleId,
        score: Option<u8>,
    },
    /// Leave the player (save the position, stop).
    StopPlayback,
    /// Jump past the opening or ending the player is in.
    Skip,
    /// Switch the player to the next quality the episode has.
    CycleQuality,
    /// Show the episode's next subtitle track (or none), and remember the choice.
    CycleSubtitles,
    /// Show this subtitle track (an index into the episode's), or none: the picker's choice.
    ChooseSubtitle(Option<usize>),
    PlayPause,
    SeekBy(i64),
    /// Louder, quieter, mute.
    Volume(crate::VolumeChange),
    /// Load what `Screen` shows (it opened, or what it shows changed: a Browse filter).
    Show(Screen),
    /// A menu row's value steps forward or back (a setting's choices).
    MenuChange {
        row: usize,
        forward: bool,
    },
    /// A menu button is pressed (confirmed first when it asks to be).
    MenuPress {
        row: usize,
        button: usize,
    },
    /// The first Enter in a menu text row: the screen shows what the second Enter would do.
    MenuAsk {
        row: usize,
    },
    /// A typed character or Backspace changed a menu text row (see [`Navigator::menu_text`]).
    MenuText {
        row: usize,
    },
    /// Mark an episode watched or not (the title screen's `w` flipped the focused one's mark).
    SetWatched {
        title: TitleId,
        episode: f64,
        watched: bool,
    },
    /// The title's list button: the next list, or undo the app's own move
    /// ([`crate::App::step_list`]).
    StepList {
        title: TitleId,
    },
    ToggleFavorite {
        title: TitleId,
    },
    /// Keep the title off the profile's accounts, or let it sync again.
    ToggleSync {
        title: TitleId,
    },
    HideFromContinue {
        title: TitleId,
    },
    /// Forget the title's watched marks (confirmed already).
    ResetWatched {
        title: TitleId,
    },
    /// Mark every episode up to the focused one watched (the menu key).
    MarkWatchedThrough {
        title: TitleId,
        episode: f64,
    },
    /// Put the focused torrent's magnet link on the clipboard.
    CopyMagnet {
        title: TitleId,
        torrent: usize,
    },
    /// The search box changed: show matching library titles.
    SearchLibrary,
    /// Enter in the search box: ask the sources too.
    SearchSources,
    /// The welcome screen's choice (an index into what it lists): install it and sync.
    WelcomeChoose(usize),
    /// A button of the sign-in screen (an index into what it shows).
    SignInChoose(usize),
    /// Back on the sign-in screen: it gives up (a token already handed over is forgotten).
    SignInCancel,
    /// Done on the sign-in screen's keyboard: the typed code goes to the account.
    SignInSubmit,
    /// Forget the paired phone listed at this index (pairing screen).
    ForgetPhone(usize),
    /// Back on the pairing screen: the pairing window closes.
    PairingClose,
    /// Back on the home screen: the app quits.
    Quit,
}

/// Seek step of the left/right keys in the player.
pub const SEEK_STEP_MS: i64 = 10_000;

/// What a screen's key handler asks of the screen stack.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Move {
    Stay,
    Back,
    Open(Screen),
}

/// A screen's answer to a key: the effect for the UI, and the move on the stack.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Outcome {
    effect: Effect,
    movement: Move,
}

impl Outcome {
    fn stay(effect: Effect) -> Outcome {
        Outcome { effect, movement: Move::Stay }
    }

    fn back(effect: Effect) -> Outcome {
        Outcome { effect, movement: Move::Back }
    }

    fn open(screen: Screen, effect: Effect) -> Outcome {
        Outcome { effect, movement: Move::Open(screen) }
    }

    /// Opens the title under the focus, if there is one.
    fn open_title(title: Option<TitleId>) -> Outcome {
        match title {
            Some(title) => Outcome::open(Screen::Title(title), Effect::OpenTitle(title)),
            None => Outcome::stay(Effect::Redraw),
        }
    }
}

/// The screen stack, and each screen's state.
#[derive(Debug, Clone, PartialEq)]
pub struct Navigator {
    stack: Vec<Screen>,
    home: home::HomeState,
    search: search::SearchState,
    browse: browse::BrowseState,
    schedule: schedule::ScheduleState,
    menu: menu::MenuState,
    title: title::TitleState,
    player: player::PlayerControls,
    welcome: welcome::WelcomeState,
    about: about::AboutState,
    sign_in: sign_in::SignInState,
    pairing: pairing::PairingState,
}

impl Default for Navigator {
    fn default() -> Navigator {
        Navigator::new()
    }
}

impl Navigator {
    pub fn new() -> Navigator {
        Navigator {
            stack: vec![Screen::Home],
            home: home::HomeState::default(),
            search: search::SearchState::default(),
            browse: browse::BrowseState::default(),
            schedule: schedule::ScheduleState::default(),
            menu: menu::MenuState::default(),
            title: title::TitleState::default(),
            player: player::PlayerControls::default(),
            welcome: welcome::WelcomeState::default(),
            about: about::AboutState::default(),
            sign_in: sign_in::SignInState::default(),
            pairing: pairing::PairingState::default(),
        }
    }

    pub fn screen(&self) -> Screen {
        self.stack.last().copied().unwrap_or(Screen::Home)
    }

    pub fn key(&mut self, key: Key) -> Effect {
        if key == Key::Home {
            let was_playing =
                self.stack.iter().any(|screen| matches!(screen, Screen::Player { .. }));
            let rows_reload = self.stack.len() > 1;
            self.stack.truncate(1);
            self.home.go_to_top(rows_reload);
            return if was_playing { Effect::StopPlayback } else { Effect::Redraw };
        }
        let outcome = match self.screen() {
            Screen::Home if matches!(key, Key::Char('/')) => {
                Outcome::open(Screen::Search, Effect::SearchLibrary)
            }
            Screen::Home => self.home.key(key),
            Screen::Search => self.search.key(key),
            Screen::Browse => self.browse.key(key),
            Screen::Schedule => self.schedule.key(key),
            Screen::Sources | Screen::Settings | Screen::Profiles | Screen::Accounts => {
                self.menu.key(key)
            }
            Screen::Title(title) => self.title.key(title, key),
            Screen::Player { title, episode }
                if matches!(key, Key::NextEpisode | Key::PreviousEpisode) =>
            {
                match self.title.neighbour(episode, key == Key::NextEpisode) {
                    Some(next) => {
                        self.replace_player_episode(next);
                        Outcome::stay(Effect::Play { title, episode: next })
                    }
                    None => Outcome::stay(Effect::Redraw),
                }
            }
            Screen::Player { title, episode } => self.player.key(title, episode, key),
            Screen::Welcome => self.welcome.key(key),
            Screen::About => self.about.key(key),
            Screen::SignIn => self.sign_in.key(key),
            Screen::Pairing => self.pairing.key(key),
        };
        match outcome.movement {
            Move::Stay => {}
            Move::Back => {
                self.stack.pop();
            }
            Move::Open(screen) => self.open(screen),
        }
        outcome.effect
    }

    /// Pushes `screen`, fresh where a screen starts over each time it opens.
    fn open(&mut self, screen: Screen) {
        self.home.header = None;
        match screen {
            Screen::Search => self.search.reset_focus(),
            Screen::Browse => self.browse.filter = None,
            Screen::Sources | Screen::Settings | Screen::Profiles | Screen::Accounts => {
                self.menu = menu::MenuState::default()
            }
            Screen::Title(_) => self.title = title::TitleState::default(),
            Screen::About => self.about = about::AboutState::default(),
            Screen::SignIn => self.sign_in = sign_in::SignInState::default(),
            Screen::Pairing => self.pairing = pairing::PairingState::default(),
            Screen::Home | Screen::Schedule | Screen::Player { .. } | Screen::Welcome => {}
        }
        self.stack.push(screen);
    }

    // Each screen's state: read it to draw the screen, change it when its data arrives.

    pub fn home(&self) -> &HomeState {
        &self.home
    }

    pub fn sign_in(&self) -> &SignInState {
        &self.sign_in
    }

    pub fn sign_in_mut(&mut self) -> &mut SignInState {
        &mut self.sign_in
    }

    pub fn pairing(&self) -> &PairingState {
        &self.pairing
    }

    pub fn pairing_mut(&mut self) -> &mut PairingState {
        &mut self.pairing
    }

    pub fn home_mut(&mut self) -> &mut HomeState {
        &mut self.home
    }

    pub fn search(&self) -> &SearchState {
        &self.search
    }

    pub fn search_mut(&mut self) -> &mut SearchState {
        &mut self.search
    }

    pub fn browse(&self) -> &BrowseState {
        &self.browse
    }

    pub fn browse_mut(&mut self) -> &mut BrowseState {
        &mut self.browse
    }

    pub fn schedule(&self) -> &ScheduleState {
        &self.schedule
    }

    pub fn schedule_mut(&mut self) -> &mut ScheduleState {
        &mut self.schedule
    }

    pub fn menu(&self) -> &MenuState {
        &self.menu
    }

    pub fn menu_mut(&mut self) -> &mut MenuState {
        &mut self.menu
    }

    pub fn title(&self) -> &TitleState {
        &self.title
    }

    pub fn title_mut(&mut self) -> &mut TitleState {
        &mut self.title
    }

    pub fn player(&self) -> &PlayerControls {
        &self.player
    }

    pub fn player_mut(&mut self) -> &mut PlayerControls {
        &mut self.player
    }

    pub fn welcome(&self) -> &WelcomeState {
        &self.welcome
    }

    /// Opens `screen` over the one on top (a menu button that leads to another screen).
    pub fn open_screen(&mut self, screen: Screen) -> Effect {
        self.open(screen);
        Effect::Show(screen)
    }

    /// The About screen's state.
    pub fn about(&self) -> &AboutState {
        &self.about
    }

    pub fn about_mut(&mut self) -> &mut AboutState {
        &mut self.about
    }

    /// Plays `episode` of `title` as if chosen on its title screen ("play on TV" from a phone):
    /// a player already on top gives way, the title screen comes under the new one.
    pub fn open_player(&mut self, title: TitleId, episode: f64) -> Effect {
        if matches!(self.screen(), Screen::Player { .. }) {
            self.stack.pop();
        }
        if self.screen() != Screen::Title(title) {
            self.open(Screen::Title(title));
        }
        self.open(Screen::Player { title, episode });
        Effect::Play { title, episode }
    }

    /// Opens `title` over the screen on top (a related title, once the library has it).
    pub fn open_title(&mut self, title: TitleId) -> Effect {
        self.open(Screen::Title(title));
        Effect::OpenTitle(title)
    }

    // Player.

    /// Opens the welcome screen over Home (the first launch) with this many choices.
    pub fn show_welcome(&mut self, choices: usize) {
        if self.stack == [Screen::Home] {
            self.welcome = welcome::WelcomeState { choices, ..welcome::WelcomeState::default() };
            self.stack.push(Screen::Welcome);
        }
    }

    /// Opens the profile picker over Home (a start with more than one profile).
    pub fn show_profile_picker(&mut self) {
        if self.stack == [Screen::Home] {
            self.open(Screen::Profiles);
        }
    }

    /// A profile was chosen: back to Home, at the top of the new profile's rows.
    pub fn profile_switched(&mut self) {
        self.stack.truncate(1);
        self.home = home::HomeState::default();
    }

    /// The chosen source was installed and synced (then Home shows), or it failed (choose again).
    pub fn welcome_finished(&mut self, landed: bool) {
        self.welcome.busy = false;
        if landed && self.screen() == Screen::Welcome {
            self.stack.pop();
            // The rows coming in take the focus (the empty home had put it on Sources).
            self.home.header = None;
        }
    }

    /// The player reached the end and moves on to `episode` (auto-play next).
    pub fn replace_player_episode(&mut self, episode: f64) {
        if let Some(Screen::Player { episode: current, .. }) = self.stack.last_mut() {
            *current = episode;
        }
    }
}

/// The next row above or below `from` that has cards (empty rows are skipped); `None` at the edge.
fn next_filled_row(rows: &[Vec<TitleId>], from: usize, down: bool) -> Option<usize> {
    if down {
        (from + 1..rows.len()).find(|row| !rows[*row].is_empty())
    } else {
        (0..from).rev().find(|row| !rows[*row].is_empty())
    }
}

/// Helpers the screens' tests share.
#[cfg(test)]
mod testing {
    pub(super) use super::*;
    pub(super) use getanime_domain::{BrowseFacets, BrowseFilter};

    pub(super) fn ids(range: std::ops::Range<i64>) -> Vec<TitleId> {
        range.map(TitleId).collect()
    }
}
