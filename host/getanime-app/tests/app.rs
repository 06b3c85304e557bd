//! App-core tests through the public API: real SQLite files, the real AniLibria/AniLiberty
//! components in the real plugin host, a fake API on 127.0.0.1 serving `tests/fixtures/`.

use std::time::Duration;

use anyhow::{Context, Result};
use getanime_app::domain::{Rating, TitleId};
use getanime_app::navigation::MenuRow;
use getanime_app::{
    App, DataPaths, MenuAction, MenuEntry, MenuItem, PowerAction, RetryPolicy, Setting,
    SyncOptions, SyncReport,
};
use getanime_testkit::{FakeServer, Reply, built_plugin, fixture, fixture_path};

/// A real 1x1 PNG (red), for the poster cache.
fn poster_png() -> Vec<u8> {
    vec![
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90,
        0x77, 0x53, 0xde, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x08, 0xd7, 0x63, 0xf8,
        0xcf, 0xc0, 0x00, 0x00, 0x03, 0x01, 0x01, 0x00, 0x18, 0xdd, 0x8d, 0xb0, 0x00, 0x00, 0x00,
        0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
    ]
}

/// A data directory, the app on it, and a fake AniLibria API.
struct World {
    _dir: tempfile::TempDir,
    app: App,
    server: FakeServer,
}

impl World {
    async fn new() -> Result<World> {
        World::with_limits(getanime_plugins::RuntimeLimits::default()).await
    }

    async fn with_limits(limits: getanime_plugins::RuntimeLimits) -> Result<World> {
        let dir = tempfile::tempdir()?;
        let app =
            App::open_with_limits(DataPaths::resolve(Some(dir.path().join("data")))?, limits)?;
        let server = FakeServer::start().await?;
        // The streams' CDN is the fake server too (granted like the API): the host looks up
        // every stream's name before the player gets it, and tests have no internet.
        let updates = std::fs::read_to_string(fixture_path("anilibria", "updates_page1.json"))?
            .replace("cache.libria.fun", &server.address().to_string());
        server.route("/v3/title/updates", Reply::json(updates));
        server.route("/v3/title/search", fixture("anilibria", "search_alchemist.json")?);
        server.route("/v3/title/schedule", fixture("anilibria", "schedule.json")?);
        server.route("/v3/title?id=9432", fixture("anilibria", "title_9432.json")?);
        server.serve_dir("/posters", &fixture_path("anilibria", "."));
        Ok(World { _dir: dir, app, server })
    }

    async fn install_anilibria(&self) -> Result<()> {
        self.app.install_plugin(built_plugin("anilibria")?, None).await?;
        let grant = self
            .app
            .set_plugin_setting("anilibria", "base_url", &format!("{}/v3", self.server.base_url()))
            .await?;
        assert_eq!(
            grant.map(|grant| grant.host).as_deref(),
            Some("127.0.0.1"),
            "the user is told to grant the mirror"
        );
        self.app.grant_host("anilibria", "127.0.0.1").await?;
        self.app
            .set_plugin_setting(
                "anilibria",
                "media_host",
                &format!("{}/media", self.server.base_url()),
            )
            .await?;
        Ok(())
    }

    async fn sync(&self) -> Result<SyncReport> {
        let options = SyncOptions {
            retry: RetryPolicy { attempts: 2, first_delay: Duration::from_millis(10) },
            ..SyncOptions::default()
        };
        let mut reports = self.app.sync(&options, &|_| {}).await?;
        reports.pop().context("one report per plugin")
    }

    async fn title(&self, source_id: &str) -> Result<getanime_app::domain::TitleDetails> {
        let cards = self.app.titles(None, 100).await?;
        let card = cards
            .iter()
            .find(|card| card.source_id == source_id)
            .with_context(|| format!("title {source_id}"))?;
        self.app.title(card.id).await
    }
}

#[tokio::test]
async fn a_new_data_directory_gets_an_empty_migrated_library() -> Result<()> {
    let temp = tempfile::tempdir()?;
    let root = temp.path().join("nested").join("data");
    let app = App::open(DataPaths::resolve(Some(root.clone()))?)?;
    let status = app.status().await?;
    assert_eq!((status.titles, status.schema_version), (0, 9));
    assert!(root.join("library.sqlite3").is_file());
    assert!(root.join("plugins").is_dir());
    Ok(())
}

#[tokio::test]
async fn a_data_directory_that_is_a_file_is_a_clear_error() -> Result<()> {
    let temp = tempfile::tempdir()?;
    let root = temp.path().join("data");
    std::fs::write(&root, "not a directory")?;
    let error = App::open(DataPaths::resolve(Some(root))?)
        .err()
        .context("a file is not a data directory")?;
    assert!(format!("{error:#}").contains("preparing the data directory"), "{error:#}");
    Ok(())
}

#[tokio::test]
async fn sync_fills_the_library_then_writes_nothing_when_nothing_changed() -> Result<()> {
    let world = World::new().await?;
    world.install_anilibria().await?;
    let report = world.sync().await?;
    assert_eq!(report.error, None, "{report:?}");
    assert_eq!((report.written, report.unchanged, report.pages), (3, 0, 1), "{report:?}");
    assert!(report.scheduled >= 3, "{report:?}");
    // The schedule names two titles the fake API has no details for.
    assert!(
        report.problems.iter().all(|problem| problem.contains("does not have it")),
        "{report:?}"
    );

    let star = world.title("9612").await?;
    assert_eq!(star.card.name, "Звёздный почтальон");
    let numbers: Vec<f64> = star.episodes.iter().map(|entry| entry.episode.number).collect();
    assert_eq!(numbers, [1.0, 2.0, 3.0, 3.5, 4.0]);
    assert_eq!(star.episodes[0].episode.streams.len(), 3);
    assert_eq!(star.torrents.len(), 1);
    let frost = world.title("9601").await?;
    assert_eq!(
        frost.episodes[0].episode.opening.map(|range| (range.start_ms, range.end_ms)),
        Some((95_000, 185_000))
    );
    let plugin = world.app.plugins().await?.pop().context("the plugin")?;
    assert!(plugin.last_sync_at.is_some() && plugin.last_error.is_none(), "{plugin:?}");

    let second = world.sync().await?;
    assert_eq!((second.written, second.unchanged, second.details_fetched), (0, 3, 0), "{second:?}");
    assert_eq!(
        world.title("9612").await?.fetched_at,
        star.fetched_at,
        "an unchanged title is not rewritten"
    );
    Ok(())
}

#[tokio::test]
async fn a_changed_title_is_refreshed_and_keeps_watch_state_and_rating() -> Result<()> {
    let world = World::new().await?;
    world.install_anilibria().await?;
    world.sync().await?;
    let before = world.title("9612").await?;
    world.app.set_watched(before.card.id, 1.0, true).await?;
    world.app.rate(before.card.id, Some(Rating::new(8)?)).await?;

    let mut page: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixture_path("anilibria", "updates_page1.json"))?)?;
    page["list"][0]["updated"] = serde_json::json!(1_800_000_000);
    page["list"][0]["names"]["ru"] = serde_json::json!("Звёздный почтальон (новое имя)");
    world.server.route("/v3/title/updates", Reply::json(serde_json::to_vec(&page)?));
    let report = world.sync().await?;
    assert_eq!((report.written, report.unchanged), (1, 2), "{report:?}");

    let after = world.title("9612").await?;
    assert_eq!(after.card.id, before.card.id);
    assert_eq!(after.card.name, "Звёздный почтальон (новое имя)");
    assert_eq!(after.card.source_updated_at, Some(1_800_000_000_000));
    assert!(after.episodes[0].watch.is_some_and(|watch| watch.watched), "watch state survives");
    assert_eq!(after.rating, Some(Rating::new(8)?));
    Ok(())
}

#[tokio::test]
async fn a_bad_title_is_reported_and_the_rest_is_written() -> Result<()> {
    let world = World::new().await?;
    world.install_anilibria().await?;
    let mut page: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixture_path("anilibria", "updates_page1.json"))?)?;
    page["list"][1]["names"] = serde_json::json!({ "ru": "\u{7}", "en": null });
    page["list"][1]["code"] = serde_json::json!(null);
    world.server.route("/v3/title/updates", Reply::json(serde_json::to_vec(&page)?));
    let report = world.sync().await?;
    assert_eq!(report.written, 2, "{report:?}");
    assert!(
        report.problems.iter().any(|problem| problem.contains("\"9601\": name is empty")),
        "{report:?}"
    );
    let names: Vec<String> =
        world.app.titles(None, 100).await?.into_iter().map(|card| card.name).collect();
    assert!(
        names.iter().all(|name| !name.trim().is_empty() && !name.contains('\u{7}')),
        "{names:?}"
    );
    Ok(())
}

#[tokio::test]
async fn a_source_that_is_down_leaves_the_library_intact_and_says_so() -> Result<()> {
    let world = World::new().await?;
    world.install_anilibria().await?;
    world.sync().await?;
    let titles = world.app.status().await?.titles;
    world.server.route(
        "/v3/title/updates",
        Reply::new(503, "text/html", "<html>Service Unavailable</html>"),
    );
    let report = world.sync().await?;
    let error = report.error.context("the sync must fail")?;
    assert!(error.contains("web page (HTTP 503)"), "{error}");
    assert_eq!(world.app.status().await?.titles, titles);
    let plugin = world.app.plugins().await?.pop().context("the plugin")?;
    assert!(plugin.last_error.as_deref().is_some_and(|last| last.contains("503")), "{plugin:?}");
    Ok(())
}

#[tokio::test]
async fn posters_are_downloaded_resized_and_cached() -> Result<()> {
    let world = World::new().await?;
    world.install_anilibria().await?;
    world.sync().await?;
    // Every poster path of the fixtures answers the same tiny PNG.
    let cards = world.app.titles(None, 100).await?;
    for card in &cards {
        let url = card.poster_url.as_deref().context("fixture titles have posters")?;
        let path = url
            .strip_prefix(&world.server.base_url())
            .context("posters come from the fake server")?;
        world.server.route(path, Reply::new(200, "image/png", poster_png()));
    }
    let report = world.app.refresh_posters(100).await?;
    assert_eq!(report.stored, cards.len(), "{report:?}");
    let poster = world.app.poster(cards[0].id).await?.context("a cached poster")?;
    assert_eq!(poster.content_type, "image/jpeg");
    assert!(poster.bytes.starts_with(&[0xff, 0xd8]), "a JPEG");
    assert!(!poster.stale);
    assert_eq!(
        world.app.refresh_posters(100).await?.stored,
        0,
        "fresh posters are not fetched again"
    );
    assert!(world.app.poster(TitleId(999_999)).await?.is_none());
    Ok(())
}

/// A source whose API (127.0.0.1, granted) names its posters, previews and streams on
/// `localhost`: a name resolving to a local address the user did not grant. The host requests
/// none of them (a probe server there sees nothing) during sync, poster refresh and play, and
/// says why; once the user grants `localhost`, the same URLs work.
#[tokio::test]
async fn returned_urls_on_an_ungranted_local_name_are_never_requested() -> Result<()> {
    let world = World::new().await?;
    let probe = FakeServer::start().await?;
    let on_probe = format!("localhost:{}", probe.address().port());
    for (route, name) in
        [("/v3/title/updates", "updates_page1.json"), ("/v3/title?id=9432", "title_9432.json")]
    {
        let body = std::fs::read_to_string(fixture_path("anilibria", name))?
            .replace("cache.libria.fun", &on_probe);
        world.server.route(route, Reply::json(body));
    }
    world.install_anilibria().await?;
    world
        .app
        .set_plugin_setting("anilibria", "media_host", &format!("http://{on_probe}/media"))
        .await?;
    world.sync().await?;
    let movie = world.title("9612").await?;
    let poster = movie.card.poster_url.clone().context("the title has a poster")?;
    assert!(poster.starts_with(&format!("http://{on_probe}/")), "{poster}");
    let preview = movie.episodes[0].episode.preview_url.clone();
    assert!(preview.is_none_or(|url| url.contains(&on_probe)));
    let path = poster.strip_prefix(&format!("http://{on_probe}")).context("the poster path")?;
    probe.route(path, Reply::new(200, "image/png", poster_png()));

    let report = world.app.refresh_posters(100).await?;
    assert_eq!(report.stored, 0, "{report:?}");
    assert!(
        report
            .failed
            .iter()
            .all(|failure| failure.contains("localhost is a private or local address")),
        "{report:?}"
    );
    let number = movie.episodes[0].episode.number;
    let refused = world.app.plan_playback(movie.card.id, number).await;
    let error = format!("{:#}", refused.err().context("the streams are refused")?);
    assert_eq!(
        error,
        "the source points at a private address (localhost); grant it in Sources if you trust it"
    );
    assert_eq!(probe.requests(), Vec::<String>::new(), "nothing reached the probe");

    world.app.grant_host("anilibria", "localhost").await?;
    let report = world.app.refresh_posters(100).await?;
    assert!(report.stored >= 1, "{report:?}");
    assert!(world.app.poster(movie.card.id).await?.is_some());
    let plan = world.app.plan_playback(movie.card.id, number).await?;
    assert_eq!(plan.streams.len(), movie.episodes[0].episode.streams.len());
    assert!(probe.requests().contains(&path.to_owned()), "{:?}", probe.requests());
    Ok(())
}

/// A mirror change (`media_host`, `base_url`) reaches every stored poster and stream URL on
/// the next sync, not only the titles the source happens to change.
#[tokio::test]
async fn a_mirror_change_moves_every_stored_url_on_the_next_sync() -> Result<()> {
    let world = World::new().await?;
    world.install_anilibria().await?;
    world.sync().await?;
    let old_poster = world.title("9612").await?.card.poster_url.context("a poster")?;
    assert!(old_poster.contains("/media/"), "{old_poster}");

    let mirror = format!("{}/mirror", world.server.base_url());
    world.app.set_plugin_setting("anilibria", "media_host", &mirror).await?;
    world.sync().await?;
    let after = world.title("9612").await?;
    let new_poster = after.card.poster_url.clone().context("a poster")?;
    assert!(new_poster.starts_with(&format!("{mirror}/")), "{new_poster}");
    // Previews come only with the details, which were fresh: the setting change expired them.
    let previews: Vec<String> =
        after.episodes.iter().filter_map(|entry| entry.episode.preview_url.clone()).collect();
    assert!(!previews.is_empty(), "the fixture has previews");
    assert!(previews.iter().all(|url| url.starts_with(&format!("{mirror}/"))), "{previews:?}");
    Ok(())
}

