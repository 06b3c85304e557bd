//! The AniLibria v3 provider: thin glue from the getanime SDK to [`v3`], the pure parser.

pub mod v3;

use getanime_provider_sdk::{
    CatalogFilter, CatalogFilters, Page, Provider, ProviderError, ScheduleDay, Title, http,
    setting_in, setting_or, text,
};

/// The plugin.
pub struct AniLibria;

const DEFAULT_BASE_URL: &str = "https://api.anilibria.tv/v3";
const DEFAULT_MEDIA_HOST: &str = "https://anilibria.tv";

fn base_url() -> String {
    setting_or("base_url", DEFAULT_BASE_URL).trim_end_matches('/').to_owned()
}

fn media_host() -> String {
    setting_or("media_host", DEFAULT_MEDIA_HOST)
}

fn page_size() -> u32 {
    setting_in("page_size", 1..=100, 20)
}

fn fetch<T>(
    url: &str,
    parse: impl FnOnce(&[u8]) -> Result<T, ProviderError>,
) -> Result<T, ProviderError> {
    http::get_parsed(url, v3::source_error, parse)
}

impl Provider for AniLibria {
    fn latest(page: u32) -> Result<Page, ProviderError> {
        let url = format!(
            "{}/title/updates?page={}&items_per_page={}",
            base_url(),
            page.max(1),
            page_size()
        );
        fetch(&url, |body| v3::parse_page(body, &media_host(), page))
    }

    fn search(query: String, page: u32) -> Result<Page, ProviderError> {
        let url = format!(
            "{}/title/search?search={}&page={}&items_per_page={}",
            base_url(),
            text::encode_query(query.trim()),
            page.max(1),
            page_size()
        );
        fetch(&url, |body| v3::parse_page(body, &media_host(), page))
    }

    fn schedule() -> Result<Vec<ScheduleDay>, ProviderError> {
        let url = format!("{}/title/schedule", base_url());
        fetch(&url, |body| v3::parse_schedule(body, &media_host()))
    }

    fn details(source_id: String) -> Result<Title, ProviderError> {
        if source_id.is_empty() || !source_id.bytes().all(|byte| byte.is_ascii_digit()) {
            return Err(ProviderError::NotFound);
        }
        let url = format!("{}/title?id={source_id}", base_url());
        fetch(&url, |body| v3::parse_title(body, &media_host()))
    }

    fn filters() -> Result<CatalogFilters, ProviderError> {
        let genres = fetch(&format!("{}/genres", base_url()), |body| Ok(body.to_vec()))?;
        let years = fetch(&format!("{}/years", base_url()), |body| Ok(body.to_vec()))?;
        v3::filters(&genres, &years)
    }

    fn catalog(filter: CatalogFilter, page: u32) -> Result<Page, ProviderError> {
        let url = v3::catalog_url(&base_url(), &filter, page, page_size());
        fetch(&url, |body| v3::parse_page(body, &media_host(), page))
    }
}

getanime_provider_sdk::export_provider!(AniLibria);
