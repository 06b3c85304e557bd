//! Title: a row of buttons (list, favorite, hide from Continue watching, reset watched marks),
//! then one list of the episodes, then the torrents, then the franchise's other titles; left/right rate, `w` marks watched, the
//! menu key (`c`) marks every episode up to the focused one watched.

use getanime_domain::TitleId;

use super::{Effect, Key, Outcome, Screen};

/// The buttons above the episode list, left to right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(test, derive(strum::EnumIter))]
pub enum TitleButton {
    /// Steps the title through the profile's lists (or undoes the app's own move).
    List,
    Favorite,
    /// Takes the title off Continue watching.
    HideFromContinue,
    /// Forgets the watched marks: asks first.
    ResetWatched,
    /// Keeps the title off the profile's accounts, or lets it sync again.
    Sync,
}

impl TitleButton {
    pub const ALL: [TitleButton; 5] = [
        TitleButton::List,
        TitleButton::Favorite,
        TitleButton::HideFromContinue,
        TitleButton::ResetWatched,
        TitleButton::Sync,
    ];
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct TitleState {
    /// Episode numbers of the open title.
    episodes: Vec<f64>,
    /// The focused line: an episode, or past them a torrent.
    pub(super) focus: usize,
    /// How many torrents follow the episodes.
    pub(super) torrents: usize,
    /// How many related titles follow the torrents.
    pub(super) related: usize,
    /// The focused button (`None`: the focus is on the lines).
    pub(super) button: Option<TitleButton>,
    /// Reset watched marks asked "press Enter again".
    pub(super) armed: bool,
    /// Each episode's watched mark, as the library has it (then as the keys changed it).
    watched: Vec<bool>,
    /// The user's rating of the title, 1-10.
    rating: Option<u8>,
}

impl TitleState {
    pub fn set_episodes(&mut self, episodes: Vec<f64>, focus: usize) {
        self.focus = focus.min(episodes.len().saturating_sub(1));
        self.episodes = episodes;
    }

    /// The focused line (episodes first, then torrents, then related titles).
    pub fn focus(&self) -> usize {
        self.focus
    }

    /// The focused button, and whether it waits for a second Enter (`None`: the lines).
    pub fn button(&self) -> Option<(TitleButton, bool)> {
        self.button.map(|button| (button, self.armed))
    }

    /// How many torrents the open title lists after its episodes.
    pub fn set_torrents(&mut self, count: usize) {
        self.torrents = count;
    }

    /// How many related titles the open title lists after its torrents.
    pub fn set_related(&mut self, count: usize) {
        self.related = count;
    }

    /// The library's marks of the open title: each episode's watched flag, the rating.
    pub fn set_marks(&mut self, watched: Vec<bool>, rating: Option<u8>) {
        self.watched = watched;
        self.rating = rating;
    }

    /// Left/right: the rating one step up or down, kept at once so quick presses add up
    /// before the library answers.
    fn rate(&mut self, title: TitleId, delta: i8) -> Effect {
        self.rating = next_rating(self.rating, delta);
        Effect::Rate { title, score: self.rating }
    }

    /// `w`: the focused episode's watched mark flipped.
    fn toggle_watched(&mut self, title: TitleId) -> Effect {
        let Some(episode) = self.episodes.get(self.focus).copied() else { return Effect::Redraw };
        if self.watched.len() < self.episodes.len() {
            self.watched.resize(self.episodes.len(), false);
        }
        let watched = !self.watched[self.focus];
        self.watched[self.focus] = watched;
        Effect::SetWatched { title, episode, watched }
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
        if index >= self.episodes.len() + self.torrents + self.related {
            return false;
        }
        self.focus = index;
        self.button = None;
        true
    }

    /// Puts the focus on a button; a second click on the armed reset confirms it.
    pub(super) fn focus_button(&mut self, index: usize) -> bool {
        let Some(button) = TitleButton::ALL.get(index).copied() else { return false };
        if self.button != Some(button) {
            self.armed = false;
        }
        self.button = Some(button);
        true
    }

