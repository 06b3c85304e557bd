//! The Sources, Settings and Profiles screens as data: which rows they have, what each row shows,
//! what its buttons do ([`MenuAction`]) and which ones ask first. The TV UI draws [`MenuEntry`]
//! lists and runs the action of the button the navigator pressed, so the screens' behaviour is
//! tested without a window.

use std::path::PathBuf;

use anyhow::{Context, Result};
use getanime_storage::RemovalPolicy;

use crate::index::INDEX_URL_SETTING;
use crate::language::{self, tr, trn};
use crate::navigation::MenuRow;
use crate::preferences::Setting;
use crate::shipped::ShippedPlugin;
use crate::{App, IndexEntry, SyncScope};

/// What a menu row stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MenuItem {
    /// An installed plugin: buttons enable/disable, sync now, remove.
    Plugin(String),
    /// A setting of an installed plugin (plugin id, key): a text field; Enter asks (naming a host
    /// the new value would let the plugin reach), a second Enter saves and grants it.
    PluginSetting {
        plugin: String,
        key: String,
    },
    /// A plugin the index offers: button install (asks, showing its hosts).
    Available(IndexEntry),
    /// A source that ships with getanime: button install or update (asks, showing its hosts).
    Shipped(ShippedPlugin),
    /// A text field for a package path (a directory or a `.tar.gz`).
    InstallFromFile,
    /// A setting, stepped with left/right.
    Setting(Setting),
    BackupNow,
    /// A profile: buttons watch as it, remove (asks; not the last one).
    Profile(getanime_domain::ProfileId),
    /// A text field: the new name of the profile in use.
    RenameProfile,
    /// A text field: the name of a new profile.
    AddProfile,
    /// A backup in the data directory: button restore (asks).
    Restore(PathBuf),
    /// Text only.
    Info,
}

/// What a menu button does (or a text row's second Enter, with the typed text; or left/right on
/// a choice row). The screen presses actions, never button numbers.
#[derive(Debug, Clone, PartialEq)]
pub enum MenuAction {
    /// Enable or disable an installed source.
    SetEnabled {
        plugin: String,
        enabled: bool,
    },
    /// Sync one source now.
    SyncNow(String),
    /// Remove a source (titles with history stay).
    Remove(String),
    /// Install or update a source that ships with getanime.
    InstallShipped(ShippedPlugin),
    /// Install or update a source the plugin index offers.
    InstallAvailable(IndexEntry),
    /// Install the package at the typed path.
    InstallFromFile,
    /// Set a source's setting to the typed value (granting the host it names).
    SetPluginSetting {
        plugin: String,
        key: String,
    },
    /// Step a setting through its values.
    Step(Setting),
    BackUpNow,
    /// Replace the library with this backup.
    Restore(PathBuf),
    /// Make this profile the one watching.
    WatchAs(getanime_domain::ProfileId),
    RemoveProfile(getanime_domain::ProfileId),
    /// Rename the profile in use to the typed name.
    RenameProfile,
    /// Add a profile with the typed name.
    AddProfile,
    /// Open another screen (Settings → About); the screen does it, nothing runs here.
    Open(crate::navigation::Screen),
}

/// The button of an installed plugin's row that syncs it (after Enable/Disable).
const PLUGIN_SYNC_BUTTON: usize = 1;

/// One row as the screen shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct MenuEntry {
    pub item: MenuItem,
    pub row: MenuRow,
    pub label: String,
    pub value: String,
    pub detail: String,
    /// Button captions, left to right.
    pub buttons: Vec<String>,
    /// For each button, the question its first Enter asks (`None`: no question).
    pub questions: Vec<Option<String>>,
    /// For each button, what it does; a text row's one action takes the typed text, a choice
    /// row's one action steps its setting.
    pub actions: Vec<MenuAction>,
}

impl MenuEntry {
    fn info(label: impl Into<String>, value: impl Into<String>) -> MenuEntry {
        MenuEntry {
            item: MenuItem::Info,
            row: MenuRow::Info,
            label: label.into(),
            value: value.into(),
            detail: String::new(),
            buttons: Vec::new(),
            questions: Vec::new(),
            actions: Vec::new(),
        }
    }

