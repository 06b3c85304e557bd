//! The remote-control logic of the TV UI, without the UI: which screen is open, what has focus,
//! what a key press does. The Slint layer forwards keys here and draws the state it gets back
//! (the todo-mvc controller pattern), so all of it is tested headless.

use getanime_domain::{BrowseFacets, BrowseFilter, BrowseQuery, TitleId};

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
    Title(TitleId),
    Player { title: TitleId, episode: f64 },
}

/// What the UI must do after a key.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Effect {
    /// Nothing beyond redrawing the focus.
    Redraw,
    /// Load and show a title.
    OpenTitle(TitleId),
    /// Start playing an episode.
    Play {
        title: TitleId,
        episode: f64,
    },
    /// Raise (+1) or lower (-1) the title's rating (the title screen's left/right).
    Rate {
        title: TitleId,
        delta: i8,
    },
    /// Leave the player (save the position, stop).
    StopPlayback,
    /// Jump past the opening or ending the player is in.
    Skip,
    /// Switch the player to the next quality the episode has.
    CycleQuality,
    PlayPause,
    SeekBy(i64),
    /// Load the week's schedule.
    ShowSchedule,
    /// Load the Browse grid for [`Navigator::browse_query`] (opened, or a filter changed).
    ShowBrowse,
    /// Load the installed sources and the plugin index.
    ShowSources,
    /// Load the settings.
    ShowSettings,
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
    /// Mark the focused episode watched or not (the title screen's `w`).
    ToggleWatched {
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
    /// Back on the home screen: the app quits.
    Quit,
}

/// Seek step of the left/right keys in the player.
pub const SEEK_STEP_MS: i64 = 10_000;

/// The buttons above the home rows, left to right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderButton {
    Search,
    Browse,
    Schedule,
    Sources,
    Settings,
}

impl HeaderButton {
    pub const ALL: [HeaderButton; 5] = [
        HeaderButton::Search,
        HeaderButton::Browse,
        HeaderButton::Schedule,
        HeaderButton::Sources,
        HeaderButton::Settings,
    ];
}

/// What a row of a menu screen (Sources, Settings) does with keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MenuRow {
    /// Shown, focusable, does nothing.
    Info,
    /// A value: left/right (and Enter) step it.
    Choice,
    /// Buttons side by side: left/right pick one, Enter presses it. `true` marks a button that
    /// destroys or replaces something: its first Enter only asks, the second does it.
    Buttons(Vec<bool>),
    /// A text field: typing edits it, Enter submits (and asks first, as a confirming button).
    Text,
}

/// Focus and confirmation state of a menu screen.
#[derive(Debug, Clone, PartialEq, Default)]
struct Menu {
    rows: Vec<MenuRow>,
    row: usize,
    button: usize,
    /// The button that asked "press Enter again" (row, button).
    armed: Option<(usize, usize)>,
    /// Text typed into `Text` rows, by row.
    texts: std::collections::BTreeMap<usize, String>,
}

