//! The Browse screen's status line.

/// While the grid loads.
pub const LOADING: &str = "Loading…";

/// How many titles the filters let through.
pub fn count(titles: usize) -> String {
    format!("{titles} titles")
}
