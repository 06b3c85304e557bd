//! The interface language: which one is in use, the texts of the core in it, and how numbers,
//! sizes and dates are written in it.
//!
//! Texts are gettext messages. The English text is the message id, written in the code through
//! [`tr!`] and [`trn!`] (plural forms); the Russian texts live in
//! `host/getanime-app/lang/ru/LC_MESSAGES/getanime-app.po`, embedded at build time. The `.slint`
//! files use Slint's own `@tr` with the TV crate's catalog in the same format. A test reads the
//! sources and fails on a message without a Russian translation (`catalog::problems`).
//!
//! One language is current for the whole process, as with gettext and Slint: the TV sets it at
//! start and when the Settings row changes. Tests that compose texts in a given language use
//! [`scoped`], which only affects their own thread.

mod catalog;
pub mod extract;
mod format;

use std::cell::Cell;
use std::sync::atomic::{AtomicU8, Ordering};

pub use catalog::{CatalogProblem, Message, RUSSIAN_PO, problems};
pub use format::{date_time, day_month, decimal, hours, number, size, time_of_day, weekday};

/// A language the interface is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Language {
    #[default]
    English,
    Russian,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::Russian, Language::English];

    /// The ISO 639-1 code: `en`, `ru` (what `--lang`, the setting and Slint's catalogs use).
    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::Russian => "ru",
        }
    }

    /// The language's name in itself, so anyone finds their own.
    pub fn native_name(self) -> &'static str {
        match self {
            Language::English => "English",
            Language::Russian => "Русский",
        }
    }

    pub fn from_code(code: &str) -> Option<Language> {
        Language::ALL.into_iter().find(|language| language.code() == code)
    }

    /// The language a POSIX locale name asks for (`ru_RU.UTF-8` → Russian); `C`, `POSIX` and
    /// languages without a translation are English.
    pub fn from_locale(locale: &str) -> Language {
        let code = locale.split(['_', '.', '@', '-']).next().unwrap_or_default();
        Language::from_code(&code.to_ascii_lowercase()).unwrap_or(Language::English)
    }

    /// The system's language, from the first of `LC_ALL`, `LC_MESSAGES`, `LANG` that is set
    /// (POSIX order).
    pub fn from_environment() -> Language {
        Language::from_variables(|name| std::env::var(name).ok())
    }

    /// [`Language::from_environment`] over any source of variables.
    pub fn from_variables(variable: impl Fn(&str) -> Option<String>) -> Language {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .into_iter()
            .find_map(|name| variable(name).filter(|value| !value.is_empty()))
            .map_or(Language::English, |locale| Language::from_locale(&locale))
    }

    /// What the language setting's value means: `auto` follows the system.
    pub fn from_setting(value: &str) -> Language {
        Language::from_code(value).unwrap_or_else(Language::from_environment)
    }
}

static CURRENT: AtomicU8 = AtomicU8::new(0);

thread_local! {
    static SCOPED: Cell<Option<Language>> = const { Cell::new(None) };
}

/// The language texts are composed in now.
pub fn current() -> Language {
    SCOPED.get().unwrap_or(match CURRENT.load(Ordering::Relaxed) {
        1 => Language::Russian,
        _ => Language::English,
    })
}

/// Makes `language` current for the whole process.
pub fn set_current(language: Language) {
    let value = match language {
        Language::English => 0,
        Language::Russian => 1,
    };
    CURRENT.store(value, Ordering::Relaxed);
}

/// Runs `compose` with `language` current on this thread only (tests in both languages run side
/// by side).
pub fn scoped<R>(language: Language, compose: impl FnOnce() -> R) -> R {
    let before = SCOPED.replace(Some(language));
    let result = compose();
    SCOPED.set(before);
    result
}

