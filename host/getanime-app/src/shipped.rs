//! The sources that ship with getanime (AniLiberty, AniLibria) and its account plugins (the
//! AniLiberty account, Shikimori, AniList): their packages sit beside the app, so Sources and
//! Accounts offer them with Enter, offline, without a plugin index.
//!
//! Where: `GETANIME_SHIPPED_PLUGINS` when set; else `plugins/` beside the executable, then
//! `../share/getanime/plugins` (an installed layout: `/usr/bin` → `/usr/share`), then
//! `../plugins` (the build tree, where `cargo xtask build-plugins` puts them: `target/plugins/`
//! next to `target/debug/`); then the XDG data folders, `$XDG_DATA_HOME/getanime/plugins` and
//! each `$XDG_DATA_DIRS` entry's (a `cargo install`ed binary with plugins copied beside the
//! user's data, or `cargo xtask install --prefix ~/.local`).

use std::path::{Path, PathBuf};

use std::time::Duration;

use anyhow::{Result, bail};
use getanime_domain::PluginManifest;

use crate::App;
use crate::sync::{SyncEvent, SyncOptions, SyncReport};

/// The environment variable naming the directory of shipped packages.
pub const SHIPPED_PLUGINS_ENV: &str = "GETANIME_SHIPPED_PLUGINS";

/// The plugins getanime ships, in the order Sources lists them (today's live API first).
pub const SHIPPED: [&str; 2] = ["aniliberty", "anilibria"];

/// The account plugins getanime ships; connecting one installs it from there.
pub const SHIPPED_ACCOUNTS: [&str; 3] = ["aniliberty-account", "shikimori", "anilist"];

/// A shipped package that can be installed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShippedPlugin {
    pub manifest: PluginManifest,
    /// The package directory.
    pub path: PathBuf,
}

/// The directory holding the shipped packages, if one is found.
pub fn shipped_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(SHIPPED_PLUGINS_ENV) {
        return Some(PathBuf::from(dir));
    }
    let exe = std::env::current_exe().ok();
    let beside = exe.as_deref().and_then(Path::parent);
    let beside_exe = beside.into_iter().flat_map(|beside| {
        [
            beside.join("plugins"),
            beside.join("../share/getanime/plugins"),
            beside.join("../plugins"),
        ]
    });
    let data_dirs = xdg_data_dirs(
        std::env::var_os("XDG_DATA_HOME"),
        std::env::var_os("HOME"),
        std::env::var_os("XDG_DATA_DIRS"),
    );
    beside_exe.chain(data_dirs.into_iter().map(|dir| dir.join("getanime/plugins"))).find(|dir| {
        SHIPPED.iter().any(|id| dir.join(id).join(getanime_plugins::MANIFEST_FILE).is_file())
    })
}

/// The XDG base-directory data folders, most personal first: `$XDG_DATA_HOME` (default
/// `~/.local/share`), then each of `$XDG_DATA_DIRS` (default `/usr/local/share:/usr/share`).
/// Relative entries are ignored, as the specification says.
fn xdg_data_dirs(
    data_home: Option<std::ffi::OsString>,
    home: Option<std::ffi::OsString>,
    data_dirs: Option<std::ffi::OsString>,
) -> Vec<PathBuf> {
    let absolute = |value: std::ffi::OsString| {
        let path = PathBuf::from(value);
        path.is_absolute().then_some(path)
    };
    let home_dir = data_home
        .filter(|value| !value.is_empty())
        .and_then(absolute)
        .or_else(|| home.and_then(absolute).map(|home| home.join(".local/share")));
    let system = data_dirs
        .filter(|value| !value.is_empty())
        .unwrap_or_else(|| "/usr/local/share:/usr/share".into());
    home_dir
        .into_iter()
        .chain(std::env::split_paths(&system).filter(|dir| dir.is_absolute()))
        .collect()
}