    /// A key while the focus is on the buttons.
    fn button_key(&mut self, title: TitleId, button: TitleButton, key: Key) -> Outcome {
        let at = TitleButton::ALL.iter().position(|candidate| *candidate == button).unwrap_or(0);
        let armed = std::mem::take(&mut self.armed);
        let effect = match key {
            Key::Left => {
                self.button = Some(TitleButton::ALL[at.saturating_sub(1)]);
                Effect::Redraw
            }
            Key::Right => {
                self.button = Some(TitleButton::ALL[(at + 1).min(TitleButton::ALL.len() - 1)]);
                Effect::Redraw
            }
            Key::Down => {
                self.button = None;
                Effect::Redraw
            }
            Key::Enter => match button {
                TitleButton::List => Effect::StepList { title },
                TitleButton::Favorite => Effect::ToggleFavorite { title },
                TitleButton::HideFromContinue => Effect::HideFromContinue { title },
                TitleButton::Sync => Effect::ToggleSync { title },
                TitleButton::ResetWatched if armed => Effect::ResetWatched { title },
                TitleButton::ResetWatched => {
                    self.armed = true;
                    Effect::Redraw
                }
            },
            Key::Back | Key::Erase => return Outcome::back(Effect::Redraw),
            _ => Effect::Redraw,
        };
        Outcome::stay(effect)
    }

