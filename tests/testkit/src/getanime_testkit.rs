//! Shared test support: a fake HTTP server on loopback (`getanime-loopback`), and where the built
//! plugins and the fixtures are. Tests never touch the internet.

pub mod aniliberty_account;
pub mod anilist;
pub mod media_upstream;
pub mod shikimori;

use std::path::PathBuf;

use anyhow::{Result, bail};

/// The loopback server, in its test role.
pub use getanime_loopback::{LoopbackServer as FakeServer, Reply};

/// The repository root.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The package directory `cargo xtask build-plugins` made for `id` (`GETANIME_PLUGINS_DIR`
/// overrides the root). A missing build is an error with the fix, never a skipped test.
pub fn built_plugin(id: &str) -> Result<PathBuf> {
    let root = std::env::var_os("GETANIME_PLUGINS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/plugins"));
    let dir = root.join(id);
    if !dir.join("plugin.wasm").is_file() {
        bail!("plugin package {} is missing: run `cargo xtask build-plugins` first", dir.display());
    }
    Ok(dir)
}

/// A `.tar.gz` package of the built plugin `id`, with its manifest passed through `edit`.
pub fn package_archive(id: &str, edit: impl Fn(String) -> String) -> Result<Vec<u8>> {
    let dir = built_plugin(id)?;
    let manifest = edit(std::fs::read_to_string(dir.join("plugin.toml"))?);
    let component = std::fs::read(dir.join("plugin.wasm"))?;
    let mut builder =
        tar::Builder::new(flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast()));
    for (name, bytes) in
        [("plugin.toml", manifest.as_bytes()), ("plugin.wasm", component.as_slice())]
    {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append_data(&mut header, name, bytes)?;
    }
    Ok(builder.into_inner()?.finish()?)
}

/// `tests/fixtures/<area>/<name>`.
pub fn fixture_path(area: &str, name: &str) -> PathBuf {
    workspace_root().join("tests/fixtures").join(area).join(name)
}

/// A fixture file as a 200 reply with a content type from its extension.
pub fn fixture(area: &str, name: &str) -> Result<Reply> {
    Reply::file(&fixture_path(area, name))
}

/// A generated AniLibria v3 updates page (for load and crash tests): `titles` titles of 24
/// episodes × 3 qualities with an opening range, and one torrent each. Ids are `page * 1000 + n`.
pub fn generated_anilibria_page(page: u32, pages: u32, titles: u32, updated: u64) -> Vec<u8> {
    let list: Vec<serde_json::Value> = (0..titles)
        .map(|index| {
            let id = page * 1000 + index;
            let episodes: serde_json::Map<String, serde_json::Value> = (1..=24)
                .map(|number| {
                    let hls = serde_json::json!({"fhd": format!("/v/{id}/{number}/1080.m3u8"), "hd": format!("/v/{id}/{number}/720.m3u8"), "sd": format!("/v/{id}/{number}/480.m3u8")});
                    (number.to_string(), serde_json::json!({"episode": number, "hls": hls, "skips": {"opening": [10, 100], "ending": []}}))
                })
                .collect();
            serde_json::json!({
                "id": id, "names": {"ru": format!("Тайтл {id}")}, "updated": updated,
                "player": {"host": "cdn.example", "list": episodes},
                "torrents": {"list": [{"torrent_id": id, "hash": "0123456789abcdef0123456789abcdef01234567", "total_size": 1}]},
            })
        })
        .collect();
    let body =
        serde_json::json!({"list": list, "pagination": {"pages": pages, "current_page": page}});
    serde_json::to_vec(&body).unwrap_or_default()
}

