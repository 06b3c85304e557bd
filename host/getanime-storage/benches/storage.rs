//! Storage benchmarks, run by `cargo xtask bench`. Each prints one `BENCH {json}` line with a value
//! and a baseline measured in the same process, so the ratio is meaningful on any machine.

use std::time::{Duration, Instant};

use anyhow::Result;
use getanime_domain::{ListStatus, ProfileId, Title};
use getanime_storage::Database;
use getanime_testkit::generated_title;

const TITLES: usize = 1_000;
const EPISODES: usize = 24;
const LIBRARY_TITLES: usize = 100_000;
const RUNS: usize = 5;

fn median(mut samples: Vec<Duration>) -> f64 {
    samples.sort();
    samples[samples.len() / 2].as_secs_f64() * 1_000.0
}

fn report(name: &str, value_ms: f64, baseline_ms: f64) {
    let entry = serde_json::json!({
        "name": name, "value": value_ms, "unit": "ms", "baseline": baseline_ms, "ratio": value_ms / baseline_ms,
    });
    println!("BENCH {entry}");
}

/// The repository's upsert against raw prepared INSERTs of the same rows, each in one transaction.
fn ingest(titles: &[Title]) -> Result<()> {
    let mut repository = Vec::new();
    let mut raw = Vec::new();
    for _ in 0..RUNS {
        let dir = tempfile::tempdir()?;
        let mut db = Database::open(&dir.path().join("a.sqlite3"))?;
        let started = Instant::now();
        db.upsert_titles("bench", titles, 0)?;
        repository.push(started.elapsed());

        let path = dir.path().join("b.sqlite3");
        drop(Database::open(&path)?);
        let mut connection = rusqlite::Connection::open(&path)?;
        connection.pragma_update(None, "synchronous", "NORMAL")?;
        let started = Instant::now();
        raw_insert(&mut connection, titles)?;
        raw.push(started.elapsed());
    }
    report("ingest_titles", median(repository), median(raw));
    Ok(())
}