    pub(super) fn key(&mut self, title: TitleId, key: Key) -> Outcome {
        if let Some(button) = self.button {
            return self.button_key(title, button, key);
        }
        let length = self.episodes.len() + self.torrents + self.related;
        let first_related = self.episodes.len() + self.torrents;
        let effect = match key {
            Key::Up if self.focus == 0 => {
                self.button = Some(TitleButton::List);
                Effect::Redraw
            }
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
                None if self.focus >= first_related && self.focus < length && key == Key::Enter => {
                    Effect::OpenRelated { title, related: self.focus - first_related }
                }
                None if self.focus < length && key == Key::Enter => {
                    Effect::CopyMagnet { title, torrent: self.focus - self.episodes.len() }
                }
                None => Effect::Redraw,
            },
            Key::Char('w' | 'W') => self.toggle_watched(title),
            Key::Menu | Key::Char('c' | 'C') => match self.episodes.get(self.focus) {
                Some(episode) => Effect::MarkWatchedThrough { title, episode: *episode },
                None => Effect::Redraw,
            },
            Key::Right => self.rate(title, 1),
            Key::Left => self.rate(title, -1),
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
    fn every_title_button_is_shown() {
        use strum::IntoEnumIterator;
        assert_eq!(super::TitleButton::iter().collect::<Vec<_>>(), super::TitleButton::ALL);
    }

    #[test]
    fn the_title_list_has_episodes_then_torrents() {
        let mut navigator = Navigator::new();
        navigator.home_mut().set_rows(vec![ids(5..6)]);
        navigator.key(Key::Enter);
        navigator.title_mut().set_episodes(vec![1.0, 2.0], 0);
        navigator.title_mut().set_torrents(2);
        assert_eq!(
            navigator.key(Key::Char('w')),
            Effect::SetWatched { title: TitleId(5), episode: 1.0, watched: true }
        );
        for _ in 0..5 {
            navigator.key(Key::Down);
        }
        assert_eq!(navigator.title().focus(), 3, "the last torrent");
        assert_eq!(navigator.key(Key::Enter), Effect::CopyMagnet { title: TitleId(5), torrent: 1 });
        assert_eq!(navigator.key(Key::Char('w')), Effect::Redraw, "a torrent has no watched mark");
        assert_eq!(navigator.key(Key::PlayPause), Effect::Redraw);
    }

    #[test]
    fn related_titles_follow_the_torrents_and_open_as_titles() {
        let mut navigator = Navigator::new();
        navigator.home_mut().set_rows(vec![ids(5..6)]);
        navigator.key(Key::Enter);
        navigator.title_mut().set_episodes(vec![1.0], 0);
        navigator.title_mut().set_torrents(1);
        navigator.title_mut().set_related(2);
        for _ in 0..5 {
            navigator.key(Key::Down);
        }
        assert_eq!(navigator.title().focus(), 3, "the last related title");
        assert_eq!(
            navigator.key(Key::Enter),
            Effect::OpenRelated { title: TitleId(5), related: 1 }
        );
        navigator.key(Key::Up);
        assert_eq!(
            navigator.key(Key::Enter),
            Effect::OpenRelated { title: TitleId(5), related: 0 }
        );
        navigator.key(Key::Up);
        assert_eq!(navigator.key(Key::Enter), Effect::CopyMagnet { title: TitleId(5), torrent: 0 });
        assert_eq!(navigator.open_title(TitleId(9)), Effect::OpenTitle(TitleId(9)));
        assert_eq!(navigator.screen(), Screen::Title(TitleId(9)));
        navigator.key(Key::Back);
        assert_eq!(navigator.screen(), Screen::Title(TitleId(5)), "Back returns to the first");
    }

    #[test]
    fn the_buttons_sit_above_the_first_episode_and_reset_asks_first() {
        use super::TitleButton;
        let mut navigator = Navigator::new();
        navigator.home_mut().set_rows(vec![ids(5..6)]);
        navigator.key(Key::Enter);
        navigator.title_mut().set_episodes(vec![1.0, 2.0, 3.0], 1);
        let title = TitleId(5);
        assert_eq!(
            navigator.key(Key::Char('c')),
            Effect::MarkWatchedThrough { title, episode: 2.0 },
            "the menu key marks up to the focused episode"
        );
        assert_eq!(navigator.key(Key::Menu), Effect::MarkWatchedThrough { title, episode: 2.0 });
        navigator.key(Key::Up);
        assert_eq!(navigator.title().button(), None, "from episode 2 Up goes to episode 1");
        navigator.key(Key::Up);
        assert_eq!(navigator.title().button(), Some((TitleButton::List, false)));
        assert_eq!(navigator.key(Key::Enter), Effect::StepList { title });
        assert_eq!(navigator.key(Key::Left), Effect::Redraw, "left stays on the first button");
        assert_eq!(navigator.title().button(), Some((TitleButton::List, false)));
        navigator.key(Key::Right);
        assert_eq!(navigator.key(Key::Enter), Effect::ToggleFavorite { title });
        navigator.key(Key::Right);
        assert_eq!(navigator.key(Key::Enter), Effect::HideFromContinue { title });
        navigator.key(Key::Right);
        assert_eq!(navigator.title().button(), Some((TitleButton::ResetWatched, false)));
        assert_eq!(navigator.key(Key::Enter), Effect::Redraw, "the first Enter only asks");
        assert_eq!(navigator.title().button(), Some((TitleButton::ResetWatched, true)));
        navigator.key(Key::Left);
        navigator.key(Key::Right);
        assert_eq!(navigator.key(Key::Enter), Effect::Redraw, "moving away disarms");
        assert_eq!(navigator.key(Key::Enter), Effect::ResetWatched { title });
        assert_eq!(navigator.title().button(), Some((TitleButton::ResetWatched, false)));
        navigator.key(Key::Right);
        assert_eq!(navigator.key(Key::Enter), Effect::ToggleSync { title }, "the last button");
        navigator.key(Key::Right);
        assert_eq!(navigator.title().button(), Some((TitleButton::Sync, false)), "it stays last");
        navigator.key(Key::Down);
        assert_eq!((navigator.title().button(), navigator.title().focus()), (None, 0));
        assert_eq!(navigator.key(Key::Enter), Effect::Play { title, episode: 1.0 });
        navigator.key(Key::Back);
        navigator.key(Key::Up);
        navigator.key(Key::Up);
        assert_eq!(navigator.key(Key::Back), Effect::Redraw);
        assert_eq!(navigator.screen(), Screen::Home, "Back from the buttons leaves the title");
    }

    #[test]
    fn the_title_screen_decides_the_rating_and_the_watched_marks() {
        let mut navigator = Navigator::new();
        navigator.home_mut().set_rows(vec![ids(5..6)]);
        navigator.key(Key::Enter);
        let title = TitleId(5);
        navigator.title_mut().set_episodes(vec![1.0, 2.0], 1);
        navigator.title_mut().set_marks(vec![false, true], Some(9));
        assert_eq!(navigator.key(Key::Right), Effect::Rate { title, score: Some(10) });
        assert_eq!(
            navigator.key(Key::Right),
            Effect::Rate { title, score: Some(10) },
            "at most 10"
        );
        assert_eq!(navigator.key(Key::Left), Effect::Rate { title, score: Some(9) });
        assert_eq!(
            navigator.key(Key::Char('w')),
            Effect::SetWatched { title, episode: 2.0, watched: false },
            "episode 2 was watched"
        );
        assert_eq!(
            navigator.key(Key::Char('w')),
            Effect::SetWatched { title, episode: 2.0, watched: true },
            "a second press before the library answers flips it back"
        );
        navigator.title_mut().set_marks(vec![true, true], None);
        navigator.key(Key::Up);
        assert_eq!(
            navigator.key(Key::Char('w')),
            Effect::SetWatched { title, episode: 1.0, watched: false },
            "the library's marks win once it answers"
        );
        assert_eq!(
            navigator.key(Key::Left),
            Effect::Rate { title, score: None },
            "none stays none"
        );
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
