//! `cargo xtask bench` (under a 1920×1080 Xvfb, software renderer, the window full screen): the TV
//! UI's figures, each against a baseline measured in the same run.
//!
//! - `cold_start_to_first_frame`: starting the `getanime` binary on a 10 000-title library until
//!   the first frame showing it is rendered; baseline: the same on a one-title library.
//! - `frame_time_scroll_grid`: p95 of what each real frame cost the UI thread (drawn and
//!   presented, as `display::watch_window` times it) while the Browse grid of a 100 000-title
//!   library scrolls down, one key every 40 ms (pages of cards loading meanwhile); baseline: the
//!   same keys on a one-card grid.
//! - `frame_time_home_walk`: the same p95 while the focus walks the home rows of the 10 000-title
//!   library (along a row and down the rows, each strip sliding); baseline: the same keys on an
//!   one-card home.
//! - `frame_time_scroll_grid_opengl`: the grid scroll drawn by FemtoVG on OpenGL (the default
//!   renderer where OpenGL works); baseline: the software renderer's figure above.
//! - `frame_time_catalog_grid`: the same p95 while Browse pages down AniLiberty's whole catalog
//!   of 10 000 titles (a fake v1 API on 127.0.0.1 through the real plugin) filtered by a genre,
//!   one key every 40 ms, pages asked for, validated and saved meanwhile; baseline: the same keys
//!   on a one-title catalog. `frame_time_catalog_grid_max` is the slowest of those frames.
//! - `playback_cpu_1080p`: CPU time per second of a 1080p30 H.264 HLS episode playing in the TV
//!   window (served on 127.0.0.1 through the real AniLiberty plugin); baseline: `gst-play-1.0`
//!   on the same stream with an X video sink.
//! - `remote_key_to_focus`: p95 from a key posted to the phone remote to the frame with the new
//!   focus; baseline: the same key on the X keyboard. `remote_idle_cpu`: the idle window's CPU
//!   with the remote on; baseline: off.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result};
use getanime_app::{App, DataPaths};
use getanime_testkit::generated_title;

#[path = "ui/catalog.rs"]
mod catalog;
#[path = "ui/playback.rs"]
mod playback;
#[path = "ui/remote.rs"]
mod remote;

fn report(name: &str, value: f64, unit: &str, baseline: f64) {
    let ratio = value / baseline;
    let entry = serde_json::json!({ "name": name, "value": value, "unit": unit, "baseline": baseline, "ratio": ratio });
    println!("BENCH {entry}");
}

/// A data directory whose library has `titles` titles.
fn library(runtime: &tokio::runtime::Runtime, titles: usize) -> Result<tempfile::TempDir> {
    let dir = tempfile::tempdir()?;
    let app = App::open(DataPaths::resolve(Some(dir.path().to_path_buf()))?)?;
    runtime.block_on(async {
        for batch in (0..titles).step_by(1_000) {
            let chunk =
                (batch..(batch + 1_000).min(titles)).map(|n| generated_title(n, 1)).collect();
            app.ingest_for_benchmark("bench", chunk).await?;
        }
        anyhow::Ok(())
    })?;
    Ok(dir)
}

/// What one smoke run of the window showed.
struct Run {
    /// Process start to the first frame with the library (ms).
    first_frame: f64,
    /// The size of that frame.
    size: (u32, u32),
    /// What each real frame cost (ms), in order, from the first press of `from_key` on.
    frames: Vec<f64>,
}

/// The software renderer (Slint's own, the fallback where OpenGL is missing).
const SOFTWARE: &str = "winit-software";
/// FemtoVG on OpenGL (what getanime uses by default where OpenGL works).
const OPENGL: &str = "winit-femtovg";

/// Starts the window in smoke mode on `data` with a Slint backend and renderer
/// (`SLINT_BACKEND`), pressing `keys` every `key_interval_ms`; its log is on the child's stderr.
fn smoke(backend: &str, data: &Path, keys: &str, key_interval_ms: u32) -> Result<Child> {
    Command::new(env!("CARGO_BIN_EXE_getanime"))
        .env("SLINT_BACKEND", backend)
        .env("GETANIME_SILENT", "1")
        .env_remove("GETANIME_LOG")
        .arg("--data-dir")
        .arg(data)
        .args(["--no-sync", "--exit-after-first-frame", "--key-interval-ms"])
        .arg(key_interval_ms.to_string())
        .args(["--keys", keys])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .context("starting getanime")
}

/// Runs the UI in smoke mode on `data`, pressing `keys` every 40 ms; frames count from the first
/// `from_key` (so the frames opening a screen are not mixed with the ones moving on it).
fn run_ui(backend: &str, data: &Path, keys: &str, from_key: &str) -> Result<Run> {
    let started = Instant::now();
    let mut child = smoke(backend, data, keys, 40)?;
    let stderr = BufReader::new(child.stderr.take().context("stderr")?);
    let (mut first_frame, mut size, mut pressed) = (None, None, false);
    let mut frames = Vec::new();
    for line in stderr.lines() {
        let line = line?;
        if first_frame.is_none() && line.contains("first frame with the library rendered") {
            first_frame = Some(started.elapsed().as_secs_f64() * 1e3);
            size = Some((field(&line, "width=")?, field(&line, "height=")?));
        }
        pressed |= line.contains(&format!("pressing key={from_key}"));
        if pressed && line.contains("frame drawn") {
            frames.push(field(&line, "draw_ms=")?);
        }
    }
    let status = child.wait()?;
    anyhow::ensure!(status.success(), "getanime failed: {status}");
    Ok(Run {
        first_frame: first_frame.context("no first frame was logged")?,
        size: size.context("no frame size was logged")?,
        frames,
    })
}

