//! `getanime play`: plays an episode headless (sound, lines on the terminal) through the same
//! playback loop the TV uses; the position is saved as it goes.

use std::cell::RefCell;

use anyhow::{Result, bail};
use getanime_app::App;
use getanime_app::domain::{Quality, TitleId};
use getanime_player::AudioOutput;

use crate::playback::{Playback, PlaybackNews};

/// Plays episode `number` of `title` to its end (or an error).
pub async fn play(
    app: &App,
    title: TitleId,
    number: f64,
    quality: Option<Quality>,
    silent: bool,
) -> Result<()> {
    let runtime = tokio::runtime::Handle::current();
    let playback = Playback {
        app,
        runtime: &runtime,
        audio: if silent { AudioOutput::Silent } else { AudioOutput::Default },
        frames: None,
        quality,
        auto_play: false,
        volume: std::cell::Cell::default(),
    };
    // Nobody sends commands, but the sender must live: a closed channel means "stop".
    let (_commands, inbox) = std::sync::mpsc::channel();
    let ended = RefCell::new(None);
    let news = |news: PlaybackNews| match news {
        PlaybackNews::Started { overlay, start_ms, .. } => {
            eprintln!("playing {} from {}", overlay.heading, getanime_app::clock(start_ms));
        }
        PlaybackNews::QualityFellBack { wanted, playing } => {
            eprintln!("{} is not available, playing {}", wanted.as_str(), playing.as_str());
        }
        PlaybackNews::Finished { next } => *ended.borrow_mut() = Some(Ok(next)),
        PlaybackNews::Failed { said, message } => {
            tracing::warn!(%message, "playback failed");
            *ended.borrow_mut() = Some(Err(said));
        }
        PlaybackNews::Overlay(_) | PlaybackNews::Subtitles { .. } | PlaybackNews::Countdown(_) => {}
    };
    tokio::task::block_in_place(|| playback.run(title, number, &inbox, &news))?;
    match ended.into_inner() {
        Some(Ok(Some(next))) => crate::cli::write_stdout(&format!(
            "finished; next: episode {next} (`getanime play {} {next}`)\n",
            title.0
        )),
        Some(Ok(None)) => crate::cli::write_stdout("finished; that was the last episode\n"),
        Some(Err(said)) => bail!("{said}"),
        None => bail!("playback stopped before the end"),
    }
}