/// A title known only by its summary (here: from the schedule, its details call failing during
/// the sync) gets its episodes when it is opened, without another sync; an unreachable source
/// leaves it as stored and says why.
#[tokio::test]
async fn opening_a_summary_only_title_fetches_its_details() -> Result<()> {
    let world = World::new().await?;
    // 9620 is only in the schedule (a summary), and its details are down during the sync.
    world.server.route("/v3/title?id=9620", Reply::new(503, "text/html", "<html>down</html>"));
    world.install_anilibria().await?;
    world.sync().await?;
    let summary = world.title("9620").await?;
    assert!(summary.episodes.is_empty() && summary.details_fetched_at.is_none(), "{summary:?}");

    world.app.set_plugin_enabled("anilibria", false).await?;
    assert_eq!(
        world.app.refresh_details(summary.card.id).await?,
        getanime_app::DetailsRefresh::Failed("AniLibria is disabled or not installed".into()),
        "a disabled source is not asked"
    );
    world.app.set_plugin_enabled("anilibria", true).await?;
    let refused = world.app.refresh_details(summary.card.id).await?;
    let getanime_app::DetailsRefresh::Failed(reason) = refused else {
        panic!("the source is down: {refused:?}")
    };
    assert!(reason.contains("503"), "{reason}");
    assert_eq!(world.app.title(summary.card.id).await?, summary, "the library is unchanged");

    // The real details answer of another title, renumbered as this one.
    let details = std::fs::read_to_string(fixture_path("anilibria", "title_9432.json"))?.replacen(
        "\"id\": 9432",
        "\"id\": 9620",
        1,
    );
    world.server.route("/v3/title?id=9620", Reply::json(details));
    assert_eq!(
        world.app.refresh_details(summary.card.id).await?,
        getanime_app::DetailsRefresh::Fetched
    );
    let opened = world.app.title(summary.card.id).await?;
    assert!(!opened.episodes.is_empty() && !opened.torrents.is_empty(), "{opened:?}");
    assert_eq!(
        world.app.refresh_details(summary.card.id).await?,
        getanime_app::DetailsRefresh::Fresh,
        "fresh details are not fetched again"
    );
    Ok(())
}

/// AniLiberty and AniLibria ship beside the app: Sources offers them without an index, says
/// which hosts they reach, asks, installs on the second Enter, and then offers them no more.
#[tokio::test]
async fn the_sources_menu_offers_the_shipped_sources() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let shipped = built_plugin("anilibria")?.parent().context("the plugins directory")?.to_owned();
    let app = App::open(DataPaths::resolve(Some(dir.path().join("data")))?)?
        .with_shipped_dir(Some(shipped));
    let menu = app.sources_menu().await?;
    let offered: Vec<&str> = menu
        .iter()
        .filter(|entry| matches!(entry.item, MenuItem::Shipped(_)))
        .map(|entry| entry.label.as_str())
        .collect();
    assert_eq!(offered, ["AniLiberty 0.3.1", "AniLibria 0.3.0"], "the shipped ones, nothing else");
    let aniliberty = entry(&menu, "AniLiberty 0.3.1")?;
    assert_eq!(
        (aniliberty.buttons.as_slice(), aniliberty.value.as_str()),
        (&["Install".to_owned()][..], "included")
    );
    assert!(
        aniliberty.detail.contains("reaches anilibria.top, aniliberty.top, anilibria.wtf"),
        "{}",
        aniliberty.detail
    );
    let question = aniliberty.questions[0].as_deref().context("installing asks first")?;
    assert!(
        question.contains("will connect to: anilibria.top, aniliberty.top, anilibria.wtf"),
        "{question}"
    );

    let outcome = app.menu_run(button(aniliberty, "Install")?, "").await?;
    assert_eq!(outcome.message, "Installed AniLiberty 0.3.1; sync it with Sync now");
    let menu = app.sources_menu().await?;
    assert_eq!(entry(&menu, "AniLiberty 0.3.1")?.value, "enabled", "now an installed source");
    let still_offered: Vec<&str> = menu
        .iter()
        .filter(|entry| matches!(entry.item, MenuItem::Shipped(_)))
        .map(|entry| entry.label.as_str())
        .collect();
    assert_eq!(still_offered, ["AniLibria 0.3.0"]);
    Ok(())
}

#[tokio::test]
async fn live_search_saves_results_and_library_search_finds_them() -> Result<()> {
    let world = World::new().await?;
    world.install_anilibria().await?;
    let found = world.app.search_sources("алхимик", Some("anilibria")).await?;
    assert_eq!(found.len(), 2);
    let local = world.app.titles(Some("АЛХИМИК".to_owned()), 10).await?;
    assert_eq!(local.len(), 2);
    Ok(())
}

/// A source's whole catalog, filtered: the real plugin asks with the filter, the page is
/// validated and saved like sync's, and its cards come back in the source's order.
#[tokio::test]
async fn a_catalog_page_is_asked_with_its_filter_and_saved() -> Result<()> {
    let world = World::new().await?;
    world.install_anilibria().await?;
    world.server.route("/v3/genres", Reply::json(r#"["Экшен", "Драма"]"#));
    world.server.route("/v3/years", Reply::json("[2001, 2024]"));
    let filters = world.app.catalog_filters("anilibria").await?;
    assert_eq!(filters.genres.len(), 2);
    assert_eq!(filters.years, Some((2001, 2024)));

    let filter = getanime_app::domain::CatalogFilter {
        genres: vec![filters.genres[0].id.clone(), "x".repeat(65)],
        year_from: Some(2023),
        year_to: Some(2024),
        ..Default::default()
    };
    let page = world.app.catalog_page("anilibria", &filter, 1).await?;
    let names: Vec<&str> = page.cards.iter().map(|card| card.name.as_str()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(page.refused.is_empty(), "{:?}", page.refused);
    let asked = world.server.requests();
    let search =
        asked.iter().find(|target| target.starts_with("/v3/title/search")).context("asked")?;
    assert!(
        search.contains("genres=%D0%AD%D0%BA%D1%88%D0%B5%D0%BD&"),
        "too long an id is not passed on: {search}"
    );
    assert!(search.contains("year=2023%2C2024"), "{search}");
    let saved = world.app.titles(None, 10).await?;
    assert_eq!(saved.len(), 2, "the page is in the library");
    Ok(())
}

#[tokio::test]
async fn history_backup_and_restore() -> Result<()> {
    let world = World::new().await?;
    world.install_anilibria().await?;
    world.sync().await?;
    let title = world.title("9612").await?;
    world.app.set_watched(title.card.id, 2.0, true).await?;
    world.app.rate(title.card.id, Some(Rating::new(9)?)).await?;
    let history = world.app.history(10).await?;
    assert_eq!((history.len(), history[0].episode_number), (1, 2.0));

    let backup = world._dir.path().join("backup.sqlite3");
    world.app.backup(backup.clone()).await?;
    world.app.rate(title.card.id, None).await?;
    world.app.set_watched(title.card.id, 2.0, false).await?;
    world.app.restore(backup).await?;
    let restored = world.app.title(title.card.id).await?;
    assert_eq!(restored.rating, Some(Rating::new(9)?));
    assert!(restored.episodes[1].watch.is_some_and(|watch| watch.watched));
    assert!(world.app.set_watched(title.card.id, 77.0, true).await.is_err(), "no episode 77");
    Ok(())
}

#[tokio::test]
async fn plugins_install_from_the_index_with_checksums_and_no_downgrades() -> Result<()> {
    let world = World::new().await?;
    let current = getanime_testkit::package_archive("test-provider", |text| text)?;
    let older = getanime_testkit::package_archive("test-provider", |text| {
        text.replacen("version = \"0.1.0\"", "version = \"0.0.9\"", 1)
    })?;
    let sha = getanime_plugins::sha256_hex;
    world.server.route(
        "/packages/test-provider-0.1.0.tar.gz",
        Reply::new(200, "application/gzip", current.clone()),
    );
    world.server.route(
        "/packages/test-provider-0.0.9.tar.gz",
        Reply::new(200, "application/gzip", older.clone()),
    );
    let index = |version: &str, file: &str, sha256: &str| {
        serde_json::json!({"plugins": [{"id": "test-provider", "name": "Test provider", "version": version,
            "url": format!("{}/packages/{file}", world.server.base_url()), "sha256": sha256, "allowed_hosts": ["127.0.0.1"]}]})
    };

    world.server.route(
        "/index.json",
        Reply::json(serde_json::to_vec(&index("0.1.0", "test-provider-0.1.0.tar.gz", "00"))?),
    );
    world.app.set_plugin_index_url(&format!("{}/index.json", world.server.base_url())).await?;
    assert_eq!(world.app.plugin_index().await?[0].version, "0.1.0");
    let error = world
        .app
        .install_from_index("test-provider")
        .await
        .err()
        .context("a wrong checksum must be refused")?;
    assert!(format!("{error:#}").contains("the index says 00"), "{error:#}");
    assert!(world.app.plugins().await?.is_empty(), "nothing was installed");

    world.server.route(
        "/index.json",
        Reply::json(serde_json::to_vec(&index(
            "0.1.0",
            "test-provider-0.1.0.tar.gz",
            &sha(&current),
        ))?),
    );
    let record = world.app.install_from_index("test-provider").await?;
    assert_eq!((record.id.as_str(), record.version.as_str()), ("test-provider", "0.1.0"));

    world.server.route(
        "/index.json",
        Reply::json(serde_json::to_vec(&index(
            "0.0.9",
            "test-provider-0.0.9.tar.gz",
            &sha(&older),
        ))?),
    );
    let error = world
        .app
        .install_from_index("test-provider")
        .await
        .err()
        .context("a downgrade must be refused")?;
    assert!(format!("{error:#}").contains("older than the installed 0.1.0"), "{error:#}");
    assert_eq!(world.app.plugins().await?[0].version, "0.1.0");

    // An index naming one id twice is refused as a whole.
    let mut doubled = index("0.2.0", "test-provider-0.1.0.tar.gz", &sha(&current));
    let entry = doubled["plugins"][0].clone();
    doubled["plugins"].as_array_mut().context("the plugins array")?.push(entry);
    world.server.route("/index.json", Reply::json(serde_json::to_vec(&doubled)?));
    let error = world.app.plugin_index().await.err().context("a doubled id must be refused")?;
    assert!(format!("{error:#}").contains("lists test-provider twice"), "{error:#}");
    Ok(())
}

#[tokio::test]
async fn watch_tracking_resumes_marks_watched_and_offers_the_next_episode() -> Result<()> {
    use getanime_app::{WatchAction, WatchTracker};
    let world = World::new().await?;
    world.install_anilibria().await?;
    world.sync().await?;
    let title = world.title("9601").await?.card.id;

    let plan = world.app.plan_playback(title, 1.0).await?;
    assert_eq!((plan.start_ms, plan.next_episode), (0, Some(2.0)));
    assert_eq!(plan.streams.len(), 3);
    assert_eq!(plan.opening.map(|range| range.start_ms), Some(95_000));
    let episode = plan.episode.id;

    // A fake clock: ticks every 250 ms of playback from 60 s on.
    let mut tracker = WatchTracker::new(plan.ending);
    let duration = Some(1_420_000);
    let mut clock = 0;
    for position in (60_000..=75_000).step_by(250) {
        clock += 250;
        let actions = tracker.on_position(position, duration, clock);
        world.app.apply_watch_actions(episode, actions).await?;
    }
    let resumed = world.app.plan_playback(title, 1.0).await?;
    assert!(
        (70_000..=75_000).contains(&resumed.start_ms),
        "resume within the last save interval: {}",
        resumed.start_ms
    );

    let actions = tracker.on_position(1_320_000, duration, clock + 250);
    assert!(
        actions.contains(&WatchAction::MarkWatched),
        "the ending starts at 1 320 s: {actions:?}"
    );
    world.app.apply_watch_actions(episode, actions).await?;
    let next = world.app.next_unwatched(title).await?.context("episode 2 is next")?;
    assert_eq!(next.episode.number, 2.0);
    assert_eq!(
        world.app.plan_playback(title, 1.0).await?.start_ms,
        0,
        "a watched episode starts over"
    );
    Ok(())
}

/// Two people on one library: each profile has its own lists, Continue watching, history,
/// ratings and preferences; playing moves titles between lists as trackers do, and the list
/// button undoes that.
#[tokio::test]
async fn profiles_keep_their_own_lists_history_and_preferences() -> Result<()> {
    use getanime_app::WatchAction;
    use getanime_app::domain::{ListFilter, ListStatus};
    let world = World::new().await?;
    world.install_anilibria().await?;
    world.sync().await?;
    let app = &world.app;
    let title = world.title("9601").await?;
    let id = title.card.id;
    let episode = title.episodes[0].id;
    let default = app.current_profile().await?;
    assert_eq!(default.name, "Default");
    app.set_setting(Setting::Quality, "sd").await?;
    app.set_setting(Setting::SyncIntervalMinutes, "720").await?;

    let save = WatchAction::SavePosition { position_ms: 30_000, duration_ms: Some(1_420_000) };
    let moves = app.apply_watch_actions(episode, vec![save]).await?;
    assert_eq!(moves.len(), 1, "starting a title lists it: {moves:?}");
    assert_eq!(app.list_entry(id).await?.status, Some(ListStatus::Watching));
    assert_eq!(app.home(1).await?.watching.len(), 1);
    assert_eq!(app.home(1).await?.continue_watching.len(), 1);
    assert!(app.apply_watch_actions(episode, vec![save]).await?.is_empty(), "only once");

    let masha = app.add_profile("Маша").await?;
    assert!(app.add_profile("Маша").await.is_err(), "names are unique");
    app.use_profile(masha.id).await?;
    assert_eq!(app.profile(), masha.id);
    let home = app.home(1).await?;
    assert!(home.continue_watching.is_empty() && home.watching.is_empty(), "{home:?}");
    assert_eq!(app.setting(Setting::Quality).await?, "fhd", "her own default, not his sd");
    assert_eq!(app.setting(Setting::SyncIntervalMinutes).await?, "720", "library-wide");
    app.set_setting(Setting::Language, "en").await?;
    app.set_list_status(id, Some(ListStatus::Planned)).await?;
    app.set_favorite(id, true).await?;
    assert_eq!(app.list(ListFilter::Favorite, 10).await?.len(), 1);
    assert!(app.apply_watch_actions(episode, vec![save]).await?.is_empty(), "Planned stays");

    // A new run remembers who watched last.
    let reopened = App::open(app.paths().clone())?;
    assert_eq!(reopened.profile(), masha.id);
    assert_eq!(reopened.setting(Setting::Language).await?, "en");
    let guest = reopened.use_profile_named("Default").await?;
    assert_eq!(guest.id, default.id);
    assert_eq!(reopened.setting(Setting::Language).await?, "auto");
    assert_eq!(reopened.setting(Setting::Quality).await?, "sd");
    assert!(reopened.use_profile_named("Nobody").await.is_err());
    drop(reopened);

    // The list button undoes the app's own move, then steps through the lists.
    app.use_profile(default.id).await?;
    assert_eq!(app.automatic_change(id), None, "switching profiles forgets the moves");
    app.set_list_status(id, None).await?;
    app.apply_watch_actions(episode, vec![save]).await?;
    assert!(app.automatic_change(id).is_some());
    assert_eq!(app.step_list(id).await?.status, None, "undone: back in no list");
    assert_eq!(app.step_list(id).await?.status, Some(ListStatus::Watching));
    assert_eq!(app.step_list(id).await?.status, Some(ListStatus::Planned));
    assert!(app.toggle_favorite(id).await?);

    // History control.
    app.hide_from_continue(id).await?;
    assert!(app.home(1).await?.continue_watching.is_empty());
    assert_eq!(app.mark_watched_through(id, 2.0).await?, 2);
    assert_eq!(app.reset_watched(id).await?, 2);
    assert!(app.history(10).await?.is_empty());

    app.remove_profile(default.id).await?;
    assert_eq!(app.profile(), masha.id, "removing the one in use switches to another");
    assert!(app.remove_profile(masha.id).await.is_err(), "the last one stays");
    assert_eq!(app.list_entry(id).await?.status, Some(ListStatus::Planned), "hers are kept");
    Ok(())
}

/// The Profiles screen adds, renames, switches and removes profiles, asking before it removes.
#[tokio::test]
async fn the_profiles_menu_adds_renames_switches_and_removes() -> Result<()> {
    let world = World::new().await?;
    let app = &world.app;
    let menu = app.profiles_menu().await?;
    let default = entry(&menu, "Default")?;
    assert_eq!(default.buttons, ["Continue as Default"], "the only profile cannot be removed");
    let add = entry(&menu, "Add a profile")?;
    assert_eq!(add.row, MenuRow::Text);
    assert!(app.menu_ask(&MenuAction::AddProfile, "  ").await.is_err(), "a name first");
    assert!(app.menu_ask(&MenuAction::AddProfile, "Маша").await?.contains("Add the profile Маша?"));
    let added = app.menu_run(&MenuAction::AddProfile, " Маша ").await?;
    assert!(added.message.starts_with("Added Маша"), "{}", added.message);

    let menu = app.profiles_menu().await?;
    let masha = entry(&menu, "Маша")?;
    assert_eq!(masha.buttons, ["Watch as Маша", "Remove"]);
    assert_eq!(added.focus.as_ref(), masha.action(0), "her Watch as button is next");
    let row = menu.iter().position(|entry| entry.item == masha.item);
    assert_eq!(
        getanime_app::menu_focus_after(&menu, added.focus.as_ref(), None),
        row.map(|row| (row, 0))
    );
    assert!(masha.questions[1].as_deref().is_some_and(|question| question.contains("deleted")));
    let switched = app.menu_run(button(masha, "Watch as Маша")?, "").await?;
    assert!(switched.profile_switched && switched.message == "Watching as Маша");
    let menu = app.profiles_menu().await?;
    assert_eq!(entry(&menu, "Маша")?.value, "watching now");
    let rename = entry(&menu, "Rename Маша")?;
    assert_eq!(rename.action(0), Some(&MenuAction::RenameProfile));
    app.menu_run(&MenuAction::RenameProfile, "Мария").await?;
    assert_eq!(app.current_profile().await?.name, "Мария");

    let menu = app.profiles_menu().await?;
    let removed = app.menu_run(button(entry(&menu, "Мария")?, "Remove")?, "").await?;
    assert!(removed.profile_switched, "the one in use went: back to Default");
    assert_eq!(app.current_profile().await?.name, "Default");
    assert_eq!(app.profiles().await?.len(), 1);
    Ok(())
}

/// While a hostile plugin spins in a sync, a screen query keeps answering fast.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_library_answers_while_a_hostile_plugin_runs() -> Result<()> {
    let limits = getanime_plugins::RuntimeLimits {
        call_timeout: Duration::from_secs(3),
        ..Default::default()
    };
    let world = World::with_limits(limits).await?;
    world.install_anilibria().await?;
    world.sync().await?;
    world.app.install_plugin(getanime_testkit::built_plugin("test-provider")?, None).await?;
    let app = std::sync::Arc::new(world.app);
    let hostile = tokio::spawn({
        let app = std::sync::Arc::clone(&app);
        async move { app.search_sources("loop", Some("test-provider")).await }
    });
    let mut slowest = Duration::ZERO;
    let started = std::time::Instant::now();
    while !hostile.is_finished() && started.elapsed() < Duration::from_secs(40) {
        let query = std::time::Instant::now();
        let titles = app.titles(Some("алхимик".into()), 50).await?;
        assert!(!titles.is_empty());
        slowest = slowest.max(query.elapsed());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let outcome = hostile.await?;
    let error = outcome.err().context("the endless loop ends in an error, not an answer")?;
    assert!(format!("{error:#}").contains("took longer than 3 s"), "{error:#}");
    assert!(
        slowest < Duration::from_millis(50),
        "slowest library query while the plugin ran: {slowest:?}"
    );
    Ok(())
}

/// The entry of `entries` whose label starts with `label`.
/// What the button captioned `caption` of `entry` does.
fn button<'a>(entry: &'a MenuEntry, caption: &str) -> Result<&'a MenuAction> {
    let at = entry.buttons.iter().position(|candidate| candidate == caption);
    at.and_then(|at| entry.action(at)).with_context(|| format!("no button {caption:?}: {entry:?}"))
}

/// Signs in to an `[oauth]` tracker the way the sign-in screen does: the page, then `pasted`.
async fn paste_sign_in(app: &App, plugin: &str, pasted: String) -> Result<()> {
    use getanime_app::domain::{SignInInput, SignInMethod, SignInStep};
    let (sign_in, step) = app.start_sign_in(plugin, SignInMethod::Paste).await?;
    let SignInStep::OpenAndPaste { state, .. } = step else {
        anyhow::bail!("a page to open, got {step:?}");
    };
    let input = SignInInput::Text(pasted);
    let SignInStep::Done(who) = app.advance_sign_in(&sign_in, &state, &input).await? else {
        anyhow::bail!("not signed in");
    };
    app.finish_sign_in(&sign_in, who).await?;
    Ok(())
}

fn entry<'a>(entries: &'a [MenuEntry], label: &str) -> Result<&'a MenuEntry> {
    entries
        .iter()
        .find(|entry| entry.label.starts_with(label))
        .with_context(|| format!("no row {label:?} in {entries:#?}"))
}

