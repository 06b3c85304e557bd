//! Player: seek, pause, skip the opening or ending, change quality, retry after an error.

use getanime_domain::TitleId;

use super::{Effect, Key, Outcome, SEEK_STEP_MS};

/// What the player's keys depend on: the prompts the player shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct PlayerControls {
    /// The "Skip opening/ending" prompt shows.
    pub(super) skip_available: bool,
    /// The error panel shows.
    pub(super) failed: bool,
}

impl PlayerControls {
    pub(super) fn key(&mut self, title: TitleId, episode: f64, key: Key) -> Outcome {
        let effect = match key {
            Key::Back | Key::Erase => return Outcome::back(Effect::StopPlayback),
            // After a playback error, Enter tries the episode again.
            Key::Enter if self.failed => {
                self.failed = false;
                Effect::Play { title, episode }
            }
            // While "Skip opening/ending" shows, Enter presses it (as on streaming apps).
            Key::Enter if self.skip_available => {
                self.skip_available = false;
                Effect::Skip
            }
            Key::Enter | Key::PlayPause => Effect::PlayPause,
            Key::Right | Key::SeekForward => Effect::SeekBy(SEEK_STEP_MS),
            Key::Left | Key::SeekBackward => Effect::SeekBy(-SEEK_STEP_MS),
            Key::Up => Effect::SeekBy(6 * SEEK_STEP_MS),
            Key::Down => Effect::SeekBy(-6 * SEEK_STEP_MS),
            Key::Char(' ') => Effect::PlayPause,
            Key::Char('q' | 'Q') => Effect::CycleQuality,
            // `s` as in most players, `t` as in Kodi.
            Key::Char('s' | 'S' | 't' | 'T') => Effect::CycleSubtitles,
            // Next/previous are the navigator's (they need the title's episodes).
            Key::Char(_) | Key::Menu | Key::Home | Key::NextEpisode | Key::PreviousEpisode => {
                Effect::Redraw
            }
        };
        Outcome::stay(effect)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn enter_opens_a_title_then_plays_the_focused_episode_and_back_returns() {
        let mut navigator = Navigator::new();
        navigator.set_home_rows(vec![ids(5..7)]);
        navigator.key(Key::Right);
        assert_eq!(navigator.key(Key::Enter), Effect::OpenTitle(TitleId(6)));
        assert_eq!(navigator.screen(), Screen::Title(TitleId(6)));
        navigator.set_episodes(vec![1.0, 2.0, 2.5], 1);
        assert_eq!(navigator.key(Key::Right), Effect::Rate { title: TitleId(6), delta: 1 });
        assert_eq!(navigator.key(Key::Left), Effect::Rate { title: TitleId(6), delta: -1 });
        navigator.key(Key::Down);
        assert_eq!(navigator.key(Key::Enter), Effect::Play { title: TitleId(6), episode: 2.5 });
        assert_eq!(navigator.key(Key::Right), Effect::SeekBy(SEEK_STEP_MS));
        assert_eq!(navigator.key(Key::Down), Effect::SeekBy(-6 * SEEK_STEP_MS));
        assert_eq!(navigator.key(Key::Enter), Effect::PlayPause);
        navigator.set_skip_available(true);
        assert_eq!(navigator.key(Key::Enter), Effect::Skip, "Enter presses the skip prompt");
        assert_eq!(navigator.key(Key::Enter), Effect::PlayPause, "once");
        assert_eq!(navigator.key(Key::Char('q')), Effect::CycleQuality);
        assert_eq!(navigator.key(Key::Char('s')), Effect::CycleSubtitles);
        assert_eq!(navigator.key(Key::Char('t')), Effect::CycleSubtitles);
        navigator.set_player_failed(true);
        assert_eq!(
            navigator.key(Key::Enter),
            Effect::Play { title: TitleId(6), episode: 2.5 },
            "Enter on the error panel tries again"
        );
        assert_eq!(navigator.key(Key::Back), Effect::StopPlayback);
        assert_eq!(navigator.screen(), Screen::Title(TitleId(6)));
        navigator.key(Key::Back);
        assert_eq!(navigator.screen(), Screen::Home);
        assert_eq!(navigator.home_focus(), (0, 1), "focus is where it was");
        assert_eq!(navigator.key(Key::Back), Effect::Quit);
    }

    #[test]
    fn next_and_previous_track_keys_change_the_episode_and_back_lands_on_it() {
        let mut navigator = Navigator::new();
        navigator.set_home_rows(vec![ids(5..6)]);
        navigator.key(Key::Enter);
        navigator.set_episodes(vec![1.0, 2.0, 2.5], 0);
        assert_eq!(navigator.key(Key::Enter), Effect::Play { title: TitleId(5), episode: 1.0 });
        assert_eq!(navigator.key(Key::PreviousEpisode), Effect::Redraw, "none before the first");
        assert_eq!(
            navigator.key(Key::NextEpisode),
            Effect::Play { title: TitleId(5), episode: 2.0 }
        );
        assert_eq!(
            navigator.key(Key::NextEpisode),
            Effect::Play { title: TitleId(5), episode: 2.5 }
        );
        assert_eq!(navigator.screen(), Screen::Player { title: TitleId(5), episode: 2.5 });
        assert_eq!(navigator.key(Key::NextEpisode), Effect::Redraw, "none after the last");
        assert_eq!(
            navigator.key(Key::PreviousEpisode),
            Effect::Play { title: TitleId(5), episode: 2.0 }
        );
        assert_eq!(navigator.key(Key::Back), Effect::StopPlayback);
        assert_eq!(navigator.episode_focus(), 1, "the title shows the episode last played");
    }
}