    /// A text row: typed text, then Enter asks and a second Enter runs `action` with it.
    fn text(item: MenuItem, label: impl Into<String>, detail: String, action: MenuAction) -> Self {
        MenuEntry {
            item,
            row: MenuRow::Text,
            detail,
            actions: vec![action],
            ..MenuEntry::info(label, "")
        }
    }

    /// Buttons side by side: caption, the question its first Enter asks, what it does.
    fn with_buttons(mut self, buttons: Vec<(&str, Option<String>, MenuAction)>) -> MenuEntry {
        self.row =
            MenuRow::Buttons(buttons.iter().map(|(_, question, _)| question.is_some()).collect());
        self.buttons = buttons.iter().map(|(caption, ..)| (*caption).to_owned()).collect();
        self.questions = buttons.iter().map(|(_, question, _)| question.clone()).collect();
        self.actions = buttons.into_iter().map(|(.., action)| action).collect();
        self
    }

    /// What pressing `button` (or Enter on a text row) does.
    pub fn action(&self, button: usize) -> Option<&MenuAction> {
        self.actions.get(button)
    }
}

/// The rows a navigator needs for `entries`.
pub fn menu_rows(entries: &[MenuEntry]) -> Vec<MenuRow> {
    entries.iter().map(|entry| entry.row.clone()).collect()
}

/// What pressing a button did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenuOutcome {
    /// One line for the user.
    pub message: String,
    /// The library was replaced or its sources changed: screens showing it must reload.
    pub library_changed: bool,
    /// The row and button that take the focus when the menu reloads (a plugin just installed:
    /// its Sync now); `None`: the focused row stays (see [`menu_focus_after`]).
    pub focus: Option<(MenuItem, usize)>,
    /// Another profile is in use now: its language applies and Home shows its rows.
    pub profile_switched: bool,
}

impl MenuOutcome {
    fn said(message: String) -> MenuOutcome {
        MenuOutcome { message, library_changed: false, focus: None, profile_switched: false }
    }

    fn changed(message: String) -> MenuOutcome {
        MenuOutcome { message, library_changed: true, focus: None, profile_switched: false }
    }

    /// A plugin was installed: its Sync now button takes the focus, the next thing to press.
    fn installed(record: &getanime_domain::PluginRecord, message: String) -> MenuOutcome {
        let focus = Some((MenuItem::Plugin(record.id.clone()), PLUGIN_SYNC_BUTTON));
        MenuOutcome { focus, ..Self::changed(message) }
    }
}

/// Where the focus goes when a menu's rows are reloaded, as (row, button): to `wanted` (a plugin
/// just installed), else to the row of what had it `before` (rows move when a plugin comes or
/// goes); `None`: neither is listed, the focused row number stays.
pub fn menu_focus_after(
    entries: &[MenuEntry],
    wanted: Option<&(MenuItem, usize)>,
    before: Option<&MenuItem>,
) -> Option<(usize, usize)> {
    let row_of = |item: &MenuItem| entries.iter().position(|entry| entry.item == *item);
    let wanted = wanted.and_then(|(item, button)| Some((row_of(item)?, *button)));
    wanted.or_else(|| Some((row_of(before?)?, 0)))
}

