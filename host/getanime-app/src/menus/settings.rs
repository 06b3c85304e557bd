//! The Settings screen: the settings, backups, where the data is, About.

use anyhow::Result;

use super::{MenuAction, MenuEntry, MenuItem, PowerAction};
use crate::language::tr;
use crate::navigation::MenuRow;
use crate::{App, Setting};

impl App {
    /// The Settings screen: on a TV box the power row first, then preferences, backup and
    /// restore, where the data is, versions.
    pub async fn settings_menu(&self) -> Result<Vec<MenuEntry>> {
        let values = self.settings().await?;
        let mut entries: Vec<MenuEntry> = self.is_tv_box().then(power_entry).into_iter().collect();
        let port = values
            .iter()
            .find(|(setting, _)| *setting == Setting::PhoneRemotePort)
            .map(|(_, port)| port.clone())
            .unwrap_or_default();
        let remote = values
            .iter()
            .find(|(setting, _)| *setting == Setting::PhoneRemote)
            .map(|(_, value)| value.clone())
            .unwrap_or_default();
        // The phone remote is said after the backups (a service, not a preference); its port
        // only beside it (set with `getanime settings`).
        let preferences = values.into_iter().filter(|(setting, _)| {
            !matches!(setting, Setting::PhoneRemote | Setting::PhoneRemotePort)
        });
        entries.extend(preferences.map(|(setting, value)| setting_entry(setting, &value)));
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
        entries.push(MenuEntry {
            detail: tr!("on port {port}; only phones you pair here", port = port),
            ..setting_entry(Setting::PhoneRemote, &remote)
        });
        if remote == "true" {
            entries.push(
                MenuEntry {
                    item: MenuItem::PairPhone,
                    detail: tr!("shows a code and a QR code for the phone; lists the paired ones")
                        .to_owned(),
                    ..MenuEntry::info(tr!("Pair a phone"), "")
                }
                .with_buttons(vec![(
                    tr!("Pair"),
                    None,
                    MenuAction::Open(crate::navigation::Screen::Pairing),
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
}

/// Settings → Power: what a TV box has instead of a window's close button.
/// A setting's row: Left/Right step it.
fn setting_entry(setting: Setting, value: &str) -> MenuEntry {
    MenuEntry {
        item: MenuItem::Setting(setting),
        row: MenuRow::Choice,
        actions: vec![MenuAction::Step(setting)],
        ..MenuEntry::info(setting.label(), setting.value_label(value))
    }
}

fn power_entry() -> MenuEntry {
    MenuEntry {
        item: MenuItem::Power,
        detail: tr!("This box runs getanime as a TV box").to_owned(),
        ..MenuEntry::info(tr!("Power"), "")
    }
    .with_buttons(vec![
        (
            tr!("Quit to console"),
            Some(tr!("Quit getanime and show the console? Enter quits, Back cancels.").to_owned()),
            MenuAction::Power(PowerAction::QuitToConsole),
        ),
        (
            tr!("Restart"),
            Some(tr!("Restart the box? Enter restarts, Back cancels.").to_owned()),
            MenuAction::Power(PowerAction::Restart),
        ),
        (
            tr!("Shut down"),
            Some(tr!("Shut the box down? Enter shuts down, Back cancels.").to_owned()),
            MenuAction::Power(PowerAction::ShutDown),
        ),
    ])
}
