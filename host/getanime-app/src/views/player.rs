//! Player view: what shows before the session's overlay ([`crate::PlayerOverlay`]) has news.

/// The heading while the stream opens.
pub const LOADING: &str = "Loading…";
