//! `getanime play`: plays an episode headless (sound, progress on the terminal) with the same
//! player and watch tracking the TV UI uses; the position is saved as it goes.

use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use anyhow::{Result, bail};
use getanime_app::domain::{Quality, TitleId};
use getanime_app::{App, PlaybackSession, SessionState};
use getanime_player::{AudioOutput, Player, PlayerConfig, PlayerEvent};

/// Plays episode `number` of `title` to its end (or an error).
pub async fn play(
    app: &App,
    title: TitleId,
    number: f64,
    quality: Option<Quality>,
    silent: bool,
) -> Result<()> {
    let plan = app.plan_playback(title, number).await?;
    if plan.streams.is_empty() {
        bail!("{} episode {number} has no stream to play", plan.title_name);
    }
    let config = PlayerConfig {
        audio: if silent { AudioOutput::Silent } else { AudioOutput::Default },
        ..PlayerConfig::default()
    };
    let player = Player::new(config, None)?;
    let next_episode = plan.next_episode;
    let mut session = PlaybackSession::new(plan);
    let mut media = session.media();
    if let Some(quality) = quality {
        media.preferred = quality;
    }
    player.load(media);
    eprintln!(
        "playing {} from {}",
        session.overlay().heading,
        getanime_app::clock(session.plan().start_ms)
    );
    loop {
        let event = tokio::task::block_in_place(|| next_event(player.events()));
        let now = chrono::Utc::now().timestamp_millis();
        let event = match event {
            Ok(Some(event)) => event,
            Ok(None) => continue,
            Err(error) => {
                app.apply_watch_actions(session.episode(), session.on_stop(now)).await?;
                return Err(error);
            }
        };
        if let PlayerEvent::QualityChanged { quality, fallback_from: Some(wanted) } = &event {
            eprintln!("{} is not available, playing {}", wanted.as_str(), quality.as_str());
        }
        let step = session.on_event(&event, now);
        app.apply_watch_actions(session.episode(), step.actions).await?;
        match step.state {
            SessionState::Playing => {}
            SessionState::Finished | SessionState::CountDownTo(_) => {
                match next_episode {
                    Some(next) => crate::cli::write_stdout(&format!(
                        "finished; next: episode {next} (`getanime play {} {next}`)\n",
                        title.0
                    ))?,
                    None => crate::cli::write_stdout("finished; that was the last episode\n")?,
                }
                return Ok(());
            }
            SessionState::Failed => {
                let PlayerEvent::Error { message, .. } = event else { continue };
                bail!("playback failed: {message}");
            }
        }
    }
}

/// The next player event, `None` after half a second without one. A closed channel means the
/// player thread is gone: an error, not a reason to poll again (which spun a core at 100 %).
fn next_event(events: &Receiver<PlayerEvent>) -> Result<Option<PlayerEvent>> {
    match events.recv_timeout(Duration::from_millis(500)) {
        Ok(event) => Ok(Some(event)),
        Err(RecvTimeoutError::Timeout) => Ok(None),
        Err(RecvTimeoutError::Disconnected) => bail!("the player stopped unexpectedly"),
    }
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
