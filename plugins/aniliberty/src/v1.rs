//! Pure parsing of AniLiberty v1 responses into the contract's types. No IO: tested natively
//! against `tests/fixtures/aniliberty/`.
//!
//! Every key may be absent (`include`/`exclude`), list endpoints answer bare arrays or the
//! `{data, meta}` envelope (reports disagree, so both are read), image objects drift between
//! shapes, HLS URLs are absolute and kept with their query strings.

use getanime_provider_sdk::http;
use getanime_provider_sdk::lenient::{f64_opt, i64_opt, string_opt, tolerant, u64_opt};
use getanime_provider_sdk::text::{
    self, absolute_url, clean_description, clean_name, magnet_link, parse_rfc3339,
};
use getanime_provider_sdk::{
    CatalogFilter, CatalogFilters, Episode, ExternalId, FilterOption, Page, ProviderError, Quality,
    ScheduleDay, SkipRange, Stream, Title, TitleSummary, Torrent, Tracker,
};
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Release {
    #[serde(deserialize_with = "i64_opt")]
    id: Option<i64>,
    #[serde(deserialize_with = "string_opt")]
    alias: Option<String>,
    #[serde(rename = "type", deserialize_with = "tolerant")]
    kind: Option<Valued>,
    #[serde(deserialize_with = "u64_opt")]
    year: Option<u64>,
    #[serde(deserialize_with = "tolerant")]
    name: Option<Name>,
    poster: Option<Value>,
    #[serde(deserialize_with = "string_opt")]
    fresh_at: Option<String>,
    #[serde(deserialize_with = "string_opt")]
    updated_at: Option<String>,
    is_ongoing: Option<bool>,
    #[serde(deserialize_with = "tolerant")]
    publish_day: Option<Valued>,
    #[serde(deserialize_with = "string_opt")]
    description: Option<String>,
    #[serde(deserialize_with = "u64_opt")]
    episodes_total: Option<u64>,
    genres: Value,
    episodes: Option<Value>,
    torrents: Option<Value>,
    /// `{id, url, votes, rating}` where the release is matched (seen in real schedule answers).
    shikimori: Option<Value>,
    mal: Option<Value>,
    /// `{value: "R16_PLUS", label: "16+", …}`.
    #[serde(deserialize_with = "tolerant")]
    age_rating: Option<Valued>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Valued {
    value: Value,
    #[serde(deserialize_with = "string_opt")]
    description: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Name {
    #[serde(deserialize_with = "string_opt")]
    main: Option<String>,
    #[serde(deserialize_with = "string_opt")]
    english: Option<String>,
    #[serde(deserialize_with = "string_opt")]
    alternative: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawEpisode {
    /// The episode's UUID, which the account's timecodes are keyed by.
    #[serde(deserialize_with = "string_opt")]
    id: Option<String>,
    #[serde(deserialize_with = "string_opt")]
    name: Option<String>,
    #[serde(deserialize_with = "f64_opt")]
    ordinal: Option<f64>,
    #[serde(deserialize_with = "f64_opt")]
    sort_order: Option<f64>,
    #[serde(deserialize_with = "tolerant")]
    opening: Option<Range>,
    #[serde(deserialize_with = "tolerant")]
    ending: Option<Range>,
    preview: Option<Value>,
    #[serde(deserialize_with = "string_opt")]
    hls_480: Option<String>,
    #[serde(deserialize_with = "string_opt")]
    hls_720: Option<String>,
    #[serde(deserialize_with = "string_opt")]
    hls_1080: Option<String>,
    #[serde(deserialize_with = "f64_opt")]
    duration: Option<f64>,
    #[serde(deserialize_with = "string_opt")]
    updated_at: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Range {
    #[serde(deserialize_with = "f64_opt")]
    start: Option<f64>,
    #[serde(deserialize_with = "f64_opt")]
    stop: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawTorrent {
    #[serde(deserialize_with = "i64_opt")]
    id: Option<i64>,
    #[serde(deserialize_with = "string_opt")]
    hash: Option<String>,
    #[serde(deserialize_with = "u64_opt")]
    size: Option<u64>,
    #[serde(rename = "type", deserialize_with = "tolerant")]
    kind: Option<Valued>,
    #[serde(deserialize_with = "tolerant")]
    quality: Option<Valued>,
    #[serde(deserialize_with = "tolerant")]
    codec: Option<Codec>,
    #[serde(deserialize_with = "string_opt")]
    magnet: Option<String>,
    #[serde(deserialize_with = "string_opt")]
    description: Option<String>,
    #[serde(deserialize_with = "u64_opt")]
    seeders: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Codec {
    #[serde(deserialize_with = "string_opt")]
    label: Option<String>,
    #[serde(deserialize_with = "string_opt")]
    value: Option<String>,
}

/// Turns what the server sent into an error when it is not a usable JSON answer. The v1 error
/// bodies are not documented (`{"message"}`, `{"errors": {...}}`, empty or HTML), so the HTTP
/// status decides and the body only adds a message.
pub fn check_response(
    url: &str,
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<(), ProviderError> {
    http::check_response(url, status, content_type, body, |status, body| {
        source_error(url, status, body)
    })
}

/// AniLiberty's reading of a status: 422 is a refused request, other failures carry a message.
pub fn source_error(url: &str, status: u16, body: &[u8]) -> Option<ProviderError> {
    match status {
        422 => {
            Some(ProviderError::Other(format!("AniLiberty refused the request: {}", message(body))))
        }
        200..=299 | 404 | 429 => None,
        _ => {
            Some(ProviderError::Network(format!("{url} answered HTTP {status}: {}", message(body))))
        }
    }
}

/// The best human message in an error body.
fn message(body: &[u8]) -> String {
    if let Ok(Value::Object(object)) = serde_json::from_slice::<Value>(body) {
        if let Some(text) = object.get("message").and_then(Value::as_str) {
            return text.to_owned();
        }
        if let Some(Value::Object(errors)) = object.get("errors") {
            let parts: Vec<String> = errors
                .iter()
                .map(|(field, messages)| {
                    let text = match messages {
                        Value::Array(items) => {
                            items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join("; ")
                        }
                        other => other.as_str().unwrap_or_default().to_owned(),
                    };
                    format!("{field}: {text}")
                })
                .collect();
            return parts.join(", ");
        }
    }
    http::quote(body)
}

fn decode(body: &[u8]) -> Result<Value, ProviderError> {
    serde_json::from_slice(body).map_err(|error| http::json_error("AniLiberty", &error))
}

/// The items of a list answer, with the current page and page count when the envelope says.
struct ListItems {
    items: Vec<Value>,
    current_page: Option<u32>,
    total_pages: Option<u32>,
}

/// The items of a list answer: a bare array, or `{data: [...], meta: {pagination}}`.
fn list_items(root: Value) -> Result<ListItems, ProviderError> {
    match root {
        Value::Array(items) => Ok(ListItems { items, current_page: None, total_pages: None }),
        Value::Object(mut object) => {
            let items = match object.remove("data") {
                Some(Value::Array(items)) => items,
                Some(Value::Null) | None => Vec::new(),
                Some(_) => return Err(ProviderError::Parse("`data` is not an array".into())),
            };
            let pagination = object.get("meta").and_then(|meta| meta.get("pagination"));
            let number = |key: &str| {
                pagination
                    .and_then(|pagination| pagination.get(key))
                    .and_then(Value::as_u64)
                    .and_then(|n| u32::try_from(n).ok())
            };
            Ok(ListItems {
                items,
                current_page: number("current_page"),
                total_pages: number("total_pages"),
            })
        }
        _ => Err(ProviderError::Parse("expected an array or an object with `data`".into())),
    }
}

/// `releases/latest`, `catalog/releases`, `app/search/releases`.
pub fn parse_page(
    body: &[u8],
    media_host: &str,
    requested_page: u32,
) -> Result<Page, ProviderError> {
    let list = list_items(decode(body)?)?;
    let items =
        list.items.into_iter().filter_map(|value| release(value, media_host, false)).collect();
    let page = list.current_page.filter(|page| *page > 0).unwrap_or(requested_page.max(1));
    Ok(Page { items, page, pages: list.total_pages })
}

/// The kinds `f[types]` takes, with the words the site uses.
const KINDS: [(&str, &str); 8] = [
    ("TV", "ТВ"),
    ("ONA", "ONA"),
    ("WEB", "WEB"),
    ("OVA", "OVA"),
    ("OAD", "OAD"),
    ("MOVIE", "Фильм"),
    ("DORAMA", "Дорама"),
    ("SPECIAL", "Спешл"),
];

/// `f[publish_statuses]`.
const STATUSES: [(&str, &str); 2] = [("IS_ONGOING", "Онгоинг"), ("IS_NOT_ONGOING", "Завершён")];

/// `f[sorting]`; the first is the catalog's default order.
const SORTS: [(&str, &str); 4] = [
    ("FRESH_AT_DESC", "Сначала обновлённые"),
    ("RATING_DESC", "По рейтингу"),
    ("YEAR_DESC", "Сначала новые"),
    ("YEAR_ASC", "Сначала старые"),
];

fn options(pairs: &[(&str, &str)]) -> Vec<FilterOption> {
    pairs.iter().map(|(id, label)| FilterOption::new(*id, *label)).collect()
}

/// The catalog's filters: genres and years from `catalog/references/*`, the rest fixed.
pub fn filters(genres: Vec<FilterOption>, years: Option<(u16, u16)>) -> CatalogFilters {
    CatalogFilters {
        genres,
        years,
        kinds: options(&KINDS),
        statuses: options(&STATUSES),
        sorts: options(&SORTS),
    }
}

/// `catalog/references/genres`: `[{id, name}]` (a bare array).
pub fn parse_genres(body: &[u8]) -> Result<Vec<FilterOption>, ProviderError> {
    let items = list_items(decode(body)?)?.items;
    Ok(items
        .iter()
        .filter_map(|genre| {
            let id = match genre.get("id")? {
                Value::Number(number) => number.as_u64()?.to_string(),
                Value::String(text) if text.bytes().all(|byte| byte.is_ascii_digit()) => {
                    text.clone()
                }
                _ => return None,
            };
            let label = genre.get("name").and_then(Value::as_str).and_then(clean_name)?;
            Some(FilterOption::new(id, label))
        })
        .collect())
}

/// `catalog/references/years`: a bare array of years; the first and last one.
pub fn parse_years(body: &[u8]) -> Result<Option<(u16, u16)>, ProviderError> {
    Ok(getanime_provider_sdk::lenient::year_range(&list_items(decode(body)?)?.items))
}

/// `anime/catalog/releases` for `filter`: only ids of the shapes the API uses reach the URL
/// (digits for genres, capitals and `_` for the rest), so a filter cannot inject parameters.
pub fn catalog_url(base_url: &str, filter: &CatalogFilter, page: u32, limit: u32) -> String {
    let word = |id: &&String| {
        !id.is_empty() && id.bytes().all(|byte| byte.is_ascii_uppercase() || byte == b'_')
    };
    let number = |id: &&String| !id.is_empty() && id.bytes().all(|byte| byte.is_ascii_digit());
    let mut url = format!("{base_url}/anime/catalog/releases?page={}&limit={limit}", page.max(1));
    let mut add = |key: &str, value: String| {
        if !value.is_empty() {
            url.push_str(&format!("&{}={}", text::encode_query(key), text::encode_query(&value)));
        }
    };
    let join =
        |ids: Vec<&String>| ids.into_iter().map(String::as_str).collect::<Vec<_>>().join(",");
    add("f[genres]", join(filter.genres.iter().filter(number).collect()));
    add("f[types]", join(filter.kinds.iter().filter(word).collect()));
    add("f[publish_statuses]", filter.status.iter().filter(word).cloned().collect());
    add("f[sorting]", filter.sort.iter().filter(word).cloned().collect());
    add("f[years][from_year]", filter.year_from.map(|year| year.to_string()).unwrap_or_default());
    add("f[years][to_year]", filter.year_to.map(|year| year.to_string()).unwrap_or_default());
    url
}

/// `anime/schedule/week`: items `{release, ...}`; the weekday is `release.publish_day.value`
/// (1 = Monday). Bare array, `{data}` or an array of arrays are all accepted.
pub fn parse_schedule(body: &[u8], media_host: &str) -> Result<Vec<ScheduleDay>, ProviderError> {
    let flat = list_items(decode(body)?)?.items.into_iter().flat_map(|item| match item {
        Value::Array(inner) => inner,
        other => vec![other],
    });
    let mut days: Vec<ScheduleDay> = Vec::new();
    for item in flat {
        let Some(release_value) = item.get("release").cloned() else { continue };
        let Some(title) = release(release_value, media_host, false) else { continue };
        let Some(weekday) = title.release_weekday else { continue };
        match days.iter_mut().find(|day| day.weekday == weekday) {
            Some(day) => day.items.push(title),
            None => days.push(ScheduleDay { weekday, items: vec![title] }),
        }
    }
    days.sort_by_key(|day| day.weekday);
    Ok(days)
}

/// `anime/releases/{id}`: one release with episodes and torrents.
pub fn parse_release(body: &[u8], media_host: &str) -> Result<Title, ProviderError> {
    release(decode(body)?, media_host, true)
        .ok_or_else(|| ProviderError::Parse("the release has no id or name".into()))
}

/// `anime/torrents/release/{id}`: a bare array of torrents.
pub fn parse_torrents(body: &[u8]) -> Result<Vec<Torrent>, ProviderError> {
    Ok(torrents(list_items(decode(body)?)?.items))
}

fn release(value: Value, media_host: &str, is_details: bool) -> Option<Title> {
    let raw: Release = serde_json::from_value(value).ok()?;
    let id = raw.id.filter(|id| *id > 0)?;
    let name = raw.name.unwrap_or_default();
    let name_original = name.english.as_deref().and_then(clean_name);
    let main = name
        .main
        .as_deref()
        .and_then(clean_name)
        .or_else(|| name_original.clone())
        .or_else(|| raw.alias.as_deref().and_then(clean_name))?;
    let genres = match &raw.genres {
        Value::Array(items) => items
            .iter()
            .filter_map(|genre| {
                genre.get("name").and_then(Value::as_str).or_else(|| genre.as_str())
            })
            .filter_map(clean_name)
            .collect(),
        _ => Vec::new(),
    };
    let weekday = raw
        .publish_day
        .as_ref()
        .and_then(|day| day.value.as_u64())
        .filter(|day| (1..=7).contains(day))
        .map(|day| day as u8);
    let status =
        raw.is_ongoing.map(|ongoing| if ongoing { "Онгоинг" } else { "Завершён" }.to_owned());
    let episodes_value = raw.episodes;
    let torrents_value = raw.torrents;
    let details_complete = is_details && episodes_value.is_some() && torrents_value.is_some();
    let episodes = match episodes_value {
        Some(Value::Array(items)) => episodes(items, media_host),
        _ => Vec::new(),
    };
    let torrents = match torrents_value {
        Some(Value::Array(items)) => torrents(items),
        _ => Vec::new(),
    };
    Some(Title {
        summary: TitleSummary {
            source_id: id.to_string(),
            name: main,
            name_original,
            alt_names: name.alternative.as_deref().and_then(clean_name).into_iter().collect(),
            poster_url: raw.poster.as_ref().and_then(|poster| image_url(poster, media_host)),
            kind: raw.kind.and_then(|kind| kind.value.as_str().map(str::to_owned)),
            episodes_total: raw.episodes_total.and_then(|count| u32::try_from(count).ok()),
            updated_at: raw.fresh_at.or(raw.updated_at).as_deref().and_then(parse_rfc3339),
        },
        description: raw.description.as_deref().and_then(clean_description),
        genres,
        year: raw.year.and_then(|year| u16::try_from(year).ok()).filter(|year| *year > 1900),
        status,
        release_weekday: weekday,
        episodes,
        torrents,
        details_complete,
        external_ids: [(Tracker::Myanimelist, &raw.mal), (Tracker::Shikimori, &raw.shikimori)]
            .into_iter()
            .filter_map(|(tracker, link)| Some(ExternalId { tracker, id: tracker_id(link)? }))
            .collect(),
        related: Vec::new(),
        age_rating: raw.age_rating.and_then(|rating| age_rating(&rating.value)),
        backdrop_url: None,
    })
}

/// `R0_PLUS` … `R18_PLUS` → the age.
fn age_rating(value: &Value) -> Option<u8> {
    let code = value.as_str()?.strip_prefix('R')?.strip_suffix("_PLUS")?;
    code.parse().ok()
}

/// The `id` of a tracker link, a number or a string in the answers seen.
fn tracker_id(link: &Option<Value>) -> Option<String> {
    match link.as_ref()?.get("id")? {
        Value::Number(number) => number.as_u64().map(|id| id.to_string()),
        Value::String(text) => Some(text.trim().to_owned()).filter(|id| !id.is_empty()),
        _ => None,
    }
}

/// The first non-empty of `optimized.src`, `optimized.preview`, `src`, `preview`, `thumbnail`.
fn image_url(image: &Value, media_host: &str) -> Option<String> {
    let optimized = image.get("optimized");
    let candidates = [
        optimized.and_then(|optimized| optimized.get("src")),
        optimized.and_then(|optimized| optimized.get("preview")),
        image.get("src"),
        image.get("preview"),
        image.get("thumbnail"),
    ];
    candidates
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .find_map(|path| absolute_url(media_host, path))
}

fn episodes(items: Vec<Value>, media_host: &str) -> Vec<Episode> {
    let mut raw: Vec<RawEpisode> =
        items.into_iter().filter_map(|value| serde_json::from_value(value).ok()).collect();
    raw.retain(|episode| episode.ordinal.is_some_and(|ordinal| ordinal >= 0.0));
    // Order by sort_order, then ordinal; the first of a repeated ordinal wins.
    raw.sort_by(|a, b| {
        let key = |episode: &RawEpisode| {
            (episode.sort_order.unwrap_or(f64::MAX), episode.ordinal.unwrap_or(0.0))
        };
        let (a, b) = (key(a), key(b));
        a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1))
    });
    let mut episodes: Vec<Episode> = Vec::new();
    for episode in raw {
        let Some(number) = episode.ordinal else { continue };
        if episodes.iter().any(|existing| existing.number == number) {
            continue;
        }
        let streams = [
            (Quality::Fhd, &episode.hls_1080),
            (Quality::Hd, &episode.hls_720),
            (Quality::Sd, &episode.hls_480),
        ]
        .into_iter()
        .filter_map(|(quality, url)| {
            Some(Stream { quality, url: absolute_url(media_host, url.as_deref()?)? })
        })
        .collect();
        let duration_ms = episode
            .duration
            .filter(|seconds| *seconds > 0.0)
            .map(|seconds| (seconds * 1000.0) as u32);
        episodes.push(Episode {
            number,
            name: episode.name.as_deref().and_then(clean_name),
            streams,
            preview_url: episode
                .preview
                .as_ref()
                .and_then(|preview| image_url(preview, media_host)),
            opening: skip_range(episode.opening, duration_ms),
            ending: skip_range(episode.ending, duration_ms),
            duration_ms,
            published_at: episode.updated_at.as_deref().and_then(parse_rfc3339),
            subtitles: Vec::new(),
            audio: Vec::new(),
            source_id: episode.id.filter(|id| !id.trim().is_empty()),
        });
    }
    episodes
}

/// `{start, stop}` in seconds → milliseconds; missing, backwards or past-the-end ranges are dropped.
fn skip_range(range: Option<Range>, duration_ms: Option<u32>) -> Option<SkipRange> {
    let range = range?;
    let (start, stop) = (range.start?, range.stop?);
    if !(start >= 0.0 && stop > start) {
        return None;
    }
    let (start_ms, end_ms) = ((start * 1000.0) as u64, (stop * 1000.0) as u64);
    if duration_ms.is_some_and(|duration| end_ms > u64::from(duration))
        || end_ms > u64::from(u32::MAX)
    {
        return None;
    }
    Some(SkipRange { start_ms: start_ms as u32, end_ms: end_ms as u32 })
}

fn torrents(items: Vec<Value>) -> Vec<Torrent> {
    items
        .into_iter()
        .filter_map(|value| serde_json::from_value::<RawTorrent>(value).ok())
        .filter_map(|raw| {
            let hash = raw.hash.filter(|hash| {
                !hash.is_empty() && hash.bytes().all(|byte| byte.is_ascii_alphanumeric())
            });
            let magnet = magnet_link(raw.magnet, hash.as_deref())?;
            let codec = raw.codec.and_then(|codec| codec.label.or(codec.value));
            let quality = [
                raw.kind.and_then(|kind| kind.value.as_str().map(str::to_owned)),
                raw.quality.and_then(|quality| quality.value.as_str().map(str::to_owned)),
                codec,
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
            let info_hash = hash
                .as_ref()
                .filter(|hash| hash.len() == 40 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
                .map(|hash| hash.to_ascii_lowercase());
            Some(Torrent {
                source_id: raw.id.map(|id| id.to_string()).or(hash)?,
                episodes: raw.description.unwrap_or_default(),
                quality,
                size_bytes: raw.size.filter(|size| *size > 0),
                seeders: raw.seeders.and_then(|seeders| u32::try_from(seeders).ok()),
                info_hash,
                magnet,
            })
        })
        .collect()
}
