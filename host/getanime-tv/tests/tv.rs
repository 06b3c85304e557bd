//! Tests of the real `getanime` binary: the command line against a fake API on 127.0.0.1 with the
//! real plugins, and the real Slint window under Xvfb (`cargo xtask test` provides the display).

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use anyhow::{Context, Result, ensure};
use getanime_testkit::{FakeServer, built_plugin, fixture};

/// The accent color of `ui/theme.slint`, used by the app title.
const ACCENT: [u8; 3] = [0xff, 0x6b, 0x3d];

/// The `surface-raised` color of `ui/theme.slint`, used by the player's progress track.
const TRACK: [u8; 3] = [0x26, 0x2a, 0x36];

/// `getanime --data-dir DIR` in English, with no log asked for on the terminal.
fn getanime_command(data: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_getanime"));
    command
        .env("SLINT_BACKEND", "winit-software")
        .env("LANG", "C.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("GETANIME_LOG")
        .env_remove("RUST_LOG")
        .arg("--data-dir")
        .arg(data);
    command
}

/// Runs `getanime --data-dir DIR ARGS...`.
fn getanime(data: &Path, args: &[&str]) -> Result<Output> {
    getanime_command(data).args(args).output().context("running getanime")
}

/// Runs the UI in smoke mode on `data` without syncing, pressing `keys` (comma-separated), saving
/// screenshots from `screenshot` on when given; requires success and returns stderr.
fn run_ui(data: &Path, keys: &str, screenshot: Option<&Path>) -> Result<String> {
    run_window(data, &[OsStr::new("--no-sync")], keys, screenshot)
}

/// [`run_ui`] with other options instead of `--no-sync`.
fn run_window(
    data: &Path,
    options: &[&OsStr],
    keys: &str,
    screenshot: Option<&Path>,
) -> Result<String> {
    run_window_with(Command::new(env!("CARGO_BIN_EXE_getanime")), data, options, keys, screenshot)
}

/// [`run_window`] from a prepared command (with its own environment). The window speaks
/// English unless the command sets `LANG` itself.
fn run_window_with(
    mut command: Command,
    data: &Path,
    options: &[&OsStr],
    keys: &str,
    screenshot: Option<&Path>,
) -> Result<String> {
    if !command.get_envs().any(|(name, _)| name == "LANG") {
        command.env("LANG", "C.UTF-8");
    }
    command
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("SLINT_BACKEND", "winit-software")
        .env("GETANIME_SILENT", "1")
        .arg("--data-dir")
        .arg(data)
        .args(options)
        .args(["--exit-after-first-frame", "--keys", keys]);
    if let Some(screenshot) = screenshot {
        command.arg("--screenshot").arg(screenshot);
    }
    let output = command.output().context("running the UI")?;
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    ensure!(output.status.success(), "the UI failed: {stderr}");
    Ok(stderr)
}

/// The library id of the title named exactly `name` (from `getanime --json titles`).
fn title_named(data: &Path, name: &str) -> Result<String> {
    title_named_in(check(data, &["--json", "titles", "--limit", "1000"])?.as_bytes(), name)
}

/// Runs and requires success; returns stdout.
fn check(data: &Path, args: &[&str]) -> Result<String> {
    let output = getanime(data, args)?;
    ensure!(
        output.status.success(),
        "getanime {args:?} failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(String::from_utf8(output.stdout)?)
}

/// `getanime doctor` passes on this machine (set up as the package's Depends would), and
/// names what is missing and the package that brings it when GStreamer finds no plugins, or
/// when the library file is not a database.
#[test]
fn doctor_says_what_is_missing_and_which_package_brings_it() -> Result<()> {
    let temp = tempfile::tempdir()?;
    let healthy = check(temp.path(), &["doctor"])?;
    assert!(healthy.contains("Everything getanime needs is here."), "{healthy}");
    assert!(healthy.contains("ok      avdec_h264: decodes H.264 video"), "{healthy}");
    assert!(healthy.contains("ok      libxkbcommon.so.0: found"), "{healthy}");
    assert!(healthy.contains("shipped sources: AniLiberty, AniLibria in"), "{healthy}");

    // No GStreamer plugins at all: a registry of its own over an empty plugin folder.
    let no_plugins = getanime_command(temp.path())
        .env("GST_PLUGIN_SYSTEM_PATH_1_0", temp.path().join("no-plugins"))
        .env("GST_PLUGIN_PATH_1_0", temp.path().join("no-plugins"))
        .env("GST_REGISTRY_1_0", temp.path().join("registry.bin"))
        .args(["doctor", "--quiet"])
        .output()?;
    let said = String::from_utf8(no_plugins.stdout)?;
    assert_eq!(no_plugins.status.code(), Some(1), "{said}");
    assert!(
        said.contains(
            "MISSING avdec_h264: nothing decodes H.264 video — the package gstreamer1.0-libav brings it"
        ),
        "{said}"
    );
    assert!(!said.contains("ok "), "--quiet prints only what is missing: {said}");
    assert!(
        said.contains("To fix it: sudo apt install gstreamer1.0-libav gstreamer1.0-plugins-bad"),
        "{said}"
    );

    // A library file that is not a database: said, with the advice, and exit 1.
    std::fs::write(temp.path().join("library.sqlite3"), b"not a database")?;
    let damaged = getanime(temp.path(), &["--json", "doctor"])?;
    assert_eq!(damaged.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&damaged.stdout)?;
    assert_eq!(json["healthy"], false);
    let data = json["findings"]
        .as_array()
        .and_then(|findings| {
            findings.iter().find(|finding| {
                finding["subject"]
                    .as_str()
                    .is_some_and(|subject| subject.starts_with("data folder"))
            })
        })
        .context("a data folder finding")?;
    assert_eq!(data["ok"], false, "{data}");
    Ok(())
}

#[test]
fn status_reports_an_empty_new_library() -> Result<()> {
    let temp = tempfile::tempdir()?;
    let stdout = check(temp.path(), &["status"])?;
    assert!(stdout.contains("schema version: 9"), "{stdout}");
    assert!(stdout.contains("titles: 0"), "{stdout}");
    let json: serde_json::Value =
        serde_json::from_str(&check(temp.path(), &["--json", "status"])?)?;
    assert_eq!(json["titles"], 0);
    Ok(())
}

#[test]
fn the_command_line_installs_syncs_shows_rates_and_restores() -> Result<()> {
    let server = FakeServer::start_in_background()?;
    server.route("/v3/title/updates", fixture("anilibria", "updates_page1.json")?);
    server.route("/v3/title/schedule", fixture("anilibria", "schedule.json")?);
    server.route("/v3/title?id=9432", fixture("anilibria", "title_9432.json")?);
    let temp = tempfile::tempdir()?;
    let data = temp.path().join("data");
    let plugin = built_plugin("anilibria")?;

    let installed = check(&data, &["plugin", "install", plugin.to_str().context("utf-8 path")?])?;
    assert!(installed.contains("installed anilibria 0.3.0"), "{installed}");
    let set = getanime(
        &data,
        &["plugin", "set", "anilibria", "base_url", &format!("{}/v3", server.base_url())],
    )?;
    assert!(
        String::from_utf8_lossy(&set.stderr).contains("getanime plugin grant anilibria 127.0.0.1")
    );
    check(&data, &["plugin", "grant", "anilibria", "127.0.0.1"])?;

    let synced = check(&data, &["sync"])?;
    assert!(synced.contains("anilibria: 3 written, 0 unchanged"), "{synced}");
    let titles = check(&data, &["titles", "--query", "почтальон"])?;
    assert!(titles.contains("Звёздный почтальон"), "{titles}");
    let json: serde_json::Value =
        serde_json::from_str(&check(&data, &["--json", "titles", "--query", "почтальон"])?)?;
    let id = json[0]["id"].as_i64().context("a title id")?.to_string();

    check(&data, &["watched", &id, "3.5"])?;
    check(&data, &["rate", &id, "8"])?;
    let shown = check(&data, &["show", &id])?;
    assert!(shown.contains("your rating 8/10"), "{shown}");
    assert!(shown.contains("3.5 Что было раньше  [fhd hd sd]  ✓ watched"), "{shown}");
    assert!(check(&data, &["history"])?.contains("episode 3.5  watched"));
    assert!(check(&data, &["settings", "quality", "sd"])?.contains("quality = sd"));
    assert_eq!(getanime(&data, &["settings", "quality", "4k"])?.status.code(), Some(1));

    let backup = temp.path().join("backup.sqlite3");
    check(&data, &["backup", backup.to_str().context("utf-8 path")?])?;
    check(&data, &["rate", &id, "--clear"])?;
    check(&data, &["restore", backup.to_str().context("utf-8 path")?])?;
    assert!(check(&data, &["show", &id])?.contains("your rating 8/10"), "the rating is back");
    Ok(())
}

/// `getanime sync` fetches a title's details again once they are older than the Settings'
/// "Refresh title details after", and not before (it used the 24-hour default whatever was set).
#[test]
fn sync_honours_the_details_ttl_setting() -> Result<()> {
    let server = FakeServer::start_in_background()?;
    server.route("/v3/title/updates", fixture("anilibria", "updates_page1.json")?);
    server.route("/v3/title/schedule", fixture("anilibria", "schedule.json")?);
    let temp = tempfile::tempdir()?;
    let data = temp.path().join("data");
    install_against(&data, "anilibria", &format!("{}/v3", server.base_url()))?;
    let details_asked = || {
        server.requests().iter().filter(|request| request.ends_with("/v3/title?id=9601")).count()
    };
    check(&data, &["sync"])?;
    let first = details_asked();
    assert_eq!(first, 0, "the news page carried 9601's details in full: {:?}", server.requests());

    let runtime = tokio::runtime::Runtime::new()?;
    let seven_hours = std::time::Duration::from_secs(7 * 3600);
    let aged = runtime.block_on(async {
        let app = getanime_app::App::open(getanime_app::DataPaths::resolve(Some(data.clone()))?)?;
        app.backdate_details_for_test(seven_hours).await
    })?;
    ensure!(aged >= 1, "some title had details to age");
    check(&data, &["sync"])?;
    assert_eq!(details_asked(), first, "7-hour-old details are fresh under the 24-hour default");

    check(&data, &["settings", "details_ttl_hours", "6"])?;
    check(&data, &["sync"])?;
    assert_eq!(details_asked(), first + 1, "fetched again under 6 hours: {:?}", server.requests());
    let misspelled = getanime(&data, &["settings", "details_ttl", "6"])?;
    assert_eq!(misspelled.status.code(), Some(2), "an unknown setting is a usage error");
    assert!(String::from_utf8_lossy(&misspelled.stderr).contains("known: language, quality"));
    Ok(())
}

/// The terminal gets the command's sentences; the log goes to a private file in the XDG state
/// folder that `getanime status` names; a reader that closes the pipe early ends the command
/// quietly (it used to panic with "failed printing to stdout: Broken pipe").
#[test]
fn the_command_line_keeps_logs_off_the_terminal_and_ends_quietly_on_a_closed_pipe() -> Result<()> {
    let server = FakeServer::start_in_background()?;
    server.route("/v3/title/updates", fixture("anilibria", "updates_page1.json")?);
    // The schedule ends mid-way: a warning for the log, a sentence for the person.
    let schedule = std::fs::read(getanime_testkit::fixture_path("anilibria", "schedule.json"))?;
    server.route(
        "/v3/title/schedule",
        getanime_testkit::Reply::json(schedule[..schedule.len() / 2].to_vec()),
    );
    let temp = tempfile::tempdir()?;
    let data = temp.path().join("data");
    let state = temp.path().join("state");
    let quiet = |args: &[&str]| -> Result<Output> {
        let mut command = getanime_command(&data);
        command.env("XDG_STATE_HOME", &state).args(args).output().context("running getanime")
    };
    for args in [
        vec!["plugin", "install", built_plugin("anilibria")?.to_str().context("utf-8 path")?],
        vec!["plugin", "grant", "anilibria", "127.0.0.1"],
    ] {
        ensure!(quiet(&args)?.status.success(), "getanime {args:?}");
    }
    let base_url = format!("{}/v3", server.base_url());
    quiet(&["plugin", "set", "anilibria", "base_url", &base_url])?;
    let synced = quiet(&["sync"])?;
    let stdout = String::from_utf8_lossy(&synced.stdout);
    let stderr = String::from_utf8_lossy(&synced.stderr);
    assert!(stdout.contains("anilibria: 3 written"), "{stdout}\n{stderr}");
    for log_only in [" WARN ", " INFO ", "getanime_app::"] {
        assert!(!stderr.contains(log_only), "no log lines on the terminal: {stderr}");
    }

    let status: serde_json::Value = serde_json::from_slice(&quiet(&["--json", "status"])?.stdout)?;
    let log_file = PathBuf::from(status["log_file"].as_str().context("status names the log")?);
    assert_eq!(log_file, state.join("getanime/getanime.log"));
    let log = std::fs::read_to_string(&log_file)?;
    assert!(log.contains("WARN") && log.contains("answer cut off"), "the warning is logged: {log}");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&log_file)?.permissions().mode() & 0o777, 0o600);
    let verbose = quiet(&["-v", "titles"])?;
    assert!(String::from_utf8_lossy(&verbose.stderr).contains(" INFO "), "-v brings it back");

    let id = title_named_in(&quiet(&["--json", "titles"])?.stdout, "Звёздный почтальон")?;
    for args in [vec!["titles"], vec!["--json", "show", id.as_str()]] {
        let mut child = getanime_command(&data)
            .env("XDG_STATE_HOME", &state)
            .args(&args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()?;
        // The reader is gone before the first line is written, as `| head -1` can be.
        drop(child.stdout.take());
        let ended = child.wait_with_output()?;
        let stderr = String::from_utf8_lossy(&ended.stderr);
        assert!(ended.status.success(), "getanime {args:?} ended quietly: {stderr}");
        assert!(stderr.is_empty(), "getanime {args:?} said nothing: {stderr}");
    }
    Ok(())
}

/// The id of the title named `name` in `getanime --json titles` output.
fn title_named_in(json: &[u8], name: &str) -> Result<String> {
    let titles: serde_json::Value = serde_json::from_slice(json)?;
    titles
        .as_array()
        .into_iter()
        .flatten()
        .find(|title| title["name"] == name)
        .and_then(|title| title["id"].as_i64())
        .map(|id| id.to_string())
        .with_context(|| format!("no title named {name}: {titles}"))
}

#[test]
fn failures_exit_1_with_one_line_and_usage_errors_exit_2() -> Result<()> {
    let temp = tempfile::tempdir()?;
    let missing = getanime(temp.path(), &["show", "12345"])?;
    assert_eq!(missing.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(stderr.starts_with("error: ") && stderr.contains("no title with id 12345"), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    let usage = getanime(temp.path(), &["rate", "1", "11"])?;
    assert_eq!(usage.status.code(), Some(2));
    let unknown = getanime(temp.path(), &["plugin", "install", "/no/such/package"])?;
    assert_eq!(unknown.status.code(), Some(1));
    Ok(())
}

#[test]
fn the_window_renders_the_home_screen_and_exits() -> Result<()> {
    require_display()?;
    let temp = tempfile::tempdir()?;
    let screenshot = screenshot_path("home.png")?;
    let output = getanime(
        temp.path(),
        &["--exit-after-first-frame", "--screenshot", screenshot.to_str().context("utf-8 path")?],
    )?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    ensure!(output.status.success(), "the UI failed: {stderr}");
    assert!(stderr.contains("first frame with the library rendered"), "{stderr}");
    assert!(temp.path().join("library.sqlite3").is_file(), "the UI opened the library");

    let image = image::open(&screenshot).context("reading the screenshot")?.to_rgba8();
    assert!(image.width() >= 640 && image.height() >= 360, "{}x{}", image.width(), image.height());
    let accent_pixels = image.pixels().filter(|pixel| pixel.0[..3] == ACCENT).count();
    assert!(
        accent_pixels > 100,
        "the title in the accent color is visible ({accent_pixels} pixels)"
    );
    Ok(())
}

/// Screenshots are kept in `target/screenshots/` for people to look at.
fn screenshot_path(name: &str) -> Result<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir)?;
    Ok(dir.join(name))
}

/// SIGKILL in the middle of a real sync, 20 times (`GETANIME_SOAK_ROUNDS` to change): the library file stays healthy and every title
/// in it is whole (24 episodes, 72 streams, 1 torrent), never half-written.
#[test]
fn killing_a_sync_never_leaves_a_half_written_title() -> Result<()> {
    const PAGES: u32 = 5;
    const TITLES_PER_PAGE: u32 = 20;
    let server = FakeServer::start_in_background()?;
    server.route("/v3/title/schedule", getanime_testkit::Reply::json("[]"));
    let temp = tempfile::tempdir()?;
    let data = temp.path().join("data");
    install_against(&data, "anilibria", &format!("{}/v3", server.base_url()))?;

    // 20 rounds here; `cargo xtask soak` asks for more.
    let rounds: u64 = std::env::var("GETANIME_SOAK_ROUNDS")
        .ok()
        .and_then(|rounds| rounds.parse().ok())
        .unwrap_or(20);
    let mut killed_mid_sync = 0;
    for round in 0..rounds {
        // New timestamps every round, so every round rewrites every title.
        for page in 1..=PAGES {
            let body = getanime_testkit::generated_anilibria_page(
                page,
                PAGES,
                TITLES_PER_PAGE,
                1_700_000_000 + round,
            );
            let reply =
                getanime_testkit::Reply::json(body).delayed(std::time::Duration::from_millis(150));
            server.route(&format!("/v3/title/updates?page={page}&items_per_page=20"), reply);
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_getanime"))
            .arg("--data-dir")
            .arg(&data)
            .arg("sync")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()?;
        std::thread::sleep(std::time::Duration::from_millis(100 + (round * 97) % 600));
        if child.try_wait()?.is_none() {
            killed_mid_sync += 1;
        }
        child.kill()?;
        child.wait()?;

        let report: serde_json::Value = serde_json::from_str(&check(&data, &["--json", "check"])?)?;
        assert_eq!(report["ok"], true, "round {round}: {report}");
        let titles = report["titles"].as_u64().context("titles")?;
        assert_eq!(report["episodes"].as_u64(), Some(titles * 24), "round {round}: {report}");
        assert_eq!(report["streams"].as_u64(), Some(titles * 72), "round {round}: {report}");
        assert_eq!(report["torrents"].as_u64(), Some(titles), "round {round}: {report}");
    }
    assert!(
        killed_mid_sync * 2 >= rounds,
        "most kills must land during a sync ({killed_mid_sync} of {rounds})"
    );
    Ok(())
}

/// A library with one AniLiberty title whose two episodes are a real HLS stream generated by
/// GStreamer and served on loopback. Returns the server (keep it alive), the data dir and the id.
struct PlayableLibrary {
    _media: tempfile::TempDir,
    _server: FakeServer,
    _temp: tempfile::TempDir,
    data: PathBuf,
    title_id: String,
}

/// The info-hash of the test title's one torrent.
const TEST_MAGNET_HASH: &str = "0123456789abcdef0123456789abcdef01234567";

/// A fake server on 127.0.0.1 serving a 6 s generated HLS stream at `/media/ep1/index.m3u8`
/// (keep the directory alive with it).
fn served_media() -> Result<(tempfile::TempDir, FakeServer)> {
    served_media_lasting(6)
}

/// [`served_media`] with episodes of `seconds`.
fn served_media_lasting(seconds: u32) -> Result<(tempfile::TempDir, FakeServer)> {
    let media = tempfile::tempdir()?;
    let spec = getanime_player::media::TestStreamSpec {
        seconds,
        width: 320,
        height: 180,
        ..Default::default()
    };
    getanime_player::media::generate_hls(&media.path().join("ep1"), &spec)?;
    let server = FakeServer::start_in_background()?;
    server.serve_dir("/media", media.path());
    Ok((media, server))
}

/// A new library with the AniLiberty plugin against `server`, synced: its folder (kept while
/// the first value lives), the data directory, and the first title's id.
fn synced_aniliberty(server: &FakeServer) -> Result<(tempfile::TempDir, PathBuf, String)> {
    let temp = tempfile::tempdir()?;
    let data = temp.path().join("data");
    install_against(&data, "aniliberty", &format!("{}/api/v1", server.base_url()))?;
    check(&data, &["sync"])?;
    let json: serde_json::Value = serde_json::from_str(&check(&data, &["--json", "titles"])?)?;
    let title_id = json[0]["id"].as_i64().context("the title id")?.to_string();
    Ok((temp, data, title_id))
}

/// AniLiberty's latest releases on `server`, and each release by its id.
fn serve_releases(server: &FakeServer, releases: &[serde_json::Value]) -> Result<()> {
    server.route(
        "/api/v1/anime/releases/latest",
        getanime_testkit::Reply::json(serde_json::to_vec(releases)?),
    );
    for release in releases {
        server.route(
            &format!("/api/v1/anime/releases/{}", release["id"]),
            getanime_testkit::Reply::json(serde_json::to_vec(release)?),
        );
    }
    Ok(())
}

/// Installs the built plugin `id` into `data`, pointed at `base_url` on 127.0.0.1 (granted).
fn install_against(data: &Path, id: &str, base_url: &str) -> Result<()> {
    check(data, &["plugin", "install", built_plugin(id)?.to_str().context("utf-8 path")?])?;
    check(data, &["plugin", "set", id, "base_url", base_url])?;
    check(data, &["plugin", "grant", id, "127.0.0.1"])?;
    Ok(())
}

/// The `getanime` command shipping the built plugins as its sources, `id`'s API preset to
/// `base_url` (the documented `GETANIME_PRESET_<ID>_BASE_URL`).
fn shipping_sources(id: &str, base_url: &str) -> Result<Command> {
    let shipped = built_plugin(id)?.parent().context("the plugins dir")?.to_path_buf();
    let mut command = Command::new(env!("CARGO_BIN_EXE_getanime"));
    command
        .env(getanime_app::SHIPPED_PLUGINS_ENV, shipped)
        .env(getanime_app::preset_variable(id, "base_url"), base_url);
    Ok(command)
}

/// A fake AniLibria v3 API on 127.0.0.1 whose latest page holds two generated titles.
fn two_title_anilibria() -> Result<FakeServer> {
    let server = FakeServer::start_in_background()?;
    server.route("/v3/title/schedule", getanime_testkit::Reply::json("[]"));
    let page = getanime_testkit::generated_anilibria_page(1, 1, 2, 1_700_000_000);
    server.route("/v3/title/updates?page=1&items_per_page=20", getanime_testkit::Reply::json(page));
    Ok(server)
}

fn playable_library() -> Result<PlayableLibrary> {
    playable_library_lasting(6)
}

/// [`playable_library`] with episodes of `seconds`.
fn playable_library_lasting(seconds: u32) -> Result<PlayableLibrary> {
    let (media, server) = served_media_lasting(seconds)?;
    let episode = |ordinal: u32| {
        serde_json::json!({"ordinal": ordinal, "sort_order": ordinal, "duration": seconds,
            "hls_720": format!("{}/media/ep1/index.m3u8", server.base_url()), "name": format!("Серия {ordinal}")})
    };
    let release = serde_json::json!({"id": 77, "publish_day": {"value": 6}, "name": {"main": "Тестовый сериал", "english": "Test Series"},
        "fresh_at": "2025-05-14T17:42:05+00:00", "type": {"value": "TV"}, "year": 2025,
        "description": "Полосы, мяч и тон: сериал, сгенерированный GStreamer для тестов.",
        "episodes": [episode(1), episode(2)],
        "torrents": [{"id": 501, "hash": TEST_MAGNET_HASH, "size": 734_003_200, "type": {"value": "WEBRip"},
            "quality": {"value": "720p"}, "description": "1-2", "seeders": 17}]});
    serve_releases(&server, std::slice::from_ref(&release))?;
    let week = serde_json::json!([{ "release": release }]);
    server.route(
        "/api/v1/anime/schedule/week",
        getanime_testkit::Reply::json(serde_json::to_vec(&week)?),
    );

    let (temp, data, title_id) = synced_aniliberty(&server)?;
    Ok(PlayableLibrary { _media: media, _server: server, _temp: temp, data, title_id })
}

/// `getanime catalog`: the filters a source offers, then a filtered page of its whole catalog,
/// saved to the library like a sync.
#[test]
fn the_command_line_browses_a_whole_catalog_with_filters() -> Result<()> {
    let server = FakeServer::start_in_background()?;
    server.route("/v3/genres", getanime_testkit::Reply::json(r#"["Экшен", "Драма"]"#));
    server.route("/v3/years", getanime_testkit::Reply::json("[1999, 2025]"));
    server.route("/v3/title/search", fixture("anilibria", "search_alchemist.json")?);
    let temp = tempfile::tempdir()?;
    let data = temp.path().join("data");
    install_against(&data, "anilibria", &format!("{}/v3", server.base_url()))?;
    let filters = check(&data, &["catalog", "anilibria", "--filters"])?;
    assert!(filters.contains("genres: Экшен Экшен, Драма Драма"), "{filters}");
    assert!(filters.contains("years: 1999-2025"), "{filters}");
    assert!(filters.contains("statuses: (not offered)"), "{filters}");
    let page = check(&data, &["catalog", "anilibria", "--genre", "Драма", "--year-from", "2003"])?;
    assert!(page.contains("page 1"), "{page}");
    let titles = check(&data, &["titles"])?;
    assert!(titles.lines().count() >= 2, "the page is in the library: {titles}");
    let asked = server.requests();
    ensure!(
        asked.iter().any(|target| target.contains("genres=%D0%94%D1%80%D0%B0%D0%BC%D0%B0")
            && target.contains("year=2003%2C")),
        "{asked:?}"
    );
    Ok(())
}

/// Real AniLiberty answers link releases to MyAnimeList and Shikimori: after a sync, `show`
/// names both ids with their pages (stored by the V3 schema).
#[test]
fn a_synced_title_shows_its_tracker_ids() -> Result<()> {
    let server = FakeServer::start_in_background()?;
    let real = |name: &str| fixture("aniliberty", &format!("real/{name}"));
    server.route("/api/v1/anime/releases/latest", real("releases_latest.json")?);
    server.route("/api/v1/anime/schedule/week", real("schedule_week.json")?);
    let temp = tempfile::tempdir()?;
    let data = temp.path().join("data");
    install_against(&data, "aniliberty", &format!("{}/api/v1", server.base_url()))?;
    check(&data, &["sync"])?;
    let titles: serde_json::Value =
        serde_json::from_str(&check(&data, &["--json", "titles", "--query", "Блич"])?)?;
    let id = titles[0]["id"].as_i64().context("Bleach from the real schedule")?.to_string();
    let shown = check(&data, &["show", &id, "--offline"])?;
    assert!(shown.contains("MyAnimeList 269: https://myanimelist.net/anime/269"), "{shown}");
    assert!(shown.contains("Shikimori 269: https://shikimori.one/animes/269"), "{shown}");
    Ok(())
}

/// `getanime play` on a real HLS stream found through the real AniLiberty plugin: it plays to the
/// end, marks the episode watched and names the next.
#[test]
fn play_runs_an_episode_to_the_end_and_marks_it_watched() -> Result<()> {
    let library = playable_library()?;
    let played = check(&library.data, &["play", &library.title_id, "1", "--silent"])?;
    assert!(played.contains("finished; next: episode 2"), "{played}");
    let shown = check(&library.data, &["show", &library.title_id])?;
    assert!(shown.contains("1 Серия 1  [hd]  ✓ watched"), "{shown}");
    Ok(())
}

/// `getanime play` when the video server has gone: one sentence naming the server, not
/// GStreamer's "Internal data stream error"; the exit code says it failed. (The command line
/// speaks English; the player screen says the same in the interface language.)
#[test]
fn play_names_a_video_server_that_does_not_answer() -> Result<()> {
    let PlayableLibrary { _server: server, data, title_id, _temp, _media } = playable_library()?;
    drop(server);
    let output = getanime(&data, &["play", &title_id, "1", "--silent"])?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "error: The video server (127.0.0.1) does not answer; try another quality (q) or later."
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("Internal data stream error"), "{stderr}");
    Ok(())
}

/// A first launch whose source does not answer, in Russian: the welcome screen says so in the
/// viewer's words (never the transport's English chain) and offers to choose again.
#[test]
fn a_first_launch_says_in_words_when_the_source_does_not_answer() -> Result<()> {
    require_display()?;
    let gone = format!("http://127.0.0.1:{}/api/v1", free_port()?);
    let temp = tempfile::tempdir()?;
    let data = temp.path().join("data");
    let mut command = shipping_sources("aniliberty", &gone)?;
    command.env("LANG", "ru_RU.UTF-8");
    let shot = screenshot_path("first-launch-unreachable-ru.png")?;
    run_window_with(
        command,
        &data,
        &[OsStr::new("--no-sync")],
        "enter,wait,wait,wait",
        Some(&shot),
    )?;
    let read = read_screen(&shot.with_file_name("first-launch-unreachable-ru-4.png"), "rus")?;
    assert!(read.contains("не отвечает") && read.contains("Выберите снова"), "{read}");
    assert!(!read.contains("error") && !read.contains("127.0.0.1"), "no English chain: {read}");
    Ok(())
}

/// A first launch with a remote alone, on an empty data directory, against the real AniLiberty
/// answers served on 127.0.0.1 (the shipped plugin's API preset through the documented
/// `GETANIME_PRESET_ANILIBERTY_BASE_URL`): the welcome screen → Enter installs AniLiberty and
/// syncs it → Home → Up, Enter: Search → one letter and Done on the on-screen keyboard → the
/// source's result has the focus → Enter opens it and its episodes come without a sync → Enter
/// plays episode 1 → Back.
#[test]
fn a_first_launch_reaches_an_episode_with_the_remote_alone() -> Result<()> {
    require_display()?;
    let (_media, server) = served_media()?;
    let real = |name: &str| -> Result<serde_json::Value> {
        let path = getanime_testkit::fixture_path("aniliberty", &format!("real/{name}"));
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        Ok(serde_json::from_str(&text)?)
    };
    let serve = |path: &str, value: &serde_json::Value| -> Result<()> {
        server.route(path, getanime_testkit::Reply::json(serde_json::to_vec(value)?));
        Ok(())
    };
    serve("/api/v1/anime/releases/latest", &real("releases_latest.json")?)?;
    serve("/api/v1/anime/schedule/week", &real("schedule_week.json")?)?;
    // Release 9970 as the API gives it, its streams moved to 127.0.0.1; search answers its
    // summary (no episodes), as the real search does.
    let mut release = real("release_9970.json")?;
    let stream = format!("{}/media/ep1/index.m3u8", server.base_url());
    for episode in release["episodes"].as_array_mut().context("episodes")? {
        for quality in ["hls_480", "hls_720", "hls_1080"] {
            episode[quality] = serde_json::Value::String(stream.clone());
        }
    }
    serve("/api/v1/anime/releases/9970", &release)?;
    let mut summary = release.clone();
    for detail in ["episodes", "torrents", "members", "sponsor", "genres"] {
        summary.as_object_mut().context("a release object")?.remove(detail);
    }
    serve("/api/v1/app/search/releases", &serde_json::json!([summary]))?;

    let temp = tempfile::tempdir()?;
    let data = temp.path().join("data");
    let mut command = shipping_sources("aniliberty", &format!("{}/api/v1", server.base_url()))?;
    command.env(getanime_app::preset_variable("aniliberty", "media_host"), server.base_url());
    let shot = screenshot_path("first-launch.png")?;
    // Welcome: Enter. Home: Up to Search, Enter. Down to the keyboard, Down, Right ×4 to «п»,
    // Enter types it; Down ×2 to Done, Enter asks the source. Enter opens the result, Enter plays
    // episode 1, a moment of playback, Back.
    let keys = "enter,up,enter,down,down,right,right,right,right,enter,down,down,enter,enter,enter,wait,back";
    run_window_with(command, &data, &[OsStr::new("--no-sync")], keys, Some(&shot))?;

    let typed = server.requests();
    assert!(
        typed.iter().any(|request| request == "/api/v1/app/search/releases?query=%D0%BF"),
        "the on-screen keyboard typed «п» and Done asked the source: {typed:?}"
    );
    let id = title_named(&data, "Песнь ночных сов 2")?;
    let shown = check(&data, &["show", &id, "--offline"])?;
    assert!(shown.contains("Это время не для нас"), "episodes came on open: {shown}");
    let first = shown.lines().find(|line| line.contains("Это время не для нас")).unwrap_or("");
    assert!(first.contains("▶ at") || first.contains("✓ watched"), "episode 1 was played: {shown}");
    let count = |path: &Path| -> Result<usize> {
        let image = image::open(path)?.to_rgba8();
        Ok(image.pixels().filter(|pixel| pixel.0[..3] == ACCENT).count())
    };
    assert!(count(&shot)? > 1_000, "the welcome screen shows its heading and focus ring");
    Ok(())
}

/// An X server of the test's own (Xvfb), so real input sent to it cannot reach the windows of
/// the tests running beside it on the shared display. Stopped when dropped.
struct OwnDisplay {
    server: std::process::Child,
    display: String,
}

impl OwnDisplay {
    fn start() -> Result<OwnDisplay> {
        use std::io::BufRead;
        let mut server = Command::new("Xvfb")
            .args(["-displayfd", "1", "-screen", "0", "1920x1080x24", "-nolisten", "tcp"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .context("starting Xvfb")?;
        let stdout = server.stdout.take().context("Xvfb's stdout")?;
        let mut number = String::new();
        std::io::BufReader::new(stdout).read_line(&mut number)?;
        let number = number.trim();
        ensure!(!number.is_empty(), "Xvfb did not say which display it opened");
        Ok(OwnDisplay { server, display: format!(":{number}") })
    }

    /// Starts the app's window here (`command` names its options); returns it and its X id.
    fn open_window(&self, command: Command) -> Result<(std::process::Child, String)> {
        self.open_window_in(command, "C.UTF-8")
    }

    /// [`OwnDisplay::open_window`] in the language of locale `lang`.
    fn open_window_in(
        &self,
        mut command: Command,
        lang: &str,
    ) -> Result<(std::process::Child, String)> {
        let app = command
            .env("DISPLAY", &self.display)
            .env("LANG", lang)
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("SLINT_BACKEND", "winit-software")
            .env("GETANIME_SILENT", "1")
            .stderr(std::process::Stdio::piped())
            .spawn()
            .context("starting the window")?;
        let window = (0..100)
            .find_map(|_| {
                std::thread::sleep(std::time::Duration::from_millis(200));
                // Found by its app id (WM_CLASS), the one the desktop entry names.
                let found = self
                    .xdotool(&["search", "--classname", "^io\\.github\\.getanime\\.GetAnime$"])
                    .ok()?;
                found.lines().next().map(str::to_owned)
            })
            .context("the window never appeared")?;
        Ok((app, window))
    }

    /// Gives `window` the keyboard focus, once it is shown (a window just found may not be
    /// mapped yet).
    fn focus(&self, window: &str) -> Result<()> {
        let mut last = None;
        for _ in 0..50 {
            match self.xdotool(&["windowfocus", "--sync", window]) {
                Ok(_) => return Ok(()),
                Err(error) => last = Some(error),
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        Err(last.unwrap_or_else(|| anyhow::anyhow!("the window never took the focus")))
    }

    /// Real key presses, in order, to the focused window.
    fn keys(&self, keys: &[&str]) -> Result<()> {
        self.keys_every(keys, 120)
    }

    /// [`OwnDisplay::keys`], `delay_ms` apart.
    fn keys_every(&self, keys: &[&str], delay_ms: u32) -> Result<()> {
        let delay = delay_ms.to_string();
        let mut args = vec!["key", "--delay", delay.as_str()];
        args.extend_from_slice(keys);
        self.xdotool(&args).map(drop)
    }

    /// Takes screenshots of the whole screen into `png` until OCR reads all of `words` there
    /// (20 s at most): a screen is waited for by what it shows.
    fn wait_for_screen(&self, png: &Path, languages: &str, words: &[&str]) -> Result<()> {
        self.wait_for_region(png, None, languages, words)
    }

    /// [`OwnDisplay::wait_for_screen`] on a part of the screen (`crop`: ImageMagick geometry,
    /// `WxH+X+Y`), for a small text OCR misses among the rest.
    fn wait_for_region(
        &self,
        png: &Path,
        crop: Option<&str>,
        languages: &str,
        words: &[&str],
    ) -> Result<()> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let mut import = Command::new("import");
            import.env("DISPLAY", &self.display).args(["-window", "root"]);
            if let Some(crop) = crop {
                import.args(["-crop", crop]);
            }
            import.args(["+repage"]);
            let taken = import.arg(png).status().context("running import (ImageMagick)")?;
            ensure!(taken.success(), "import could not take a screenshot");
            let text = read_screen(png, languages)?;
            if words.iter().all(|word| text.contains(word)) {
                return Ok(());
            }
            ensure!(
                std::time::Instant::now() < deadline,
                "the screen never showed {words:?}; OCR read last:\n{text}"
            );
            std::thread::sleep(std::time::Duration::from_millis(300));
        }
    }

    /// Runs `xdotool ARGS...` on this display; requires success, returns stdout.
    fn xdotool(&self, args: &[&str]) -> Result<String> {
        let output = Command::new("xdotool")
            .env("DISPLAY", &self.display)
            .args(args)
            .output()
            .context("running xdotool")?;
        ensure!(
            output.status.success(),
            "xdotool {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    }
}

impl Drop for OwnDisplay {
    fn drop(&mut self) {
        if let Err(error) = self.server.kill().and_then(|()| self.server.wait().map(drop)) {
            eprintln!("stopping Xvfb: {error}");
        }
    }
}

/// At a desk, with real X input: on the welcome screen the mouse wheel moves the focus down to
/// AniLibria and a real Return key installs it (not AniLiberty, which had the focus).
#[test]
fn the_mouse_wheel_and_real_keys_drive_the_window() -> Result<()> {
    require_display()?;
    let server = two_title_anilibria()?;
    let temp = tempfile::tempdir()?;
    let data = temp.path().join("data");
    let screen = OwnDisplay::start()?;
    let mut command = shipping_sources("anilibria", &format!("{}/v3", server.base_url()))?;
    command
        .arg("--data-dir")
        .arg(&data)
        .args(["--exit-after-first-frame", "--key-interval-ms", "1500", "--keys"])
        .arg(["wait"; 12].join(","));
    let (app, window) = screen.open_window(command)?;
    let pause = || std::thread::sleep(std::time::Duration::from_millis(1_500));
    pause();
    screen.xdotool(&["windowfocus", "--sync", &window])?;
    screen.xdotool(&["mousemove", "960", "540"])?;
    screen.xdotool(&["click", "5"])?;
    pause();
    screen.xdotool(&["key", "Return"])?;
    let output = app.wait_with_output()?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    ensure!(output.status.success(), "the window failed: {stderr}");
    let plugins = check(&data, &["plugin", "list"])?;
    ensure!(
        plugins.contains("anilibria") && !plugins.contains("aniliberty"),
        "the wheel moved the focus to AniLibria before Enter: {plugins}"
    );
    let status = check(&data, &["status"])?;
    ensure!(status.contains("titles: 2"), "the install synced the fake API: {status}");
    Ok(())
}

/// With a mouse, on real X input: a left click on the second card of Home opens that title (not
/// the focused first one), as its rating by a real → key then shows.
#[test]
fn a_left_click_opens_the_card_it_hits() -> Result<()> {
    require_display()?;
    let server = two_title_anilibria()?;
    let temp = tempfile::tempdir()?;
    let data = temp.path().join("data");
    install_against(&data, "anilibria", &format!("{}/v3", server.base_url()))?;
    check(&data, &["sync"])?;
    let rated = || -> Result<Vec<String>> {
        let titles: serde_json::Value =
            serde_json::from_str(&check(&data, &["--json", "titles"])?)?;
        let mut rated = Vec::new();
        for title in titles.as_array().context("a list of titles")? {
            let id = title["id"].as_i64().context("a title id")?.to_string();
            if check(&data, &["show", &id])?.contains("your rating 1/10") {
                rated.push(id);
            }
        }
        Ok(rated)
    };

    // The keys alone open the focused first card.
    run_ui(&data, "enter,right", None)?;
    let first = rated()?;
    ensure!(first.len() == 1, "Enter and → rated the focused title: {first:?}");
    check(&data, &["rate", &first[0], "--clear"])?;

    let screen = OwnDisplay::start()?;
    let shot = screenshot_path("tv-click.png")?;
    if shot.exists() {
        std::fs::remove_file(&shot)?;
    }
    let mut command = Command::new(env!("CARGO_BIN_EXE_getanime"));
    command
        .arg("--data-dir")
        .arg(&data)
        .args(["--no-sync", "--exit-after-first-frame", "--key-interval-ms", "1500"])
        .arg("--screenshot")
        .arg(&shot)
        .arg("--keys")
        .arg(["wait"; 6].join(","));
    let (app, window) = screen.open_window(command)?;
    // The first frame (the focused first card) says where the second card is.
    let home = (0..100)
        .find_map(|_| {
            std::thread::sleep(std::time::Duration::from_millis(200));
            image::open(&shot).ok()
        })
        .context("the first frame was never saved")?
        .to_rgba8();
    let (left, top, right, bottom) = focus_ring(&home).context("no focused card on Home")?;
    let card_step = 220 + 24; // Theme.card-width + Theme.spacing at a 1920×1080 scale of 1
    let (x, y) = ((left + right) / 2 + card_step, (top + bottom) / 2);
    screen.xdotool(&["windowfocus", "--sync", &window])?;
    screen.xdotool(&["mousemove", &x.to_string(), &y.to_string()])?;
    screen.xdotool(&["click", "1"])?;
    std::thread::sleep(std::time::Duration::from_millis(1_500));
    screen.xdotool(&["key", "Right"])?;
    let output = app.wait_with_output()?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    ensure!(output.status.success(), "the window failed: {stderr}");
    let clicked = rated()?;
    ensure!(
        clicked.len() == 1 && clicked != first,
        "the click opened the second card, not the focused {first:?}: rated {clicked:?}"
    );
    Ok(())
}

/// The real window under Xvfb, driven by key events: Home → Enter (title) → Enter (player), a
/// screenshot of each screen in `target/screenshots/`. The player shows real decoded video (on a
/// loaded machine the first frame may take longer than one key interval: one more shot).
#[test]
fn the_tv_ui_goes_home_title_player_with_keys() -> Result<()> {
    require_display()?;
    let library = playable_library()?;
    let home = screenshot_path("tv-home.png")?;
    let stderr = run_ui(&library.data, "enter,enter,wait", Some(&home))?;
    ensure!(stderr.contains("smoke run done"), "{stderr}");

    let count = |path: &Path, color: [u8; 3]| -> Result<usize> {
        let image =
            image::open(path).with_context(|| format!("reading {}", path.display()))?.to_rgba8();
        Ok(image.pixels().filter(|pixel| pixel.0[..3] == color).count())
    };
    let colorful = |path: &Path| -> Result<usize> {
        let image =
            image::open(path).with_context(|| format!("reading {}", path.display()))?.to_rgba8();
        Ok(image
            .pixels()
            .filter(|pixel| {
                let [r, g, b, _] = pixel.0;
                r.max(g).max(b) - r.min(g).min(b) > 120
            })
            .count())
    };
    let accent = count(&home, ACCENT)?;
    ensure!(accent > 1_000, "home: the title and the focus ring are drawn ({accent})\n{stderr}");
    let title = count(&home.with_file_name("tv-home-1.png"), ACCENT)?;
    ensure!(title > 200, "title: the focused episode has its ring ({title})\n{stderr}");
    let bars = colorful(&home.with_file_name("tv-home-2.png"))?
        .max(colorful(&home.with_file_name("tv-home-3.png"))?);
    ensure!(
        bars > 20_000,
        "player: the test pattern's colour bars are on screen ({bars} pixels)\n{stderr}"
    );
    Ok(())
}

/// Rating from the remote: on the title screen → → sets 2/10, stored in the library.
#[test]
fn the_title_screen_rates_with_left_and_right() -> Result<()> {
    require_display()?;
    let library = playable_library()?;
    run_ui(&library.data, "enter,right,right", None)?;
    let shown = check(&library.data, &["show", &library.title_id])?;
    assert!(shown.contains("your rating 2/10"), "{shown}");
    Ok(())
}

/// Keeping a title off the accounts from its screen, in Russian: Up to the buttons, Right to
/// the last one, Enter; the button then says sync is off (the row of five still fits the
/// screen) and the library keeps it so.
#[test]
fn a_title_is_kept_off_the_accounts_from_its_screen() -> Result<()> {
    require_display()?;
    let library = playable_library()?;
    let shot = screenshot_path("title-sync-ru.png")?;
    let mut command = Command::new(env!("CARGO_BIN_EXE_getanime"));
    command.env("LANG", "ru_RU.UTF-8");
    // Left after Enter: the button drawn unfocused, as OCR reads it best.
    let keys = "enter,up,right,right,right,right,enter,wait,left";
    run_window_with(command, &library.data, &[OsStr::new("--no-sync")], keys, Some(&shot))?;
    let shown = check(&library.data, &["show", &library.title_id])?;
    assert!(shown.contains("kept off your accounts"), "{shown}");
    let last = shot.with_file_name("title-sync-ru-9.png");
    check_screen_says(&last, "rus", &["Аккаунты: выкл", "ничего не уходит"])?;
    Ok(())
}

/// Search from the remote: Up to the Search button, Enter, type, Down to the result, Enter opens
/// it (then → rates it, which proves which title opened).
#[test]
fn search_types_finds_and_opens_a_title() -> Result<()> {
    require_display()?;
    let library = playable_library()?;
    let screenshot = screenshot_path("tv-search.png")?;
    run_ui(&library.data, "up,enter,тест,down,enter,right", Some(&screenshot))?;
    let shown = check(&library.data, &["show", &library.title_id])?;
    assert!(shown.contains("your rating 1/10"), "{shown}");
    Ok(())
}

/// The schedule from the remote: Up, Right, Right to Schedule, Enter; the week opens on the next day
/// with titles; Enter opens it (→ rates it, which proves which title opened).
#[test]
fn the_schedule_screen_opens_a_title_of_the_week() -> Result<()> {
    require_display()?;
    let library = playable_library()?;
    run_ui(&library.data, "up,right,right,enter,enter,right", None)?;
    let shown = check(&library.data, &["show", &library.title_id])?;
    assert!(shown.contains("your rating 1/10"), "{shown}");
    Ok(())
}

/// The player overlay (title, progress, time) hides 3 s after the last key (or after a slow start
/// begins to play) and comes back on a key.
#[test]
fn the_player_overlay_hides_without_input() -> Result<()> {
    require_display()?;
    // Long enough that the end of the episode (which pins the overlay) stays out of the way.
    let library = playable_library_lasting(30)?;
    let shot = screenshot_path("tv-overlay.png")?;
    // Shot 2 is 1.5 s after Play; shots 3..=8 every 1.5 s without input; shot 9 after ←.
    run_ui(&library.data, "enter,enter,wait,wait,wait,wait,wait,wait,left", Some(&shot))?;
    // The progress track (drawn whatever the position, so a slow start cannot hide it) is the
    // only thing in the track colour at the bottom of the player screen.
    let track_at_bottom = |index: usize| -> Result<usize> {
        let image = image::open(shot.with_file_name(format!("tv-overlay-{index}.png")))?;
        let image = image.to_rgba8();
        let top = image.height() * 3 / 4;
        Ok(image
            .enumerate_pixels()
            .filter(|(_, y, pixel)| *y >= top && pixel.0[..3] == TRACK)
            .count())
    };
    let shown = track_at_bottom(2)?;
    assert!(shown > 5_000, "the overlay shows right after Play ({shown} track pixels)");
    let idle = (3..=8).map(track_at_bottom).collect::<Result<Vec<_>>>()?;
    assert!(
        idle.iter().any(|&left| left < shown / 10),
        "it hides without input (track pixels every 1.5 s: {idle:?})"
    );
    let again = track_at_bottom(9)?;
    assert!(again > 5_000, "a key brings it back ({again} track pixels)");
    Ok(())
}

fn require_display() -> Result<()> {
    std::env::var_os("DISPLAY")
        .context("no DISPLAY: run the UI tests under Xvfb (`cargo xtask test` does)")?;
    Ok(())
}

/// Browse from the remote: Up, Right to Browse, Enter shows the grid; Up reaches the filters,
/// Right the sort, Enter steps it; Down, Enter opens the title (→ rates it, which proves which one
/// opened).
#[test]
fn the_browse_grid_filters_and_opens_a_title() -> Result<()> {
    require_display()?;
    let library = playable_library()?;
    let shot = screenshot_path("tv-browse.png")?;
    let stderr =
        run_ui(&library.data, "up,right,enter,up,right,enter,down,enter,right", Some(&shot))?;
    assert!(stderr.contains("smoke run done"), "{stderr}");
    let shown = check(&library.data, &["show", &library.title_id])?;
    assert!(shown.contains("your rating 1/10"), "{shown}");
    Ok(())
}

/// A source's whole catalog from the remote: Browse's first chip switches to AniLiberty's
/// catalog, whose own chips appear (read back by OCR); its genre filter narrows the pages the
/// source is asked for; walking down pages in the next page, and the title opened from it is
/// rated (so it is in the library, which proves which one opened).
#[test]
fn browse_pages_through_a_sources_whole_catalog_with_its_filters() -> Result<()> {
    require_display()?;
    let library = playable_library()?;
    getanime_testkit::serve_aniliberty_catalog(&library._server, "/api/v1", 100);
    let shot = screenshot_path("tv-browse-catalog.png")?;
    // Browse; Up to the mode chip, Enter: the catalog; Right, Right: Genre, Enter: the first
    // genre (1 in 3 of the titles: 34 in two pages of 20); Down to the grid and three rows on:
    // seven cards a row, the 22nd title, on the second page.
    let keys =
        "up,right,enter,up,enter,wait,right,right,enter,wait,down,down,down,down,enter,right";
    let stderr = run_ui(&library.data, keys, Some(&shot))?;
    assert!(stderr.contains("smoke run done"), "{stderr}");
    let filtered = shot.with_file_name("tv-browse-catalog-10.png");
    // 34 titles: the genre's two pages, both shown (OCR misses the focused chip's own words).
    check_screen_says(&filtered, "rus+eng", &["Catalog: AniLiberty", "34 titles", "Каталог 0"])?;
    let asked = library._server.requests();
    let pages: Vec<&String> =
        asked.iter().filter(|target| target.contains("f%5Bgenres%5D=1")).collect();
    ensure!(
        pages.iter().any(|target| target.contains("page=2&")),
        "the second page of the genre was asked for: {asked:?}"
    );
    // The 29th title with genre 1 is release 3 × 28.
    let id = title_named(&library.data, "Каталог 63")?;
    let shown = check(&library.data, &["show", &id, "--offline"])?;
    assert!(shown.contains("your rating 1/10"), "{shown}");
    Ok(())
}

/// A franchise from the remote: AniLibria v3 names the title's franchise; its other title is a
/// line after the episodes (read back by OCR); Enter on it opens that title, which the library
/// did not have, and its details come from the source (rated, which proves which one opened).
#[test]
fn a_related_title_opens_from_the_title_screen() -> Result<()> {
    require_display()?;
    let server = FakeServer::start_in_background()?;
    server.route("/v3/title/schedule", getanime_testkit::Reply::json("[]"));
    let brotherhood = serde_json::json!({"id": 9432, "names": {"ru": "Стальной алхимик: Братство"},
        "updated": 1_700_000_000,
        "player": {"host": "cdn.example", "list": {"1": {"episode": 1, "hls": {"hd": "/v/1.m3u8"}}}},
        "franchises": [{"franchise": {"id": "f1", "name": "Стальной алхимик"}, "releases": [
            {"id": 1000, "ordinal": 1, "names": {"ru": "Стальной алхимик"}},
            {"id": 9432, "ordinal": 2, "names": {"ru": "Стальной алхимик: Братство"}}]}]});
    let page =
        serde_json::json!({"list": [brotherhood], "pagination": {"pages": 1, "current_page": 1}});
    server.route(
        "/v3/title/updates?page=1&items_per_page=20",
        getanime_testkit::Reply::json(serde_json::to_vec(&page)?),
    );
    let first = serde_json::json!({"id": 1000, "names": {"ru": "Стальной алхимик"}, "updated": 1_600_000_000,
        "player": {"host": "cdn.example", "list": {"1": {"episode": 1, "hls": {"hd": "/v/fma.m3u8"}}}}});
    server.route("/v3/title?id=1000", getanime_testkit::Reply::json(serde_json::to_vec(&first)?));
    server.route(
        "/v3/title?id=9432",
        getanime_testkit::Reply::json(serde_json::to_vec(&brotherhood)?),
    );
    let temp = tempfile::tempdir()?;
    let data = temp.path().join("data");
    install_against(&data, "anilibria", &format!("{}/v3", server.base_url()))?;
    check(&data, &["sync"])?;

    let shot = screenshot_path("tv-related.png")?;
    // Enter opens the title (its episode has the focus); Down: the related line; Enter opens
    // it; Right rates it.
    let stderr = run_ui(&data, "enter,down,enter,wait,right", Some(&shot))?;
    assert!(stderr.contains("smoke run done"), "{stderr}");
    check_screen_says(
        &shot.with_file_name("tv-related-2.png"),
        "rus+eng",
        &["Стальной алхимик", "part 1 of the franchise"],
    )?;
    ensure!(server.requests().iter().any(|target| target == "/v3/title?id=1000"));
    let id = title_named(&data, "Стальной алхимик")?;
    let shown = check(&data, &["show", &id, "--offline"])?;
    assert!(shown.contains("your rating 1/10") && shown.contains("hd"), "{shown}");
    Ok(())
}

/// Settings from the remote: a preference steps with →; "Back up now" writes a backup; a later
/// run restores it (asking first) and the rating cleared in between is back.
#[test]
fn settings_change_a_preference_back_up_and_restore() -> Result<()> {
    require_display()?;
    let library = playable_library()?;
    check(&library.data, &["rate", &library.title_id, "6"])?;
    let shot = screenshot_path("tv-settings.png")?;
    // Header → Settings; row 1 (quality; row 0 is the language) →; down to "Back up the
    // library"; Enter.
    run_ui(
        &library.data,
        "up,right,right,right,right,enter,down,right,down,down,down,down,down,down,enter",
        Some(&shot),
    )?;
    let settings = check(&library.data, &["settings"])?;
    assert!(settings.contains("quality = hd"), "{settings}");
    let backups: Vec<_> = std::fs::read_dir(library.data.join("backups"))?.collect();
    assert_eq!(backups.len(), 1, "one backup written");

    check(&library.data, &["rate", &library.title_id, "--clear"])?;
    // The restore row follows the backup row; its first Enter asks, the second restores.
    let stderr = run_ui(
        &library.data,
        "up,right,right,right,right,enter,down,down,down,down,down,down,down,down,enter,enter",
        None,
    )?;
    assert!(stderr.contains("Restored the library from"), "{stderr}");
    let shown = check(&library.data, &["show", &library.title_id])?;
    assert!(shown.contains("your rating 6/10"), "{shown}");
    Ok(())
}

/// A TV box (`GETANIME_KIOSK=1`, as the getanime-kiosk unit sets): Settings starts with Power;
/// "Shut down" asks, then runs `systemctl poweroff` (a recording stand-in first on PATH: the
/// machine must not really go down); "Quit to console" ends the program at once.
#[test]
fn a_tv_box_shuts_down_or_quits_to_the_console_from_settings() -> Result<()> {
    require_display()?;
    let library = playable_library()?;
    let bin = tempfile::tempdir()?;
    let record = bin.path().join("systemctl-was-asked");
    let systemctl = bin.path().join("systemctl");
    std::fs::write(&systemctl, format!("#!/bin/sh\necho \"$@\" >> '{}'\n", record.display()))?;
    std::fs::set_permissions(&systemctl, std::os::unix::fs::PermissionsExt::from_mode(0o755))?;
    let path = std::env::join_paths(
        std::iter::once(bin.path().to_path_buf())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )?;
    let tv_box = || {
        let mut command = Command::new(env!("CARGO_BIN_EXE_getanime"));
        command.env("GETANIME_KIOSK", "1").env("PATH", &path);
        command
    };
    let shot = screenshot_path("tv-box-power.png")?;
    // Header → Settings (Power is row 0) → right, right: Shut down → Enter asks → Enter.
    let keys = "up,right,right,right,right,enter,right,right,enter,enter,wait";
    run_window_with(tv_box(), &library.data, &[OsStr::new("--no-sync")], keys, Some(&shot))?;
    let asked = shot.with_file_name("tv-box-power-9.png");
    check_screen_says(&asked, "eng", &["Power", "Quit to console", "Shut the box down?"])?;
    let said = std::fs::read_to_string(&record).context("systemctl was never run")?;
    assert_eq!(said.trim(), "poweroff");

    // Quit to console: Enter asks, Enter quits; the keys after it are never pressed.
    let keys = "up,right,right,right,right,enter,enter,enter,down,down";
    let stderr = run_window_with(tv_box(), &library.data, &[OsStr::new("--no-sync")], keys, None)?;
    assert!(stderr.contains("quitting to the console"), "{stderr}");
    assert!(!stderr.contains("pressing key=down"), "it quit at once: {stderr}");
    assert_eq!(std::fs::read_to_string(&record)?.lines().count(), 1, "nothing else asked");
    Ok(())
}

/// Sources from the remote: the installed source is listed; Disable works at once; Remove asks
/// first, then removes it, keeping the rated title.
#[test]
fn the_sources_screen_disables_and_removes_a_source() -> Result<()> {
    require_display()?;
    let library = playable_library()?;
    check(&library.data, &["rate", &library.title_id, "9"])?;
    let shot = screenshot_path("tv-sources.png")?;
    run_ui(&library.data, "up,right,right,right,enter,enter", Some(&shot))?;
    let plugins = check(&library.data, &["plugin", "list"])?;
    assert!(plugins.contains("disabled"), "{plugins}");

    let stderr = run_ui(&library.data, "up,right,right,right,enter,right,right,enter", None)?;
    assert!(!stderr.contains("removed"), "the first Enter only asks: {stderr}");
    assert!(check(&library.data, &["plugin", "list"])?.contains("aniliberty"));
    let stderr = run_ui(&library.data, "up,right,right,right,enter,right,right,enter,enter", None)?;
    assert!(stderr.contains("aniliberty removed"), "{stderr}");
    assert!(!check(&library.data, &["plugin", "list"])?.contains("aniliberty"));
    let shown = check(&library.data, &["show", &library.title_id])?;
    assert!(shown.contains("your rating 9/10"), "the rated title stays: {shown}");
    Ok(())
}

/// Installing a shipped source from the Sources screen (no welcome: Back skipped it) puts the
/// focus on the new source's Sync now, so the next Enter syncs it.
#[test]
fn installing_from_sources_focuses_the_new_source() -> Result<()> {
    require_display()?;
    let server = two_title_anilibria()?;
    let temp = tempfile::tempdir()?;
    let data = temp.path().join("data");
    let command = shipping_sources("anilibria", &format!("{}/v3", server.base_url()))?;
    let shot = screenshot_path("tv-sources-install.png")?;
    // Back leaves the welcome screen; Enter opens Sources (the empty home focuses it); rows:
    // "No sources installed", AniLiberty, AniLibria. Enter asks, Enter installs, Enter syncs.
    let keys = "back,enter,down,down,enter,enter,enter";
    let stderr = run_window_with(command, &data, &[], keys, Some(&shot))?;
    ensure!(stderr.contains("Installed AniLibria"), "{stderr}");
    let status = check(&data, &["status"])?;
    ensure!(status.contains("titles: 2"), "the Enter after the install synced it: {status}");
    Ok(())
}

/// The title screen lists the torrent after the episodes; Enter on it copies its magnet link;
/// `w` marks the focused episode watched.
#[test]
fn the_title_screen_copies_a_magnet_link_and_marks_watched() -> Result<()> {
    require_display()?;
    let library = playable_library()?;
    let shot = screenshot_path("tv-title-torrents.png")?;
    let stderr = run_ui(&library.data, "enter,w,down,down,enter", Some(&shot))?;
    assert!(
        stderr.contains(&format!("magnet:?xt=urn:btih:{TEST_MAGNET_HASH}")),
        "the magnet link of the torrent was copied: {stderr}"
    );
    let shown = check(&library.data, &["show", &library.title_id])?;
    assert!(shown.contains("1 Серия 1  [hd]  ✓ watched"), "{shown}");
    Ok(())
}

/// At the end of an episode the next one starts after a countdown (auto-play next is on by
/// default).
#[test]
fn the_player_counts_down_and_plays_the_next_episode() -> Result<()> {
    require_display()?;
    let library = playable_library()?;
    let shot = screenshot_path("tv-next.png")?;
    let stderr = run_ui(
        &library.data,
        "enter,enter,wait,wait,wait,wait,wait,wait,wait,wait,wait,wait",
        Some(&shot),
    )?;
    assert!(stderr.contains("auto-play moved on"), "{stderr}");
    let shown = check(&library.data, &["show", &library.title_id])?;
    assert!(shown.contains("1 Серия 1  [hd]  ✓ watched"), "{shown}");
    Ok(())
}

/// The golden path once through the real window, on the offline demo installed through the
/// normal install path (12 s episodes: opening 0.5–5 s, ending from 9.5 s; each key gets 1.5 s):
/// search → title → play episode 1 → skip the opening (Enter on the prompt) → q: next quality
/// → stop → resume near the saved position → the ending marks it watched → the countdown plays
/// episode 2 → stop → rate 8 → Home key → Settings: back up. Then the database is deleted, the next run
/// restores the backup from Settings, and history and rating are back. Screenshots of each step.
#[test]
fn the_golden_path_through_the_window() -> Result<()> {
    require_display()?;
    let temp = tempfile::tempdir()?;
    let data = temp.path().join("data");
    let demo = built_plugin("demo-source")?;
    let demo_options = [OsStr::new("--demo"), demo.as_os_str()];
    let run = |keys: &str, shot: &str| -> Result<String> {
        run_window(&data, &demo_options, keys, Some(&screenshot_path(shot)?))
    };
    let to_settings = "up,right,right,right,right,enter";
    let stderr = run(
        &format!(
            "up,enter,почтальон,down,enter,enter,wait,enter,q,back,enter,\
             wait,wait,wait,wait,wait,wait,wait,wait,wait,wait,back,\
             right,right,right,right,right,right,right,right,home,\
             {to_settings},down,down,down,down,down,down,down,enter"
        ),
        "golden.png",
    )?;
    let starts: Vec<u64> = stderr
        .lines()
        .filter(|line| line.contains("playing"))
        .filter_map(|line| line.split("start_ms=").nth(1))
        .filter_map(|rest| rest.split_whitespace().next()?.parse().ok())
        .collect();
    // On a loaded machine the keys come later than asked, and episode 2 may end and hand over
    // to episode 3 before Back: that is the countdown working too.
    ensure!(starts.len() >= 3, "played episode 1, again, then episode 2: {starts:?}\n{stderr}");
    ensure!(starts[2] == 0, "episode 2 starts from its beginning: {starts:?}");
    ensure!(starts[0] == 0, "the first play starts at 0: {starts:?}");
    ensure!(starts[1] >= 3_000, "the second play resumes after the skipped opening: {starts:?}");
    ensure!(stderr.contains("skipping"), "Enter on the prompt skipped the opening: {stderr}");
    ensure!(stderr.contains("switching quality quality=sd"), "q picked the next quality: {stderr}");
    ensure!(stderr.contains("auto-play moved on"), "episode 2 followed by itself: {stderr}");
    ensure!(stderr.contains("Backed up to"), "{stderr}");

    let history = check(&data, &["history"])?;
    ensure!(history.contains("Звёздный почтальон"), "{history}");
    let titles: serde_json::Value =
        serde_json::from_str(&check(&data, &["--json", "titles", "--query", "почтальон"])?)?;
    let title_id = titles[0]["id"].as_i64().context("the title id")?.to_string();
    let shown = check(&data, &["show", &title_id])?;
    ensure!(shown.contains("your rating 8/10"), "{shown}");
    ensure!(shown.contains("Серия 1") && shown.contains("✓ watched"), "{shown}");

    // Walk down the home rows (continue watching, new, today, rated): after every key the focus
    // ring is drawn whole inside the window (the view once lagged a row behind the focus).
    run("down,down,down,down", "golden-walk.png")?;
    check_focus_on_screen(&screenshot_path("golden-walk.png")?, 5)?;

    // Lose the library; the backup in the data folder survives and is restored from Settings.
    for file in ["library.sqlite3", "library.sqlite3-wal", "library.sqlite3-shm"] {
        if data.join(file).exists() {
            std::fs::remove_file(data.join(file))?;
        }
    }
    let stderr = run(
        &format!("{to_settings},down,down,down,down,down,down,down,down,enter,enter"),
        "golden-restore.png",
    )?;
    ensure!(stderr.contains("Restored the library from"), "{stderr}");
    let shown = check(&data, &["show", &title_id])?;
    ensure!(shown.contains("your rating 8/10"), "the rating is back: {shown}");
    ensure!(shown.contains("✓ watched"), "the history is back: {shown}");
    Ok(())
}

/// Subtitles in the real window: on the demo (two WebVTT tracks per episode), `s` in the player
/// turns on the first (Russian), OCR reads it over the video; the choice is remembered, so the
/// next play starts with it, and `s` twice more turns them off; the menu key's picker lists the
/// tracks and shows the one chosen.
#[test]
fn the_subtitle_key_shows_subtitles_over_the_video_and_is_remembered() -> Result<()> {
    require_display()?;
    let temp = tempfile::tempdir()?;
    let data = temp.path().join("data");
    let demo = built_plugin("demo-source")?;
    let demo_options = [OsStr::new("--demo"), demo.as_os_str()];
    // Plays with `keys`, then what OCR reads on the shots numbered `shots`.
    let play = |name: &str, keys: &str, shots: &[usize]| -> Result<(String, String)> {
        let shot = screenshot_path(&format!("{name}.png"))?;
        let stderr = run_window(&data, &demo_options, keys, Some(&shot))?;
        let mut read = String::new();
        for index in shots {
            read.push_str(&read_screen(
                &shot.with_file_name(format!("{name}-{index}.png")),
                "rus+eng",
            )?);
        }
        Ok((stderr, read))
    };
    // Either of the demo's two Russian cues (the second starts at 6 s).
    let subtitled = |text: &str| text.contains("Субтитры демо") || text.contains("субтитр демо");

    // Shot 3 is after `s`, shot 4 a key interval later.
    let (stderr, read) = play("tv-subtitles", "enter,enter,s,wait", &[3, 4])?;
    ensure!(stderr.contains("switching subtitles"), "{stderr}");
    ensure!(subtitled(&read), "the Russian cue is drawn over the video; OCR read:\n{read}");

    // The overlay (which covers the bottom of the picture) hides 3 s after the last key.
    let (stderr, read) = play("tv-subtitles-again", "enter,enter,wait,wait", &[3, 4])?;
    ensure!(stderr.contains("subtitles=2"), "{stderr}");
    ensure!(subtitled(&read), "remembered: on from the start; OCR read:\n{read}");

    // `s` twice from Russian: English, then off; shots 6 and 7 come after the overlay hid.
    let (stderr, read) = play("tv-subtitles-off", "enter,enter,s,s,wait,wait,wait", &[6, 7])?;
    ensure!(stderr.contains("switching subtitles url=None"), "en, then off: {stderr}");
    ensure!(!subtitled(&read) && !read.contains("subtitle"), "off after en: {read}");

    // The menu key lists them, opening on the one shown (off); Down twice: English, Enter
    // shows it, and the overlay names it and the demo's voice-over. (A library of its own:
    // the one above resumes where it stopped, too near the end for four more keys.)
    let shot = screenshot_path("tv-subtitle-picker.png")?;
    let keys = "enter,enter,menu,down,down,enter,wait";
    let stderr = run_window(&temp.path().join("picker"), &demo_options, keys, Some(&shot))?;
    // The picker's corner alone: with the overlay up too, OCR skips the small panel.
    let corner = screenshot_path("tv-subtitle-picker-5-corner.png")?;
    image::open(screenshot_path("tv-subtitle-picker-5.png")?)?
        .crop_imm(0, 0, 760, 480)
        .save(&corner)?;
    let picker = read_screen(&corner, "rus+eng")?;
    ensure!(
        // (OCR in Russian and English reads "(ru)" and "(en)" as Cyrillic look-alikes.)
        picker.contains("off") && picker.contains("Русские") && picker.contains("English"),
        "the picker lists off and both tracks; OCR read:\n{picker}"
    );
    ensure!(stderr.contains("switching subtitles url=Some"), "{stderr}");
    let overlay = read_screen(&screenshot_path("tv-subtitle-picker-6.png")?, "rus+eng")?;
    ensure!(
        // "subtitles: en (English)" ("(English)": the note's, not the picker's "English (en)").
        overlay.contains("(English)") && overlay.contains("Демо-озвучка"),
        "the overlay names the track chosen and the voice-over; OCR read:\n{overlay}"
    );
    Ok(())
}

/// Where the focus ring is in a screenshot: the rows holding a run of at least 100 accent
/// pixels are its top and bottom edges. Returns (x0, y0, x1, y1) of those edges.
fn focus_ring(image: &image::RgbaImage) -> Option<(u32, u32, u32, u32)> {
    let mut ring: Option<(u32, u32, u32, u32)> = None;
    for y in 0..image.height() {
        let (mut run_start, mut best) = (0, None);
        for x in 0..image.width() {
            if image.get_pixel(x, y).0[..3] != ACCENT {
                run_start = x + 1;
            } else if x + 1 - run_start >= 100 {
                best = Some(match best {
                    Some((start, _)) => (start, x),
                    None => (run_start, x),
                });
            }
        }
        if let Some((start, end)) = best {
            ring = Some(match ring {
                Some((x0, y0, x1, _)) => (x0.min(start), y0, x1.max(end), y),
                None => (start, y, end, y),
            });
        }
    }
    ring
}

/// Requires the focus ring of every screenshot from `first` on (`first`, `-1`, `-2`… as smoke
/// mode names them) to be drawn whole inside the window.
fn check_focus_on_screen(first: &Path, shots: usize) -> Result<()> {
    for step in 0..shots {
        let shot = match step {
            0 => first.to_path_buf(),
            step => {
                let stem = first.file_stem().and_then(OsStr::to_str).context("a file name")?;
                first.with_file_name(format!("{stem}-{step}.png"))
            }
        };
        let image = image::open(&shot).with_context(|| format!("reading {}", shot.display()))?;
        let image = image.to_rgba8();
        ensure!(
            (image.width(), image.height()) == (1920, 1080),
            "the window fills the 1920×1080 screen: {}×{}",
            image.width(),
            image.height()
        );
        let (x0, y0, x1, y1) =
            focus_ring(&image).with_context(|| format!("no focus ring in {}", shot.display()))?;
        ensure!(
            y1 - y0 >= 40 && x0 > 0 && y0 > 0 && x1 < image.width() - 1 && y1 < image.height() - 1,
            "the focus ring is cut by the window's edge in {}: ({x0}, {y0})–({x1}, {y1})",
            shot.display()
        );
    }
    Ok(())
}

/// The focus check itself can fail: a ring cut by the bottom or right edge is refused, a whole
/// one is found where it was drawn.
#[test]
fn the_focus_ring_check_refuses_a_ring_cut_by_the_window_edge() -> Result<()> {
    let draw = |x0: u32, y0: u32, x1: u32, y1: u32| {
        let mut image = image::RgbaImage::from_pixel(1920, 1080, image::Rgba([16, 16, 20, 255]));
        for y in y0..=y1.min(1079) {
            for x in x0..=x1.min(1919) {
                let edge = y < y0 + 3 || y + 3 > y1 || x < x0 + 3 || x + 3 > x1;
                if edge {
                    image.put_pixel(x, y, image::Rgba([ACCENT[0], ACCENT[1], ACCENT[2], 255]));
                }
            }
        }
        image
    };
    let whole = draw(100, 200, 320, 530);
    assert_eq!(focus_ring(&whole), Some((100, 200, 320, 530)));
    let dir = tempfile::tempdir()?;
    for (name, image, whole) in [
        ("whole", whole, true),
        ("below", draw(100, 900, 320, 1230), false),
        ("right", draw(1800, 200, 2020, 530), false),
    ] {
        let path = dir.path().join(format!("{name}.png"));
        image.save(&path)?;
        assert_eq!(check_focus_on_screen(&path, 1).is_ok(), whole, "{name}");
    }
    Ok(())
}

/// A long walk with the remote over a library of 100 titles of 24 episodes (with watched,
/// rated and continue-watching rows): after every key on Home, Browse, a title and Sources (with
/// the on-screen keyboard open on its last text row), the window is full screen and the focus
/// ring is drawn whole inside it.
#[test]
fn the_focus_stays_on_screen_through_a_long_walk() -> Result<()> {
    require_display()?;
    const PAGES: u32 = 5;
    let server = FakeServer::start_in_background()?;
    server.route("/v3/title/schedule", getanime_testkit::Reply::json("[]"));
    for page in 1..=PAGES {
        let body = getanime_testkit::generated_anilibria_page(page, PAGES, 20, 1_700_000_000);
        server.route(
            &format!("/v3/title/updates?page={page}&items_per_page=20"),
            getanime_testkit::Reply::json(body),
        );
    }
    let temp = tempfile::tempdir()?;
    let data = temp.path().join("data");
    let plugin = built_plugin("anilibria")?;
    check(&data, &["plugin", "install", plugin.to_str().context("utf-8 path")?])?;
    check(
        &data,
        &["plugin", "set", "anilibria", "base_url", &format!("{}/v3", server.base_url())],
    )?;
    check(&data, &["plugin", "grant", "anilibria", "127.0.0.1"])?;
    check(&data, &["sync", "--full"])?;
    let titles: serde_json::Value = serde_json::from_str(&check(&data, &["--json", "titles"])?)?;
    let ids: Vec<String> = titles
        .as_array()
        .context("a list of titles")?
        .iter()
        .filter_map(|title| title["id"].as_i64())
        .map(|id| id.to_string())
        .collect();
    ensure!(ids.len() >= 20, "the library holds the synced titles: {titles}");
    for id in &ids[..6] {
        check(&data, &["watched", id, "1"])?;
        check(&data, &["rate", id, "7"])?;
    }

    let walks = [
        ("walk-home", "down,down,down,down,down,right,right,right,right,right,right,right,up,up"),
        ("walk-browse", "up,right,enter,down,down,down,down,down,down,down,down,right,right,right"),
        (
            "walk-title",
            "enter,down,down,down,down,down,down,down,down,down,down,down,down,down,down,down,down,down,down,down,down,down,down,down,down,down,down",
        ),
        (
            "walk-sources",
            "up,right,right,right,enter,down,down,down,down,down,down,down,down,down,down,down,down,enter,right,enter,back",
        ),
    ];
    for (name, keys) in walks {
        let shot = screenshot_path(&format!("{name}.png"))?;
        run_window(
            &data,
            &[OsStr::new("--no-sync"), OsStr::new("--key-interval-ms"), OsStr::new("400")],
            keys,
            Some(&shot),
        )?;
        // The first screenshot is before any key; the browse and sources walks start on Home
        // with the header focused, so their first shots count too.
        check_focus_on_screen(&shot, keys.split(',').count() + 1)?;
    }
    Ok(())
}

/// A shell in a private user + mount namespace (`unshare`), fed one command at a time: the test
/// can mount a tmpfs of a chosen size and remount it read-only, without root on the host and
/// without touching the host's mounts. The namespace (and its tmpfs) ends with the shell.
struct MountNamespace {
    child: std::process::Child,
    stdin: std::process::ChildStdin,
    stdout: std::io::BufReader<std::process::ChildStdout>,
    logs: tempfile::TempDir,
    step: usize,
}

impl MountNamespace {
    fn start() -> Result<MountNamespace> {
        let mut child = Command::new("unshare")
            .args(["--user", "--map-root-user", "--mount", "sh", "-s"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .context("starting `unshare` (util-linux) for a private tmpfs")?;
        let stdin = child.stdin.take().context("the shell's stdin")?;
        let stdout = std::io::BufReader::new(child.stdout.take().context("the shell's stdout")?);
        Ok(MountNamespace { child, stdin, stdout, logs: tempfile::tempdir()?, step: 0 })
    }

    /// Runs `command` in the namespace; returns its exit code, stdout and stderr.
    fn run(&mut self, command: &str) -> Result<(i32, String, String)> {
        use std::io::{BufRead, Write};
        self.step += 1;
        let out = self.logs.path().join(format!("{}.out", self.step));
        let err = self.logs.path().join(format!("{}.err", self.step));
        writeln!(
            self.stdin,
            "{command} >'{}' 2>'{}'; echo \"== $?\"",
            out.display(),
            err.display()
        )?;
        self.stdin.flush()?;
        let mut line = String::new();
        let code = loop {
            line.clear();
            ensure!(self.stdout.read_line(&mut line)? > 0, "the namespace shell exited");
            if let Some(code) = line.strip_prefix("== ") {
                break code.trim().parse()?;
            }
        };
        Ok((code, std::fs::read_to_string(&out)?, std::fs::read_to_string(&err)?))
    }

    /// Runs `command`; returns its exit code and its stdout and stderr together.
    fn sh(&mut self, command: &str) -> Result<(i32, String)> {
        let (code, out, err) = self.run(command)?;
        Ok((code, out + &err))
    }

    /// Runs `command`, which must succeed; returns its stdout.
    fn ok(&mut self, command: &str) -> Result<String> {
        let (code, out, err) = self.run(command)?;
        ensure!(code == 0, "`{command}` failed ({code}): {out}{err}");
        Ok(out)
    }
}

impl Drop for MountNamespace {
    fn drop(&mut self) {
        if let Err(error) = self.child.kill() {
            eprintln!("the namespace shell had already exited: {error}");
        }
        if let Err(error) = self.child.wait() {
            eprintln!("cannot reap the namespace shell: {error}");
        }
    }
}

/// The library on a small tmpfs that fills up mid-sync, then is remounted read-only: each write
/// fails with a clear message, nothing stored is lost or corrupted, and writing works again
/// once space (or write access) returns.
#[test]
fn a_full_disk_or_a_read_only_library_fails_clearly_and_loses_nothing() -> Result<()> {
    const PAGES: u32 = 5;
    let server = FakeServer::start_in_background()?;
    server.route("/v3/title/schedule", getanime_testkit::Reply::json("[]"));
    let serve_round = |round: u64| {
        for page in 1..=PAGES {
            let body =
                getanime_testkit::generated_anilibria_page(page, PAGES, 20, 1_700_000_000 + round);
            server.route(
                &format!("/v3/title/updates?page={page}&items_per_page=20"),
                getanime_testkit::Reply::json(body),
            );
        }
    };
    let mount = tempfile::tempdir()?;
    let mount = mount.path().display().to_string();
    let data = format!("{mount}/data");
    let getanime = format!("'{}' --data-dir '{data}'", env!("CARGO_BIN_EXE_getanime"));
    let mut namespace = MountNamespace::start()?;
    namespace.ok(&format!("mount -t tmpfs -o size=48m tmpfs '{mount}'"))?;
    let plugin = built_plugin("anilibria")?;
    namespace.ok(&format!("{getanime} plugin install '{}'", plugin.display()))?;
    namespace.ok(&format!(
        "{getanime} plugin set anilibria base_url {}/v3 && {getanime} plugin grant anilibria 127.0.0.1",
        server.base_url()
    ))?;
    serve_round(1);
    namespace.ok(&format!("{getanime} sync"))?;
    let titles: serde_json::Value =
        serde_json::from_str(&namespace.ok(&format!("{getanime} --json titles --limit 1"))?)?;
    let title_id = titles[0]["id"].as_i64().context("a title id")?;
    namespace.ok(&format!("{getanime} rate {title_id} 7"))?;
    namespace.ok(&format!("{getanime} watched {title_id} 1"))?;
    let before: serde_json::Value =
        serde_json::from_str(&namespace.ok(&format!("{getanime} --json check"))?)?;

    // Fill the file system, then sync a catalog where every title changed.
    namespace.sh(&format!("dd if=/dev/zero of='{mount}/filler' bs=1M count=100"))?;
    serve_round(2);
    let (code, output) = namespace.sh(&format!("{getanime} sync"))?;
    assert_ne!(code, 0, "a sync onto a full disk must fail: {output}");
    assert!(output.contains("the disk is full"), "the user is told why: {output}");
    let after: serde_json::Value =
        serde_json::from_str(&namespace.ok(&format!("{getanime} --json check"))?)?;
    assert_eq!(after["ok"], true, "{after}");
    assert_eq!(after["titles"], before["titles"], "{after}");
    assert_eq!(after["episodes"], before["episodes"], "no half-written title: {after}");
    let shown = namespace.ok(&format!("{getanime} show {title_id}"))?;
    assert!(shown.contains("your rating 7/10") && shown.contains("✓ watched"), "{shown}");

    // Space returns: the same sync now goes through.
    namespace.ok(&format!("rm '{mount}/filler'"))?;
    let synced = namespace.ok(&format!("{getanime} sync"))?;
    assert!(synced.contains("anilibria"), "{synced}");
    let recovered: serde_json::Value =
        serde_json::from_str(&namespace.ok(&format!("{getanime} --json check"))?)?;
    assert_eq!(recovered["ok"], true, "{recovered}");

    // Read-only: reading works, writing says why and changes nothing.
    namespace.ok(&format!("mount -o remount,ro '{mount}'"))?;
    let (code, output) = namespace.sh(&format!("{getanime} rate {title_id} 3"))?;
    assert_ne!(code, 0, "{output}");
    assert!(output.contains("read-only"), "the user is told why: {output}");
    let shown = namespace.ok(&format!("{getanime} show {title_id}"))?;
    assert!(shown.contains("your rating 7/10"), "{shown}");
    namespace.ok(&format!("mount -o remount,rw '{mount}'"))?;
    namespace.ok(&format!("{getanime} rate {title_id} 3"))?;
    let shown = namespace.ok(&format!("{getanime} show {title_id}"))?;
    assert!(shown.contains("your rating 3/10"), "{shown}");
    Ok(())
}

/// The screens' real adapters in-process on Slint's testing backend (no display, no Xvfb): the
/// real app on a fresh library, keys through the window's key callback; each key draws the screen
/// on top through its own adapter.
#[test]
fn the_screen_adapters_run_in_process_on_the_testing_backend() -> Result<()> {
    use getanime_app::navigation::HeaderButton;
    use getanime_tv::ui::{AppWindow, HomeAdapter, MenuAdapter, ScreenKind, SearchAdapter, Shell};
    use slint::platform::Key as K;
    use slint::{ComponentHandle, SharedString};

    i_slint_backend_testing::init_no_event_loop();
    let temp = tempfile::tempdir()?;
    let runtime = std::sync::Arc::new(tokio::runtime::Runtime::new()?);
    let paths = getanime_app::DataPaths::resolve(Some(temp.path().join("data")))?;
    let app = std::sync::Arc::new(getanime_app::App::open(paths)?);
    let window = AppWindow::new()?;
    let _screens = getanime_tv::init_screens(&window, app, runtime, "Аня".into());
    let shell = window.global::<Shell>();
    let press = |key: K| shell.invoke_key(SharedString::from(key));
    let header = || window.global::<HomeAdapter>().get_header_focus();

    press(K::UpArrow);
    assert_eq!(shell.get_screen(), ScreenKind::Home);
    ensure!(header() >= 0, "Up on an empty home reaches the header");
    let settings = HeaderButton::ALL.iter().position(|button| *button == HeaderButton::Settings);
    let settings = settings.context("a Settings button")? as i32;
    while header() > 0 {
        press(K::LeftArrow);
    }
    for _ in 0..settings {
        press(K::RightArrow);
    }
    assert_eq!(header(), settings, "the home adapter draws the header focus");
    press(K::Return);
    assert_eq!(shell.get_screen(), ScreenKind::Menu, "Enter on Settings opens the menu view");
    assert_eq!(window.global::<MenuAdapter>().get_title(), "Settings");
    press(K::Escape);
    assert_eq!(shell.get_screen(), ScreenKind::Home, "Back returns to Home");
    assert_eq!(header(), -1, "Home is drawn again, its focus back on the rows");

    press(K::UpArrow);
    while header() > 0 {
        press(K::LeftArrow);
    }
    press(K::Return);
    assert_eq!(shell.get_screen(), ScreenKind::Search);
    shell.invoke_key("ф".into());
    let search = window.global::<SearchAdapter>();
    assert_eq!(search.get_query(), "ф", "typing reaches the search adapter");
    ensure!(search.get_box_focused(), "the box keeps the focus while typing");
    Ok(())
}

/// The headless Slint testing backend (no display, no pixels): every screen's controls are found
/// by their accessible label, with their values — the hook screen readers and UI tests use.
#[test]
fn every_screen_names_its_controls_for_the_testing_backend() -> Result<()> {
    use getanime_tv::ui::{
        AppWindow, BrowseAdapter, Card, EpisodeLine, HomeAdapter, MenuAdapter, MenuLine,
        MenuLineKind, PlayerAdapter, ScreenKind, Shell, TitleAdapter, TorrentLine,
    };
    use i_slint_backend_testing::ElementHandle;
    use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

    i_slint_backend_testing::init_no_event_loop();
    let window = AppWindow::new()?;
    let ui = window.global::<Shell>();
    let find =
        |label: &str| ElementHandle::find_by_accessible_label(&window, label).collect::<Vec<_>>();
    let strings = |values: &[&str]| {
        ModelRc::new(VecModel::from(
            values.iter().map(|value| SharedString::from(*value)).collect::<Vec<_>>(),
        ))
    };

    // Home: the title, the status line and the five header buttons.
    window.global::<HomeAdapter>().set_header_buttons(getanime_tv::header_buttons("Default"));
    ui.set_status_text("12 titles".into());
    for label in ["app-title", "search", "browse", "schedule", "sources", "settings"] {
        assert!(!find(label).is_empty(), "home: {label}");
    }
    assert!(!find("library-status").is_empty());

    // Browse: the filter chips and the cards (named after their titles).
    ui.set_screen(ScreenKind::Browse);
    window.global::<BrowseAdapter>().set_filters(strings(&[
        "Sort: name",
        "Source: all",
        "Genre: all",
        "Year: all",
    ]));
    window.global::<BrowseAdapter>().set_cards(ModelRc::new(VecModel::from(vec![Card {
        name: "Тестовый сериал".into(),
        ..Card::default()
    }])));
    window.global::<BrowseAdapter>().set_status("1 titles".into());
    for label in ["Sort: name", "Year: all", "browse-status", "Тестовый сериал"] {
        assert!(!find(label).is_empty(), "browse: {label}");
    }
    assert!(find("search").is_empty(), "the home header is gone");

    // Settings: rows carry their value.
    ui.set_screen(ScreenKind::Menu);
    window.global::<MenuAdapter>().set_title("Settings".into());
    window.global::<MenuAdapter>().set_lines(ModelRc::new(VecModel::from(vec![
        MenuLine {
            label: "Preferred quality".into(),
            value: "hd".into(),
            kind: MenuLineKind::Choice,
            ..MenuLine::default()
        },
        MenuLine {
            label: "Back up the library".into(),
            kind: MenuLineKind::Buttons,
            buttons: strings(&["Back up now"]),
            ..MenuLine::default()
        },
    ])));
    assert_eq!(find("Preferred quality")[0].accessible_value().as_deref(), Some("hd"));
    assert!(!find("Back up now").is_empty());
    assert!(!find("menu-title").is_empty());

    // Title: name, episodes and torrents as list items.
    ui.set_screen(ScreenKind::Title);
    window.global::<TitleAdapter>().set_name("Тестовый сериал".into());
    window.global::<TitleAdapter>().set_episodes(ModelRc::new(VecModel::from(vec![EpisodeLine {
        number: "1".into(),
        ..EpisodeLine::default()
    }])));
    window.global::<TitleAdapter>().set_torrents(ModelRc::new(VecModel::from(vec![TorrentLine {
        label: "WEBRip 720p".into(),
        ..TorrentLine::default()
    }])));
    for label in ["title-name", "episode 1", "torrent WEBRip 720p"] {
        assert!(!find(label).is_empty(), "title: {label}");
    }

    // Player: the video and its title; the countdown only while it counts.
    ui.set_screen(ScreenKind::Player);
    assert!(!find("video").is_empty());
    assert!(find("next-countdown").is_empty());
    window.global::<PlayerAdapter>().set_countdown("Episode 2 in 5 s".into());
    assert!(!find("next-countdown").is_empty());

    // On every screen a key press reaches the `key` callback (and so the navigator).
    let pressed = std::rc::Rc::new(std::cell::RefCell::new(Vec::<SharedString>::new()));
    let log = std::rc::Rc::clone(&pressed);
    ui.on_key(move |text| log.borrow_mut().push(text));
    let screens = [
        ScreenKind::Home,
        ScreenKind::Search,
        ScreenKind::Browse,
        ScreenKind::Schedule,
        ScreenKind::Menu,
        ScreenKind::Title,
        ScreenKind::Player,
    ];
    for screen in screens {
        ui.set_screen(screen);
        let text: SharedString = slint::platform::Key::UpArrow.into();
        window
            .window()
            .dispatch_event(slint::platform::WindowEvent::KeyPressed { text: text.clone() });
        window.window().dispatch_event(slint::platform::WindowEvent::KeyReleased { text });
    }
    assert_eq!(pressed.borrow().len(), screens.len(), "one Up per screen reached the callback");
    Ok(())
}

/// The text on a screenshot, read by tesseract in `languages` (`rus+eng`).
fn read_screen(png: &Path, languages: &str) -> Result<String> {
    let tesseract = |image: &Path| -> Result<String> {
        let output = Command::new("tesseract")
            .arg(image)
            .args(["-", "-l", languages])
            .output()
            .context("running tesseract (cargo xtask setup installs tesseract-ocr-rus)")?;
        ensure!(
            output.status.success(),
            "tesseract failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        Ok(String::from_utf8(output.stdout)?)
    };
    // Light text on the raised rows' grey is lost as it is; dark on white, it reads. Both
    // readings count.
    let mut ink = image::open(png)?.to_luma8();
    for pixel in ink.pixels_mut() {
        pixel.0[0] = if pixel.0[0] > 100 { 0 } else { 255 };
    }
    let inverted = png.with_extension("ink.png");
    ink.save(&inverted)?;
    Ok(format!("{}\n{}", tesseract(png)?, tesseract(&inverted)?))
}

/// Requires every one of `words` in what OCR read off `png`.
fn check_screen_says(png: &Path, languages: &str, words: &[&str]) -> Result<()> {
    let text = read_screen(png, languages)?;
    let missing: Vec<&&str> = words.iter().filter(|word| !text.contains(**word)).collect();
    ensure!(missing.is_empty(), "{} does not show {missing:?}; OCR read:\n{text}", png.display());
    Ok(())
}

/// Every text a `.slint` file shows goes through `@tr`, and every `@tr` message has its Russian
/// translation in `lang/ru/LC_MESSAGES/getanime-tv.po` (the core's messages have the same check
/// in getanime-app).
#[test]
fn every_text_of_the_window_has_its_russian_translation() -> Result<()> {
    use getanime_app::language::{extract, problems};
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut used = std::collections::BTreeSet::new();
    let mut bare = Vec::new();
    for path in extract::source_files(&root.join("ui"), "slint")? {
        let source = std::fs::read_to_string(&path)?;
        let (messages, untranslated) = extract::slint_messages(&source)
            .map_err(|error| anyhow::anyhow!("{}: {error}", path.display()))?;
        used.extend(messages);
        bare.extend(untranslated.into_iter().map(|text| format!("{}: {text:?}", path.display())));
    }
    ensure!(bare.is_empty(), "texts shown without @tr:\n{}", bare.join("\n"));
    ensure!(used.len() >= 6, "the scan found only {} messages", used.len());
    let po = std::fs::read_to_string(root.join("lang/ru/LC_MESSAGES/getanime-tv.po"))?;
    let found: Vec<String> = problems(&po, &used, 3).iter().map(ToString::to_string).collect();
    ensure!(found.is_empty(), "getanime-tv.po:\n{}", found.join("\n"));
    Ok(())
}

/// The same library and keys in both languages: a Russian locale gives a Russian home and title
/// screen (Slint's texts and the core's, plural forms and sizes included), and `--lang en`
/// overrides it. Read back with OCR.
#[test]
fn the_window_speaks_the_language_of_the_locale_or_of_lang() -> Result<()> {
    require_display()?;
    let library = playable_library()?;
    let russian = screenshot_path("ru-home.png")?;
    let mut command = Command::new(env!("CARGO_BIN_EXE_getanime"));
    command.env("LANG", "ru_RU.UTF-8");
    run_window_with(command, &library.data, &[OsStr::new("--no-sync")], "enter", Some(&russian))?;
    check_screen_says(&russian, "rus", &["Поиск", "Расписание", "Недавно обновлённые", "1 тайтл"])?;
    // 17 seeders and 734 MB: the plural form "many" and the Russian unit.
    check_screen_says(
        &russian.with_file_name("ru-home-1.png"),
        "rus",
        &["Тестовый сериал", "серии 1-2", "17 сидов", "734 МБ", "отметить просмотренным"],
    )?;

    let english = screenshot_path("en-home.png")?;
    let mut command = Command::new(env!("CARGO_BIN_EXE_getanime"));
    command.env("LANG", "ru_RU.UTF-8");
    let options = [OsStr::new("--no-sync"), OsStr::new("--lang"), OsStr::new("en")];
    run_window_with(command, &library.data, &options, "enter", Some(&english))?;
    check_screen_says(&english, "eng", &["Search", "Schedule", "Recently updated", "1 title"])?;
    check_screen_says(
        &english.with_file_name("en-home-1.png"),
        "eng",
        &["episodes 1-2", "17 seeders", "734 MB", "marks watched"],
    )?;
    Ok(())
}

/// Settings' first row switches the language at once, the choice is remembered, and the next
/// launch opens in it whatever the locale says.
#[test]
fn the_language_setting_applies_at_once_and_is_remembered() -> Result<()> {
    require_display()?;
    let library = playable_library()?;
    let shot = screenshot_path("language-setting.png")?;
    // Header → Settings; the language row steps from "as the system" to Русский.
    run_ui(&library.data, "up,right,right,right,right,enter,wait,right", Some(&shot))?;
    check_screen_says(
        &shot.with_file_name("language-setting-6.png"),
        "eng",
        &["as the system (English)"],
    )?;
    check_screen_says(
        &shot.with_file_name("language-setting-8.png"),
        "rus",
        &["Настройки", "Русский", "Предпочитаемое качество"],
    )?;
    let settings = check(&library.data, &["settings"])?;
    assert!(settings.contains("language = ru"), "{settings}");
    let next = screenshot_path("language-remembered.png")?;
    run_ui(&library.data, "wait", Some(&next))?;
    check_screen_says(&next, "rus", &["Недавно обновлённые"])?;
    Ok(())
}

/// Two people on one library, from the remote. Default watches a moment of episode 1; at the next
/// start the picker asks who is watching, Маша (whose language is Russian) picks herself, finds
/// no Continue watching, and plans the title with the title screen's list button. Each profile's
/// home then shows only its own rows, in its own language.
#[test]
fn two_profiles_keep_their_own_lists_and_continue_watching() -> Result<()> {
    require_display()?;
    let library = playable_library_lasting(30)?;
    let data = &library.data;
    check(data, &["profile", "add", "Маша"])?;
    check(data, &["--profile", "Маша", "settings", "language", "ru"])?;

    let as_default = [OsStr::new("--no-sync"), OsStr::new("--profile"), OsStr::new("Default")];
    run_window(data, &as_default, "enter,enter,wait,wait,back", None)?;
    let watching = check(data, &["--profile", "Default", "list", "show", "watching"])?;
    assert!(watching.contains("Тестовый сериал"), "playing listed it as Watching: {watching}");

    // The picker: Default's row first, Маша's below; Enter on "Watch as Маша". Then her home:
    // Enter opens the title, Up reaches the list button, Enter twice: Watching, then Planned.
    // Back home: its top row is no Continue watching of hers; Down, Down reach her Planned row
    // (the last she has, below Today on the days the title airs).
    let shot = screenshot_path("profiles.png")?;
    run_ui(data, "wait,down,enter,enter,up,enter,enter,back,down,down", Some(&shot))?;
    check_screen_says(&shot, "eng", &["Who is watching?", "Watch as"])?;
    check_screen_says(&shot.with_file_name("profiles-7.png"), "rus", &["Запланировано"])?;
    let masha_home = read_screen(&shot.with_file_name("profiles-8.png"), "rus")?;
    ensure!(
        masha_home.contains("Недавно обновлённые") && !masha_home.contains("Продолжить"),
        "her home starts with no Continue watching: {masha_home}"
    );
    check_screen_says(&shot.with_file_name("profiles-10.png"), "rus", &["Запланировано"])?;
    let planned = check(data, &["--profile", "Маша", "list", "show", "planned"])?;
    assert!(planned.contains("Тестовый сериал"), "{planned}");
    assert!(check(data, &["--profile", "Маша", "history"])?.is_empty(), "she watched nothing");
    let default_planned = check(data, &["--profile", "Default", "list", "show", "planned"])?;
    assert!(default_planned.is_empty(), "his lists are his: {default_planned}");
    assert!(check(data, &["profile", "list"])?.contains("* Маша"), "her choice is remembered");

    // Default picks himself (the first row): his Continue watching and Watching rows, in English.
    let back = screenshot_path("profiles-default.png")?;
    run_ui(data, "wait,enter,wait", Some(&back))?;
    check_screen_says(
        &back.with_file_name("profiles-default-3.png"),
        "eng",
        &["Continue watching", "Episode 1"],
    )?;
    let history = check(data, &["--profile", "Default", "history"])?;
    assert!(history.contains("Тестовый сериал"), "{history}");
    Ok(())
}

/// `getanime plugin pack` makes a package and its index entry; an index beside the archive
/// (naming it relatively, as printed) installs it, its sha256 checked.
#[test]
fn a_packed_plugin_installs_from_an_index_beside_it() -> Result<()> {
    let temp = tempfile::tempdir()?;
    let site = temp.path().join("site");
    std::fs::create_dir_all(&site)?;
    let dir = built_plugin("aniliberty")?;
    let archive = site.join("aniliberty.tar.gz");
    let printed = check(
        &temp.path().join("author"),
        &[
            "--json",
            "plugin",
            "pack",
            dir.to_str().context("utf-8 path")?,
            "--out",
            archive.to_str().context("utf-8 path")?,
        ],
    )?;
    let entry: serde_json::Value = serde_json::from_str(&printed)?;
    assert_eq!(entry["id"], "aniliberty");
    assert_eq!(entry["url"], "aniliberty.tar.gz", "beside the index by default");
    let sha256 = entry["sha256"].as_str().context("the sha256")?;
    let summed = Command::new("sha256sum").arg(&archive).output().context("running sha256sum")?;
    let summed = String::from_utf8(summed.stdout)?;
    assert_eq!(summed.split_whitespace().next(), Some(sha256), "the entry names the archive");
    std::fs::write(site.join("index.json"), serde_json::json!({ "plugins": [entry] }).to_string())?;

    let server = FakeServer::start_in_background()?;
    server.serve_dir("/plugins", &site);
    let data = temp.path().join("data");
    check(
        &data,
        &["plugin", "index", "--url", &format!("{}/plugins/index.json", server.base_url())],
    )?;
    let installed = check(&data, &["plugin", "install", "aniliberty"])?;
    assert!(installed.contains("installed aniliberty"), "{installed}");
    let listed = check(&data, &["--json", "plugin", "list"])?;
    assert!(listed.contains(sha256), "the recorded sha256 is the archive's: {listed}");

    let broken = temp.path().join("broken");
    std::fs::create_dir_all(&broken)?;
    std::fs::write(broken.join("plugin.toml"), "id = \"x\"\n")?;
    std::fs::write(broken.join("plugin.wasm"), b"\0asm")?;
    let output = getanime(&data, &["plugin", "pack", broken.to_str().context("utf-8 path")?])?;
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("plugin.toml"), "says what is wrong: {stderr}");
    Ok(())
}

/// `plugins/README.md` as a person follows it: its three files in a folder outside this
/// repository (the SDK by path), its commands in order (`cargo test` natively through the fake
/// host, the wasm build, `getanime plugin pack`, install, sync), against a fake API on 127.0.0.1.
mod walkthrough {
    use super::*;

    /// The files the README gives: each fenced block after a line `` `PATH`: `` (or
    /// `` `PATH` (a note): ``).
    fn readme_files(readme: &str) -> Vec<(String, String)> {
        let mut files = Vec::new();
        let mut lines = readme.lines();
        while let Some(line) = lines.next() {
            let named = line.strip_prefix('`').filter(|_| line.ends_with(':'));
            let Some((path, _)) = named.and_then(|rest| rest.split_once('`')) else { continue };
            let path = path.to_owned();
            if !lines
                .find(|line| !line.trim().is_empty())
                .is_some_and(|fence| fence.starts_with("```"))
            {
                continue;
            }
            let body: Vec<&str> = lines.by_ref().take_while(|line| *line != "```").collect();
            files.push((path, body.join("\n") + "\n"));
        }
        files
    }

    /// The README's section under the heading `## {title}`, up to the next `## `.
    fn section<'a>(readme: &'a str, title: &str) -> Result<&'a str> {
        let (_, rest) =
            readme.split_once(&format!("\n## {title}\n")).context("the README's section")?;
        Ok(rest.split("\n## ").next().unwrap_or(rest))
    }

    /// The shell block after "Then, in `FOLDER`:": one command per line, comments dropped.
    fn readme_commands(section: &str, folder: &str) -> Result<Vec<Vec<String>>> {
        let (_, rest) =
            section.split_once(&format!("Then, in `{folder}`:")).context("the commands")?;
        let block = rest.split("```sh\n").nth(1).context("a sh block")?;
        let block = block.split("```").next().context("its end")?;
        Ok(block
            .lines()
            .map(|line| line.split('#').next().unwrap_or_default())
            .map(|line| line.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
            .filter(|words| !words.is_empty())
            .collect())
    }

    /// The README's files of `section` written into `folder` (the SDK by its path here), with
    /// this repository's lock file and toolchain, and a build folder kept under target/.
    fn write_example(section: &str, folder: &Path) -> Result<()> {
        let root = getanime_testkit::workspace_root();
        let files = readme_files(section);
        let names: Vec<&str> = files.iter().map(|(path, _)| path.as_str()).collect();
        ensure!(
            names == ["Cargo.toml", "plugin.toml", "src/lib.rs"],
            "the README's files: {names:?}"
        );
        let sdk = root.join("plugins/getanime-provider-sdk");
        for (path, text) in &files {
            let text = if path == "Cargo.toml" {
                ensure!(text.contains("/path/to/getanime/plugins/getanime-provider-sdk"), "{text}");
                text.replace(
                    "/path/to/getanime/plugins/getanime-provider-sdk",
                    sdk.to_str().context("utf-8 path")?,
                )
            } else {
                text.clone()
            };
            let file = folder.join(path);
            std::fs::create_dir_all(file.parent().context("a parent")?)?;
            std::fs::write(&file, text)?;
        }
        // The versions this repository builds with, offline, and a build folder kept between
        // runs (under target/, so a cold CI run builds the example's dependencies once).
        std::fs::copy(root.join("Cargo.lock"), folder.join("Cargo.lock"))?;
        std::fs::copy(root.join("rust-toolchain.toml"), folder.join("rust-toolchain.toml"))?;
        let build_dir = root.join("target/walkthrough");
        std::fs::create_dir_all(&build_dir)?;
        std::os::unix::fs::symlink(&build_dir, folder.join("target"))?;
        Ok(())
    }

    /// A `cargo` command of the README, run in `folder` offline.
    fn run_cargo(args: &[String], folder: &Path, what: &str) -> Result<String> {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut command = Command::new(&cargo);
        command
            .args(args)
            .current_dir(folder)
            .env("CARGO_NET_OFFLINE", "true")
            .env_remove("CARGO_TARGET_DIR")
            .env_remove("RUSTFLAGS");
        run(&mut command, what)
    }

    fn run(command: &mut Command, what: &str) -> Result<String> {
        let output = command.output().with_context(|| format!("running {what}"))?;
        ensure!(
            output.status.success(),
            "{what} failed ({}):\n{}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    }

    #[test]
    fn the_readme_plugin_builds_packs_installs_and_syncs() -> Result<()> {
        let root = getanime_testkit::workspace_root();
        let readme = std::fs::read_to_string(root.join("plugins/README.md"))?;
        let readme = section(&readme, "From an empty folder to a synced source")?;
        let temp = tempfile::tempdir()?;
        let author = temp.path().join("my-source");
        write_example(readme, &author)?;

        let server = FakeServer::start_in_background()?;
        let listing = serde_json::json!({"pages": 1, "items": [{"id": 7, "name": "Фрирен",
            "episodes": [{"number": 1, "hls": format!("{}/media/7/1.m3u8", server.base_url())}]}]});
        server.route("/latest?page=1", getanime_testkit::Reply::json(listing.to_string()));
        let data = temp.path().join("data");
        let mut synced = false;
        for words in readme_commands(readme, "my-source")? {
            let what = words.join(" ");
            let (program, args) = words.split_first().context("a command")?;
            match program.as_str() {
                "cargo" => {
                    run_cargo(args, &author, &what)?;
                }
                "getanime" => {
                    if args.first().map(String::as_str) == Some("sync") {
                        // The fake API stands in for api.my-source.example.
                        let base = server.base_url();
                        check(&data, &["plugin", "set", "my-source", "base_url", &base])?;
                        check(&data, &["plugin", "grant", "my-source", "127.0.0.1"])?;
                        synced = true;
                    }
                    let mut command = Command::new(env!("CARGO_BIN_EXE_getanime"));
                    command.arg("--data-dir").arg(&data).args(args).current_dir(&author);
                    run(&mut command, &what)?;
                }
                other => anyhow::bail!("the README runs {other}, which this test does not know"),
            }
        }
        ensure!(synced, "the README syncs");
        assert!(author.join("my-source-0.1.0.tar.gz").is_file(), "plugin pack wrote the archive");
        let titles = check(&data, &["titles"])?;
        assert!(titles.contains("Фрирен"), "the synced title is in the library: {titles}");
        assert_eq!(server.requests(), ["/latest?page=1"], "one page, through the host");
        let json: serde_json::Value = serde_json::from_str(&check(&data, &["--json", "titles"])?)?;
        let id = json[0]["id"].as_i64().context("the title id")?.to_string();
        let shown = check(&data, &["show", &id])?;
        assert!(shown.contains("[my-source]"), "from the README's plugin: {shown}");
        assert!(shown.contains("[hd]"), "its episode with its stream: {shown}");
        Ok(())
    }

    /// The README's tracker as a person follows it: built, packed, installed, connected by login
    /// and password typed on standard input, synced against a fake list service on 127.0.0.1
    /// that answers the list only with the token the plugin handed over.
    #[test]
    fn the_readme_tracker_builds_packs_connects_and_syncs() -> Result<()> {
        use std::io::Write;

        let root = getanime_testkit::workspace_root();
        let readme = std::fs::read_to_string(root.join("plugins/README.md"))?;
        let readme =
            section(&readme, "An account plugin: from an empty folder to a synced account")?;
        let temp = tempfile::tempdir()?;
        let author = temp.path().join("my-tracker");
        write_example(readme, &author)?;

        let server = FakeServer::start_in_background()?;
        server.route_handler("/", |request| {
            match (request.method.as_str(), request.path.as_str()) {
                ("POST", "/login")
                    if String::from_utf8_lossy(&request.body).contains("\"secret\"") =>
                {
                    getanime_testkit::Reply::json(r#"{"token": "t0ken-of-anna", "user": "anna"}"#)
                }
                ("GET", "/list")
                    if request.header("authorization") == Some("Bearer t0ken-of-anna") =>
                {
                    getanime_testkit::Reply::json(
                        r#"[{"id": "7", "status": "watching", "episodes": 3}]"#,
                    )
                }
                _ => getanime_testkit::Reply::new(401, "application/json", "{}"),
            }
        });
        let data = temp.path().join("data");
        let mut outputs = Vec::new();
        for words in readme_commands(readme, "my-tracker")? {
            let what = words.join(" ");
            let (program, args) = words.split_first().context("a command")?;
            match program.as_str() {
                "cargo" => {
                    run_cargo(args, &author, &what)?;
                }
                "getanime" => {
                    let mut command = Command::new(env!("CARGO_BIN_EXE_getanime"));
                    command.arg("--data-dir").arg(&data).args(args).current_dir(&author);
                    if args.get(1).map(String::as_str) == Some("connect") {
                        // The fake service stands in for api.my-tracker.example.
                        let base = server.base_url();
                        check(&data, &["plugin", "set", "my-tracker", "base_url", &base])?;
                        check(&data, &["plugin", "grant", "my-tracker", "127.0.0.1"])?;
                        let mut child = command
                            .stdin(std::process::Stdio::piped())
                            .stdout(std::process::Stdio::piped())
                            .stderr(std::process::Stdio::piped())
                            .spawn()?;
                        child.stdin.take().context("stdin")?.write_all(b"anna\nsecret\n")?;
                        let output = child.wait_with_output()?;
                        ensure!(
                            output.status.success(),
                            "{what}: {}",
                            String::from_utf8_lossy(&output.stderr)
                        );
                        outputs.push(String::from_utf8_lossy(&output.stdout).into_owned());
                    } else {
                        outputs.push(run(&mut command, &what)?);
                    }
                }
                other => anyhow::bail!("the README runs {other}, which this test does not know"),
            }
        }
        let said = outputs.join("");
        assert!(said.contains("signed in to my-tracker as anna"), "{said}");
        assert!(said.contains("1 on the account's lists"), "{said}");
        assert!(
            said.contains("1 titles wait for their source"),
            "my-source is not installed: {said}"
        );
        assert!(said.contains("my-tracker  anna  active"), "{said}");
        let credentials = std::fs::read_to_string(data.join("credentials.json"))?;
        assert!(credentials.contains("t0ken-of-anna"), "the host keeps the token");
        let library = std::fs::read(data.join("library.sqlite3"))?;
        assert!(!library.windows(13).any(|window| window == b"t0ken-of-anna"), "never the library");
        Ok(())
    }
}

/// `getanime account` against a stateful fake AniLiberty account: connect by the code the
/// command prints (the fake's phone accepts it), sync, list; a change committed offline survives
/// a SIGKILL of the sync and arrives once when the server is back; login + password from
/// standard input; a code nobody accepts times out in words.
#[test]
fn the_account_command_connects_syncs_and_keeps_changes_through_a_kill() -> Result<()> {
    use std::io::{BufRead, Write};

    use getanime_testkit::aniliberty_account::{
        FakeAnilibertyAccount, LOGIN, PASSWORD, serve_aniliberty_releases,
    };

    let server = FakeServer::start_in_background()?;
    let fake = FakeAnilibertyAccount::serve(&server, "/api/v1");
    serve_aniliberty_releases(&server, "/api/v1")?;
    fake.set_collection(9972, "WATCHING");
    let temp = tempfile::tempdir()?;
    let data = temp.path().join("data");
    let api = format!("{}/api/v1", server.base_url());
    install_against(&data, "aniliberty", &api)?;
    install_against(&data, "aniliberty-account", &api)?;

    // By the code: the command prints it, the phone accepts it, the command ends signed in.
    let mut connect = getanime_command(&data)
        .args(["--json", "account", "connect", "aniliberty-account", "--timeout", "60"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()?;
    let stdout = connect.stdout.take().context("the command's output")?;
    let mut lines = std::io::BufReader::new(stdout).lines();
    let first: serde_json::Value = serde_json::from_str(&lines.next().context("a line")??)?;
    assert_eq!(first["code"].as_str(), fake.last_code().as_deref(), "{first}");
    assert!(fake.accept_last_code());
    let rest: Vec<String> = lines.collect::<std::io::Result<_>>()?;
    let status = connect.wait()?;
    assert!(status.success(), "connect failed: {rest:?}");
    let done: serde_json::Value = serde_json::from_str(&rest.join("\n"))?;
    assert_eq!((done["user"].as_str(), done["state"].as_str()), (Some("Анна"), Some("active")));

    let synced: serde_json::Value =
        serde_json::from_str(&check(&data, &["--json", "account", "sync"])?)?;
    assert_eq!(
        (synced[0]["pulled"].as_u64(), synced[0]["titles_fetched"].as_u64()),
        (Some(1), Some(1))
    );
    let watching = check(&data, &["list", "show", "watching"])?;
    assert!(watching.contains("Релиз 9972"), "{watching}");
    let listed: serde_json::Value =
        serde_json::from_str(&check(&data, &["--json", "account", "list"])?)?;
    let account = &listed[0];
    assert_eq!(account["plugin"], "aniliberty-account");
    assert_eq!(
        (account["user"].as_str(), account["state"].as_str()),
        (Some("Анна"), Some("active"))
    );
    assert!(account["last_sync"].is_i64(), "{account}");
    assert_eq!(account["pending"], 0);

    // Offline: the change is committed, the sync is killed, the server comes back.
    fake.set_down(true);
    let title = title_named(&data, "Релиз 9972")?;
    check(&data, &["list", "set", &title, "planned"])?;
    let mut sync = getanime_command(&data)
        .args(["account", "sync"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    std::thread::sleep(std::time::Duration::from_millis(300));
    sync.kill()?;
    sync.wait()?;
    let failed = getanime(&data, &["account", "sync"])?;
    assert_eq!(failed.status.code(), Some(1), "a failed account is exit 1");
    let said = String::from_utf8_lossy(&failed.stderr);
    assert!(said.contains("does not answer"), "{said}");
    let listed: serde_json::Value =
        serde_json::from_str(&check(&data, &["--json", "account", "list"])?)?;
    assert_eq!(listed[0]["pending"], 1, "the change waits: {listed}");
    fake.set_down(false);
    check(&data, &["account", "sync"])?;
    assert_eq!(fake.collections().get(&9972).map(String::as_str), Some("PLANNED"));
    let writes = fake.writes();
    assert_eq!(writes.len(), 1, "{writes:?}");
    check(&data, &["account", "sync"])?;
    assert_eq!(fake.writes(), writes, "a second sync sends nothing");

    // By login and password, read from standard input (never the command line).
    check(&data, &["account", "disconnect", "aniliberty-account"])?;
    let login = |password: &str| -> Result<Output> {
        let mut child = getanime_command(&data)
            .args(["account", "connect", "aniliberty-account", "--method", "password"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()?;
        child
            .stdin
            .take()
            .context("stdin")?
            .write_all(format!("{LOGIN}\n{password}\n").as_bytes())?;
        Ok(child.wait_with_output()?)
    };
    let refused = login("wrong horse")?;
    assert_eq!(refused.status.code(), Some(1));
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("refused") && !said.contains("wrong horse"), "{said}");
    let signed = login(PASSWORD)?;
    assert!(signed.status.success(), "{}", String::from_utf8_lossy(&signed.stderr));
    assert!(
        String::from_utf8_lossy(&signed.stdout).contains("signed in to aniliberty-account as Анна")
    );

    // A code nobody accepts.
    let waited = getanime(&data, &["account", "connect", "aniliberty-account", "--timeout", "2"])?;
    assert_eq!(waited.status.code(), Some(1));
    let said = String::from_utf8_lossy(&waited.stderr);
    assert!(said.contains("not accepted within 2 s"), "{said}");
    Ok(())
}

/// Shikimori and AniList signed in from a computer, what the page shows read from standard
/// input: Shikimori's code (spaces around it trimmed) exchanged by the host, a mangled one
/// refused in words with nothing kept; AniList's token taken as it is, kept a year (`account
/// list` says until when). The client secret is never printed back.
#[test]
fn shikimori_and_anilist_sign_in_from_the_command_line() -> Result<()> {
    use std::io::Write;

    use getanime_testkit::anilist::{self, FakeAnilist};
    use getanime_testkit::shikimori::{self, FakeShikimori};

    let (shikimori_server, anilist_server) =
        (FakeServer::start_in_background()?, FakeServer::start_in_background()?);
    let shikimori_site = FakeShikimori::serve(&shikimori_server);
    let anilist_site = FakeAnilist::serve(&anilist_server);
    let temp = tempfile::tempdir()?;
    let data = temp.path().join("data");
    install_against(&data, "shikimori", &shikimori_server.base_url())?;
    check(&data, &["plugin", "set", "shikimori", "client_id", shikimori::CLIENT_ID])?;
    let said =
        check(&data, &["plugin", "set", "shikimori", "client_secret", shikimori::CLIENT_SECRET])?;
    assert!(!said.contains(shikimori::CLIENT_SECRET), "{said}");
    let graphql = format!("{}/graphql", anilist_server.base_url());
    check(&data, &["plugin", "install", built_plugin("anilist")?.to_str().context("utf-8")?])?;
    check(&data, &["plugin", "set", "anilist", "graphql_url", &graphql])?;
    check(&data, &["plugin", "set", "anilist", "client_id", "13985"])?;
    check(&data, &["plugin", "grant", "anilist", "127.0.0.1"])?;

    let paste = |plugin: &str, text: &str| -> Result<Output> {
        let mut child = getanime_command(&data)
            .args(["account", "connect", plugin, "--method", "paste"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()?;
        child.stdin.take().context("stdin")?.write_all(text.as_bytes())?;
        Ok(child.wait_with_output()?)
    };
    let mangled = paste("shikimori", "abc def!\n")?;
    assert_eq!(mangled.status.code(), Some(1));
    let said = String::from_utf8_lossy(&mangled.stderr);
    assert!(said.contains("not accepted"), "{said}");
    let page = String::from_utf8_lossy(&mangled.stdout);
    let authorize = format!(
        "{}/oauth/authorize?client_id={}",
        shikimori_server.base_url(),
        shikimori::CLIENT_ID
    );
    assert!(page.contains(&authorize) && page.contains("scope=user_rates"), "{page}");
    assert_eq!(check(&data, &["--json", "account", "list"])?.trim(), "[]", "nothing kept");

    let signed = paste("shikimori", &format!("  {}  \n", shikimori_site.authorize()))?;
    let said = String::from_utf8_lossy(&signed.stdout);
    assert!(said.contains(&format!("signed in to shikimori as {}", shikimori::NICKNAME)), "{said}");
    let token = anilist_site.issue_token();
    let signed = paste("anilist", &format!("{token}\n"))?;
    let said = String::from_utf8_lossy(&signed.stdout);
    assert!(said.contains(&format!("signed in to anilist as {}", anilist::NAME)), "{said}");

    let listed: serde_json::Value =
        serde_json::from_str(&check(&data, &["--json", "account", "list"])?)?;
    let accounts = listed.as_array().context("a list")?;
    let of = |plugin: &str| accounts.iter().find(|account| account["plugin"] == plugin);
    let until = of("anilist").context("AniList")?["signed_in_until"].as_i64().context("until")?;
    let year_on = chrono::Utc::now().timestamp_millis() + 364 * 86_400_000;
    assert!(until > year_on, "a year-long token: {listed}");
    assert!(of("shikimori").context("Shikimori")?["signed_in_until"].is_null(), "refreshed");
    check(&data, &["account", "sync"])?;
    let library = std::fs::read(data.join("library.sqlite3"))?;
    let kept = library.windows(token.len()).any(|window| window == token.as_bytes());
    assert!(!kept && !said.contains(&token), "the token stays out of the library and the output");
    Ok(())
}

/// Profiles → Accounts → Connect with the remote's keys alone, in Russian and in English: the
/// code on screen (read back by OCR) is the one the fake account handed out; its "phone"
/// accepts it; the screen goes back to Accounts by itself showing the user and that it synced;
/// the account's title is in Watching; Disconnect asks, then the line is gone and the history
/// stays.
#[test]
fn an_account_connects_from_the_sofa_with_a_code() -> Result<()> {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    use getanime_testkit::aniliberty_account::{FakeAnilibertyAccount, serve_aniliberty_releases};

    require_display()?;
    for (lang, name, ocr, words) in [
        ("ru_RU.UTF-8", "ru", "rus", ["Анна", "обновлён", "Отключить"]),
        // (English OCR reads the Cyrillic «Анна» as Latin look-alikes: the Russian run checks it.)
        ("C.UTF-8", "en", "eng", ["AniLiberty account:", "synced", "Disconnect"]),
    ] {
        let server = FakeServer::start_in_background()?;
        let fake = FakeAnilibertyAccount::serve(&server, "/api/v1");
        serve_aniliberty_releases(&server, "/api/v1")?;
        fake.set_collection(9972, "WATCHING");
        let temp = tempfile::tempdir()?;
        let data = temp.path().join("data");
        let api = format!("{}/api/v1", server.base_url());
        install_against(&data, "aniliberty", &api)?;
        install_against(&data, "aniliberty-account", &api)?;

        // The phone: accepts a code as soon as there is one, and remembers it.
        let stop = Arc::new(AtomicBool::new(false));
        let phone = {
            let (fake, stop) = (fake.clone(), Arc::clone(&stop));
            std::thread::spawn(move || {
                let mut accepted = None;
                while !stop.load(Ordering::Relaxed) {
                    if let Some(code) = fake.last_code() {
                        fake.accept_last_code();
                        accepted = Some(code);
                    }
                    std::thread::sleep(std::time::Duration::from_millis(200));
                }
                accepted
            })
        };
        let shot = screenshot_path(&format!("accounts-{name}.png"))?;
        // Up to the header, Right to the profile button, Enter: Profiles. Down to Accounts,
        // Enter: Accounts. Enter on Connect: the code. Wait for the phone and the first sync.
        // Right ×2 to Disconnect, Enter asks, Enter disconnects.
        let keys = "up,right,right,right,right,right,right,enter,down,enter,enter,wait,\
                    wait,wait,wait,wait,wait,wait,right,right,enter,enter,wait";
        let mut command = Command::new(env!("CARGO_BIN_EXE_getanime"));
        command.env("LANG", lang);
        let result = run_window_with(command, &data, &[OsStr::new("--no-sync")], keys, Some(&shot));
        stop.store(true, Ordering::Relaxed);
        let accepted = phone.join().map_err(|_| anyhow::anyhow!("the phone thread panicked"))?;
        result?;

        let step = |index: usize| shot.with_file_name(format!("accounts-{name}-{index}.png"));
        let code = accepted.context("a code was handed out and accepted")?;
        // The digits in reading order (sparse text: the large groups are found one by one).
        let sparse = Command::new("tesseract")
            .arg(step(12))
            .args(["-", "--psm", "11", "-l", "eng"])
            .output()
            .context("running tesseract")?;
        let read = String::from_utf8_lossy(&sparse.stdout);
        let digits: String = read.chars().filter(char::is_ascii_digit).collect();
        assert!(digits.contains(&code), "the code {code} on screen; OCR read:\n{read}");
        check_screen_says(&step(12), ocr, &[&code[..3]])?;
        check_screen_says(&step(18), ocr, &words)?;
        let watching = check(&data, &["list", "show", "watching"])?;
        assert!(watching.contains("Релиз 9972"), "the account's title is in Watching: {watching}");
        let listed: serde_json::Value =
            serde_json::from_str(&check(&data, &["--json", "account", "list"])?)?;
        assert_eq!(listed, serde_json::json!([]), "disconnected from the TV");
        assert!(fake.live_tokens().is_empty(), "signed out at the server too");
        let watching = check(&data, &["list", "show", "watching"])?;
        assert!(watching.contains("Релиз 9972"), "the history stays: {watching}");
    }
    Ok(())
}

/// Signing in with a code from a web page (OAuth out-of-band, the way Shikimori signs in), from
/// the sofa on real X keys: Profiles → Accounts → Connect shows the page as a QR code (decoded by
/// `zbarimg` from a screenshot) and the keyboard for codes; the code typed with one character
/// wrong is refused and stays on screen; the cursor goes back to it, it is fixed, and Done signs
/// in. In Russian and in English.
#[test]
fn a_code_from_a_page_is_typed_with_arrows_fixed_and_its_qr_code_decodes() -> Result<()> {
    const AUTHORIZE: &str =
        "https://auth.invalid/oauth/authorize?client_id=getanime-test&response_type=code";
    require_display()?;
    for (lang, ocr, home, connect, refused, page) in [
        ("ru_RU.UTF-8", "rus", "Поиск", "Подключить", "Код не принят", "Наведите камеру"),
        ("C.UTF-8", "eng", "Search", "Connect", "That code was not accepted", "Scan the QR"),
    ] {
        let server = FakeServer::start_in_background()?;
        server.route_handler("/oauth/token", |request| {
            let body = String::from_utf8_lossy(&request.body);
            if body.ends_with("code=3ax-9") {
                getanime_testkit::Reply::json(
                    r#"{"access_token":"page-token-1","token_type":"Bearer"}"#,
                )
            } else {
                getanime_testkit::Reply::new(
                    400,
                    "application/json",
                    r#"{"error":"invalid_grant"}"#,
                )
            }
        });
        let temp = tempfile::tempdir()?;
        let data = temp.path().join("data");
        check(
            &data,
            &["plugin", "install", built_plugin("test-provider")?.to_str().context("utf-8")?],
        )?;
        check(
            &data,
            &["plugin", "install", built_plugin("test-tracker")?.to_str().context("utf-8")?],
        )?;
        let token_url = format!("{}/oauth/token", server.base_url());
        check(&data, &["plugin", "set", "test-tracker", "token_url", &token_url])?;

        let screen = OwnDisplay::start()?;
        let mut command = Command::new(env!("CARGO_BIN_EXE_getanime"));
        command.arg("--data-dir").arg(&data).arg("--no-sync");
        let (mut app, window) = screen.open_window_in(command, lang)?;
        let shot = screenshot_path(&format!("sign-in-page-{ocr}.png"))?;
        screen.focus(&window)?;
        screen.wait_for_screen(&shot, ocr, &[home])?;
        // Up to the header, Right ×6 to the profile button: Profiles; Down, Enter: Accounts;
        // Enter: Connect Test tracker, which signs in by a page.
        screen.keys(&["Up", "Right", "Right", "Right", "Right", "Right", "Right", "Return"])?;
        screen.keys(&["Down", "Return"])?;
        screen.wait_for_screen(&shot, ocr, &[connect])?;
        screen.keys(&["Return"])?;
        screen.wait_for_screen(&shot, ocr, &[page])?;
        let decoded = Command::new("zbarimg")
            .args(["-q", "--raw"])
            .arg(&shot)
            .output()
            .context("running zbarimg (cargo xtask setup installs zbar-tools)")?;
        assert_eq!(String::from_utf8_lossy(&decoded.stdout).trim(), AUTHORIZE, "the QR code");

        // The keyboard for codes starts on «1». Type 3, b (a mistake), x, -, 9, then Done.
        let (left, right, up, down, enter) = ("Left", "Right", "Up", "Down", "Return");
        screen.keys(&[right, right, enter])?; // 3
        screen.keys(&[down, down, down, right, right, enter])?; // b
        screen.keys(&[left, left, left, enter])?; // x
        screen.keys(&[up, left, left, enter])?; // -
        screen.keys(&[up, up, left, enter])?; // 9
        screen.keys(&[down, down, down, down, enter])?; // Done
        screen.wait_for_screen(&shot, ocr, &[refused])?;
        // ◀ ×3 puts the cursor after «b», ⌫ erases it, «a» goes in its place, then Done.
        screen.keys(&[left, left, left, enter, enter, enter])?;
        screen.keys(&[right, right, enter])?;
        screen.keys(&[up, up, left, left, left, enter])?;
        screen.keys(&[down, down, left, enter])?;
        let signed_in = (0..100).any(|_| {
            std::thread::sleep(std::time::Duration::from_millis(200));
            check(&data, &["--json", "account", "list"])
                .is_ok_and(|listed| listed.contains("paster"))
        });
        let codes: Vec<String> = server
            .bodies()
            .iter()
            .map(|received| String::from_utf8_lossy(&received.body).into_owned())
            .collect();
        app.kill()?;
        app.wait()?;
        assert!(signed_in, "the fixed code signed in; codes sent: {codes:?}");
        assert_eq!(
            codes,
            [
                "grant_type=authorization_code&code=3bx-9",
                "grant_type=authorization_code&code=3ax-9"
            ],
            "the mistake, then the fixed code"
        );
    }
    Ok(())
}

/// Shikimori from the sofa, in Russian: Profiles → Accounts → Connect Shikimori shows the
/// authorize page as a QR code (decoded by `zbarimg` from a screenshot); the page's whole code
/// (43 characters of both cases, as Doorkeeper's) is typed on the on-screen keyboard with real
/// X keys at a short interval, in under a minute; Done exchanges it and the account is there.
#[test]
fn shikimori_signs_in_from_the_sofa_with_its_code_typed() -> Result<()> {
    use getanime_testkit::shikimori::{self, FakeShikimori};

    require_display()?;
    let server = FakeServer::start_in_background()?;
    let site = FakeShikimori::serve(&server);
    let temp = tempfile::tempdir()?;
    let data = temp.path().join("data");
    install_against(&data, "shikimori", &server.base_url())?;
    check(&data, &["plugin", "set", "shikimori", "client_id", shikimori::CLIENT_ID])?;
    check(&data, &["plugin", "set", "shikimori", "client_secret", shikimori::CLIENT_SECRET])?;

    let screen = OwnDisplay::start()?;
    let mut command = Command::new(env!("CARGO_BIN_EXE_getanime"));
    command.arg("--data-dir").arg(&data).arg("--no-sync");
    let (mut app, window) = screen.open_window_in(command, "ru_RU.UTF-8")?;
    let shot = screenshot_path("sign-in-shikimori-ru.png")?;
    screen.focus(&window)?;
    screen.wait_for_screen(&shot, "rus", &["Поиск"])?;
    // Up to the header, Right ×6 to the profile button: Profiles; Down, Enter: Accounts;
    // Enter: Connect Shikimori (the installed tracker comes first).
    screen.keys(&["Up", "Right", "Right", "Right", "Right", "Right", "Right", "Return"])?;
    screen.keys(&["Down", "Return"])?;
    screen.wait_for_screen(&shot, "rus", &["Подключить", "оценки там"])?;
    screen.keys(&["Return"])?;
    // The long page URL is named by its site, never pushing the keyboard off the edge: its
    // last key («Готово», besides step 3's) is on screen.
    screen.wait_for_screen(&shot, "rus", &["Наведите камеру", "страница входа"])?;
    let read = read_screen(&shot, "rus")?;
    assert!(read.matches("Готово").count() >= 2, "the Done key on screen; OCR read:\n{read}");
    let decoded = Command::new("zbarimg").args(["-q", "--raw"]).arg(&shot).output()?;
    let decoded = String::from_utf8_lossy(&decoded.stdout).trim().to_owned();
    let authorize =
        format!("{}/oauth/authorize?client_id={}&", server.base_url(), shikimori::CLIENT_ID);
    assert!(decoded.starts_with(&authorize), "the QR code: {decoded}");
    assert!(decoded.ends_with("response_type=code&scope=user_rates"), "{decoded}");

    let code = site.authorize();
    let keys = keys_typing_code(&code)?;
    let started = std::time::Instant::now();
    screen.keys_every(&keys, 40)?;
    let typing = started.elapsed();
    let signed_in = (0..100).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(200));
        check(&data, &["--json", "account", "list"])
            .is_ok_and(|listed| listed.contains("shikimori"))
    });
    app.kill()?;
    app.wait()?;
    assert!(signed_in, "the typed code signed in ({} keys)", keys.len());
    assert!(typing < std::time::Duration::from_secs(60), "{} keys took {typing:?}", keys.len());
    Ok(())
}

/// The remote's keys that type `code` on the keyboard for codes (which starts on «1») and then
/// press Done, planned on the core's own keyboard: the fewest moves to each key (switching
/// case with the layout key), then Enter.
fn keys_typing_code(code: &str) -> Result<Vec<&'static str>> {
    use getanime_app::navigation::{Key, KeyCap, Keyboard, KeyboardLayout, Typed};

    let mut board = Keyboard::in_layout(KeyboardLayout::Code);
    let mut keys = Vec::new();
    let targets = code.chars().map(KeyCap::Char).chain([KeyCap::Done]);
    for target in targets {
        let on = |board: &Keyboard| {
            let (row, column) = board.focus();
            board.rows()[row][column] == target
        };
        let mut seen = vec![board.clone()];
        let mut queue = std::collections::VecDeque::from([(board.clone(), Vec::new())]);
        let (reached, path) = loop {
            let (state, path) = queue.pop_front().with_context(|| format!("no {target:?}"))?;
            if on(&state) {
                break (state, path);
            }
            for key in [Key::Up, Key::Down, Key::Left, Key::Right, Key::Enter] {
                let mut next = state.clone();
                // Moves, and Enter only on the layout key (any other Enter would type).
                if next.key(key) != Typed::Moved || seen.contains(&next) {
                    continue;
                }
                seen.push(next.clone());
                let mut longer: Vec<Key> = path.clone();
                longer.push(key);
                queue.push_back((next, longer));
            }
        };
        board = reached;
        keys.extend(path);
        keys.push(Key::Enter);
    }
    Ok(keys
        .into_iter()
        .map(|key| match key {
            Key::Up => "Up",
            Key::Down => "Down",
            Key::Left => "Left",
            Key::Right => "Right",
            _ => "Return",
        })
        .collect())
}

/// The 6-digit pairing code the TV shows, read by OCR from a fresh screenshot.
fn code_on_screen(screen: &OwnDisplay, png: &Path) -> Result<String> {
    screen.wait_for_screen(png, "eng", &["Pair a phone", "enter the code"])?;
    // The big digits alone, smaller and dark on light, as one line of digits: OCR reads them
    // best so (whole-screen OCR once read «570 577» as «5970 577»).
    let digits = png.with_extension("code.png");
    let cropped = Command::new("convert")
        .arg(png)
        .args(["-crop", "760x140+660+345", "-resize", "50%", "-negate"])
        .arg(&digits)
        .status()
        .context("running convert (ImageMagick)")?;
    ensure!(cropped.success(), "convert could not crop {}", png.display());
    let read = Command::new("tesseract")
        .arg(&digits)
        .args(["-", "--psm", "7", "-c", "tessedit_char_whitelist=0123456789"])
        .output()
        .context("running tesseract")?;
    let code: String =
        String::from_utf8_lossy(&read.stdout).chars().filter(char::is_ascii_digit).collect();
    if code.len() == 6 {
        return Ok(code);
    }
    let text = read_screen(png, "eng")?;
    // Else the big digits' line of the whole screen; OCR may add a stray mark or two beside
    // them ("ge 128 233").
    text.lines()
        .find_map(|line| {
            let digits: String = line.chars().filter(char::is_ascii_digit).collect();
            let marks = line.chars().filter(|c| !c.is_whitespace() && !c.is_ascii_digit()).count();
            (digits.len() == 6 && marks <= 3).then_some(digits)
        })
        .with_context(|| format!("a 6-digit code on the TV; OCR read:\n{text}"))
}

/// A free port on 127.0.0.1 (bound, read, released).
fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Debian's chromedriver on a port of the test's own, stopped when dropped.
struct ChromeDriver {
    process: std::process::Child,
    url: String,
}

impl ChromeDriver {
    fn start() -> Result<ChromeDriver> {
        let port = free_port()?;
        let process = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .context("starting chromedriver (cargo xtask setup installs chromium-driver)")?;
        let url = format!("http://127.0.0.1:{port}");
        let ready = (0..100).any(|_| {
            std::thread::sleep(std::time::Duration::from_millis(100));
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        ensure!(ready, "chromedriver never listened");
        Ok(ChromeDriver { process, url })
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        if let Err(error) = self.process.kill().and_then(|()| self.process.wait().map(drop)) {
            eprintln!("stopping chromedriver: {error}");
        }
    }
}

/// A headless Chromium with a phone's screen, through WebDriver.
async fn phone_browser(driver: &ChromeDriver, profile: &Path) -> Result<fantoccini::Client> {
    let options = serde_json::json!({
        "binary": "/usr/bin/chromium",
        "args": [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-quic", "--lang=ru",
            format!("--user-data-dir={}", profile.display()),
        ],
        "mobileEmulation": {
            "deviceMetrics": {"width": 412, "height": 915, "pixelRatio": 2.625, "touch": true}
        },
        // A Russian-speaking viewer's phone: the page speaks Russian.
        "prefs": {"intl.accept_languages": "ru-RU,ru"},
    });
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("goog:chromeOptions".to_owned(), options);
    Ok(fantoccini::ClientBuilder::rustls()?.capabilities(capabilities).connect(&driver.url).await?)
}

/// Waits (10 s at most) until `selector` matches a shown element of the page.
async fn shown(
    client: &fantoccini::Client,
    selector: &str,
) -> Result<fantoccini::elements::Element> {
    Ok(client
        .wait()
        .at_most(std::time::Duration::from_secs(10))
        .for_element(fantoccini::Locator::Css(selector))
        .await?)
}

/// The phone remote from a real phone browser: headless Chromium (a phone's screen, through
/// Debian's chromedriver) against the real app under its own Xvfb. Settings → Pair a phone shows
/// a code, read off the TV by OCR and typed on the page; the TV says the phone may now control
/// it; the page's Home, ▲ and OK open Search on the TV, whose focused box makes the page focus
/// its own; «Песнь» typed on the phone reaches the source's search; forgetting the phone on the
/// TV sends the page back to its code.
#[test]
fn a_phone_pairs_by_the_code_on_the_tv_types_and_is_forgotten() -> Result<()> {
    require_display()?;
    let library = playable_library_lasting(30)?;
    library
        ._server
        .route_computed("/api/v1/app/search/releases", |_| getanime_testkit::Reply::json("[]"));
    let (server, data, temp) = (&library._server, &library.data, &library._temp);
    check(data, &["settings", "phone_remote", "true"])?;
    let port = free_port()?;
    let page = format!("http://127.0.0.1:{port}/");

    let screen = OwnDisplay::start()?;
    let mut command = Command::new(env!("CARGO_BIN_EXE_getanime"));
    command
        .env("GETANIME_REMOTE_BIND", format!("127.0.0.1:{port}"))
        .arg("--data-dir")
        .arg(data)
        .arg("--no-sync");
    let (mut app, window) = screen.open_window(command)?;
    let tv = screenshot_path("remote-tv.png")?;
    screen.focus(&window)?;
    screen.wait_for_screen(&tv, "eng", &["Search", "Phone remote on"])?;
    // Up to the header, Right ×4: Settings; Down ×9: Pair a phone; Enter: its button.
    screen.keys(&["Up", "Right", "Right", "Right", "Right", "Return"])?;
    screen.keys(&["Down"; 9])?;
    screen.keys(&["Return"])?;
    screen.wait_for_screen(&tv, "eng", &["Pair a phone", "enter the code"])?;
    let driver = ChromeDriver::start()?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let outcome = runtime.block_on(async {
        let client = phone_browser(&driver, &temp.path().join("chromium")).await?;
        client.goto(&page).await?;
        // Read the code off the TV and type it, as a person would; a digit the OCR misread is
        // refused (the page says so) and the code is read again.
        let mut paired = false;
        for _ in 0..3 {
            let code = code_on_screen(&screen, &tv)?;
            let field = shown(&client, "#code").await?;
            field.clear().await?;
            field.send_keys(&code).await?;
            client.find(fantoccini::Locator::Css("#pair-form button")).await?.click().await?;
            for _ in 0..30 {
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                let state = client
                    .execute(
                        "return [document.getElementById('remote').hidden, \
                         document.getElementById('pair-error').textContent]",
                        Vec::new(),
                    )
                    .await?;
                if state[0] == false || state[1].as_str().is_some_and(|error| !error.is_empty()) {
                    paired = state[0] == false;
                    break;
                }
            }
            if paired {
                break;
            }
        }
        ensure!(paired, "the code read off the TV paired the phone");
        // The notice at the top of the TV (OCR reads that strip on its own).
        screen.wait_for_region(&tv, Some("1000x110+460+10"), "eng", &["can now control"])?;
        shown(&client, "#remote:not([hidden])").await?;
        let phone = client.screenshot().await?;
        std::fs::write(screenshot_path("remote-phone.png")?, phone)?;

        for key in ["home", "up", "ok"] {
            let button = format!("[data-key={key}]");
            client.find(fantoccini::Locator::Css(&button)).await?.click().await?;
            tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        }
        screen.wait_for_screen(&tv, "eng", &["Type a name"])?;
        // The TV's search box has the focus: the page focuses its own (text_requested).
        let mut focused = String::new();
        for _ in 0..50 {
            let active = client.execute("return document.activeElement.id", Vec::new()).await?;
            focused = active.as_str().unwrap_or_default().to_owned();
            if focused == "search" {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(focused, "search", "the TV's focused box focused the page's");
        let search = shown(&client, "#search").await?;
        search.send_keys("Песнь").await?;
        search.send_keys("\u{E007}").await?;
        let wanted = "/api/v1/app/search/releases?query=%D0%9F%D0%B5%D1%81%D0%BD%D1%8C";
        let mut asked = false;
        for _ in 0..100 {
            asked = server.requests().iter().any(|request| request == wanted);
            if asked {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        ensure!(asked, "the source was asked for «Песнь»: {:?}", server.requests());

        // Play on TV from the phone's library: the TV plays, the page hears what plays; the
        // phone pauses it and seeks.
        client.find(fantoccini::Locator::Css("#titles li button")).await?.click().await?;
        shown(&client, "#playing:not([hidden])").await?;
        let title = client.find(fantoccini::Locator::Id("playing-title")).await?.text().await?;
        assert!(title.contains("Тестовый сериал"), "now playing on the page: {title}");
        let progress = async || -> Result<f64> {
            let value = client
                .execute("return document.getElementById('playing-bar').value", Vec::new())
                .await?;
            value.as_f64().context("the bar's value")
        };
        client
            .find(fantoccini::Locator::Css("#playing [data-player=toggle]"))
            .await?
            .click()
            .await?;
        screen.wait_for_screen(&tv, "eng", &["paused"])?;
        let before = progress().await?;
        client.find(fantoccini::Locator::Css("[data-seek='10000']")).await?.click().await?;
        let mut after = before;
        for _ in 0..50 {
            after = progress().await?;
            if after > before + 0.2 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(after > before + 0.2, "+10 s of 30 moved the bar: {before} → {after}");
        // Quieter twice, then sound off: the page hears the volume back, the TV says so. The
        // page's words are the catalog's (`/texts.json`).
        let playing_state = async |wanted: &str| -> Result<String> {
            let mut state = String::new();
            for _ in 0..50 {
                state = client.find(fantoccini::Locator::Id("playing-state")).await?.text().await?;
                if state.contains(wanted) {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            Ok(state)
        };
        for _ in 0..2 {
            client.find(fantoccini::Locator::Css("[data-volume='-1']")).await?.click().await?;
        }
        let state = playing_state("80%").await?;
        assert!(state.contains("80%"), "two steps quieter: {state}");
        client.find(fantoccini::Locator::Id("mute")).await?.click().await?;
        // The phone speaks Russian (`--lang=ru`), the TV English.
        let state = playing_state("звук выключен").await?;
        assert!(state.contains("звук выключен"), "muted: {state}");
        let mute_label = client.find(fantoccini::Locator::Id("mute")).await?.text().await?;
        assert_eq!(mute_label, "Звук вкл/выкл", "the page's words come from the catalog");
        std::fs::write(screenshot_path("remote-phone-playing.png")?, client.screenshot().await?)?;
        screen.wait_for_screen(&tv, "eng", &["sound off"])?;
        client.find(fantoccini::Locator::Css("#playing [data-player=stop]")).await?.click().await?;
        shown(&client, "#playing[hidden]").await?;

        // A phone never turns the phone remote off: on Settings → Phone remote, its OK is
        // refused on the TV, in words.
        let presses = ["home", "up", "right", "right", "right", "right", "ok"]
            .into_iter()
            .chain(["down"; 8])
            .chain(["ok"]);
        for key in presses {
            let button = format!("[data-key={key}]");
            client.find(fantoccini::Locator::Css(&button)).await?.click().await?;
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        }
        screen.wait_for_screen(&tv, "eng", &["Confirm this with the TV"])?;

        // Forget the phone on the TV: Back, Settings, Pair a phone, Enter on the listed phone.
        client.find(fantoccini::Locator::Css("[data-key=home]")).await?.click().await?;
        screen.wait_for_screen(&tv, "eng", &["Search"])?;
        screen.keys(&["Up", "Right", "Right", "Right", "Right", "Return"])?;
        screen.keys(&["Down"; 9])?;
        screen.keys(&["Return"])?;
        screen.wait_for_screen(&tv, "eng", &["Pair a phone", "Enter forgets"])?;
        screen.keys(&["Return"])?;
        shown(&client, "#pair:not([hidden])").await?;
        client.close().await?;
        anyhow::Ok(())
    });
    app.kill()?;
    app.wait()?;
    outcome?;
    let devices = check(data, &["--json", "remote", "list"])?;
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&devices)?,
        serde_json::json!([]),
        "forgotten"
    );
    let settings = check(data, &["settings"])?;
    assert!(
        settings.contains("phone_remote = true"),
        "the phone could not turn it off: {settings}"
    );
    Ok(())
}

/// A private D-Bus session bus with python-dbusmock's notification daemon on it, logging every
/// call; both stopped when dropped.
struct NotificationDaemon {
    bus: std::process::Child,
    daemon: std::process::Child,
    address: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl NotificationDaemon {
    fn start() -> Result<NotificationDaemon> {
        use std::io::BufRead;
        let dir = tempfile::tempdir()?;
        let mut bus = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .context("starting dbus-daemon")?;
        let mut address = String::new();
        std::io::BufReader::new(bus.stdout.take().context("dbus-daemon's stdout")?)
            .read_line(&mut address)?;
        let address = address.trim().to_owned();
        ensure!(!address.is_empty(), "dbus-daemon did not say where it listens");
        let log = dir.path().join("notifications.log");
        // Debian's python3 (the system one) is where python3-dbusmock is installed.
        let daemon = Command::new("/usr/bin/python3")
            .args(["-m", "dbusmock", "--template", "notification_daemon", "-l"])
            .arg(&log)
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .spawn()
            .context("starting python-dbusmock's notification daemon")?;
        let daemon = NotificationDaemon { bus, daemon, address, log, _dir: dir };
        let owned = (0..100).any(|_| {
            std::thread::sleep(std::time::Duration::from_millis(100));
            Command::new("gdbus")
                .args(["call", "--session", "--dest", "org.freedesktop.DBus"])
                .args(["--object-path", "/org/freedesktop/DBus"])
                .args(["--method", "org.freedesktop.DBus.NameHasOwner"])
                .arg("org.freedesktop.Notifications")
                .env("DBUS_SESSION_BUS_ADDRESS", &daemon.address)
                .output()
                .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).contains("true"))
        });
        ensure!(owned, "the notification daemon never took its name on the bus");
        Ok(daemon)
    }

    /// Every call the daemon logged so far.
    fn calls(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for NotificationDaemon {
    fn drop(&mut self) {
        for child in [&mut self.daemon, &mut self.bus] {
            if let Err(error) = child.kill().and_then(|()| child.wait().map(drop)) {
                eprintln!("stopping the notification bus: {error}");
            }
        }
    }
}

/// What is new for you, as a viewer meets it: episodes 1–6 of a Watching title watched; a sync
/// at launch brings episode 7. It comes first, in "New episodes of your titles", with a notice
/// (Back puts it away without leaving) and a desktop notification; the hero above the rows
/// follows the focus; the rows' labels show whole.
#[test]
fn a_new_episode_of_a_watching_title_comes_first_with_a_notice() -> Result<()> {
    require_display()?;
    let (_media, server) = served_media_lasting(6)?;
    let release = |id: i64, name: &str, episodes: u32, fresh_at: &str| {
        let episodes: Vec<serde_json::Value> = (1..=episodes)
            .map(|ordinal| {
                serde_json::json!({"ordinal": ordinal, "sort_order": ordinal, "duration": 6,
                    "hls_720": format!("{}/media/ep1/index.m3u8", server.base_url()),
                    "name": format!("Серия {ordinal}")})
            })
            .collect();
        serde_json::json!({"id": id, "name": {"main": name}, "fresh_at": fresh_at,
            "type": {"value": "TV"}, "year": 2025, "genres": [{"name": "Драма"}],
            "description": format!("{name}: описание для героя главного экрана."),
            "episodes": episodes})
    };
    let serve = |releases: &[serde_json::Value]| serve_releases(&server, releases);
    let other = release(78, "Соседний сериал", 3, "2025-05-10T10:00:00+00:00");
    serve(&[release(77, "Тестовый сериал", 6, "2025-05-14T17:42:05+00:00"), other.clone()])?;
    let temp = tempfile::tempdir()?;
    let data = temp.path().join("data");
    install_against(&data, "aniliberty", &format!("{}/api/v1", server.base_url()))?;
    check(&data, &["sync"])?;
    let titles: serde_json::Value = serde_json::from_str(&check(&data, &["--json", "titles"])?)?;
    let watching = titles
        .as_array()
        .and_then(|titles| titles.iter().find(|title| title["name"] == "Тестовый сериал"))
        .and_then(|title| title["id"].as_i64())
        .context("the Watching title's id")?
        .to_string();
    check(&data, &["list", "set", &watching, "watching"])?;
    check(&data, &["watched", &watching, "6"])?;
    let home: serde_json::Value = serde_json::from_str(&check(&data, &["--json", "home"])?)?;
    ensure!(home[1]["kind"] == "watching", "nothing new yet: {home:#}");

    // A week later the source has episode 7.
    serve(&[release(77, "Тестовый сериал", 7, "2025-05-21T17:42:05+00:00"), other])?;
    let notifications = NotificationDaemon::start()?;
    let screen = OwnDisplay::start()?;
    let mut command = Command::new(env!("CARGO_BIN_EXE_getanime"));
    command.arg("--data-dir").arg(&data);
    command.env("DBUS_SESSION_BUS_ADDRESS", &notifications.address);
    let (mut app, window) = screen.open_window_in(command, "ru_RU.UTF-8")?;
    let outcome = (|| -> Result<()> {
        let shot = screenshot_path("home-new-episode-ru.png")?;
        screen.focus(&window)?;
        screen.wait_for_screen(
            &shot,
            "rus",
            &["Вышла 7 серия «Тестовый сериал»", "Новые серии ваших тайтлов", "Новая: 7 серия"],
        )?;
        // Back (the notice would stay 30 s) puts the notice away and stays on Home.
        screen.keys(&["Escape"])?;
        let gone = screenshot_path("home-notice-gone-ru.png")?;
        screen.wait_for_screen(&gone, "rus", &["Новые серии ваших тайтлов"])?;
        let read = read_screen(&gone, "rus")?;
        ensure!(!read.contains("Вышла 7"), "the notice stayed; OCR read:\n{read}");
        ensure!(app.try_wait()?.is_none(), "Back with a notice up quit the app");

        // The hero is the focused card's: the first of the first row.
        let hero = "1800x420+60+140";
        let hero_shot = screenshot_path("home-hero-ru.png")?;
        screen.wait_for_region(&hero_shot, Some(hero), "rus", &["Тестовый сериал", "Дальше"])?;
        let desktop = (0..50).any(|_| {
            std::thread::sleep(std::time::Duration::from_millis(100));
            notifications.calls().contains("Вышла 7 серия")
        });
        ensure!(desktop, "no desktop notification; the daemon logged:\n{}", notifications.calls());

        // Down to "Recently updated", Right: the hero follows to the other title.
        screen.keys(&["Down", "Right"])?;
        screen.wait_for_region(&hero_shot, Some(hero), "rus", &["Соседний сериал"])?;
        Ok(())
    })();
    app.kill()?;
    app.wait()?;
    outcome?;
    // `getanime home` prints the rows as the TV showed them.
    let home: serde_json::Value = serde_json::from_str(&check(&data, &["--json", "home"])?)?;
    ensure!(home[0]["kind"] == "new_for_you", "{home:#}");
    ensure!(home[0]["cards"][0]["subtitle"] == "New: episode 7", "{home:#}");
    Ok(())
}

/// Every media byte passes the source's network rule, hop by hop: a stream on the granted host
/// whose variant playlist names segments on a private address the user never granted
/// (127.0.0.2 here) sends not one request there, for every quality, and `getanime play` says
/// why in words; once the user grants that address, the same episode plays.
#[test]
fn segments_on_an_ungranted_private_address_are_never_fetched() -> Result<()> {
    let (media, server) = served_media_lasting(4)?;
    let probe = FakeServer::start_in_background_on(std::net::Ipv4Addr::new(127, 0, 0, 2).into())?;
    probe.serve_dir("/media", media.path());
    let index = std::fs::read_to_string(media.path().join("ep1/index.m3u8"))?;
    let pointed: String = index
        .lines()
        .map(|line| match line.trim() {
            uri if !uri.is_empty() && !uri.starts_with('#') => {
                format!("{}/media/ep1/{uri}\n", probe.base_url())
            }
            _ => format!("{line}\n"),
        })
        .collect();
    let playlist = |body: String| {
        getanime_testkit::Reply::new(200, "application/vnd.apple.mpegurl", body.into_bytes())
    };
    server.route("/p/index.m3u8", playlist(pointed));
    server.route(
        "/p/master.m3u8",
        playlist("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000\nindex.m3u8\n".to_owned()),
    );
    let release = serde_json::json!({"id": 77, "name": {"main": "Тестовый сериал"},
        "fresh_at": "2025-05-14T17:42:05+00:00", "type": {"value": "TV"}, "year": 2025,
        "episodes": [{"ordinal": 1, "sort_order": 1, "duration": 4, "name": "Серия 1",
            "hls_720": format!("{}/p/master.m3u8", server.base_url()),
            "hls_480": format!("{}/p/index.m3u8", server.base_url())}]});
    serve_releases(&server, std::slice::from_ref(&release))?;
    let (_temp, data, title_id) = synced_aniliberty(&server)?;

    let output = getanime(&data, &["play", &title_id, "1", "--silent"])?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    ensure!(!output.status.success(), "nothing may play: {stderr}");
    ensure!(
        stderr.contains("private address (127.0.0.2)") && stderr.contains("grant it in Sources"),
        "the player says why: {stderr}"
    );
    ensure!(probe.requests().is_empty(), "the probe was reached: {:?}", probe.requests());
    let asked = server.requests();
    ensure!(
        asked.iter().any(|line| line.contains("/p/master.m3u8"))
            && asked.iter().any(|line| line.contains("/p/index.m3u8")),
        "both qualities were tried: {asked:?}"
    );

    check(&data, &["plugin", "grant", "aniliberty", "127.0.0.2"])?;
    let played = check(&data, &["play", &title_id, "1", "--silent"])?;
    ensure!(played.contains("finished"), "{played}");
    ensure!(!probe.requests().is_empty(), "granted, its segments play");
    Ok(())
}

/// The shapes real playlists take play through the media gateway with real GStreamer: segments
/// encrypted with AES-128 (their key fetched through the gateway too), byte ranges of one file,
/// and an ad break (`#EXT-X-DISCONTINUITY`) whose segments come from a second host. All made
/// here from a generated stream, with the openssl command for the encryption.
#[test]
fn encrypted_byte_range_and_ad_break_streams_play_through_the_gateway() -> Result<()> {
    let (media, server) = served_media_lasting(4)?;
    let ads = FakeServer::start_in_background()?;
    ads.serve_dir("/media", media.path());
    let dir = media.path().join("ep1");
    let index = std::fs::read_to_string(dir.join("index.m3u8"))?;
    let header: String = index
        .lines()
        .take_while(|line| !line.starts_with("#EXTINF"))
        .map(|line| line.replace("#EXT-X-VERSION:3", "#EXT-X-VERSION:4") + "\n")
        .collect();
    let durations: Vec<&str> = index.lines().filter(|line| line.starts_with("#EXTINF")).collect();
    let segments: Vec<&str> =
        index.lines().filter(|line| !line.is_empty() && !line.starts_with('#')).collect();
    ensure!(segments.len() >= 2 && segments.len() == durations.len(), "{index}");

    // AES-128-CBC, PKCS#7 padding, one key and IV for every segment.
    let (key, iv) = ("000102030405060708090a0b0c0d0e0f", "0000000000000000000000000000002a");
    std::fs::write(dir.join("key.bin"), (0u8..16).collect::<Vec<u8>>())?;
    let mut encrypted = format!("{header}#EXT-X-KEY:METHOD=AES-128,URI=\"key.bin\",IV=0x{iv}\n");
    // The byte ranges of one file holding every segment.
    let (mut whole, mut ranged) = (Vec::new(), header.clone());
    // The first segment from the stream's host, the rest an ad break from another.
    let mut ad_break = header.clone();
    for (number, (duration, segment)) in durations.iter().zip(&segments).enumerate() {
        let sealed = format!("{segment}.aes");
        let status = Command::new("openssl")
            .args(["enc", "-aes-128-cbc", "-K", key, "-iv", iv, "-in"])
            .arg(dir.join(segment))
            .arg("-out")
            .arg(dir.join(&sealed))
            .status()
            .context("running openssl")?;
        ensure!(status.success(), "openssl could not encrypt {segment}");
        encrypted += &format!("{duration}\n{sealed}\n");
        let bytes = std::fs::read(dir.join(segment))?;
        ranged +=
            &format!("{duration}\n#EXT-X-BYTERANGE:{}@{}\nall.ts\n", bytes.len(), whole.len());
        whole.extend_from_slice(&bytes);
        ad_break += &match number {
            0 => format!("{duration}\n{segment}\n#EXT-X-DISCONTINUITY\n"),
            _ => format!("{duration}\n{}/media/ep1/{segment}\n", ads.base_url()),
        };
    }
    std::fs::write(dir.join("all.ts"), &whole)?;
    for (name, playlist) in [("aes.m3u8", encrypted), ("range.m3u8", ranged), ("ad.m3u8", ad_break)]
    {
        std::fs::write(dir.join(name), playlist + "#EXT-X-ENDLIST\n")?;
    }
    let episode = |ordinal: u32, playlist: &str| {
        serde_json::json!({"ordinal": ordinal, "sort_order": ordinal, "duration": 4,
            "name": format!("Серия {ordinal}"),
            "hls_720": format!("{}/media/ep1/{playlist}", server.base_url())})
    };
    let release = serde_json::json!({"id": 77, "name": {"main": "Тестовый сериал"},
        "fresh_at": "2025-05-14T17:42:05+00:00", "type": {"value": "TV"}, "year": 2025,
        "episodes": [episode(1, "aes.m3u8"), episode(2, "range.m3u8"), episode(3, "ad.m3u8")]});
    serve_releases(&server, std::slice::from_ref(&release))?;
    let (_temp, data, title_id) = synced_aniliberty(&server)?;

    for number in ["1", "2", "3"] {
        let played = check(&data, &["play", &title_id, number, "--silent"])?;
        ensure!(played.contains("finished"), "episode {number}: {played}");
    }
    let asked = server.requests();
    ensure!(asked.iter().any(|line| line.contains("/media/ep1/key.bin")), "the key: {asked:?}");
    ensure!(asked.iter().any(|line| line.contains("/media/ep1/all.ts")), "the ranges: {asked:?}");
    ensure!(!ads.requests().is_empty(), "the ad break's host served its segments");
    Ok(())
}
