//! The schedule screen: one row per weekday.

/// Row labels, Monday first (the order `App::schedule` returns the week in).
pub const WEEKDAYS: [&str; 7] =
    ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
