//! Search: a query box, the results under it, and the on-screen keyboard at the bottom. Typing
//! (on the keyboard or a physical one) filters the library; Enter in the box or the keyboard's
//! Done asks the sources, and the focus moves to their results when they come.

use getanime_domain::TitleId;

use super::keyboard::{Keyboard, Typed};
use super::{Effect, Key, Outcome};

/// What has focus on the search screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum SearchFocus {
    #[default]
    Box,
    Result(usize),
    Keyboard,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchState {
    pub(super) query: String,
    results: Vec<TitleId>,
    pub(super) focus: SearchFocus,
    pub(super) keyboard: Keyboard,
    /// The sources were asked: their results take the focus when they arrive.
    results_wanted: bool,
}

impl SearchState {
    pub fn set_results(&mut self, results: Vec<TitleId>) {
        if matches!(self.focus, SearchFocus::Result(index) if index >= results.len()) {
            self.focus = SearchFocus::Box;
        }
        if self.results_wanted && !results.is_empty() {
            self.results_wanted = false;
            self.focus = SearchFocus::Result(0);
        }
        self.results = results;
    }

    /// Opening the screen again starts at the box.
    /// The search box's text.
    pub fn query(&self) -> &str {
        &self.query
    }

    /// The on-screen keyboard, and whether it has the focus.
    pub fn keyboard(&self) -> (&Keyboard, bool) {
        (&self.keyboard, self.focus == SearchFocus::Keyboard)
    }

    /// Whether the search box has the focus (typing goes there; the keyboard types too).
    pub fn box_focused(&self) -> bool {
        self.focus == SearchFocus::Box
    }

    pub(super) fn reset_focus(&mut self) {
        self.focus = SearchFocus::Box;
        self.results_wanted = false;
    }

    pub fn result(&self) -> Option<usize> {
        match self.focus {
            SearchFocus::Result(index) => Some(index),
            _ => None,
        }
    }

    fn type_char(&mut self, character: char) -> Outcome {
        self.query.push(character);
        Outcome::stay(Effect::SearchLibrary)
    }

    fn erase(&mut self) -> Outcome {
        self.query.pop();
        Outcome::stay(Effect::SearchLibrary)
    }

    pub(super) fn search_sources(&mut self) -> Outcome {
        if self.query.trim().is_empty() {
            return Outcome::stay(Effect::Redraw);
        }
        self.results_wanted = true;
        Outcome::stay(Effect::SearchSources)
    }

    fn focus(&mut self, focus: SearchFocus) -> Outcome {
        self.focus = focus;
        Outcome::stay(Effect::Redraw)
    }

    /// Down from the box, up from the keyboard: the results when there are some.
    fn results_or(&self, otherwise: SearchFocus) -> SearchFocus {
        if self.results.is_empty() { otherwise } else { SearchFocus::Result(0) }
    }

    /// Puts the focus on a result, if it exists.
    pub(super) fn focus_result(&mut self, index: usize) -> bool {
        if index >= self.results.len() {
            return false;
        }
        self.focus = SearchFocus::Result(index);
        true
    }

    /// Puts the focus on a key of the on-screen keyboard, if it exists.
    pub(super) fn focus_key(&mut self, row: usize, column: usize) -> bool {
        if !self.keyboard.focus_at(row, column) {
            return false;
        }
        self.focus = SearchFocus::Keyboard;
        true
    }

