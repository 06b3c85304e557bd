//! `cargo xtask bench` (under Xvfb, software renderer): the TV UI's two figures, each against a
//! baseline measured in the same run.
//!
//! - `cold_start_to_first_frame`: starting the `getanime` binary on a 10 000-title library until
//!   the first frame showing it is rendered; baseline: the same on an empty library.
//! - `frame_time_scroll_grid`: p95 of the frame render time while the Browse grid of a
//!   100 000-title library scrolls down, one key every 40 ms (pages of cards loading meanwhile);
//!   baseline: the same keys on an empty grid.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result};
use getanime_app::{App, DataPaths};
use getanime_testkit::generated_title;

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

/// Runs the UI in smoke mode; returns the time to the first library frame and each frame's
/// render time (ms) in order.
fn run_ui(data: &Path, keys: &str) -> Result<(f64, Vec<f64>)> {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_getanime"))
        .env("SLINT_BACKEND", "winit-software")
        .env("GETANIME_SILENT", "1")
        .env_remove("GETANIME_LOG")
        .arg("--data-dir")
        .arg(data)
        .args(["--no-sync", "--exit-after-first-frame", "--key-interval-ms", "40", "--keys", keys])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .context("starting getanime")?;
    let stderr = BufReader::new(child.stderr.take().context("stderr")?);
    let mut first_frame = None;
    let mut frames = Vec::new();
    for line in stderr.lines() {
        let line = line?;
        if first_frame.is_none() && line.contains("first frame with the library rendered") {
            first_frame = Some(started.elapsed().as_secs_f64() * 1e3);
        }
        if let Some(rest) = line.split("render_ms=").nth(1) {
            frames.push(rest.split_whitespace().next().context("a value")?.parse()?);
        }
    }
    let status = child.wait()?;
    anyhow::ensure!(status.success(), "getanime failed: {status}");
    Ok((first_frame.context("no first frame was logged")?, frames))
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
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;

    let empty = library(&runtime, 0)?;
    let ten_thousand = library(&runtime, 10_000)?;
    let mut cold = Vec::new();
    let mut baseline = Vec::new();
    for _ in 0..5 {
        baseline.push(run_ui(empty.path(), "wait")?.0);
        cold.push(run_ui(ten_thousand.path(), "wait")?.0);
    }
    report("cold_start_to_first_frame", median(cold), "ms", median(baseline));

    let hundred_thousand = library(&runtime, 100_000)?;
    let keys = format!("up,right,enter,wait,{}", vec!["down"; 60].join(","));
    // The first frames (home, header, opening the grid) are not scrolling.
    let scrolling = |frames: Vec<f64>| frames.into_iter().skip(5).collect::<Vec<_>>();
    let grid = scrolling(run_ui(hundred_thousand.path(), &keys)?.1);
    let empty_grid = scrolling(run_ui(empty.path(), &keys)?.1);
    report("frame_time_scroll_grid", p95(grid), "ms", p95(empty_grid));
    Ok(())
}
