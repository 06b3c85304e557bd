//! The Accounts screen (Profiles → Accounts): the profile's accounts at trackers with their
//! state in words, Sync now, Pause, Disconnect, the first sync's question, and Connect for each
//! account plugin the profile has no account at.

use anyhow::Result;
use chrono::TimeZone;
use getanime_domain::AccountState;

use super::{MenuAction, MenuEntry, MenuItem};
use crate::language::{self, tr, trn};
use crate::{AccountSummary, App};

impl App {
    /// The rows of the Accounts screen.
    pub async fn accounts_menu(&self) -> Result<Vec<MenuEntry>> {
        let accounts = self.accounts().await?;
        let mut entries = Vec::new();
        for account in &accounts {
            let service = self
                .account_service(&account.plugin)
                .await
                .unwrap_or_else(|| account.plugin_name.clone());
            let question = self.consent_question(account).await?;
            entries.push(account_entry(account, question, service));
        }
        // Connect: installed account plugins, then the shipped ones not installed yet.
        let mut offered: Vec<(String, String)> = self
            .tracker_plugins()
            .await?
            .into_iter()
            .map(|plugin| (plugin.id, plugin.name))
            .collect();
        for shipped in self.shipped_accounts().await? {
            if !offered.iter().any(|(id, _)| *id == shipped.manifest.id) {
                offered.push((shipped.manifest.id, shipped.manifest.name));
            }
        }
        for (id, name) in offered {
            if accounts.iter().any(|account| account.plugin == id) {
                continue;
            }
            let service = self.account_service(&id).await.unwrap_or_else(|| name.clone());
            let manifest = self.account_manifest(&id).await;
            let oauth = manifest.as_ref().and_then(|manifest| manifest.oauth.clone());
            // The host signs in to an `[oauth]` tracker (a page and a pasted code), never with a
            // password; it first needs the registered application's client.
            let (detail, rows) = match (&oauth, &manifest) {
                (Some(oauth), Some(manifest)) => {
                    let missing = self.missing_client_settings(manifest, oauth).await?;
                    let detail = if missing.is_empty() {
                        tr!("Your lists, episodes watched and scores there, in step with this profile")
                            .to_owned()
                    } else {
                        tr!(
                            "{account} first needs an application registered there (the README \
                             says how): type its client id below, then Connect",
                            account = name
                        )
                    };
                    let rows = missing.iter().map(|key| client_entry(&id, &name, key)).collect();
                    (detail, rows)
                }
                _ => (
                    tr!("Your lists, favorites and episode marks there, in step with this profile")
                        .to_owned(),
                    password_entries(&id, &name).to_vec(),
                ),
            };
            entries.push(
                MenuEntry {
                    item: MenuItem::Account(id.clone()),
                    detail,
                    ..MenuEntry::info(tr!("Connect {name}", name = &name), "")
                }
                .with_buttons(vec![(
                    tr!("Connect"),
                    None,
                    MenuAction::ConnectAccount { plugin: id, name, service },
                )]),
            );
            // The code first (the way most people have); the form or the client below it.
            entries.extend(rows);
        }
        if entries.is_empty() {
            entries.push(MenuEntry::info(tr!("No account plugin is installed"), ""));
        }
        entries.push(private_entry(self.profile_private().await?));
        Ok(entries)
    }

    /// The service an account plugin signs in to, as its app is called: the name of the
    /// source its titles come from ("AniLiberty"), when that is known.
    async fn account_service(&self, plugin_id: &str) -> Option<String> {
        let manifest = self.account_manifest(plugin_id).await?;
        let source = manifest.for_source?;
        if let Ok(record) = self.plugin_record(&source).await {
            return Some(record.name);
        }
        let shipped = self.shipped_plugins().await.ok()?;
        shipped
            .into_iter()
            .find(|plugin| plugin.manifest.id == source)
            .map(|plugin| plugin.manifest.name)
    }

