//! The playback loop, once for the TV and for `getanime play`: it owns the [`Player`], feeds
//! its events to the core's [`PlaybackSession`], stores what the session decides, takes
//! [`PlaybackCommand`]s and tells whoever shows it what happened as [`PlaybackNews`]. It runs on
//! its own thread (the TV's playback thread, or the CLI's blocking section).

use std::cell::Cell;
use std::sync::mpsc::{Receiver, RecvTimeoutError, TryRecvError};
use std::time::Duration;

use anyhow::{Result, bail};
use getanime_app::domain::{Quality, SubtitleTrack, TitleId};
use getanime_app::{App, PlaybackSession, PlayerOverlay, SessionState, Volume, VolumeChange};
use getanime_player::{AudioOutput, FrameSink, Player, PlayerConfig, PlayerEvent};

/// What the person asks of the episode playing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PlaybackCommand {
    PlayPause,
    Skip,
    CycleQuality,
    CycleSubtitles,
    ChooseSubtitle(Option<usize>),
    SeekBy(i64),
    /// Seek to this position.
    SeekTo(u64),
    Volume(VolumeChange),
    Stop,
}

/// What the loop tells whoever shows it, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum PlaybackNews {
    /// An episode starts: the first one, or the next one auto-play moved on to.
    Started { episode: f64, overlay: PlayerOverlay, start_ms: u64 },
    /// The overlay's texts changed.
    Overlay(PlayerOverlay),
    /// The subtitle picker's rows (off, then the tracks), and which one shows.
    Subtitles { choices: Vec<String>, tracks: usize, chosen: Option<usize> },
    /// The next-episode countdown line; empty once it is over.
    Countdown(String),
    /// The quality asked for is not there; another one plays.
    QualityFellBack { wanted: Quality, playing: Quality },
    /// The episode failed: `said` in the viewer's words (the overlay says it too), `message` in
    /// GStreamer's, for the log.
    Failed { said: String, message: String },
    /// The last episode played ended and nothing plays next by itself (`next`: the episode after).
    Finished { next: Option<f64> },
}

/// How long the "next episode" countdown runs before the next episode starts by itself.
const NEXT_COUNTDOWN_SECONDS: u32 = 5;
/// How long the loop waits for a player event before it looks at the commands again.
const EVENT_WAIT: Duration = Duration::from_millis(100);

/// One playback: what it plays with and where it goes when an episode ends.
pub struct Playback<'a> {
    pub app: &'a App,
    pub runtime: &'a tokio::runtime::Handle,
    pub audio: AudioOutput,
    /// Where video frames go (the window); `None` plays without a picture.
    pub frames: Option<FrameSink>,
    /// A quality for this playback instead of the profile's.
    pub quality: Option<Quality>,
    /// Play the next episode after a countdown when the profile's auto-play says so (the TV);
    /// otherwise stop at the end of the first episode (`getanime play`).
    pub auto_play: bool,
    /// How loud: what the viewer set last, kept here for the next episode.
    pub volume: Cell<Volume>,
}

/// How one episode ended.
enum Ended {
    /// Stop, an error or the end without auto-play: the playback is over.
    Stopped,
    /// Auto-play moves on to this episode.
    Next(f64),
}

