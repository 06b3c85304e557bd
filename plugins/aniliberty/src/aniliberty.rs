//! The AniLiberty v1 provider: thin glue from the getanime SDK to [`v1`], the pure parser.

pub mod v1;

use getanime_provider_sdk::{
    CatalogFilter, CatalogFilters, Page, Provider, ProviderError, ScheduleDay, Title, http,
    setting_in, setting_or, text,
};

/// The plugin.
pub struct AniLiberty;

const DEFAULT_BASE_URL: &str = "https://anilibria.top/api/v1";
const DEFAULT_MEDIA_HOST: &str = "https://anilibria.top";

fn base_url() -> String {
    setting_or("base_url", DEFAULT_BASE_URL).trim_end_matches('/').to_owned()
}

fn media_host() -> String {
    setting_or("media_host", DEFAULT_MEDIA_HOST)
}

/// The API answers 422 above 50.
fn page_size() -> u32 {
    setting_in("page_size", 1..=50, 20)
}

fn fetch<T>(
    url: &str,
    parse: impl FnOnce(&[u8]) -> Result<T, ProviderError>,
) -> Result<T, ProviderError> {
    http::get_parsed(url, |status, body| v1::source_error(url, status, body), parse)
}

impl Provider for AniLiberty {
    /// Page 1 is `releases/latest`; deeper pages come from the catalog in the same order.
    fn latest(page: u32) -> Result<Page, ProviderError> {
        let page = page.max(1);
        let url = if page == 1 {
            format!("{}/anime/releases/latest?limit={}", base_url(), page_size())
        } else {
            format!(
                "{}/anime/catalog/releases?page={page}&limit={}&f%5Bsorting%5D=FRESH_AT_DESC",
                base_url(),
                page_size()
            )
        };
        fetch(&url, |body| v1::parse_page(body, &media_host(), page))
    }

    /// The quick search has no pages: everything comes on page 1.
    fn search(query: String, page: u32) -> Result<Page, ProviderError> {
        if page > 1 {
            return Ok(Page { items: Vec::new(), page, pages: Some(1) });
        }
        let url = format!(
            "{}/app/search/releases?query={}",
            base_url(),
            text::encode_query(query.trim())
        );
        fetch(&url, |body| v1::parse_page(body, &media_host(), 1))
    }

    fn schedule() -> Result<Vec<ScheduleDay>, ProviderError> {
        let url = format!("{}/anime/schedule/week", base_url());
        fetch(&url, |body| v1::parse_schedule(body, &media_host()))
    }

    fn details(source_id: String) -> Result<Title, ProviderError> {
        if source_id.is_empty()
            || !source_id.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'-')
        {
            return Err(ProviderError::NotFound);
        }
        let url = format!("{}/anime/releases/{source_id}", base_url());
        fetch(&url, |body| v1::parse_release(body, &media_host()))
    }

    /// Genres and years from the catalog's references; kinds, statuses and orders are fixed.
    fn filters() -> Result<CatalogFilters, ProviderError> {
        let genres_url = format!("{}/anime/catalog/references/genres", base_url());
        let genres = fetch(&genres_url, v1::parse_genres)?;
        let years_url = format!("{}/anime/catalog/references/years", base_url());
        let years = fetch(&years_url, v1::parse_years)?;
        Ok(v1::filters(genres, years))
    }

    fn catalog(filter: CatalogFilter, page: u32) -> Result<Page, ProviderError> {
        let url = v1::catalog_url(&base_url(), &filter, page, page_size());
        fetch(&url, |body| v1::parse_page(body, &media_host(), page))
    }
}

getanime_provider_sdk::export_provider!(AniLiberty);
