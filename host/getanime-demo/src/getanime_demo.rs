//! The offline demo: a small catalog (Russian and English names, series and a movie, a schedule
//! across the week, skip ranges, torrents, posters) whose episodes are short HLS streams generated
//! with GStreamer on first run. The app serves it on 127.0.0.1 and installs the `demo-source`
//! plugin through the normal install path, so the demo exercises the real product end to end.
//! Nothing is downloaded and nothing large is committed.
//!
//! Its own crate so the headless core (`getanime-app`) names neither the player nor an HTTP
//! server: the demo is a user of the core, like the UI and the CLI.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use getanime_loopback::LoopbackServer;
use getanime_player::media::{TestStreamSpec, generate_hls};
use serde_json::json;

use getanime_app::{App, SyncOptions};

/// The port the demo prefers (a fixed one keeps stored stream URLs valid between runs).
const DEMO_PORT: u16 = 47390;
/// Seconds of each generated stream.
const STREAM_SECONDS: u32 = 12;
/// Distinct generated streams, reused by the episodes.
const STREAMS: [(&str, u32); 4] = [("smpte", 440), ("ball", 523), ("pinwheel", 659), ("bar", 784)];
const QUALITIES: [(&str, u32, u32); 2] = [("hd", 640, 360), ("sd", 320, 180)];

/// The running demo site; dropping it stops the server.
pub struct DemoSite {
    _server: LoopbackServer,
    pub base_url: String,
}

