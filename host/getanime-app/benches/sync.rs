//! `cargo xtask bench`: sync and parsing, each against a baseline measured in the same process.
//!
//! - `sync_end_to_end`: 1 000 titles (50 pages × 20, 24 episodes each) from a fake AniLibria API on
//!   loopback through the real plugin, validation and storage; baseline: writing the same titles
//!   straight into storage (the storage-only ingest). Value in titles/s, ratio = slowdown.
//! - `account_first_sync`: an AniLiberty account of 2 000 titles (in collections and favorites)
//!   and 30 000 episode timecodes into an empty library, through the real account and source
//!   plugins against the stateful fake; baseline: the same 2 000 titles fetched through the
//!   source and stored as a sync does. Value in s, ratio = what the account's lists, marks and
//!   merge cost on top of fetching the titles.
//! - `parse_updates_in_wasm`: one 50-title × 24-episode page parsed inside the component through
//!   the host (fetch from loopback included), against the same parser compiled natively.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use getanime_app::{App, DataPaths, SyncOptions};
use getanime_testkit::{FakeServer, Reply, built_plugin, generated_anilibria_page};

const PAGES: u32 = 50;
const TITLES_PER_PAGE: u32 = 20;

fn report(name: &str, value: f64, unit: &str, baseline: f64, ratio: f64) {
    let entry = serde_json::json!({ "name": name, "value": value, "unit": unit, "baseline": baseline, "ratio": ratio });
    println!("BENCH {entry}");
}

async fn app_with_anilibria(server: &FakeServer, dir: &std::path::Path) -> Result<App> {
    let app = App::open(DataPaths::resolve(Some(dir.to_path_buf()))?)?;
    app.install_plugin(built_plugin("anilibria")?, None).await?;
    app.set_plugin_setting("anilibria", "base_url", &format!("{}/v3", server.base_url())).await?;
    app.grant_host("anilibria", "127.0.0.1").await?;
    Ok(app)
}

async fn sync_end_to_end() -> Result<()> {
    let server = FakeServer::start().await?;
    server.route("/v3/title/schedule", Reply::json("[]"));
    let mut pages = Vec::new();
    for page in 1..=PAGES {
        let body = generated_anilibria_page(page, PAGES, TITLES_PER_PAGE, 1_700_000_000);
        server.route(
            &format!("/v3/title/updates?page={page}&items_per_page=20"),
            Reply::json(body.clone()),
        );
        pages.push(body);
    }
    let dir = tempfile::tempdir()?;
    let app = app_with_anilibria(&server, dir.path()).await?;
    let options = SyncOptions { max_pages: PAGES, ..SyncOptions::default() };
    let started = Instant::now();
    let reports = app.sync(&options, &|_| {}).await?;
    let elapsed = started.elapsed();
    let written = reports.first().map(|report| report.written).context("a report")?;
    anyhow::ensure!(written == (PAGES * TITLES_PER_PAGE) as usize, "wrote {written}");

    // Baseline: the same titles (fetched through the plugin beforehand, not timed) validated and
    // written straight to storage.
    let plugin = app.load_plugin_for_benchmark("anilibria").await?;
    let mut titles = Vec::new();
    for page in 1..=PAGES {
        titles.extend(plugin.latest(page).await?.items);
    }
    let base_dir = tempfile::tempdir()?;
    let baseline_app = App::open(DataPaths::resolve(Some(base_dir.path().to_path_buf()))?)?;
    let started = Instant::now();
    baseline_app.ingest_for_benchmark("anilibria", titles).await?;
    let baseline = started.elapsed();
    let per_second = |elapsed: Duration| f64::from(PAGES * TITLES_PER_PAGE) / elapsed.as_secs_f64();
    report(
        "sync_end_to_end",
        per_second(elapsed),
        "titles/s",
        per_second(baseline),
        elapsed.as_secs_f64() / baseline.as_secs_f64(),
    );
    Ok(())
}

