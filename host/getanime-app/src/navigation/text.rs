//! Text typed elsewhere (the phone remote's keyboard): which field has the focus, and setting it
//! whole — the phone shows the whole text, so it replaces what the field holds.

use super::search::SearchFocus;
use super::{Effect, MenuRow, Navigator, Screen};

/// A text field with the focus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FocusedText {
    /// `search`, `menu` (a text row of Sources, Profiles, Accounts) or `sign-in` (a code).
    pub field: &'static str,
    pub value: String,
    /// The menu row it is (`None` elsewhere): the caller knows which rows are secret.
    pub menu_row: Option<usize>,
}

impl Navigator {
    /// The text field that has the focus, if one has.
    pub fn focused_text(&self) -> Option<FocusedText> {
        match self.screen() {
            Screen::Search => matches!(self.search.focus, SearchFocus::Box | SearchFocus::Keyboard)
                .then(|| FocusedText {
                    field: "search",
                    value: self.search.query.clone(),
                    menu_row: None,
                }),
            Screen::Sources | Screen::Settings | Screen::Profiles | Screen::Accounts => {
                let (row, _, _) = self.menu.focus();
                (self.menu.row_kind(row) == Some(&MenuRow::Text)).then(|| FocusedText {
                    field: "menu",
                    value: self.menu.text(row).to_owned(),
                    menu_row: Some(row),
                })
            }
            Screen::SignIn => self.sign_in.typed().map(|(value, _)| FocusedText {
                field: "sign-in",
                value,
                menu_row: None,
            }),
            _ => None,
        }
    }

    /// Replaces the focused field's text; `submit` does what Done does there. `None` when no
    /// text field has the focus.
    pub fn set_focused_text(&mut self, text: &str, submit: bool) -> Option<Effect> {
        self.focused_text()?;
        Some(match self.screen() {
            Screen::Search => {
                self.search.query = text.to_owned();
                if submit { self.search.search_sources().effect } else { Effect::SearchLibrary }
            }
            Screen::SignIn => {
                self.sign_in.set_typed(text);
                if submit { Effect::SignInSubmit } else { Effect::Redraw }
            }
            _ => {
                let (row, _, _) = self.menu.focus();
                self.menu.set_text(row, text, submit)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn the_search_box_and_a_code_take_text_from_elsewhere_and_other_screens_have_no_field() {
        let mut navigator = Navigator::new();
        assert_eq!(navigator.focused_text(), None, "home has no text field");
        assert_eq!(navigator.set_focused_text("x", false), None);
        navigator.open_screen(Screen::Search);
        let field = navigator.focused_text().expect("the search box");
        assert_eq!((field.field, field.value.as_str()), ("search", ""));
        assert_eq!(navigator.set_focused_text("Песнь", false), Some(Effect::SearchLibrary));
        assert_eq!(navigator.search().query(), "Песнь");
        assert_eq!(
            navigator.set_focused_text("Песнь ночных сов", true),
            Some(Effect::SearchSources)
        );

        navigator.open_screen(Screen::Accounts);
        navigator.open_screen(Screen::SignIn);
        assert_eq!(navigator.focused_text(), None, "a code step is not shown yet");
        navigator.sign_in_mut().start_typing();
        assert_eq!(navigator.set_focused_text("3ax-9", true), Some(Effect::SignInSubmit));
        assert_eq!(navigator.sign_in().typed(), Some(("3ax-9".to_owned(), 5)));
    }
}
