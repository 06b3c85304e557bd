use thiserror::Error;

/// Why playback could not start or continue.
#[derive(Debug, Error)]
pub enum Error {
    #[error("GStreamer is not usable: {0}")]
    Init(String),
    #[error("cannot build the playback pipeline: {0}")]
    Pipeline(String),
    #[error("the pipeline refused to change to {state}")]
    StateChange { state: &'static str },
}

/// Result of player operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;
