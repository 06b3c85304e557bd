//! Playback as the core sees it: what to play and what the player reports. The player crate
//! (GStreamer) produces these; the core's `PlaybackSession` consumes them, so the core needs no
//! player to be written or tested.

use crate::{Quality, SkipRange, Stream};

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
        /// GStreamer's words, with its detail: for the log.
        message: String,
        /// What kind of trouble it was: for the viewer's words.
        failure: PlaybackFailure,
    },
}

/// Why playback stopped, as far as the viewer can act on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaybackFailure {
    /// The video server could not be reached or stopped answering.
    Unreachable,
    /// The server answered that it has no such video (HTTP 404).
    Missing,
    /// Nothing arrived for too long.
    Stalled,
    /// The video is in a form this system cannot decode.
    Undecodable,
    /// None of the episode's streams could be played.
    NoStream,
    /// Anything else (the log has GStreamer's words).
    Other,
}

/// Which skippable part the position is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipKind {
    Opening,
    Ending,
}

/// What to play.
#[derive(Debug, Clone)]
pub struct Media {
    pub streams: Vec<Stream>,
    pub preferred: Quality,
    pub start_ms: u64,
    pub opening: Option<SkipRange>,
    pub ending: Option<SkipRange>,
    /// Skip openings and endings without asking.
    pub auto_skip: bool,
    /// The subtitle file drawn over the video (WebVTT, SRT or ASS), if any.
    pub subtitle: Option<String>,
}
