//! `playback_cpu_1080p`: CPU time per second while a 1080p30 H.264 HLS episode plays in the TV
//! window, against `gst-play-1.0` playing the same stream into an X window, sampled over the
//! same steady stretch (after start-up, before the end) of each.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use getanime_player::media::{TestStreamSpec, generate_hls};
use getanime_testkit::{FakeServer, Reply, built_plugin};

/// Start-up left out of the sample (pipeline, first segments, first frames).
const WARM_UP: Duration = Duration::from_secs(4);
/// The sampled stretch.
const SAMPLE: Duration = Duration::from_secs(8);
/// The episode's length: longer than warm-up and sample together, so it never ends meanwhile.
const EPISODE_SECONDS: u32 = 20;
/// `/proc/<pid>/stat` counts CPU time in USER_HZ ticks, 100 per second on Linux.
pub const TICKS_PER_SECOND: f64 = 100.0;

/// (the TV window, gst-play-1.0), each in CPU seconds per second of playback.
pub fn cpu_per_second() -> Result<(f64, f64)> {
    let media = tempfile::tempdir()?;
    let spec = TestStreamSpec {
        seconds: EPISODE_SECONDS,
        width: 1920,
        height: 1080,
        frame_rate: 30,
        kbit_per_second: 4_000,
        ..TestStreamSpec::default()
    };
    generate_hls(&media.path().join("ep1"), &spec)?;
    let server = FakeServer::start_in_background()?;
    server.serve_dir("/media", media.path());
    let stream = format!("{}/media/ep1/index.m3u8", server.base_url());
    let release = serde_json::json!({"id": 1, "name": {"main": "Полный HD"}, "year": 2025,
        "fresh_at": "2025-05-14T17:42:05+00:00", "type": {"value": "TV"},
        "episodes": [{"ordinal": 1, "sort_order": 1, "duration": EPISODE_SECONDS, "hls_1080": stream}]});
    server.route("/api/v1/anime/releases/latest", Reply::json(serde_json::to_vec(&[&release])?));
    server.route("/api/v1/anime/releases/1", Reply::json(serde_json::to_vec(&release)?));
    server.route("/api/v1/anime/schedule/week", Reply::json("[]"));

    let temp = tempfile::tempdir()?;
    let data = temp.path().join("data");
    let plugin = built_plugin("aniliberty")?;
    getanime(&data, &["plugin", "install", plugin.to_str().context("a UTF-8 path")?])?;
    let base_url = format!("{}/api/v1", server.base_url());
    getanime(&data, &["plugin", "set", "aniliberty", "base_url", &base_url])?;
    getanime(&data, &["plugin", "grant", "aniliberty", "127.0.0.1"])?;
    getanime(&data, &["sync"])?;

    // Alternating runs, medians: a shared machine's noise hits both sides alike.
    let (mut app, mut gst_play) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        app.push(app_sample(&data)?);
        gst_play.push(gst_play_sample(&stream)?);
    }
    Ok((super::median(app), super::median(gst_play)))
}

/// Samples per side.
const RUNS: usize = 3;

/// The TV window on `data`: Enter opens the title, Enter plays episode 1, then no input while it
/// is sampled.
fn app_sample(data: &Path) -> Result<f64> {
    let waits = (WARM_UP + SAMPLE).as_secs() + 2;
    let keys = [vec!["enter", "enter"], vec!["wait"; waits as usize]].concat().join(",");
    let mut app = super::smoke(super::SOFTWARE, data, &keys, 1_000)?;
    let stderr = BufReader::new(app.stderr.take().context("stderr")?);
    let (play_pressed, pressed) = std::sync::mpsc::channel();
    // Reads the log to its end; keeps when each frame was drawn and what it cost.
    let drain = std::thread::spawn(move || {
        let (mut enters, mut frames) = (0, Vec::new());
        for line in stderr.lines().map_while(Result::ok) {
            if line.contains("pressing key=enter") {
                enters += 1;
                if enters == 2 && play_pressed.send(()).is_err() {
                    break;
                }
            }
            if line.contains("frame drawn") {
                frames.push((Instant::now(), super::field::<f64>(&line, "draw_ms=")));
            }
        }
        frames
    });
    pressed.recv_timeout(Duration::from_secs(60)).context("Play was never pressed")?;
    let sampled_from = Instant::now() + WARM_UP;
    let cpu = sample(&mut app)?;
    let sampled_to = Instant::now();
    let status = app.wait()?;
    ensure!(status.success(), "getanime failed: {status}");
    let frames = drain.join().map_err(|_| anyhow::anyhow!("the log reader panicked"))?;
    let sampled = frames
        .into_iter()
        .filter(|(at, _)| (sampled_from..sampled_to).contains(at))
        .map(|(_, draw_ms)| draw_ms)
        .collect::<Result<Vec<f64>>>()?;
    // Where the window's share goes: frames drawn and the UI thread's time drawing them.
    eprintln!(
        "playback_cpu_1080p: {cpu:.3} cpu s/s; {} frames drawn in the {} s sample, {:.0} ms \
         drawing them",
        sampled.len(),
        SAMPLE.as_secs(),
        sampled.iter().sum::<f64>()
    );
    Ok(cpu)
}

/// `gst-play-1.0` on the same stream, into an X window.
fn gst_play_sample(stream: &str) -> Result<f64> {
    let mut gst_play = Command::new("gst-play-1.0")
        .args(["-q", "--no-interactive", "--videosink=ximagesink", "--audiosink=fakesink"])
        .arg(stream)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context(
            "starting gst-play-1.0 (Debian: gstreamer1.0-plugins-base-apps, gstreamer1.0-x)",
        )?;
    let cpu = sample(&mut gst_play);
    gst_play.kill()?;
    gst_play.wait()?;
    eprintln!("playback_cpu_1080p: gst-play-1.0 {:.3} cpu s/s", cpu.as_ref().unwrap_or(&0.0));
    cpu
}

/// CPU seconds per second `child` used over [`SAMPLE`], after [`WARM_UP`]; it must still be
/// running at the end (a player that failed or stopped early would use next to nothing).
fn sample(child: &mut Child) -> Result<f64> {
    std::thread::sleep(WARM_UP);
    let before = cpu_ticks(child.id())?;
    std::thread::sleep(SAMPLE);
    let after = cpu_ticks(child.id())?;
    ensure!(child.try_wait()?.is_none(), "the player ended before the sample did");
    let per_second = (after - before) / TICKS_PER_SECOND / SAMPLE.as_secs_f64();
    ensure!(per_second > 0.0, "the player used no CPU while it should have been playing");
    Ok(per_second)
}

/// User and system CPU time of a process (all its threads), in ticks.
pub fn cpu_ticks(pid: u32) -> Result<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .with_context(|| format!("process {pid} is gone"))?;
    // The fields after the command name (which may hold spaces) start at field 3, the state.
    let fields: Vec<&str> =
        stat.rsplit_once(')').context("a stat line")?.1.split_whitespace().collect();
    let field = |index: usize| -> Result<f64> {
        Ok(fields.get(index).context("a short stat line")?.parse::<f64>()?)
    };
    Ok(field(11)? + field(12)?) // utime, stime
}

/// Runs `getanime --data-dir DATA ARGS...`, requiring success.
pub fn getanime(data: &Path, args: &[&str]) -> Result<()> {
    let output = Command::new(env!("CARGO_BIN_EXE_getanime"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .context("running getanime")?;
    ensure!(
        output.status.success(),
        "getanime {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(())
}
