//! The end-to-end test binary: the golden path a user walks, through the app's public API with
//! the real storage, the real plugin host running the demo source and the AniLibria plugin (against
//! a fake API on loopback), and the real player on the demo's loopback HLS.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use getanime_app::domain::{Rating, TitleId};
use getanime_app::{App, PlaybackSession};
use getanime_e2e::{TestHome, built_plugin};
use getanime_player::{AudioOutput, Media, Player, PlayerConfig, PlayerEvent, SkipKind};
use getanime_testkit::{FakeServer, fixture};

#[tokio::test]
async fn a_fresh_home_installs_a_plugin_and_searches_it() -> Result<()> {
    let home = TestHome::new()?;
    let app = home.open_app()?;
    assert_eq!(app.status().await?.titles, 0);

    let record = app.install_plugin(built_plugin("test-provider")?, None).await?;
    assert_eq!(record.id, "test-provider");
    let found = app.search_sources("setting greeting", None).await?;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].name, "hello from plugin.toml");
    assert_eq!(app.status().await?.titles, 1, "search results are saved to the library");
    Ok(())
}

/// Follows the player's events until `wanted` matches, feeding each to the session and storing
/// what it decides (what the TV and `getanime play` do). Returns the matching event.
async fn follow(
    app: &App,
    player: &Player,
    session: &mut PlaybackSession,
    wanted: impl Fn(&PlayerEvent) -> bool,
) -> Result<PlayerEvent> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        ensure!(Instant::now() < deadline, "the player did not get there in time");
        let event = tokio::task::block_in_place(|| {
            player.events().recv_timeout(Duration::from_millis(200))
        });
        let Ok(event) = event else { continue };
        let step = session.on_event(&event, chrono::Utc::now().timestamp_millis());
        app.apply_watch_actions(session.episode(), step.actions).await?;
        if let PlayerEvent::Error { message, .. } = &event {
            bail!("playback failed: {message}");
        }
        if wanted(&event) {
            return Ok(event);
        }
    }
}

fn player() -> Result<Player> {
    Ok(Player::new(PlayerConfig { audio: AudioOutput::Silent, ..PlayerConfig::default() }, None)?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn golden_path() -> Result<()> {
    let home = TestHome::new()?;
    let app = home.open_app()?;

    // Install: the demo source (served by the app on loopback) and AniLibria against a fake API.
    let _demo = getanime_demo::start(&app, &built_plugin("demo-source")?).await?;
    let api = FakeServer::start().await?;
    api.route("/v3/title/updates", fixture("anilibria", "updates_page1.json")?);
    api.route("/v3/title/search", fixture("anilibria", "search_alchemist.json")?);
    api.route("/v3/title/schedule", fixture("anilibria", "schedule.json")?);
    app.install_plugin(built_plugin("anilibria")?, None).await?;
    app.set_plugin_setting("anilibria", "base_url", &format!("{}/v3", api.base_url())).await?;
    app.grant_host("anilibria", "127.0.0.1").await?;

    // Sync → the home rows fill.
    let reports = app.sync(&getanime_app::SyncOptions::default(), &|_| {}).await?;
    ensure!(reports.iter().all(|report| report.error.is_none()), "{reports:?}");
    let rows = app.home(1).await?;
    ensure!(
        rows.recently_updated.len() >= 15,
        "12 demo + 3 AniLibria titles: {}",
        rows.recently_updated.len()
    );
    ensure!(!rows.today.is_empty(), "Monday has demo titles");

    // Search (library and live) → title details.
    let found = app.titles(Some("почтальон".into()), 10).await?;
    ensure!(found.len() == 2, "the demo's and AniLibria's «почтальон»: {found:?}");
    ensure!(app.search_sources("алхимик", Some("anilibria")).await?.len() == 2);
    let card =
        found.iter().find(|card| card.plugin_id == "demo-source").context("the demo title")?;
    let title: TitleId = card.id;
    let details = app.title(title).await?;
    ensure!(details.episodes.len() == 4 && details.torrents.len() == 1, "{details:?}");

    // Play episode 1 on the real player: the opening prompt, skip it, play on, stop.
    let plan = app.plan_playback(title, 1.0).await?;
    ensure!(plan.start_ms == 0 && plan.next_episode == Some(2.0));
    let mut session = PlaybackSession::new(plan);
    let without_auto_skip =
        |session: &PlaybackSession| Media { auto_skip: false, ..session.media() };
    let first = player()?;
    first.load(without_auto_skip(&session));
    follow(&app, &first, &mut session, |event| {
        *event == PlayerEvent::SkipAvailable(Some(SkipKind::Opening))
    })
    .await?;
    ensure!(session.overlay().skip_prompt == "Skip opening ▶", "{:?}", session.overlay());
    first.skip();
    follow(
        &app,
        &first,
        &mut session,
        |event| matches!(event, PlayerEvent::Position { position_ms, .. } if *position_ms >= 3_500),
    )
    .await?;
    let now = chrono::Utc::now().timestamp_millis();
    app.apply_watch_actions(session.episode(), session.on_stop(now)).await?;
    first.stop();
    drop(first);
    let saved = session.position().0;

    // Resume near the saved position.
    let resumed = app.plan_playback(title, 1.0).await?;
    ensure!(resumed.start_ms == saved, "resume from {saved}, got {}", resumed.start_ms);
    let mut session = PlaybackSession::new(resumed);
    let second = player()?;
    second.load(without_auto_skip(&session));
    let PlayerEvent::Position { position_ms, .. } =
        follow(&app, &second, &mut session, |event| matches!(event, PlayerEvent::Position { .. }))
            .await?
    else {
        bail!("not a position");
    };
    ensure!(position_ms + 2_500 >= saved, "playback resumed near {saved} ms (at {position_ms} ms)");

    // Reach 90 % → marked watched → next episode offered.
    second.seek(7_300);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !app.title(title).await?.episodes[0].watch.is_some_and(|watch| watch.watched) {
        ensure!(Instant::now() < deadline, "episode 1 was never marked watched");
        follow(&app, &second, &mut session, |event| {
            matches!(event, PlayerEvent::Position { .. } | PlayerEvent::EndOfStream)
        })
        .await?;
    }
    drop(second);
    let next = app.next_unwatched(title).await?.context("a next episode")?;
    ensure!(next.episode.number == 2.0, "next is episode 2, not {}", next.episode.number);

    // Rate 8 → back up → lose the database → restore → history and rating are back.
    app.rate(title, Some(Rating::new(8)?)).await?;
    let backup = home.paths()?.root().with_file_name("backup.sqlite3");
    app.backup(backup.clone()).await?;
    drop(app);
    let database = home.paths()?.database();
    for suffix in ["", "-wal", "-shm"] {
        let file = std::path::PathBuf::from(format!("{}{suffix}", database.display()));
        if file.exists() {
            std::fs::remove_file(&file)?;
        }
    }
    let app = home.open_app()?;
    ensure!(app.status().await?.titles == 0, "the library is gone");
    app.restore(backup).await?;
    let details = app.title(title).await?;
    ensure!(details.rating == Some(Rating::new(8)?), "the rating is back");
    ensure!(
        details.episodes[0].watch.is_some_and(|watch| watch.watched),
        "episode 1 is still watched"
    );
    ensure!(!app.history(10).await?.is_empty(), "the history is back");
    Ok(())
}