impl Playback<'_> {
    /// Plays `episode` of `title`, then (with auto-play) the next ones, until it is stopped, an
    /// episode fails or the last one ends.
    pub fn run(
        &self,
        title: TitleId,
        mut episode: f64,
        commands: &Receiver<PlaybackCommand>,
        news: &dyn Fn(PlaybackNews),
    ) -> Result<()> {
        while let Ended::Next(next) = self.play_episode(title, episode, commands, news)? {
            episode = next;
        }
        Ok(())
    }

    fn play_episode(
        &self,
        title: TitleId,
        episode: f64,
        commands: &Receiver<PlaybackCommand>,
        news: &dyn Fn(PlaybackNews),
    ) -> Result<Ended> {
        let plan = self.runtime.block_on(self.app.plan_playback(title, episode))?;
        if plan.streams.is_empty() {
            bail!("{} episode {episode} has no stream to play", plan.title_name);
        }
        let mut session = PlaybackSession::new(plan);
        session.set_volume(self.volume.get());
        let config = PlayerConfig { audio: self.audio, ..PlayerConfig::default() };
        let player = Player::new(config, self.frames.clone())?;
        play_as_loud(&player, self.volume.get());
        let mut media = session.media();
        if let Some(quality) = self.quality {
            media.preferred = quality;
        }
        player.load(media);
        tracing::info!(
            episode,
            start_ms = session.plan().start_ms,
            subtitles = session.plan().subtitles.len(),
            "playing"
        );
        news(PlaybackNews::Started {
            episode,
            overlay: session.overlay().clone(),
            start_ms: session.plan().start_ms,
        });
        offer_subtitles(&session, news);
        let mut playing = true;
        loop {
            match commands.try_recv() {
                Ok(PlaybackCommand::Stop) | Err(TryRecvError::Disconnected) => {
                    self.stop(&mut session)?;
                    player.stop();
                    return Ok(Ended::Stopped);
                }
                Ok(command) => {
                    self.command(&mut session, &player, command, &mut playing, news)?;
                }
                Err(TryRecvError::Empty) => {}
            }
            let event = match next_event(player.events()) {
                Ok(Some(event)) => event,
                Ok(None) => continue,
                Err(error) => {
                    self.stop(&mut session)?;
                    return Err(error);
                }
            };
            if let PlayerEvent::QualityChanged { quality, fallback_from: Some(wanted) } = &event {
                news(PlaybackNews::QualityFellBack { wanted: *wanted, playing: *quality });
            }
            let step = session.on_event(&event, chrono::Utc::now().timestamp_millis());
            self.store(&session, step.actions)?;
            if step.redraw {
                news(PlaybackNews::Overlay(session.overlay().clone()));
            }
            match step.state {
                SessionState::Playing => {}
                SessionState::CountDownTo(next) if self.auto_play => {
                    player.stop();
                    return Ok(if count_down_to(next, commands, news) {
                        Ended::Next(next)
                    } else {
                        Ended::Stopped
                    });
                }
                SessionState::CountDownTo(next) => {
                    news(PlaybackNews::Finished { next: Some(next) });
                    return Ok(Ended::Stopped);
                }
                SessionState::Finished => {
                    news(PlaybackNews::Finished { next: session.plan().next_episode });
                    return Ok(Ended::Stopped);
                }
                SessionState::Failed => {
                    let message = match event {
                        PlayerEvent::Error { message, .. } => message,
                        _ => String::new(),
                    };
                    let said = session.failure().unwrap_or_default().to_owned();
                    news(PlaybackNews::Failed { said, message });
                    return Ok(Ended::Stopped);
                }
            }
        }
    }

    /// Stores what the session decided (positions, watched marks).
    fn store(
        &self,
        session: &PlaybackSession,
        actions: Vec<getanime_app::WatchAction>,
    ) -> Result<()> {
        if actions.is_empty() {
            return Ok(());
        }
        self.runtime.block_on(self.app.apply_watch_actions(session.episode(), actions)).map(drop)
    }

    /// The episode stops here: its position is kept.
    fn stop(&self, session: &mut PlaybackSession) -> Result<()> {
        let actions = session.on_stop(chrono::Utc::now().timestamp_millis());
        self.store(session, actions)
    }

    fn command(
        &self,
        session: &mut PlaybackSession,
        player: &Player,
        command: PlaybackCommand,
        playing: &mut bool,
        news: &dyn Fn(PlaybackNews),
    ) -> Result<()> {
        match command {
            PlaybackCommand::PlayPause => {
                if *playing {
                    player.pause()
                } else {
                    player.play()
                }
                *playing = !*playing;
            }
            PlaybackCommand::SeekBy(delta) => player.seek_by(delta),
            PlaybackCommand::SeekTo(position_ms) => player.seek(position_ms),
            PlaybackCommand::Volume(change) => {
                let volume = session.change_volume(change);
                self.volume.set(volume);
                play_as_loud(player, volume);
                news(PlaybackNews::Overlay(session.overlay().clone()));
            }
            PlaybackCommand::Skip => {
                tracing::info!(position_ms = session.position().0, "skipping");
                player.skip();
            }
            PlaybackCommand::CycleQuality => {
                if let Some(next) = session.next_quality() {
                    tracing::info!(quality = %next.as_str(), "switching quality");
                    player.select_quality(next);
                }
            }
            PlaybackCommand::CycleSubtitles => {
                if let Some(track) = session.step_subtitle().map(Option::<&_>::cloned) {
                    self.show_subtitle(session, player, track, news)?;
                }
            }
            PlaybackCommand::ChooseSubtitle(index) => {
                if let Some(track) = session.choose_subtitle(index).map(Option::<&_>::cloned) {
                    self.show_subtitle(session, player, track, news)?;
                }
            }
            PlaybackCommand::Stop => {}
        }
        Ok(())
    }

    /// Shows `track` (or none), chosen by the key or the picker: fetches its file, hands it to
    /// the player, remembers the choice for the profile, and tells the overlay and the picker.
    fn show_subtitle(
        &self,
        session: &mut PlaybackSession,
        player: &Player,
        track: Option<SubtitleTrack>,
        news: &dyn Fn(PlaybackNews),
    ) -> Result<()> {
        let file = match &track {
            Some(track) => {
                self.runtime.block_on(self.app.local_subtitle(&session.plan().plugin_id, track))
            }
            None => None,
        };
        tracing::info!(url = ?file, "switching subtitles");
        session.set_subtitle_file(file.clone());
        player.select_subtitle(file);
        self.runtime.block_on(self.app.remember_subtitle(track.as_ref()))?;
        news(PlaybackNews::Overlay(session.overlay().clone()));
        offer_subtitles(session, news);
        Ok(())
    }
}

