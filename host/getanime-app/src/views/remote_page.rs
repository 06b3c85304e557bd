//! The phone remote's page's words. The page (`getanime-remote`) is HTML without a build step;
//! it names each text by a key (`data-text="pair"`) and fetches them all, in every language, from
//! the TV, so they come from the same catalog as the TV's and the translation check covers them.

use std::collections::BTreeMap;

use crate::language::{Language, scoped, tr};

/// The page's texts in the current language, by the key the page names them with.
pub fn texts() -> BTreeMap<&'static str, &'static str> {
    BTreeMap::from([
        ("pair_hint", tr!("Enter the code the TV shows (Settings → Phone remote → Pair a phone).")),
        ("pair", tr!("Pair")),
        ("ok", tr!("OK")),
        ("back", tr!("Back")),
        ("home", tr!("Home")),
        ("menu", tr!("Menu")),
        ("quality", tr!("Quality")),
        ("subtitles", tr!("Subtitles")),
        ("stop", tr!("Stop")),
        ("volume_down", tr!("Quieter")),
        ("volume_up", tr!("Louder")),
        ("mute", tr!("Sound on/off")),
        ("sound_off", tr!("sound off")),
        ("library", tr!("Library")),
        ("forget", tr!("Forget this phone")),
        ("search", tr!("Search on the TV")),
        ("play", tr!("Play on TV")),
        ("connected", tr!("connected")),
        ("offline", tr!("reconnecting…")),
        ("wrong", tr!("That is not the code on the TV.")),
        ("closed", tr!("Open Settings → Phone remote → Pair a phone on the TV first.")),
        ("episode", tr!("episode")),
    ])
}

/// [`texts`] in every language, by language code (`en`, `ru`): what `/texts.json` serves.
pub fn texts_in_every_language() -> BTreeMap<&'static str, BTreeMap<&'static str, &'static str>> {
    Language::ALL.into_iter().map(|language| (language.code(), scoped(language, texts))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every language has every key, and the Russian texts are Russian.
    #[test]
    fn every_language_has_every_text() {
        let all = texts_in_every_language();
        let english = &all["en"];
        let russian = &all["ru"];
        assert_eq!(english.keys().collect::<Vec<_>>(), russian.keys().collect::<Vec<_>>());
        assert_eq!(english["forget"], "Forget this phone");
        assert_eq!(russian["forget"], "Забыть этот телефон");
        assert_eq!(russian["play"], "Смотреть на ТВ");
    }
}
