//! The schedule screen: one row per weekday.

use chrono::Weekday;

/// Row labels, Monday first (the order `App::schedule` returns the week in).
pub fn weekdays() -> [&'static str; 7] {
    [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ]
    .map(crate::language::weekday)
}
