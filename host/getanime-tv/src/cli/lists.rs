//! `getanime list` and `getanime profile`: a profile's lists, and the profiles.

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use getanime_app::App;
use getanime_app::domain::{ListFilter, TitleId};

use super::{Output, parse_list};

/// `getanime list ...`
#[derive(Debug, Subcommand)]
pub enum ListCommand {
    /// Put a title in a list (watching, planned, completed, on_hold, dropped), or mark it a
    /// favorite (favorite). A title is in one list at a time; favorites are apart.
    Set {
        title_id: i64,
        #[arg(value_parser = parse_list)]
        list: ListFilter,
    },
    /// Take a title out of its list, or out of the favorites with `favorite`.
    Clear {
        title_id: i64,
        #[arg(value_parser = parse_list)]
        list: Option<ListFilter>,
    },
    /// The titles of a list, most recently added first, with the episode to watch next.
    Show {
        #[arg(value_parser = parse_list)]
        list: ListFilter,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
}

/// `getanime profile ...`
#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// Every profile; `*` marks the one in use.
    List,
    /// Add a profile (an empty history, the library's preferences).
    Add {
        name: String,
    },
    Rename {
        name: String,
        new_name: String,
    },
    /// Remove a profile with its own history, ratings, lists and preferences.
    Remove {
        name: String,
    },
    /// Make NAME the profile every later run starts with.
    Use {
        name: String,
    },
}

impl Output {
    pub(super) async fn list(&self, app: &App, command: ListCommand) -> Result<()> {
        match command {
            ListCommand::Set { title_id, list } => {
                let title = TitleId(title_id);
                match list {
                    ListFilter::Status(status) => {
                        app.set_list_status(title, Some(status)).await?;
                    }
                    ListFilter::Favorite => app.set_favorite(title, true).await?,
                }
                self.done(&format!("{title_id} is in {}", list.code()))
            }
            ListCommand::Clear { title_id, list } => {
                let title = TitleId(title_id);
                match list {
                    Some(ListFilter::Favorite) => app.set_favorite(title, false).await?,
                    Some(ListFilter::Status(status)) => {
                        if app.list_entry(title).await?.status != Some(status) {
                            bail!("{title_id} is not in {}", status.code());
                        }
                        app.set_list_status(title, None).await?;
                    }
                    None => {
                        app.set_list_status(title, None).await?;
                    }
                }
                self.done(&format!("{title_id} taken out of the list"))
            }
            ListCommand::Show { list, limit } => {
                let cards = app.list(list, limit).await?;
                self.print(&cards, |cards| {
                    cards
                        .iter()
                        .map(|item| {
                            let line = crate::text::card_line(&item.card);
                            match item.next_episode {
                                Some(number) => {
                                    format!("{}  next: episode {number}\n", line.trim_end())
                                }
                                None => line,
                            }
                        })
                        .collect()
                })
            }
        }
    }

    pub(super) async fn profile(&self, app: &App, command: ProfileCommand) -> Result<()> {
        let named = |name: String| async move {
            let profiles = app.profiles().await?;
            profiles
                .into_iter()
                .find(|profile| profile.name == name)
                .with_context(|| format!("there is no profile named {name:?}"))
        };
        match command {
            ProfileCommand::List => {
                let profiles = app.profiles().await?;
                let current = app.profile();
                self.print(&profiles, |profiles| {
                    profiles
                        .iter()
                        .map(|profile| {
                            let mark = if profile.id == current { "*" } else { " " };
                            format!("{mark} {}\n", profile.name)
                        })
                        .collect()
                })
            }
            ProfileCommand::Add { name } => {
                let profile = app.add_profile(&name).await?;
                self.done(&format!("added profile {}", profile.name))
            }
            ProfileCommand::Rename { name, new_name } => {
                let profile = named(name).await?;
                app.rename_profile(profile.id, &new_name).await?;
                self.done(&format!("renamed {} to {}", profile.name, new_name.trim()))
            }
            ProfileCommand::Remove { name } => {
                let profile = named(name).await?;
                app.remove_profile(profile.id).await?;
                self.done(&format!("removed profile {} and its history", profile.name))
            }
            ProfileCommand::Use { name } => {
                let profile = named(name).await?;
                app.use_profile(profile.id).await?;
                self.done(&format!("using profile {}", profile.name))
            }
        }
    }
}
