//! Test media made with GStreamer itself: short HLS streams (H.264 video with a test pattern and
//! an AAC tone in MPEG-TS segments). Used by the tests and by the offline demo, so nothing large
//! is committed and nothing is downloaded.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use gstreamer as gst;
use gstreamer::prelude::*;

use crate::{Error, Result, init};

/// What to generate.
#[derive(Debug, Clone)]
pub struct TestStreamSpec {
    pub seconds: u32,
    pub width: u32,
    pub height: u32,
    /// A `videotestsrc` pattern name (`smpte`, `ball`, `snow`, `pinwheel`, ...).
    pub pattern: String,
    /// Frequency of the audio tone.
    pub tone_hz: u32,
    /// Segment length in seconds.
    pub segment_seconds: u32,
    /// Frames per second.
    pub frame_rate: u32,
    /// Video bitrate in kbit/s.
    pub kbit_per_second: u32,
}

impl Default for TestStreamSpec {
    fn default() -> TestStreamSpec {
        TestStreamSpec {
            seconds: 4,
            width: 320,
            height: 180,
            pattern: "smpte".into(),
            tone_hz: 440,
            segment_seconds: 1,
            frame_rate: 25,
            kbit_per_second: 400,
        }
    }
}

/// Longest a generation may take (the encoder is fast; this bounds a stuck pipeline).
const GENERATION_TIMEOUT: Duration = Duration::from_secs(60);
const SAMPLE_RATE: u32 = 44_100;
const SAMPLES_PER_BUFFER: u32 = 1024;

/// Writes `index.m3u8` and its segments into `dir` (created) and returns the playlist path.
pub fn generate_hls(dir: &Path, spec: &TestStreamSpec) -> Result<PathBuf> {
    init()?;
    std::fs::create_dir_all(dir)
        .map_err(|error| Error::Pipeline(format!("creating {}: {error}", dir.display())))?;
    let playlist = dir.join("index.m3u8");
    let (rate, bitrate) = (spec.frame_rate.max(1), spec.kbit_per_second.max(1));
    let frames = spec.seconds * rate;
    let audio_buffers = (spec.seconds * SAMPLE_RATE).div_ceil(SAMPLES_PER_BUFFER);
    let description = format!(
        "videotestsrc num-buffers={frames} pattern={pattern} \
           ! video/x-raw,width={width},height={height},framerate={rate}/1 \
           ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max={rate} bitrate={bitrate} \
           ! h264parse ! hlssink2 name=sink location=\"{segments}\" playlist-location=\"{playlist}\" \
             target-duration={segment} max-files=0 playlist-length=0 \
         audiotestsrc num-buffers={audio_buffers} samplesperbuffer={SAMPLES_PER_BUFFER} freq={tone} \
           ! audio/x-raw,rate={SAMPLE_RATE},channels=2 ! avenc_aac ! sink.audio",
        pattern = spec.pattern,
        width = spec.width,
        height = spec.height,
        segments = dir.join("segment%05d.ts").display(),
        playlist = playlist.display(),
        segment = spec.segment_seconds,
        tone = spec.tone_hz,
    );
    let pipeline =
        gst::parse::launch(&description).map_err(|error| Error::Pipeline(error.to_string()))?;
    let bus = pipeline.bus().ok_or_else(|| Error::Pipeline("the pipeline has no bus".into()))?;
    pipeline.set_state(gst::State::Playing).map_err(|_| Error::StateChange { state: "playing" })?;
    let deadline = Instant::now() + GENERATION_TIMEOUT;
    let outcome = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break Err(Error::Pipeline("generating the test stream took too long".into()));
        }
        let Some(message) = bus.timed_pop(gst::ClockTime::from_mseconds(left.as_millis() as u64))
        else {
            continue;
        };
        match message.view() {
            gst::MessageView::Eos(_) => break Ok(()),
            gst::MessageView::Error(error) => {
                break Err(Error::Pipeline(error.error().to_string()));
            }
            _ => {}
        }
    };
    // hlssink2 writes the end of the playlist on EOS; the pipeline must still be shut down
    // explicitly or it lingers (as gst-launch does).
    if pipeline.set_state(gst::State::Null).is_err() {
        tracing::warn!("the generator pipeline did not stop cleanly");
    }
    outcome?;
    let text = std::fs::read_to_string(&playlist)
        .map_err(|error| Error::Pipeline(format!("reading {}: {error}", playlist.display())))?;
    if !text.contains("#EXT-X-ENDLIST") {
        return Err(Error::Pipeline("the generated playlist is incomplete".into()));
    }
    Ok(playlist)
}
