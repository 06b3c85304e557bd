//! Sources and Settings: one menu of rows (info, choices, buttons, text fields), with a second
//! Enter to confirm what destroys or replaces something.

use std::collections::BTreeMap;

use super::keyboard::{Keyboard, KeyboardLayout, Typed};
use super::{Effect, Key, Outcome};

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
    /// Enter on an empty one opens the on-screen keyboard, for a remote.
    Text,
}

/// Focus and confirmation state of a menu screen.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MenuState {
    rows: Vec<MenuRow>,
    row: usize,
    button: usize,
    /// The button that asked "press Enter again" (row, button).
    armed: Option<(usize, usize)>,
    /// Text typed into `Text` rows, by row.
    texts: BTreeMap<usize, String>,
    /// The on-screen keyboard, open on the focused `Text` row.
    keyboard: Option<Keyboard>,
}

impl MenuState {
    pub fn set_rows(&mut self, rows: Vec<MenuRow>) {
        self.row = self.row.min(rows.len().saturating_sub(1));
        self.button = 0;
        self.armed = None;
        if rows.get(self.row) != Some(&MenuRow::Text) {
            self.keyboard = None;
        }
        self.rows = rows;
    }

    /// Types into a text row, from either keyboard.
    fn type_char(&mut self, row: usize, character: char) -> Effect {
        self.texts.entry(row).or_default().push(character);
        Effect::MenuText { row }
    }

    /// Erases the last character of a text row, from either keyboard.
    fn erase(&mut self, row: usize) -> Effect {
        self.texts.entry(row).or_default().pop();
        Effect::MenuText { row }
    }

    /// What kind of row `row` is.
    pub(super) fn row_kind(&self, row: usize) -> Option<&MenuRow> {
        self.rows.get(row)
    }

    /// Replaces a text row's text (typed elsewhere); `submit` does what Done does (asks first).
    pub(super) fn set_text(&mut self, row: usize, text: &str, submit: bool) -> Effect {
        self.texts.insert(row, text.to_owned());
        if submit && !text.trim().is_empty() {
            self.keyboard = None;
            self.armed = Some((row, 0));
            return Effect::MenuAsk { row };
        }
        Effect::MenuText { row }
    }

    /// The on-screen keyboard, when it is open on the focused row.
    pub fn keyboard(&self) -> Option<&Keyboard> {
        self.keyboard.as_ref()
    }

    /// A key while the on-screen keyboard is open: it types into the focused row; Done submits
    /// as Enter would (asking first), Back closes it. A physical keyboard still types.
    fn keyboard_key(&mut self, key: Key) -> Option<Effect> {
        let row = self.row;
        let keyboard = self.keyboard.as_mut()?;
        let typed = match key {
            Key::Char(character) => Typed::Char(character),
            Key::Erase => Typed::Erase,
            Key::Back => {
                self.keyboard = None;
                return Some(Effect::Redraw);
            }
            other => keyboard.key(other),
        };
        Some(match typed {
            Typed::Char(character) if !character.is_control() => self.type_char(row, character),
            Typed::Erase => self.erase(row),
            Typed::Done => {
                self.keyboard = None;
                if self.text(row).trim().is_empty() {
                    Effect::Redraw
                } else {
                    self.armed = Some((row, 0));
                    Effect::MenuAsk { row }
                }
            }
            // Text rows have no cursor keys (their layouts do not show them).
            Typed::Char(_)
            | Typed::Moved
            | Typed::LeftUp
            | Typed::LeftDown
            | Typed::CursorBack
            | Typed::CursorOn => Effect::Redraw,
        })
    }

    pub fn focus(&self) -> (usize, usize, bool) {
        (self.row, self.button, self.armed == Some((self.row, self.button)))
    }

    pub fn text(&self, row: usize) -> &str {
        self.texts.get(&row).map_or("", String::as_str)
    }

    /// How many places the focus can take on `row` (its buttons; 1 for a row without), if the
    /// row exists.
    fn places(&self, row: usize) -> Option<usize> {
        Some(match self.rows.get(row)? {
            MenuRow::Buttons(buttons) => buttons.len().max(1),
            MenuRow::Info | MenuRow::Choice | MenuRow::Text => 1,
        })
    }

    pub fn focus_row(&mut self, row: usize, button: usize) {
        let Some(places) = self.places(row) else { return };
        let button = button.min(places - 1);
        if (row, button) != (self.row, self.button) {
            (self.row, self.button, self.armed, self.keyboard) = (row, button, None, None);
        }
    }

