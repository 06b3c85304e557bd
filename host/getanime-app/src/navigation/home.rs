//! Home: the header buttons above the poster rows, and the rows (continue watching, new, today…).

use getanime_domain::TitleId;

use crate::language::tr;

use super::{Effect, Key, Outcome, Screen, next_filled_row};

/// The buttons above the home rows, left to right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(test, derive(strum::EnumIter))]
pub enum HeaderButton {
    Search,
    Browse,
    Schedule,
    Sources,
    Settings,
    /// Who is watching (the profiles).
    Profiles,
}

impl HeaderButton {
    pub const ALL: [HeaderButton; 6] = [
        HeaderButton::Search,
        HeaderButton::Browse,
        HeaderButton::Schedule,
        HeaderButton::Sources,
        HeaderButton::Settings,
        HeaderButton::Profiles,
    ];

    /// What the button says.
    pub fn label(self) -> &'static str {
        match self {
            HeaderButton::Search => tr!("⌕ Search"),
            HeaderButton::Browse => tr!("▤ Browse"),
            HeaderButton::Schedule => tr!("▦ Schedule"),
            HeaderButton::Sources => tr!("⚙ Sources"),
            HeaderButton::Settings => tr!("☰ Settings"),
            HeaderButton::Profiles => tr!("☺ Profiles"),
        }
    }

    /// The screen the button opens.
    pub fn screen(self) -> Screen {
        match self {
            HeaderButton::Search => Screen::Search,
            HeaderButton::Browse => Screen::Browse,
            HeaderButton::Schedule => Screen::Schedule,
            HeaderButton::Sources => Screen::Sources,
            HeaderButton::Settings => Screen::Settings,
            HeaderButton::Profiles => Screen::Profiles,
        }
    }

    /// A stable name for the button (accessibility, tests).
    pub fn id(self) -> &'static str {
        match self {
            HeaderButton::Search => "search",
            HeaderButton::Browse => "browse",
            HeaderButton::Schedule => "schedule",
            HeaderButton::Sources => "sources",
            HeaderButton::Settings => "settings",
            HeaderButton::Profiles => "profiles",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct HomeState {
    /// Title ids of each row, top to bottom (empty rows included, skipped by focus).
    rows: Vec<Vec<TitleId>>,
    row: usize,
    /// The focused column of each row (each row keeps its own).
    columns: Vec<usize>,
    /// The focused button above the rows, if focus is up there.
    pub(super) header: Option<HeaderButton>,
    /// The Home key was pressed: the focus goes to the top-left card, also once the reloaded rows
    /// arrive (a row that filled meanwhile, such as Continue watching, is then the top).
    to_top: bool,
}

impl HomeState {
    pub fn focus(&self) -> (usize, usize) {
        (self.row, self.columns.get(self.row).copied().unwrap_or(0))
    }

    /// The focused card's title; while the focus is on the header, the card it left.
    pub fn focused_title(&self) -> Option<TitleId> {
        let (row, column) = self.focus();
        self.rows.get(row)?.get(column).copied()
    }

    /// How far the rows scroll so the focused one is at the top: the filled and the empty rows
    /// above it (an empty row is hidden but still takes the layout's spacing).
    pub fn scroll(&self) -> (usize, usize) {
        let above = self.rows.get(..self.row).unwrap_or_default();
        let filled = above.iter().filter(|row| !row.is_empty()).count();
        (filled, above.len() - filled)
    }

    /// Back to the first filled row's first card, now and, when coming back from another screen
    /// (which reloads the rows), once the next rows arrive.
    pub(super) fn go_to_top(&mut self, rows_reload: bool) {
        self.header = None;
        self.to_top = rows_reload;
        self.columns.fill(0);
        self.row = self.rows.iter().position(|row| !row.is_empty()).unwrap_or(0);
    }

    pub fn set_rows(&mut self, rows: Vec<Vec<TitleId>>) {
        // On the top row's first card (where Home starts): a row that fills above (new
        // episodes after a sync) becomes the top, and the focus goes with it.
        let top = self.rows.iter().position(|row| !row.is_empty());
        let at_start = self.header.is_none() && top == Some(self.row) && self.focus().1 == 0;
        if std::mem::take(&mut self.to_top) || at_start {
            self.columns.clear();
            self.row = rows.iter().position(|row| !row.is_empty()).unwrap_or(0);
        }
        self.columns.resize(rows.len(), 0);
        for (column, row) in self.columns.iter_mut().zip(&rows) {
            *column = (*column).min(row.len().saturating_sub(1));
        }
        self.rows = rows;
        if self.rows.get(self.row).is_none_or(Vec::is_empty) {
            self.row = self.rows.iter().position(|row| !row.is_empty()).unwrap_or(0);
        }
        // Nothing to focus in the rows (a first launch): the focus waits on Sources, where the
        // first thing to do is, instead of nowhere.
        if self.header.is_none() && self.rows.iter().all(Vec::is_empty) {
            self.header = Some(HeaderButton::Sources);
        }
    }

    /// The focused button above the rows (`None`: the focus is on the rows).
    pub fn header(&self) -> Option<HeaderButton> {
        self.header
    }

    /// Puts the focus on the header button at `index`, if there is one.
    pub(super) fn focus_header(&mut self, index: usize) -> bool {
        let Some(button) = HeaderButton::ALL.get(index) else { return false };
        self.header = Some(*button);
        true
    }

    /// Puts the focus on a card, if it exists.
    pub(super) fn focus_card(&mut self, row: usize, column: usize) -> bool {
        if self.rows.get(row).is_none_or(|cards| column >= cards.len()) {
            return false;
        }
        self.header = None;
        self.row = row;
        self.columns[row] = column;
        true
    }

    pub(super) fn key(&mut self, key: Key) -> Outcome {
        if let Some(button) = self.header {
            return self.header_key(button, key);
        }
        match key {
            Key::Up
                if self
                    .rows
                    .get(..self.row)
                    .is_none_or(|above| above.iter().all(Vec::is_empty)) =>
            {
                self.header = Some(HeaderButton::Search);
                Outcome::stay(Effect::Redraw)
            }
            Key::Up | Key::Down => {
                if let Some(row) = next_filled_row(&self.rows, self.row, key == Key::Down) {
                    self.row = row;
                }
                Outcome::stay(Effect::Redraw)
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
                Outcome::stay(Effect::Redraw)
            }
            Key::Enter => {
                let (row, column) = self.focus();
                Outcome::open_title(self.rows.get(row).and_then(|row| row.get(column)).copied())
            }
            Key::Back | Key::Erase => Outcome::stay(Effect::Quit),
            _ => Outcome::stay(Effect::Redraw),
        }
    }

    /// The buttons above the rows: Search, Browse, Schedule, Sources, Settings.
    fn header_key(&mut self, button: HeaderButton, key: Key) -> Outcome {
        let at = HeaderButton::ALL.iter().position(|candidate| *candidate == button).unwrap_or(0);
        match key {
            Key::Enter => Outcome::open(button.screen(), Effect::Show(button.screen())),
            Key::Right => {
                self.header = Some(HeaderButton::ALL[(at + 1).min(HeaderButton::ALL.len() - 1)]);
                Outcome::stay(Effect::Redraw)
            }
            Key::Left => {
                self.header = Some(HeaderButton::ALL[at.saturating_sub(1)]);
                Outcome::stay(Effect::Redraw)
            }
            Key::Down => {
                self.header = None;
                Outcome::stay(Effect::Redraw)
            }
            Key::Back | Key::Erase => Outcome::stay(Effect::Quit),
            _ => Outcome::stay(Effect::Redraw),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn every_header_button_is_shown_and_opens_its_screen() {
        use strum::IntoEnumIterator;
        assert_eq!(HeaderButton::iter().collect::<Vec<_>>(), HeaderButton::ALL);
        for (index, button) in HeaderButton::ALL.into_iter().enumerate() {
            let mut navigator = Navigator::new();
            navigator.home_mut().set_rows(vec![ids(1..2)]);
            assert_eq!(
                navigator.click(Pointed::HeaderButton(index)),
                Effect::Show(button.screen())
            );
            assert_eq!(navigator.screen(), button.screen(), "{button:?}");
        }
    }

    #[test]
    fn home_focus_moves_over_rows_skipping_empty_ones() {
        let mut navigator = Navigator::new();
        navigator.home_mut().set_rows(vec![Vec::new(), ids(1..4), Vec::new(), ids(10..12)]);
        assert_eq!(navigator.home().focus(), (1, 0), "the first non-empty row");
        assert_eq!(navigator.key(Key::Right), Effect::Redraw);
        navigator.key(Key::Right);
        navigator.key(Key::Right);
        assert_eq!(navigator.home().focus(), (1, 2), "stops at the last card");
        navigator.key(Key::Down);
        assert_eq!(
            navigator.home().focus(),
            (3, 0),
            "skips the empty row, each row keeps its column"
        );
        navigator.key(Key::Down);
        assert_eq!(navigator.home().focus(), (3, 0));
        navigator.key(Key::Up);
        assert_eq!(navigator.home().focus(), (1, 2));
        navigator.key(Key::Up);
        assert_eq!(navigator.home().focus(), (1, 2), "nothing above but an empty row");
    }

    #[test]
    fn empty_screens_do_nothing_on_enter() {
        let mut navigator = Navigator::new();
        assert_eq!(navigator.key(Key::Enter), Effect::Redraw);
        navigator.home_mut().set_rows(vec![ids(1..2)]);
        navigator.key(Key::Enter);
        assert_eq!(
            navigator.key(Key::Enter),
            Effect::Redraw,
            "a title without episodes has nothing to play"
        );
    }

    /// The view scrolls by whole rows so the focused row is the top one, whatever empty rows lie
    /// above it (the view once lagged a row behind and showed the focus off screen).
    #[test]
    fn the_focused_row_is_scrolled_to_the_top() {
        let mut navigator = Navigator::new();
        navigator.home_mut().set_rows(vec![ids(1..3), Vec::new(), ids(3..5), ids(5..7)]);
        assert_eq!(navigator.home().scroll(), (0, 0));
        navigator.key(Key::Down);
        assert_eq!(navigator.home().focus().0, 2);
        assert_eq!(navigator.home().scroll(), (1, 1), "one filled and one empty row above");
        navigator.key(Key::Down);
        assert_eq!(navigator.home().scroll(), (2, 1));
        navigator.key(Key::Up);
        navigator.key(Key::Up);
        assert_eq!(navigator.home().scroll(), (0, 0));
    }

    /// A first launch has no rows: the focus is on Sources, and Enter opens it.
    #[test]
    fn an_empty_home_focuses_sources() {
        let mut navigator = Navigator::new();
        navigator.home_mut().set_rows(vec![Vec::new(); 4]);
        assert_eq!(navigator.home().header(), Some(HeaderButton::Sources));
        assert_eq!(navigator.key(Key::Enter), Effect::Show(Screen::Sources));
        assert_eq!(navigator.screen(), Screen::Sources);
    }

    #[test]
    fn new_rows_keep_the_focus_in_bounds() {
        let mut navigator = Navigator::new();
        navigator.home_mut().set_rows(vec![ids(1..6)]);
        for _ in 0..4 {
            navigator.key(Key::Right);
        }
        navigator.home_mut().set_rows(vec![ids(1..3)]);
        assert_eq!(navigator.home().focus(), (0, 1));
    }

    #[test]
    fn the_header_reaches_every_screen_and_back_returns_home() {
        let mut navigator = Navigator::new();
        navigator.home_mut().set_rows(vec![ids(1..3)]);
        navigator.key(Key::Up);
        for _ in 0..10 {
            navigator.key(Key::Right);
        }
        assert_eq!(navigator.home().header(), Some(HeaderButton::Profiles), "stops at the last");
        assert_eq!(navigator.key(Key::Enter), Effect::Show(Screen::Profiles));
        assert_eq!(navigator.screen(), Screen::Profiles);
        navigator.key(Key::Back);
        navigator.key(Key::Up);
        for _ in 0..4 {
            navigator.key(Key::Right);
        }
        assert_eq!(navigator.key(Key::Enter), Effect::Show(Screen::Settings));
        assert_eq!(navigator.screen(), Screen::Settings);
        navigator.key(Key::Back);
        assert_eq!(navigator.screen(), Screen::Home);
        assert_eq!(navigator.home().header(), None, "back lands on the rows");
        navigator.key(Key::Up);
        navigator.key(Key::Right);
        assert_eq!(navigator.key(Key::Enter), Effect::Show(Screen::Browse));
        navigator.key(Key::Back);
        navigator.key(Key::Up);
        for _ in 0..3 {
            navigator.key(Key::Right);
        }
        assert_eq!(navigator.key(Key::Enter), Effect::Show(Screen::Sources));
        assert_eq!(navigator.screen(), Screen::Sources);
    }

    #[test]
    fn home_goes_straight_home_and_stops_playback() {
        let mut navigator = Navigator::new();
        navigator.home_mut().set_rows(vec![ids(5..6)]);
        navigator.key(Key::Enter);
        navigator.title_mut().set_episodes(vec![1.0], 0);
        navigator.key(Key::Enter);
        assert_eq!(navigator.key(Key::Home), Effect::StopPlayback);
        assert_eq!(navigator.screen(), Screen::Home);
        navigator.key(Key::Up);
        navigator.key(Key::Enter);
        assert_eq!(navigator.screen(), Screen::Search);
        assert_eq!(navigator.key(Key::Home), Effect::Redraw);
        assert_eq!(navigator.screen(), Screen::Home);
        assert_eq!(navigator.home().header(), None);
    }

    /// Home puts the focus on the top row's first card, also when the rows reload after it with a
    /// row filled above the old focus (Continue watching after a first play).
    #[test]
    fn home_goes_to_the_top_row_even_when_a_row_fills_above() {
        let mut navigator = Navigator::new();
        navigator.home_mut().set_rows(vec![Vec::new(), ids(5..8)]);
        navigator.key(Key::Right);
        navigator.key(Key::Enter);
        assert_eq!(navigator.key(Key::Home), Effect::Redraw);
        assert_eq!(navigator.home().focus(), (1, 0), "the first filled row, first card");
        navigator.home_mut().set_rows(vec![ids(6..7), ids(5..8)]);
        assert_eq!(navigator.home().focus(), (0, 0), "the row that filled is the top now");
        navigator.key(Key::Up);
        assert_eq!(navigator.home().header(), Some(HeaderButton::Search));
        navigator.key(Key::Down);
        navigator.key(Key::Down);
        navigator.key(Key::Right);
        navigator.home_mut().set_rows(vec![ids(6..7), ids(5..8)]);
        assert_eq!(navigator.home().focus(), (1, 1), "other reloads keep the focus");
    }

    /// At the start (the top row's first card), a row that fills above after a sync (new
    /// episodes) takes the focus; a viewer who moved keeps theirs.
    #[test]
    fn a_row_filling_above_the_start_takes_the_focus() {
        let mut navigator = Navigator::new();
        navigator.home_mut().set_rows(vec![Vec::new(), ids(5..8), ids(8..9)]);
        assert_eq!(navigator.home().focus(), (1, 0));
        navigator.home_mut().set_rows(vec![ids(9..10), ids(5..8), ids(8..9)]);
        assert_eq!(navigator.home().focus(), (0, 0), "the new top row");

        navigator.key(Key::Down);
        navigator.key(Key::Right);
        navigator.home_mut().set_rows(vec![Vec::new(), ids(5..8), ids(8..9)]);
        navigator.home_mut().set_rows(vec![ids(9..10), ids(5..8), ids(8..9)]);
        assert_eq!(navigator.home().focus(), (1, 1), "moved away: stays");
    }
}
