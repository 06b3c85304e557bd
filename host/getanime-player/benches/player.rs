//! `time_to_first_frame` (run by `cargo xtask bench`): load → first frame delivered to the app by
//! `Player`, against a bare playbin → appsink pipeline on the same loopback HLS URL in the same
//! run. The ratio is the player's overhead (goal ≤ 1.2). `time_to_first_frame_gateway`: the same
//! with every playlist and segment read through the media gateway, as the app plays, against the
//! same bare pipeline reading the server directly.

use std::sync::Arc;
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use getanime_domain::{Quality, Stream};
use getanime_player::media::{TestStreamSpec, generate_hls};
use getanime_player::{AudioOutput, Media, Player, PlayerConfig};
use getanime_testkit::FakeServer;
use getanime_testkit::media_upstream::PlainUpstream;

const RUNS: usize = 7;

fn median(mut samples: Vec<Duration>) -> f64 {
    samples.sort();
    samples[samples.len() / 2].as_secs_f64() * 1e3
}

/// The baseline: playbin → videoconvert → appsink, nothing else, time to the first sample.
fn bare_playbin_first_frame(url: &str) -> Result<Duration> {
    use gstreamer::prelude::*;
    let started = Instant::now();
    let playbin = gstreamer::ElementFactory::make("playbin").property("uri", url).build()?;
    let sink = gstreamer::parse::bin_from_description(
        "videoconvert ! appsink name=frames sync=true caps=video/x-raw,format=RGBA",
        true,
    )?;
    playbin.set_property("video-sink", &sink);
    playbin.set_property("audio-sink", &gstreamer::ElementFactory::make("fakesink").build()?);
    playbin.set_state(gstreamer::State::Playing)?;
    let appsink = sink
        .by_name("frames")
        .context("the appsink")?
        .downcast::<gstreamer_app::AppSink>()
        .map_err(|_| anyhow::anyhow!("not an appsink"))?;
    appsink
        .try_pull_preroll(gstreamer::ClockTime::from_seconds(20))
        .context("no frame from the bare pipeline")?;
    let elapsed = started.elapsed();
    playbin.set_state(gstreamer::State::Null)?;
    Ok(elapsed)
}

fn main() -> Result<()> {
    let media = tempfile::tempdir()?;
    generate_hls(&media.path().join("hd"), &TestStreamSpec::default())?;
    let server = FakeServer::start_in_background()?;
    server.serve_dir("/media", media.path());
    let url = format!("{}/media/hd/index.m3u8", server.base_url());

    // The media gateway, as the app runs it (its upstream here: plain reqwest, refusing nothing).
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build()?;
    let gateway = runtime.block_on(getanime_gateway::MediaGateway::start())?;
    let session = gateway.open(Arc::new(PlainUpstream::refusing("")?))?;
    let through_gateway = session.local_url(&url);

    let mut player_times = Vec::new();
    let mut gateway_times = Vec::new();
    let mut bare_times = Vec::new();
    for _ in 0..RUNS {
        player_times.push(player_first_frame(&url)?);
        gateway_times.push(player_first_frame(&through_gateway)?);
        bare_times.push(bare_playbin_first_frame(&url)?);
    }
    let (player, through, bare) = (median(player_times), median(gateway_times), median(bare_times));
    for (name, value) in [("time_to_first_frame", player), ("time_to_first_frame_gateway", through)]
    {
        let entry = serde_json::json!({"name": name, "value": value, "unit": "ms", "baseline": bare, "ratio": value / bare});
        println!("BENCH {entry}");
    }
    Ok(())
}

/// Load → the first frame the player hands the app, for `url`.
fn player_first_frame(url: &str) -> Result<Duration> {
    let (sender, first_frame) = channel();
    let sink: getanime_player::FrameSink = Arc::new(move |_frame| {
        // Only the first send matters; later frames find the receiver gone or full.
        if sender.send(()).is_err() {}
    });
    let player = Player::new(
        PlayerConfig { audio: AudioOutput::Silent, ..PlayerConfig::default() },
        Some(sink),
    )?;
    let started = Instant::now();
    player.load(Media {
        streams: vec![Stream { quality: Quality::Hd, url: url.to_owned() }],
        preferred: Quality::Hd,
        start_ms: 0,
        opening: None,
        ending: None,
        auto_skip: false,
        subtitle: None,
    });
    first_frame.recv_timeout(Duration::from_secs(20)).context("no frame from the player")?;
    Ok(started.elapsed())
}