#[tokio::test]
async fn the_sources_menu_installs_from_the_index_and_a_file_toggles_syncs_and_removes()
-> Result<()> {
    let world = World::new().await?;
    let package = getanime_testkit::package_archive("test-provider", |text| text)?;
    world.server.route(
        "/packages/test-provider.tar.gz",
        Reply::new(200, "application/gzip", package.clone()),
    );
    world.server.route(
        "/index.json",
        Reply::json(serde_json::to_vec(&serde_json::json!({"plugins": [{
            "id": "test-provider", "name": "Test provider", "version": "0.1.0",
            "description": "Fixtures for tests", "allowed_hosts": ["127.0.0.1"],
            "url": format!("{}/packages/test-provider.tar.gz", world.server.base_url()),
            "sha256": getanime_plugins::sha256_hex(&package)}]}))?),
    );
    let menu = world.app.sources_menu().await?;
    assert_eq!(entry(&menu, "Plugin index")?.value, "not set (getanime plugin index --url URL)");
    world.app.set_plugin_index_url(&format!("{}/index.json", world.server.base_url())).await?;

    let menu = world.app.sources_menu().await?;
    let available = entry(&menu, "Test provider 0.1.0")?;
    assert_eq!(available.buttons, ["Install"]);
    let question = available.questions[0].as_deref().context("installing asks first")?;
    assert!(question.contains("will connect to: 127.0.0.1"), "{question}");
    let outcome = world.app.menu_run(button(available, "Install")?, "").await?;
    assert_eq!(outcome.message, "Installed Test provider 0.1.0");
    assert!(outcome.library_changed);

    let menu = world.app.sources_menu().await?;
    assert!(
        !menu.iter().any(|entry| matches!(entry.item, MenuItem::Available(_))),
        "an installed plugin of the same version is not offered again"
    );
    let installed = entry(&menu, "Test provider 0.1.0")?;
    assert_eq!(installed.value, "enabled");
    assert_eq!(installed.buttons, ["Disable", "Sync now", "Remove"]);
    assert_eq!(
        installed.questions.iter().map(Option::is_some).collect::<Vec<_>>(),
        [false, false, true]
    );
    assert!(installed.detail.starts_with("never synced"), "{}", installed.detail);
    world.app.menu_run(button(installed, "Disable")?, "").await?;
    assert_eq!(entry(&world.app.sources_menu().await?, "Test provider")?.value, "disabled");

    let outcome = world.app.menu_run(&MenuAction::Remove("test-provider".into()), "").await?;
    assert!(outcome.message.starts_with("test-provider removed"), "{}", outcome.message);
    assert!(world.app.plugins().await?.is_empty());

    // From a file: the first Enter reads the package and names its hosts; nothing is installed.
    let file = world._dir.path().join("provider.tar.gz");
    std::fs::write(&file, &package)?;
    let path = file.display().to_string();
    let question = world.app.menu_ask(&MenuAction::InstallFromFile, &path).await?;
    assert!(question.contains("will connect to: 127.0.0.1"), "{question}");
    assert!(world.app.plugins().await?.is_empty(), "asking installs nothing");
    let missing = world.app.menu_ask(&MenuAction::InstallFromFile, "/no/such/package.tar.gz").await;
    assert!(missing.is_err(), "a missing file is an error, not a question");
    world.app.menu_run(&MenuAction::InstallFromFile, &path).await?;
    assert_eq!(world.app.plugins().await?.len(), 1);
    Ok(())
}

#[tokio::test]
async fn the_settings_menu_steps_preferences_backs_up_and_restores() -> Result<()> {
    let world = World::new().await?;
    world.install_anilibria().await?;
    world.sync().await?;
    let title = world.title("9612").await?;
    world.app.rate(title.card.id, Some(Rating::new(7)?)).await?;

    let menu = world.app.settings_menu().await?;
    let quality = entry(&menu, "Preferred quality")?;
    assert_eq!((quality.value.as_str(), &quality.row), ("fhd", &MenuRow::Choice));
    assert_eq!(quality.action(0), Some(&MenuAction::Step(Setting::Quality)));
    world.app.step_setting(Setting::Quality, true).await?;
    world.app.step_setting(Setting::AutoPlayNext, true).await?;
    world.app.step_setting(Setting::SyncIntervalMinutes, false).await?;
    let menu = world.app.settings_menu().await?;
    assert_eq!(entry(&menu, "Preferred quality")?.value, "hd");
    assert_eq!(entry(&menu, "Play the next episode")?.value, "off");
    assert_eq!(entry(&menu, "Sync sources every")?.value, "never");
    assert_eq!(world.app.setting(Setting::Quality).await?, "hd");
    assert!(world.app.set_setting(Setting::Quality, "4k").await.is_err(), "not one of its values");
    assert!(entry(&menu, "About")?.value.contains("library schema V9"));
    let remote = entry(&menu, "Phone remote")?;
    assert_eq!(
        (remote.value.as_str(), remote.detail.as_str()),
        ("off", "on port 47401; only phones you pair here")
    );
    assert!(
        !menu.iter().any(|entry| entry.label == "Phone remote port"),
        "the port is said, not stepped"
    );
    world.app.set_setting(Setting::PhoneRemotePort, "8080").await?;
    assert!(
        world.app.set_setting(Setting::PhoneRemotePort, "6666").await.is_err(),
        "a port browsers refuse"
    );
    assert_eq!(world.app.setting(Setting::PhoneRemotePort).await?, "8080");
    assert!(!menu.iter().any(|entry| matches!(entry.item, MenuItem::Restore(_))), "no backups yet");

    let outcome = world.app.menu_run(&MenuAction::BackUpNow, "").await?;
    assert!(outcome.message.starts_with("Backed up to "), "{}", outcome.message);
    world.app.rate(title.card.id, None).await?;
    let menu = world.app.settings_menu().await?;
    let restore = entry(&menu, "Restore")?;
    assert!(restore.questions[0].is_some(), "restoring asks first");
    let outcome = world.app.menu_run(button(restore, "Restore")?, "").await?;
    assert!(outcome.library_changed);
    assert_eq!(world.app.title(title.card.id).await?.rating, Some(Rating::new(7)?));
    Ok(())
}

