//! The welcome screen (the first launch): what getanime is, the sources to choose from, and the
//! progress of the chosen one while it installs and syncs.

use crate::language::{tr, trn};
use crate::{ShippedPlugin, SyncEvent};

pub fn heading() -> &'static str {
    tr!("Welcome to getanime")
}

pub fn intro() -> &'static str {
    tr!("getanime plays anime from the sources you install: each one reads a \
         site's new releases, schedule and episodes. Your history, ratings and library stay on \
         this device, and browsing works offline.")
}

pub fn hint() -> &'static str {
    tr!("↑ ↓ choose · Enter installs and syncs it · Back opens an empty library")
}

/// When this build ships no sources.
pub fn nothing_shipped() -> &'static str {
    tr!("No sources came with this build. Back opens the empty library; its Sources screen \
         installs one from a file or a plugin index.")
}

/// One choice as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChoiceView {
    pub label: String,
    pub detail: String,
}

pub fn choice(plugin: &ShippedPlugin) -> ChoiceView {
    let manifest = &plugin.manifest;
    let hosts = manifest.allowed_hosts.join(", ");
    ChoiceView {
        label: tr!("Install {name}", name = manifest.name),
        detail: match &manifest.description {
            Some(description) => {
                tr!("{description} Reaches {hosts}.", description = description, hosts = hosts)
            }
            None => tr!("Reaches {hosts}.", hosts = hosts),
        },
    }
}

pub fn installing(name: &str) -> String {
    tr!("Installing {name}…", name = name)
}

/// A sync step of the chosen source, in words.
pub fn progress(name: &str, event: &SyncEvent) -> String {
    match event {
        SyncEvent::Started { .. } => tr!("{name}: reading the latest releases…", name = name),
        SyncEvent::Page { page, pages, titles, .. } => match pages {
            Some(pages) => trn!(
                "{name}: page {page} of {pages}, {n} title so far",
                "{name}: page {page} of {pages}, {n} titles so far",
                *titles,
                name = name,
                page = page,
                pages = pages
            ),
            None => trn!(
                "{name}: page {page}, {n} title so far",
                "{name}: page {page}, {n} titles so far",
                *titles,
                name = name,
                page = page
            ),
        },
        SyncEvent::Details { done, total, .. } => trn!(
            "{name}: episodes of {done} of {n} title",
            "{name}: episodes of {done} of {n} titles",
            *total,
            name = name,
            done = done
        ),
        SyncEvent::Finished { .. } => tr!("{name}: done, opening the library…", name = name),
    }
}

pub fn failed(name: &str, error: &anyhow::Error) -> String {
    tr!(
        "Could not set up {name}: {error}. Choose again, or Back for an empty library.",
        name = name,
        // The sentence ends the clause: no doubled full stop.
        error = crate::explain(error).trim_end_matches('.')
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_welcome_says_what_each_step_does() {
        let manifest = getanime_domain::PluginManifest {
            id: "aniliberty".into(),
            name: "AniLiberty".into(),
            version: "0.1.0".into(),
            api_version: "0.1.0".into(),
            description: Some("Anime with Russian voice-over.".into()),
            allowed_hosts: vec!["anilibria.top".into(), "aniliberty.top".into()],
            ..Default::default()
        };
        let plugin = ShippedPlugin { manifest, path: "aniliberty".into() };
        assert_eq!(
            choice(&plugin),
            ChoiceView {
                label: "Install AniLiberty".into(),
                detail: "Anime with Russian voice-over. Reaches anilibria.top, aniliberty.top."
                    .into()
            }
        );
        let id = || "aniliberty".to_owned();
        let page = SyncEvent::Page { plugin_id: id(), page: 2, pages: Some(9), titles: 40 };
        assert_eq!(progress("AniLiberty", &page), "AniLiberty: page 2 of 9, 40 titles so far");
        let page = SyncEvent::Page { plugin_id: id(), page: 1, pages: None, titles: 20 };
        assert_eq!(progress("AniLiberty", &page), "AniLiberty: page 1, 20 titles so far");
        let details = SyncEvent::Details { plugin_id: id(), done: 3, total: 24 };
        assert_eq!(progress("AniLiberty", &details), "AniLiberty: episodes of 3 of 24 titles");
        assert_eq!(
            failed("AniLiberty", &anyhow::anyhow!("connection refused")),
            "Could not set up AniLiberty: connection refused. Choose again, or Back for an empty \
             library."
        );
        // A sync report's own words, not its log's chain, and one full stop.
        let said = crate::failure::Said("AniLiberty does not answer; try later.".into());
        let error = anyhow::Error::new(said).context("error sending request: dns error");
        assert_eq!(
            failed("AniLiberty", &error),
            "Could not set up AniLiberty: AniLiberty does not answer; try later. Choose again, \
             or Back for an empty library."
        );
    }
}
