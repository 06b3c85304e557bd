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
mod player;
mod pointer;
mod schedule;
mod search;
mod title;
mod welcome;

use getanime_domain::{
    BrowseFacets, BrowseFilter, BrowseMode, BrowseQuery, CatalogFilters, FilterOption, TitleId,
};

pub use about::AboutState;
pub use home::HeaderButton;
pub use keyboard::{KeyCap, Keyboard, KeyboardLayout};
pub use menu::MenuRow;
pub use pointer::Pointed;
pub use title::{TitleButton, next_rating};

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
            Screen::Sources | Screen::Settings | Screen::Profiles => self.menu.key(key),
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
            Screen::Sources | Screen::Settings | Screen::Profiles => {
                self.menu = menu::MenuState::default()
            }
            Screen::Title(_) => self.title = title::TitleState::default(),
            Screen::About => self.about = about::AboutState::default(),
            Screen::Home | Screen::Schedule | Screen::Player { .. } | Screen::Welcome => {}
        }
        self.stack.push(screen);
    }

    // Home.

    /// The focused home card: (row, column).
    pub fn home_focus(&self) -> (usize, usize) {
        self.home.focus()
    }

    /// How many filled and empty rows lie above the focused home row (the view scrolls by them).
    pub fn home_scroll(&self) -> (usize, usize) {
        self.home.scroll()
    }

    /// New home rows (after a load or a sync); focus stays where it was when it still fits.
    pub fn set_home_rows(&mut self, rows: Vec<Vec<TitleId>>) {
        self.home.set_rows(rows);
    }

    /// The focused button above the home rows (`None`: focus is on the rows).
    pub fn header_focus(&self) -> Option<HeaderButton> {
        self.home.header
    }

    // Search.

    /// The search box's text.
    pub fn query(&self) -> &str {
        &self.search.query
    }

    /// The focused search result (`None` = the search box).
    pub fn result_focus(&self) -> Option<usize> {
        self.search.result()
    }

    /// The search screen's on-screen keyboard, and whether it has the focus.
    pub fn search_keyboard(&self) -> (&Keyboard, bool) {
        (&self.search.keyboard, self.search.focus == search::SearchFocus::Keyboard)
    }

    /// Whether the search box has the focus (typing goes there; the keyboard types too).
    pub fn search_box_focused(&self) -> bool {
        self.search.focus == search::SearchFocus::Box
    }

    /// New search results; focus goes back to the box when they no longer fit.
    pub fn set_results(&mut self, results: Vec<TitleId>) {
        self.search.set_results(results);
    }

    // Browse.

    /// The Browse grid's filters and order.
    pub fn browse_query(&self) -> &BrowseQuery {
        &self.browse.query
    }

    /// The focused Browse card (index into the titles), and the focused filter chip if any.
    pub fn browse_focus(&self) -> (usize, Option<BrowseFilter>) {
        (self.browse.focus, self.browse.filter)
    }

    /// Cards per grid row; the focus stays on the same title.
    pub fn set_browse_columns(&mut self, columns: usize) {
        self.browse.columns = columns.max(1);
    }

    /// The values the Browse filters can take.
    pub fn set_browse_facets(&mut self, facets: BrowseFacets) {
        self.browse.facets = facets;
    }

    /// The titles of the Browse grid, in order; focus goes back to the first.
    pub fn set_browse(&mut self, titles: Vec<TitleId>) {
        self.browse.titles = titles;
        self.browse.focus = 0;
    }

    /// More titles after the grid's (a catalog's next page); the focus stays.
    pub fn extend_browse(&mut self, titles: impl IntoIterator<Item = TitleId>) {
        self.browse.titles.extend(titles);
    }

    /// The library, or the catalog Browse shows with its filters.
    pub fn browse_mode(&self) -> &BrowseMode {
        &self.browse.mode
    }

    /// The chips above the Browse grid, left to right.
    pub fn browse_chips(&self) -> Vec<BrowseFilter> {
        self.browse.mode.chips()
    }

    /// The sources whose whole catalog Browse can show (plugin id, name).
    pub fn set_browse_catalogs(&mut self, catalogs: Vec<FilterOption>) {
        self.browse.catalogs = catalogs;
    }

    /// The filters `plugin_id`'s catalog offers, once it said; ignored when Browse has moved on
    /// to another mode meanwhile.
    pub fn set_catalog_options(&mut self, plugin_id: &str, options: CatalogFilters) {
        if let BrowseMode::Catalog(catalog) = &mut self.browse.mode
            && catalog.source.id == plugin_id
        {
            catalog.options = options;
        }
    }

    // Schedule.

    /// The focused schedule card: (weekday index from Monday, column).
    pub fn week_focus(&self) -> (usize, usize) {
        (self.schedule.row, self.schedule.column)
    }

    /// The week's titles, Monday first; focus goes to the first non-empty day from `today`.
    pub fn set_week(&mut self, week: Vec<Vec<TitleId>>, today: usize) {
        self.schedule.set_week(week, today);
    }

    // Sources and Settings.

    /// The rows of the open menu screen; focus stays where it was when it still fits.
    pub fn set_menu(&mut self, rows: Vec<MenuRow>) {
        self.menu.set_rows(rows);
    }

    /// Moves the menu focus to `button` of `row` (a source just installed), if it exists.
    pub fn set_menu_focus(&mut self, row: usize, button: usize) {
        self.menu.focus_row(row, button);
    }

    /// The focused menu row and button, and whether that button waits for a second Enter.
    pub fn menu_focus(&self) -> (usize, usize, bool) {
        self.menu.focus()
    }

    /// What was typed into the menu text row `row`.
    pub fn menu_text(&self, row: usize) -> &str {
        self.menu.text(row)
    }

    /// The on-screen keyboard of the focused menu text row, when open.
    pub fn menu_keyboard(&self) -> Option<&Keyboard> {
        self.menu.keyboard()
    }

    // Title.

    /// The focused line on the title screen (episodes first, then torrents).
    pub fn episode_focus(&self) -> usize {
        self.title.focus
    }

    /// The focused title button, and whether it waits for a second Enter (`None`: the lines).
    pub fn title_button(&self) -> Option<(TitleButton, bool)> {
        self.title.button.map(|button| (button, self.title.armed))
    }

    /// The open title's episodes; focus goes to `focus` (the one to resume, say).
    pub fn set_episodes(&mut self, episodes: Vec<f64>, focus: usize) {
        self.title.set_episodes(episodes, focus);
    }

    /// The open title's marks as the library has them: each episode's watched flag (in the
    /// order of [`Navigator::set_episodes`]) and the rating; `w` and left/right decide from them.
    pub fn set_title_marks(&mut self, watched: Vec<bool>, rating: Option<u8>) {
        self.title.set_marks(watched, rating);
    }

    /// How many related titles the open title lists after its torrents.
    pub fn set_related(&mut self, count: usize) {
        self.title.related = count;
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

    /// Opens `title` over the screen on top (a related title, once the library has it).
    pub fn open_title(&mut self, title: TitleId) -> Effect {
        self.open(Screen::Title(title));
        Effect::OpenTitle(title)
    }

    /// How many torrents the open title lists after its episodes.
    pub fn set_torrents(&mut self, count: usize) {
        self.title.torrents = count;
    }

    // Player.

    /// The player shows its error panel (`true`) or plays again.
    pub fn set_player_failed(&mut self, failed: bool) {
        self.player.failed = failed;
    }

    /// The episode playing has `tracks` subtitle tracks, `chosen` shown (the picker's rows).
    pub fn set_player_subtitles(&mut self, tracks: usize, chosen: Option<usize>) {
        self.player.set_subtitles(tracks, chosen);
    }

    /// The subtitle picker's focused row (0 is "off"), while it is open.
    pub fn subtitle_picker(&self) -> Option<usize> {
        self.player.picker
    }

    /// The player shows (or hides) its "Skip opening/ending" prompt.
    pub fn set_skip_available(&mut self, available: bool) {
        self.player.skip_available = available;
    }

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

    /// The welcome's focused choice, and whether it is being installed.
    pub fn welcome_focus(&self) -> (usize, bool) {
        (self.welcome.focus, self.welcome.busy)
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

    pub(super) fn ids(range: std::ops::Range<i64>) -> Vec<TitleId> {
        range.map(TitleId).collect()
    }
}
