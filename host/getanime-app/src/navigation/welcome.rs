//! Welcome: the first launch (no source installed). A list of choices (the shipped sources; not
//! the demo, which needs its media server started with `--demo` each launch); Enter installs the
//! focused one and syncs it, Back skips to the empty library.

use super::{Effect, Key, Outcome};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct WelcomeState {
    /// How many choices the screen lists.
    pub(super) choices: usize,
    pub(super) focus: usize,
    /// A choice is being installed and synced: keys wait for it.
    pub(super) busy: bool,
}

impl WelcomeState {
    /// The focused choice, and whether it is being installed.
    pub fn focus(&self) -> (usize, bool) {
        (self.focus, self.busy)
    }

    /// Puts the focus on a choice, if it exists and nothing is being installed.
    pub(super) fn focus_choice(&mut self, index: usize) -> bool {
        if self.busy || index >= self.choices {
            return false;
        }
        self.focus = index;
        true
    }

    pub(super) fn key(&mut self, key: Key) -> Outcome {
        if self.busy {
            return Outcome::stay(Effect::Redraw);
        }
        let effect = match key {
            Key::Up => {
                self.focus = self.focus.saturating_sub(1);
                Effect::Redraw
            }
            Key::Down => {
                self.focus = (self.focus + 1).min(self.choices.saturating_sub(1));
                Effect::Redraw
            }
            Key::Enter if self.focus < self.choices => {
                self.busy = true;
                Effect::WelcomeChoose(self.focus)
            }
            Key::Back | Key::Erase => return Outcome::back(Effect::Redraw),
            _ => Effect::Redraw,
        };
        Outcome::stay(effect)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn the_first_launch_chooses_a_source_waits_for_it_and_lands_home() {
        let mut navigator = Navigator::new();
        navigator.home_mut().set_rows(Vec::new());
        assert_eq!(navigator.home().header(), Some(HeaderButton::Sources));
        navigator.show_welcome(3);
        assert_eq!(navigator.screen(), Screen::Welcome);
        assert_eq!(navigator.key(Key::Up), Effect::Redraw);
        assert_eq!(navigator.welcome().focus(), (0, false));
        navigator.key(Key::Down);
        navigator.key(Key::Down);
        navigator.key(Key::Down);
        assert_eq!(navigator.welcome().focus(), (2, false), "the last choice holds the focus");
        navigator.key(Key::Up);
        assert_eq!(navigator.key(Key::Enter), Effect::WelcomeChoose(1));
        assert_eq!(navigator.welcome().focus(), (1, true));
        assert_eq!(navigator.key(Key::Enter), Effect::Redraw, "keys wait while it installs");
        assert_eq!(navigator.key(Key::Back), Effect::Redraw);
        navigator.welcome_finished(false);
        assert_eq!(navigator.screen(), Screen::Welcome, "a failure stays, to choose again");
        assert_eq!(navigator.key(Key::Enter), Effect::WelcomeChoose(1));
        navigator.welcome_finished(true);
        assert_eq!(navigator.screen(), Screen::Home);
        navigator.home_mut().set_rows(vec![ids(1..3)]);
        assert_eq!(navigator.home().header(), None, "the synced rows take the focus");
        assert_eq!(navigator.key(Key::Back), Effect::Quit, "home is the bottom of the stack");
    }

    #[test]
    fn back_skips_the_welcome_and_it_only_opens_over_home() {
        let mut navigator = Navigator::new();
        navigator.show_welcome(2);
        assert_eq!(navigator.key(Key::Back), Effect::Redraw);
        assert_eq!(navigator.screen(), Screen::Home);
        navigator.key(Key::Char('/'));
        navigator.show_welcome(2);
        assert_eq!(navigator.screen(), Screen::Search, "not over another screen");
        let mut navigator = Navigator::new();
        navigator.show_welcome(0);
        assert_eq!(navigator.key(Key::Enter), Effect::Redraw, "nothing to choose");
    }
}