impl App {
    /// The Sources screen: installed plugins, what the plugin index offers, install from a file.
    pub async fn sources_menu(&self) -> Result<Vec<MenuEntry>> {
        let plugins = self.plugins().await?;
        let mut entries = Vec::new();
        if plugins.is_empty() {
            entries.push(MenuEntry::info(tr!("No sources installed"), tr!("install one below")));
        }
        for plugin in &plugins {
            let mut detail = match plugin.last_sync_at {
                Some(at) => tr!("synced {when}", when = local_time(at)),
                None => tr!("never synced").to_owned(),
            };
            if let Some(error) = &plugin.last_error {
                detail.push_str(&tr!(" · last error: {error}", error = error));
            }
            detail.push_str(&tr!(" · reaches {hosts}", hosts = plugin.allowed_hosts.join(", ")));
            let state = if plugin.enabled { tr!("enabled") } else { tr!("disabled") };
            let toggle = if plugin.enabled { tr!("Disable") } else { tr!("Enable") };
            let remove = tr!(
                "Remove {name}? Titles you watched or rated stay in the library. Enter removes, \
                 Back keeps it.",
                name = plugin.name
            );
            entries.push(
                MenuEntry {
                    item: MenuItem::Plugin(plugin.id.clone()),
                    row: MenuRow::Info,
                    label: format!("{} {}", plugin.name, plugin.version),
                    value: state.to_owned(),
                    detail,
                    buttons: Vec::new(),
                    questions: Vec::new(),
                    actions: Vec::new(),
                }
                .with_buttons(vec![
                    (
                        toggle,
                        None,
                        MenuAction::SetEnabled {
                            plugin: plugin.id.clone(),
                            enabled: !plugin.enabled,
                        },
                    ),
                    (tr!("Sync now"), None, MenuAction::SyncNow(plugin.id.clone())),
                    (tr!("Remove"), Some(remove), MenuAction::Remove(plugin.id.clone())),
                ]),
            );
            for (key, value) in self.plugin_settings(&plugin.id).await? {
                entries.push(MenuEntry::text(
                    MenuItem::PluginSetting { plugin: plugin.id.clone(), key: key.clone() },
                    format!("{} · {key}", plugin.name),
                    tr!("now {value} — type a new value, then Enter", value = value),
                    MenuAction::SetPluginSetting { plugin: plugin.id.clone(), key },
                ));
            }
        }
        for shipped in self.shipped_plugins().await? {
            let manifest = &shipped.manifest;
            let installed = plugins.iter().find(|plugin| plugin.id == manifest.id);
            if installed.is_some_and(|plugin| !is_newer(&manifest.version, &plugin.version)) {
                continue;
            }
            let offer = Offer {
                name: &manifest.name,
                version: &manifest.version,
                hosts: &manifest.allowed_hosts,
                installed: installed.is_some(),
            };
            let detail = tr!(
                "{description} · reaches {hosts}",
                description = manifest.description.clone().unwrap_or_default(),
                hosts = manifest.allowed_hosts.join(", ")
            );
            entries.push(offer.entry(
                MenuItem::Shipped(shipped.clone()),
                tr!("included").to_owned(),
                detail,
                MenuAction::InstallShipped(shipped.clone()),
            ));
        }
        let index_url = self.db(|db| db.setting(INDEX_URL_SETTING)).await?;
        match index_url {
            None => entries.push(MenuEntry::info(
                tr!("Plugin index"),
                tr!("not set (getanime plugin index --url URL)"),
            )),
            Some(url) => match self.plugin_index().await {
                Err(error) => entries.push(MenuEntry::info(
                    tr!("Plugin index"),
                    tr!("could not be read: {error}", error = crate::explain(&error)),
                )),
                Ok(available) => {
                    for entry in available {
                        let installed = plugins.iter().find(|plugin| plugin.id == entry.id);
                        if installed.is_some_and(|plugin| plugin.version == entry.version) {
                            continue;
                        }
                        let offer = Offer {
                            name: &entry.name,
                            version: &entry.version,
                            hosts: &entry.allowed_hosts,
                            installed: installed.is_some(),
                        };
                        entries.push(offer.entry(
                            MenuItem::Available(entry.clone()),
                            tr!("from {url}", url = url),
                            entry.description.clone().unwrap_or_default(),
                            MenuAction::InstallAvailable(entry.clone()),
                        ));
                    }
                }
            },
        }
        entries.push(MenuEntry::text(
            MenuItem::InstallFromFile,
            tr!("Install from a file"),
            tr!("Type the path of a plugin directory or .tar.gz, then Enter").to_owned(),
            MenuAction::InstallFromFile,
        ));
        Ok(entries)
    }

