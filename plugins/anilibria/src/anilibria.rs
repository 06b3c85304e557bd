//! The AniLibria v3 provider: thin glue from the getanime SDK to [`v3`], the pure parser.

pub mod v3;

use getanime_provider_sdk::{
    Info, Level, Page, Provider, ProviderError, ScheduleDay, Title, http, log, setting, text,
};

/// The plugin.
pub struct AniLibria;

const DEFAULT_BASE_URL: &str = "https://api.anilibria.tv/v3";
const DEFAULT_MEDIA_HOST: &str = "https://anilibria.tv";

fn base_url() -> String {
    setting("base_url")
        .unwrap_or_else(|| DEFAULT_BASE_URL.to_owned())
        .trim_end_matches('/')
        .to_owned()
}

fn media_host() -> String {
    setting("media_host").unwrap_or_else(|| DEFAULT_MEDIA_HOST.to_owned())
}

fn page_size() -> u32 {
    setting("page_size")
        .and_then(|size| size.parse().ok())
        .filter(|size| (1..=100).contains(size))
        .unwrap_or(20)
}

/// GETs `url` and hands the body to `parse`, mapping HTTP trouble to provider errors.
fn fetch<T>(
    url: &str,
    parse: impl FnOnce(&[u8]) -> Result<T, ProviderError>,
) -> Result<T, ProviderError> {
    let response = http::get(url)?;
    let content_type = response
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-type"))
        .map(|(_, value)| value.as_str());
    v3::check_response(url, response.status, content_type, &response.body)?;
    let result = parse(&response.body);
    if let Err(error) = &result {
        log(Level::Warn, &format!("{url}: {error:?}"));
    }
    result
}

impl Provider for AniLibria {
    fn info() -> Info {
        Info {
            id: "anilibria".into(),
            name: "AniLibria".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            languages: vec!["ru".into()],
        }
    }

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
}

getanime_provider_sdk::export_provider!(AniLibria);
