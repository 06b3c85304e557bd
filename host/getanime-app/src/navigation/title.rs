//! Title: one list of the episodes, then the torrents; left/right rate, `w` marks watched.

use getanime_domain::TitleId;

use super::{Effect, Key, Outcome, Screen};

#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct TitleState {
    /// Episode numbers of the open title.
    episodes: Vec<f64>,
    /// The focused line: an episode, or past them a torrent.
    pub(super) focus: usize,
    /// How many torrents follow the episodes.
    pub(super) torrents: usize,
}

impl TitleState {
    pub(super) fn set_episodes(&mut self, episodes: Vec<f64>, focus: usize) {
        self.focus = focus.min(episodes.len().saturating_sub(1));
        self.episodes = episodes;
    }

    /// The episode after (or before) `episode`, which takes the focus so Back lands on it.
    pub(super) fn neighbour(&mut self, episode: f64, next: bool) -> Option<f64> {
        let index = self.episodes.iter().position(|number| *number == episode)?;
        let index = if next { index + 1 } else { index.checked_sub(1)? };
        let number = *self.episodes.get(index)?;
        self.focus = index;
        Some(number)
    }

    /// Puts the focus on a line (an episode, or past them a torrent), if it exists.
    pub(super) fn focus_line(&mut self, index: usize) -> bool {
        if index >= self.episodes.len() + self.torrents {
            return false;
        }
        self.focus = index;
        true
    }

    pub(super) fn key(&mut self, title: TitleId, key: Key) -> Outcome {
        let length = self.episodes.len() + self.torrents;
        let effect = match key {
            Key::Up => {
                self.focus = self.focus.saturating_sub(1);
                Effect::Redraw
            }
            Key::Down => {
                self.focus = (self.focus + 1).min(length.saturating_sub(1));
                Effect::Redraw
            }
            Key::Enter | Key::PlayPause => match self.episodes.get(self.focus) {
                Some(episode) => {
                    let episode = *episode;
                    return Outcome::open(
                        Screen::Player { title, episode },
                        Effect::Play { title, episode },
                    );
                }
                None if self.focus < length && key == Key::Enter => {
                    Effect::CopyMagnet { title, torrent: self.focus - self.episodes.len() }
                }
                None => Effect::Redraw,
            },
            Key::Char('w' | 'W') => match self.episodes.get(self.focus) {
                Some(episode) => Effect::ToggleWatched { title, episode: *episode },
                None => Effect::Redraw,
            },
            Key::Right => Effect::Rate { title, delta: 1 },
            Key::Left => Effect::Rate { title, delta: -1 },
            Key::Back | Key::Erase => return Outcome::back(Effect::Redraw),
            _ => Effect::Redraw,
        };
        Outcome::stay(effect)
    }
}

/// The rating after a left/right press: from none, right gives 1; left at 1 clears it.
pub fn next_rating(current: Option<u8>, delta: i8) -> Option<u8> {
    match (current, delta) {
        (None, delta) if delta > 0 => Some(1),
        (None, _) => None,
        (Some(1), delta) if delta < 0 => None,
        (Some(score), delta) => Some((i16::from(score) + i16::from(delta)).clamp(1, 10) as u8),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn the_title_list_has_episodes_then_torrents() {
        let mut navigator = Navigator::new();
        navigator.set_home_rows(vec![ids(5..6)]);
        navigator.key(Key::Enter);
        navigator.set_episodes(vec![1.0, 2.0], 0);
        navigator.set_torrents(2);
        assert_eq!(
            navigator.key(Key::Char('w')),
            Effect::ToggleWatched { title: TitleId(5), episode: 1.0 }
        );
        for _ in 0..5 {
            navigator.key(Key::Down);
        }
        assert_eq!(navigator.episode_focus(), 3, "the last torrent");
        assert_eq!(navigator.key(Key::Enter), Effect::CopyMagnet { title: TitleId(5), torrent: 1 });
        assert_eq!(navigator.key(Key::Char('w')), Effect::Redraw, "a torrent has no watched mark");
        assert_eq!(navigator.key(Key::PlayPause), Effect::Redraw);
    }

    #[test]
    fn ratings_step_within_one_to_ten_and_clear_below_one() {
        assert_eq!(next_rating(None, 1), Some(1));
        assert_eq!(next_rating(None, -1), None);
        assert_eq!(next_rating(Some(7), 1), Some(8));
        assert_eq!(next_rating(Some(10), 1), Some(10));
        assert_eq!(next_rating(Some(2), -1), Some(1));
        assert_eq!(next_rating(Some(1), -1), None);
    }
}