/// The text of message `msgid` in the current language.
pub fn translate(msgid: &'static str) -> &'static str {
    match current() {
        Language::English => msgid,
        Language::Russian => catalog::russian().text(msgid).unwrap_or(msgid),
    }
}

/// The plural form of a message for `count` in the current language.
pub fn translate_plural(singular: &'static str, plural: &'static str, count: u64) -> &'static str {
    match current() {
        Language::English => {
            if count == 1 {
                singular
            } else {
                plural
            }
        }
        Language::Russian => catalog::russian().plural(singular, count).unwrap_or(if count == 1 {
            singular
        } else {
            plural
        }),
    }
}

/// A count a plural message is chosen by.
pub trait Count: Copy {
    fn count(self) -> u64;
}

macro_rules! count_from {
    ($($integer:ty),*) => {$(
        impl Count for $integer {
            fn count(self) -> u64 {
                u64::try_from(self).unwrap_or(0)
            }
        }
    )*};
}
count_from!(u64, usize, u32, u16, u8, i64, i32);

/// `template` with each `{name}` replaced by its value; unknown names stay as written.
pub fn fill(template: &str, values: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut filled = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        filled.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').map(|close| (&after[..close], close)) {
            Some((name, close)) => {
                match values.iter().find(|(candidate, _)| *candidate == name) {
                    Some((_, value)) => filled.push_str(&value.to_string()),
                    None => {
                        filled.push('{');
                        filled.push_str(name);
                        filled.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                filled.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    filled.push_str(rest);
    filled
}

/// A message in the current language: `tr!("Today")`, or with values for its `{names}`:
/// `tr!("Synced at {time}", time = clock)` (a `String`).
macro_rules! tr {
    ($msgid:literal) => {
        $crate::language::translate($msgid)
    };
    ($msgid:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::language::fill(
            $crate::language::translate($msgid),
            &[$((stringify!($name), &$value as &dyn ::std::fmt::Display)),+],
        )
    };
}

/// A message with plural forms, chosen by a count written as `{n}` (in the language's digits
/// and grouping): `trn!("{n} title", "{n} titles", count)`; more values may follow.
macro_rules! trn {
    ($singular:literal, $plural:literal, $count:expr $(, $name:ident = $value:expr)* $(,)?) => {{
        let count = $crate::language::Count::count($count);
        $crate::language::fill(
            $crate::language::translate_plural($singular, $plural, count),
            &[
                ("n", &$crate::language::number(count) as &dyn ::std::fmt::Display)
                $(, (stringify!($name), &$value as &dyn ::std::fmt::Display))*
            ],
        )
    }};
}

pub(crate) use {tr, trn};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_locale_picks_the_language() {
        assert_eq!(Language::from_locale("ru_RU.UTF-8"), Language::Russian);
        assert_eq!(Language::from_locale("ru"), Language::Russian);
        assert_eq!(Language::from_locale("en_GB.UTF-8"), Language::English);
        assert_eq!(Language::from_locale("C"), Language::English);
        assert_eq!(Language::from_locale("de_DE.UTF-8"), Language::English);
        let environment = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs.iter().find(|(key, _)| *key == name).map(|(_, value)| (*value).to_owned())
            }
        };
        let lc_all_wins = environment(&[("LC_ALL", "ru_RU.UTF-8"), ("LANG", "en_US.UTF-8")]);
        assert_eq!(Language::from_variables(lc_all_wins), Language::Russian);
        let empty_is_unset =
            environment(&[("LC_ALL", ""), ("LC_MESSAGES", "ru_UA"), ("LANG", "C")]);
        assert_eq!(Language::from_variables(empty_is_unset), Language::Russian);
        assert_eq!(Language::from_variables(environment(&[])), Language::English);
    }

    #[test]
    fn messages_follow_the_scoped_language() {
        assert_eq!(scoped(Language::English, || tr!("Today")), "Today");
        assert_eq!(scoped(Language::Russian, || tr!("Today")), "Сегодня");
        let synced = || tr!("Synced at {time}", time = "06:04");
        assert_eq!(scoped(Language::Russian, synced), "Синхронизировано в 06:04");
        assert_eq!(scoped(Language::English, synced), "Synced at 06:04");
    }

    #[test]
    fn russian_plurals_take_three_forms() {
        let episodes =
            |count: u64| scoped(Language::Russian, || trn!("{n} episode", "{n} episodes", count));
        let forms: Vec<String> =
            [1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111].map(episodes).into();
        assert_eq!(
            forms,
            [
                "1 серия",
                "2 серии",
                "4 серии",
                "5 серий",
                "11 серий",
                "12 серий",
                "14 серий",
                "21 серия",
                "22 серии",
                "25 серий",
                "101 серия",
                "111 серий"
            ]
        );
        assert_eq!(episodes(0), "0 серий");
        assert_eq!(episodes(12_345), "12\u{a0}345 серий");
        let english =
            |count: u64| scoped(Language::English, || trn!("{n} episode", "{n} episodes", count));
        assert_eq!(
            [0, 1, 2, 21].map(english),
            ["0 episodes", "1 episode", "2 episodes", "21 episodes"]
        );
        assert_eq!(english(12_345), "12,345 episodes");
    }

    #[test]
    fn every_message_of_the_core_has_its_russian_translation() -> anyhow::Result<()> {
        let files = extract::source_files(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            "rs",
        )?;
        let mut used = std::collections::BTreeSet::new();
        // The extractor's own tests hold made-up messages.
        for file in files.iter().filter(|file| !file.ends_with("language/extract.rs")) {
            let source = std::fs::read_to_string(file)?;
            let messages = extract::rust_messages(&source)
                .map_err(|error| anyhow::anyhow!("{}: {error}", file.display()))?;
            used.extend(messages);
        }
        assert!(used.len() > 100, "the scan found only {} messages", used.len());
        let found = problems(RUSSIAN_PO, &used, 3);
        let listed: Vec<String> = found.iter().map(ToString::to_string).collect();
        assert!(found.is_empty(), "getanime-app.po:\n{}", listed.join("\n"));
        Ok(())
    }

    #[test]
    fn the_check_finds_what_a_translator_missed() {
        let po = "msgid \"\"\nmsgstr \"\"\n\n\
                  msgid \"Today\"\nmsgstr \"\"\n\n\
                  msgid \"Synced at {time}\"\nmsgstr \"Синхронизировано\"\n\n\
                  msgid \"{n} title\"\nmsgid_plural \"{n} titles\"\n\
                  msgstr[0] \"{n} тайтл\"\nmsgstr[1] \"{n} тайтла\"\n\n\
                  msgid \"Gone\"\nmsgstr \"Нет\"\n";
        let message = |msgid: &str, plural: Option<&str>| Message {
            msgid: msgid.into(),
            plural: plural.map(str::to_owned),
        };
        let used = [
            message("Today", None),
            message("Synced at {time}", None),
            message("{n} title", Some("{n} titles")),
            message("Rated", None),
        ]
        .into_iter()
        .collect();
        let found = problems(po, &used, 3);
        let expected = [
            CatalogProblem::Untranslated("Rated".into()),
            CatalogProblem::Placeholders {
                msgid: "Synced at {time}".into(),
                translation: "Синхронизировано".into(),
            },
            CatalogProblem::Untranslated("Today".into()),
            CatalogProblem::WrongForms { msgid: "{n} title".into(), forms: 2, expected: 3 },
            CatalogProblem::Stale("Gone".into()),
        ];
        for problem in &expected {
            assert!(found.contains(problem), "{problem} not found in {found:?}");
        }
        assert_eq!(found.len(), expected.len(), "{found:?}");
    }

    #[test]
    fn fill_replaces_known_names_only() {
        assert_eq!(fill("{a} and {b}", &[("a", &1), ("b", &"two")]), "1 and two");
        assert_eq!(fill("{a} {unknown} {", &[("a", &1)]), "1 {unknown} {");
    }
}
