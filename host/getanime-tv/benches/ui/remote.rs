//! `remote_key_to_focus`: a key posted to the phone remote on 127.0.0.1 → the next frame the
//! window draws (the one with the new focus), p95 over 40 keys; baseline: the same key pressed
//! on the X keyboard (xdotool), the way the TV's own remote arrives. `remote_idle_cpu`: the
//! window's CPU per second while nothing happens with the remote on; baseline: with it off.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use getanime_app::domain::RemoteScope;
use getanime_app::{App, DataPaths, Setting};

/// Keys per figure.
const KEYS: usize = 40;

/// The window with the remote on 127.0.0.1:`port`, kept open by `wait` keys; the instants at
/// which it logged a drawn frame arrive on the receiver.
fn window(data: &Path, port: u16) -> Result<(Child, Receiver<Instant>)> {
    let waits = vec!["wait"; 400].join(",");
    let mut child = Command::new(env!("CARGO_BIN_EXE_getanime"))
        .env("SLINT_BACKEND", super::SOFTWARE)
        .env("GETANIME_SILENT", "1")
        .env("GETANIME_REMOTE_BIND", format!("127.0.0.1:{port}"))
        .env_remove("GETANIME_LOG")
        .arg("--data-dir")
        .arg(data)
        .args(["--no-sync", "--exit-after-first-frame", "--key-interval-ms", "100", "--keys"])
        .arg(waits)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .context("starting getanime")?;
    let stderr = BufReader::new(child.stderr.take().context("stderr")?);
    let (frames, drawn) = channel();
    std::thread::spawn(move || {
        for line in stderr.lines().map_while(std::result::Result::ok) {
            if line.contains("frame drawn") && frames.send(Instant::now()).is_err() {
                return;
            }
        }
    });
    Ok((child, drawn))
}

/// The first frame drawn at or after `since` (5 s at most), then quiet for a moment.
fn next_frame(drawn: &Receiver<Instant>, since: Instant) -> Result<Duration> {
    loop {
        let at = drawn.recv_timeout(Duration::from_secs(5)).context("no frame after a key")?;
        if at >= since {
            // Let the frames of this key pass before the next one.
            std::thread::sleep(Duration::from_millis(150));
            while drawn.try_recv().is_ok() {}
            return Ok(at - since);
        }
    }
}

/// Waits until the window draws no frame for half a second (loaded, nothing moving).
fn settle(drawn: &Receiver<Instant>) {
    while drawn.recv_timeout(Duration::from_millis(500)).is_ok() {}
}

fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn xdotool(args: &[&str]) -> Result<String> {
    let output = Command::new("xdotool").args(args).output().context("running xdotool")?;
    ensure!(
        output.status.success(),
        "xdotool {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// (remote p95 ms, X keyboard p95 ms).
pub fn key_to_focus(runtime: &tokio::runtime::Runtime, data: &Path) -> Result<(f64, f64)> {
    let app = App::open(DataPaths::resolve(Some(data.to_path_buf()))?)?;
    let token = runtime.block_on(async {
        app.set_setting(Setting::PhoneRemote, "true").await?;
        anyhow::Ok(app.create_remote_token("bench", RemoteScope::Control).await?.token)
    })?;
    let port = free_port()?;
    let (mut child, drawn) = window(data, port)?;
    let client = reqwest::Client::new();
    let url = format!("http://127.0.0.1:{port}/api/v1/keys");
    // The remote starts with the window: wait until it answers.
    let ready = (0..100).any(|_| {
        std::thread::sleep(Duration::from_millis(100));
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
    ensure!(ready, "the phone remote never listened");
    settle(&drawn);
    let window = xdotool(&["search", "--classname", "^io\\.github\\.getanime\\.GetAnime$"])?;
    let window = window.lines().next().context("the window")?.to_owned();
    xdotool(&["windowfocus", "--sync", &window])?;
    // Into the header, on its first button (from the card, or staying there).
    xdotool(&["key", "Up", "Up", "Left", "Left", "Left", "Left", "Left", "Left"])?;
    settle(&drawn);
    let (mut remote, mut keyboard) = (Vec::new(), Vec::new());
    // Right along the header from the phone, Left back on the keyboard: each moves the focus,
    // so each draws a frame.
    for _ in 0..KEYS {
        let (key, x_key) = ("right", "Left");
        let since = Instant::now();
        let sent = runtime.block_on(
            client.post(&url).bearer_auth(&token).json(&serde_json::json!({ "key": key })).send(),
        )?;
        ensure!(sent.status().as_u16() == 204, "the remote answered {}", sent.status());
        remote.push(next_frame(&drawn, since)?.as_secs_f64() * 1e3);
        let since = Instant::now();
        xdotool(&["key", x_key])?;
        keyboard.push(next_frame(&drawn, since)?.as_secs_f64() * 1e3);
    }
    child.kill()?;
    child.wait()?;
    Ok((super::p95(remote), super::p95(keyboard)))
}

/// (CPU seconds per second with the remote on, with it off), the window idle for 5 s each.
pub fn idle_cpu(runtime: &tokio::runtime::Runtime, data: &Path) -> Result<(f64, f64)> {
    let app = App::open(DataPaths::resolve(Some(data.to_path_buf()))?)?;
    let mut per_second = Vec::new();
    for on in ["true", "false"] {
        runtime.block_on(app.set_setting(Setting::PhoneRemote, on))?;
        let port = free_port()?;
        let (mut child, drawn) = window(data, port)?;
        std::thread::sleep(Duration::from_secs(3));
        settle(&drawn);
        let before = super::playback::cpu_ticks(child.id())?;
        std::thread::sleep(Duration::from_secs(5));
        let after = super::playback::cpu_ticks(child.id())?;
        child.kill()?;
        child.wait()?;
        per_second.push((after - before) / super::playback::TICKS_PER_SECOND / 5.0);
    }
    Ok((per_second[0], per_second[1]))
}
