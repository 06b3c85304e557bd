//! The remote-control logic of the TV UI, without the UI: which screen is open, what has focus,
//! what a key press does. The Slint layer forwards keys here and draws the state it gets back
//! (the todo-mvc controller pattern), so all of it is tested headless.

use getanime_domain::TitleId;

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
    /// A typed character (the search box).
    Char(char),
}

/// The screens, as a stack: Back pops.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Screen {
    Home,
    Search,
    Schedule,
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
    PlayPause,
    SeekBy(i64),
    /// Load the week's schedule.
    ShowSchedule,
    /// The search box changed: show matching library titles.
    SearchLibrary,
    /// Enter in the search box: ask the sources too.
    SearchSources,
    /// Back on the home screen: the app quits.
    Quit,
}

/// Seek step of the left/right keys in the player.
pub const SEEK_STEP_MS: i64 = 10_000;

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
    /// The home screen's "Search" button (above the rows) has focus.
    search_button: bool,
    /// The home screen's "Schedule" button (right of Search) has focus.
    schedule_button: bool,
    /// The schedule screen: titles per weekday (Monday first) and the focus.
    week: Vec<Vec<TitleId>>,
    week_row: usize,
    week_column: usize,
    /// The search screen: the query, the results, the focused result (`None` = the box).
    query: String,
    results: Vec<TitleId>,
    result: Option<usize>,
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
            search_button: false,
            schedule_button: false,
            week: Vec::new(),
            week_row: 0,
            week_column: 0,
            query: String::new(),
            results: Vec::new(),
            result: None,
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

    /// Whether the home screen's Search button has focus.
    pub fn search_button_focused(&self) -> bool {
        self.search_button
    }

    /// Whether the home screen's Schedule button has focus.
    pub fn schedule_button_focused(&self) -> bool {
        self.schedule_button
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
        match self.screen() {
            Screen::Home if self.search_button || self.schedule_button => self.header_key(key),
            Screen::Home if matches!(key, Key::Char('/')) => self.open_search(),
            Screen::Home => self.home_key(key),
            Screen::Search => self.search_key(key),
            Screen::Schedule => self.schedule_key(key),
            Screen::Title(title) => self.title_key(title, key),
            Screen::Player { .. } => self.player_key(key),
        }
    }

    fn open_search(&mut self) -> Effect {
        self.search_button = false;
        self.schedule_button = false;
        self.stack.push(Screen::Search);
        self.result = None;
        Effect::SearchLibrary
    }

    /// The buttons above the rows: Search and Schedule.
    fn header_key(&mut self, key: Key) -> Effect {
        match key {
            Key::Enter if self.search_button => self.open_search(),
            Key::Enter => {
                self.schedule_button = false;
                self.stack.push(Screen::Schedule);
                Effect::ShowSchedule
            }
            Key::Right if self.search_button => {
                self.search_button = false;
                self.schedule_button = true;
                Effect::Redraw
            }
            Key::Left if self.schedule_button => {
                self.schedule_button = false;
                self.search_button = true;
                Effect::Redraw
            }
            Key::Down => {
                self.search_button = false;
                self.schedule_button = false;
                Effect::Redraw
            }
            Key::Back | Key::Erase => Effect::Quit,
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
                self.search_button = true;
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
        Effect::OpenTitle(title)
    }

    fn title_key(&mut self, title: TitleId, key: Key) -> Effect {
        match key {
            Key::Up => {
                self.episode = self.episode.saturating_sub(1);
                Effect::Redraw
            }
            Key::Down => {
                self.episode = (self.episode + 1).min(self.episodes.len().saturating_sub(1));
                Effect::Redraw
            }
            Key::Enter | Key::PlayPause => match self.episodes.get(self.episode) {
                Some(episode) => {
                    self.stack.push(Screen::Player { title, episode: *episode });
                    Effect::Play { title, episode: *episode }
                }
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
            Key::Enter | Key::PlayPause => Effect::PlayPause,
            Key::Right | Key::SeekForward => Effect::SeekBy(SEEK_STEP_MS),
            Key::Left | Key::SeekBackward => Effect::SeekBy(-SEEK_STEP_MS),
            Key::Up => Effect::SeekBy(6 * SEEK_STEP_MS),
            Key::Down => Effect::SeekBy(-6 * SEEK_STEP_MS),
            Key::Char(' ') => Effect::PlayPause,
            Key::Char(_) => Effect::Redraw,
        }
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
        assert!(navigator.search_button_focused(), "up from the top row reaches Search");
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
        assert!(navigator.schedule_button_focused() && !navigator.search_button_focused());
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
