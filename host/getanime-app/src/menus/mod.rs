//! The Sources, Settings and Profiles screens as data: which rows they have, what each row shows,
//! what its buttons do ([`MenuAction`]) and which ones ask first. The TV UI draws [`MenuEntry`]
//! lists and runs the action of the button the navigator pressed, so the screens' behaviour is
//! tested without a window.

use std::path::PathBuf;

use anyhow::{Context, Result};
use getanime_storage::RemovalPolicy;

use crate::language::{tr, trn};
use crate::navigation::MenuRow;
use crate::preferences::Setting;
use crate::shipped::ShippedPlugin;
use crate::{App, IndexEntry, SyncScope};

mod accounts;
mod profiles;
mod settings;
mod sources;

use sources::{connect_question, installed_text};

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
    Shipped(Box<ShippedPlugin>),
    /// A text field for a package path (a directory or a `.tar.gz`).
    InstallFromFile,
    /// A setting, stepped with left/right.
    Setting(Setting),
    BackupNow,
    /// Settings → Pair a phone (while the phone remote is on).
    PairPhone,
    /// A profile: buttons watch as it, remove (asks; not the last one).
    Profile(getanime_domain::ProfileId),
    /// A text field: the new name of the profile in use.
    RenameProfile,
    /// A text field: the name of a new profile.
    AddProfile,
    /// An account at a tracker plugin, or one to connect (the plugin's id).
    Account(String),
    /// A text field: the login for signing in to this account plugin by password.
    AccountLogin(String),
    /// Whether the profile in use keeps everything off its accounts: button switch.
    PrivateProfile,
    /// A text field (drawn as dots): the password.
    AccountPassword(String),
    /// A backup in the data directory: button restore (asks).
    Restore(PathBuf),
    /// Settings → Power on a TV box: quit to the console, restart, shut down (each asks).
    Power,
    /// Text only.
    Info,
}

/// What Settings → Power does on a TV box; the screen carries it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PowerAction {
    /// getanime ends; the TV-box unit hands the screen to a console.
    QuitToConsole,
    Restart,
    ShutDown,
}

impl PowerAction {
    /// The `systemctl` verb that does it (logind lets the seat's active session restart or shut
    /// down the box); `None`: getanime quits instead.
    pub fn systemctl_verb(self) -> Option<&'static str> {
        match self {
            PowerAction::QuitToConsole => None,
            PowerAction::Restart => Some("reboot"),
            PowerAction::ShutDown => Some("poweroff"),
        }
    }

    /// What the screen says when the box refused (`reason`: why, in words).
    pub fn failed(self, reason: &str) -> String {
        match self {
            PowerAction::Restart => tr!("Could not restart the box: {reason}", reason = reason),
            _ => tr!("Could not shut the box down: {reason}", reason = reason),
        }
    }
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
    InstallShipped(Box<ShippedPlugin>),
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
    /// Sign in to an account plugin (its id and name, and the service whose app accepts the
    /// code): the screen opens the sign-in screen.
    ConnectAccount {
        plugin: String,
        name: String,
        service: String,
    },
    /// The login typed for signing in to an account plugin by password (kept until the password
    /// row's Enter).
    AccountLogin(String),
    /// Sign in to an account plugin with the login typed above and the password typed here.
    AccountPassword {
        plugin: String,
        name: String,
    },
    /// Sync an account now.
    SyncAccount(String),
    PauseAccount {
        plugin: String,
        paused: bool,
    },
    /// Sign out and forget the account (the profile's history stays).
    DisconnectAccount(String),
    /// Make the profile in use private (nothing is sent to its accounts) or not.
    SetPrivate(bool),
    /// The first sync's question: send this profile's history, or only receive.
    AnswerConsent {
        plugin: String,
        send: bool,
    },
    /// Open another screen (Settings → About); the screen does it, nothing runs here.
    Open(crate::navigation::Screen),
    /// Quit, restart or shut down the TV box; the screen does it, nothing runs here.
    Power(PowerAction),
}