/// A whole title for benchmarks and load runs: `episodes` episodes of three qualities with an
/// opening, two torrents, a genre out of three and a year out of 25, updated in order of `n`.
pub fn generated_title(n: usize, episodes: usize) -> getanime_domain::Title {
    use getanime_domain::{Episode, Quality, SkipRange, Stream, Title, TitleSummary, Torrent};
    Title {
        summary: TitleSummary {
            source_id: n.to_string(),
            name: format!("Название {n}"),
            name_original: Some(format!("Title {n}")),
            alt_names: vec![],
            poster_url: Some(format!("https://static.example/{n}.jpg")),
            kind: Some("TV".into()),
            episodes_total: Some(episodes as u32),
            updated_at: Some(1_700_000_000_000 + n as i64),
        },
        description: Some("Описание".into()),
        genres: vec![["Экшен", "Драма", "Комедия"][n % 3].into()],
        year: Some(2000 + (n % 25) as u16),
        status: None,
        release_weekday: Some((n % 7 + 1) as u8),
        episodes: (1..=episodes)
            .map(|number| Episode {
                number: number as f64,
                name: None,
                streams: [Quality::Fhd, Quality::Hd, Quality::Sd]
                    .into_iter()
                    .map(|quality| Stream {
                        quality,
                        url: format!("https://cdn.example/{n}/{number}/{}.m3u8", quality.as_str()),
                    })
                    .collect(),
                preview_url: None,
                opening: Some(SkipRange { start_ms: 0, end_ms: 90_000 }),
                ending: None,
                duration_ms: Some(1_420_000),
                published_at: Some(0),
                subtitles: Vec::new(),
                audio: Vec::new(),
                source_id: Some(format!("{n}-e{number}")),
            })
            .collect(),
        torrents: (0..2)
            .map(|t| Torrent {
                source_id: format!("{n}-{t}"),
                episodes: format!("1-{episodes}"),
                quality: "WEBRip 1080p".into(),
                size_bytes: Some(1 << 32),
                magnet: "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567".into(),
                seeders: Some(3),
                info_hash: Some("0123456789abcdef0123456789abcdef01234567".into()),
            })
            .collect(),
        details_complete: true,
        external_ids: Vec::new(),
        related: Vec::new(),
        age_rating: Some(16),
        backdrop_url: None,
    }
}

/// The genres of [`serve_aniliberty_catalog`]: release `n` has genre id `n % 3 + 1`.
pub const CATALOG_GENRES: [&str; 3] = ["Экшен", "Драма", "Комедия"];

/// A fake AniLiberty v1 whole catalog of `titles` generated releases under `api` (`/api/v1`):
/// the genre and year references, and `anime/catalog/releases` paged by `page` and `limit` and
/// filtered by `f[genres]` (release `n`, id `100000 + n`, named `Каталог n`, has genre `n % 3 + 1` and year
/// `2000 + n % 25`).
pub fn serve_aniliberty_catalog(server: &FakeServer, api: &str, titles: u32) {
    let genres: Vec<serde_json::Value> = CATALOG_GENRES
        .iter()
        .enumerate()
        .map(|(index, name)| serde_json::json!({"id": index + 1, "name": name}))
        .collect();
    let genres = serde_json::to_vec(&genres).unwrap_or_default();
    server.route(&format!("{api}/anime/catalog/references/genres"), Reply::json(genres));
    server.route(&format!("{api}/anime/catalog/references/years"), Reply::json("[2000, 2024]"));
    server.route_computed(&format!("{api}/anime/catalog/releases"), move |query| {
        Reply::json(aniliberty_catalog_page(query, titles))
    });
}

/// One page of [`serve_aniliberty_catalog`] for a request's query string.
fn aniliberty_catalog_page(query: &str, titles: u32) -> Vec<u8> {
    let mut page = 1;
    let mut limit = 20;
    let mut genres: Vec<u32> = Vec::new();
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = key.replace("%5B", "[").replace("%5D", "]");
        match key.as_str() {
            "page" => page = value.parse().unwrap_or(1).max(1),
            "limit" => limit = value.parse().unwrap_or(20).clamp(1, 50),
            "f[genres]" => {
                genres = value.split("%2C").filter_map(|genre| genre.parse().ok()).collect()
            }
            _ => {}
        }
    }
    let matching: Vec<u32> =
        (0..titles).filter(|n| genres.is_empty() || genres.contains(&(n % 3 + 1))).collect();
    let total_pages = matching.len().div_ceil(limit).max(1);
    let data: Vec<serde_json::Value> = matching
        .iter()
        .skip((page - 1) * limit)
        .take(limit)
        .map(|n| {
            serde_json::json!({
                "id": 100_000 + n, "name": {"main": format!("Каталог {n}")}, "year": 2000 + n % 25,
                "type": {"value": "TV"}, "fresh_at": "2025-05-14T17:42:05+00:00",
                "genres": [{"id": n % 3 + 1, "name": CATALOG_GENRES[(n % 3) as usize]}],
            })
        })
        .collect();
    let body = serde_json::json!({"data": data,
        "meta": {"pagination": {"current_page": page, "total_pages": total_pages}}});
    serde_json::to_vec(&body).unwrap_or_default()
}
