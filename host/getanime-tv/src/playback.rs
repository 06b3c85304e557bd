//! `getanime play`: plays an episode headless (sound, progress on the terminal) with the same
//! player and watch tracking the TV UI uses; the position is saved as it goes.

use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use anyhow::{Result, bail};
use getanime_app::domain::{Quality, TitleId};
use getanime_app::{App, WatchTracker};
use getanime_player::{AudioOutput, Media, Player, PlayerConfig, PlayerEvent};

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
    player.load(Media {
        streams: plan.streams.clone(),
        preferred: quality.unwrap_or(plan.preferred_quality),
        start_ms: plan.start_ms,
        opening: plan.opening,
        ending: plan.ending,
        auto_skip: plan.auto_skip,
    });
    eprintln!(
        "playing {} — episode {number} from {}",
        plan.title_name,
        crate::text::position(plan.start_ms)
    );
    let mut tracker = WatchTracker::new(plan.ending);
    let episode = plan.episode.id;
    let mut last = (0, None);
    loop {
        let event = tokio::task::block_in_place(|| next_event(player.events()));
        let now = chrono::Utc::now().timestamp_millis();
        let event = match event {
            Ok(Some(event)) => event,
            Ok(None) => continue,
            Err(error) => {
                app.apply_watch_actions(episode, tracker.on_stop(last.0, last.1, now)).await?;
                return Err(error);
            }
        };
        match event {
            PlayerEvent::Position { position_ms, duration_ms } => {
                last = (position_ms, duration_ms);
                app.apply_watch_actions(
                    episode,
                    tracker.on_position(position_ms, duration_ms, now),
                )
                .await?;
            }
            PlayerEvent::QualityChanged { quality, fallback_from: Some(wanted) } => {
                eprintln!("{} is not available, playing {}", wanted.as_str(), quality.as_str());
            }
            PlayerEvent::EndOfStream => {
                app.apply_watch_actions(episode, tracker.on_end()).await?;
                match plan.next_episode {
                    Some(next) => println!(
                        "finished; next: episode {next} (`getanime play {} {next}`)",
                        title.0
                    ),
                    None => println!("finished; that was the last episode"),
                }
                return Ok(());
            }
            PlayerEvent::Error { message, .. } => {
                app.apply_watch_actions(episode, tracker.on_stop(last.0, last.1, now)).await?;
                bail!("playback failed: {message}");
            }
            _ => {}
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
