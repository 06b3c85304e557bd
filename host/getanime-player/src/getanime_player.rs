//! In-app playback on GStreamer.
//!
//! Architecture invariant: this is the only crate that names gstreamer. The UI learns about
//! playback only from [`PlayerEvent`]s, which come from the GStreamer bus, never from guesses made
//! when a button is pressed.

mod error;
pub mod media;
mod pipeline;
mod player;

use getanime_domain::Quality;

pub use error::{Error, Result};
pub use pipeline::Pipeline;
pub use player::{AudioOutput, FrameSink, Media, Player, PlayerConfig, SkipKind, VideoFrame};

/// What the pipeline is doing, as GStreamer reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlayerState {
    Stopped,
    Paused,
    Playing,
}

/// Something that happened in the pipeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlayerEvent {
    StateChanged(PlayerState),
    /// 0-100; below 100 the picture may wait for data.
    Buffering(u8),
    /// Sent about 4 times a second while there is a position.
    Position {
        position_ms: u64,
        duration_ms: Option<u64>,
    },
    /// A stream was (re)started in `quality`; `fallback_from` when it is not the one asked for.
    QualityChanged {
        quality: Quality,
        fallback_from: Option<Quality>,
    },
    /// The position entered (Some) or left (None) an opening or ending: offer "Skip".
    SkipAvailable(Option<SkipKind>),
    /// Auto-skip jumped over an opening or ending.
    Skipped(Option<SkipKind>),
    EndOfStream,
    Error {
        element: String,
        message: String,
    },
}

/// Initializes GStreamer once per process; cheap after the first call.
pub fn init() -> Result<()> {
    gstreamer::init().map_err(|error| Error::Init(error.to_string()))
}