impl MenuAction {
    /// Whether only the TV's own remote may do it: what changes what the TV trusts (sources,
    /// their hosts and settings, accounts, the phone remote), replaces or removes data, or
    /// powers the box off. A key from a phone never confirms one of these.
    pub fn is_tv_only(&self) -> bool {
        match self {
            MenuAction::Remove(_)
            | MenuAction::InstallShipped(_)
            | MenuAction::InstallAvailable(_)
            | MenuAction::InstallFromFile
            | MenuAction::SetPluginSetting { .. }
            | MenuAction::Restore(_)
            | MenuAction::RemoveProfile(_)
            | MenuAction::ConnectAccount { .. }
            | MenuAction::AccountLogin(_)
            | MenuAction::AccountPassword { .. }
            | MenuAction::PauseAccount { .. }
            | MenuAction::DisconnectAccount(_)
            | MenuAction::AnswerConsent { .. }
            | MenuAction::Power(_)
            | MenuAction::Open(crate::navigation::Screen::Pairing) => true,
            MenuAction::Step(setting) => {
                matches!(setting, Setting::PhoneRemote | Setting::PhoneRemotePort)
            }
            MenuAction::SetEnabled { .. }
            | MenuAction::SyncNow(_)
            | MenuAction::BackUpNow
            | MenuAction::WatchAs(_)
            | MenuAction::RenameProfile
            | MenuAction::AddProfile
            | MenuAction::SyncAccount(_)
            | MenuAction::SetPrivate(_)
            | MenuAction::Open(_) => false,
        }
    }
}

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
    /// A text row whose text is never shown (a password): the screen draws dots.
    pub secret: bool,
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
            secret: false,
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
#[derive(Debug, Clone, PartialEq)]
pub struct MenuOutcome {
    /// One line for the user.
    pub message: String,
    /// The library was replaced or its sources changed: screens showing it must reload.
    pub library_changed: bool,
    /// The button that takes the focus when the menu reloads, named by what it does (a plugin
    /// just installed: its Sync now); `None`: the focused row stays (see [`menu_focus_after`]).
    pub focus: Option<MenuAction>,
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
        let focus = Some(MenuAction::SyncNow(record.id.clone()));
        MenuOutcome { focus, ..Self::changed(message) }
    }
}

/// Where the focus goes when a menu's rows are reloaded, as (row, button): to the button doing
/// `wanted` (a plugin just installed: its Sync now), else to the row of what had it `before`
/// (rows move when a plugin comes or goes); `None`: neither is listed, the focused row number
/// stays.
pub fn menu_focus_after(
    entries: &[MenuEntry],
    wanted: Option<&MenuAction>,
    before: Option<&MenuItem>,
) -> Option<(usize, usize)> {
    let button_doing = |action: &MenuAction| {
        entries.iter().enumerate().find_map(|(row, entry)| {
            Some((row, entry.actions.iter().position(|candidate| candidate == action)?))
        })
    };
    let row_of = |item: &MenuItem| entries.iter().position(|entry| entry.item == *item);
    wanted.and_then(button_doing).or_else(|| Some((row_of(before?)?, 0)))
}

