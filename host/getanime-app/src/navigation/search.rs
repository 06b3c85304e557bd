//! Search: a query box over the results; typing filters the library, Enter asks the sources.

use getanime_domain::TitleId;

use super::{Effect, Key, Outcome};

#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct SearchState {
    pub(super) query: String,
    results: Vec<TitleId>,
    /// The focused result (`None` = the box).
    pub(super) result: Option<usize>,
}

impl SearchState {
    pub(super) fn set_results(&mut self, results: Vec<TitleId>) {
        if self.result.is_some_and(|index| index >= results.len()) {
            self.result = None;
        }
        self.results = results;
    }

    pub(super) fn key(&mut self, key: Key) -> Outcome {
        match (self.result, key) {
            (None, Key::Char(character)) if !character.is_control() => {
                self.query.push(character);
                Outcome::stay(Effect::SearchLibrary)
            }
            (None, Key::Erase) if !self.query.is_empty() => {
                self.query.pop();
                Outcome::stay(Effect::SearchLibrary)
            }
            (None, Key::Enter) if !self.query.trim().is_empty() => {
                Outcome::stay(Effect::SearchSources)
            }
            (None, Key::Down) if !self.results.is_empty() => {
                self.result = Some(0);
                Outcome::stay(Effect::Redraw)
            }
            (Some(_), Key::Up) => {
                self.result = None;
                Outcome::stay(Effect::Redraw)
            }
            (Some(index), Key::Left) => {
                self.result = Some(index.saturating_sub(1));
                Outcome::stay(Effect::Redraw)
            }
            (Some(index), Key::Right) => {
                self.result = Some((index + 1).min(self.results.len().saturating_sub(1)));
                Outcome::stay(Effect::Redraw)
            }
            (Some(index), Key::Enter) => Outcome::open_title(self.results.get(index).copied()),
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
}
