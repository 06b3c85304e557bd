//! Reading and editing the library: what the screens and the CLI show.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use getanime_domain::{
    BrowseFacets, BrowseQuery, ContinueItem, FranchiseNext, HistoryItem, ListCard, ListFilter,
    ListStatus, NewEpisode, Rating, TitleCard, TitleDetails, TitleId,
};
use serde::Serialize;

use crate::{App, now_ms};

/// What the status line says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LibraryStatus {
    pub titles: u64,
    pub schema_version: i64,
}

/// The rows of the home screen.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Home {
    /// New episodes of the titles the profile follows, the most recently seen first.
    pub new_for_you: Vec<NewEpisode>,
    pub continue_watching: Vec<ContinueItem>,
    /// The sources' recently updated titles.
    pub recently_updated: Vec<TitleCard>,
    pub today: Vec<TitleCard>,
    /// The profile's Watching list, each with the episode to watch next.
    pub watching: Vec<ListCard>,
    pub planned: Vec<ListCard>,
    /// Started, untouched for a month, neither completed nor dropped.
    pub abandoned: Vec<ListCard>,
    /// What comes next after the titles the profile completed.
    pub next_in_franchise: Vec<FranchiseNext>,
    pub favorites: Vec<ListCard>,
    pub rated: Vec<TitleCard>,
}

const ROW_LENGTH: u32 = 30;

impl App {
    /// Counts for the status line.
    pub async fn status(&self) -> Result<LibraryStatus> {
        self.db(|db| {
            Ok(LibraryStatus { titles: db.title_count()?, schema_version: db.schema_version()? })
        })
        .await
    }

    /// What the About screen states; `log_file` is where the caller logs.
    pub async fn about(
        &self,
        log_file: Option<std::path::PathBuf>,
    ) -> Result<crate::views::about::AboutFacts> {
        let status = self.status().await?;
        let sources = self
            .plugins()
            .await?
            .into_iter()
            .map(|plugin| format!("{} {}", plugin.name, plugin.version))
            .collect();
        Ok(crate::views::about::AboutFacts {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            contracts: crate::views::about::contracts(),
            schema: status.schema_version,
            data_folder: self.paths.root().to_owned(),
            log_file,
            sources,
        })
    }

    /// The home screen rows for `weekday` (1 = Monday).
    pub async fn home(&self, weekday: u8) -> Result<Home> {
        let profile = self.profile();
        self.db(move |db| {
            let list = |status| db.list_titles(profile, ListFilter::Status(status), ROW_LENGTH);
            Ok(Home {
                new_for_you: db.new_episodes(profile, ROW_LENGTH)?,
                continue_watching: db.continue_watching(profile, ROW_LENGTH)?,
                recently_updated: db.recently_updated(ROW_LENGTH, 0)?,
                today: db.titles_on_weekday(weekday)?,
                watching: list(ListStatus::Watching)?,
                planned: list(ListStatus::Planned)?,
                abandoned: db.abandoned_titles(profile, now_ms(), ROW_LENGTH)?,
                next_in_franchise: db.next_in_franchise(profile, ROW_LENGTH)?,
                favorites: db.list_titles(profile, ListFilter::Favorite, ROW_LENGTH)?,
                rated: db.rated_titles(profile, ROW_LENGTH)?,
            })
        })
        .await
    }

    /// The rows that are the profile's own (what `home` adds to the library's): new episodes
    /// of its titles, abandoned ones, the next in a franchise. For the load benchmark.
    pub async fn home_own_rows(&self) -> Result<(usize, usize, usize)> {
        let profile = self.profile();
        self.db(move |db| {
            Ok((
                db.new_episodes(profile, ROW_LENGTH)?.len(),
                db.abandoned_titles(profile, now_ms(), ROW_LENGTH)?.len(),
                db.next_in_franchise(profile, ROW_LENGTH)?.len(),
            ))
        })
        .await
    }

    /// Titles from the library: matching `query` when given, else the recently updated ones.
    pub async fn titles(&self, query: Option<String>, limit: u32) -> Result<Vec<TitleCard>> {
        self.db(move |db| match query {
            Some(query) => db.search_titles(&query, limit),
            None => db.recently_updated(limit, 0),
        })
        .await
    }

    /// The ids of every title `query` lets through, in its order (the Browse grid).
    pub async fn browse(&self, query: BrowseQuery) -> Result<Vec<TitleId>> {
        let profile = self.profile();
        self.db(move |db| db.browse_ids(&query, profile)).await
    }

