//! Who is watching: the profiles of the library and the one in use. Watch state, ratings, lists
//! and the per-profile preferences all follow [`App::profile`].

use std::sync::atomic::Ordering;

use anyhow::{Context, Result, bail};
use getanime_domain::{Profile, ProfileId};
use getanime_storage::Database;

use crate::App;

/// The library-wide setting that remembers the profile used last.
const LAST_PROFILE: &str = "last_profile";

/// The profile a library opens with: the one used last, else the oldest.
pub(crate) fn initial_profile(db: &Database) -> getanime_storage::Result<ProfileId> {
    let profiles = db.profiles()?;
    let remembered = db
        .setting(LAST_PROFILE)?
        .and_then(|text| text.parse::<i64>().ok())
        .map(ProfileId)
        .filter(|id| profiles.iter().any(|profile| profile.id == *id));
    Ok(remembered
        .or_else(|| profiles.first().map(|profile| profile.id))
        .unwrap_or(ProfileId::DEFAULT))
}

impl App {
    /// The profile in use.
    pub fn profile(&self) -> ProfileId {
        ProfileId(self.profile.load(Ordering::Relaxed))
    }

    /// Every profile, oldest first.
    pub async fn profiles(&self) -> Result<Vec<Profile>> {
        self.db(|db| db.profiles()).await
    }

    /// The profile in use, with its name.
    pub async fn current_profile(&self) -> Result<Profile> {
        let id = self.profile();
        self.profiles()
            .await?
            .into_iter()
            .find(|profile| profile.id == id)
            .context("the profile in use no longer exists")
    }

    /// Switches to `profile` and remembers it for the next start.
    pub async fn use_profile(&self, profile: ProfileId) -> Result<()> {
        let known = self.profiles().await?.iter().any(|candidate| candidate.id == profile);
        if !known {
            bail!("there is no profile {}", profile.0);
        }
        self.db(move |db| db.set_setting(LAST_PROFILE, &profile.0.to_string())).await?;
        self.profile.store(profile.0, Ordering::Relaxed);
        self.forget_automatic_changes();
        Ok(())
    }

    /// Switches to the profile called `name` for this run only (`--profile`), without changing
    /// which one the next start opens with.
    pub async fn use_profile_named(&self, name: &str) -> Result<Profile> {
        let owned = name.to_owned();
        let Some(profile) = self.db(move |db| db.profile_by_name(&owned)).await? else {
            let names: Vec<String> =
                self.profiles().await?.into_iter().map(|profile| profile.name).collect();
            bail!("there is no profile named {name:?}; profiles: {}", names.join(", "));
        };
        self.profile.store(profile.id.0, Ordering::Relaxed);
        self.forget_automatic_changes();
        Ok(profile)
    }

    /// Adds a profile (it starts with an empty history and the library's preferences).
    pub async fn add_profile(&self, name: &str) -> Result<Profile> {
        let name = name.trim().to_owned();
        let now = crate::now_ms();
        let id = self
            .db({
                let name = name.clone();
                move |db| db.create_profile(&name, now)
            })
            .await?;
        Ok(Profile { id, name })
    }

    pub async fn rename_profile(&self, profile: ProfileId, name: &str) -> Result<()> {
        let name = name.to_owned();
        self.db(move |db| db.rename_profile(profile, &name)).await
    }

    /// Removes a profile with its own history, ratings, lists and preferences. Removing the one
    /// in use switches to the oldest one left.
    pub async fn remove_profile(&self, profile: ProfileId) -> Result<()> {
        self.db(move |db| db.remove_profile(profile)).await?;
        if self.profile() == profile {
            let first = self.profiles().await?.first().map(|left| left.id);
            self.use_profile(first.context("no profile is left")?).await?;
        }
        Ok(())
    }
}