    /// The Profiles screen ("Who is watching?"): each profile with Watch as and Remove, then
    /// renaming the one in use and adding one.
    pub async fn profiles_menu(&self) -> Result<Vec<MenuEntry>> {
        let profiles = self.profiles().await?;
        let current = self.profile();
        let mut entries = Vec::new();
        for profile in &profiles {
            let in_use = profile.id == current;
            let watch = if in_use {
                tr!("Continue as {name}", name = profile.name)
            } else {
                tr!("Watch as {name}", name = profile.name)
            };
            let mut buttons = vec![(watch.as_str(), None, MenuAction::WatchAs(profile.id))];
            if profiles.len() > 1 {
                let question = tr!(
                    "Remove {name}? Their history, ratings, lists and preferences are deleted; \
                     the library and the other profiles stay. Enter removes, Back keeps it.",
                    name = profile.name
                );
                buttons.push((
                    tr!("Remove"),
                    Some(question),
                    MenuAction::RemoveProfile(profile.id),
                ));
            }
            entries.push(
                MenuEntry {
                    item: MenuItem::Profile(profile.id),
                    ..MenuEntry::info(
                        profile.name.clone(),
                        if in_use { tr!("watching now") } else { "" },
                    )
                }
                .with_buttons(buttons),
            );
        }
        let name = profiles
            .iter()
            .find(|profile| profile.id == current)
            .map_or_else(String::new, |profile| profile.name.clone());
        entries.push(MenuEntry::text(
            MenuItem::RenameProfile,
            tr!("Rename {name}", name = name),
            tr!("Type the new name, then Enter").to_owned(),
            MenuAction::RenameProfile,
        ));
        entries.push(MenuEntry::text(
            MenuItem::AddProfile,
            tr!("Add a profile"),
            tr!("Type a name, then Enter; a new profile starts with an empty history").to_owned(),
            MenuAction::AddProfile,
        ));
        Ok(entries)
    }

    /// The Settings screen: preferences, backup and restore, where the data is, versions.
    pub async fn settings_menu(&self) -> Result<Vec<MenuEntry>> {
        let values = self.settings().await?;
        let mut entries: Vec<MenuEntry> = values
            .into_iter()
            .map(|(setting, value)| MenuEntry {
                item: MenuItem::Setting(setting),
                row: MenuRow::Choice,
                actions: vec![MenuAction::Step(setting)],
                ..MenuEntry::info(setting.label(), setting.value_label(&value))
            })
            .collect();
        entries.push(
            MenuEntry {
                item: MenuItem::BackupNow,
                detail: tr!("into {folder}", folder = self.paths.backups().display()),
                ..MenuEntry::info(tr!("Back up the library"), "")
            }
            .with_buttons(vec![(tr!("Back up now"), None, MenuAction::BackUpNow)]),
        );
        for backup in self.backups().await?.into_iter().take(5) {
            let name = backup.file_name().map(|name| name.to_string_lossy().into_owned());
            let question = tr!(
                "Replace the library with {backup}? The current one is kept as \
                 library.sqlite3.before-restore. Enter restores, Back cancels.",
                backup = name.as_deref().unwrap_or(tr!("this backup"))
            );
            entries.push(
                MenuEntry {
                    item: MenuItem::Restore(backup.clone()),
                    ..MenuEntry::info(tr!("Restore"), name.unwrap_or_default())
                }
                .with_buttons(vec![(
                    tr!("Restore"),
                    Some(question),
                    MenuAction::Restore(backup),
                )]),
            );
        }
        entries.push(MenuEntry::info(tr!("Data folder"), self.paths.root().display().to_string()));
        let status = self.status().await?;
        entries.push(
            MenuEntry::info(
                tr!("About"),
                tr!(
                    "getanime {version} · library schema V{schema} · plugin API {api}",
                    version = env!("CARGO_PKG_VERSION"),
                    schema = status.schema_version,
                    api = crate::views::about::contracts()
                ),
            )
            .with_buttons(vec![(
                tr!("Licences and files"),
                None,
                MenuAction::Open(crate::navigation::Screen::About),
            )]),
        );
        Ok(entries)
    }

    /// Left/right on a setting's row: store its next (or previous) value.
    pub async fn step_setting(&self, setting: Setting, forward: bool) -> Result<()> {
        let current = self.setting(setting).await?;
        self.set_setting(setting, setting.step(&current, forward)).await
    }

