//! Player: seek, pause, skip the opening or ending, change quality, retry after an error.

use getanime_domain::TitleId;

use super::{Effect, Key, Outcome, SEEK_STEP_MS};
use crate::VolumeChange;

/// What the player's keys depend on: the prompts the player shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlayerControls {
    /// The "Skip opening/ending" prompt shows.
    pub(super) skip_available: bool,
    /// The error panel shows.
    pub(super) failed: bool,
    /// The episode's subtitle tracks, and the one shown.
    pub(super) subtitle_tracks: usize,
    pub(super) subtitle_chosen: Option<usize>,
    /// The subtitle picker is open on this row (0 is "off", then the tracks).
    pub(super) picker: Option<usize>,
}

impl PlayerControls {
    /// The player shows its error panel (`true`) or plays again.
    pub fn set_failed(&mut self, failed: bool) {
        self.failed = failed;
    }

    /// The player shows (or hides) its "Skip opening/ending" prompt.
    pub fn set_skip_available(&mut self, available: bool) {
        self.skip_available = available;
    }

    /// The subtitle picker's focused row (0 is "off"), while it is open.
    pub fn picker(&self) -> Option<usize> {
        self.picker
    }

    pub(super) fn key(&mut self, title: TitleId, episode: f64, key: Key) -> Outcome {
        if let Some(row) = self.picker {
            return Outcome::stay(self.picker_key(row, key));
        }
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
            // `+`/`-` as in Kodi (`=` is `+` without Shift), `m` as in most players.
            Key::Char('+' | '=') => Effect::Volume(VolumeChange::Up),
            Key::Char('-') => Effect::Volume(VolumeChange::Down),
            Key::Char('m' | 'M') => Effect::Volume(VolumeChange::Mute(None)),
            // The menu key lists them, as Kodi's and Jellyfin's subtitle menus do.
            Key::Menu if self.subtitle_tracks > 0 => {
                self.picker = Some(self.subtitle_chosen.map_or(0, |index| index + 1));
                Effect::Redraw
            }
            // Next/previous are the navigator's (they need the title's episodes).
            Key::Char(_) | Key::Menu | Key::Home | Key::NextEpisode | Key::PreviousEpisode => {
                Effect::Redraw
            }
        };
        Outcome::stay(effect)
    }

    /// Keys while the subtitle picker is open: it has them all, Back closes it (not the player).
    fn picker_key(&mut self, row: usize, key: Key) -> Effect {
        match key {
            Key::Up => self.picker = Some(row.saturating_sub(1)),
            Key::Down => self.picker = Some((row + 1).min(self.subtitle_tracks)),
            Key::Enter => {
                self.picker = None;
                return Effect::ChooseSubtitle(row.checked_sub(1));
            }
            Key::Back | Key::Erase | Key::Menu => self.picker = None,
            _ => {}
        }
        Effect::Redraw
    }

    /// The episode playing has `tracks` subtitle tracks, `chosen` shown; a picker left open
    /// on an episode without them closes.
    pub fn set_subtitles(&mut self, tracks: usize, chosen: Option<usize>) {
        self.subtitle_tracks = tracks;
        self.subtitle_chosen = chosen.filter(|index| *index < tracks);
        if tracks == 0 {
            self.picker = None;
        }
        if let Some(row) = self.picker {
            self.picker = Some(row.min(tracks));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn a_phone_plays_an_episode_over_its_title_screen() {
        let mut navigator = Navigator::new();
        let title = TitleId(6);
        assert_eq!(navigator.open_player(title, 2.0), Effect::Play { title, episode: 2.0 });
        assert_eq!(navigator.screen(), Screen::Player { title, episode: 2.0 });
        assert_eq!(navigator.open_player(title, 3.0), Effect::Play { title, episode: 3.0 });
        navigator.key(Key::Back);
        assert_eq!(navigator.screen(), Screen::Title(title), "one title screen under the player");
        navigator.key(Key::Back);
        assert_eq!(navigator.screen(), Screen::Home);
    }

    /// A navigator playing episode 1 of title 6.
    fn playing() -> Navigator {
        let mut navigator = Navigator::new();
        navigator.home_mut().set_rows(vec![ids(6..7)]);
        navigator.key(Key::Enter);
        navigator.title_mut().set_episodes(vec![1.0, 2.0], 0);
        assert_eq!(navigator.key(Key::Enter), Effect::Play { title: TitleId(6), episode: 1.0 });
        navigator
    }

    #[test]
    fn the_menu_key_opens_the_subtitle_picker_whose_enter_chooses_and_back_closes() {
        let mut navigator = playing();
        assert_eq!(navigator.key(Key::Menu), Effect::Redraw);
        assert_eq!(navigator.player().picker(), None, "no subtitles: no picker");
        navigator.player_mut().set_subtitles(2, Some(0));
        navigator.key(Key::Menu);
        assert_eq!(navigator.player().picker(), Some(1), "opens on the track shown");
        navigator.key(Key::Down);
        navigator.key(Key::Down);
        assert_eq!(navigator.player().picker(), Some(2), "the last track is the last row");
        assert_eq!(navigator.key(Key::Right), Effect::Redraw, "no seeking under the picker");
        assert_eq!(navigator.key(Key::Enter), Effect::ChooseSubtitle(Some(1)));
        assert_eq!(navigator.player().picker(), None);
        navigator.key(Key::Menu);
        navigator.key(Key::Up);
        navigator.key(Key::Up);
        navigator.key(Key::Up);
        assert_eq!(navigator.key(Key::Enter), Effect::ChooseSubtitle(None), "row 0 is off");
        navigator.key(Key::Menu);
        assert_eq!(navigator.key(Key::Back), Effect::Redraw, "Back closes the picker");
        assert_eq!(navigator.screen(), Screen::Player { title: TitleId(6), episode: 1.0 });
        navigator.key(Key::Menu);
        navigator.player_mut().set_subtitles(0, None);
        assert_eq!(navigator.player().picker(), None, "the next episode has none");
        assert_eq!(navigator.key(Key::Back), Effect::StopPlayback);
    }

    #[test]
    fn enter_opens_a_title_then_plays_the_focused_episode_and_back_returns() {
        let mut navigator = Navigator::new();
        navigator.home_mut().set_rows(vec![ids(5..7)]);
        navigator.key(Key::Right);
        assert_eq!(navigator.key(Key::Enter), Effect::OpenTitle(TitleId(6)));
        assert_eq!(navigator.screen(), Screen::Title(TitleId(6)));
        navigator.title_mut().set_episodes(vec![1.0, 2.0, 2.5], 1);
        assert_eq!(navigator.key(Key::Right), Effect::Rate { title: TitleId(6), score: Some(1) });
        assert_eq!(navigator.key(Key::Left), Effect::Rate { title: TitleId(6), score: None });
        navigator.key(Key::Down);
        assert_eq!(navigator.key(Key::Enter), Effect::Play { title: TitleId(6), episode: 2.5 });
        assert_eq!(navigator.key(Key::Right), Effect::SeekBy(SEEK_STEP_MS));
        assert_eq!(navigator.key(Key::Down), Effect::SeekBy(-6 * SEEK_STEP_MS));
        assert_eq!(navigator.key(Key::Enter), Effect::PlayPause);
        navigator.player_mut().set_skip_available(true);
        assert_eq!(navigator.key(Key::Enter), Effect::Skip, "Enter presses the skip prompt");
        assert_eq!(navigator.key(Key::Enter), Effect::PlayPause, "once");
        assert_eq!(navigator.key(Key::Char('q')), Effect::CycleQuality);
        assert_eq!(navigator.key(Key::Char('s')), Effect::CycleSubtitles);
        assert_eq!(navigator.key(Key::Char('t')), Effect::CycleSubtitles);
        assert_eq!(navigator.key(Key::Char('+')), Effect::Volume(crate::VolumeChange::Up));
        assert_eq!(navigator.key(Key::Char('-')), Effect::Volume(crate::VolumeChange::Down));
        assert_eq!(navigator.key(Key::Char('m')), Effect::Volume(crate::VolumeChange::Mute(None)));
        navigator.player_mut().set_failed(true);
        assert_eq!(
            navigator.key(Key::Enter),
            Effect::Play { title: TitleId(6), episode: 2.5 },
            "Enter on the error panel tries again"
        );
        assert_eq!(navigator.key(Key::Back), Effect::StopPlayback);
        assert_eq!(navigator.screen(), Screen::Title(TitleId(6)));
        navigator.key(Key::Back);
        assert_eq!(navigator.screen(), Screen::Home);
        assert_eq!(navigator.home().focus(), (0, 1), "focus is where it was");
        assert_eq!(navigator.key(Key::Back), Effect::Quit);
    }

    #[test]
    fn next_and_previous_track_keys_change_the_episode_and_back_lands_on_it() {
        let mut navigator = Navigator::new();
        navigator.home_mut().set_rows(vec![ids(5..6)]);
        navigator.key(Key::Enter);
        navigator.title_mut().set_episodes(vec![1.0, 2.0, 2.5], 0);
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
        assert_eq!(navigator.title().focus(), 1, "the title shows the episode last played");
    }
}
