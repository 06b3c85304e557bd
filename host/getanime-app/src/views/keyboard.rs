//! The on-screen keyboard's view: each key's label and width, the focused key.

use crate::language::tr;
use crate::navigation::{KeyCap, Keyboard, KeyboardLayout};

/// One key as drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyView {
    pub label: String,
    /// In letter widths: letters are 1, the space bar wider.
    pub width: u8,
}

/// The keyboard as drawn: rows of keys, and the focused one (`None`: the focus is elsewhere).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyboardView {
    pub rows: Vec<Vec<KeyView>>,
    pub focus: Option<(usize, usize)>,
}

/// What the layout switch key says: the layout it leads to.
fn layout_name(layout: KeyboardLayout) -> &'static str {
    match layout {
        KeyboardLayout::Cyrillic => "АБВ",
        KeyboardLayout::Latin => "ABC",
        KeyboardLayout::Symbols => "123",
        KeyboardLayout::Code => "abc",
        KeyboardLayout::CodeUpper => "ABC",
    }
}

pub fn keyboard(keyboard: &Keyboard, focused: bool) -> KeyboardView {
    let rows = keyboard
        .rows()
        .into_iter()
        .map(|row| {
            row.into_iter()
                .map(|key| match key {
                    KeyCap::Char(character) => KeyView { label: character.to_string(), width: 1 },
                    KeyCap::Space => KeyView { label: tr!("Space").into(), width: 4 },
                    KeyCap::Erase => KeyView { label: "⌫".into(), width: 2 },
                    KeyCap::NextLayout => {
                        KeyView { label: layout_name(keyboard.layout().next()).into(), width: 2 }
                    }
                    KeyCap::Done => KeyView { label: tr!("Done").into(), width: 3 },
                    KeyCap::CursorBack => KeyView { label: "◀".into(), width: 2 },
                    KeyCap::CursorOn => KeyView { label: "▶".into(), width: 2 },
                })
                .collect()
        })
        .collect();
    KeyboardView { rows, focus: focused.then(|| keyboard.focus()) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::navigation::Key;

    #[test]
    fn the_switch_key_names_the_next_layout_and_the_focus_shows_only_when_focused() {
        let mut board = Keyboard::default();
        let view = keyboard(&board, true);
        assert_eq!(view.rows[0][0].label, "й");
        let bottom: Vec<&str> = view.rows[3].iter().map(|key| key.label.as_str()).collect();
        assert_eq!(bottom, ["ABC", "Space", "⌫", "Done"]);
        assert_eq!(view.focus, Some((0, 0)));
        board.enter_from_top(false);
        board.key(Key::Enter);
        let view = keyboard(&board, false);
        assert_eq!(view.rows[0][0].label, "q");
        assert_eq!(view.rows[3][0].label, "123");
        assert_eq!(view.focus, None);
    }
}
