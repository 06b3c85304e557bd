//! The on-screen keyboard: a grid of keys a remote types with (arrows move, Enter presses), for
//! the search box and every text row. Cyrillic first (the shipped sources' titles are Russian),
//! then Latin, then digits and the signs URLs and paths need. Sign-in codes get their own pair of
//! layouts (digits, letters of one case, `-` and `_`, and a cursor to fix one character).

use super::Key;

/// Which letters the keyboard shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KeyboardLayout {
    #[default]
    Cyrillic,
    Latin,
    Symbols,
    /// A pasted sign-in code, lower case (OAuth codes are digits, letters, `-`, `_`).
    Code,
    /// The same, upper case.
    CodeUpper,
}

impl KeyboardLayout {
    /// The layout the switch key moves to.
    pub fn next(self) -> Self {
        match self {
            Self::Cyrillic => Self::Latin,
            Self::Latin => Self::Symbols,
            Self::Symbols => Self::Cyrillic,
            Self::Code => Self::CodeUpper,
            Self::CodeUpper => Self::Code,
        }
    }

    /// The character rows, top to bottom (the bottom row of special keys comes after them).
    fn letters(self) -> &'static [&'static str] {
        match self {
            Self::Cyrillic => &["йцукенгшщзхъ", "фывапролджэё", "ячсмитьбю.-"],
            Self::Latin => &["qwertyuiop", "asdfghjkl:", "zxcvbnm./-"],
            Self::Symbols => &["1234567890", "_?=&#%+~@!", "'\",;()[]"],
            Self::Code => &["1234567890", "qwertyuiop", "asdfghjkl-", "zxcvbnm_"],
            Self::CodeUpper => &["1234567890", "QWERTYUIOP", "ASDFGHJKL-", "ZXCVBNM_"],
        }
    }

    /// The special keys' row, below the letters: codes have no spaces, and a cursor instead.
    fn bottom_row(self) -> &'static [KeyCap] {
        match self {
            Self::Code | Self::CodeUpper => &CODE_BOTTOM_ROW,
            _ => &BOTTOM_ROW,
        }
    }
}

/// One key of the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyCap {
    Char(char),
    Space,
    Erase,
    /// Switches to [`KeyboardLayout::next`].
    NextLayout,
    /// Finishes typing (searches, or submits the text row).
    Done,
    /// Moves the cursor one character back or on (code layouts).
    CursorBack,
    CursorOn,
}

/// The special keys' row, below the letters.
const BOTTOM_ROW: [KeyCap; 4] = [KeyCap::NextLayout, KeyCap::Space, KeyCap::Erase, KeyCap::Done];

/// The code layouts' special keys.
const CODE_BOTTOM_ROW: [KeyCap; 5] =
    [KeyCap::NextLayout, KeyCap::CursorBack, KeyCap::CursorOn, KeyCap::Erase, KeyCap::Done];

/// What a key did on the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Typed {
    /// The focus moved (or nothing happened).
    Moved,
    /// Append this character.
    Char(char),
    /// Remove the character before the cursor (the last one where there is no cursor).
    Erase,
    /// Move the cursor one character back or on.
    CursorBack,
    CursorOn,
    /// Typing is finished.
    Done,
    /// Up from the top row: the focus leaves the keyboard upwards.
    LeftUp,
    /// Down from the bottom row: the focus leaves the keyboard downwards.
    LeftDown,
}

/// The keyboard's layout and focused key.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Keyboard {
    layout: KeyboardLayout,
    row: usize,
    column: usize,
}

impl Keyboard {
    /// A keyboard showing `layout` first (Latin for URLs and paths).
    pub fn in_layout(layout: KeyboardLayout) -> Keyboard {
        Keyboard { layout, ..Keyboard::default() }
    }

    pub fn layout(&self) -> KeyboardLayout {
        self.layout
    }

    /// The focused key as (row, column).
    pub fn focus(&self) -> (usize, usize) {
        (self.row, self.column)
    }

    /// Every row of keys of the current layout, top to bottom.
    pub fn rows(&self) -> Vec<Vec<KeyCap>> {
        let mut rows: Vec<Vec<KeyCap>> = self
            .layout
            .letters()
            .iter()
            .map(|letters| letters.chars().map(KeyCap::Char).collect())
            .collect();
        rows.push(self.layout.bottom_row().to_vec());
        rows
    }

    /// Puts the focus on the top row (entering from above) or the bottom row (from below).
    pub fn enter_from_top(&mut self, from_top: bool) {
        self.row = if from_top { 0 } else { self.rows().len() - 1 };
        self.clamp_column();
    }

    /// Puts the focus on the key at (row, column), if the layout has one there.
    pub fn focus_at(&mut self, row: usize, column: usize) -> bool {
        if self.rows().get(row).is_none_or(|keys| column >= keys.len()) {
            return false;
        }
        (self.row, self.column) = (row, column);
        true
    }

    pub fn key(&mut self, key: Key) -> Typed {
        let rows = self.rows();
        match key {
            Key::Up if self.row == 0 => Typed::LeftUp,
            Key::Up => {
                self.row -= 1;
                self.clamp_column();
                Typed::Moved
            }
            Key::Down if self.row + 1 >= rows.len() => Typed::LeftDown,
            Key::Down => {
                self.row += 1;
                self.clamp_column();
                Typed::Moved
            }
            // Left and right wrap around a row, as TV keyboards do.
            Key::Left => {
                let length = rows[self.row].len();
                self.column = (self.column + length - 1) % length;
                Typed::Moved
            }
            Key::Right => {
                self.column = (self.column + 1) % rows[self.row].len();
                Typed::Moved
            }
            Key::Enter => match rows[self.row][self.column] {
                KeyCap::Char(character) => Typed::Char(character),
                KeyCap::Space => Typed::Char(' '),
                KeyCap::Erase => Typed::Erase,
                KeyCap::Done => Typed::Done,
                KeyCap::CursorBack => Typed::CursorBack,
                KeyCap::CursorOn => Typed::CursorOn,
                KeyCap::NextLayout => {
                    self.layout = self.layout.next();
                    self.clamp_column();
                    Typed::Moved
                }
            },
            _ => Typed::Moved,
        }
    }