impl App {
    /// The question the first Enter in a text row asks: for a package path, what it is and
    /// which hosts it will reach (the package is read and checked, nothing is installed).
    pub async fn menu_ask(&self, action: &MenuAction, text: &str) -> Result<String> {
        if let MenuAction::SetPluginSetting { plugin, key } = action {
            let value = text.trim();
            if getanime_plugins::is_secret_setting(key) {
                // A secret is never repeated on the screen.
                anyhow::ensure!(!value.is_empty(), tr!("type it first"));
                return Ok(tr!("Keep the {key} you typed? Enter saves, Back cancels.", key = key));
            }
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
        match action {
            MenuAction::AccountLogin(_) => {
                let login = text.trim();
                anyhow::ensure!(!login.is_empty(), tr!("type a login first"));
                return Ok(tr!(
                    "Sign in as {login}? Enter keeps it; then type the password below.",
                    login = login
                ));
            }
            MenuAction::AccountPassword { plugin, name } => {
                // The password is never repeated, not even here.
                anyhow::ensure!(!text.is_empty(), tr!("type the password first"));
                let login = self.typed_login(plugin).context(tr!("type the login first"))?;
                return Ok(tr!(
                    "Sign in to {account} as {login}? Enter signs in, Back cancels.",
                    account = name,
                    login = login
                ));
            }
            _ => {}
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
                // A shipped tracker's client is typed on Accounts before it is installed.
                self.ensure_tracker_installed(plugin).await?;
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
                    focus: Some(MenuAction::WatchAs(profile.id)),
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
            MenuAction::AccountLogin(plugin) => {
                self.keep_typed_login(plugin, text.trim());
                MenuOutcome::said(tr!("Now the password, then Enter").to_owned())
            }
            MenuAction::AccountPassword { plugin, .. } => {
                let login = self.typed_login(plugin).context(tr!("type the login first"))?;
                let user = self.sign_in_with_password(plugin, &login, text).await?;
                let synced = self.account_synced_text(plugin).await?;
                MenuOutcome::changed(tr!(
                    "Signed in as {user}. {synced}",
                    user = user,
                    synced = synced
                ))
            }
            MenuAction::SyncAccount(plugin) => {
                MenuOutcome::changed(self.account_synced_text(plugin).await?)
            }
            MenuAction::SetPrivate(private) => {
                self.set_profile_private(*private).await?;
                MenuOutcome::changed(if *private {
                    tr!("This profile is private now: nothing is sent to its accounts").to_owned()
                } else {
                    tr!("Private no more: what it did meanwhile stays here; new changes are sent")
                        .to_owned()
                })
            }
            MenuAction::PauseAccount { plugin, paused } => {
                self.pause_account(plugin, *paused).await?;
                MenuOutcome::said(if *paused {
                    tr!("Paused: nothing is sent or received until Resume").to_owned()
                } else {
                    tr!("Resumed").to_owned()
                })
            }
            MenuAction::DisconnectAccount(plugin) => {
                self.disconnect_account(plugin).await?;
                MenuOutcome::changed(tr!("Disconnected; this profile's history stays").to_owned())
            }
            MenuAction::AnswerConsent { plugin, send } => {
                self.answer_consent(plugin, *send).await?;
                MenuOutcome::changed(self.account_synced_text(plugin).await?)
            }
            MenuAction::Open(_) | MenuAction::Power(_) | MenuAction::ConnectAccount { .. } => {
                MenuOutcome::said(String::new())
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_changes_trust_data_or_power_is_for_the_tvs_own_remote_only() {
        let tv_only = [
            MenuAction::Remove("aniliberty".into()),
            MenuAction::InstallFromFile,
            MenuAction::SetPluginSetting { plugin: "aniliberty".into(), key: "base_url".into() },
            MenuAction::Restore(PathBuf::from("backup.sqlite3")),
            MenuAction::RemoveProfile(getanime_domain::ProfileId(2)),
            MenuAction::DisconnectAccount("aniliberty-account".into()),
            MenuAction::Step(Setting::PhoneRemote),
            MenuAction::Step(Setting::PhoneRemotePort),
            MenuAction::Open(crate::navigation::Screen::Pairing),
            MenuAction::Power(PowerAction::ShutDown),
        ];
        for action in &tv_only {
            assert!(action.is_tv_only(), "{action:?} waits for the TV's remote");
        }
        let anyone = [
            MenuAction::SyncNow("aniliberty".into()),
            MenuAction::Step(Setting::Quality),
            MenuAction::BackUpNow,
            MenuAction::WatchAs(getanime_domain::ProfileId(1)),
            MenuAction::Open(crate::navigation::Screen::About),
        ];
        for action in &anyone {
            assert!(!action.is_tv_only(), "{action:?} is the remote's as well as the phone's");
        }
    }

    fn plugin(id: &str) -> MenuEntry {
        MenuEntry { item: MenuItem::Plugin(id.into()), ..MenuEntry::info(id, "") }
    }

    #[test]
    fn the_focus_follows_an_installed_plugin_or_the_row_it_was_on() {
        let installed_plugin = |id: &str| {
            plugin(id).with_buttons(vec![
                ("Disable", None, MenuAction::SetEnabled { plugin: id.into(), enabled: false }),
                ("Sync now", None, MenuAction::SyncNow(id.into())),
                ("Remove", Some("Remove?".into()), MenuAction::Remove(id.into())),
            ])
        };
        let before = [installed_plugin("aniliberty"), MenuEntry::info("Install from a file", "")];
        let after = [installed_plugin("anilibria"), before[0].clone(), before[1].clone()];
        let sync_new = MenuAction::SyncNow("anilibria".into());
        assert_eq!(
            menu_focus_after(&after, Some(&sync_new), Some(&before[0].item)),
            Some((0, 1)),
            "the new plugin's Sync now, wherever its row and button are"
        );
        assert_eq!(
            menu_focus_after(&after, None, Some(&before[0].item)),
            Some((1, 0)),
            "the focused plugin moved down a row"
        );
        let removed = MenuItem::Plugin("gone".into());
        let gone = MenuAction::SyncNow("gone".into());
        assert_eq!(menu_focus_after(&after, Some(&gone), Some(&removed)), None);
    }
}