    /// The client settings an `[oauth]` tracker still lacks (`client_id`, `client_secret`), by
    /// the user's values once installed, else the package's.
    async fn missing_client_settings(
        &self,
        manifest: &getanime_domain::PluginManifest,
        oauth: &getanime_domain::OAuth,
    ) -> Result<Vec<&'static str>> {
        let values: Vec<(String, String)> = match self.plugin_settings(&manifest.id).await {
            Ok(values) => values,
            Err(_) => manifest.settings.clone().into_iter().collect(),
        };
        let set =
            |key: &str| values.iter().any(|(name, value)| name == key && !value.trim().is_empty());
        Ok(getanime_plugins::client_settings(oauth)
            .iter()
            .copied()
            .filter(|key| !set(key))
            .collect())
    }

    /// What the first sync would send, in words, while it waits for the answer.
    async fn consent_question(&self, account: &AccountSummary) -> Result<Option<String>> {
        if account.state != AccountState::NeedsConsent {
            return Ok(None);
        }
        let counts = self.consent_counts(&account.record).await?;
        let titles = trn!("{n} title", "{n} titles", counts.titles);
        let episodes = trn!("{n} episode", "{n} episodes", counts.episodes);
        Ok(Some(tr!(
            "This profile already has history: {titles} and {episodes} would go to {account}. \
             Enter sends them, Back keeps the question.",
            titles = titles,
            episodes = episodes,
            account = account.plugin_name
        )))
    }
}

/// Signing in by login and password, for people without the phone app: the login row, then
/// the password row (drawn as dots).
fn password_entries(plugin: &str, name: &str) -> [MenuEntry; 2] {
    let login = MenuEntry::text(
        MenuItem::AccountLogin(plugin.to_owned()),
        tr!("{account}: login", account = name),
        tr!("Without the phone app: type the login (e-mail or nickname), then Enter").to_owned(),
        MenuAction::AccountLogin(plugin.to_owned()),
    );
    let password = MenuEntry {
        secret: true,
        ..MenuEntry::text(
            MenuItem::AccountPassword(plugin.to_owned()),
            tr!("{account}: password", account = name),
            tr!("Then the password, then Enter").to_owned(),
            MenuAction::AccountPassword { plugin: plugin.to_owned(), name: name.to_owned() },
        )
    };
    [login, password]
}

/// The profile's private switch: nothing it does is sent to its accounts while on.
fn private_entry(private: bool) -> MenuEntry {
    let (value, detail, caption) = if private {
        (
            tr!("on"),
            tr!("Nothing this profile does is sent; the accounts still send here. What it does \
                 now stays here."),
            tr!("Turn off"),
        )
    } else {
        (
            tr!("off"),
            tr!("When on, nothing this profile does is sent to its accounts (they still send \
                 here)"),
            tr!("Turn on"),
        )
    };
    MenuEntry {
        item: MenuItem::PrivateProfile,
        detail: detail.to_owned(),
        ..MenuEntry::info(tr!("Private profile"), value)
    }
    .with_buttons(vec![(caption, None, MenuAction::SetPrivate(!private))])
}

/// A row to type a registered application's client id or secret (drawn as dots).
fn client_entry(plugin: &str, name: &str, key: &str) -> MenuEntry {
    let secret = getanime_plugins::is_secret_setting(key);
    let label = if secret {
        tr!("{account}: client secret", account = name)
    } else {
        tr!("{account}: client id", account = name)
    };
    MenuEntry {
        secret,
        ..MenuEntry::text(
            MenuItem::PluginSetting { plugin: plugin.to_owned(), key: key.to_owned() },
            label,
            tr!("From the application you registered there: type it, then Enter").to_owned(),
            MenuAction::SetPluginSetting { plugin: plugin.to_owned(), key: key.to_owned() },
        )
    }
}