/// The value after `name` in a log line (`draw_ms=3.2`).
fn field<T: std::str::FromStr>(line: &str, name: &str) -> Result<T>
where
    T::Err: std::error::Error + Send + Sync + 'static,
{
    let rest = line.split(name).nth(1).with_context(|| format!("no {name} in {line}"))?;
    Ok(rest.split_whitespace().next().context("a value")?.parse()?)
}

/// p95 frame time of `keys` on `data`, requiring a full-HD window and enough frames to mean it.
fn frame_p95(backend: &str, data: &Path, keys: &str, from_key: &str) -> Result<f64> {
    Ok(p95(frames(backend, data, keys, from_key)?))
}

/// What each frame of `keys` on `data` cost, from the first `from_key` on, in a full-HD window.
fn frames(backend: &str, data: &Path, keys: &str, from_key: &str) -> Result<Vec<f64>> {
    let run = run_ui(backend, data, keys, from_key)?;
    anyhow::ensure!(run.size == (1920, 1080), "the window was {:?}, not full HD", run.size);
    anyhow::ensure!(run.frames.len() >= 10, "only {} frames were drawn", run.frames.len());
    Ok(run.frames)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn p95(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[(values.len() * 95 / 100).min(values.len() - 1)]
}

fn main() -> Result<()> {
    std::env::var_os("DISPLAY")
        .context("the UI benchmarks need a display (cargo xtask bench runs them under Xvfb)")?;
    // `cargo bench --bench ui -- NAME` runs only the figures whose name contains NAME.
    let only = std::env::args().skip(1).find(|argument| !argument.starts_with('-'));
    let wanted = |name: &str| only.as_deref().is_none_or(|only| name.contains(only));
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;

    // The baseline library: one title (an empty one would open the welcome screen instead).
    let one = library(&runtime, 1)?;
    if wanted("frame_time") || wanted("cold_start") {
        let ten_thousand = library(&runtime, 10_000)?;
        if wanted("cold_start_to_first_frame") {
            let mut cold = Vec::new();
            let mut baseline = Vec::new();
            for _ in 0..5 {
                baseline.push(run_ui(SOFTWARE, one.path(), "wait", "wait")?.first_frame);
                cold.push(run_ui(SOFTWARE, ten_thousand.path(), "wait", "wait")?.first_frame);
            }
            report("cold_start_to_first_frame", median(cold), "ms", median(baseline));
        }
        if wanted("frame_time_home_walk") {
            // Along the first row and back, then down every row and up again.
            let walk =
                [vec!["right"; 12], vec!["left"; 12], vec!["down"; 6], vec!["up"; 6]].concat();
            let walk = walk.join(",");
            report(
                "frame_time_home_walk",
                frame_p95(SOFTWARE, ten_thousand.path(), &walk, "right")?,
                "ms",
                frame_p95(SOFTWARE, one.path(), &walk, "right")?,
            );
        }
    }
    if wanted("frame_time_scroll_grid") {
        let hundred_thousand = library(&runtime, 100_000)?;
        let keys = format!("up,right,enter,wait,{}", vec!["down"; 60].join(","));
        let software = frame_p95(SOFTWARE, hundred_thousand.path(), &keys, "down")?;
        report(
            "frame_time_scroll_grid",
            software,
            "ms",
            frame_p95(SOFTWARE, one.path(), &keys, "down")?,
        );
        // OpenGL where it works: on a machine without a GPU (CI, this Xvfb) Mesa draws it on
        // the CPU (llvmpipe), so the figure says what the default renderer would cost there.
        let opengl = frame_p95(OPENGL, hundred_thousand.path(), &keys, "down")?;
        report("frame_time_scroll_grid_opengl", opengl, "ms", software);
    }
    if wanted("frame_time_catalog_grid") {
        let (catalog, baseline) = catalog::frames(&runtime)?;
        let max = catalog.iter().copied().fold(0.0, f64::max);
        let baseline_p95 = p95(baseline);
        report("frame_time_catalog_grid", p95(catalog), "ms", baseline_p95);
        report("frame_time_catalog_grid_max", max, "ms", baseline_p95);
    }
    if wanted("remote_key_to_focus") {
        let (phone, keyboard) = remote::key_to_focus(&runtime, one.path())?;
        report("remote_key_to_focus", phone, "ms", keyboard);
    }
    if wanted("remote_idle_cpu") {
        let (on, off) = remote::idle_cpu(&runtime, one.path())?;
        // A floor of one tick per 5 s: an idle window may use none at all.
        report("remote_idle_cpu", on.max(0.002), "cpu s/s", off.max(0.002));
    }
    if wanted("playback_cpu_1080p") {
        let (app_cpu, gst_play_cpu) = playback::cpu_per_second()?;
        report("playback_cpu_1080p", app_cpu, "cpu s/s", gst_play_cpu);
    }
    Ok(())
}
