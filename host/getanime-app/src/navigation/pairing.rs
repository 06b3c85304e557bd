//! Pairing a phone (Settings → Phone remote → Pair): the code and the QR code are only shown;
//! Up/Down pick a paired phone, Enter forgets it, Back closes the screen (and the pairing window).

use super::{Effect, Key, Outcome};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct PairingState {
    /// How many paired phones are listed.
    phones: usize,
    focus: usize,
}

impl PairingState {
    /// The screen lists `count` phones; the focus stays on one of them.
    pub fn set_phones(&mut self, count: usize) {
        self.phones = count;
        self.focus = self.focus.min(count.saturating_sub(1));
    }

    /// The focused phone, if any is listed.
    pub fn focus(&self) -> Option<usize> {
        (self.phones > 0).then_some(self.focus)
    }

    pub(super) fn key(&mut self, key: Key) -> Outcome {
        match key {
            Key::Up => self.focus = self.focus.saturating_sub(1),
            Key::Down => self.focus = (self.focus + 1).min(self.phones.saturating_sub(1)),
            Key::Enter if self.phones > 0 => return Outcome::stay(Effect::ForgetPhone(self.focus)),
            Key::Back | Key::Erase => return Outcome::back(Effect::PairingClose),
            _ => {}
        }
        Outcome::stay(Effect::Redraw)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn enter_forgets_the_focused_phone_and_back_closes() {
        let mut navigator = Navigator::new();
        navigator.open_screen(Screen::Settings);
        assert_eq!(navigator.open_screen(Screen::Pairing), Effect::Show(Screen::Pairing));
        assert_eq!(navigator.key(Key::Enter), Effect::Redraw, "no phone yet");
        navigator.pairing_mut().set_phones(3);
        navigator.key(Key::Down);
        navigator.key(Key::Down);
        navigator.key(Key::Down);
        assert_eq!(navigator.key(Key::Enter), Effect::ForgetPhone(2));
        navigator.pairing_mut().set_phones(2);
        assert_eq!(navigator.pairing().focus(), Some(1));
        assert_eq!(navigator.key(Key::Back), Effect::PairingClose);
        assert_eq!(navigator.screen(), Screen::Settings);
    }
}