/// One account: who, its state in words, and what can be done with it.
fn account_entry(account: &AccountSummary, consent: Option<String>, service: String) -> MenuEntry {
    let plugin = account.plugin.clone();
    let detail = detail(account);
    let label = tr!("{account}: {user}", account = account.plugin_name, user = account.user);
    let entry = MenuEntry {
        item: MenuItem::Account(plugin.clone()),
        detail,
        ..MenuEntry::info(label, state_text(account))
    };
    let disconnect_question = if account.pending > 0 {
        trn!(
            "Disconnect? {n} change has not reached the account yet and would stay here only; \
             this profile's history stays. Enter disconnects, Back keeps it.",
            "Disconnect? {n} changes have not reached the account yet and would stay here only; \
             this profile's history stays. Enter disconnects, Back keeps it.",
            account.pending
        )
    } else {
        tr!("Disconnect? This profile's history stays. Enter disconnects, Back keeps it.")
            .to_owned()
    };
    let disconnect = (
        tr!("Disconnect"),
        Some(disconnect_question),
        MenuAction::DisconnectAccount(plugin.clone()),
    );
    let buttons = match account.state {
        AccountState::NeedsConsent => vec![
            (
                tr!("Send my history"),
                consent,
                MenuAction::AnswerConsent { plugin: plugin.clone(), send: true },
            ),
            (tr!("Only receive"), None, MenuAction::AnswerConsent { plugin, send: false }),
            disconnect,
        ],
        AccountState::NeedsSignIn => vec![
            (
                tr!("Sign in again"),
                None,
                MenuAction::ConnectAccount { plugin, name: account.plugin_name.clone(), service },
            ),
            disconnect,
        ],
        AccountState::Paused => vec![
            (tr!("Resume"), None, MenuAction::PauseAccount { plugin, paused: false }),
            disconnect,
        ],
        AccountState::Active => vec![
            (tr!("Sync now"), None, MenuAction::SyncAccount(plugin.clone())),
            (tr!("Pause"), None, MenuAction::PauseAccount { plugin, paused: true }),
            disconnect,
        ],
    };
    entry.with_buttons(buttons)
}

/// The account's state in a few words: "synced today at 06:04", "sign in again".
fn state_text(account: &AccountSummary) -> String {
    match account.state {
        AccountState::NeedsSignIn => tr!("sign in again").to_owned(),
        AccountState::Paused => tr!("paused").to_owned(),
        AccountState::NeedsConsent => tr!("waits for your answer").to_owned(),
        AccountState::Active if account.last_error.is_some() => tr!("not synced").to_owned(),
        AccountState::Active => match account.last_sync.map(moment) {
            Some(Some(when)) => tr!("synced {when}", when = when),
            _ => tr!("not synced yet").to_owned(),
        },
    }
}

/// Changes waiting and the last error, in words.
fn detail(account: &AccountSummary) -> String {
    let mut parts = Vec::new();
    if account.pending > 0 {
        parts.push(trn!("{n} change waits", "{n} changes wait", account.pending));
    }
    if account.left_out > 0 {
        parts.push(trn!(
            "{n} title has no MyAnimeList id and is left out",
            "{n} titles have no MyAnimeList id and are left out",
            account.left_out
        ));
    }
    if let Some(error) = &account.last_error {
        parts.push(error.clone());
    }
    if let Some(until) = account.signed_in_until.and_then(day) {
        parts.push(tr!("signed in until {date}", date = until));
    }
    parts.join(" · ")
}

/// A day in words with its year: "6 December 2027".
fn day(at: i64) -> Option<String> {
    use chrono::Datelike;
    match chrono::Local.timestamp_millis_opt(at) {
        chrono::LocalResult::Single(time) => {
            let date = time.date_naive();
            Some(format!("{} {}", language::day_month(date), date.year()))
        }
        _ => None,
    }
}

fn moment(at: i64) -> Option<String> {
    match chrono::Local.timestamp_millis_opt(at) {
        chrono::LocalResult::Single(time) => {
            Some(language::date_time(&time, &chrono::Local::now()))
        }
        _ => None,
    }
}
