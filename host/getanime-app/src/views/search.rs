//! The search screen's query box and status line.

use crate::language::{tr, trn};

/// The query box as drawn: the query with a caret, or a hint when nothing is typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryBox {
    pub text: String,
    /// The text is the hint, not the query (drawn muted).
    pub hint: bool,
}

pub fn query_box(query: &str, focused: bool) -> QueryBox {
    if query.is_empty() {
        QueryBox {
            text: tr!("Type a name (Down: the on-screen keyboard); Enter searches the sources")
                .into(),
            hint: true,
        }
    } else {
        let caret = if focused { "▏" } else { "" };
        QueryBox { text: format!("{query}{caret}"), hint: false }
    }
}

/// While a search runs: asking the sources, or filtering the library as the user types.
pub fn searching(sources: bool, query: &str) -> &'static str {
    match (sources, query.trim().is_empty()) {
        (true, _) => tr!("Searching the sources…"),
        (false, true) => "",
        (false, false) => tr!("In your library — Enter or Done searches the sources"),
    }
}

/// When results arrive; `None` keeps the line as it is.
pub fn found(sources: bool, query: &str, count: usize) -> Option<String> {
    if sources {
        Some(trn!(
            "{n} found in the sources (saved to your library)",
            "{n} found in the sources (saved to your library)",
            count
        ))
    } else if !query.trim().is_empty() && count == 0 {
        Some(tr!("Nothing in your library — Enter or Done searches the sources").to_owned())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_line_says_where_it_looked() {
        assert_eq!(searching(false, "  "), "");
        assert_eq!(searching(false, "маг"), "In your library — Enter or Done searches the sources");
        assert_eq!(searching(true, "маг"), "Searching the sources…");
        assert_eq!(
            found(true, "маг", 2).as_deref(),
            Some("2 found in the sources (saved to your library)")
        );
        assert_eq!(
            found(false, "маг", 0).as_deref(),
            Some("Nothing in your library — Enter or Done searches the sources")
        );
        assert_eq!(found(false, "маг", 3), None);
        assert_eq!(found(false, "", 0), None);
    }

    #[test]
    fn the_box_shows_a_hint_until_something_is_typed() {
        assert!(query_box("", true).hint);
        assert_eq!(query_box("маг", true), QueryBox { text: "маг▏".into(), hint: false });
        assert_eq!(query_box("маг", false).text, "маг", "the caret only where typing goes");
    }
}
