//! The Sources and Settings screens' heading and message line (the rows are `MenuEntry`s).

use crate::language::tr;

/// The heading of the menu screen.
pub fn heading(sources: bool) -> &'static str {
    if sources { tr!("Sources") } else { tr!("Settings") }
}

/// The heading of the Accounts screen.
pub fn accounts_heading() -> &'static str {
    tr!("Accounts")
}

/// The heading of the Profiles screen.
pub fn profiles_heading() -> &'static str {
    tr!("Who is watching?")
}

/// While a text row's value is checked (a package path, a mirror URL).
pub fn checking() -> &'static str {
    tr!("Checking…")
}

/// While a button's action runs: "Sync now…".
pub fn working(button: Option<&str>) -> String {
    format!("{}…", button.unwrap_or(tr!("Working")))
}

/// A text row's value cannot be used.
pub fn cannot_use(error: &anyhow::Error) -> String {
    tr!("Cannot use it: {error}", error = crate::explain(error))
}

/// A button's action failed.
pub fn failed(error: &anyhow::Error) -> String {
    tr!("Failed: {error}", error = crate::explain(error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_line_says_what_runs_and_what_failed() {
        assert_eq!((heading(true), heading(false)), ("Sources", "Settings"));
        assert_eq!(working(Some("Sync now")), "Sync now…");
        assert_eq!(working(None), "Working…");
        let error = anyhow::anyhow!("not a package").context("reading /tmp/x");
        assert_eq!(cannot_use(&error), "Cannot use it: reading /tmp/x: not a package");
        assert_eq!(failed(&anyhow::anyhow!("offline")), "Failed: offline");
    }
}
