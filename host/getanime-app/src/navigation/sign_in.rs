//! Signing in to an account (Profiles → Accounts → Connect): the screen shows the code to
//! accept elsewhere and polls by itself, or — for a code to paste — an on-screen keyboard for
//! codes with a cursor; Left/Right pick one of its buttons ("get a new code"), Enter presses it,
//! Back gives up.

use super::keyboard::{Keyboard, KeyboardLayout, Typed};
use super::{Effect, Key, Outcome};

/// The longest code the keyboard takes (an OAuth code is some 40 characters; a pasted token
/// comes from the phone, not from arrows).
pub const MAX_CODE_CHARS: usize = 512;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct SignInState {
    /// How many buttons the step shows.
    buttons: usize,
    focus: usize,
    /// A code to type: what is typed so far.
    typing: Option<Typing>,
}

/// A code being typed on the screen's keyboard.
#[derive(Debug, Clone, PartialEq)]
struct Typing {
    keyboard: Keyboard,
    text: Vec<char>,
    /// Where the next character goes: 0..=text.len().
    cursor: usize,
    /// The keyboard has the focus (else the buttons above it).
    on_keyboard: bool,
}

impl SignInState {
    /// The step on screen shows `count` buttons; the focus stays on one of them.
    pub fn set_buttons(&mut self, count: usize) {
        self.buttons = count;
        self.focus = self.focus.min(count.saturating_sub(1));
    }

    /// The focused button, if there is any.
    pub fn focus(&self) -> Option<usize> {
        let on_keyboard = self.typing.as_ref().is_some_and(|typing| typing.on_keyboard);
        (self.buttons > 0 && !on_keyboard).then_some(self.focus)
    }

    /// A step that asks for a code: the keyboard appears with the focus, empty.
    pub fn start_typing(&mut self) {
        self.typing = Some(Typing {
            keyboard: Keyboard::in_layout(KeyboardLayout::Code),
            text: Vec::new(),
            cursor: 0,
            on_keyboard: true,
        });
    }

    /// A step without typing: the keyboard goes.
    pub fn stop_typing(&mut self) {
        self.typing = None;
    }

    /// Replaces the typed code (typed elsewhere), the cursor at its end.
    pub fn set_typed(&mut self, text: &str) {
        if let Some(typing) = self.typing.as_mut() {
            typing.text = text
                .chars()
                .filter(|character| !character.is_control() && !character.is_whitespace())
                .take(MAX_CODE_CHARS)
                .collect();
            typing.cursor = typing.text.len();
        }
    }

    /// What is typed and where the cursor is, while a code is asked for.
    pub fn typed(&self) -> Option<(String, usize)> {
        self.typing.as_ref().map(|typing| (typing.text.iter().collect(), typing.cursor))
    }

    /// The keyboard and whether it has the focus, while a code is asked for.
    pub fn keyboard(&self) -> Option<(&Keyboard, bool)> {
        self.typing.as_ref().map(|typing| (&typing.keyboard, typing.on_keyboard))
    }

    /// A click on a key: the focus goes there (then Enter presses it).
    pub fn focus_key(&mut self, row: usize, column: usize) -> bool {
        let Some(typing) = self.typing.as_mut() else { return false };
        typing.on_keyboard = typing.keyboard.focus_at(row, column);
        typing.on_keyboard
    }