    fn clamp_column(&mut self) {
        let rows = self.rows();
        self.row = self.row.min(rows.len() - 1);
        self.column = self.column.min(rows[self.row].len() - 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Presses `keys` and returns what the last one typed.
    fn press(keyboard: &mut Keyboard, keys: &[Key]) -> Typed {
        let mut last = Typed::Moved;
        for key in keys {
            last = keyboard.key(*key);
        }
        last
    }

    #[test]
    fn arrows_and_enter_type_cyrillic_latin_and_digits() {
        let mut keyboard = Keyboard::default();
        assert_eq!(press(&mut keyboard, &[Key::Enter]), Typed::Char('й'));
        assert_eq!(press(&mut keyboard, &[Key::Down, Key::Right, Key::Enter]), Typed::Char('ы'));
        assert_eq!(press(&mut keyboard, &[Key::Left, Key::Left, Key::Enter]), Typed::Char('ё'));

        // The bottom row: layout switch, space, erase, done.
        let mut keyboard = Keyboard::default();
        keyboard.enter_from_top(false);
        assert_eq!(keyboard.rows()[keyboard.focus().0], BOTTOM_ROW.to_vec());
        assert_eq!(press(&mut keyboard, &[Key::Enter]), Typed::Moved);
        assert_eq!(keyboard.layout(), KeyboardLayout::Latin);
        assert_eq!(
            press(&mut keyboard, &[Key::Up, Key::Up, Key::Up, Key::Enter]),
            Typed::Char('q')
        );
        keyboard.enter_from_top(false);
        press(&mut keyboard, &[Key::Left, Key::Left, Key::Left, Key::Left]);
        assert_eq!(press(&mut keyboard, &[Key::Enter]), Typed::Moved);
        assert_eq!(keyboard.layout(), KeyboardLayout::Symbols);
        assert_eq!(press(&mut keyboard, &[Key::Right, Key::Enter]), Typed::Char(' '));
        assert_eq!(press(&mut keyboard, &[Key::Right, Key::Enter]), Typed::Erase);
        assert_eq!(press(&mut keyboard, &[Key::Right, Key::Enter]), Typed::Done);
        assert_eq!(
            press(&mut keyboard, &[Key::Up, Key::Up, Key::Up, Key::Enter]),
            Typed::Char('4')
        );
    }

    #[test]
    fn the_code_layouts_type_digits_both_cases_dash_underscore_and_move_the_cursor() {
        let mut keyboard = Keyboard::in_layout(KeyboardLayout::Code);
        assert_eq!(press(&mut keyboard, &[Key::Enter]), Typed::Char('1'));
        let dash = press(&mut keyboard, &[Key::Down, Key::Down, Key::Left, Key::Enter]);
        assert_eq!(dash, Typed::Char('-'));
        // The shorter row below: the focus stays on its last key.
        assert_eq!(press(&mut keyboard, &[Key::Down, Key::Enter]), Typed::Char('_'));
        assert_eq!(press(&mut keyboard, &[Key::Down, Key::Enter]), Typed::Done);
        assert_eq!(
            press(&mut keyboard, &[Key::Left, Key::Left, Key::Left, Key::Enter]),
            Typed::CursorBack
        );
        assert_eq!(press(&mut keyboard, &[Key::Right, Key::Enter]), Typed::CursorOn);
        assert_eq!(press(&mut keyboard, &[Key::Left, Key::Left, Key::Enter]), Typed::Moved);
        assert_eq!(keyboard.layout(), KeyboardLayout::CodeUpper);
        assert_eq!(
            press(&mut keyboard, &[Key::Up, Key::Up, Key::Up, Key::Enter]),
            Typed::Char('Q')
        );
        assert!(
            !keyboard.rows().iter().flatten().any(|key| *key == KeyCap::Space),
            "no spaces in codes"
        );
    }

    #[test]
    fn the_focus_leaves_at_the_edges_and_stays_on_a_key() {
        let mut keyboard = Keyboard::default();
        assert_eq!(keyboard.key(Key::Up), Typed::LeftUp);
        // The last column of a long row, then down to the shorter bottom row: still on a key.
        press(&mut keyboard, &[Key::Left]);
        assert_eq!(keyboard.focus(), (0, 11));
        press(&mut keyboard, &[Key::Down, Key::Down, Key::Down]);
        assert_eq!(keyboard.focus(), (3, 3));
        assert_eq!(keyboard.key(Key::Down), Typed::LeftDown);
        assert_eq!(keyboard.key(Key::Enter), Typed::Done);
        for layout in [
            KeyboardLayout::Cyrillic,
            KeyboardLayout::Latin,
            KeyboardLayout::Symbols,
            KeyboardLayout::Code,
            KeyboardLayout::CodeUpper,
        ] {
            let keyboard = Keyboard { layout, ..Keyboard::default() };
            let characters: Vec<char> = keyboard
                .rows()
                .iter()
                .flatten()
                .filter_map(|key| match key {
                    KeyCap::Char(character) => Some(*character),
                    _ => None,
                })
                .collect();
            let mut unique = characters.clone();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!(unique.len(), characters.len(), "{layout:?} has a key twice");
        }
    }
}
