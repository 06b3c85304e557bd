//! The welcome screen (the first launch): what getanime is, the sources to choose from, and the
//! progress of the chosen one while it installs and syncs.

use crate::{ShippedPlugin, SyncEvent};

pub const HEADING: &str = "Welcome to getanime";

pub const INTRO: &str = "getanime plays anime from the sources you install: each one reads a \
site's new releases, schedule and episodes. Your history, ratings and library stay on this \
device, and browsing works offline.";

pub const HINT: &str = "↑ ↓ choose · Enter installs and syncs it · Back opens an empty library";

/// When this build ships no sources.
pub const NOTHING_SHIPPED: &str = "No sources came with this build. Back opens the empty \
library; its Sources screen installs one from a file or a plugin index.";

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
        label: format!("Install {}", manifest.name),
        detail: match &manifest.description {
            Some(description) => format!("{description} Reaches {hosts}."),
            None => format!("Reaches {hosts}."),
        },
    }
}

pub fn installing(name: &str) -> String {
    format!("Installing {name}…")
}

/// A sync step of the chosen source, in words.
pub fn progress(name: &str, event: &SyncEvent) -> String {
    match event {
        SyncEvent::Started { .. } => format!("{name}: reading the latest releases…"),
        SyncEvent::Page { page, pages, titles, .. } => {
            let of = pages.map(|pages| format!(" of {pages}")).unwrap_or_default();
            format!("{name}: page {page}{of}, {titles} titles so far")
        }
        SyncEvent::Details { done, total, .. } => {
            format!("{name}: episodes of {done} of {total} titles")
        }
        SyncEvent::Finished { .. } => format!("{name}: done, opening the library…"),
    }
}

pub fn failed(name: &str, error: &anyhow::Error) -> String {
    format!("Could not set up {name}: {error:#}. Choose again, or Back for an empty library.")
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
            settings: Default::default(),
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
    }
}
