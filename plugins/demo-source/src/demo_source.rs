//! The demo provider: reads `catalog.json` from the loopback server the app starts for the demo
//! (`getanime --demo`), through the same SDK, sandbox and host HTTP as every other plugin.
//! The catalog format is this plugin's own, close to the contract; see [`catalog`].

pub mod catalog;

use getanime_provider_sdk::{
    CatalogFilter, CatalogFilters, Page, Provider, ProviderError, ScheduleDay, Title, http,
    setting_in, setting_or,
};

/// The plugin.
pub struct DemoSource;

fn load() -> Result<catalog::Catalog, ProviderError> {
    let base = setting_or("base_url", "http://127.0.0.1:47390");
    let url = format!("{}/catalog.json", base.trim_end_matches('/'));
    http::get_parsed(&url, |_, _| None, |body| catalog::parse(body, &base))
}

impl Provider for DemoSource {
    fn latest(page: u32) -> Result<Page, ProviderError> {
        let items = if page <= 1 { load()?.titles } else { Vec::new() };
        Ok(Page { items, page: page.max(1), pages: Some(1) })
    }

    fn search(query: String, page: u32) -> Result<Page, ProviderError> {
        let items = if page <= 1 { catalog::search(load()?.titles, &query) } else { Vec::new() };
        Ok(Page { items, page: page.max(1), pages: Some(1) })
    }

    fn schedule() -> Result<Vec<ScheduleDay>, ProviderError> {
        Ok(catalog::schedule(load()?.titles))
    }

    fn details(source_id: String) -> Result<Title, ProviderError> {
        load()?
            .titles
            .into_iter()
            .find(|title| title.summary.source_id == source_id)
            .ok_or(ProviderError::NotFound)
    }

    fn filters() -> Result<CatalogFilters, ProviderError> {
        Ok(catalog::filters(&load()?.titles))
    }

    /// Small pages (`catalog_page_size`, 8 by default), so even the demo's dozen titles page.
    fn catalog(filter: CatalogFilter, page: u32) -> Result<Page, ProviderError> {
        let page_size = setting_in("catalog_page_size", 1..=50, 8);
        Ok(catalog::catalog_page(load()?.titles, &filter, page, page_size))
    }
}

getanime_provider_sdk::export_provider!(DemoSource);