    pub(super) fn key(&mut self, key: Key) -> Outcome {
        match (self.focus, key) {
            (SearchFocus::Box | SearchFocus::Keyboard, Key::Char(character))
                if !character.is_control() =>
            {
                self.type_char(character)
            }
            (SearchFocus::Box | SearchFocus::Keyboard, Key::Erase) if !self.query.is_empty() => {
                self.erase()
            }
            (SearchFocus::Box, Key::Enter) => self.search_sources(),
            (SearchFocus::Box, Key::Down) => {
                let next = self.results_or(SearchFocus::Keyboard);
                if next == SearchFocus::Keyboard {
                    self.keyboard.enter_from_top(true);
                }
                self.focus(next)
            }
            (SearchFocus::Keyboard, Key::Back) => self.focus(SearchFocus::Box),
            (SearchFocus::Keyboard, _) => match self.keyboard.key(key) {
                Typed::Char(character) => self.type_char(character),
                Typed::Erase if !self.query.is_empty() => self.erase(),
                Typed::Done => self.search_sources(),
                Typed::LeftUp => self.focus(self.results_or(SearchFocus::Box)),
                Typed::Erase
                | Typed::Moved
                | Typed::LeftDown
                | Typed::CursorBack
                | Typed::CursorOn => Outcome::stay(Effect::Redraw),
            },
            (SearchFocus::Result(_), Key::Up) => self.focus(SearchFocus::Box),
            (SearchFocus::Result(_), Key::Down) => {
                self.keyboard.enter_from_top(true);
                self.focus(SearchFocus::Keyboard)
            }
            (SearchFocus::Result(index), Key::Left) => {
                self.focus(SearchFocus::Result(index.saturating_sub(1)))
            }
            (SearchFocus::Result(index), Key::Right) => self
                .focus(SearchFocus::Result((index + 1).min(self.results.len().saturating_sub(1)))),
            (SearchFocus::Result(index), Key::Enter) => {
                Outcome::open_title(self.results.get(index).copied())
            }
            (_, Key::Back | Key::Erase) => Outcome::back(Effect::Redraw),
            _ => Outcome::stay(Effect::Redraw),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn search_is_above_the_rows_and_typing_filters() {
        let mut navigator = Navigator::new();
        navigator.home_mut().set_rows(vec![Vec::new(), ids(1..3)]);
        assert_eq!(navigator.key(Key::Up), Effect::Redraw);
        assert_eq!(
            navigator.home().header(),
            Some(HeaderButton::Search),
            "up from the top row reaches Search"
        );
        assert_eq!(navigator.key(Key::Enter), Effect::Show(Screen::Search));
        assert_eq!(navigator.screen(), Screen::Search);
        for character in "маг".chars() {
            assert_eq!(navigator.key(Key::Char(character)), Effect::SearchLibrary);
        }
        assert_eq!(navigator.search().query(), "маг");
        assert_eq!(navigator.key(Key::Erase), Effect::SearchLibrary);
        assert_eq!(navigator.search().query(), "ма");
        assert_eq!(navigator.key(Key::Enter), Effect::SearchSources);
        navigator.search_mut().set_results(ids(7..10));
        assert_eq!(navigator.search().result(), Some(0), "the sources' results take the focus");
        navigator.key(Key::Right);
        assert_eq!(navigator.search().result(), Some(1));
        assert_eq!(navigator.key(Key::Enter), Effect::OpenTitle(TitleId(8)));
        navigator.key(Key::Back);
        assert_eq!(navigator.screen(), Screen::Search);
        navigator.key(Key::Up);
        assert_eq!(navigator.search().result(), None);
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
    fn the_on_screen_keyboard_types_and_done_shows_the_sources_results() {
        let mut navigator = Navigator::new();
        navigator.key(Key::Char('/'));
        assert_eq!(navigator.screen(), Screen::Search);
        assert_eq!(
            navigator.key(Key::Down),
            Effect::Redraw,
            "no results yet: down is the keyboard"
        );
        assert_eq!(navigator.search().keyboard(), (&Keyboard::default(), true));
        // м: third row, fourth key of ЙЦУКЕН.
        for key in [Key::Down, Key::Down, Key::Right, Key::Right, Key::Right] {
            navigator.key(key);
        }
        assert_eq!(navigator.key(Key::Enter), Effect::SearchLibrary);
        assert_eq!(navigator.search().query(), "м");
        assert_eq!(
            navigator.key(Key::Char('а')),
            Effect::SearchLibrary,
            "a physical keyboard types while the on-screen one has focus"
        );
        // Down to the bottom row (same column: Done), Enter asks the sources.
        navigator.key(Key::Down);
        assert_eq!(navigator.key(Key::Enter), Effect::SearchSources);
        assert_eq!(navigator.search().result(), None);
        navigator.search_mut().set_results(ids(5..7));
        assert_eq!(navigator.search().result(), Some(0), "the sources' results take the focus");
        assert_eq!(navigator.key(Key::Enter), Effect::OpenTitle(TitleId(5)));
        navigator.key(Key::Back);
        assert_eq!(navigator.key(Key::Down), Effect::Redraw);
        assert!(navigator.search().keyboard().1, "down from the results is the keyboard");
        navigator.key(Key::Up);
        assert_eq!(navigator.search().result(), Some(0), "up from the keyboard is the results");
        navigator.key(Key::Down);
        assert_eq!(navigator.key(Key::Back), Effect::Redraw);
        assert_eq!(navigator.screen(), Screen::Search, "Back on the keyboard returns to the box");
        assert!(!navigator.search().keyboard().1);
        assert_eq!(navigator.key(Key::Back), Effect::Redraw);
        assert_eq!(navigator.screen(), Screen::Home);
    }
}