/// On a TV box Settings starts with Power (quit to the console, restart, shut down, each asking
/// first); elsewhere the window's own close button does, and there is no such row.
#[tokio::test]
async fn a_tv_box_offers_its_power_first_in_settings() -> Result<()> {
    let temp = tempfile::tempdir()?;
    let app = App::open(DataPaths::resolve(Some(temp.path().to_path_buf()))?)?;
    assert!(!app.settings_menu().await?.iter().any(|entry| entry.item == MenuItem::Power));
    let app = app.as_tv_box(true);
    let menu = app.settings_menu().await?;
    let power = &menu[0];
    assert_eq!(power.item, MenuItem::Power);
    assert_eq!(power.buttons, ["Quit to console", "Restart", "Shut down"]);
    assert!(power.questions.iter().all(Option::is_some), "each asks first");
    let actions: Vec<_> = (0..3).filter_map(|button| power.action(button)).collect();
    assert_eq!(
        actions,
        [
            &MenuAction::Power(PowerAction::QuitToConsole),
            &MenuAction::Power(PowerAction::Restart),
            &MenuAction::Power(PowerAction::ShutDown),
        ]
    );
    assert_eq!(PowerAction::ShutDown.systemctl_verb(), Some("poweroff"));
    assert_eq!(PowerAction::QuitToConsole.systemctl_verb(), None, "getanime quits itself");
    Ok(())
}

#[tokio::test]
async fn the_sources_menu_edits_a_plugin_setting_and_grants_its_host() -> Result<()> {
    let world = World::new().await?;
    world.app.install_plugin(built_plugin("anilibria")?, None).await?;
    let menu = world.app.sources_menu().await?;
    let base_url = entry(&menu, "AniLibria · base_url")?;
    assert_eq!(base_url.row, MenuRow::Text);
    let set_base_url =
        MenuAction::SetPluginSetting { plugin: "anilibria".into(), key: "base_url".into() };
    assert_eq!(base_url.action(0), Some(&set_base_url), "Enter on the row sets the setting");
    assert!(base_url.detail.starts_with("now https://api.anilibria.tv/v3"), "{}", base_url.detail);

    let mirror = format!("{}/v3", world.server.base_url());
    let question = world.app.menu_ask(&set_base_url, &mirror).await?;
    assert!(question.contains("will then also connect to 127.0.0.1"), "{question}");
    let outcome = world.app.menu_run(&set_base_url, &mirror).await?;
    assert_eq!(outcome.message, "base_url set; anilibria may now reach 127.0.0.1");
    let menu = world.app.sources_menu().await?;
    let detail = &entry(&menu, "AniLibria · base_url")?.detail;
    assert!(detail.starts_with(&format!("now {mirror}")), "{detail}");
    let question = world.app.menu_ask(&set_base_url, &mirror).await?;
    assert!(!question.contains("also connect"), "granted once is enough: {question}");

    // The setting and the grant are what sync uses: the mirror answers.
    world
        .app
        .set_plugin_setting(
            "anilibria",
            "media_host",
            &format!("{}/media", world.server.base_url()),
        )
        .await?;
    let report = world.sync().await?;
    assert!(report.error.is_none() && report.written > 0, "{report:?}");
    Ok(())
}

/// Accounts at trackers against a stateful fake AniLiberty account (and the AniLiberty source's
/// releases) on 127.0.0.1, through the real plugins.
mod accounts {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use getanime_app::AccountSyncReport;
    use getanime_app::domain::{
        AccountState, ListFilter, ListStatus, SignInInput, SignInMethod, SignInStep,
    };
    use getanime_testkit::aniliberty_account::{
        FakeAnilibertyAccount, LOGIN, NICKNAME, PASSWORD, episode_uuid, serve_aniliberty_releases,
    };

    use super::*;

    const ACCOUNT: &str = "aniliberty-account";

    struct AccountWorld {
        dir: tempfile::TempDir,
        app: App,
        _server: FakeServer,
        fake: FakeAnilibertyAccount,
        releases: Arc<AtomicUsize>,
    }

    impl AccountWorld {
        async fn new() -> Result<AccountWorld> {
            AccountWorld::paced(getanime_plugins::PaceClock::default()).await
        }

        /// The world with the trackers' rate limits on `clock`.
        async fn paced(clock: getanime_plugins::PaceClock) -> Result<AccountWorld> {
            let dir = tempfile::tempdir()?;
            let limits =
                getanime_plugins::RuntimeLimits { pace_clock: clock, ..Default::default() };
            let app =
                App::open_with_limits(DataPaths::resolve(Some(dir.path().join("data")))?, limits)?;
            let server = FakeServer::start().await?;
            let fake = FakeAnilibertyAccount::serve(&server, "/api/v1");
            let releases = serve_aniliberty_releases(&server, "/api/v1")?;
            let api = format!("{}/api/v1", server.base_url());
            for id in ["aniliberty", ACCOUNT] {
                app.install_plugin(built_plugin(id)?, None).await?;
                app.set_plugin_setting(id, "base_url", &api).await?;
                app.grant_host(id, "127.0.0.1").await?;
            }
            app.set_plugin_setting("aniliberty", "media_host", &server.base_url()).await?;
            Ok(AccountWorld { dir, app, _server: server, fake, releases })
        }

        /// The same data directory opened again, as after a restart.
        fn reopen(&mut self) -> Result<()> {
            self.app = App::open(DataPaths::resolve(Some(self.dir.path().join("data")))?)?;
            Ok(())
        }

        fn data(&self, name: &str) -> std::path::PathBuf {
            self.dir.path().join("data").join(name)
        }

        /// Signs in by a code the fake's phone accepts.
        async fn connect_by_code(&self) -> Result<getanime_app::domain::AccountRecord> {
            let (sign_in, step) = self.app.start_sign_in(ACCOUNT, SignInMethod::DeviceCode).await?;
            let SignInStep::ShowCodeAndWait { code, state, .. } = step else {
                anyhow::bail!("a code to show, got {step:?}");
            };
            assert_eq!(self.fake.last_code().as_deref(), Some(code.as_str()));
            let waiting = self.app.advance_sign_in(&sign_in, &state, &SignInInput::Poll).await?;
            assert!(matches!(waiting, SignInStep::ShowCodeAndWait { .. }), "{waiting:?}");
            assert!(self.fake.accept_last_code(), "the phone accepts the code");
            let done = self.app.advance_sign_in(&sign_in, &state, &SignInInput::Poll).await?;
            let SignInStep::Done(who) = done else { anyhow::bail!("signed in, got {done:?}") };
            assert_eq!(who.user_name, NICKNAME);
            self.app.finish_sign_in(&sign_in, who).await
        }

        async fn sync(&self) -> Result<AccountSyncReport> {
            self.app.sync_accounts(None, false).await?.pop().context("one report per account")
        }

        async fn title(&self, release: i64) -> Result<TitleId> {
            let cards = self.app.titles(None, 500).await?;
            cards
                .iter()
                .find(|card| card.source_id == release.to_string())
                .map(|card| card.id)
                .with_context(|| format!("release {release} in the library"))
        }

        async fn list(&self, list: ListFilter) -> Result<Vec<String>> {
            let cards = self.app.list(list, 100).await?;
            Ok(cards.into_iter().map(|item| item.card.source_id).collect())
        }
    }

    #[tokio::test]
    async fn a_code_sign_in_fills_an_empty_library_and_later_changes_arrive_once() -> Result<()> {
        let world = AccountWorld::new().await?;
        world.fake.set_collection(9972, "WATCHING");
        world.fake.set_collection(9974, "WATCHED");
        world.fake.set_collection(9975, "PLANNED");
        world.fake.set_favorite(9973);
        world.fake.set_timecode(&episode_uuid(9972, 1), 1400.0, true);
        world.fake.set_timecode(&episode_uuid(9972, 2), 300.5, false);
        world.fake.set_timecode("00000000-dead-4000-8000-000000000000", 10.0, false);
        // Planned there, yet started: its list stays the account's (nothing to send).
        world.fake.set_collection(9977, "PLANNED");
        world.fake.set_timecode(&episode_uuid(9977, 1), 1400.0, true);

        let account = world.connect_by_code().await?;
        assert_eq!(account.state, AccountState::Active, "nothing here to ask about");
        let report = world.sync().await?;
        assert_eq!(report.error, None, "{report:?}");
        assert_eq!((report.pulled, report.titles_fetched), (5, 5));
        assert_eq!((report.marks_taken, report.unknown_marks), (3, 1));
        assert_eq!(world.list(ListFilter::Status(ListStatus::Watching)).await?, ["9972"]);
        assert_eq!(world.list(ListFilter::Status(ListStatus::Completed)).await?, ["9974"]);
        let mut planned = world.list(ListFilter::Status(ListStatus::Planned)).await?;
        planned.sort();
        assert_eq!(planned, ["9975", "9977"]);
        assert_eq!(world.list(ListFilter::Favorite).await?, ["9973"]);
        let details = world.app.title(world.title(9972).await?).await?;
        let marks: Vec<_> = details
            .episodes
            .iter()
            .map(|entry| entry.watch.map(|watch| (watch.watched, watch.position_ms)))
            .collect();
        assert_eq!(marks, [Some((true, 0)), Some((false, 300_500))]);
        assert!(world.fake.writes().is_empty(), "taking sends nothing: {:?}", world.fake.writes());

        let again = world.sync().await?;
        assert_eq!((again.sent, again.marks_sent, again.taken), (0, 0, 0), "{again:?}");
        assert!(world.fake.writes().is_empty(), "a second sync writes nothing");
        assert_eq!(world.releases.load(Ordering::Relaxed), 5, "titles are fetched once");

        // Local changes reach the account exactly once.
        world.app.set_list_status(world.title(9975).await?, Some(ListStatus::Dropped)).await?;
        world.app.set_favorite(world.title(9972).await?, true).await?;
        world.app.set_watched(world.title(9972).await?, 2.0, true).await?;
        let report = world.sync().await?;
        assert_eq!((report.sent, report.marks_sent), (2, 1), "{report:?}");
        assert_eq!(world.fake.collections().get(&9975).map(String::as_str), Some("ABANDONED"));
        assert!(world.fake.favorites().contains(&9972));
        assert_eq!(world.fake.timecodes().get(&episode_uuid(9972, 2)), Some(&(0.0, true)));
        // 9972 is finished and its last episode is now watched: Completed, there too.
        assert_eq!(world.fake.collections().get(&9972).map(String::as_str), Some("WATCHED"));
        let writes = world.fake.writes();
        assert_eq!(writes.len(), 4, "two lists, a favorite, the marks: {writes:?}");
        let last = world.sync().await?;
        assert_eq!((last.sent, last.marks_sent), (0, 0), "{last:?}");
        assert_eq!(world.fake.writes(), writes, "nothing is sent twice");

        // A change on another device comes back here.
        world.fake.set_collection(9973, "POSTPONED");
        world.fake.set_timecode(&episode_uuid(9975, 1), 61.0, false);
        let report = world.sync().await?;
        assert_eq!(report.error, None, "{report:?}");
        assert_eq!(world.list(ListFilter::Status(ListStatus::OnHold)).await?, ["9973"]);
        let details = world.app.title(world.title(9975).await?).await?;
        let first = details.episodes[0].watch.context("the pulled resume point")?;
        assert_eq!((first.watched, first.position_ms), (false, 61_000));
        assert_eq!(world.fake.writes(), writes, "taking a change sends nothing back");
        Ok(())
    }

    #[tokio::test]
    async fn a_profile_with_history_is_asked_before_it_is_sent() -> Result<()> {
        let world = AccountWorld::new().await?;
        // History made before the account: a title from the source, watched and listed.
        world
            .app
            .ingest_for_benchmark("aniliberty", vec![getanime_testkit::generated_title(9980, 3)])
            .await?;
        let title = world.title(9980).await?;
        world.app.set_watched(title, 1.0, true).await?;
        assert_eq!(
            world.list(ListFilter::Status(ListStatus::Watching)).await?,
            ["9980"],
            "a watched episode starts the title, whatever marked it"
        );
        world.app.rate(title, Some(Rating::new(9)?)).await?;

        let (sign_in, step) = world.app.start_sign_in(ACCOUNT, SignInMethod::Password).await?;
        let SignInStep::AskLoginAndPassword { state } = step else {
            anyhow::bail!("login and password asked, got {step:?}");
        };
        let wrong = SignInInput::LoginAndPassword { login: LOGIN.into(), password: "nope".into() };
        let refused = world.app.advance_sign_in(&sign_in, &state, &wrong).await;
        let refused = refused.err().context("a wrong password is refused")?;
        assert!(!format!("{refused:#}").contains("nope"), "the password is never repeated");
        let right =
            SignInInput::LoginAndPassword { login: LOGIN.into(), password: PASSWORD.into() };
        let SignInStep::Done(who) = world.app.advance_sign_in(&sign_in, &state, &right).await?
        else {
            anyhow::bail!("signed in");
        };
        let account = world.app.finish_sign_in(&sign_in, who).await?;
        assert_eq!(account.state, AccountState::NeedsConsent);

        let asked = world.sync().await?;
        assert_eq!(
            asked.awaiting_consent,
            Some(getanime_app::ConsentQuestion { titles: 1, episodes: 1 }),
            "{asked:?}"
        );
        assert!(world.fake.writes().is_empty(), "nothing is sent before the answer");

        let sent = world.app.sync_accounts(Some(ACCOUNT), true).await?.pop().context("a report")?;
        assert_eq!((sent.sent, sent.marks_sent, sent.awaiting_consent), (1, 1, None), "{sent:?}");
        assert_eq!(world.fake.collections().get(&9980).map(String::as_str), Some("WATCHING"));
        assert_eq!(world.fake.timecodes().get("9980-e1"), Some(&(0.0, true)));
        let writes = world.fake.writes();
        let again = world.sync().await?;
        assert_eq!((again.sent, again.marks_sent), (0, 0), "the rating stays here: {again:?}");
        assert_eq!(world.fake.writes(), writes);
        Ok(())
    }

