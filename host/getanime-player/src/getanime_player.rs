//! In-app playback on GStreamer.
//!
//! Architecture invariant: this is the only crate that names gstreamer. The UI learns about
//! playback only from [`PlayerEvent`]s, which come from the GStreamer bus, never from guesses made
//! when a button is pressed.

mod error;
mod pipeline;

pub use error::{Error, Result};
pub use pipeline::Pipeline;

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
    EndOfStream,
    Error { element: String, message: String },
}

/// Initializes GStreamer once per process; cheap after the first call.
pub fn init() -> Result<()> {
    gstreamer::init().map_err(|error| Error::Init(error.to_string()))
}