    pub(super) fn key(&mut self, key: Key) -> Outcome {
        if let Some(typing) = self.typing.as_mut()
            && typing.on_keyboard
        {
            return match key {
                Key::Back => Outcome::back(Effect::SignInCancel),
                Key::Char(character) => Outcome::stay(typing.type_char(character)),
                Key::Erase => Outcome::stay(typing.erase()),
                other => match typing.keyboard.key(other) {
                    Typed::Char(character) => Outcome::stay(typing.type_char(character)),
                    Typed::Erase => Outcome::stay(typing.erase()),
                    Typed::CursorBack => {
                        typing.cursor = typing.cursor.saturating_sub(1);
                        Outcome::stay(Effect::Redraw)
                    }
                    Typed::CursorOn => {
                        typing.cursor = (typing.cursor + 1).min(typing.text.len());
                        Outcome::stay(Effect::Redraw)
                    }
                    Typed::Done if typing.text.is_empty() => Outcome::stay(Effect::Redraw),
                    Typed::Done => Outcome::stay(Effect::SignInSubmit),
                    Typed::LeftUp if self.buttons > 0 => {
                        typing.on_keyboard = false;
                        Outcome::stay(Effect::Redraw)
                    }
                    Typed::LeftUp | Typed::LeftDown | Typed::Moved => Outcome::stay(Effect::Redraw),
                },
            };
        }
        match key {
            Key::Left => self.focus = self.focus.saturating_sub(1),
            Key::Right => self.focus = (self.focus + 1).min(self.buttons.saturating_sub(1)),
            Key::Down => {
                if let Some(typing) = self.typing.as_mut() {
                    typing.keyboard.enter_from_top(true);
                    typing.on_keyboard = true;
                }
            }
            Key::Enter if self.buttons > 0 => {
                return Outcome::stay(Effect::SignInChoose(self.focus));
            }
            Key::Back | Key::Erase => return Outcome::back(Effect::SignInCancel),
            _ => {}
        }
        Outcome::stay(Effect::Redraw)
    }
}

impl Typing {
    fn type_char(&mut self, character: char) -> Effect {
        // Codes are one line of visible characters; a stray space or control is dropped.
        if character.is_control() || character.is_whitespace() || self.text.len() >= MAX_CODE_CHARS
        {
            return Effect::Redraw;
        }
        self.text.insert(self.cursor, character);
        self.cursor += 1;
        Effect::Redraw
    }

    fn erase(&mut self) -> Effect {
        if self.cursor > 0 {
            self.cursor -= 1;
            self.text.remove(self.cursor);
        }
        Effect::Redraw
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

    #[test]
    fn a_code_is_typed_with_the_keyboard_and_one_character_is_fixed_with_the_cursor() {
        let mut navigator = Navigator::new();
        navigator.open_screen(Screen::Accounts);
        navigator.open_screen(Screen::SignIn);
        navigator.sign_in_mut().start_typing();
        assert_eq!(navigator.key(Key::Enter), Effect::Redraw, "'1' typed");
        assert_eq!(navigator.key(Key::Enter), Effect::Redraw, "'1' again");
        for character in "x-_".chars() {
            navigator.key(Key::Char(character));
        }
        navigator.key(Key::Char(' '));
        assert_eq!(navigator.sign_in().typed(), Some(("11x-_".to_owned(), 5)), "no spaces");
        // Fix the second character: the cursor back four, erase it, type a 2.
        navigator.key(Key::Down);
        navigator.key(Key::Down);
        navigator.key(Key::Down);
        navigator.key(Key::Down);
        for _ in 0..4 {
            navigator.key(Key::Left);
        }
        assert_eq!(navigator.sign_in().keyboard().map(|(board, _)| board.focus()), Some((4, 1)));
        for _ in 0..3 {
            navigator.key(Key::Enter);
        }
        assert_eq!(navigator.sign_in().typed(), Some(("11x-_".to_owned(), 2)));
        navigator.key(Key::Erase);
        navigator.key(Key::Char('2'));
        assert_eq!(navigator.sign_in().typed(), Some(("12x-_".to_owned(), 2)));
        assert_eq!(navigator.sign_in().focus(), None, "no button while typing");
        // Done submits; an empty code does not.
        for _ in 0..3 {
            navigator.key(Key::Right);
        }
        assert_eq!(navigator.key(Key::Enter), Effect::SignInSubmit);
        navigator.sign_in_mut().start_typing();
        navigator.key(Key::Up);
        navigator.key(Key::Up);
        assert_eq!(navigator.key(Key::Left), Effect::Redraw);
        assert_eq!(navigator.key(Key::Enter), Effect::Redraw, "Done on nothing does nothing");
        assert_eq!(navigator.key(Key::Back), Effect::SignInCancel);
    }
}
