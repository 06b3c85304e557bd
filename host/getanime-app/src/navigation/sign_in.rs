//! Signing in to an account (Profiles → Accounts → Connect): the screen shows the code to
//! accept elsewhere and polls by itself; Left/Right pick one of its buttons ("get a new code"),
//! Enter presses it, Back gives up.

use super::{Effect, Key, Outcome};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct SignInState {
    /// How many buttons the step shows.
    buttons: usize,
    focus: usize,
}

impl SignInState {
    /// The step on screen shows `count` buttons; the focus stays on one of them.
    pub fn set_buttons(&mut self, count: usize) {
        self.buttons = count;
        self.focus = self.focus.min(count.saturating_sub(1));
    }

    /// The focused button, if there is any.
    pub fn focus(&self) -> Option<usize> {
        (self.buttons > 0).then_some(self.focus)
    }

    pub(super) fn key(&mut self, key: Key) -> Outcome {
        match key {
            Key::Left => self.focus = self.focus.saturating_sub(1),
            Key::Right => self.focus = (self.focus + 1).min(self.buttons.saturating_sub(1)),
            Key::Enter if self.buttons > 0 => {
                return Outcome::stay(Effect::SignInChoose(self.focus));
            }
            Key::Back | Key::Erase => return Outcome::back(Effect::SignInCancel),
            _ => {}
        }
        Outcome::stay(Effect::Redraw)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn its_buttons_take_the_focus_and_back_gives_up() {
        let mut navigator = Navigator::new();
        navigator.open_screen(Screen::Accounts);
        assert_eq!(navigator.open_screen(Screen::SignIn), Effect::Show(Screen::SignIn));
        assert_eq!(navigator.key(Key::Enter), Effect::Redraw, "no button yet: nothing to press");
        navigator.sign_in_mut().set_buttons(2);
        navigator.key(Key::Right);
        navigator.key(Key::Right);
        assert_eq!(navigator.sign_in().focus(), Some(1), "the last stays the last");
        assert_eq!(navigator.key(Key::Enter), Effect::SignInChoose(1));
        navigator.sign_in_mut().set_buttons(1);
        assert_eq!(navigator.sign_in().focus(), Some(0), "a step with fewer buttons");
        assert_eq!(navigator.key(Key::Back), Effect::SignInCancel);
        assert_eq!(navigator.screen(), Screen::Accounts, "back to the accounts");
    }
}