    #[tokio::test]
    async fn a_change_here_is_pushed_on_its_own_without_a_pull() -> Result<()> {
        let world = AccountWorld::new().await?;
        world.fake.set_collection(9972, "PLANNED");
        world.connect_by_code().await?;
        world.sync().await?;
        world.fake.set_collection(9974, "WATCHING");
        world.app.set_favorite(world.title(9972).await?, true).await?;
        let pushed = world.app.push_due_accounts().await?.pop().context("a report")?;
        assert_eq!((pushed.sent, pushed.pulled, &pushed.error), (1, 0, &None), "{pushed:?}");
        assert!(world.fake.favorites().contains(&9972));
        assert!(world.title(9974).await.is_err(), "a push pulls nothing");
        let again = world.app.push_due_accounts().await?.pop().context("a report")?;
        assert_eq!(again.sent, 0, "sent once");
        Ok(())
    }

    #[tokio::test]
    async fn a_server_that_asks_to_wait_is_waited_for_and_nothing_is_lost() -> Result<()> {
        // The host keeps the server's Retry-After for every later call: waited on a simulated
        // clock.
        let clock = getanime_plugins::PaceClock::simulated();
        let world = AccountWorld::paced(clock.clone()).await?;
        world.fake.set_collection(9972, "PLANNED");
        world.connect_by_code().await?;
        world.sync().await?;
        world.app.set_list_status(world.title(9972).await?, Some(ListStatus::Watching)).await?;
        world.fake.set_busy(Some(90));
        let asked = world.sync().await?;
        let failure = asked.failure.clone().context("in words")?;
        assert!(failure.contains("asks to wait"), "{failure}");
        assert_eq!(asked.pending, 1, "the change waits: {asked:?}");
        let accounts = world.app.accounts().await?;
        let retry_at = accounts[0].record.retry_at.context("a time to try again")?;
        let from_now = retry_at - chrono::Utc::now().timestamp_millis();
        assert!((60_000..=90_000).contains(&from_now), "Retry-After is honoured: {from_now} ms");
        assert!(world.app.accounts_due().await?.is_empty(), "the automatic sync waits as asked");
        assert!(world.app.push_due_accounts().await?.is_empty(), "so do pushes");

        world.fake.set_busy(None);
        let early = world.sync().await?;
        assert!(early.failure.is_some_and(|words| words.contains("asks to wait")), "not yet");
        assert_eq!(world.fake.writes().len(), 0, "nothing went out during the pause");
        clock.advance(Duration::from_secs(90));
        let report = world.sync().await?;
        assert_eq!((report.sent, report.pending, &report.error), (1, 0, &None), "{report:?}");
        assert_eq!(world.fake.collections().get(&9972).map(String::as_str), Some("WATCHING"));
        assert_eq!(world.fake.writes().len(), 1);
        assert!(!world.app.accounts_due().await?.is_empty(), "due again once it went through");
        Ok(())
    }

    #[tokio::test]
    async fn changes_made_offline_wait_through_a_restart_and_arrive_once() -> Result<()> {
        let mut world = AccountWorld::new().await?;
        world.fake.set_collection(9972, "PLANNED");
        world.connect_by_code().await?;
        world.sync().await?;
        world.fake.set_down(true);
        world.app.set_list_status(world.title(9972).await?, Some(ListStatus::Watching)).await?;
        let failed = world.sync().await?;
        let failure = failed.failure.clone().context("the sync fails in words")?;
        assert!(failure.contains("AniLiberty"), "{failure}");
        assert_eq!(failed.pending, 1, "the change waits: {failed:?}");
        let listed = world.app.accounts().await?;
        assert_eq!(listed[0].pending, 1);
        assert!(listed[0].last_error.is_some());

        world.reopen()?;
        world.fake.set_down(false);
        let report = world.sync().await?;
        assert_eq!((report.sent, report.pending, &report.error), (1, 0, &None), "{report:?}");
        assert_eq!(world.fake.collections().get(&9972).map(String::as_str), Some("WATCHING"));
        assert_eq!(world.fake.writes().len(), 1, "{:?}", world.fake.writes());
        Ok(())
    }

    #[tokio::test]
    async fn tokens_stay_out_of_the_library_and_its_backups() -> Result<()> {
        let world = AccountWorld::new().await?;
        world.connect_by_code().await?;
        let token = world.fake.live_tokens().pop().context("a token was issued")?;
        let credentials = std::fs::read_to_string(world.data("credentials.json"))?;
        assert!(credentials.contains(&token), "the token is kept beside the library");
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(world.data("credentials.json"))?.permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "only the user reads it");
        world.sync().await?;
        let backup = world.dir.path().join("backup.sqlite3");
        world.app.backup(backup.clone()).await?;
        for file in [world.data("library.sqlite3"), backup.clone()] {
            let bytes = std::fs::read(&file)?;
            let found = bytes.windows(token.len()).any(|window| window == token.as_bytes());
            assert!(!found, "no token in {}", file.display());
        }

        // Restored on another device: the account is there, its token is not.
        let elsewhere = tempfile::tempdir()?;
        let other = App::open(DataPaths::resolve(Some(elsewhere.path().join("data")))?)?;
        other.restore(backup).await?;
        let other = App::open(DataPaths::resolve(Some(elsewhere.path().join("data")))?)?;
        let report = other.sync_accounts(None, false).await?.pop().context("the account")?;
        assert_eq!(report.state, Some(AccountState::NeedsSignIn), "{report:?}");
        assert!(report.failure.unwrap_or_default().contains("sign in again"));