    /// The question the first Enter in a text row asks: for a package path, what it is and
    /// which hosts it will reach (the package is read and checked, nothing is installed).
    pub async fn menu_ask(&self, action: &MenuAction, text: &str) -> Result<String> {
        if let MenuAction::SetPluginSetting { plugin, key } = action {
            let value = text.trim();
            return Ok(match self.host_to_grant(plugin, value).await? {
                Some(host) => tr!(
                    "Set {key} to {value}? {plugin} will then also connect to {host}. Enter \
                     accepts, Back cancels.",
                    key = key,
                    value = value,
                    plugin = plugin,
                    host = host
                ),
                None => tr!(
                    "Set {key} to {value}? Enter saves, Back cancels.",
                    key = key,
                    value = value
                ),
            });
        }
        if matches!(action, MenuAction::RenameProfile | MenuAction::AddProfile) {
            let name = text.trim();
            anyhow::ensure!(!name.is_empty(), tr!("type a name first"));
            return Ok(if *action == MenuAction::AddProfile {
                tr!("Add the profile {name}? Enter adds, Back cancels.", name = name)
            } else {
                tr!("Rename this profile to {name}? Enter renames, Back cancels.", name = name)
            });
        }
        let MenuAction::InstallFromFile = action else { return Ok(String::new()) };
        let path = PathBuf::from(text.trim());
        let package = tokio::task::spawn_blocking(move || getanime_plugins::Package::read(&path))
            .await
            .context("the package check failed")??;
        let manifest = package.manifest;
        Ok(connect_question(&manifest.name, &manifest.version, &manifest.allowed_hosts))
    }

    /// Runs a menu action (after its question, if it has one); `text` is the row's typed text.
    pub async fn menu_run(&self, action: &MenuAction, text: &str) -> Result<MenuOutcome> {
        Ok(match action {
            MenuAction::SetEnabled { plugin: id, enabled } => {
                self.set_plugin_enabled(id, *enabled).await?;
                MenuOutcome::changed(if *enabled {
                    tr!("{source} enabled", source = id)
                } else {
                    tr!("{source} disabled", source = id)
                })
            }
            MenuAction::SyncNow(id) => {
                let run = self.sync_sources(SyncScope::source(id.clone()), &|_| {}).await?;
                let report = run.reports.first().with_context(|| format!("{id} did not sync"))?;
                MenuOutcome::changed(match &report.failure {
                    Some(failure) => failure.clone(),
                    None => trn!(
                        "{source} synced: {n} title new or changed",
                        "{source} synced: {n} titles new or changed",
                        report.written,
                        source = id
                    ),
                })
            }
            MenuAction::Remove(id) => {
                let deleted = self.remove_plugin(id, RemovalPolicy::KeepHistory).await?;
                MenuOutcome::changed(trn!(
                    "{source} removed; {n} title without history left the library",
                    "{source} removed; {n} titles without history left the library",
                    deleted,
                    source = id
                ))
            }
            MenuAction::InstallShipped(shipped) => {
                let record = self.install_plugin(shipped.path.clone(), None).await?;
                let message = tr!(
                    "Installed {name} {version}; sync it with Sync now",
                    name = record.name,
                    version = record.version
                );
                MenuOutcome::installed(&record, message)
            }
            MenuAction::InstallAvailable(entry) => {
                let record = self.install_from_index(&entry.id).await?;
                let message = installed_text(&record);
                MenuOutcome::installed(&record, message)
            }
            MenuAction::InstallFromFile => {
                let record = self.install_plugin(PathBuf::from(text.trim()), None).await?;
                let message = installed_text(&record);
                MenuOutcome::installed(&record, message)
            }
            MenuAction::SetPluginSetting { plugin, key } => {
                let value = text.trim();
                let grant = self.set_plugin_setting(plugin, key, value).await?;
                if let Some(grant) = &grant {
                    self.grant_host(plugin, &grant.host).await?;
                }
                MenuOutcome::changed(match grant {
                    Some(grant) => tr!(
                        "{key} set; {plugin} may now reach {host}",
                        key = key,
                        plugin = plugin,
                        host = grant.host
                    ),
                    None => tr!("{key} set", key = key),
                })
            }
            MenuAction::WatchAs(profile) => {
                self.use_profile(*profile).await?;
                let name = self.current_profile().await?.name;
                MenuOutcome {
                    profile_switched: true,
                    ..MenuOutcome::changed(tr!("Watching as {name}", name = name))
                }
            }
            MenuAction::RemoveProfile(profile) => {
                let name = self
                    .profiles()
                    .await?
                    .into_iter()
                    .find(|candidate| candidate.id == *profile)
                    .map(|found| found.name)
                    .with_context(|| format!("no profile {}", profile.0))?;
                let was_in_use = self.profile() == *profile;
                self.remove_profile(*profile).await?;
                MenuOutcome {
                    profile_switched: was_in_use,
                    ..MenuOutcome::changed(tr!("Removed {name} with their history", name = name))
                }
            }
            MenuAction::RenameProfile => {
                let name = text.trim();
                self.rename_profile(self.profile(), name).await?;
                MenuOutcome::said(tr!("Renamed to {name}", name = name))
            }
            MenuAction::AddProfile => {
                let profile = self.add_profile(text).await?;
                MenuOutcome {
                    focus: Some((MenuItem::Profile(profile.id), 0)),
                    ..MenuOutcome::said(tr!(
                        "Added {name}; Enter on Watch as {name} switches to it",
                        name = profile.name
                    ))
                }
            }
            MenuAction::BackUpNow => {
                let path = self.backup_now().await?;
                MenuOutcome::said(tr!("Backed up to {path}", path = path.display()))
            }
            MenuAction::Restore(path) => {
                self.restore(path.clone()).await?;
                MenuOutcome::changed(tr!("Restored the library from {path}", path = path.display()))
            }
            MenuAction::Step(setting) => {
                self.step_setting(*setting, true).await?;
                MenuOutcome::said(String::new())
            }
            MenuAction::Open(_) => MenuOutcome::said(String::new()),
        })
    }
}

