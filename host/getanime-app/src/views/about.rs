//! The About screen: what this getanime is, where it keeps its files, and the licences of what
//! ships with it.

use std::path::PathBuf;

use crate::language::tr;

/// What About states, gathered by [`crate::App::about`] (and the TV, for the log file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AboutFacts {
    pub version: String,
    /// The plugin contracts this build runs ("0.1 and 0.2").
    pub contracts: String,
    pub schema: i64,
    pub data_folder: PathBuf,
    /// Where the log goes; `None` without a state folder.
    pub log_file: Option<PathBuf>,
    /// The installed sources, "AniLiberty 0.2.0".
    pub sources: Vec<String>,
}

/// One line: what it is about, its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AboutLine {
    pub label: String,
    pub value: String,
}

fn line(label: &str, value: impl Into<String>) -> AboutLine {
    AboutLine { label: label.to_owned(), value: value.into() }
}

/// The plugin contracts this build runs, in words: "0.1 and 0.2".
pub fn contracts() -> String {
    let short = getanime_plugins::supported_api_minors();
    match short.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => tr!("{first} and {last}", first = rest.join(", "), last = last),
        None => String::new(),
    }
}

pub fn heading() -> &'static str {
    tr!("About getanime")
}

pub fn hint() -> &'static str {
    tr!("Up/Down scroll · Back returns to Settings")
}

/// The lines, top to bottom: this build, its files, then the licences of what ships.
pub fn lines(facts: &AboutFacts) -> Vec<AboutLine> {
    let sources = if facts.sources.is_empty() {
        tr!("none yet").to_owned()
    } else {
        facts.sources.join(", ")
    };
    let log_file = facts.log_file.as_ref().map_or_else(
        || tr!("none (no state folder)").to_owned(),
        |path| path.display().to_string(),
    );
    vec![
        line(tr!("Version"), format!("getanime {}", facts.version)),
        line(tr!("Plugin contracts"), facts.contracts.clone()),
        line(tr!("Library schema"), format!("V{}", facts.schema)),
        line(tr!("Sources"), sources),
        line(tr!("Data folder"), facts.data_folder.display().to_string()),
        line(tr!("Log file"), log_file),
        line(tr!("getanime and its sources"), tr!("MIT or Apache-2.0 licence")),
        line(tr!("This program as a whole"), tr!("GPL-3.0-only, because it links Slint")),
        line("Slint", tr!("GPL-3.0-only (Slint's open-source option)")),
        line("GStreamer", tr!("LGPL 2.1 or later")),
        line("Wasmtime", tr!("Apache-2.0 with the LLVM exception")),
        line("SQLite", tr!("public domain")),
        line(tr!("Other libraries"), tr!("MIT, Apache-2.0, BSD, ISC, Zlib, MPL-2.0 and others")),
        line(tr!("Each with its licence"), "/usr/share/doc/getanime/THIRD-PARTY-LICENSES.md"),
        line(tr!("Anime data"), tr!("from the sources you install, under their terms")),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language::{self, Language};

    fn facts() -> AboutFacts {
        AboutFacts {
            version: "0.1.0".into(),
            contracts: "0.1 and 0.2".into(),
            schema: 3,
            data_folder: PathBuf::from("/home/anna/.local/share/getanime"),
            log_file: Some(PathBuf::from("/home/anna/.local/state/getanime/getanime.log")),
            sources: vec!["AniLiberty 0.2.0".into()],
        }
    }

    #[test]
    fn about_names_the_build_its_files_and_the_licences_in_both_languages() {
        let english = lines(&facts());
        assert_eq!(english[0], line("Version", "getanime 0.1.0"));
        assert_eq!(english[1], line("Plugin contracts", "0.1 and 0.2"));
        assert_eq!(english[5].value, "/home/anna/.local/state/getanime/getanime.log");
        assert!(english.iter().any(|line| line.label == "Slint"), "Slint's licence is named");
        let russian = language::scoped(Language::Russian, || lines(&facts()));
        assert_eq!(russian[0].label, "Версия");
        assert_eq!(russian[5].label, "Файл журнала");
        assert_eq!(language::scoped(Language::Russian, contracts), "0.1, 0.2 и 0.3");
        let none = AboutFacts { log_file: None, sources: Vec::new(), ..facts() };
        let shown = language::scoped(Language::Russian, || lines(&none));
        assert_eq!(shown[3].value, "пока нет");
        assert_eq!(shown[5].value, "нет (нет папки состояния)");
    }
}
