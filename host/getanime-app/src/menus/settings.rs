//! The Settings screen: the settings, backups, where the data is, About.

use anyhow::Result;

use super::{MenuAction, MenuEntry, MenuItem};
use crate::language::tr;
use crate::navigation::MenuRow;
use crate::{App, Setting};

impl App {
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
}