        // A damaged credentials file here: sign in again, no crash, nothing lost.
        std::fs::write(world.data("credentials.json"), b"{ not json")?;
        let report = world.sync().await?;
        assert_eq!(report.state, Some(AccountState::NeedsSignIn), "{report:?}");
        std::fs::remove_file(world.data("credentials.json"))?;
        let report = world.sync().await?;
        assert_eq!(report.state, Some(AccountState::NeedsSignIn));
        let account = world.connect_by_code().await?;
        assert_eq!(account.state, AccountState::Active, "signing in again restores it");
        assert_eq!(world.sync().await?.error, None);
        Ok(())
    }

    #[tokio::test]
    async fn another_profile_neither_sees_nor_sends_to_the_account() -> Result<()> {
        let world = AccountWorld::new().await?;
        world.fake.set_collection(9972, "WATCHING");
        world.connect_by_code().await?;
        world.sync().await?;
        let guest = world.app.add_profile("Гость").await?;
        world.app.use_profile(guest.id).await?;
        assert!(world.app.accounts().await?.is_empty(), "accounts are per profile");
        assert!(world.list(ListFilter::Status(ListStatus::Watching)).await?.is_empty());
        world.app.set_list_status(world.title(9972).await?, Some(ListStatus::Dropped)).await?;
        assert!(world.app.sync_accounts(None, false).await?.is_empty());
        assert_eq!(world.fake.collections().get(&9972).map(String::as_str), Some("WATCHING"));
        assert!(world.fake.writes().is_empty());
        Ok(())
    }

    #[tokio::test]
    async fn connecting_installs_the_shipped_account_plugin_which_is_no_source() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let shipped = built_plugin(ACCOUNT)?.parent().context("the plugins dir")?.to_path_buf();
        let app = App::open(DataPaths::resolve(Some(dir.path().join("data")))?)?
            .with_shipped_dir(Some(shipped));
        assert!(app.tracker_plugins().await?.is_empty());
        let methods = app.sign_in_methods(ACCOUNT).await?;
        assert_eq!(methods, [SignInMethod::DeviceCode, SignInMethod::Password]);
        let trackers: Vec<String> =
            app.tracker_plugins().await?.into_iter().map(|plugin| plugin.id).collect();
        assert_eq!(trackers, [ACCOUNT]);
        let reports = app.sync(&SyncOptions::default(), &|_| {}).await?;
        assert!(reports.is_empty(), "an account is not synced as a source: {reports:?}");
        let only = SyncOptions { plugin: Some(ACCOUNT.into()), ..SyncOptions::default() };
        let refused = app.sync(&only, &|_| {}).await.err().context("no catalog to sync")?;
        assert!(format!("{refused}").contains("getanime account sync"), "{refused}");
        // In Sources it is an account: no Sync now, a way to the Accounts screen.
        let menu = app.sources_menu().await?;
        let line = entry(&menu, "AniLiberty account 0.1.1")?;
        assert_eq!(
            (line.value.as_str(), line.buttons.as_slice()),
            ("account", &["Accounts".to_owned(), "Remove".to_owned()][..])
        );
        Ok(())
    }

    /// A tracker whose page shows a code (OAuth out-of-band): a mistyped code brings the same
    /// page back and keeps nothing; the right one signs in.
    #[tokio::test]
    async fn a_code_from_a_page_signs_in_and_a_mistyped_one_is_asked_again() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let app = App::open(DataPaths::resolve(Some(dir.path().join("data")))?)?;
        let server = FakeServer::start().await?;
        server.route_handler("/oauth/token", |request| {
            if String::from_utf8_lossy(&request.body).ends_with("code=3ax-9") {
                Reply::json(r#"{"access_token":"page-token-1"}"#)
            } else {
                Reply::new(400, "application/json", r#"{"error":"invalid_grant"}"#)
            }
        });
        app.install_plugin(built_plugin("test-tracker")?, None).await?;
        let token_url = format!("{}/oauth/token", server.base_url());
        app.set_plugin_setting("test-tracker", "token_url", &token_url).await?;
        let (sign_in, step) = app.start_sign_in("test-tracker", SignInMethod::Paste).await?;
        let SignInStep::OpenAndPaste { url, state, .. } = step else {
            anyhow::bail!("a page to open, got {step:?}");
        };
        assert!(url.starts_with("https://auth.invalid/oauth/authorize?"), "{url}");
        let wrong = SignInInput::Text("3bx-9".into());
        let again = app.advance_sign_in(&sign_in, &state, &wrong).await?;
        assert!(matches!(again, SignInStep::OpenAndPaste { .. }), "{again:?}");
        let right = SignInInput::Text("3ax-9".into());
        let SignInStep::Done(who) = app.advance_sign_in(&sign_in, &state, &right).await? else {
            anyhow::bail!("signed in");
        };
        let account = app.finish_sign_in(&sign_in, who).await?;
        assert_eq!(account.user_name, "paster");
        Ok(())
    }

    /// `plugins/test-tracker` tries to send the token elsewhere and to read it back, then traps
    /// and loops in the middle of `pull`.
    #[tokio::test]
    async fn a_hostile_tracker_never_gets_the_token_out_and_its_failures_change_nothing()
    -> Result<()> {
        const TRACKER: &str = "test-tracker";
        const TOKEN: &str = "hostile-token-mallory-secret";
        let dir = tempfile::tempdir()?;
        let limits = getanime_plugins::RuntimeLimits {
            call_timeout: Duration::from_secs(2),
            ..getanime_plugins::RuntimeLimits::default()
        };
        let app =
            App::open_with_limits(DataPaths::resolve(Some(dir.path().join("data")))?, limits)?;
        app.install_plugin(built_plugin(TRACKER)?, None).await?;
        app.ingest_for_benchmark("test-provider", vec![getanime_testkit::generated_title(1, 3)])
            .await?;
        let (sign_in, step) = app.start_sign_in(TRACKER, SignInMethod::Password).await?;
        let SignInStep::AskLoginAndPassword { state } = step else {
            anyhow::bail!("login and password, got {step:?}");
        };
        let input = SignInInput::LoginAndPassword { login: "mallory".into(), password: "x".into() };
        let SignInStep::Done(who) = app.advance_sign_in(&sign_in, &state, &input).await? else {
            anyhow::bail!("signed in");
        };
        app.finish_sign_in(&sign_in, who).await?;
        let sync = async || -> Result<AccountSyncReport> {
            app.sync_accounts(None, false).await?.pop().context("a report")
        };
        assert_eq!(sync().await?.error, None);
        let watching = || app.list(ListFilter::Status(ListStatus::Watching), 10);
        assert_eq!(watching().await?.len(), 1, "the tracker's entry is taken");

        // Everything the thief receives: headers and bodies.
        let thief = FakeServer::start().await?;
        let received = Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = Arc::clone(&received);
        thief.route_handler("/", move |request| {
            let mut guard = log.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            guard.push(format!(
                "{} {} {:?} {}",
                request.method,
                request.path,
                request.headers,
                String::from_utf8_lossy(&request.body)
            ));
            Reply::json("{}")
        });
        app.set_plugin_setting(TRACKER, "steal_url", &format!("{}/", thief.base_url())).await?;
        app.set_plugin_setting(TRACKER, "mode", "steal").await?;
        assert_eq!(sync().await?.error, None);
        let received = received.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        assert_eq!(received.len(), 2, "the two requests reached 127.0.0.1: {received:?}");
        for request in &received {
            assert!(!request.contains(TOKEN), "no token outside auth_hosts: {request}");
            assert!(!request.contains("(\"authorization\""), "no Authorization header: {request}");
        }
        assert!(received[1].contains("setting token=None"), "it looked: {}", received[1]);

        // A trap, then an endless loop, in the middle of pull: words, and nothing changed.
        for mode in ["trap", "loop"] {
            app.set_plugin_setting(TRACKER, "mode", mode).await?;
            let report = sync().await?;
            let failure = report.failure.context("the sync fails in words")?;
            assert!(
                failure.contains("test-tracker") && failure.contains("stopped"),
                "{mode}: {failure}"
            );
            assert_eq!(report.state, Some(AccountState::Active), "{mode}: still signed in");
            assert_eq!(watching().await?.len(), 1, "{mode}: the library is as it was");
        }
        let credentials = std::fs::read_to_string(dir.path().join("data/credentials.json"))?;
        assert!(credentials.contains(TOKEN), "the token stays kept");
        Ok(())
    }

    /// The Accounts screen's rows, headless: Connect while there is no account; then the
    /// account's state in words with Sync now, Pause and Disconnect (which warns about changes
    /// still waiting); the first sync's question with what would be sent.
    #[tokio::test]
    async fn the_accounts_screen_says_the_state_and_asks_before_losing_anything() -> Result<()> {
        let world = AccountWorld::new().await?;
        let menu = world.app.accounts_menu().await?;
        let connect = entry(&menu, "Connect AniLiberty account")?;
        let action = button(connect, "Connect")?;
        assert!(matches!(action, MenuAction::ConnectAccount { plugin, .. } if plugin == ACCOUNT));

        world
            .app
            .ingest_for_benchmark("aniliberty", vec![getanime_testkit::generated_title(9980, 3)])
            .await?;
        world.app.set_watched(world.title(9980).await?, 1.0, true).await?;
        world.connect_by_code().await?;
        let menu = world.app.accounts_menu().await?;
        let line = entry(&menu, "AniLiberty account: Анна")?;
        assert_eq!(line.value, "waits for your answer");
        let send = button(line, "Send my history")?.clone();
        let question = line.questions[0].as_deref().context("sending asks first")?;
        assert!(question.contains("1 title and 1 episode"), "{question}");
        assert!(world.fake.writes().is_empty(), "asking sends nothing");
        world.app.menu_run(&send, "").await?;
        assert_eq!(world.fake.collections().get(&9980).map(String::as_str), Some("WATCHING"));

        world.fake.set_down(true);
        world.app.set_favorite(world.title(9980).await?, true).await?;
        world.app.menu_run(&MenuAction::SyncAccount(ACCOUNT.into()), "").await?;
        let menu = world.app.accounts_menu().await?;
        let line = entry(&menu, "AniLiberty account: Анна")?;
        assert_eq!(line.value, "not synced");
        assert!(line.detail.contains("1 change waits"), "{}", line.detail);
        assert_eq!(line.buttons, ["Sync now", "Pause", "Disconnect"]);
        let warning = line.questions[2].as_deref().context("disconnecting asks")?;
        assert!(warning.contains("1 change has not reached the account"), "{warning}");
        world.fake.set_down(false);
        let outcome = world.app.menu_run(&MenuAction::SyncAccount(ACCOUNT.into()), "").await?;
        assert!(outcome.message.starts_with("Synced"), "{}", outcome.message);
        let menu = world.app.accounts_menu().await?;
        assert!(entry(&menu, "AniLiberty account: Анна")?.value.starts_with("synced today at"));
        Ok(())
    }

    /// The Accounts screen's form for people without the phone app: the login row, then the
    /// password row (drawn as dots, never repeated), a refusal in words, then signed in.
    #[tokio::test]
    async fn the_accounts_screen_signs_in_by_login_and_password() -> Result<()> {
        let world = AccountWorld::new().await?;
        world.fake.set_collection(9972, "WATCHING");
        let menu = world.app.accounts_menu().await?;
        let login = entry(&menu, "AniLiberty account: login")?;
        let password = entry(&menu, "AniLiberty account: password")?;
        assert_eq!((login.row.clone(), login.secret), (MenuRow::Text, false));
        assert!(password.secret, "the password is drawn as dots");
        let (typed_login, typed_password) = (login.actions[0].clone(), password.actions[0].clone());
        assert!(world.app.menu_ask(&typed_password, "x").await.is_err(), "the login first");
        assert!(world.app.menu_ask(&typed_login, LOGIN).await?.contains(LOGIN));
        world.app.menu_run(&typed_login, LOGIN).await?;
        let question = world.app.menu_ask(&typed_password, PASSWORD).await?;
        assert!(question.contains(LOGIN) && !question.contains(PASSWORD), "{question}");
        let refused = world.app.menu_run(&typed_password, "wrong horse").await;
        let refused = format!("{:#}", refused.err().context("a wrong password is refused")?);
        assert!(!refused.contains("wrong horse"), "{refused}");
        assert!(world.app.accounts().await?.is_empty(), "nothing kept");
        let outcome = world.app.menu_run(&typed_password, PASSWORD).await?;
        assert!(outcome.message.starts_with("Signed in as Анна. Synced"), "{}", outcome.message);
        assert_eq!(world.list(ListFilter::Status(ListStatus::Watching)).await?, ["9972"]);
        let menu = world.app.accounts_menu().await?;
        assert!(entry(&menu, "AniLiberty account: login").is_err(), "the form is gone");
        Ok(())
    }

    /// One profile at the AniLiberty account, Shikimori and AniList at once, each knowing a
    /// different part of the viewer's history: one run brings them all in step (what a later
    /// account's pull changed here goes on to the earlier ones), and the next run writes
    /// nothing anywhere. While Shikimori throttles, the other two sync and its change waits.
    #[tokio::test]
    async fn one_profile_keeps_three_trackers_in_step() -> Result<()> {
        use getanime_testkit::aniliberty_account::mal_id;
        use getanime_testkit::anilist::FakeAnilist;
        use getanime_testkit::shikimori::{self, FakeShikimori};

        // Shikimori's 429 says nothing of when: the host pauses it a minute, on a simulated
        // clock the test moves.
        let clock = getanime_plugins::PaceClock::simulated();
        let world = AccountWorld::paced(clock.clone()).await?;
        let (shikimori_server, anilist_server) =
            (FakeServer::start().await?, FakeServer::start().await?);
        let shikimori = FakeShikimori::serve(&shikimori_server);
        let anilist = FakeAnilist::serve(&anilist_server);
        let app = &world.app;
        let graphql = format!("{}/graphql", anilist_server.base_url());
        for (plugin, settings) in [
            (
                "shikimori",
                vec![
                    ("base_url", shikimori_server.base_url()),
                    ("client_id", shikimori::CLIENT_ID.to_owned()),
                    ("client_secret", shikimori::CLIENT_SECRET.to_owned()),
                ],
            ),
            ("anilist", vec![("graphql_url", graphql), ("client_id", "13985".to_owned())]),
        ] {
            app.install_plugin(built_plugin(plugin)?, None).await?;
            for (key, value) in settings {
                app.set_plugin_setting(plugin, key, &value).await?;
            }
            app.grant_host(plugin, "127.0.0.1").await?;
        }
        // The AniLiberty account has three titles (one only as a favorite); Shikimori has
        // started that one, AniList has scored another.
        world.fake.set_collection(9972, "WATCHING");
        world.fake.set_favorite(9973);
        world.fake.set_collection(9975, "WATCHED");
        shikimori.set_total(mal_id(9973), 12);
        shikimori.set_rate(mal_id(9973), "watching", 1, 7);
        for release in [9972, 9973, 9975] {
            anilist.set_mal(mal_id(release), release - 2000);
        }
        anilist.set_entry(7975, "COMPLETED", 12, 90, false);
        world.connect_by_code().await?;
        paste_sign_in(app, "shikimori", shikimori.authorize()).await?;
        paste_sign_in(app, "anilist", anilist.issue_token()).await?;

        let reports = app.sync_accounts(None, false).await?;
        for report in &reports {
            assert_eq!(report.error, None, "{report:?}");
        }
        let started = world.title(9973).await?;
        assert_eq!(app.title(started).await?.rating, Some(Rating::new(7)?), "Shikimori's score");
        assert_eq!(world.fake.collections()[&9973], "WATCHING", "Shikimori's start went on");
        let rates = shikimori.rates();
        assert_eq!(rates[&mal_id(9972)].status, "watching", "{rates:?}");
        assert_eq!(
            (rates[&mal_id(9975)].status.as_str(), rates[&mal_id(9975)].score),
            ("completed", 9)
        );
        let entries = anilist.entries();
        assert_eq!((entries[&7973].status.as_str(), entries[&7973].score), ("CURRENT", 70));
        assert_eq!(entries[&7972].status, "CURRENT");

        let saves = || anilist.operations().iter().filter(|op| op.starts_with("mutation")).count();
        let writes = (world.fake.writes().len(), shikimori.writes().len(), saves());
        let again = app.sync_accounts(None, false).await?;
        for report in &again {
            let outcome = (report.error.as_deref(), report.sent, report.taken, report.marks_sent);
            assert_eq!(outcome, (None, 0, 0, 0), "{report:?}");
        }
        let now = (world.fake.writes().len(), shikimori.writes().len(), saves());
        assert_eq!(now, writes, "the second run writes nothing anywhere");

        // Shikimori throttles: the others sync, its change waits and goes later.
        shikimori.throttle(100);
        app.set_list_status(world.title(9972).await?, Some(ListStatus::OnHold)).await?;
        let reports = app.sync_accounts(None, false).await?;
        let of = |plugin: &str| reports.iter().find(|report| report.plugin == plugin).cloned();
        let throttled = of("shikimori").context("a report")?;
        assert!(throttled.failure.as_deref().is_some_and(|words| words.contains("wait")));
        assert_eq!(throttled.pending, 1, "{throttled:?}");
        assert_eq!(of("anilist").context("a report")?.error, None);
        assert_eq!(world.fake.collections()[&9972], "POSTPONED");
        assert_eq!(anilist.entries()[&7972].status, "PAUSED");
        shikimori.throttle(0);
        clock.advance(Duration::from_secs(60));
        app.sync_accounts(Some("shikimori"), false).await?;
        assert_eq!(shikimori.rates()[&mal_id(9972)].status, "on_hold");
        Ok(())
    }

    #[tokio::test]
    async fn disconnecting_signs_out_and_keeps_the_history() -> Result<()> {
        let world = AccountWorld::new().await?;
        world.fake.set_collection(9972, "WATCHING");
        world.connect_by_code().await?;
        world.sync().await?;
        world.app.disconnect_account(ACCOUNT).await?;
        assert!(world.fake.live_tokens().is_empty(), "the token is revoked at the server");
        assert!(world.app.accounts().await?.is_empty());
        let credentials = std::fs::read_to_string(world.data("credentials.json"))?;
        assert!(!credentials.contains("fake-aniliberty-token"), "{credentials}");
        assert_eq!(world.list(ListFilter::Status(ListStatus::Watching)).await?, ["9972"]);
        Ok(())
    }
}

/// AniLiberty's API hosts come and go: both AniLiberty plugins name the known roots
/// (`[mirrors]`), and when the one in use refuses connections the host asks the next one's
/// `app/status` and moves there. Here the roots are on 127.0.0.1: the first a closed port, the
/// next the fake API.
mod mirrors {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use getanime_testkit::aniliberty_account::{FakeAnilibertyAccount, serve_aniliberty_releases};
    use getanime_testkit::package_archive;

    use super::*;

