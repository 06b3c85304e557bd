//! About: what this getanime is (versions, contracts, where its files are, the licences of what
//! ships); Up/Down scroll its lines, Back leaves.

use super::{Effect, Key, Outcome};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct AboutState {
    /// How many lines the screen lists.
    lines: usize,
    /// The first line shown.
    first: usize,
}

impl AboutState {
    /// The lines came (the screen opened): the list starts at the top.
    pub fn set_lines(&mut self, lines: usize) {
        self.lines = lines;
        self.first = 0;
    }

    /// The first line shown.
    pub fn first_line(&self) -> usize {
        self.first
    }

    pub(super) fn key(&mut self, key: Key) -> Outcome {
        match key {
            Key::Down => self.first = (self.first + 1).min(self.lines.saturating_sub(1)),
            Key::Up => self.first = self.first.saturating_sub(1),
            Key::Back | Key::Erase | Key::Enter => return Outcome::back(Effect::Redraw),
            _ => {}
        }
        Outcome::stay(Effect::Redraw)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn about_scrolls_its_lines_and_back_leaves() {
        let mut navigator = Navigator::new();
        assert_eq!(navigator.open_screen(Screen::About), Effect::Show(Screen::About));
        navigator.about_mut().set_lines(3);
        navigator.key(Key::Up);
        assert_eq!(navigator.about().first_line(), 0, "the top stays the top");
        for _ in 0..5 {
            navigator.key(Key::Down);
        }
        assert_eq!(navigator.about().first_line(), 2, "the last line stays on screen");
        assert_eq!(navigator.key(Key::Back), Effect::Redraw);
        assert_eq!(navigator.screen(), Screen::Home);
    }
}