fn play_as_loud(player: &Player, volume: Volume) {
    player.set_volume(volume.linear());
    player.set_muted(volume.muted);
}

/// The next player event, `None` after [`EVENT_WAIT`] without one. A closed channel means the
/// player thread is gone: an error, not a reason to poll again (which spun a core at 100 %).
fn next_event(events: &Receiver<PlayerEvent>) -> Result<Option<PlayerEvent>> {
    match events.recv_timeout(EVENT_WAIT) {
        Ok(event) => Ok(Some(event)),
        Err(RecvTimeoutError::Timeout) => Ok(None),
        Err(RecvTimeoutError::Disconnected) => bail!("the player stopped unexpectedly"),
    }
}

/// The subtitle picker's rows for the episode playing.
fn offer_subtitles(session: &PlaybackSession, news: &dyn Fn(PlaybackNews)) {
    news(PlaybackNews::Subtitles {
        choices: session.subtitle_choices(),
        tracks: session.plan().subtitles.len(),
        chosen: session.subtitle_index(),
    });
}

/// Waits out the next-episode countdown: `true` to play on (time up or Enter), `false` on Stop.
fn count_down_to(
    next: f64,
    commands: &Receiver<PlaybackCommand>,
    news: &dyn Fn(PlaybackNews),
) -> bool {
    for remaining in (1..=NEXT_COUNTDOWN_SECONDS).rev() {
        news(PlaybackNews::Countdown(getanime_app::countdown_text(next, remaining)));
        match commands.recv_timeout(Duration::from_secs(1)) {
            Ok(PlaybackCommand::PlayPause) => break,
            Ok(PlaybackCommand::Stop) | Err(RecvTimeoutError::Disconnected) => {
                news(PlaybackNews::Countdown(String::new()));
                return false;
            }
            Ok(_) | Err(RecvTimeoutError::Timeout) => {}
        }
    }
    news(PlaybackNews::Countdown(String::new()));
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_player_that_went_away_ends_the_loop() {
        let (sender, events) = std::sync::mpsc::channel();
        sender.send(PlayerEvent::EndOfStream).unwrap_or_else(|error| panic!("{error}"));
        assert!(matches!(next_event(&events), Ok(Some(PlayerEvent::EndOfStream))));
        drop(sender);
        let error = next_event(&events).err().map(|error| error.to_string());
        assert_eq!(error.as_deref(), Some("the player stopped unexpectedly"));
    }
}