/// Screen stack and focus.
#[derive(Debug, Clone, PartialEq)]
pub struct Navigator {
    stack: Vec<Screen>,
    /// Title ids of each home row, top to bottom (empty rows included, skipped by focus).
    rows: Vec<Vec<TitleId>>,
    row: usize,
    columns: Vec<usize>,
    /// Episode numbers of the open title.
    episodes: Vec<f64>,
    episode: usize,
    /// The focused button above the home rows, if focus is up there.
    header: Option<HeaderButton>,
    /// The schedule screen: titles per weekday (Monday first) and the focus.
    week: Vec<Vec<TitleId>>,
    week_row: usize,
    week_column: usize,
    /// The search screen: the query, the results, the focused result (`None` = the box).
    query: String,
    results: Vec<TitleId>,
    result: Option<usize>,
    /// The Browse grid: its query, the values its filters can take, the titles, the focus.
    browse_query: BrowseQuery,
    browse_facets: BrowseFacets,
    browse: Vec<TitleId>,
    browse_focus: usize,
    /// Cards per grid row (the view's width decides).
    browse_columns: usize,
    /// The focused filter chip, when focus is on the filter bar.
    browse_filter: Option<BrowseFilter>,
    /// The torrents of the open title (listed after its episodes).
    torrents: usize,
    menu: Menu,
    /// The player shows its skip prompt.
    skip_available: bool,
    /// The player shows its error panel.
    player_failed: bool,
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
            rows: Vec::new(),
            row: 0,
            columns: Vec::new(),
            episodes: Vec::new(),
            episode: 0,
            header: None,
            week: Vec::new(),
            week_row: 0,
            week_column: 0,
            query: String::new(),
            results: Vec::new(),
            result: None,
            browse_query: BrowseQuery::default(),
            browse_facets: BrowseFacets::default(),
            browse: Vec::new(),
            browse_focus: 0,
            browse_columns: 1,
            browse_filter: None,
            torrents: 0,
            menu: Menu::default(),
            skip_available: false,
            player_failed: false,
        }
    }

    pub fn screen(&self) -> Screen {
        self.stack.last().copied().unwrap_or(Screen::Home)
    }

    /// The focused home card: (row, column).
    pub fn home_focus(&self) -> (usize, usize) {
        (self.row, self.columns.get(self.row).copied().unwrap_or(0))
    }

    /// The focused episode on the title screen.
    pub fn episode_focus(&self) -> usize {
        self.episode
    }

    /// New home rows (after a load or a sync); focus stays where it was when it still fits.
    pub fn set_home_rows(&mut self, rows: Vec<Vec<TitleId>>) {
        self.columns.resize(rows.len(), 0);
        for (column, row) in self.columns.iter_mut().zip(&rows) {
            *column = (*column).min(row.len().saturating_sub(1));
        }
        self.rows = rows;
        if self.rows.get(self.row).is_none_or(Vec::is_empty) {
            self.row = self.rows.iter().position(|row| !row.is_empty()).unwrap_or(0);
        }
    }

    /// The open title's episodes; focus goes to `focus` (the one to resume, say).
    pub fn set_episodes(&mut self, episodes: Vec<f64>, focus: usize) {
        self.episode = focus.min(episodes.len().saturating_sub(1));
        self.episodes = episodes;
    }

    /// The focused button above the home rows (`None`: focus is on the rows).
    pub fn header_focus(&self) -> Option<HeaderButton> {
        self.header
    }

    /// The Browse grid's filters and order.
    pub fn browse_query(&self) -> &BrowseQuery {
        &self.browse_query
    }

    /// The focused Browse card (index into the titles), and the focused filter chip if any.
    pub fn browse_focus(&self) -> (usize, Option<BrowseFilter>) {
        (self.browse_focus, self.browse_filter)
    }

    /// Cards per grid row; the focus stays on the same title.
    pub fn set_browse_columns(&mut self, columns: usize) {
        self.browse_columns = columns.max(1);
    }

    /// The values the Browse filters can take.
    pub fn set_browse_facets(&mut self, facets: BrowseFacets) {
        self.browse_facets = facets;
    }

    /// The titles of the Browse grid, in order; focus goes back to the first.
    pub fn set_browse(&mut self, titles: Vec<TitleId>) {
        self.browse = titles;
        self.browse_focus = 0;
    }

    /// How many torrents the open title lists after its episodes.
    pub fn set_torrents(&mut self, count: usize) {
        self.torrents = count;
    }

    /// The rows of the open menu screen; focus stays where it was when it still fits.
    pub fn set_menu(&mut self, rows: Vec<MenuRow>) {
        self.menu.row = self.menu.row.min(rows.len().saturating_sub(1));
        self.menu.button = 0;
        self.menu.armed = None;
        self.menu.rows = rows;
    }

    /// The focused menu row and button, and whether that button waits for a second Enter.
    pub fn menu_focus(&self) -> (usize, usize, bool) {
        let armed = self.menu.armed == Some((self.menu.row, self.menu.button));
        (self.menu.row, self.menu.button, armed)
    }

    /// What was typed into the menu text row `row`.
    pub fn menu_text(&self, row: usize) -> &str {
        self.menu.texts.get(&row).map_or("", String::as_str)
    }

    /// The focused schedule card: (weekday index from Monday, column).
    pub fn week_focus(&self) -> (usize, usize) {
        (self.week_row, self.week_column)
    }

    /// The week's titles, Monday first; focus goes to the first non-empty day from `today`.
    pub fn set_week(&mut self, week: Vec<Vec<TitleId>>, today: usize) {
        let start = today.min(week.len().saturating_sub(1));
        self.week_row =
            (start..week.len()).chain(0..start).find(|day| !week[*day].is_empty()).unwrap_or(start);
        self.week_column = 0;
        self.week = week;
    }

    /// The search box's text.
    pub fn query(&self) -> &str {
        &self.query
    }

    /// The focused search result (`None` = the search box).
    pub fn result_focus(&self) -> Option<usize> {
        self.result
    }

    /// New search results; focus goes back to the box when they no longer fit.
    pub fn set_results(&mut self, results: Vec<TitleId>) {
        if self.result.is_some_and(|index| index >= results.len()) {
            self.result = None;
        }
        self.results = results;
    }

    pub fn key(&mut self, key: Key) -> Effect {
        if key == Key::Home {
            let was_playing =
                self.stack.iter().any(|screen| matches!(screen, Screen::Player { .. }));
            self.stack.truncate(1);
            self.header = None;
            return if was_playing { Effect::StopPlayback } else { Effect::Redraw };
        }
        match self.screen() {
            Screen::Home if matches!(key, Key::Char('/')) => self.open_search(),
            Screen::Home if self.header.is_some() => self.header_key(key),
            Screen::Home => self.home_key(key),
            Screen::Search => self.search_key(key),
            Screen::Browse => self.browse_key(key),
            Screen::Schedule => self.schedule_key(key),
            Screen::Sources | Screen::Settings => self.menu_key(key),
            Screen::Title(title) => self.title_key(title, key),
            Screen::Player { .. } => self.player_key(key),
        }
    }

    fn open_search(&mut self) -> Effect {
        self.header = None;
        self.stack.push(Screen::Search);
        self.result = None;
        Effect::SearchLibrary
    }

    /// The buttons above the rows: Search, Browse, Schedule, Sources, Settings.
    fn header_key(&mut self, key: Key) -> Effect {
        let Some(button) = self.header else { return Effect::Redraw };
        let at = HeaderButton::ALL.iter().position(|candidate| *candidate == button).unwrap_or(0);
        match key {
            Key::Enter => {
                let (screen, effect) = match button {
                    HeaderButton::Search => return self.open_search(),
                    HeaderButton::Browse => {
                        self.browse_filter = None;
                        (Screen::Browse, Effect::ShowBrowse)
                    }
                    HeaderButton::Schedule => (Screen::Schedule, Effect::ShowSchedule),
                    HeaderButton::Sources => (Screen::Sources, Effect::ShowSources),
                    HeaderButton::Settings => (Screen::Settings, Effect::ShowSettings),
                };
                if matches!(screen, Screen::Sources | Screen::Settings) {
                    self.menu = Menu::default();
                }
                self.header = None;
                self.stack.push(screen);
                effect
            }
            Key::Right => {
                self.header = Some(HeaderButton::ALL[(at + 1).min(HeaderButton::ALL.len() - 1)]);
                Effect::Redraw
            }
            Key::Left => {
                self.header = Some(HeaderButton::ALL[at.saturating_sub(1)]);
                Effect::Redraw
            }
            Key::Down => {
                self.header = None;
                Effect::Redraw
            }
            Key::Back | Key::Erase => Effect::Quit,
            _ => Effect::Redraw,
        }
    }

    fn browse_key(&mut self, key: Key) -> Effect {
        let columns = self.browse_columns;
        if let Some(filter) = self.browse_filter {
            let at =
                BrowseFilter::ALL.iter().position(|candidate| *candidate == filter).unwrap_or(0);
            return match key {
                Key::Left => {
                    self.browse_filter = Some(BrowseFilter::ALL[at.saturating_sub(1)]);
                    Effect::Redraw
                }
                Key::Right => {
                    self.browse_filter =
                        Some(BrowseFilter::ALL[(at + 1).min(BrowseFilter::ALL.len() - 1)]);
                    Effect::Redraw
                }
                Key::Enter | Key::Up => {
                    self.browse_query.cycle(filter, key == Key::Enter, &self.browse_facets);
                    Effect::ShowBrowse
                }
                Key::Down if !self.browse.is_empty() => {
                    self.browse_filter = None;
                    Effect::Redraw
                }
                Key::Back | Key::Erase => {
                    self.stack.pop();
                    Effect::Redraw
                }
                _ => Effect::Redraw,
            };
        }
        let last = self.browse.len().saturating_sub(1);
        match key {
            Key::Up if self.browse_focus < columns => {
                self.browse_filter = Some(BrowseFilter::Sort);
                Effect::Redraw
            }
            Key::Up => {
                self.browse_focus -= columns;
                Effect::Redraw
            }
            Key::Down => {
                // The last row may be short: Down from above it lands on its last card.
                if self.browse_focus / columns < last / columns {
                    self.browse_focus = (self.browse_focus + columns).min(last);
                }
                Effect::Redraw
            }
            Key::Left if !self.browse_focus.is_multiple_of(columns) => {
                self.browse_focus -= 1;
                Effect::Redraw
            }
            Key::Right if self.browse_focus % columns + 1 < columns => {
                self.browse_focus = (self.browse_focus + 1).min(last);
                Effect::Redraw
            }
            Key::Enter => self.open_title(self.browse.get(self.browse_focus).copied()),
            Key::Back | Key::Erase => {
                self.stack.pop();
                Effect::Redraw
            }
            _ => Effect::Redraw,
        }
    }

    fn menu_key(&mut self, key: Key) -> Effect {
        let row = self.menu.row;
        let kind = self.menu.rows.get(row).cloned().unwrap_or(MenuRow::Info);
        let armed = self.menu.armed.take();
        match (kind, key) {
            (_, Key::Up) => {
                self.menu.row = row.saturating_sub(1);
                self.menu.button = 0;
                Effect::Redraw
            }
            (_, Key::Down) => {
                self.menu.row = (row + 1).min(self.menu.rows.len().saturating_sub(1));
                self.menu.button = 0;
                Effect::Redraw
            }
            (MenuRow::Text, Key::Char(character)) if !character.is_control() => {
                self.menu.texts.entry(row).or_default().push(character);
                Effect::MenuText { row }
            }
            (MenuRow::Text, Key::Erase) if !self.menu_text(row).is_empty() => {
                self.menu.texts.entry(row).or_default().pop();
                Effect::MenuText { row }
            }
            (MenuRow::Text, Key::Enter) if !self.menu_text(row).trim().is_empty() => {
                if armed == Some((row, 0)) {
                    Effect::MenuPress { row, button: 0 }
                } else {
                    self.menu.armed = Some((row, 0));
                    Effect::MenuAsk { row }
                }
            }
            (MenuRow::Choice, Key::Left | Key::Right | Key::Enter) => {
                Effect::MenuChange { row, forward: key != Key::Left }
            }
            (MenuRow::Buttons(_), Key::Left) => {
                self.menu.button = self.menu.button.saturating_sub(1);
                Effect::Redraw
            }
            (MenuRow::Buttons(buttons), Key::Right) => {
                self.menu.button = (self.menu.button + 1).min(buttons.len().saturating_sub(1));
                Effect::Redraw
            }
            (MenuRow::Buttons(buttons), Key::Enter) => {
                let button = self.menu.button;
                match buttons.get(button) {
                    Some(true) if armed != Some((row, button)) => {
                        self.menu.armed = Some((row, button));
                        Effect::Redraw
                    }
                    Some(_) => Effect::MenuPress { row, button },
                    None => Effect::Redraw,
                }
            }
            (_, Key::Back | Key::Erase) if armed.is_some() => Effect::Redraw,
            (_, Key::Back | Key::Erase) => {
                self.stack.pop();
                Effect::Redraw
            }
            _ => Effect::Redraw,
        }
    }

    fn schedule_key(&mut self, key: Key) -> Effect {
        let length = |day: usize, week: &[Vec<TitleId>]| week.get(day).map_or(0, Vec::len);
        match key {
            Key::Up | Key::Down => {
                if let Some(day) = next_filled_row(&self.week, self.week_row, key == Key::Down) {
                    self.week_row = day;
                    self.week_column =
                        self.week_column.min(length(day, &self.week).saturating_sub(1));
                }
                Effect::Redraw
            }
            Key::Left => {
                self.week_column = self.week_column.saturating_sub(1);
                Effect::Redraw
            }
            Key::Right => {
                self.week_column =
                    (self.week_column + 1).min(length(self.week_row, &self.week).saturating_sub(1));
                Effect::Redraw
            }
            Key::Enter => self.open_title(
                self.week.get(self.week_row).and_then(|day| day.get(self.week_column)).copied(),
            ),
            Key::Back | Key::Erase => {
                self.stack.pop();
                Effect::Redraw
            }
            _ => Effect::Redraw,
        }
    }

    fn search_key(&mut self, key: Key) -> Effect {
        match (self.result, key) {
            (None, Key::Char(character)) if !character.is_control() => {
                self.query.push(character);
                Effect::SearchLibrary
            }
            (None, Key::Erase) if !self.query.is_empty() => {
                self.query.pop();
                Effect::SearchLibrary
            }
            (None, Key::Enter) if !self.query.trim().is_empty() => Effect::SearchSources,
            (None, Key::Down) if !self.results.is_empty() => {
                self.result = Some(0);
                Effect::Redraw
            }
            (Some(_), Key::Up) => {
                self.result = None;
                Effect::Redraw
            }
            (Some(index), Key::Left) => {
                self.result = Some(index.saturating_sub(1));
                Effect::Redraw
            }
            (Some(index), Key::Right) => {
                self.result = Some((index + 1).min(self.results.len().saturating_sub(1)));
                Effect::Redraw
            }
            (Some(index), Key::Enter) => self.open_title(self.results.get(index).copied()),
            (_, Key::Back | Key::Erase) => {
                self.stack.pop();
                Effect::Redraw
            }
            _ => Effect::Redraw,
        }
    }

    fn home_key(&mut self, key: Key) -> Effect {
        match key {
            Key::Up
                if self
                    .rows
                    .get(..self.row)
                    .is_none_or(|above| above.iter().all(Vec::is_empty)) =>
            {
                self.header = Some(HeaderButton::Search);
                Effect::Redraw
            }
            Key::Up | Key::Down => {
                if let Some(row) = next_filled_row(&self.rows, self.row, key == Key::Down) {
                    self.row = row;
                }
                Effect::Redraw
            }
            Key::Left | Key::Right => {
                let length = self.rows.get(self.row).map_or(0, Vec::len);
                if let Some(column) = self.columns.get_mut(self.row) {
                    *column = if key == Key::Right {
                        (*column + 1).min(length.saturating_sub(1))
                    } else {
                        column.saturating_sub(1)
                    };
                }
                Effect::Redraw
            }
            Key::Enter => {
                let (row, column) = self.home_focus();
                self.open_title(self.rows.get(row).and_then(|row| row.get(column)).copied())
            }
            Key::Back | Key::Erase => Effect::Quit,
            _ => Effect::Redraw,
        }
    }

    /// Pushes the title screen for `title`, if there is one under the focus.
    fn open_title(&mut self, title: Option<TitleId>) -> Effect {
        let Some(title) = title else { return Effect::Redraw };
        self.stack.push(Screen::Title(title));
        self.episodes.clear();
        self.episode = 0;
        self.torrents = 0;
        Effect::OpenTitle(title)
    }

    fn title_key(&mut self, title: TitleId, key: Key) -> Effect {
        // One list: the episodes, then the torrents.
        let length = self.episodes.len() + self.torrents;
        match key {
            Key::Up => {
                self.episode = self.episode.saturating_sub(1);
                Effect::Redraw
            }
            Key::Down => {
                self.episode = (self.episode + 1).min(length.saturating_sub(1));
                Effect::Redraw
            }
            Key::Enter | Key::PlayPause => match self.episodes.get(self.episode) {
                Some(episode) => {
                    self.stack.push(Screen::Player { title, episode: *episode });
                    Effect::Play { title, episode: *episode }
                }
                None if self.episode < length && key == Key::Enter => {
                    Effect::CopyMagnet { title, torrent: self.episode - self.episodes.len() }
                }
                None => Effect::Redraw,
            },
            Key::Char('w' | 'W') => match self.episodes.get(self.episode) {
                Some(episode) => Effect::ToggleWatched { title, episode: *episode },
                None => Effect::Redraw,
            },
            Key::Right => Effect::Rate { title, delta: 1 },
            Key::Left => Effect::Rate { title, delta: -1 },
            Key::Back | Key::Erase => {
                self.stack.pop();
                Effect::Redraw
            }
            _ => Effect::Redraw,
        }
    }

    fn player_key(&mut self, key: Key) -> Effect {
        match key {
            Key::Back | Key::Erase => {
                self.stack.pop();
                Effect::StopPlayback
            }
            // After a playback error, Enter tries the episode again.
            Key::Enter if self.player_failed => {
                self.player_failed = false;
                match self.screen() {
                    Screen::Player { title, episode } => Effect::Play { title, episode },
                    _ => Effect::Redraw,
                }
            }
            // While "Skip opening/ending" shows, Enter presses it (as on streaming apps).
            Key::Enter if self.skip_available => {
                self.skip_available = false;
                Effect::Skip
            }
            Key::Enter | Key::PlayPause => Effect::PlayPause,
            Key::Right | Key::SeekForward => Effect::SeekBy(SEEK_STEP_MS),
            Key::Left | Key::SeekBackward => Effect::SeekBy(-SEEK_STEP_MS),
            Key::Up => Effect::SeekBy(6 * SEEK_STEP_MS),
            Key::Down => Effect::SeekBy(-6 * SEEK_STEP_MS),
            Key::Char(' ') => Effect::PlayPause,
            Key::Char('q' | 'Q') => Effect::CycleQuality,
            Key::Char(_) | Key::Home => Effect::Redraw,
        }
    }

    /// The player shows its error panel (`true`) or plays again.
    pub fn set_player_failed(&mut self, failed: bool) {
        self.player_failed = failed;
    }

    /// The player shows (or hides) its "Skip opening/ending" prompt.
    pub fn set_skip_available(&mut self, available: bool) {
        self.skip_available = available;
    }

    /// The player reached the end and moves on to `episode` (auto-play next).
    pub fn replace_player_episode(&mut self, episode: f64) {
        if let Some(Screen::Player { episode: current, .. }) = self.stack.last_mut() {
            *current = episode;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(range: std::ops::Range<i64>) -> Vec<TitleId> {
        range.map(TitleId).collect()
    }

    #[test]
    fn home_focus_moves_over_rows_skipping_empty_ones() {
        let mut navigator = Navigator::new();
        navigator.set_home_rows(vec![Vec::new(), ids(1..4), Vec::new(), ids(10..12)]);
        assert_eq!(navigator.home_focus(), (1, 0), "the first non-empty row");
        assert_eq!(navigator.key(Key::Right), Effect::Redraw);
        navigator.key(Key::Right);
        navigator.key(Key::Right);
        assert_eq!(navigator.home_focus(), (1, 2), "stops at the last card");
        navigator.key(Key::Down);
        assert_eq!(
            navigator.home_focus(),
            (3, 0),
            "skips the empty row, each row keeps its column"
        );
        navigator.key(Key::Down);
        assert_eq!(navigator.home_focus(), (3, 0));
        navigator.key(Key::Up);
        assert_eq!(navigator.home_focus(), (1, 2));
        navigator.key(Key::Up);
        assert_eq!(navigator.home_focus(), (1, 2), "nothing above but an empty row");
    }

    #[test]
    fn enter_opens_a_title_then_plays_the_focused_episode_and_back_returns() {
        let mut navigator = Navigator::new();
        navigator.set_home_rows(vec![ids(5..7)]);
        navigator.key(Key::Right);
        assert_eq!(navigator.key(Key::Enter), Effect::OpenTitle(TitleId(6)));
        assert_eq!(navigator.screen(), Screen::Title(TitleId(6)));
        navigator.set_episodes(vec![1.0, 2.0, 2.5], 1);
        assert_eq!(navigator.key(Key::Right), Effect::Rate { title: TitleId(6), delta: 1 });
        assert_eq!(navigator.key(Key::Left), Effect::Rate { title: TitleId(6), delta: -1 });
        navigator.key(Key::Down);
        assert_eq!(navigator.key(Key::Enter), Effect::Play { title: TitleId(6), episode: 2.5 });
        assert_eq!(navigator.key(Key::Right), Effect::SeekBy(SEEK_STEP_MS));
        assert_eq!(navigator.key(Key::Down), Effect::SeekBy(-6 * SEEK_STEP_MS));
        assert_eq!(navigator.key(Key::Enter), Effect::PlayPause);
        navigator.set_skip_available(true);
        assert_eq!(navigator.key(Key::Enter), Effect::Skip, "Enter presses the skip prompt");
        assert_eq!(navigator.key(Key::Enter), Effect::PlayPause, "once");
        assert_eq!(navigator.key(Key::Char('q')), Effect::CycleQuality);
        navigator.set_player_failed(true);
        assert_eq!(
            navigator.key(Key::Enter),
            Effect::Play { title: TitleId(6), episode: 2.5 },
            "Enter on the error panel tries again"
        );
        assert_eq!(navigator.key(Key::Back), Effect::StopPlayback);
        assert_eq!(navigator.screen(), Screen::Title(TitleId(6)));
        navigator.key(Key::Back);
        assert_eq!(navigator.screen(), Screen::Home);
        assert_eq!(navigator.home_focus(), (0, 1), "focus is where it was");
        assert_eq!(navigator.key(Key::Back), Effect::Quit);
    }

    #[test]
    fn search_is_above_the_rows_and_typing_filters() {
        let mut navigator = Navigator::new();
        navigator.set_home_rows(vec![Vec::new(), ids(1..3)]);
        assert_eq!(navigator.key(Key::Up), Effect::Redraw);
        assert_eq!(
            navigator.header_focus(),
            Some(HeaderButton::Search),
            "up from the top row reaches Search"
        );
        assert_eq!(navigator.key(Key::Enter), Effect::SearchLibrary);
        assert_eq!(navigator.screen(), Screen::Search);
        for character in "маг".chars() {
            assert_eq!(navigator.key(Key::Char(character)), Effect::SearchLibrary);
        }
        assert_eq!(navigator.query(), "маг");
        assert_eq!(navigator.key(Key::Erase), Effect::SearchLibrary);
        assert_eq!(navigator.query(), "ма");
        assert_eq!(navigator.key(Key::Enter), Effect::SearchSources);
        navigator.set_results(ids(7..10));
        navigator.key(Key::Down);
        navigator.key(Key::Right);
        assert_eq!(navigator.result_focus(), Some(1));
        assert_eq!(navigator.key(Key::Enter), Effect::OpenTitle(TitleId(8)));
        navigator.key(Key::Back);
        assert_eq!(navigator.screen(), Screen::Search);
        navigator.key(Key::Up);
        assert_eq!(navigator.result_focus(), None);
        navigator.key(Key::Erase);
        navigator.key(Key::Erase);
        assert_eq!(navigator.key(Key::Erase), Effect::Redraw, "an empty box: Backspace goes back");
        assert_eq!(navigator.screen(), Screen::Home);
        assert_eq!(
            navigator.key(Key::Char('/')),
            Effect::SearchLibrary,
            "/ opens search from home"
        );
    }

    #[test]
    fn the_schedule_opens_on_today_and_moves_over_days() {
        let mut navigator = Navigator::new();
        navigator.set_home_rows(vec![ids(1..3)]);
        navigator.key(Key::Up);
        navigator.key(Key::Right);
        navigator.key(Key::Right);
        assert_eq!(navigator.header_focus(), Some(HeaderButton::Schedule));
        assert_eq!(navigator.key(Key::Enter), Effect::ShowSchedule);
        assert_eq!(navigator.screen(), Screen::Schedule);
        let mut week = vec![Vec::new(); 7];
        week[0] = ids(10..12);
        week[3] = ids(20..23);
        navigator.set_week(week, 2);
        assert_eq!(
            navigator.week_focus(),
            (3, 0),
            "today (Wednesday) is empty: the next day with titles"
        );
        navigator.key(Key::Right);
        navigator.key(Key::Right);
        navigator.key(Key::Right);
        assert_eq!(navigator.week_focus(), (3, 2));
        navigator.key(Key::Up);
        assert_eq!(navigator.week_focus(), (0, 1), "skips empty days, keeps the column in range");
        assert_eq!(navigator.key(Key::Enter), Effect::OpenTitle(TitleId(11)));
        navigator.key(Key::Back);
        navigator.key(Key::Back);
        assert_eq!(navigator.screen(), Screen::Home);
    }

    #[test]
    fn empty_screens_do_nothing_on_enter() {
        let mut navigator = Navigator::new();
        assert_eq!(navigator.key(Key::Enter), Effect::Redraw);
        navigator.set_home_rows(vec![ids(1..2)]);
        navigator.key(Key::Enter);
        assert_eq!(
            navigator.key(Key::Enter),
            Effect::Redraw,
            "a title without episodes has nothing to play"
        );
    }

    #[test]
    fn new_rows_keep_the_focus_in_bounds() {
        let mut navigator = Navigator::new();
        navigator.set_home_rows(vec![ids(1..6)]);
        for _ in 0..4 {
            navigator.key(Key::Right);
        }
        navigator.set_home_rows(vec![ids(1..3)]);
        assert_eq!(navigator.home_focus(), (0, 1));
    }

    #[test]
    fn the_header_reaches_every_screen_and_back_returns_home() {
        let mut navigator = Navigator::new();
        navigator.set_home_rows(vec![ids(1..3)]);
        navigator.key(Key::Up);
        for _ in 0..10 {
            navigator.key(Key::Right);
        }
        assert_eq!(navigator.header_focus(), Some(HeaderButton::Settings), "stops at the last");
        assert_eq!(navigator.key(Key::Enter), Effect::ShowSettings);
        assert_eq!(navigator.screen(), Screen::Settings);
        navigator.key(Key::Back);
        assert_eq!(navigator.screen(), Screen::Home);
        assert_eq!(navigator.header_focus(), None, "back lands on the rows");
        navigator.key(Key::Up);
        navigator.key(Key::Right);
        assert_eq!(navigator.key(Key::Enter), Effect::ShowBrowse);
        navigator.key(Key::Back);
        navigator.key(Key::Up);
        for _ in 0..3 {
            navigator.key(Key::Right);
        }
        assert_eq!(navigator.key(Key::Enter), Effect::ShowSources);
        assert_eq!(navigator.screen(), Screen::Sources);
    }

    fn browsing(titles: std::ops::Range<i64>, columns: usize) -> Navigator {
        let mut navigator = Navigator::new();
        navigator.set_home_rows(vec![ids(1..2)]);
        navigator.key(Key::Up);
        navigator.key(Key::Right);
        assert_eq!(navigator.key(Key::Enter), Effect::ShowBrowse);
        navigator.set_browse_columns(columns);
        navigator.set_browse(ids(titles));
        navigator
    }

    #[test]
    fn the_browse_grid_moves_by_cards_and_rows_and_clamps_the_short_last_row() {
        let mut navigator = browsing(0..10, 4);
        navigator.key(Key::Right);
        navigator.key(Key::Down);
        assert_eq!(navigator.browse_focus(), (5, None));
        navigator.key(Key::Down);
        assert_eq!(navigator.browse_focus(), (9, None), "the last row has two cards: its last one");
        navigator.key(Key::Down);
        assert_eq!(navigator.browse_focus(), (9, None));
        navigator.key(Key::Right);
        assert_eq!(navigator.browse_focus(), (9, None), "nothing right of the last title");
        navigator.key(Key::Left);
        navigator.key(Key::Left);
        assert_eq!(navigator.browse_focus(), (8, None), "left stops at the row's first card");
        assert_eq!(navigator.key(Key::Enter), Effect::OpenTitle(TitleId(8)));
        navigator.key(Key::Back);
        assert_eq!(navigator.screen(), Screen::Browse);
        navigator.key(Key::Up);
        navigator.key(Key::Up);
        assert_eq!(navigator.browse_focus(), (0, None));
        navigator.key(Key::Up);
        assert_eq!(navigator.browse_focus(), (0, Some(BrowseFilter::Sort)), "up to the filters");
    }

    #[test]
    fn browse_filters_step_with_enter_and_reload_the_grid() {
        let mut navigator = browsing(0..3, 4);
        navigator.set_browse_facets(BrowseFacets {
            sources: vec!["demo".into()],
            genres: vec!["Драма".into()],
            years: vec![2024],
        });
        navigator.key(Key::Up);
        assert_eq!(navigator.key(Key::Enter), Effect::ShowBrowse);
        assert_eq!(navigator.browse_query().sort, getanime_domain::BrowseSort::Name);
        navigator.key(Key::Right);
        navigator.key(Key::Right);
        assert_eq!(navigator.browse_focus().1, Some(BrowseFilter::Genre));
        assert_eq!(navigator.key(Key::Enter), Effect::ShowBrowse);
        assert_eq!(navigator.browse_query().genre.as_deref(), Some("Драма"));
        navigator.set_browse(Vec::new());
        assert_eq!(
            navigator.key(Key::Down),
            Effect::Redraw,
            "an empty grid keeps focus on the filters"
        );
        assert_eq!(navigator.browse_focus().1, Some(BrowseFilter::Genre));
        navigator.key(Key::Enter);
        assert_eq!(navigator.browse_query().genre, None, "after the last genre: all");
        navigator.set_browse(ids(0..3));
        navigator.key(Key::Down);
        assert_eq!(navigator.browse_focus(), (0, None));
        navigator.key(Key::Back);
        assert_eq!(navigator.screen(), Screen::Home);
    }

    fn settings(rows: Vec<MenuRow>) -> Navigator {
        let mut navigator = Navigator::new();
        navigator.key(Key::Up);
        for _ in 0..4 {
            navigator.key(Key::Right);
        }
        assert_eq!(navigator.key(Key::Enter), Effect::ShowSettings);
        navigator.set_menu(rows);
        navigator
    }

    #[test]
    fn menus_step_choices_press_buttons_and_confirm_destructive_ones() {
        let mut navigator = settings(vec![
            MenuRow::Choice,
            MenuRow::Buttons(vec![false, false, true]),
            MenuRow::Info,
        ]);
        assert_eq!(navigator.key(Key::Right), Effect::MenuChange { row: 0, forward: true });
        assert_eq!(navigator.key(Key::Left), Effect::MenuChange { row: 0, forward: false });
        navigator.key(Key::Down);
        assert_eq!(navigator.key(Key::Enter), Effect::MenuPress { row: 1, button: 0 });
        navigator.key(Key::Right);
        navigator.key(Key::Right);
        navigator.key(Key::Right);
        assert_eq!(navigator.menu_focus(), (1, 2, false));
        assert_eq!(navigator.key(Key::Enter), Effect::Redraw, "the first Enter only asks");
        assert_eq!(navigator.menu_focus(), (1, 2, true));
        assert_eq!(navigator.key(Key::Back), Effect::Redraw, "Back cancels the question");
        assert_eq!(navigator.menu_focus(), (1, 2, false));
        assert_eq!(navigator.screen(), Screen::Settings);
        navigator.key(Key::Enter);
        assert_eq!(navigator.key(Key::Enter), Effect::MenuPress { row: 1, button: 2 });
        navigator.key(Key::Down);
        navigator.key(Key::Down);
        assert_eq!(navigator.menu_focus(), (2, 0, false));
        assert_eq!(navigator.key(Key::Enter), Effect::Redraw);
        navigator.set_menu(vec![MenuRow::Info]);
        assert_eq!(navigator.menu_focus(), (0, 0, false), "focus stays within new rows");
        navigator.key(Key::Back);
        assert_eq!(navigator.screen(), Screen::Home);
    }

    #[test]
    fn menu_text_rows_take_typing_and_ask_before_submitting() {
        let mut navigator = settings(vec![MenuRow::Info, MenuRow::Text]);
        navigator.key(Key::Down);
        assert_eq!(navigator.key(Key::Enter), Effect::Redraw, "nothing typed, nothing to submit");
        for character in "/tmp/x".chars() {
            assert_eq!(navigator.key(Key::Char(character)), Effect::MenuText { row: 1 });
        }
        assert_eq!(navigator.key(Key::Erase), Effect::MenuText { row: 1 });
        assert_eq!(navigator.menu_text(1), "/tmp/");
        assert_eq!(navigator.key(Key::Enter), Effect::MenuAsk { row: 1 });
        assert_eq!(navigator.key(Key::Enter), Effect::MenuPress { row: 1, button: 0 });
        assert_eq!(navigator.key(Key::Enter), Effect::MenuAsk { row: 1 }, "asks again next time");
    }

    #[test]
    fn home_goes_straight_home_and_stops_playback() {
        let mut navigator = Navigator::new();
        navigator.set_home_rows(vec![ids(5..6)]);
        navigator.key(Key::Enter);
        navigator.set_episodes(vec![1.0], 0);
        navigator.key(Key::Enter);
        assert_eq!(navigator.key(Key::Home), Effect::StopPlayback);
        assert_eq!(navigator.screen(), Screen::Home);
        navigator.key(Key::Up);
        navigator.key(Key::Enter);
        assert_eq!(navigator.screen(), Screen::Search);
        assert_eq!(navigator.key(Key::Home), Effect::Redraw);
        assert_eq!(navigator.screen(), Screen::Home);
        assert_eq!(navigator.header_focus(), None);
    }

    #[test]
    fn the_title_list_has_episodes_then_torrents() {
        let mut navigator = Navigator::new();
        navigator.set_home_rows(vec![ids(5..6)]);
        navigator.key(Key::Enter);
        navigator.set_episodes(vec![1.0, 2.0], 0);
        navigator.set_torrents(2);
        assert_eq!(
            navigator.key(Key::Char('w')),
            Effect::ToggleWatched { title: TitleId(5), episode: 1.0 }
        );
        for _ in 0..5 {
            navigator.key(Key::Down);
        }
        assert_eq!(navigator.episode_focus(), 3, "the last torrent");
        assert_eq!(navigator.key(Key::Enter), Effect::CopyMagnet { title: TitleId(5), torrent: 1 });
        assert_eq!(navigator.key(Key::Char('w')), Effect::Redraw, "a torrent has no watched mark");
        assert_eq!(navigator.key(Key::PlayPause), Effect::Redraw);
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

/// The rating after a left/right press: from none, right gives 1; left at 1 clears it.
pub fn next_rating(current: Option<u8>, delta: i8) -> Option<u8> {
    match (current, delta) {
        (None, delta) if delta > 0 => Some(1),
        (None, _) => None,
        (Some(1), delta) if delta < 0 => None,
        (Some(score), delta) => Some((i16::from(score) + i16::from(delta)).clamp(1, 10) as u8),
    }
}

#[cfg(test)]
mod rating_tests {
    use super::next_rating;

    #[test]
    fn ratings_step_within_one_to_ten_and_clear_below_one() {
        assert_eq!(next_rating(None, 1), Some(1));
        assert_eq!(next_rating(None, -1), None);
        assert_eq!(next_rating(Some(7), 1), Some(8));
        assert_eq!(next_rating(Some(10), 1), Some(10));
        assert_eq!(next_rating(Some(2), -1), Some(1));
        assert_eq!(next_rating(Some(1), -1), None);
    }
}