    /// A root nothing listens on: the port was free a moment ago and is closed now.
    fn refusing_root() -> Result<String> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        drop(listener);
        Ok(format!("http://127.0.0.1:{port}/api/v1"))
    }

    /// Counts connections made to 127.0.0.2, a host no manifest names and no one granted.
    async fn probe() -> Result<(String, Arc<AtomicUsize>)> {
        let listener = tokio::net::TcpListener::bind("127.0.0.2:0").await?;
        let address = listener.local_addr()?;
        let reached = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&reached);
        tokio::spawn(async move {
            while listener.accept().await.is_ok() {
                counter.fetch_add(1, Ordering::SeqCst);
            }
        });
        Ok((format!("http://{address}"), reached))
    }

    /// Installs the built plugin `id` with its manifest's roots replaced by `roots` on
    /// 127.0.0.1 (the first is where it starts), as a package from the TV would be.
    async fn install_with_roots(
        app: &App,
        dir: &std::path::Path,
        id: &str,
        roots: &[&str],
    ) -> Result<()> {
        let quoted: Vec<String> = roots.iter().map(|root| format!("{root:?}")).collect();
        let package = package_archive(id, |manifest| {
            manifest
                .lines()
                .map(|line| {
                    if line.starts_with("allowed_hosts") {
                        r#"allowed_hosts = ["127.0.0.1"]"#.to_owned()
                    } else if line.starts_with("auth_hosts") {
                        r#"auth_hosts = ["127.0.0.1"]"#.to_owned()
                    } else if line.starts_with("roots") {
                        format!("roots = [{}]", quoted.join(", "))
                    } else if line.starts_with("base_url") {
                        format!("base_url = {:?}", roots[0])
                    } else {
                        line.to_owned()
                    }
                })
                .collect::<Vec<_>>()
                .join("\n")
        })?;
        let path = dir.join(format!("{id}.tar.gz"));
        std::fs::write(&path, package)?;
        app.install_plugin(path, None).await?;
        Ok(())
    }

    struct MirrorWorld {
        dir: tempfile::TempDir,
        app: App,
        server: FakeServer,
        account: FakeAnilibertyAccount,
    }

    impl MirrorWorld {
        /// The fake API (source and account) behind the second root, its real status answer.
        async fn new() -> Result<MirrorWorld> {
            let dir = tempfile::tempdir()?;
            let app = App::open(DataPaths::resolve(Some(dir.path().join("data")))?)?;
            let server = FakeServer::start().await?;
            let account = FakeAnilibertyAccount::serve(&server, "/api/v1");
            // Before the releases' handler, which would take `latest` for a release id.
            let latest = std::fs::read(fixture_path("aniliberty", "releases_latest.json"))?;
            server.route_handler("/api/v1/anime/releases/latest", move |_| {
                Reply::json(latest.clone())
            });
            serve_aniliberty_releases(&server, "/api/v1")?;
            server
                .route("/api/v1/anime/schedule/week", fixture("aniliberty", "schedule_week.json")?);
            server.route("/api/v1/app/status", fixture("aniliberty", "real/app_status.json")?);
            Ok(MirrorWorld { dir, app, server, account })
        }

        fn api(&self) -> String {
            format!("{}/api/v1", self.server.base_url())
        }

        fn status_asked(&self) -> usize {
            self.server.requests().iter().filter(|path| path.contains("/app/status")).count()
        }

        async fn sync_source(&self) -> Result<SyncReport> {
            let options = SyncOptions {
                retry: RetryPolicy { attempts: 1, first_delay: Duration::from_millis(10) },
                ..SyncOptions::default()
            };
            self.app.sync(&options, &|_| {}).await?.pop().context("one report")
        }

        async fn sources_line(&self, label: &str) -> Result<String> {
            let menu = self.app.sources_menu().await?;
            Ok(entry(&menu, label)?.detail.clone())
        }
    }

    #[tokio::test]
    async fn a_source_and_an_account_move_to_the_mirror_that_answers() -> Result<()> {
        let world = MirrorWorld::new().await?;
        let refusing = refusing_root()?;
        let api = world.api();
        for id in ["aniliberty", "aniliberty-account"] {
            install_with_roots(&world.app, world.dir.path(), id, &[&refusing, &api]).await?;
        }
        // The fake serves plain http: the token may go there because the user granted it.
        world.app.grant_host("aniliberty-account", "127.0.0.1").await?;
        assert!(world.app.mirror_in_use("aniliberty").await?.is_none(), "no move yet");

        let report = world.sync_source().await?;
        assert_eq!(report.error, None, "{report:?}");
        assert!(world.app.titles(None, 100).await?.len() >= 3, "the mirror's titles arrived");
        assert_eq!(world.app.mirror_in_use("aniliberty").await?.as_deref(), Some(api.as_str()));
        assert_eq!(world.status_asked(), 1, "asked once, then remembered");
        let line = world.sources_line("AniLiberty 0.3.1").await?;
        assert!(line.contains("through the mirror 127.0.0.1"), "{line}");

        // A restart starts on the remembered mirror: no more questions.
        let again = world.sync_source().await?;
        assert_eq!(again.error, None, "{again:?}");
        assert_eq!(world.status_asked(), 1, "the remembered mirror is used directly");

        // The account signs in and syncs through the mirror too.
        world.account.set_collection(9972, "WATCHING");
        let (sign_in, step) = world
            .app
            .start_sign_in("aniliberty-account", getanime_app::domain::SignInMethod::DeviceCode)
            .await?;
        let getanime_app::domain::SignInStep::ShowCodeAndWait { state, .. } = step else {
            anyhow::bail!("a code to show, got {step:?}");
        };
        assert!(world.account.accept_last_code(), "the phone accepts the code");
        let done = world
            .app
            .advance_sign_in(&sign_in, &state, &getanime_app::domain::SignInInput::Poll)
            .await?;
        let getanime_app::domain::SignInStep::Done(who) = done else {
            anyhow::bail!("signed in, got {done:?}")
        };
        world.app.finish_sign_in(&sign_in, who).await?;
        let synced = world.app.sync_accounts(None, false).await?.pop().context("one account")?;
        assert_eq!(synced.error, None, "{synced:?}");
        assert_eq!(synced.pulled, 1, "{synced:?}");
        assert_eq!(
            world.app.mirror_in_use("aniliberty-account").await?.as_deref(),
            Some(api.as_str())
        );
        assert_eq!(world.status_asked(), 2, "the account asked once for itself");
        let line = world.sources_line("AniLiberty account 0.1.1").await?;
        assert!(line.contains("through the mirror 127.0.0.1"), "{line}");
        Ok(())
    }

    #[tokio::test]
    async fn a_status_naming_an_unknown_host_is_not_followed() -> Result<()> {
        let world = MirrorWorld::new().await?;
        let (probe, reached) = probe().await?;
        // The second root is down for the API but answers its status: not alive, try the probe
        // (a host no one allowed) or the fake API (on an allowed host, not in the manifest).
        let second = FakeServer::start().await?;
        let endpoints = serde_json::json!({
            "is_alive": false,
            "available_api_endpoints": [probe, world.server.base_url()],
        });
        second.route("/api/v1/app/status", Reply::json(endpoints.to_string()));
        let second_root = format!("{}/api/v1", second.base_url());
        let refusing = refusing_root()?;
        install_with_roots(&world.app, world.dir.path(), "aniliberty", &[&refusing, &second_root])
            .await?;

        let report = world.sync_source().await?;
        assert_eq!(report.error, None, "{report:?}");
        assert_eq!(reached.load(Ordering::SeqCst), 0, "the unknown host was never contacted");
        assert_eq!(
            world.app.mirror_in_use("aniliberty").await?,
            Some(world.api()),
            "the endpoint on an allowed host was followed"
        );

        // Only unknown hosts named: nothing to move to, and the failure says so in words.
        let alone = serde_json::json!({"is_alive": false, "available_api_endpoints": [probe]});
        second.route("/api/v1/app/status", Reply::json(alone.to_string()));
        let world = MirrorWorld::new().await?;
        let refusing = refusing_root()?;
        install_with_roots(&world.app, world.dir.path(), "aniliberty", &[&refusing, &second_root])
            .await?;
        let report = world.sync_source().await?;
        let error = report.error.context("no mirror answers: the sync fails")?;
        assert!(!error.is_empty(), "{error}");
        assert_eq!(reached.load(Ordering::SeqCst), 0, "still never contacted");
        assert_eq!(world.app.mirror_in_use("aniliberty").await?, None);
        assert!(world.app.titles(None, 100).await?.is_empty(), "nothing half-written");
        Ok(())
    }

    #[tokio::test]
    async fn a_root_the_user_set_is_never_replaced() -> Result<()> {
        let world = MirrorWorld::new().await?;
        let refusing = refusing_root()?;
        install_with_roots(
            &world.app,
            world.dir.path(),
            "aniliberty",
            &[&world.api(), &world.api()],
        )
        .await?;
        world.app.set_plugin_setting("aniliberty", "base_url", &refusing).await?;
        let report = world.sync_source().await?;
        assert!(report.error.is_some(), "the user's root is down: {report:?}");
        assert_eq!(world.status_asked(), 0, "no mirror is asked");
        assert_eq!(world.app.mirror_in_use("aniliberty").await?, None);
        assert!(
            world
                .app
                .set_plugin_setting("aniliberty", "mirror:in-use", &world.api())
                .await
                .is_err(),
            "the host's record is not a setting"
        );
        Ok(())
    }
}

/// Three titles of 12 episodes (source ids 1, 2, 3): MyAnimeList ids 5081 and 6505, and one
/// without.
fn titles_with_mal_ids() -> Vec<getanime_app::domain::Title> {
    use getanime_app::domain::{ExternalId, Tracker};
    [(1, Some("5081")), (2, Some("6505")), (3, None)]
        .into_iter()
        .map(|(n, mal)| {
            let mut title = getanime_testkit::generated_title(n, 12);
            title.external_ids = mal
                .map(|id| ExternalId { tracker: Tracker::MyAnimeList, id: id.into() })
                .into_iter()
                .collect();
            title
        })
        .collect()
}

/// A tracker whose ids are MyAnimeList's (Shikimori), against the stateful fake Shikimori: the
/// library's titles are found by their MyAnimeList ids, whichever source brought them; a title
/// without one is left out; the server's answer, not what was sent, is what is kept.
mod trackers_by_mal_id {
    use getanime_app::AccountSyncReport;
    use getanime_app::domain::{
        AccountState, ExternalId, ListFilter, ListStatus, SignInMethod, Tracker,
    };
    use getanime_testkit::shikimori::{self, FakeShikimori};

    use super::*;

    const SHIKIMORI: &str = "shikimori";

    struct ShikimoriWorld {
        _dir: tempfile::TempDir,
        app: App,
        _server: FakeServer,
        fake: FakeShikimori,
    }

    impl ShikimoriWorld {
        /// Three titles of 12 episodes: MyAnimeList ids 5081 and 6505, and one without.
        async fn new() -> Result<ShikimoriWorld> {
            ShikimoriWorld::paced(getanime_plugins::PaceClock::default()).await
        }

        /// The world with the rate limits on `clock`.
        async fn paced(clock: getanime_plugins::PaceClock) -> Result<ShikimoriWorld> {
            let dir = tempfile::tempdir()?;
            let limits =
                getanime_plugins::RuntimeLimits { pace_clock: clock, ..Default::default() };
            let app =
                App::open_with_limits(DataPaths::resolve(Some(dir.path().join("data")))?, limits)?;
            let server = FakeServer::start().await?;
            let fake = FakeShikimori::serve(&server);
            app.install_plugin(built_plugin(SHIKIMORI)?, None).await?;
            app.set_plugin_setting(SHIKIMORI, "base_url", &server.base_url()).await?;
            app.set_plugin_setting(SHIKIMORI, "client_id", shikimori::CLIENT_ID).await?;
            app.set_plugin_setting(SHIKIMORI, "client_secret", shikimori::CLIENT_SECRET).await?;
            app.grant_host(SHIKIMORI, "127.0.0.1").await?;
            app.ingest_for_benchmark("test-provider", titles_with_mal_ids()).await?;
            for (mal, total) in [(5081, 12), (6505, 12)] {
                fake.set_total(mal, total);
            }
            Ok(ShikimoriWorld { _dir: dir, app, _server: server, fake })
        }

        async fn connect(&self) -> Result<()> {
            paste_sign_in(&self.app, SHIKIMORI, self.fake.authorize()).await
        }

        async fn sync(&self) -> Result<AccountSyncReport> {
            let report = self.app.sync_accounts(None, true).await?.pop().context("one report")?;
            anyhow::ensure!(report.error.is_none(), "{report:?}");
            Ok(report)
        }

        async fn title(&self, n: usize) -> Result<TitleId> {
            let cards = self.app.titles(None, 500).await?;
            cards
                .iter()
                .find(|card| card.source_id == n.to_string())
                .map(|card| card.id)
                .context("the title")
        }

        async fn watched_through(&self, n: usize) -> Result<usize> {
            let details = self.app.title(self.title(n).await?).await?;
            Ok(details
                .episodes
                .iter()
                .filter(|entry| entry.watch.is_some_and(|w| w.watched))
                .count())
        }
    }

    #[tokio::test]
    async fn the_side_ahead_wins_ratings_cross_and_the_last_episode_completes() -> Result<()> {
        let world = ShikimoriWorld::new().await?;
        // Remote ahead on 6505 (7 vs 5 here), with a score; here ahead on 5081 with a rating.
        world.fake.set_rate(6505, "watching", 7, 6);
        for episode in 1..=5 {
            world.app.set_watched(world.title(2).await?, f64::from(episode), true).await?;
        }
        let first = world.title(1).await?;
        world.app.set_list_status(first, Some(ListStatus::Watching)).await?;
        for episode in 1..=3 {
            world.app.set_watched(first, f64::from(episode), true).await?;
        }
        world.app.rate(first, Some(Rating::new(8)?)).await?;
        world.app.set_list_status(world.title(3).await?, Some(ListStatus::Planned)).await?;

        world.connect().await?;
        let menu = world.app.accounts_menu().await?;
        let line = entry(&menu, &format!("Shikimori: {}", shikimori::NICKNAME))?;
        assert!(
            line.detail.contains("1 title has no MyAnimeList id and is left out"),
            "the planned title without one is named in the count: {}",
            line.detail
        );
        // This profile has history: the first sync only receives until the user says send.
        world.app.answer_consent(SHIKIMORI, true).await?;
        let report = world.sync().await?;
        assert_eq!(world.watched_through(2).await?, 7, "remote ahead: episodes 1–7 here");
        let details = world.app.title(world.title(2).await?).await?;
        assert_eq!(details.rating, Some(Rating::new(6)?), "the remote's score comes here");
        let rates = world.fake.rates();
        assert_eq!(rates[&5081].episodes, 3, "here ahead: sent: {rates:?} {report:?}");
        assert_eq!(rates[&5081].score, 8, "the rating here is sent");
        assert_eq!(rates[&6505].episodes, 7, "nothing sent back for the remote's own");
        assert_eq!(rates.len(), 2, "the title without a MyAnimeList id is left out");
        assert_eq!(world.fake.writes().len(), 1, "exactly one push: {:?}", world.fake.writes());
        assert_eq!(report.sent, 1);

        let again = world.sync().await?;
        assert_eq!((again.sent, again.taken), (0, 0), "{again:?}");
        assert_eq!(world.fake.writes().len(), 1, "a second sync writes nothing");

        // The last episode: the server completes the title, and so does the list here.
        for episode in 4..=12 {
            world.app.set_watched(first, f64::from(episode), true).await?;
        }
        world.sync().await?;
        assert_eq!(world.fake.rates()[&5081].status, "completed");
        let completed = world.app.list(ListFilter::Status(ListStatus::Completed), 10).await?;
        assert!(
            completed.iter().any(|item| item.card.id == first),
            "the server's answer is kept: {completed:?}"
        );
        Ok(())
    }

    /// Rewatching at Shikimori stays rewatching while episodes go there; an expired token is
    /// refreshed once in a whole sync; access revoked on the website turns the account into
    /// "sign in again" with the change kept, and signing in again sends it.
    #[tokio::test]
    async fn rewatching_stays_and_a_revoked_sign_in_loses_nothing() -> Result<()> {
        let world = ShikimoriWorld::new().await?;
        world.fake.set_rate(6505, "rewatching", 2, 0);
        world.connect().await?;
        world.sync().await?;
        let second = world.title(2).await?;
        let watching = world.app.list(ListFilter::Status(ListStatus::Watching), 10).await?;
        assert!(watching.iter().any(|item| item.card.id == second), "{watching:?}");
        assert_eq!(world.watched_through(2).await?, 2);
        world.app.set_watched(second, 3.0, true).await?;
        world.sync().await?;
        let rate = world.fake.rates()[&6505].clone();
        assert_eq!((rate.status.as_str(), rate.episodes), ("rewatching", 3), "kept as such");
        let details = world.app.title(second).await?;
        assert_eq!(details.rewatching_at, ["Shikimori"], "the title screen says so");

        // A day later the token has ended at the server: one refresh, the call again.
        world.fake.advance(shikimori::TOKEN_LIFETIME_S + 60);
        world.app.set_watched(second, 4.0, true).await?;
        world.sync().await?;
        assert_eq!(world.fake.refreshes(), 1);
        assert_eq!(world.fake.rates()[&6505].episodes, 4);

        world.fake.revoke_tokens();
        world.app.set_watched(second, 5.0, true).await?;
        let report = world.app.sync_accounts(None, true).await?.pop().context("a report")?;
        assert_eq!(report.state, Some(AccountState::NeedsSignIn), "{report:?}");
        let failure = report.failure.context("said in words")?;
        assert!(failure.contains("sign in again"), "{failure}");
        assert_eq!(world.fake.rates()[&6505].episodes, 4, "nothing reached it");
        let account = world.app.accounts().await?.pop().context("the account stays")?;
        assert!(account.pending >= 1, "the change waits: {account:?}");

        world.connect().await?;
        let account = world.app.accounts().await?.pop().context("signed in again")?;
        assert_eq!(account.state, AccountState::Active, "the first sync's answer is kept");
        world.sync().await?;
        let rate = world.fake.rates()[&6505].clone();
        assert_eq!((rate.status.as_str(), rate.episodes), ("rewatching", 5), "sent after all");
        Ok(())
    }