async fn parse_in_wasm() -> Result<()> {
    let server = FakeServer::start().await?;
    let body = generated_anilibria_page(1, 1, 50, 1_700_000_000);
    server.route("/v3/title/updates", Reply::json(body.clone()));
    let dir = tempfile::tempdir()?;
    let app = app_with_anilibria(&server, dir.path()).await?;
    app.install_plugin(built_plugin("test-provider")?, None).await?;
    let plugin = app.load_plugin_for_benchmark("anilibria").await?;
    let fetcher = app.load_plugin_for_benchmark("test-provider").await?;
    let fetch_only = format!("fetch {}/v3/title/updates", server.base_url());
    plugin.latest(1).await?;
    fetcher.search(&fetch_only, 1).await?;
    let runs = 20;
    let time = |elapsed: std::time::Duration| elapsed.as_secs_f64() * 1e3 / f64::from(runs);
    let started = Instant::now();
    for _ in 0..runs {
        std::hint::black_box(plugin.latest(1).await?);
    }
    let whole_call = time(started.elapsed());
    // The same call path and the same bytes fetched into a guest, without parsing them.
    let started = Instant::now();
    for _ in 0..runs {
        std::hint::black_box(fetcher.search(&fetch_only, 1).await?);
    }
    let transport = time(started.elapsed());
    let started = Instant::now();
    for _ in 0..runs {
        std::hint::black_box(
            anilibria::v3::parse_page(&body, "https://static.example", 1)
                .map_err(|error| anyhow::anyhow!("{error:?}"))?,
        );
    }
    let native = time(started.elapsed());
    let in_wasm = (whole_call - transport).max(0.0);
    report("parse_updates_in_wasm", in_wasm, "ms", native, in_wasm / native);
    report("latest_call_with_fetch_and_parse", whole_call, "ms", native, whole_call / native);
    Ok(())
}

async fn account_first_sync() -> Result<()> {
    use getanime_app::domain::{SignInInput, SignInMethod, SignInStep};
    use getanime_testkit::aniliberty_account::{
        FakeAnilibertyAccount, episode_uuid, serve_aniliberty_releases_of,
    };
    const TITLES: i64 = 2_000;
    const EPISODES: u32 = 15;
    let server = FakeServer::start().await?;
    let fake = FakeAnilibertyAccount::serve(&server, "/api/v1");
    serve_aniliberty_releases_of(&server, "/api/v1", EPISODES)?;
    let lists = ["WATCHING", "PLANNED", "WATCHED", "POSTPONED", "ABANDONED"];
    for n in 0..TITLES {
        let release = 10_000 + n;
        fake.set_collection(release, lists[(n % 5) as usize]);
        if n % 7 == 0 {
            fake.set_favorite(release);
        }
        for ordinal in 1..=EPISODES {
            fake.set_timecode(&episode_uuid(release, ordinal), 600.0, ordinal < EPISODES);
        }
    }
    let api = format!("{}/api/v1", server.base_url());
    let open = |dir: &std::path::Path| -> Result<App> {
        App::open(DataPaths::resolve(Some(dir.to_path_buf()))?)
    };
    let install = async |app: &App, ids: &[&str]| -> Result<()> {
        for id in ids {
            app.install_plugin(built_plugin(id)?, None).await?;
            app.set_plugin_setting(id, "base_url", &api).await?;
            app.grant_host(id, "127.0.0.1").await?;
        }
        Ok(())
    };

    let dir = tempfile::tempdir()?;
    let app = open(dir.path())?;
    install(&app, &["aniliberty", "aniliberty-account"]).await?;
    let (sign_in, step) = app.start_sign_in("aniliberty-account", SignInMethod::DeviceCode).await?;
    let SignInStep::ShowCodeAndWait { state, .. } = step else { anyhow::bail!("a code") };
    anyhow::ensure!(fake.accept_last_code(), "the phone accepts");
    let SignInStep::Done(who) = app.advance_sign_in(&sign_in, &state, &SignInInput::Poll).await?
    else {
        anyhow::bail!("signed in");
    };
    app.finish_sign_in(&sign_in, who).await?;
    let started = Instant::now();
    let synced = app.sync_accounts(None, false).await?.pop().context("a report")?;
    let elapsed = started.elapsed();
    anyhow::ensure!(synced.error.is_none(), "{synced:?}");
    anyhow::ensure!(synced.titles_fetched == TITLES as usize, "{synced:?}");
    anyhow::ensure!(synced.marks_taken == (TITLES as usize) * EPISODES as usize, "{synced:?}");
    anyhow::ensure!(synced.sent + synced.marks_sent == 0, "an empty library sends nothing");

    let base_dir = tempfile::tempdir()?;
    let baseline_app = open(base_dir.path())?;
    install(&baseline_app, &["aniliberty"]).await?;
    let ids: Vec<String> = (0..TITLES).map(|n| (10_000 + n).to_string()).collect();
    let started = Instant::now();
    let fetched = baseline_app.fetch_titles_for_benchmark("aniliberty", ids).await;
    let baseline = started.elapsed();
    anyhow::ensure!(fetched == TITLES as usize, "fetched {fetched}");
    report(
        "account_first_sync",
        elapsed.as_secs_f64(),
        "s",
        baseline.as_secs_f64(),
        elapsed.as_secs_f64() / baseline.as_secs_f64(),
    );
    Ok(())
}

fn main() -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        sync_end_to_end().await?;
        account_first_sync().await?;
        parse_in_wasm().await
    })
}
