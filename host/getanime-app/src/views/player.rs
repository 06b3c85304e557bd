//! Player view: what shows before the session's overlay ([`crate::PlayerOverlay`]) has news.

use crate::language::tr;

/// The heading while the stream opens.
pub fn loading() -> &'static str {
    tr!("Loading…")
}