    /// What a viewer keeps to themselves: a title kept off the accounts is neither sent nor
    /// taken; a private profile still receives but sends nothing, and what it did while private
    /// is never sent once it is switched off; what comes after is.
    #[tokio::test]
    async fn a_kept_off_title_and_a_private_profile_stay_here() -> Result<()> {
        let world = ShikimoriWorld::new().await?;
        world.connect().await?;
        let (first, second) = (world.title(1).await?, world.title(2).await?);
        world.app.set_title_synced(first, false).await?;
        assert!(!world.app.title_synced(first).await?);
        assert!(world.app.title(first).await?.list.unsynced, "the title screen's button says so");
        world.app.set_watched(first, 1.0, true).await?;
        world.app.rate(first, Some(Rating::new(9)?)).await?;
        world.fake.set_rate(5081, "watching", 4, 0);
        world.sync().await?;
        assert!(world.fake.writes().is_empty(), "nothing sent: {:?}", world.fake.writes());
        assert_eq!(world.watched_through(1).await?, 1, "nothing taken");

        world.app.set_title_synced(first, true).await?;
        let menu = world.app.accounts_menu().await?;
        let switch = entry(&menu, "Private profile")?;
        assert_eq!(switch.value, "off");
        world.app.menu_run(button(switch, "Turn on")?, "").await?;
        assert_eq!(entry(&world.app.accounts_menu().await?, "Private profile")?.value, "on");
        for episode in 1..=2 {
            world.app.set_watched(second, f64::from(episode), true).await?;
        }
        let report = world.sync().await?;
        assert!(report.private && report.sent == 0, "{report:?}");
        assert!(world.fake.writes().is_empty(), "private: nothing sent");
        assert_eq!(world.watched_through(1).await?, 4, "private: still receives");
        let said = world.app.account_synced_text(SHIKIMORI).await?;
        assert!(said.contains("private"), "{said}");

        world.app.set_profile_private(false).await?;
        let report = world.sync().await?;
        assert_eq!(report.sent, 0, "the private time stays here: {report:?}");
        assert!(world.fake.writes().is_empty());
        assert_eq!(world.fake.rates()[&5081].score, 0, "the rating made while kept off stays");
        world.app.set_watched(second, 3.0, true).await?;
        world.sync().await?;
        assert_eq!(world.fake.rates()[&6505].episodes, 3, "a change after it goes");
        Ok(())
    }

    /// 200 changes made offline drain through the real plugin within Shikimori's 5 a second
    /// and 90 a minute, on a simulated clock the fake keeps the same limits on: none refused,
    /// and the waits add up to what the limits ask for, no more. (A new rate costs two
    /// requests: the plugin asks `whoami` for the user id its POST needs.)
    #[tokio::test]
    async fn two_hundred_changes_drain_within_the_limits() -> Result<()> {
        let clock = getanime_plugins::PaceClock::simulated();
        let world = ShikimoriWorld::paced(clock.clone()).await?;
        let titles: Vec<_> = (100..300)
            .map(|n| {
                let mut title = getanime_testkit::generated_title(n, 12);
                let mal = (30_000 + n).to_string();
                title.external_ids = vec![ExternalId { tracker: Tracker::MyAnimeList, id: mal }];
                title
            })
            .collect();
        world.app.ingest_for_benchmark("test-provider", titles).await?;
        world.fake.keep_limits({
            let clock = clock.clone();
            move || clock.elapsed()
        });
        world.connect().await?;
        for n in 100..300 {
            world.app.set_watched(world.title(n).await?, 1.0, true).await?;
        }
        let report = world.sync().await?;
        let (over, answered) = world.fake.paced_requests();
        assert_eq!(over, 0, "no request over the limits");
        assert_eq!((report.sent, report.pending), (200, 0), "{report:?}");
        assert_eq!(world.fake.rates().len(), 200);
        // 90 a minute: the last of them goes out in minute ⌊(n − 1) / 90⌋, and no later.
        let minutes = u64::try_from(answered - 1)? / 90;
        let waited = clock.elapsed();
        assert!(answered > 200 && waited >= Duration::from_secs(60 * minutes), "{waited:?}");
        assert!(waited < Duration::from_secs(60 * (minutes + 1)), "{answered}: {waited:?}");
        Ok(())
    }

    /// A first launch: the shipped Shikimori without a registered application. Accounts says
    /// so in words and offers the client's two rows (the secret drawn as dots, never repeated)
    /// instead of a password form; typing them installs it, then Connect signs in.
    #[tokio::test]
    async fn the_accounts_screen_asks_for_the_client_before_connecting() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let shipped = built_plugin(SHIKIMORI)?.parent().context("the plugins dir")?.to_owned();
        let app = App::open(DataPaths::resolve(Some(dir.path().join("data")))?)?
            .with_shipped_dir(Some(shipped));
        let menu = app.accounts_menu().await?;
        let connect = entry(&menu, "Connect Shikimori")?;
        assert!(connect.detail.contains("first needs an application registered"), "{connect:?}");
        assert!(entry(&menu, "Shikimori: login").is_err(), "no password form: {menu:?}");
        assert!(entry(&menu, "AniList: client id").is_ok(), "AniList asks for its client too");
        assert!(entry(&menu, "AniList: client secret").is_err(), "the token grant has none");
        let secret_row = entry(&menu, "Shikimori: client secret")?;
        assert!(secret_row.secret, "drawn as dots");
        let (id_action, secret_action) = (
            entry(&menu, "Shikimori: client id")?.actions[0].clone(),
            secret_row.actions[0].clone(),
        );

        let refused = app.start_sign_in(SHIKIMORI, SignInMethod::Paste).await;
        let refused = getanime_app::explain(&refused.err().context("no client, no sign-in")?);
        assert!(refused.contains("Profiles → Accounts"), "said in words: {refused}");

        app.menu_run(&id_action, shikimori::CLIENT_ID).await?;
        let question = app.menu_ask(&secret_action, shikimori::CLIENT_SECRET).await?;
        assert!(!question.contains(shikimori::CLIENT_SECRET), "{question}");
        let outcome = app.menu_run(&secret_action, shikimori::CLIENT_SECRET).await?;
        assert!(!outcome.message.contains(shikimori::CLIENT_SECRET), "{}", outcome.message);
        let menu = app.accounts_menu().await?;
        assert!(entry(&menu, "Shikimori: client id").is_err(), "typed: {menu:?}");
        assert!(entry(&menu, "Connect Shikimori")?.detail.contains("episodes watched"));
        let sources = app.sources_menu().await?;
        let kept = entry(&sources, "Shikimori · client_secret")?;
        assert!(kept.secret && !kept.detail.contains(shikimori::CLIENT_SECRET), "{kept:?}");

        let server = FakeServer::start().await?;
        let fake = FakeShikimori::serve(&server);
        app.set_plugin_setting(SHIKIMORI, "base_url", &server.base_url()).await?;
        app.grant_host(SHIKIMORI, "127.0.0.1").await?;
        paste_sign_in(&app, SHIKIMORI, fake.authorize()).await?;
        let menu = app.accounts_menu().await?;
        let line = entry(&menu, &format!("Shikimori: {}", shikimori::NICKNAME))?;
        assert_eq!(line.buttons, ["Sync now", "Pause", "Disconnect"]);
        assert!(!line.detail.contains("until"), "a refreshed token has no end: {line:?}");
        Ok(())
    }
}

/// A tracker with ids of its own (AniList), against the stateful fake AniList, against the stateful fake AniList: the library's
/// titles learn their AniList ids from their MyAnimeList ids once, then sync as Shikimori's do.
mod trackers_by_own_id {
    use getanime_testkit::anilist::FakeAnilist;

    use super::*;

    const ANILIST: &str = "anilist";

    #[tokio::test]
    async fn titles_are_resolved_once_then_synced_with_one_save() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let app = App::open(DataPaths::resolve(Some(dir.path().join("data")))?)?;
        let server = FakeServer::start().await?;
        let fake = FakeAnilist::serve(&server);
        app.install_plugin(built_plugin(ANILIST)?, None).await?;
        let graphql = format!("{}/graphql", server.base_url());
        app.set_plugin_setting(ANILIST, "graphql_url", &graphql).await?;
        app.set_plugin_setting(ANILIST, "client_id", "13985").await?;
        app.grant_host(ANILIST, "127.0.0.1").await?;
        app.ingest_for_benchmark("test-provider", titles_with_mal_ids()).await?;
        fake.set_mal(5081, 21);
        fake.set_mal(6505, 98951);
        fake.set_entry(98951, "CURRENT", 7, 60, true);
        let cards = app.titles(None, 50).await?;
        let title = |n: &str| cards.iter().find(|card| card.source_id == n).map(|card| card.id);
        let (first, second) = (title("1").context("1")?, title("2").context("2")?);
        for episode in 1..=3 {
            app.set_watched(first, f64::from(episode), true).await?;
        }
        app.rate(first, Some(Rating::new(8)?)).await?;

        paste_sign_in(&app, ANILIST, fake.issue_token()).await?;
        let menu = app.accounts_menu().await?;
        let line = menu.iter().find(|e| e.label.starts_with("AniList: ")).context("the account")?;
        assert!(line.detail.contains("signed in until"), "a year-long token says until when");
        let report = app.sync_accounts(None, true).await?.pop().context("a report")?;
        assert_eq!(report.error, None, "{report:?}");

        let watched = app
            .title(second)
            .await?
            .episodes
            .iter()
            .filter(|e| e.watch.is_some_and(|w| w.watched))
            .count();
        assert_eq!(watched, 7, "AniList's progress on 6505 (98951 there) came here");
        assert_eq!(app.title(second).await?.rating, Some(Rating::new(6)?), "60 of 100 is 6");
        let entry = fake.entries().get(&21).cloned().context("5081 saved as AniList's 21")?;
        assert_eq!((entry.progress, entry.score), (3, 80));
        let count = |name: &str| fake.operations().iter().filter(|op| *op == name).count();
        assert_eq!(count("mutation Save"), 1, "one save: {:?}", fake.operations());
        assert_eq!(count("query ByMal"), 1);

        let again = app.sync_accounts(None, true).await?.pop().context("a report")?;
        assert_eq!((again.error.as_deref(), again.sent, again.taken), (None, 0, 0), "{again:?}");
        assert_eq!(count("mutation Save"), 1, "a second sync saves nothing");
        assert_eq!(count("query ByMal"), 1, "ids are resolved once");
        Ok(())
    }
}

/// What a sync brings is noticed as the profile's Settings say: every followed title's new
/// episode, a favorite's only, or nothing; what was there before the sync is not news.
#[tokio::test]
async fn a_sync_s_new_episodes_are_noticed_as_the_settings_say() -> Result<()> {
    let world = World::new().await?;
    world.install_anilibria().await?;
    world.sync().await?;
    let postman = world.title("9612").await?.card.id;
    let alchemist = world.title("9601").await?.card.id;
    world.app.set_list_status(postman, Some(getanime_app::domain::ListStatus::Watching)).await?;
    world.app.set_watched(postman, 4.0, true).await?;
    world.app.set_favorite(alchemist, true).await?;

    // The source adds an episode to both.
    let mut page: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixture_path("anilibria", "updates_page1.json"))?)?;
    for (index, number) in [(0, 5), (1, 5)] {
        let title = &mut page["list"][index];
        let mut episode = title["player"]["list"]["4"].clone();
        episode["episode"] = serde_json::json!(number);
        title["player"]["list"][number.to_string()] = episode;
        title["updated"] = serde_json::json!(1_800_000_000 + index);
    }
    world.server.route("/v3/title/updates", Reply::json(serde_json::to_vec(&page)?));
    let since = chrono::Utc::now().timestamp_millis();
    world.sync().await?;

    let noticed = |news: Vec<getanime_app::domain::NewEpisode>| -> Vec<(TitleId, f64)> {
        news.iter().map(|item| (item.card.id, item.number)).collect()
    };
    // One sync saw both at once: in the title order then.
    assert_eq!(noticed(world.app.news_since(since).await?), [(postman, 5.0), (alchemist, 5.0)]);
    world.app.set_setting(Setting::NewEpisodeNotices, "favorites").await?;
    assert_eq!(noticed(world.app.news_since(since).await?), [(alchemist, 5.0)]);
    world.app.set_setting(Setting::NewEpisodeNotices, "off").await?;
    assert!(world.app.news_since(since).await?.is_empty());
    world.app.set_setting(Setting::NewEpisodeNotices, "followed").await?;
    let later = chrono::Utc::now().timestamp_millis() + 1;
    assert!(world.app.news_since(later).await?.is_empty(), "only what this sync brought");
    let home = world.app.home(1).await?;
    assert_eq!(noticed(home.new_for_you), [(postman, 5.0), (alchemist, 5.0)], "first on Home");
    Ok(())
}