/// One demo title: id, Russian name, English name, kind, year, weekday, genres, episodes.
type DemoTitle =
    (&'static str, &'static str, &'static str, &'static str, u16, u8, &'static str, u32);

const TITLES: [DemoTitle; 12] = [
    ("1", "Звёздный почтальон", "Star Courier", "TV", 2024, 1, "Космос, Драма", 4),
    ("2", "Ледяной алхимик", "Frost Alchemist", "TV", 2024, 2, "Фэнтези, Приключения", 3),
    (
        "3",
        "Кафе на краю света",
        "Café at the End of the World",
        "TV",
        2023,
        3,
        "Повседневность, Комедия",
        3,
    ),
    ("4", "Маяк для двоих", "A Lighthouse for Two", "TV", 2025, 4, "Романтика", 2),
    ("5", "Повар из подземелья", "Dungeon Cook", "TV", 2025, 5, "Комедия, Фэнтези", 4),
    ("6", "Тихий маяк", "Quiet Lighthouse", "ONA", 2025, 6, "Мистика", 2),
    ("7", "Ночной экспресс", "Night Express", "TV", 2022, 7, "Детектив", 3),
    ("8", "Сад механических птиц", "Garden of Clockwork Birds", "OVA", 2021, 1, "Стимпанк", 2),
    (
        "9",
        "Последний дракон Севера",
        "The Last Dragon of the North",
        "MOVIE",
        2023,
        3,
        "Фэнтези, Экшен",
        1,
    ),
    ("10", "Школа ветра", "Wind Academy", "TV", 2024, 5, "Школа, Спорт", 3),
    ("11", "Город без теней", "City Without Shadows", "TV", 2025, 2, "Фантастика", 2),
    ("12", "Хроники соляной равнины", "Salt Flat Chronicles", "TV", 2020, 4, "Приключения", 3),
];

/// Prepares the demo (media on first run), serves it on 127.0.0.1, installs the demo plugin from
/// `package` through the normal install path, points it at the server and syncs it.
pub async fn start(app: &App, package: &Path) -> Result<DemoSite> {
    let root = app.paths().root().join("demo");
    tokio::task::spawn_blocking({
        let root = root.clone();
        move || prepare_media(&root)
    })
    .await
    .context("the demo media task failed")??;
    let server = match LoopbackServer::start_on(DEMO_PORT).await {
        Ok(server) => server,
        Err(_) => LoopbackServer::start().await?,
    };
    let base_url = server.base_url();
    write_catalog(&root)?;
    server.serve_dir("/", &root);
    app.install_plugin(package.to_path_buf(), None).await.context("installing the demo source")?;
    app.set_plugin_setting("demo-source", "base_url", &base_url).await?;
    let options = SyncOptions {
        plugin: Some("demo-source".into()),
        details_ttl: Duration::from_secs(3600),
        ..SyncOptions::default()
    };
    let reports = app.sync(&options, &|_| {}).await?;
    if let Some(error) = reports.iter().find_map(|report| report.error.clone()) {
        anyhow::bail!("the demo source did not sync: {error}");
    }
    app.refresh_posters(100).await?;
    Ok(DemoSite { _server: server, base_url })
}

/// Generates the streams and posters that are missing.
fn prepare_media(root: &Path) -> Result<()> {
    for (index, (pattern, tone_hz)) in STREAMS.iter().enumerate() {
        for (quality, width, height) in QUALITIES {
            // Named by length too, so a data dir from a build with other lengths regenerates.
            let dir = root
                .join("media")
                .join(format!("{STREAM_SECONDS}s"))
                .join(format!("s{index}"))
                .join(quality);
            if dir.join("index.m3u8").is_file() {
                continue;
            }
            tracing::info!(stream = index, quality, "generating demo media (first run only)");
            let spec = TestStreamSpec {
                seconds: STREAM_SECONDS,
                width,
                height,
                pattern: (*pattern).to_owned(),
                tone_hz: *tone_hz,
                segment_seconds: 2,
                ..TestStreamSpec::default()
            };
            generate_hls(&dir, &spec)
                .with_context(|| format!("generating demo stream {index} ({quality})"))?;
        }
    }
    let posters = root.join("posters");
    std::fs::create_dir_all(&posters).with_context(|| format!("creating {}", posters.display()))?;
    for (index, (id, ..)) in TITLES.iter().enumerate() {
        let path = posters.join(format!("{id}.png"));
        if !path.is_file() {
            poster(index).save(&path).with_context(|| format!("writing {}", path.display()))?;
        }
    }
    Ok(())
}

/// A 2:3 poster: a diagonal gradient in a hue of its own, with a band of stripes.
fn poster(index: usize) -> image::RgbImage {
    let hue = (index as f32 * 0.61803) % 1.0;
    let (red, green, blue) = hue_to_rgb(hue);
    image::RgbImage::from_fn(360, 540, |x, y| {
        let shade = 0.35 + 0.65 * (1.0 - (x + y) as f32 / 900.0);
        let stripe = (y / 24) % 2 == 0 && (300..380).contains(&y);
        let factor = if stripe { 1.0 } else { shade };
        image::Rgb([
            (red * factor * 255.0) as u8,
            (green * factor * 255.0) as u8,
            (blue * factor * 255.0) as u8,
        ])
    })
}

fn hue_to_rgb(hue: f32) -> (f32, f32, f32) {
    let channel = |offset: f32| {
        let value = ((hue + offset) * 6.0) % 6.0;
        (1.0 - (value - 3.0).abs().min(2.0) / 2.0).clamp(0.15, 1.0)
    };
    (channel(0.0), channel(2.0 / 3.0), channel(1.0 / 3.0))
}

/// Two WebVTT tracks every demo episode shares (Russian and English), so the subtitle key has
/// something to show offline. Returns their catalog entries.
fn write_subtitles(root: &Path) -> Result<serde_json::Value> {
    let dir = root.join("subs");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let tracks = [
        ("ru", "Русские", "Субтитры демо: это говорит персонаж", "Второй субтитр демо"),
        ("en", "English", "Demo subtitle: a character speaks", "A second demo subtitle"),
    ];
    let mut entries = Vec::new();
    for (language, label, first, second) in tracks {
        let path = dir.join(format!("demo.{language}.vtt"));
        let text = format!(
            "WEBVTT\n\n00:00.000 --> 00:06.000\n{first}\n\n00:06.000 --> 00:{STREAM_SECONDS:02}.000\n{second}\n"
        );
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
        entries.push(json!({
            "path": format!("/subs/demo.{language}.vtt"), "language": language, "label": label, "format": "webvtt",
        }));
    }
    Ok(serde_json::Value::Array(entries))
}

/// `catalog.json` (paths relative to the server), stamped with the current time so every start
/// refreshes what the library stored (the server's port may differ from the last run).
fn write_catalog(root: &Path) -> Result<PathBuf> {
    let updated_at = chrono::Utc::now().timestamp_millis();
    let subtitles = write_subtitles(root)?;
    let titles: Vec<serde_json::Value> = TITLES
        .iter()
        .enumerate()
        .map(|(index, (id, name, name_en, kind, year, weekday, genres, episodes))| {
            let episode_list: Vec<serde_json::Value> = (1..=*episodes)
                .map(|number| {
                    let stream = (index + number as usize) % STREAMS.len();
                    let streams: serde_json::Map<String, serde_json::Value> = QUALITIES
                        .iter()
                        .map(|(quality, ..)| (quality.to_string(), json!(format!("/media/{STREAM_SECONDS}s/s{stream}/{quality}/index.m3u8"))))
                        .collect();
                    json!({
                        "number": number, "name": format!("Серия {number}"), "streams": streams,
                        "opening": [500, 5_000], "ending": [9_500, 12_000], "duration_ms": STREAM_SECONDS * 1000,
                        "subtitles": subtitles, "audio": ["Демо-озвучка"],
                    })
                })
                .collect();
            let hash = format!("{:040x}", (index as u128 + 1) * 0x9e37_79b9_7f4a_7c15);
            json!({
                "id": id, "name": name, "name_en": name_en, "kind": kind, "year": year, "weekday": weekday,
                "genres": genres.split(", ").collect::<Vec<_>>(),
                "description": format!("{name} — демо-тайтл getanime: короткие серии, сгенерированные GStreamer, чтобы всё работало без интернета."),
                "poster": format!("/posters/{id}.png"),
                "updated_at": updated_at - index as i64 * 3_600_000,
                "episodes": episode_list,
                "torrents": [{"id": format!("{id}-1080"), "episodes": format!("1-{episodes}"), "quality": "WEBRip 1080p",
                              "size_bytes": 1_500_000_000u64 * u64::from(*episodes), "magnet": format!("magnet:?xt=urn:btih:{hash}")}],
            })
        })
        .collect();
    let path = root.join("catalog.json");
    let body = serde_json::to_vec_pretty(&json!({ "titles": titles }))?;
    std::fs::write(&path, body).with_context(|| format!("writing {}", path.display()))?;
    Ok(path)
}