    /// Puts the focus on a row's button (0 for a row without buttons), closing an open keyboard
    /// (a click on its own row would otherwise type its focused key). An armed button stays
    /// armed, so a second click confirms it.
    pub(super) fn focus_button(&mut self, row: usize, button: usize) -> bool {
        if self.places(row).is_none_or(|places| button >= places) {
            return false;
        }
        self.keyboard = None;
        (self.row, self.button) = (row, button);
        true
    }

    /// Puts the focus on a key of the open on-screen keyboard, if there is one.
    pub(super) fn focus_key(&mut self, row: usize, column: usize) -> bool {
        self.keyboard.as_mut().is_some_and(|keyboard| keyboard.focus_at(row, column))
    }

    pub(super) fn key(&mut self, key: Key) -> Outcome {
        if let Some(effect) = self.keyboard_key(key) {
            return Outcome::stay(effect);
        }
        let row = self.row;
        let kind = self.rows.get(row).cloned().unwrap_or(MenuRow::Info);
        let armed = self.armed.take();
        let effect = match (kind, key) {
            (_, Key::Up) => {
                self.row = row.saturating_sub(1);
                self.button = 0;
                Effect::Redraw
            }
            (_, Key::Down) => {
                self.row = (row + 1).min(self.rows.len().saturating_sub(1));
                self.button = 0;
                Effect::Redraw
            }
            (MenuRow::Text, Key::Char(character)) if !character.is_control() => {
                self.type_char(row, character)
            }
            (MenuRow::Text, Key::Erase) if !self.text(row).is_empty() => self.erase(row),
            (MenuRow::Text, Key::Enter) if !self.text(row).trim().is_empty() => {
                if armed == Some((row, 0)) {
                    Effect::MenuPress { row, button: 0 }
                } else {
                    self.armed = Some((row, 0));
                    Effect::MenuAsk { row }
                }
            }
            (MenuRow::Text, Key::Enter) if armed.is_none() && self.text(row).is_empty() => {
                // Menu text rows hold URLs, paths and numbers: Latin first.
                self.keyboard = Some(Keyboard::in_layout(KeyboardLayout::Latin));
                Effect::Redraw
            }
            (MenuRow::Choice, Key::Left | Key::Right | Key::Enter) => {
                Effect::MenuChange { row, forward: key != Key::Left }
            }
            (MenuRow::Buttons(_), Key::Left) => {
                self.button = self.button.saturating_sub(1);
                Effect::Redraw
            }
            (MenuRow::Buttons(buttons), Key::Right) => {
                self.button = (self.button + 1).min(buttons.len().saturating_sub(1));
                Effect::Redraw
            }
            (MenuRow::Buttons(buttons), Key::Enter) => {
                let button = self.button;
                match buttons.get(button) {
                    Some(true) if armed != Some((row, button)) => {
                        self.armed = Some((row, button));
                        Effect::Redraw
                    }
                    Some(_) => Effect::MenuPress { row, button },
                    None => Effect::Redraw,
                }
            }
            (_, Key::Back | Key::Erase) if armed.is_some() => Effect::Redraw,
            (_, Key::Back | Key::Erase) => return Outcome::back(Effect::Redraw),
            _ => Effect::Redraw,
        };
        Outcome::stay(effect)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    fn settings(rows: Vec<MenuRow>) -> Navigator {
        let mut navigator = Navigator::new();
        navigator.key(Key::Up);
        for _ in 0..4 {
            navigator.key(Key::Right);
        }
        assert_eq!(navigator.key(Key::Enter), Effect::Show(Screen::Settings));
        navigator.menu_mut().set_rows(rows);
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
        assert_eq!(navigator.menu().focus(), (1, 2, false));
        assert_eq!(navigator.key(Key::Enter), Effect::Redraw, "the first Enter only asks");
        assert_eq!(navigator.menu().focus(), (1, 2, true));
        assert_eq!(navigator.key(Key::Back), Effect::Redraw, "Back cancels the question");
        assert_eq!(navigator.menu().focus(), (1, 2, false));
        assert_eq!(navigator.screen(), Screen::Settings);
        navigator.key(Key::Enter);
        assert_eq!(navigator.key(Key::Enter), Effect::MenuPress { row: 1, button: 2 });
        navigator.key(Key::Down);
        navigator.key(Key::Down);
        assert_eq!(navigator.menu().focus(), (2, 0, false));
        assert_eq!(navigator.key(Key::Enter), Effect::Redraw);
        navigator.menu_mut().set_rows(vec![MenuRow::Info]);
        assert_eq!(navigator.menu().focus(), (0, 0, false), "focus stays within new rows");
        navigator.key(Key::Back);
        assert_eq!(navigator.screen(), Screen::Home);
    }

    #[test]
    fn menu_text_rows_take_typing_and_ask_before_submitting() {
        let mut navigator = settings(vec![MenuRow::Info, MenuRow::Text]);
        navigator.key(Key::Down);
        for character in "/tmp/x".chars() {
            assert_eq!(navigator.key(Key::Char(character)), Effect::MenuText { row: 1 });
        }
        assert_eq!(navigator.key(Key::Erase), Effect::MenuText { row: 1 });
        assert_eq!(navigator.menu().text(1), "/tmp/");
        assert_eq!(navigator.key(Key::Enter), Effect::MenuAsk { row: 1 });
        assert_eq!(navigator.key(Key::Enter), Effect::MenuPress { row: 1, button: 0 });
        assert_eq!(navigator.key(Key::Enter), Effect::MenuAsk { row: 1 }, "asks again next time");
    }

    #[test]
    fn enter_on_an_empty_text_row_opens_the_on_screen_keyboard() {
        let mut navigator = settings(vec![MenuRow::Info, MenuRow::Text]);
        navigator.key(Key::Down);
        assert_eq!(navigator.menu().keyboard(), None);
        assert_eq!(navigator.key(Key::Enter), Effect::Redraw, "nothing typed: the keyboard opens");
        assert_eq!(navigator.menu().keyboard(), Some(&Keyboard::in_layout(KeyboardLayout::Latin)));
        // The first key is "q"; Right moves to "w".
        assert_eq!(navigator.key(Key::Enter), Effect::MenuText { row: 1 });
        assert_eq!(navigator.key(Key::Right), Effect::Redraw);
        assert_eq!(navigator.key(Key::Enter), Effect::MenuText { row: 1 });
        assert_eq!(navigator.key(Key::Char('x')), Effect::MenuText { row: 1 }, "a keyboard types");
        assert_eq!(navigator.key(Key::Erase), Effect::MenuText { row: 1 });
        assert_eq!(navigator.menu().text(1), "qw");
        assert_eq!(navigator.key(Key::Up), Effect::Redraw, "up from the top row stays");
        assert_eq!(navigator.screen(), Screen::Settings);
        // Done is on the bottom row.
        for _ in 0..6 {
            navigator.key(Key::Down);
        }
        let on_done = |navigator: &Navigator| {
            let keyboard = navigator.menu().keyboard().expect("the keyboard is open");
            let (row, column) = keyboard.focus();
            keyboard.rows()[row][column] == KeyCap::Done
        };
        for _ in 0..8 {
            if !on_done(&navigator) {
                navigator.key(Key::Right);
            }
        }
        assert!(on_done(&navigator));
        assert_eq!(navigator.key(Key::Enter), Effect::MenuAsk { row: 1 }, "Done asks first");
        assert_eq!(navigator.menu().keyboard(), None, "and closes the keyboard");
        assert_eq!(navigator.key(Key::Enter), Effect::MenuPress { row: 1, button: 0 });
        navigator.menu.texts.clear();
        navigator.key(Key::Enter);
        assert!(navigator.menu().keyboard().is_some());
        assert_eq!(navigator.key(Key::Back), Effect::Redraw, "Back closes the keyboard");
        assert_eq!((navigator.menu().keyboard(), navigator.screen()), (None, Screen::Settings));
    }

    #[test]
    fn the_profile_picker_opens_over_home_and_a_choice_lands_on_home() {
        let mut navigator = Navigator::new();
        navigator.home_mut().set_rows(vec![ids(1..3), ids(3..5)]);
        navigator.key(Key::Down);
        navigator.show_profile_picker();
        assert_eq!(navigator.screen(), Screen::Profiles);
        navigator.menu_mut().set_rows(vec![
            MenuRow::Buttons(vec![false, true]),
            MenuRow::Buttons(vec![false, true]),
            MenuRow::Text,
        ]);
        navigator.key(Key::Down);
        assert_eq!(navigator.key(Key::Enter), Effect::MenuPress { row: 1, button: 0 });
        navigator.key(Key::Right);
        assert_eq!(navigator.key(Key::Enter), Effect::Redraw, "removing a profile asks first");
        navigator.profile_switched();
        assert_eq!(navigator.screen(), Screen::Home);
        navigator.home_mut().set_rows(vec![ids(1..3), ids(3..5)]);
        assert_eq!(navigator.home().focus(), (0, 0), "the new profile's home starts at the top");
        navigator.show_profile_picker();
        navigator.key(Key::Back);
        assert_eq!(navigator.screen(), Screen::Home, "Back keeps whoever was watching");
        navigator.key(Key::Enter);
        navigator.show_profile_picker();
        assert_ne!(navigator.screen(), Screen::Profiles, "only over Home");
    }
}
