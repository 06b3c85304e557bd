//! The Profiles screen ("Who is watching?").

use anyhow::Result;

use super::{MenuAction, MenuEntry, MenuItem};
use crate::App;
use crate::language::tr;

impl App {
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
        entries.push(
            MenuEntry {
                detail: tr!("AniLiberty and other accounts: your lists and marks, in step")
                    .to_owned(),
                ..MenuEntry::info(tr!("Accounts of {name}", name = name), "")
            }
            .with_buttons(vec![(
                tr!("Open"),
                None,
                MenuAction::Open(crate::navigation::Screen::Accounts),
            )]),
        );
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
}