    /// The values the Browse filters can take.
    pub async fn browse_facets(&self) -> Result<BrowseFacets> {
        self.db(|db| db.browse_facets()).await
    }

    /// The cards of `ids`, in that order (titles gone from the library are left out).
    pub async fn cards(&self, ids: Vec<TitleId>) -> Result<Vec<TitleCard>> {
        self.db(move |db| db.cards_by_ids(&ids)).await
    }

    /// Titles airing on `weekday` (1 = Monday).
    pub async fn schedule(&self, weekday: u8) -> Result<Vec<TitleCard>> {
        self.db(move |db| db.titles_on_weekday(weekday)).await
    }

    /// Everything about one title.
    pub async fn title(&self, id: TitleId) -> Result<TitleDetails> {
        let profile = self.profile();
        self.db(move |db| db.title_details(id, profile)).await
    }

    /// The new episodes a sync that started at `since` brought, for a notice: of the titles the
    /// profile follows, or only of its favorites, or none, as its Settings say. The most
    /// recently seen first.
    pub async fn news_since(&self, since: i64) -> Result<Vec<NewEpisode>> {
        let which = self.setting(crate::Setting::NewEpisodeNotices).await?;
        if which == "off" {
            return Ok(Vec::new());
        }
        let profile = self.profile();
        let news = self.db(move |db| db.new_episodes(profile, ROW_LENGTH)).await?;
        Ok(news
            .into_iter()
            .filter(|item| item.first_seen_at >= since && (which != "favorites" || item.favorite))
            .collect())
    }

    /// What the home's hero shows of `title`: everything about it, and the number of the
    /// episode to watch next (none when every one is watched).
    pub async fn hero(&self, title: TitleId) -> Result<(TitleDetails, Option<f64>)> {
        let profile = self.profile();
        self.db(move |db| {
            let next = db.next_unwatched(profile, title)?.map(|entry| entry.episode.number);
            Ok((db.title_details(title, profile)?, next))
        })
        .await
    }

    /// Marks an episode (by its number) watched or not.
    pub async fn set_watched(
        &self,
        title: TitleId,
        episode_number: f64,
        watched: bool,
    ) -> Result<()> {
        let details = self.title(title).await?;
        let Some(entry) =
            details.episodes.iter().find(|entry| entry.episode.number == episode_number)
        else {
            bail!("{} has no episode {episode_number}", details.card.name);
        };
        let episode = entry.id;
        let profile = self.profile();
        self.db(move |db| {
            let now = now_ms();
            db.set_watched(profile, episode, watched, now)?;
            // As trackers count it: a watched episode starts the title, the last one of a
            // finished title completes it.
            if watched {
                db.settle_lists(profile, &[title], now)?;
            }
            Ok(())
        })
        .await?;
        self.account_changed(crate::accounts::AFTER_WATCHED);
        Ok(())
    }

    /// Rates a title 1-10, or clears the rating.
    pub async fn rate(&self, title: TitleId, rating: Option<Rating>) -> Result<()> {
        let profile = self.profile();
        self.db(move |db| match rating {
            Some(rating) => db.set_rating(profile, title, rating, now_ms()),
            None => db.clear_rating(profile, title).map(|_| ()),
        })
        .await?;
        self.account_changed(crate::accounts::AFTER_LIST_CHANGE);
        Ok(())
    }

    /// What was watched, newest first.
    pub async fn history(&self, limit: u32) -> Result<Vec<HistoryItem>> {
        let profile = self.profile();
        self.db(move |db| db.history(profile, limit, 0)).await
    }

    /// Checks the database file and counts the catalog.
    pub async fn check(&self) -> Result<getanime_storage::LibraryCheck> {
        self.db(|db| db.check()).await
    }

    /// Writes a consistent copy of the library to `path` (works while the app runs).
    pub async fn backup(&self, path: PathBuf) -> Result<()> {
        self.db(move |db| db.backup_to(&path)).await.context("backing up the library")
    }

    /// Replaces the library with the backup at `path`; the current one is kept beside it as
    /// `library.sqlite3.before-restore`.
    pub async fn restore(&self, path: PathBuf) -> Result<()> {
        self.db(move |db| db.restore_from(&path)).await.context("restoring the library")
    }
}
