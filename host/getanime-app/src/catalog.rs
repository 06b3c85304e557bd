//! A source's whole catalog (contract 0.2 `filters` / `catalog`): pages asked for by the user,
//! validated and saved like sync's, so what was browsed stays in the library offline.

use anyhow::{Context, Result};
use getanime_domain::{CatalogFilter, CatalogFilters, FilterOption, TitleCard};

use crate::{App, SyncReport, now_ms};

/// Longest filter id the host passes on, and most ids per list (plugins get back only what
/// fits; a real catalog's ids are short).
const MAX_FILTER_ID: usize = 64;
const MAX_FILTER_IDS: usize = 50;

/// One page of a source's catalog, as library cards in the source's order.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogPage {
    pub cards: Vec<TitleCard>,
    pub page: u32,
    /// How many pages the source says there are.
    pub pages: Option<u32>,
    /// Titles of the page refused by validation, in words.
    pub refused: Vec<String>,
}

impl App {
    /// The enabled sources that can have a whole catalog (contract 0.2 on; 0.1 had none), as
    /// (plugin id, name), by name.
    pub async fn catalog_sources(&self) -> Result<Vec<FilterOption>> {
        let mut sources: Vec<FilterOption> = self
            .plugins()
            .await?
            .into_iter()
            .filter(|plugin| plugin.enabled && !plugin.api_version.starts_with("0.1."))
            .map(|plugin| FilterOption::new(plugin.id, plugin.name))
            .collect();
        sources.sort_by(|a, b| a.label.cmp(&b.label));
        Ok(sources)
    }

    /// The filters `plugin_id`'s catalog supports.
    pub async fn catalog_filters(&self, plugin_id: &str) -> Result<CatalogFilters> {
        let plugin = self.load_plugin(plugin_id).await?;
        let mut filters = match plugin.filters().await {
            Err(getanime_plugins::Error::Provider {
                name,
                error: getanime_domain::ProviderError::Unsupported,
                ..
            }) => anyhow::bail!(crate::views::browse::no_catalog(&name)),
            answer => answer.context("reading the catalog's filters")?,
        };
        for options in
            [&mut filters.genres, &mut filters.kinds, &mut filters.statuses, &mut filters.sorts]
        {
            options.retain(|option| {
                !option.id.is_empty()
                    && option.id.len() <= MAX_FILTER_ID
                    && !option.label.trim().is_empty()
            });
            options.truncate(1_000);
        }
        Ok(filters)
    }

    /// Page `page` (from 1) of `plugin_id`'s catalog under `filter`: validated, written in one
    /// transaction, returned as cards.
    pub async fn catalog_page(
        &self,
        plugin_id: &str,
        filter: &CatalogFilter,
        page: u32,
    ) -> Result<CatalogPage> {
        let plugin = self.load_plugin(plugin_id).await?;
        let answer = plugin
            .catalog(&bounded(filter), page.max(1))
            .await
            .with_context(|| format!("reading page {page} of the catalog"))?;
        let mut report = SyncReport::default();
        let valid = self.validated(plugin_id, answer.items, &mut report);
        let owned = plugin_id.to_owned();
        let profile = self.profile();
        let cards = self
            .db(move |db| {
                let ids = db.upsert_titles(&owned, &valid, now_ms())?;
                ids.into_iter().map(|id| Ok(db.title_details(id, profile)?.card)).collect()
            })
            .await?;
        Ok(CatalogPage { cards, page: answer.page, pages: answer.pages, refused: report.problems })
    }
}

/// The filter with ids too long or too many dropped.
fn bounded(filter: &CatalogFilter) -> CatalogFilter {
    let ids = |ids: &[String]| -> Vec<String> {
        ids.iter()
            .filter(|id| !id.is_empty() && id.len() <= MAX_FILTER_ID)
            .take(MAX_FILTER_IDS)
            .cloned()
            .collect()
    };
    let one =
        |id: &Option<String>| id.clone().filter(|id| !id.is_empty() && id.len() <= MAX_FILTER_ID);
    CatalogFilter {
        genres: ids(&filter.genres),
        year_from: filter.year_from,
        year_to: filter.year_to,
        kinds: ids(&filter.kinds),
        status: one(&filter.status),
        sort: one(&filter.sort),
    }
}