/// "today at 18:04", "25 November at 18:04" in local time, for "last synced".
fn local_time(at: getanime_domain::UnixMillis) -> String {
    use chrono::TimeZone;
    match chrono::Local.timestamp_millis_opt(at) {
        chrono::LocalResult::Single(time) => language::date_time(&time, &chrono::Local::now()),
        _ => tr!("at an unknown time").to_owned(),
    }
}

fn installed_text(record: &getanime_domain::PluginRecord) -> String {
    tr!("Installed {name} {version}", name = record.name, version = record.version)
}

/// The question before an install: what it is and every host it will reach.
fn connect_question(name: &str, version: &str, hosts: &[String]) -> String {
    tr!(
        "{name} {version} will connect to: {hosts}. Enter accepts and installs, Back cancels.",
        name = name,
        version = version,
        hosts = hosts.join(", ")
    )
}

/// A plugin offered for install or update (shipped or from the index).
struct Offer<'a> {
    name: &'a str,
    version: &'a str,
    hosts: &'a [String],
    installed: bool,
}

impl Offer<'_> {
    /// Its row: one button, Install or Update, whose first Enter names the hosts it will reach.
    fn entry(
        &self,
        item: MenuItem,
        value: String,
        detail: String,
        install: MenuAction,
    ) -> MenuEntry {
        let caption = if self.installed { tr!("Update") } else { tr!("Install") };
        let question = connect_question(self.name, self.version, self.hosts);
        MenuEntry {
            item,
            row: MenuRow::Info,
            label: format!("{} {}", self.name, self.version),
            value,
            detail,
            buttons: Vec::new(),
            questions: Vec::new(),
            actions: Vec::new(),
        }
        .with_buttons(vec![(caption, Some(question), install)])
    }
}

/// Whether `offered` is a newer version than `installed` (semver; unparsable: not newer).
fn is_newer(offered: &str, installed: &str) -> bool {
    match (semver::Version::parse(offered), semver::Version::parse(installed)) {
        (Ok(offered), Ok(installed)) => offered > installed,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plugin(id: &str) -> MenuEntry {
        MenuEntry { item: MenuItem::Plugin(id.into()), ..MenuEntry::info(id, "") }
    }

    #[test]
    fn the_focus_follows_an_installed_plugin_or_the_row_it_was_on() {
        let before = [plugin("aniliberty"), MenuEntry::info("Install from a file", "")];
        let after = [plugin("anilibria"), plugin("aniliberty"), before[1].clone()];
        let installed = (MenuItem::Plugin("anilibria".into()), PLUGIN_SYNC_BUTTON);
        assert_eq!(
            menu_focus_after(&after, Some(&installed), Some(&before[0].item)),
            Some((0, PLUGIN_SYNC_BUTTON))
        );
        assert_eq!(
            menu_focus_after(&after, None, Some(&before[0].item)),
            Some((1, 0)),
            "the focused plugin moved down a row"
        );
        let removed = MenuItem::Plugin("gone".into());
        assert_eq!(menu_focus_after(&after, Some(&(removed.clone(), 2)), Some(&removed)), None);
    }
}
