//! The profile's lists and history controls: what the title screen's list line, favorite mark
//! and reset do, the automatic Watching / Completed moves and their undo.

use anyhow::Result;
use getanime_domain::{ListCard, ListEntry, ListFilter, ListStatus, StatusChange, TitleId};

use crate::{App, now_ms};

impl App {
    /// The profile's marks on a title.
    pub async fn list_entry(&self, title: TitleId) -> Result<ListEntry> {
        let profile = self.profile();
        self.db(move |db| db.list_entry(profile, title)).await
    }

    /// Puts a title in a list (or in none); returns the list it was in. A change the app had
    /// made on its own is no longer offered for undo: the user decided.
    pub async fn set_list_status(
        &self,
        title: TitleId,
        status: Option<ListStatus>,
    ) -> Result<Option<ListStatus>> {
        let profile = self.profile();
        let previous =
            self.db(move |db| db.set_list_status(profile, title, status, now_ms())).await?;
        self.automatic_changes().remove(&title);
        self.account_changed(crate::accounts::AFTER_LIST_CHANGE);
        Ok(previous)
    }

    /// The title screen's list button: undoes the app's own move when there is one to undo,
    /// else puts the title in the next list (none, Watching, ..., Dropped, none). Returns the
    /// marks as they are now.
    pub async fn step_list(&self, title: TitleId) -> Result<ListEntry> {
        if !self.undo_automatic_change(title).await? {
            let current = self.list_entry(title).await?.status;
            self.set_list_status(title, ListStatus::step(current, true)).await?;
        }
        self.list_entry(title).await
    }

    /// Flips the favorite mark; returns whether the title is a favorite now.
    pub async fn toggle_favorite(&self, title: TitleId) -> Result<bool> {
        let favorite = !self.list_entry(title).await?.favorite;
        self.set_favorite(title, favorite).await?;
        Ok(favorite)
    }

    pub async fn set_favorite(&self, title: TitleId, favorite: bool) -> Result<()> {
        let profile = self.profile();
        self.db(move |db| db.set_favorite(profile, title, favorite, now_ms())).await?;
        self.account_changed(crate::accounts::AFTER_LIST_CHANGE);
        Ok(())
    }

    /// One of the profile's lists, most recently marked first.
    pub async fn list(&self, list: ListFilter, limit: u32) -> Result<Vec<ListCard>> {
        let profile = self.profile();
        self.db(move |db| db.list_titles(profile, list, limit)).await
    }

    /// The list move the app made on its own for `title` in this run, if it still stands to be
    /// undone.
    pub fn automatic_change(&self, title: TitleId) -> Option<StatusChange> {
        self.automatic_changes().get(&title).copied()
    }

    /// Undoes the app's own list move for `title`; returns whether there was one that still
    /// applied.
    pub async fn undo_automatic_change(&self, title: TitleId) -> Result<bool> {
        let Some(change) = self.automatic_changes().remove(&title) else {
            return Ok(false);
        };
        let profile = self.profile();
        self.db(move |db| db.undo_status_change(profile, change, now_ms())).await
    }

    /// Remembers list moves made while playing, so the title screen can offer to undo them.
    pub(crate) fn remember_automatic_change(&self, change: StatusChange) {
        self.automatic_changes().insert(change.title, change);
    }

    pub(crate) fn forget_automatic_changes(&self) {
        self.automatic_changes().clear();
    }

    fn automatic_changes(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<TitleId, StatusChange>> {
        // A panic while holding this map cannot leave it inconsistent (single inserts and
        // removes), so a poisoned lock is taken over as it is.
        self.automatic_changes.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Takes a title off Continue watching until it is played again.
    pub async fn hide_from_continue(&self, title: TitleId) -> Result<()> {
        let profile = self.profile();
        self.db(move |db| db.hide_from_continue(profile, title, now_ms())).await
    }

    /// Forgets the profile's watched marks and resume points of a title; returns how many
    /// episodes had any.
    pub async fn reset_watched(&self, title: TitleId) -> Result<usize> {
        let profile = self.profile();
        self.db(move |db| db.reset_watched(profile, title)).await
    }

    /// Marks every episode up to `number` watched; returns how many that covers. The title
    /// moves to Watching (or Completed) as trackers count it.
    pub async fn mark_watched_through(&self, title: TitleId, number: f64) -> Result<usize> {
        let profile = self.profile();
        let marked = self
            .db(move |db| {
                let now = now_ms();
                let marked = db.mark_watched_through(profile, title, number, now)?;
                db.settle_lists(profile, &[title], now)?;
                Ok(marked)
            })
            .await?;
        self.account_changed(crate::accounts::AFTER_WATCHED);
        Ok(marked)
    }
}
