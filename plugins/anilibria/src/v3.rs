//! Pure parsing of AniLibria v3 responses into the contract's types. No IO: tested natively
//! against the fixtures in `tests/fixtures/anilibria/`.
//!
//! Real responses are messy (see the module tests): every key may be missing or null,
//! `player.list` is an object keyed by episode or an array, numbers come as strings, skips are
//! `[]` or backwards, descriptions carry HTML entities and `\r\n`. A bad title is skipped (and
//! counted), a bad page is a typed error; nothing panics.

use std::collections::BTreeMap;

use getanime_provider_sdk::http;
use getanime_provider_sdk::lenient::{
    self, f64_opt, i64_opt, string_opt, strings, tolerant, u64_opt,
};
use getanime_provider_sdk::text::{self, absolute_url, clean_description, clean_name, magnet_link};
use getanime_provider_sdk::{
    CatalogFilter, CatalogFilters, Episode, FilterOption, Page, ProviderError, Quality,
    RelatedTitle, ScheduleDay, SkipRange, Stream, Title, TitleSummary, Torrent,
};
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawTitle {
    #[serde(deserialize_with = "i64_opt")]
    id: Option<i64>,
    #[serde(deserialize_with = "string_opt")]
    code: Option<String>,
    #[serde(deserialize_with = "tolerant")]
    names: Option<Names>,
    #[serde(deserialize_with = "tolerant")]
    status: Option<Labelled>,
    #[serde(deserialize_with = "tolerant")]
    posters: Option<Posters>,
    #[serde(deserialize_with = "i64_opt")]
    updated: Option<i64>,
    #[serde(deserialize_with = "i64_opt")]
    last_change: Option<i64>,
    #[serde(rename = "type", deserialize_with = "tolerant")]
    kind: Option<Kind>,
    #[serde(deserialize_with = "strings")]
    genres: Vec<String>,
    #[serde(deserialize_with = "tolerant")]
    season: Option<Season>,
    description: Option<Value>,
    #[serde(deserialize_with = "tolerant")]
    player: Option<Player>,
    #[serde(deserialize_with = "tolerant")]
    torrents: Option<Torrents>,
    /// `[{franchise: {id, name}, releases: [{id, code, ordinal, names}]}]` (a newer key).
    franchises: Value,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Names {
    #[serde(deserialize_with = "string_opt")]
    ru: Option<String>,
    #[serde(deserialize_with = "string_opt")]
    en: Option<String>,
    #[serde(deserialize_with = "string_opt")]
    alternative: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Labelled {
    #[serde(deserialize_with = "string_opt")]
    string: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Posters {
    #[serde(deserialize_with = "tolerant")]
    original: Option<Poster>,
    #[serde(deserialize_with = "tolerant")]
    medium: Option<Poster>,
    #[serde(deserialize_with = "tolerant")]
    small: Option<Poster>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Poster {
    #[serde(deserialize_with = "string_opt")]
    url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Kind {
    #[serde(deserialize_with = "string_opt")]
    string: Option<String>,
    #[serde(deserialize_with = "u64_opt")]
    episodes: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Season {
    #[serde(deserialize_with = "u64_opt")]
    year: Option<u64>,
    #[serde(deserialize_with = "u64_opt")]
    week_day: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Player {
    #[serde(deserialize_with = "string_opt")]
    host: Option<String>,
    list: Value,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawEpisode {
    #[serde(deserialize_with = "f64_opt")]
    episode: Option<f64>,
    /// The episode's own id at the source.
    #[serde(deserialize_with = "string_opt")]
    uuid: Option<String>,
    #[serde(deserialize_with = "string_opt")]
    name: Option<String>,
    #[serde(deserialize_with = "i64_opt")]
    created_timestamp: Option<i64>,
    #[serde(deserialize_with = "string_opt")]
    preview: Option<String>,
    #[serde(deserialize_with = "tolerant")]
    skips: Option<Skips>,
    #[serde(deserialize_with = "tolerant")]
    hls: Option<Hls>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Skips {
    opening: Value,
    ending: Value,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Hls {
    #[serde(deserialize_with = "string_opt")]
    fhd: Option<String>,
    #[serde(deserialize_with = "string_opt")]
    hd: Option<String>,
    #[serde(deserialize_with = "string_opt")]
    sd: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Torrents {
    list: Value,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawTorrent {
    #[serde(deserialize_with = "i64_opt")]
    torrent_id: Option<i64>,
    #[serde(deserialize_with = "tolerant")]
    episodes: Option<Labelled>,
    #[serde(deserialize_with = "tolerant")]
    quality: Option<Labelled>,
    #[serde(deserialize_with = "u64_opt")]
    seeders: Option<u64>,
    #[serde(deserialize_with = "u64_opt")]
    total_size: Option<u64>,
    #[serde(deserialize_with = "string_opt")]
    magnet: Option<String>,
    #[serde(deserialize_with = "string_opt")]
    hash: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Pagination {
    #[serde(deserialize_with = "u64_opt")]
    pages: Option<u64>,
    #[serde(deserialize_with = "u64_opt")]
    current_page: Option<u64>,
}

/// Turns what the server sent into an error when it is not a usable JSON answer: an HTML page
/// from a CDN, an empty body, the `{error: {code, message}}` envelope (with HTTP 200 or not), or
/// an HTTP error status.
pub fn check_response(
    url: &str,
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<(), ProviderError> {
    http::check_response(url, status, content_type, body, source_error)
}

/// AniLibria's error envelope, `{"error": {"code", "message"}}`, sent with any HTTP status.
pub fn source_error(_status: u16, body: &[u8]) -> Option<ProviderError> {
    let Ok(Value::Object(object)) = serde_json::from_slice::<Value>(body) else { return None };
    let error = object.get("error").filter(|error| !error.is_null())?;
    let code = error.get("code").and_then(lenient::number).map(|code| code as i64);
    let message = error.get("message").and_then(Value::as_str).unwrap_or("no message").to_owned();
    Some(match code {
        Some(404) => ProviderError::NotFound,
        Some(429) => ProviderError::RateLimited,
        Some(code) if code >= 500 => {
            ProviderError::Network(format!("AniLibria error {code}: {message}"))
        }
        Some(code) => ProviderError::Other(format!("AniLibria error {code}: {message}")),
        None => ProviderError::Other(format!("AniLibria error: {message}")),
    })
}

fn decode<'a, T: Deserialize<'a>>(body: &'a [u8]) -> Result<T, ProviderError> {
    serde_json::from_slice(body).map_err(|error| http::json_error("AniLibria", &error))
}

/// `title/updates` and `title/search`: the `{list, pagination}` envelope (or a bare array).
pub fn parse_page(
    body: &[u8],
    media_host: &str,
    requested_page: u32,
) -> Result<Page, ProviderError> {
    let root: Value = decode(body)?;
    let (list, pagination) = match root {
        Value::Array(items) => (items, Pagination::default()),
        Value::Object(mut object) => {
            let list = match object.remove("list") {
                Some(Value::Array(items)) => items,
                Some(Value::Null) | None => Vec::new(),
                Some(_) => return Err(ProviderError::Parse("`list` is not an array".into())),
            };
            let pagination = object
                .remove("pagination")
                .and_then(|value| serde_json::from_value(value).ok())
                .unwrap_or_default();
            (list, pagination)
        }
        _ => return Err(ProviderError::Parse("expected an object with `list` or an array".into())),
    };
    let page = pagination
        .current_page
        .filter(|page| *page > 0)
        .map_or(requested_page.max(1), |page| page as u32);
    Ok(Page {
        items: titles(list, media_host, true),
        page,
        pages: pagination.pages.map(|pages| pages as u32),
    })
}

/// `type.code` values `title/search` filters by, with the site's words.
const KINDS: [(&str, &str); 6] =
    [("1", "ТВ"), ("0", "Фильм"), ("2", "OVA"), ("3", "ONA"), ("4", "Спешл"), ("5", "WEB")];

/// `order_by` values (newest first with `sort_direction=1`); the first is the default.
const SORTS: [(&str, &str); 2] =
    [("updated", "Сначала обновлённые"), ("in_favorites", "По популярности")];

/// Most years one search names (the API takes a list, not a range).
const MAX_YEARS: u16 = 80;

/// The whole catalog's filters: genres (by name, as the API filters) and years from their
/// references; kinds and orders fixed. v3 search has no status filter.
pub fn filters(genres: &[u8], years: &[u8]) -> Result<CatalogFilters, ProviderError> {
    let genres: Vec<String> = match decode::<Value>(genres)? {
        Value::Array(items) => {
            items.iter().filter_map(Value::as_str).filter_map(clean_name).collect()
        }
        _ => return Err(ProviderError::Parse("`genres` is not an array".into())),
    };
    let years = match decode::<Value>(years)? {
        Value::Array(items) => lenient::year_range(&items),
        _ => return Err(ProviderError::Parse("`years` is not an array".into())),
    };
    let option = |(id, label): &(&str, &str)| FilterOption::new(*id, *label);
    Ok(CatalogFilters {
        genres: genres.into_iter().map(|name| FilterOption::new(name.clone(), name)).collect(),
        years,
        kinds: KINDS.iter().map(option).collect(),
        statuses: Vec::new(),
        sorts: SORTS.iter().map(option).collect(),
    })
}

/// `title/search` for `filter`: genre names percent-encoded, kind codes digits only, the year
/// range spelled out as the list the API takes.
pub fn catalog_url(base_url: &str, filter: &CatalogFilter, page: u32, items: u32) -> String {
    let mut url = format!("{base_url}/title/search?page={}&items_per_page={items}", page.max(1));
    let genres: Vec<&str> =
        filter.genres.iter().map(String::as_str).filter(|name| !name.is_empty()).collect();
    if !genres.is_empty() {
        url.push_str(&format!("&genres={}", text::encode_query(&genres.join(","))));
    }
    let kinds: Vec<&str> = filter
        .kinds
        .iter()
        .map(String::as_str)
        .filter(|code| !code.is_empty() && code.bytes().all(|byte| byte.is_ascii_digit()))
        .collect();
    if !kinds.is_empty() {
        url.push_str(&format!("&type={}", kinds.join("%2C")));
    }
    if filter.year_from.is_some() || filter.year_to.is_some() {
        let from = filter.year_from.unwrap_or(1900).max(1900);
        let to = filter.year_to.unwrap_or(2100).min(2100).min(from.saturating_add(MAX_YEARS - 1));
        let years: Vec<String> = (from..=to).map(|year| year.to_string()).collect();
        if !years.is_empty() {
            url.push_str(&format!("&year={}", years.join("%2C")));
        }
    }
    let sort = filter.sort.as_deref().filter(|sort| SORTS.iter().any(|(id, _)| id == sort));
    url.push_str(&format!("&order_by={}&sort_direction=1", sort.unwrap_or(SORTS[0].0)));
    url
}

/// `title/schedule`: `[{day, list}]` with day 0 = Monday. Schedule lists are trimmed by the API,
/// so their titles are marked as not having complete details.
pub fn parse_schedule(body: &[u8], media_host: &str) -> Result<Vec<ScheduleDay>, ProviderError> {
    let root: Value = decode(body)?;
    let Value::Array(days) = root else {
        return Err(ProviderError::Parse("the schedule is not an array of days".into()));
    };
    let mut by_weekday: BTreeMap<u8, Vec<Title>> = BTreeMap::new();
    for day in days {
        let Some(index) =
            day.get("day").and_then(lenient::number).filter(|day| (0.0..=6.0).contains(day))
        else {
            continue;
        };
        let list = match day.get("list") {
            Some(Value::Array(items)) => items.clone(),
            _ => Vec::new(),
        };
        by_weekday.entry(index as u8 + 1).or_default().extend(titles(list, media_host, false));
    }
    Ok(by_weekday.into_iter().map(|(weekday, items)| ScheduleDay { weekday, items }).collect())
}

/// `title?id=N`: one bare title object.
pub fn parse_title(body: &[u8], media_host: &str) -> Result<Title, ProviderError> {
    let raw: RawTitle = decode(body)?;
    title(raw, media_host, true)
        .ok_or_else(|| ProviderError::Parse("the title has no id or name".into()))
}

/// Converts a list of raw titles, skipping the unusable ones.
fn titles(list: Vec<Value>, media_host: &str, details_possible: bool) -> Vec<Title> {
    list.into_iter()
        .filter_map(|value| serde_json::from_value::<RawTitle>(value).ok())
        .filter_map(|raw| title(raw, media_host, details_possible))
        .collect()
}

fn title(raw: RawTitle, media_host: &str, details_possible: bool) -> Option<Title> {
    let id = raw.id.filter(|id| *id > 0)?;
    let names = raw.names.unwrap_or_default();
    let name_original = names.en.as_deref().and_then(clean_name);
    let name = names
        .ru
        .as_deref()
        .and_then(clean_name)
        .or_else(|| name_original.clone())
        .or_else(|| raw.code.as_deref().and_then(clean_name))?;
    let poster_url = raw.posters.and_then(|posters| {
        [posters.original, posters.medium, posters.small]
            .into_iter()
            .flatten()
            .find_map(|poster| poster.url.as_deref().and_then(|url| absolute_url(media_host, url)))
    });
    let kind = raw.kind.unwrap_or_default();
    let updated = raw
        .updated
        .or(raw.last_change)
        .filter(|seconds| *seconds > 0)
        .map(|seconds| seconds * 1000);
    let description = match raw.description {
        Some(Value::String(text)) => clean_description(&text),
        // Old v2 dumps: {plain, html, no_view_order}.
        Some(Value::Object(forms)) => {
            forms.get("plain").and_then(Value::as_str).and_then(clean_description)
        }
        _ => None,
    };
    let season = raw.season.unwrap_or_default();
    let has_episodes = raw.player.as_ref().is_some_and(|player| !player.list.is_null());
    let episodes = raw.player.map(|player| episodes(player, media_host)).unwrap_or_default();
    let has_torrents = raw.torrents.is_some();
    let torrents = raw.torrents.map(torrents).unwrap_or_default();
    Some(Title {
        summary: TitleSummary {
            source_id: id.to_string(),
            name,
            name_original,
            alt_names: names.alternative.as_deref().and_then(clean_name).into_iter().collect(),
            poster_url,
            kind: kind.string.as_deref().and_then(clean_name),
            episodes_total: kind.episodes.and_then(|count| u32::try_from(count).ok()),
            updated_at: updated,
        },
        description,
        genres: raw.genres.iter().filter_map(|genre| clean_name(genre)).collect(),
        year: season.year.and_then(|year| u16::try_from(year).ok()).filter(|year| *year > 1900),
        status: raw.status.and_then(|status| status.string),
        release_weekday: season.week_day.filter(|day| *day <= 6).map(|day| day as u8 + 1),
        episodes,
        torrents,
        details_complete: details_possible && has_episodes && has_torrents,
        external_ids: Vec::new(),
        related: related(&raw.franchises, id),
        // v3 has neither an age rating nor a wide picture.
        age_rating: None,
        backdrop_url: None,
    })
}

/// The other releases of the title's franchises, in franchise order (`ordinal`); the title
/// itself and releases without an id or a name are left out.
fn related(franchises: &Value, own_id: i64) -> Vec<RelatedTitle> {
    let Value::Array(franchises) = franchises else { return Vec::new() };
    franchises
        .iter()
        .filter_map(|franchise| franchise.get("releases")?.as_array())
        .flatten()
        .filter_map(|release| {
            let id = release.get("id").and_then(lenient::number)? as i64;
            let names = release.get("names");
            let name = ["ru", "en"]
                .iter()
                .find_map(|key| names?.get(*key)?.as_str().and_then(clean_name))?;
            let order = release.get("ordinal").and_then(lenient::number).map(|order| order as u32);
            (id != own_id).then(|| RelatedTitle { source_id: id.to_string(), name, order })
        })
        .collect()
}

fn episodes(player: Player, media_host: &str) -> Vec<Episode> {
    let host = player.host.unwrap_or_default();
    let stream_base = format!(
        "https://{}",
        host.trim()
            .trim_start_matches("https://")
            .trim_start_matches("http://")
            .trim_end_matches('/')
    );
    let raw: Vec<Value> = match player.list {
        Value::Object(map) => map.into_iter().map(|(_, value)| value).collect(),
        Value::Array(items) => items,
        _ => Vec::new(),
    };
    // Keep one episode per number: the newest upload, the first one on a tie.
    let mut by_number: Vec<(f64, i64, Episode)> = Vec::new();
    for value in raw {
        let Ok(raw) = serde_json::from_value::<RawEpisode>(value) else { continue };
        let Some(number) = raw.episode.filter(|number| *number >= 0.0) else { continue };
        let created = raw.created_timestamp.filter(|seconds| *seconds > 0);
        let hls = raw.hls.unwrap_or_default();
        let streams = [(Quality::Fhd, hls.fhd), (Quality::Hd, hls.hd), (Quality::Sd, hls.sd)]
            .into_iter()
            .filter_map(|(quality, path)| {
                let url = absolute_url(&stream_base, path.as_deref()?)?;
                Some(Stream { quality, url })
            })
            .collect();
        let skips = raw.skips.unwrap_or_default();
        let episode = Episode {
            number,
            name: raw.name.as_deref().and_then(clean_name),
            streams,
            preview_url: raw.preview.as_deref().and_then(|path| absolute_url(media_host, path)),
            opening: skip_range(&skips.opening),
            ending: skip_range(&skips.ending),
            duration_ms: None,
            published_at: created.map(|seconds| seconds * 1000),
            subtitles: Vec::new(),
            audio: Vec::new(),
            source_id: raw.uuid.filter(|uuid| !uuid.trim().is_empty()),
        };
        let newer = created.unwrap_or(0);
        match by_number.iter_mut().find(|(existing, _, _)| *existing == number) {
            Some(slot) if newer > slot.1 => *slot = (number, newer, episode),
            Some(_) => {}
            None => by_number.push((number, newer, episode)),
        }
    }
    by_number.sort_by(|a, b| a.0.total_cmp(&b.0));
    by_number.into_iter().map(|(_, _, episode)| episode).collect()
}

/// `[start, end]` in seconds → milliseconds; `[]`, malformed or backwards ranges are dropped.
fn skip_range(value: &Value) -> Option<SkipRange> {
    let Value::Array(bounds) = value else { return None };
    let [start, end] = bounds.as_slice() else { return None };
    let (start, end) = (lenient::number(start)?, lenient::number(end)?);
    if !(start >= 0.0 && end > start && end < f64::from(u32::MAX) / 1000.0) {
        return None;
    }
    Some(SkipRange { start_ms: (start * 1000.0) as u32, end_ms: (end * 1000.0) as u32 })
}

fn torrents(torrents: Torrents) -> Vec<Torrent> {
    let Value::Array(list) = torrents.list else { return Vec::new() };
    list.into_iter()
        .filter_map(|value| serde_json::from_value::<RawTorrent>(value).ok())
        .filter_map(|raw| {
            let hash = raw.hash.filter(|hash| {
                hash.len() == 40 && hash.bytes().all(|byte| byte.is_ascii_hexdigit())
            });
            let magnet = magnet_link(raw.magnet, hash.as_deref())?;
            Some(Torrent {
                info_hash: hash.as_ref().map(|hash| hash.to_ascii_lowercase()),
                source_id: raw.torrent_id.map(|id| id.to_string()).or(hash)?,
                episodes: raw.episodes.and_then(|episodes| episodes.string).unwrap_or_default(),
                quality: raw.quality.and_then(|quality| quality.string).unwrap_or_default(),
                size_bytes: raw.total_size.filter(|size| *size > 0),
                magnet,
                seeders: raw.seeders.and_then(|seeders| u32::try_from(seeders).ok()),
            })
        })
        .collect()
}
