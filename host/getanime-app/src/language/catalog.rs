//! The Russian catalog of the core's messages, and the check every catalog of getanime passes:
//! each message the sources use translated, with the same `{placeholders}`, and nothing stale.

use std::collections::{BTreeSet, HashMap};
use std::sync::LazyLock;

use icu_locale_core::locale;
use icu_plurals::{PluralCategory, PluralRules};

/// The core's Russian messages, compiled in so a build is never without them.
pub const RUSSIAN_PO: &str = include_str!("../../lang/ru/LC_MESSAGES/getanime-app.po");

/// A catalog read from a `.po` file: message id → its text, or its plural forms in the order of
/// the file's `Plural-Forms` (for Russian, as in every gettext catalog: one, few, many).
pub struct Catalog {
    texts: HashMap<String, String>,
    plurals: HashMap<String, Vec<String>>,
}

thread_local! {
    // ICU's rules are not `Sync`; each thread makes its own (cheap: the data is compiled in).
    static RUSSIAN_RULES: Option<PluralRules> =
        PluralRules::try_new(locale!("ru").into(), Default::default()).ok();
}

impl Catalog {
    fn parse(po: &str) -> Result<Catalog, String> {
        let file = rspolib::pofile(po).map_err(|error| error.to_string())?;
        let mut texts = HashMap::new();
        let mut plurals = HashMap::new();
        for entry in file.entries.into_iter().filter(|entry| !entry.obsolete) {
            if entry.msgid_plural.is_some() {
                if entry.msgstr_plural.iter().all(|form| !form.is_empty()) {
                    plurals.insert(entry.msgid, entry.msgstr_plural);
                }
            } else if let Some(text) = entry.msgstr.filter(|text| !text.is_empty()) {
                texts.insert(entry.msgid, text);
            }
        }
        Ok(Catalog { texts, plurals })
    }

    pub fn text(&'static self, msgid: &str) -> Option<&'static str> {
        self.texts.get(msgid).map(String::as_str)
    }

    /// The form for `count`: CLDR's category for Russian, in gettext's order.
    pub fn plural(&'static self, msgid: &str, count: u64) -> Option<&'static str> {
        let category =
            RUSSIAN_RULES.with(|rules| rules.as_ref().map(|rules| rules.category_for(count)))?;
        let index = match category {
            PluralCategory::One => 0,
            PluralCategory::Few => 1,
            _ => 2,
        };
        self.plurals.get(msgid)?.get(index).map(String::as_str)
    }
}

static RUSSIAN: LazyLock<Catalog> = LazyLock::new(|| {
    Catalog::parse(RUSSIAN_PO).unwrap_or_else(|error| {
        // A unit test parses the file, so this only happens to a build nobody tested.
        tracing::error!(%error, "the Russian catalog could not be read; texts stay English");
        Catalog { texts: HashMap::new(), plurals: HashMap::new() }
    })
});

pub fn russian() -> &'static Catalog {
    &RUSSIAN
}

/// A message as the sources use it: its id and, for plural messages, the plural id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Message {
    pub msgid: String,
    pub plural: Option<String>,
}

/// What is wrong with a catalog, in words a translator can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatalogProblem {
    Unreadable(String),
    Untranslated(String),
    WrongForms { msgid: String, forms: usize, expected: usize },
    Placeholders { msgid: String, translation: String },
    Stale(String),
}

impl std::fmt::Display for CatalogProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CatalogProblem::Unreadable(error) => write!(f, "the catalog cannot be read: {error}"),
            CatalogProblem::Untranslated(msgid) => write!(f, "no translation for {msgid:?}"),
            CatalogProblem::WrongForms { msgid, forms, expected } => {
                write!(f, "{msgid:?} has {forms} plural forms, the language needs {expected}")
            }
            CatalogProblem::Placeholders { msgid, translation } => {
                write!(f, "{translation:?} does not use the placeholders of {msgid:?}")
            }
            CatalogProblem::Stale(msgid) => {
                write!(f, "{msgid:?} is in the catalog but no source uses it any more")
            }
        }
    }
}

/// Checks the catalog `po` against the messages the sources use: each one translated (every
/// plural form of the `plural_forms` the language has), each translation with the message's
/// placeholders, and no entry nobody uses.
pub fn problems(po: &str, used: &BTreeSet<Message>, plural_forms: usize) -> Vec<CatalogProblem> {
    let file = match rspolib::pofile(po) {
        Ok(file) => file,
        Err(error) => return vec![CatalogProblem::Unreadable(error.to_string())],
    };
    let entries: HashMap<&str, &rspolib::POEntry> = file
        .entries
        .iter()
        .filter(|entry| !entry.obsolete)
        .map(|entry| (entry.msgid.as_str(), entry))
        .collect();
    let mut found = Vec::new();
    for message in used {
        let Some(entry) = entries.get(message.msgid.as_str()) else {
            found.push(CatalogProblem::Untranslated(message.msgid.clone()));
            continue;
        };
        let (translations, source) = match &message.plural {
            Some(plural) => {
                let forms = &entry.msgstr_plural;
                if forms.len() != plural_forms {
                    found.push(CatalogProblem::WrongForms {
                        msgid: message.msgid.clone(),
                        forms: forms.len(),
                        expected: plural_forms,
                    });
                }
                (forms.clone(), plural.as_str())
            }
            None => (entry.msgstr.clone().into_iter().collect(), message.msgid.as_str()),
        };
        if translations.is_empty() || translations.iter().any(String::is_empty) {
            found.push(CatalogProblem::Untranslated(message.msgid.clone()));
            continue;
        }
        for translation in translations {
            if placeholders(&translation) != placeholders(source) {
                found.push(CatalogProblem::Placeholders {
                    msgid: message.msgid.clone(),
                    translation,
                });
            }
        }
    }
    let ids: BTreeSet<&str> = used.iter().map(|message| message.msgid.as_str()).collect();
    for msgid in entries.keys().filter(|msgid| !msgid.is_empty() && !ids.contains(*msgid)) {
        found.push(CatalogProblem::Stale((*msgid).to_owned()));
    }
    found
}

/// The `{names}` a text fills in.
fn placeholders(text: &str) -> BTreeSet<&str> {
    text.split('{').skip(1).filter_map(|part| part.split_once('}').map(|(name, _)| name)).collect()
}
