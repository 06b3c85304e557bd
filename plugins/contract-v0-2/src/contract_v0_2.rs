//! A provider built against the frozen contract 0.2 (`wit/frozen/v0.2.0`), as the plugins
//! released before 0.3 were: raw wit-bindgen bindings, no episode ids, no `authorized`. Host
//! tests install, sync and play it beside the 0.1 and 0.3 plugins, which is the promise of
//! `wit/README.md`.
//!
//! Its source is `{base_url}/titles.json`: `[{"id", "name", "hls"}]`, each title one episode.

#[allow(clippy::all, unsafe_code, reason = "generated code")]
mod bindings {
    getanime_provider_sdk::wit_bindgen::generate!({
        path: "../../wit/frozen/v0.2.0",
        world: "getanime:provider/provider",
        runtime_path: "getanime_provider_sdk::wit_bindgen::rt",
    });
}

use bindings::exports::getanime::provider::catalog::Guest;
use bindings::getanime::provider::host::{self, HttpRequest, Method};
use bindings::getanime::provider::types::{
    CatalogFilter, CatalogFilters, Episode, ExternalId, Page, ProviderError, Quality, ScheduleDay,
    Stream, Title, TitleSummary, Tracker,
};

pub struct ContractV02;

fn fetch_titles() -> Result<Vec<Title>, ProviderError> {
    let base = host::setting("base_url").unwrap_or_default();
    let url = format!("{}/titles.json", base.trim_end_matches('/'));
    let request =
        HttpRequest { method: Method::Get, url: url.clone(), headers: Vec::new(), body: None };
    let response = host::fetch(&request)
        .map_err(|error| ProviderError::Network(format!("{url}: {error:?}")))?;
    if response.status != 200 {
        return Err(ProviderError::Network(format!("{url} answered {}", response.status)));
    }
    let items: Vec<serde_json::Value> = serde_json::from_slice(&response.body)
        .map_err(|error| ProviderError::Parse(format!("{url}: {error}")))?;
    Ok(items.iter().filter_map(title).collect())
}

fn title(item: &serde_json::Value) -> Option<Title> {
    let text = |key: &str| item.get(key).and_then(serde_json::Value::as_str).map(str::to_owned);
    let episode = Episode {
        number: 1.0,
        name: Some("Episode 1".into()),
        streams: vec![Stream { quality: Quality::Hd, url: text("hls")? }],
        preview_url: None,
        opening: None,
        ending: None,
        duration_ms: None,
        published_at: None,
        subtitles: Vec::new(),
        audio: vec!["Original".into()],
    };
    Some(Title {
        summary: TitleSummary {
            source_id: text("id")?,
            name: text("name")?,
            name_original: None,
            alt_names: Vec::new(),
            poster_url: None,
            kind: Some("TV".into()),
            episodes_total: Some(1),
            updated_at: Some(1_700_000_000_000),
        },
        description: Some("A title served by a contract 0.2 plugin.".into()),
        genres: Vec::new(),
        year: Some(2025),
        status: None,
        release_weekday: None,
        episodes: vec![episode],
        torrents: Vec::new(),
        details_complete: true,
        external_ids: vec![ExternalId { tracker: Tracker::Myanimelist, id: "52991".into() }],
        related: Vec::new(),
    })
}

impl Guest for ContractV02 {
    fn latest(page: u32) -> Result<Page, ProviderError> {
        let items = if page == 1 { fetch_titles()? } else { Vec::new() };
        Ok(Page { items, page, pages: Some(1) })
    }

    fn search(query: String, page: u32) -> Result<Page, ProviderError> {
        let query = query.to_lowercase();
        let items = fetch_titles()?
            .into_iter()
            .filter(|title| title.summary.name.to_lowercase().contains(&query))
            .collect();
        Ok(Page { items, page, pages: Some(1) })
    }

    fn schedule() -> Result<Vec<ScheduleDay>, ProviderError> {
        Err(ProviderError::Unsupported)
    }

    fn details(source_id: String) -> Result<Title, ProviderError> {
        fetch_titles()?
            .into_iter()
            .find(|title| title.summary.source_id == source_id)
            .ok_or(ProviderError::NotFound)
    }

    fn filters() -> Result<CatalogFilters, ProviderError> {
        Err(ProviderError::Unsupported)
    }

    fn catalog(_filter: CatalogFilter, _page: u32) -> Result<Page, ProviderError> {
        Err(ProviderError::Unsupported)
    }
}

// Only a wasm component exports the catalog (export names with `:` break native linkers).
#[cfg(target_arch = "wasm32")]
#[allow(unsafe_code, reason = "the generated export glue")]
mod exports {
    use super::ContractV02;
    crate::bindings::export!(ContractV02 with_types_in crate::bindings);
}
