//! `cargo xtask soak` (not part of `cargo xtask bench`: it writes a ~1 GB library): a library of
//! 100 000 titles / 2.4 million episodes built through the app's validated ingest, then the
//! queries every screen makes and the remote-control logic on it, with peak memory (RSS).
//! Prints one `SOAK {json}` line per figure.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use getanime_app::domain::{BrowseQuery, BrowseSort, ListFilter, ListStatus, TitleId};
use getanime_app::navigation::{Key, Navigator};
use getanime_app::{App, DataPaths};
use getanime_testkit::generated_title;

const TITLES: usize = 100_000;
const EPISODES: usize = 24;
const BATCH: usize = 1_000;

fn report(name: &str, value: f64, unit: &str, goal: &str) {
    let entry = serde_json::json!({ "name": name, "value": value, "unit": unit, "goal": goal });
    println!("SOAK {entry}");
}

/// Median of `runs` timings of `work`, in milliseconds.
async fn median_ms<T, F: std::future::Future<Output = Result<T>>>(
    runs: usize,
    mut work: impl FnMut() -> F,
) -> Result<f64> {
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        work().await?;
        samples.push(started.elapsed());
    }
    samples.sort();
    Ok(samples[runs / 2].as_secs_f64() * 1_000.0)
}

/// This process's current and peak resident memory, in MiB (from /proc).
fn rss_mib() -> Result<(f64, f64)> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let field = |name: &str| -> Result<f64> {
        let line = status.lines().find(|line| line.starts_with(name)).context("no such field")?;
        let kib: f64 = line.split_whitespace().nth(1).context("no value")?.parse()?;
        Ok(kib / 1024.0)
    };
    Ok((field("VmRSS:")?, field("VmHWM:")?))
}

#[tokio::main]
async fn main() -> Result<()> {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR"))?;
    let app = App::open(DataPaths::resolve(Some(dir.path().to_path_buf()))?)?;

    let started = Instant::now();
    for batch in (0..TITLES).step_by(BATCH) {
        let titles = (batch..batch + BATCH).map(|n| generated_title(n, EPISODES)).collect();
        app.ingest_for_benchmark("load", titles).await?;
    }
    let ingest = started.elapsed();
    report("ingest_100k_titles", TITLES as f64 / ingest.as_secs_f64(), "titles/s", "report");
    report("ingest_100k_titles_total", ingest.as_secs_f64(), "s", "report");
    let status = app.status().await?;
    anyhow::ensure!(status.titles == TITLES as u64, "{} titles", status.titles);
    let check = app.check().await?;
    anyhow::ensure!(check.episodes == (TITLES * EPISODES) as u64, "{check:?}");
    report("library_episodes", check.episodes as f64, "episodes", "2.4 M");
    let size = std::fs::metadata(app.paths().database())?.len();
    report("library_file", size as f64 / (1 << 20) as f64, "MiB", "report");

    // Some history, so "Continue watching" has work to do.
    for n in (0..TITLES).step_by(97).take(500) {
        let id = TitleId(n as i64 + 1);
        app.set_watched(id, 1.0, true).await?;
    }

    // And lists: 1 000 titles in Watching (each card asks for its next episode), 1 000 Planned,
    // 500 favorites, so the list rows have as much work as a heavy user gives them.
    for n in 0..1_000 {
        let watching = TitleId((n * 89 % TITLES) as i64 + 1);
        app.set_list_status(watching, Some(ListStatus::Watching)).await?;
        let planned = TitleId((n * 71 % TITLES) as i64 + 2);
        app.set_list_status(planned, Some(ListStatus::Planned)).await?;
        if n % 2 == 0 {
            app.set_favorite(TitleId((n * 53 % TITLES) as i64 + 3), true).await?;
        }
    }

    // A sync a week later brings a 25th episode of every other Watching title: news for the
    // first row (each of the 500 a candidate the query has to weigh).
    let later = (0..1_000).step_by(2).map(|n| generated_title(n * 89 % TITLES, EPISODES + 1));
    app.ingest_for_benchmark("load", later.collect()).await?;
    let news = app.news_since(0).await?;
    anyhow::ensure!(news.len() == 30, "a full row of news: {}", news.len());

    let home = median_ms(21, || app.home(3)).await?;
    report("home_rows", home, "ms", "< 16 ms (all ten rows, lists included; one frame)");
    let own = median_ms(21, || app.home_own_rows()).await?;
    report("home_own_rows", own, "ms", "< 5 ms (new for you, abandoned, next in the franchise)");
    let listed = median_ms(5, || {
        app.browse(BrowseQuery {
            list: Some(ListFilter::Status(ListStatus::Planned)),
            ..BrowseQuery::default()
        })
    })
    .await?;
    report("browse_ids_planned_list", listed, "ms", "< 300 ms (opening the grid)");
    let search = median_ms(21, || app.titles(Some("Title 9999".into()), 30)).await?;
    report("search_library", search, "ms", "< 5 ms");
    let details = median_ms(21, || app.title(TitleId(50_000))).await?;
    report("title_details", details, "ms", "< 5 ms");
    for (name, query) in [
        ("browse_ids_by_updated", BrowseQuery::default()),
        ("browse_ids_by_name", BrowseQuery { sort: BrowseSort::Name, ..BrowseQuery::default() }),
        (
            "browse_ids_genre_and_year",
            BrowseQuery {
                genre: Some("Драма".into()), year: Some(2010), ..BrowseQuery::default()
            },
        ),
    ] {
        let elapsed = median_ms(5, || app.browse(query.clone())).await?;
        report(name, elapsed, "ms", "< 300 ms (opening the grid)");
    }
    let ids = app.browse(BrowseQuery::default()).await?;
    let page: Vec<TitleId> = ids[60_000..60_048].to_vec();
    let cards = median_ms(21, || app.cards(page.clone())).await?;
    report("browse_page_of_48_cards", cards, "ms", "< 16 ms (one frame)");

    // The remote-control logic on the whole grid: a key press is pure bookkeeping.
    let mut navigator = Navigator::new();
    navigator.home_mut().set_rows(vec![ids[..1].to_vec()]);
    navigator.key(Key::Up);
    navigator.key(Key::Right);
    navigator.key(Key::Enter);
    navigator.browse_mut().set_columns(7);
    navigator.browse_mut().set_titles(ids);
    let started = Instant::now();
    let presses = 100_000;
    for press in 0..presses {
        navigator.key(if press % 10 == 0 { Key::Right } else { Key::Down });
    }
    let per_key = started.elapsed() / presses;
    report("navigator_key_on_100k_grid", per_key.as_secs_f64() * 1e6, "µs", "< 1 ms");

    let (rss, peak) = rss_mib()?;
    report("rss_after_queries", rss, "MiB", "bounded (report)");
    report("rss_peak", peak, "MiB", "bounded (report)");
    drop(app);
    std::thread::sleep(Duration::from_millis(10));
    Ok(())
}