/// The shipped packages found in `dir` (a missing or broken one is left out, and logged).
pub fn shipped_in(dir: &Path) -> Vec<ShippedPlugin> {
    packages_in(dir, &SHIPPED)
}

fn packages_in(dir: &Path, ids: &[&str]) -> Vec<ShippedPlugin> {
    ids.iter()
        .filter_map(|id| {
            let path = dir.join(id);
            match getanime_plugins::read_manifest(&path.join(getanime_plugins::MANIFEST_FILE)) {
                Ok(manifest) => Some(ShippedPlugin { manifest, path }),
                Err(error) => {
                    tracing::debug!(%id, "no shipped package: {error}");
                    None
                }
            }
        })
        .collect()
}

impl App {
    /// The sources that ship with this build, whether installed or not.
    pub async fn shipped_plugins(&self) -> Result<Vec<ShippedPlugin>> {
        let Some(dir) = self.shipped_dir.clone() else { return Ok(Vec::new()) };
        Ok(tokio::task::spawn_blocking(move || shipped_in(&dir)).await?)
    }

    /// The account plugins that ship with this build, whether installed or not.
    pub async fn shipped_accounts(&self) -> Result<Vec<ShippedPlugin>> {
        let Some(dir) = self.shipped_dir.clone() else { return Ok(Vec::new()) };
        Ok(tokio::task::spawn_blocking(move || packages_in(&dir, &SHIPPED_ACCOUNTS)).await?)
    }
}

/// The first sync of a source chosen at the first launch: a couple of pages and the details of
/// the newest titles, so Home fills in seconds; the regular sync and details-on-open do the rest.
fn first_sync(plugin: &str) -> SyncOptions {
    SyncOptions {
        plugin: Some(plugin.to_owned()),
        max_pages: 2,
        max_details: 24,
        details_ttl: Duration::from_secs(24 * 3600),
        ..SyncOptions::default()
    }
}

impl App {
    /// The first launch's choice: installs a shipped source, syncs it (reporting progress) and
    /// fetches its posters. A source that cannot be reached is an error in words; what was
    /// installed stays installed (Sources can sync it later).
    pub async fn set_up_shipped(
        &self,
        plugin: &ShippedPlugin,
        progress: &(dyn Fn(SyncEvent) + Sync),
    ) -> Result<SyncReport> {
        let record = self.install_plugin(plugin.path.clone(), None).await?;
        let reports = self.sync(&first_sync(&record.id), progress).await?;
        let Some(report) = reports.into_iter().next() else {
            bail!("{} was installed but not synced", record.name);
        };
        if let Some(error) = report.error {
            // The user reads the report's words (their language); the log gets the chain.
            let said = crate::failure::Said(report.failure.unwrap_or_else(|| error.clone()));
            return Err(anyhow::Error::new(said).context(error));
        }
        self.refresh_posters(200).await?;
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dirs(data_home: Option<&str>, home: Option<&str>, data_dirs: Option<&str>) -> Vec<PathBuf> {
        xdg_data_dirs(data_home.map(Into::into), home.map(Into::into), data_dirs.map(Into::into))
    }

    #[test]
    fn the_xdg_data_folders_follow_the_specification() {
        let paths = |list: &[&str]| list.iter().map(PathBuf::from).collect::<Vec<_>>();
        assert_eq!(
            dirs(None, Some("/home/ann"), None),
            paths(&["/home/ann/.local/share", "/usr/local/share", "/usr/share"])
        );
        assert_eq!(
            dirs(Some("/data"), Some("/home/ann"), Some("/opt/share:relative:/usr/share")),
            paths(&["/data", "/opt/share", "/usr/share"])
        );
        // Empty or relative values count as unset.
        assert_eq!(
            dirs(Some(""), Some("/home/ann"), Some("")),
            paths(&["/home/ann/.local/share", "/usr/local/share", "/usr/share"])
        );
        assert_eq!(dirs(Some("here"), None, None), paths(&["/usr/local/share", "/usr/share"]));
    }
}
