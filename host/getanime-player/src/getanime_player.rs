//! In-app playback on GStreamer.
//!
//! Architecture invariant: this is the only crate that names gstreamer. The UI learns about
//! playback only from [`PlayerEvent`]s, which come from the GStreamer bus, never from guesses made
//! when a button is pressed.

mod error;
pub mod media;
mod pipeline;
mod player;
pub mod requirements;

pub use error::{Error, Result};
// The events and media the core reasons about live in the domain, so the core needs no player.
pub use getanime_domain::playback::{Media, PlaybackFailure, PlayerEvent, PlayerState, SkipKind};
pub use pipeline::Pipeline;
pub use player::{AudioOutput, FrameSink, Player, PlayerConfig, VideoFrame};

/// Initializes GStreamer once per process; cheap after the first call.
pub fn init() -> Result<()> {
    gstreamer::init().map_err(|error| Error::Init(error.to_string()))
}
