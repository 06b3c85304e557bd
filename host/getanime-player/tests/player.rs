//! Player tests on real GStreamer pipelines.

use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use getanime_player::{Pipeline, PlayerEvent, PlayerState};

/// Waits for the first event `wanted` accepts, failing on a pipeline error or after `timeout`.
fn wait_for(
    pipeline: &Pipeline,
    timeout: Duration,
    wanted: impl Fn(&PlayerEvent) -> bool,
) -> Result<PlayerEvent> {
    let deadline = Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let event = match pipeline.events().recv_timeout(left) {
            Ok(event) => event,
            Err(_) => bail!("no matching player event within {timeout:?}"),
        };
        if let PlayerEvent::Error { element, message } = &event {
            bail!("pipeline error from {element}: {message}");
        }
        if wanted(&event) {
            return Ok(event);
        }
    }
}

#[test]
fn a_test_pattern_reaches_playing_then_ends() -> Result<()> {
    let pipeline = Pipeline::launch(
        "videotestsrc num-buffers=30 ! video/x-raw,framerate=30/1 ! fakesink sync=true",
    )?;
    pipeline.play()?;
    wait_for(&pipeline, Duration::from_secs(10), |event| {
        *event == PlayerEvent::StateChanged(PlayerState::Playing)
    })?;
    wait_for(&pipeline, Duration::from_secs(10), |event| *event == PlayerEvent::EndOfStream)?;
    Ok(())
}

#[test]
fn a_broken_pipeline_description_is_an_error() {
    let result = Pipeline::launch("no-such-element-exists ! fakesink");
    assert!(result.is_err(), "an unknown element must be refused");
}

#[test]
fn a_failing_source_reports_which_element_failed() -> Result<()> {
    let pipeline =
        Pipeline::launch("filesrc name=missing location=/nonexistent/file.ts ! fakesink")?;
    // The state change may fail at once or later; either way the bus must say who failed.
    if let Err(error) = pipeline.play() {
        eprintln!("play() refused at once: {error}");
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match pipeline.events().recv_timeout(left)? {
            PlayerEvent::Error { element, message } => {
                assert!(element.contains("missing"), "{element}: {message}");
                return Ok(());
            }
            PlayerEvent::StateChanged(PlayerState::Playing) => {
                bail!("a missing file must not play")
            }
            _ => continue,
        }
    }
}