fn raw_insert(connection: &mut rusqlite::Connection, titles: &[Title]) -> Result<()> {
    let transaction = connection.transaction()?;
    {
        let mut title_insert = transaction.prepare(
            "INSERT INTO titles (plugin_id, source_id, name, name_original, search_text, description, kind, year, \
             release_weekday, episodes_total, poster_url, source_updated_at, fetched_at) \
             VALUES ('bench', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 0)",
        )?;
        let mut genre_insert =
            transaction.prepare("INSERT INTO title_genres (title_id, genre) VALUES (?1, ?2)")?;
        let mut episode_insert = transaction.prepare(
            "INSERT INTO episodes (title_id, number, opening_start_ms, opening_end_ms, duration_ms, published_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        let mut stream_insert = transaction
            .prepare("INSERT INTO streams (episode_id, quality, url) VALUES (?1, ?2, ?3)")?;
        let mut torrent_insert = transaction.prepare(
            "INSERT INTO torrents (title_id, source_id, episodes, quality, size_bytes, magnet, seeders) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for title in titles {
            let summary = &title.summary;
            title_insert.execute(rusqlite::params![
                summary.source_id,
                summary.name,
                summary.name_original,
                summary.name.to_lowercase(),
                title.description,
                summary.kind,
                title.year,
                title.release_weekday,
                summary.episodes_total,
                summary.poster_url,
                summary.updated_at
            ])?;
            let title_id = transaction.last_insert_rowid();
            for genre in &title.genres {
                genre_insert.execute(rusqlite::params![title_id, genre])?;
            }
            for episode in &title.episodes {
                episode_insert.execute(rusqlite::params![
                    title_id,
                    episode.number,
                    episode.opening.map(|range| range.start_ms),
                    episode.opening.map(|range| range.end_ms),
                    episode.duration_ms,
                    episode.published_at
                ])?;
                let episode_id = transaction.last_insert_rowid();
                for stream in &episode.streams {
                    stream_insert.execute(rusqlite::params![
                        episode_id,
                        stream.quality.as_str(),
                        stream.url
                    ])?;
                }
            }
            for torrent in &title.torrents {
                torrent_insert.execute(rusqlite::params![
                    title_id,
                    torrent.source_id,
                    torrent.episodes,
                    torrent.quality,
                    torrent.size_bytes.map(|size| size as i64),
                    torrent.magnet,
                    torrent.seeders
                ])?;
            }
        }
    }
    transaction.commit()?;
    Ok(())
}

/// Screen queries on a 100 000-title library, against a primary-key lookup as the baseline.
fn queries() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let mut db = Database::open(&dir.path().join("library.sqlite3"))?;
    let titles: Vec<Title> = (0..LIBRARY_TITLES).map(|n| generated_title(n, 1)).collect();
    for chunk in titles.chunks(10_000) {
        db.upsert_titles("bench", chunk, 0)?;
    }
    for n in (0..LIBRARY_TITLES).step_by(100) {
        let id =
            db.title_id("bench", &n.to_string())?.ok_or_else(|| anyhow::anyhow!("title {n}"))?;
        let episode = db.episodes(id, ProfileId::DEFAULT)?[0].id;
        db.record_position(ProfileId::DEFAULT, episode, 60_000, Some(1_420_000), n as i64)?;
    }
    // The profile follows 1 000 titles (Watching, with 300 favorites) and completed 200; a
    // later sync brings a second episode of every followed one: each is news.
    let profile = ProfileId::DEFAULT;
    let later = 1_000_000_000_000;
    for n in (0..LIBRARY_TITLES).step_by(100) {
        let id = db.title_id("bench", &n.to_string())?.ok_or_else(|| anyhow::anyhow!("{n}"))?;
        db.set_list_status(profile, id, Some(ListStatus::Watching), n as i64)?;
        if n % 1_000 < 300 {
            db.set_favorite(profile, id, true, n as i64)?;
        }
    }
    for n in (50..LIBRARY_TITLES).step_by(500) {
        let id = db.title_id("bench", &n.to_string())?.ok_or_else(|| anyhow::anyhow!("{n}"))?;
        db.set_list_status(profile, id, Some(ListStatus::Completed), n as i64)?;
    }
    let followed: Vec<Title> =
        (0..LIBRARY_TITLES).step_by(100).map(|n| generated_title(n, 2)).collect();
    db.upsert_titles("bench", &followed, later)?;
    let time = |run: &mut dyn FnMut() -> Result<()>| -> Result<f64> {
        let mut samples = Vec::new();
        for _ in 0..25 {
            let started = Instant::now();
            run()?;
            samples.push(started.elapsed());
        }
        Ok(median(samples))
    };
    let probe = db.title_id("bench", "50000")?.ok_or_else(|| anyhow::anyhow!("title 50000"))?;
    let baseline =
        time(&mut || db.title_details(probe, ProfileId::DEFAULT).map(drop).map_err(Into::into))?;
    let continue_watching =
        time(&mut || db.continue_watching(ProfileId::DEFAULT, 20).map(drop).map_err(Into::into))?;
    let search = time(&mut || db.search_titles("название 4242", 50).map(drop).map_err(Into::into))?;
    let recent = time(&mut || db.recently_updated(50, 0).map(drop).map_err(Into::into))?;
    // The home's own rows, as the TV reads them (30 cards each).
    let own_rows = time(&mut || {
        let new = db.new_episodes(profile, 30)?;
        anyhow::ensure!(new.len() == 30, "every followed title has news: {}", new.len());
        db.abandoned_titles(profile, later, 30)?;
        db.next_in_franchise(profile, 30)?;
        Ok(())
    })?;
    report("query_home_own_rows_100k", own_rows, baseline);
    report("query_continue_watching_100k", continue_watching, baseline);
    report("query_search_100k", search, baseline);
    report("query_recently_updated_100k", recent, baseline);
    Ok(())
}

fn main() -> Result<()> {
    // `cargo bench` passes `--bench`; nothing to parse.
    let titles: Vec<Title> = (0..TITLES).map(|n| generated_title(n, EPISODES)).collect();
    ingest(&titles)?;
    queries()
}
