//! The Sources screen: installed sources with their settings, the ones that ship or an index
//! offers, and install from a file.

use anyhow::Result;

use super::{MenuAction, MenuEntry, MenuItem};
use crate::App;
use crate::index::INDEX_URL_SETTING;
use crate::language::{self, tr};
use crate::navigation::MenuRow;

impl App {
    /// An installed account plugin in Sources: it has no catalog to sync; its accounts are on
    /// the Accounts screen, its settings (a mirror) here.
    async fn account_plugin_entries(
        &self,
        plugin: &getanime_domain::PluginRecord,
    ) -> Result<Vec<MenuEntry>> {
        let remove = tr!(
            "Remove {name}? Its accounts stop syncing; your history stays. Enter removes, Back \
             keeps it.",
            name = plugin.name
        );
        let mut detail = tr!("reaches {hosts}", hosts = plugin.allowed_hosts.join(", "));
        detail.push_str(&self.mirror_detail(&plugin.id).await?);
        let mut entries = vec![
            MenuEntry {
                item: MenuItem::Plugin(plugin.id.clone()),
                detail,
                ..MenuEntry::info(format!("{} {}", plugin.name, plugin.version), tr!("account"))
            }
            .with_buttons(vec![
                (tr!("Accounts"), None, MenuAction::Open(crate::navigation::Screen::Accounts)),
                (tr!("Remove"), Some(remove), MenuAction::Remove(plugin.id.clone())),
            ]),
        ];
        entries.extend(self.plugin_setting_entries(plugin).await?);
        Ok(entries)
    }

    /// " · through the mirror {host}" once the plugin moved to a mirror; empty before.
    async fn mirror_detail(&self, id: &str) -> Result<String> {
        let mirror = self.mirror_in_use(id).await?;
        Ok(match mirror.as_deref().and_then(getanime_plugins::url_host) {
            Some(host) => tr!(" · through the mirror {host}", host = host),
            None => String::new(),
        })
    }

    /// A plugin's settings as text rows.
    async fn plugin_setting_entries(
        &self,
        plugin: &getanime_domain::PluginRecord,
    ) -> Result<Vec<MenuEntry>> {
        Ok(self
            .plugin_settings(&plugin.id)
            .await?
            .into_iter()
            .map(|(key, value)| {
                let secret = getanime_plugins::is_secret_setting(&key);
                let detail = match (secret, value.is_empty()) {
                    (true, true) => tr!("not set — type it, then Enter").to_owned(),
                    (true, false) => tr!("set — type a new one, then Enter").to_owned(),
                    (false, _) => tr!("now {value} — type a new value, then Enter", value = value),
                };
                MenuEntry {
                    secret,
                    ..MenuEntry::text(
                        MenuItem::PluginSetting { plugin: plugin.id.clone(), key: key.clone() },
                        format!("{} · {key}", plugin.name),
                        detail,
                        MenuAction::SetPluginSetting { plugin: plugin.id.clone(), key },
                    )
                }
            })
            .collect())
    }

    /// The Sources screen: installed plugins, what the plugin index offers, install from a file.
    pub async fn sources_menu(&self) -> Result<Vec<MenuEntry>> {
        let plugins = self.plugins().await?;
        let mut entries = Vec::new();
        if plugins.is_empty() {
            entries.push(MenuEntry::info(tr!("No sources installed"), tr!("install one below")));
        }
        for plugin in &plugins {
            if plugin.kind == getanime_domain::PluginKind::Tracker {
                entries.extend(self.account_plugin_entries(plugin).await?);
                continue;
            }
            let mut detail = match plugin.last_sync_at {
                Some(at) => tr!("synced {when}", when = local_time(at)),
                None => tr!("never synced").to_owned(),
            };
            if let Some(error) = &plugin.last_error {
                detail.push_str(&tr!(" · last error: {error}", error = error));
            }
            detail.push_str(&tr!(" · reaches {hosts}", hosts = plugin.allowed_hosts.join(", ")));
            detail.push_str(&self.mirror_detail(&plugin.id).await?);
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
                    secret: false,
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
            entries.extend(self.plugin_setting_entries(plugin).await?);
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
                MenuItem::Shipped(Box::new(shipped.clone())),
                tr!("included").to_owned(),
                detail,
                MenuAction::InstallShipped(Box::new(shipped.clone())),
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
}

/// "today at 18:04", "25 November at 18:04" in local time, for "last synced".
fn local_time(at: getanime_domain::UnixMillis) -> String {
    use chrono::TimeZone;
    match chrono::Local.timestamp_millis_opt(at) {
        chrono::LocalResult::Single(time) => language::date_time(&time, &chrono::Local::now()),
        _ => tr!("at an unknown time").to_owned(),
    }
}

pub(super) fn installed_text(record: &getanime_domain::PluginRecord) -> String {
    tr!("Installed {name} {version}", name = record.name, version = record.version)
}

/// The question before an install: what it is and every host it will reach.
pub(super) fn connect_question(name: &str, version: &str, hosts: &[String]) -> String {
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
            secret: false,
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
