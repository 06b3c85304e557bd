//! Numbers, sizes, dates and times as the current language writes them: CLDR digits and
//! grouping (ICU), month and weekday names from the catalog.

use chrono::{DateTime, Datelike, Local, NaiveDate, Weekday};
use fixed_decimal::Decimal;
use icu_decimal::DecimalFormatter;
use icu_locale_core::locale;

use super::{Language, current, tr};

thread_local! {
    // ICU's formatters are not `Sync`; each thread that writes numbers makes its own (cheap: the
    // data is compiled in).
    static FORMATTERS: [Option<DecimalFormatter>; 2] = [
        DecimalFormatter::try_new(locale!("en").into(), Default::default()).ok(),
        DecimalFormatter::try_new(locale!("ru").into(), Default::default()).ok(),
    ];
}

fn formatted(value: &Decimal) -> String {
    let index = match current() {
        Language::English => 0,
        Language::Russian => 1,
    };
    FORMATTERS.with(|formatters| match &formatters[index] {
        Some(formatter) => formatter.format(value).to_string(),
        None => value.to_string(),
    })
}

/// A whole number: `12,345` in English, `12 345` in Russian.
pub fn number(value: u64) -> String {
    formatted(&Decimal::from(value))
}

/// A number with one decimal, given in tenths: `4.5`, `4,5`.
pub fn decimal(tenths: u64) -> String {
    let mut value = Decimal::from(tenths);
    value.multiply_pow10(-1);
    formatted(&value)
}

/// A file size for people: `1.4 GB`, `700 MB`; `1,4 ГБ`, `700 МБ`.
pub fn size(bytes: u64) -> String {
    if bytes >= 1_000_000_000 {
        let tenths = (bytes + 50_000_000) / 100_000_000;
        tr!("{size} GB", size = decimal(tenths))
    } else {
        tr!("{size} MB", size = number(bytes / 1_000_000))
    }
}

/// A time of day: `06:04` (both languages use the 24-hour clock here).
pub fn time_of_day(moment: &DateTime<Local>) -> String {
    moment.format("%H:%M").to_string()
}

/// The weekday's name: `Monday`, `Понедельник`.
pub fn weekday(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => tr!("Monday"),
        Weekday::Tue => tr!("Tuesday"),
        Weekday::Wed => tr!("Wednesday"),
        Weekday::Thu => tr!("Thursday"),
        Weekday::Fri => tr!("Friday"),
        Weekday::Sat => tr!("Saturday"),
        Weekday::Sun => tr!("Sunday"),
    }
}

/// A day of the year: `2 December`, `2 декабря` (Russian names the month in the genitive).
pub fn day_month(date: NaiveDate) -> String {
    let day = date.day();
    match date.month() {
        1 => tr!("{day} January", day = day),
        2 => tr!("{day} February", day = day),
        3 => tr!("{day} March", day = day),
        4 => tr!("{day} April", day = day),
        5 => tr!("{day} May", day = day),
        6 => tr!("{day} June", day = day),
        7 => tr!("{day} July", day = day),
        8 => tr!("{day} August", day = day),
        9 => tr!("{day} September", day = day),
        10 => tr!("{day} October", day = day),
        11 => tr!("{day} November", day = day),
        _ => tr!("{day} December", day = day),
    }
}

/// When something happened, as near to `now` as the words can say: `today at 06:04`,
/// `yesterday at 23:10`, `2 December at 06:04`, with the year only when it is not this year.
pub fn date_time(moment: &DateTime<Local>, now: &DateTime<Local>) -> String {
    let (day, today) = (moment.date_naive(), now.date_naive());
    let time = time_of_day(moment);
    if day == today {
        tr!("today at {time}", time = time)
    } else if today.pred_opt() == Some(day) {
        tr!("yesterday at {time}", time = time)
    } else if day.year() == today.year() {
        tr!("{date} at {time}", date = day_month(day), time = time)
    } else {
        tr!("{date} {year} at {time}", date = day_month(day), year = day.year(), time = time)
    }
}

/// A span of whole hours: `1 hour`, `3 часа`, `12 часов`.
pub fn hours(count: u64) -> String {
    super::trn!("{n} hour", "{n} hours", count)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::language::scoped;

    fn local(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Local> {
        Local
            .with_ymd_and_hms(year, month, day, hour, minute, 0)
            .single()
            .expect("a plain local time")
    }

    #[test]
    fn sizes_and_numbers_use_the_language_separators() {
        let both = |compose: fn() -> String| {
            (scoped(Language::English, compose), scoped(Language::Russian, compose))
        };
        assert_eq!(both(|| size(4_500_000_000)), ("4.5 GB".into(), "4,5 ГБ".into()));
        assert_eq!(both(|| size(1_449_000_000)), ("1.4 GB".into(), "1,4 ГБ".into()));
        assert_eq!(both(|| size(700_000_000)), ("700 MB".into(), "700 МБ".into()));
        assert_eq!(both(|| size(2_000_000_000)), ("2.0 GB".into(), "2,0 ГБ".into()));
        assert_eq!(both(|| number(1_234_567)), ("1,234,567".into(), "1\u{a0}234\u{a0}567".into()));
        assert_eq!(both(|| hours(3)), ("3 hours".into(), "3 часа".into()));
        assert_eq!(both(|| hours(168)), ("168 hours".into(), "168 часов".into()));
        assert_eq!(both(|| hours(1)), ("1 hour".into(), "1 час".into()));
    }

    #[test]
    fn dates_say_today_yesterday_or_the_day() {
        let now = local(2026, 12, 2, 21, 0);
        let cases = [
            (local(2026, 12, 2, 6, 4), "today at 06:04", "сегодня в 06:04"),
            (local(2026, 12, 1, 23, 10), "yesterday at 23:10", "вчера в 23:10"),
            (local(2026, 3, 8, 9, 30), "8 March at 09:30", "8 марта в 09:30"),
            (local(2025, 12, 31, 18, 0), "31 December 2025 at 18:00", "31 декабря 2025 в 18:00"),
        ];
        for (moment, english, russian) in cases {
            assert_eq!(scoped(Language::English, || date_time(&moment, &now)), english);
            assert_eq!(scoped(Language::Russian, || date_time(&moment, &now)), russian);
        }
        assert_eq!(scoped(Language::Russian, || weekday(Weekday::Wed)), "Среда");
        assert_eq!(scoped(Language::English, || weekday(Weekday::Sun)), "Sunday");
        let may = NaiveDate::from_ymd_opt(2026, 5, 1).expect("a date");
        assert_eq!(scoped(Language::Russian, || day_month(may)), "1 мая");
    }
}
