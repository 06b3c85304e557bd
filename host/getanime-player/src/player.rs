//! The HLS player: playbin with an appsink that hands RGBA frames to the app, driven by one
//! controller thread that owns the pipeline. Commands go in on a channel, bus messages and a
//! 250 ms tick come in on the same channel, and [`PlayerEvent`]s go out: the UI shows only what
//! the pipeline reported.
//!
//! Why playbin (2) and not playbin3 or the `gstreamer-play` API: on GStreamer 1.22 (Debian 12)
//! playbin is the best-tested path for HLS through `hlsdemux`, lets us plug our own video sink
//! (the appsink the UI draws from) and a silent audio sink for tests, and a stream switch is a URI
//! change at a known position, which is all the quality picker needs.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use getanime_domain::Quality;
use getanime_domain::playback::PlaybackFailure;
use gstreamer as gst;
use gstreamer::prelude::*;
use gstreamer_app as gst_app;
use gstreamer_video as gst_video;

use crate::{Error, Media, PlayerEvent, PlayerState, Result, SkipKind, init};

/// How often position ticks are sent.
const TICK: Duration = Duration::from_millis(250);

/// Where sound goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AudioOutput {
    /// The system's default output.
    Default,
    /// Discarded (tests, machines without sound).
    Silent,
}

/// Player settings.
#[derive(Debug, Clone)]
pub struct PlayerConfig {
    pub audio: AudioOutput,
    /// With no progress for this long while playing, the stream counts as stalled (an error).
    pub stall_timeout: Duration,
}

impl Default for PlayerConfig {
    fn default() -> PlayerConfig {
        PlayerConfig { audio: AudioOutput::Default, stall_timeout: Duration::from_secs(20) }
    }
}

/// One decoded video frame, borrowed from GStreamer's buffer for the length of the call (so the
/// only copy is the one into the screen's image): 8-bit RGB rows of `stride` bytes. RGB, not
/// RGBA: video is opaque, and an image without alpha is drawn without blending.
#[derive(Debug, Clone, Copy)]
pub struct VideoFrame<'a> {
    pub width: u32,
    pub height: u32,
    /// Bytes from one row to the next (at least `width * 3`).
    pub stride: usize,
    pub rgb: &'a [u8],
}

impl VideoFrame<'_> {
    /// Bytes of one tightly packed row.
    pub fn row_bytes(&self) -> usize {
        self.width as usize * 3
    }

    /// The whole picture, when its rows are tightly packed already (no padding between them).
    pub fn packed(&self) -> Option<&[u8]> {
        let length = self.row_bytes() * self.height as usize;
        (self.stride == self.row_bytes()).then(|| self.rgb.get(..length)).flatten()
    }

    /// Copies the rows, tightly packed, into `target` (`row_bytes() * height` long); rows the
    /// buffer is short of stay as they were. One copy when the rows are packed already.
    pub fn copy_rows_into(&self, target: &mut [u8]) {
        if let Some(picture) = self.packed().filter(|picture| picture.len() == target.len()) {
            target.copy_from_slice(picture);
            return;
        }
        let row = self.row_bytes();
        for (into, from) in target.chunks_exact_mut(row).zip(self.rgb.chunks(self.stride.max(1))) {
            if let Some(from) = from.get(..row) {
                into.copy_from_slice(from);
            }
        }
    }
}

/// Receives decoded frames (on a GStreamer streaming thread: copy and return quickly).
pub type FrameSink = Arc<dyn Fn(&VideoFrame<'_>) + Send + Sync>;

enum Input {
    Load(Media),
    Play,
    Pause,
    Seek(u64),
    SeekBy(i64),
    Skip,
    Stop,
    Volume(f64),
    Mute(bool),
    SelectQuality(Quality),
    SelectSubtitle(Option<String>),
    /// A bus message, with the stream generation it was posted in.
    Bus(BusNews, u64),
    Shutdown,
}

/// What the bus said, translated on the streaming thread.
enum BusNews {
    State(PlayerState),
    Buffering(u8),
    Eos,
    Error { element: String, message: String, failure: PlaybackFailure },
    AsyncDone,
}

/// A handle to the player thread. Dropping it stops playback.
pub struct Player {
    commands: Sender<Input>,
    events: Receiver<PlayerEvent>,
    thread: Option<JoinHandle<()>>,
}

impl Player {
    /// Builds the pipeline and starts the controller thread.
    pub fn new(config: PlayerConfig, frames: Option<FrameSink>) -> Result<Player> {
        init()?;
        let playbin = gst::ElementFactory::make("playbin")
            .build()
            .map_err(|error| Error::Pipeline(format!("playbin is missing: {error}")))?;
        playbin.set_property("video-sink", &video_sink(frames)?);
        let audio = match config.audio {
            AudioOutput::Default => gst::ElementFactory::make("autoaudiosink").build(),
            AudioOutput::Silent => {
                gst::ElementFactory::make("fakesink").property("sync", true).build()
            }
        }
        .map_err(|error| Error::Pipeline(format!("no audio sink: {error}")))?;
        playbin.set_property("audio-sink", &audio);

        let (commands, inbox) = channel();
        let (events_out, events) = channel();
        let bus = playbin.bus().ok_or_else(|| Error::Pipeline("playbin has no bus".into()))?;
        let bus_commands = commands.clone();
        let generation = Arc::new(AtomicU64::new(0));
        let bus_generation = Arc::clone(&generation);
        let playbin_object = playbin.clone().upcast::<gst::Object>();
        bus.set_sync_handler(move |_bus, message| {
            // The generation tags the message with the stream run it belongs to, so news from a
            // run that was already replaced (a quality switch, a fallback) is ignored.
            let generation = bus_generation.load(Ordering::Acquire);
            if let Some(news) = translate(&playbin_object, message)
                && bus_commands.send(Input::Bus(news, generation)).is_err()
            {
                tracing::trace!("player thread gone; bus message dropped");
            }
            gst::BusSyncReply::Drop
        });
        let controller = Controller::new(playbin, config, events_out, generation);
        let thread = std::thread::Builder::new()
            .name("player".into())
            .spawn(move || controller.run(inbox))
            .map_err(|error| Error::Pipeline(format!("cannot start the player thread: {error}")))?;
        Ok(Player { commands, events, thread: Some(thread) })
    }

    /// Events, in order.
    pub fn events(&self) -> &Receiver<PlayerEvent> {
        &self.events
    }

    pub fn load(&self, media: Media) {
        self.send(Input::Load(media));
    }
    pub fn play(&self) {
        self.send(Input::Play);
    }
    pub fn pause(&self) {
        self.send(Input::Pause);
    }
    /// Seeks to an absolute position.
    pub fn seek(&self, position_ms: u64) {
        self.send(Input::Seek(position_ms));
    }
    /// Seeks relative to the current position (±10 s, ±60 s from the remote).
    pub fn seek_by(&self, delta_ms: i64) {
        self.send(Input::SeekBy(delta_ms));
    }
    /// Jumps to the end of the opening or ending the position is in.
    pub fn skip(&self) {
        self.send(Input::Skip);
    }
    pub fn stop(&self) {
        self.send(Input::Stop);
    }
    /// 0.0 to 1.0.
    pub fn set_volume(&self, volume: f64) {
        self.send(Input::Volume(volume.clamp(0.0, 1.0)));
    }
    pub fn set_muted(&self, muted: bool) {
        self.send(Input::Mute(muted));
    }
    /// Switches to another quality at the current position.
    pub fn select_quality(&self, quality: Quality) {
        self.send(Input::SelectQuality(quality));
    }

    /// Shows another subtitle file (or none) from the current position on.
    pub fn select_subtitle(&self, url: Option<String>) {
        self.send(Input::SelectSubtitle(url));
    }

    fn send(&self, input: Input) {
        if self.commands.send(input).is_err() {
            tracing::warn!("the player thread has stopped; command ignored");
        }
    }
}

impl Drop for Player {
    fn drop(&mut self) {
        self.send(Input::Shutdown);
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            tracing::error!("the player thread panicked");
        }
    }
}

/// `videoconvert ! appsink(RGB)`, handing frames to `frames`.
fn video_sink(frames: Option<FrameSink>) -> Result<gst::Element> {
    let caps = gst_video::VideoCapsBuilder::new().format(gst_video::VideoFormat::Rgb).build();
    let appsink =
        gst_app::AppSink::builder().caps(&caps).max_buffers(2).drop(true).sync(true).build();
    // The preroll frame is delivered too: the picture appears as soon as it is decoded (and
    // after a seek while paused), not only once the clock runs.
    let preroll_frames = frames.clone();
    appsink.set_callbacks(
        gst_app::AppSinkCallbacks::builder()
            .new_preroll(move |sink| {
                let sample = sink.pull_preroll().map_err(|_| gst::FlowError::Eos)?;
                deliver(preroll_frames.as_ref(), &sample);
                Ok(gst::FlowSuccess::Ok)
            })
            .new_sample(move |sink| {
                let sample = sink.pull_sample().map_err(|_| gst::FlowError::Eos)?;
                deliver(frames.as_ref(), &sample);
                Ok(gst::FlowSuccess::Ok)
            })
            .build(),
    );
    let bin = gst::Bin::with_name("video-out");
    let convert = gst::ElementFactory::make("videoconvert")
        .build()
        .map_err(|error| Error::Pipeline(format!("videoconvert is missing: {error}")))?;
    let appsink = appsink.upcast::<gst::Element>();
    bin.add_many([&convert, &appsink]).map_err(|error| Error::Pipeline(error.to_string()))?;
    convert.link(&appsink).map_err(|error| Error::Pipeline(error.to_string()))?;
    let pad = convert
        .static_pad("sink")
        .ok_or_else(|| Error::Pipeline("videoconvert has no sink pad".into()))?;
    let ghost =
        gst::GhostPad::with_target(&pad).map_err(|error| Error::Pipeline(error.to_string()))?;
    bin.add_pad(&ghost).map_err(|error| Error::Pipeline(error.to_string()))?;
    Ok(bin.upcast())
}

fn deliver(frames: Option<&FrameSink>, sample: &gst::Sample) {
    let Some(frames) = frames else { return };
    let Some(info) = sample.caps().and_then(|caps| gst_video::VideoInfo::from_caps(caps).ok())
    else {
        return;
    };
    let Some(map) = sample.buffer().and_then(|buffer| buffer.map_readable().ok()) else {
        return;
    };
    let Ok(stride) = usize::try_from(info.stride()[0]) else { return };
    frames(&VideoFrame { width: info.width(), height: info.height(), stride, rgb: map.as_slice() });
}

fn translate(playbin: &gst::Object, message: &gst::Message) -> Option<BusNews> {
    match message.view() {
        gst::MessageView::StateChanged(change) if message.src() == Some(playbin) => {
            Some(BusNews::State(match change.current() {
                gst::State::Playing => PlayerState::Playing,
                gst::State::Paused => PlayerState::Paused,
                _ => PlayerState::Stopped,
            }))
        }
        gst::MessageView::Buffering(buffering) => {
            Some(BusNews::Buffering(buffering.percent().clamp(0, 100) as u8))
        }
        gst::MessageView::Eos(_) => Some(BusNews::Eos),
        gst::MessageView::AsyncDone(_) if message.src() == Some(playbin) => {
            Some(BusNews::AsyncDone)
        }
        gst::MessageView::Error(error) => {
            let element =
                message.src().map(|source| source.path_string().to_string()).unwrap_or_default();
            Some(BusNews::Error {
                failure: failure_of(&error.error(), &element),
                message: user_message(&error.error(), error.debug().as_deref()),
                element,
            })
        }
        _ => None,
    }
}

/// What kind of trouble a GStreamer error is. A source element that stops (playbin's HTTP
/// source, or the HLS demuxer's downloads) is the server; "not found" is the server saying so;
/// decoding and format errors are this system's.
pub fn failure_of(error: &gst::glib::Error, element: &str) -> PlaybackFailure {
    let network = ["SoupHTTPSrc", "souphttpsrc", "HLSDemux", "hlsdemux", "AdaptiveDemux"]
        .iter()
        .any(|name| element.contains(name));
    if let Some(resource) = error.kind::<gst::ResourceError>() {
        return match resource {
            gst::ResourceError::NotFound => PlaybackFailure::Missing,
            _ if network => PlaybackFailure::Unreachable,
            gst::ResourceError::OpenRead | gst::ResourceError::Read => PlaybackFailure::Unreachable,
            _ => PlaybackFailure::Other,
        };
    }
    if let Some(stream) = error.kind::<gst::StreamError>() {
        return match stream {
            gst::StreamError::Decode
            | gst::StreamError::CodecNotFound
            | gst::StreamError::WrongType
            | gst::StreamError::TypeNotFound
            | gst::StreamError::Format
            | gst::StreamError::Demux => PlaybackFailure::Undecodable,
            // "Internal data stream error": a source that stopped takes the stream down with it.
            _ if network => PlaybackFailure::Unreachable,
            _ => PlaybackFailure::Other,
        };
    }
    PlaybackFailure::Other
}

/// A sentence a viewer can read, with the technical detail after it.
fn user_message(error: &gst::glib::Error, debug: Option<&str>) -> String {
    let detail = debug.and_then(|debug| debug.lines().last()).unwrap_or_default();
    if detail.is_empty() { error.to_string() } else { format!("{error} ({detail})") }
}

/// The controller thread's state.
struct Controller {
    playbin: gst::Element,
    config: PlayerConfig,
    events: Sender<PlayerEvent>,
    media: Option<Media>,
    /// Bumped at every (re)start of a stream; see [`Input::Bus`].
    generation: Arc<AtomicU64>,
    quality: Option<Quality>,
    /// Qualities that failed to start for the current media.
    failed: Vec<Quality>,
    wants_play: bool,
    started: bool,
    pending_seek: Option<u64>,
    skip_kind: Option<SkipKind>,
    last_position: Option<u64>,
    last_progress: Instant,
    buffering: bool,
}

impl Controller {
    fn new(
        playbin: gst::Element,
        config: PlayerConfig,
        events: Sender<PlayerEvent>,
        generation: Arc<AtomicU64>,
    ) -> Controller {
        Controller {
            playbin,
            config,
            events,
            media: None,
            generation,
            quality: None,
            failed: Vec::new(),
            wants_play: false,
            started: false,
            pending_seek: None,
            skip_kind: None,
            last_position: None,
            last_progress: Instant::now(),
            buffering: false,
        }
    }

    fn run(mut self, inbox: Receiver<Input>) {
        loop {
            match inbox.recv_timeout(TICK) {
                Ok(Input::Shutdown) | Err(RecvTimeoutError::Disconnected) => break,
                Ok(input) => self.handle(input),
                Err(RecvTimeoutError::Timeout) => self.tick(),
            }
        }
        self.set_state(gst::State::Null);
    }

    fn emit(&self, event: PlayerEvent) {
        if self.events.send(event).is_err() {
            tracing::trace!("nobody listens to player events");
        }
    }

    fn set_state(&self, state: gst::State) {
        if self.playbin.set_state(state).is_err() {
            tracing::debug!(?state, "state change refused; the bus says why");
        }
    }

    fn handle(&mut self, input: Input) {
        match input {
            Input::Load(media) => {
                self.failed.clear();
                let preferred = media.preferred;
                let start = media.start_ms;
                self.media = Some(media);
                self.wants_play = true;
                self.start(preferred, start, None);
            }
            Input::Play => {
                self.wants_play = true;
                self.set_state(gst::State::Playing);
            }
            Input::Pause => {
                self.wants_play = false;
                self.set_state(gst::State::Paused);
            }
            Input::Seek(position) => self.seek(position),
            Input::SeekBy(delta) => {
                let current = self.position().unwrap_or(0) as i64;
                self.seek(current.saturating_add(delta).max(0) as u64);
            }
            Input::Skip => {
                let range = match self.skip_kind {
                    Some(SkipKind::Opening) => self.media.as_ref().and_then(|media| media.opening),
                    Some(SkipKind::Ending) => self.media.as_ref().and_then(|media| media.ending),
                    None => None,
                };
                if let Some(range) = range {
                    self.seek(u64::from(range.end_ms));
                }
            }
            Input::Stop => {
                self.wants_play = false;
                self.set_state(gst::State::Null);
                self.emit(PlayerEvent::StateChanged(PlayerState::Stopped));
            }
            Input::Volume(volume) => self.playbin.set_property("volume", volume),
            Input::Mute(muted) => self.playbin.set_property("mute", muted),
            Input::SelectQuality(quality) => {
                let position = self.position().unwrap_or(0);
                self.start(quality, position, None);
            }
            Input::SelectSubtitle(url) => {
                let position = self.position().unwrap_or(0);
                let Some(media) = self.media.as_mut() else { return };
                media.subtitle = url;
                let quality = self.quality.unwrap_or(media.preferred);
                self.start(quality, position, None);
            }
            Input::Bus(news, generation) => {
                if generation == self.generation.load(Ordering::Acquire) {
                    self.bus(news);
                } else {
                    tracing::debug!(generation, "ignoring news from a replaced stream");
                }
            }
            Input::Shutdown => {}
        }
    }

    /// (Re)starts the media at `position` in the best available quality for `wanted`.
    fn start(&mut self, wanted: Quality, position: u64, fallback_from: Option<Quality>) {
        let Some(media) = &self.media else { return };
        let offered: Vec<Quality> = media
            .streams
            .iter()
            .map(|stream| stream.quality)
            .filter(|quality| !self.failed.contains(quality))
            .collect();
        let Some(quality) = Quality::choose(wanted, &offered) else {
            self.emit(PlayerEvent::Error {
                element: String::new(),
                message: "no playable stream for this episode".into(),
                failure: PlaybackFailure::NoStream,
            });
            self.set_state(gst::State::Null);
            return;
        };
        let Some(url) = media
            .streams
            .iter()
            .find(|stream| stream.quality == quality)
            .map(|stream| stream.url.clone())
        else {
            return;
        };
        // Null returns once the old streaming threads are gone, so every message of the old run
        // was posted (and tagged) before the generation moves on.
        self.set_state(gst::State::Null);
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.playbin.set_property("uri", &url);
        // playbin draws the text into the frames (its subtitle overlay) before our sink.
        self.playbin.set_property("suburi", media.subtitle.as_deref());
        self.quality = Some(quality);
        self.started = false;
        self.pending_seek = (position > 0).then_some(position);
        self.last_position = None;
        self.last_progress = Instant::now();
        let fallback_from = fallback_from.or((quality != wanted).then_some(wanted));
        self.emit(PlayerEvent::QualityChanged { quality, fallback_from });
        self.set_state(if self.wants_play { gst::State::Playing } else { gst::State::Paused });
    }

    fn seek(&mut self, position: u64) {
        let flags = gst::SeekFlags::FLUSH | gst::SeekFlags::KEY_UNIT;
        if self.playbin.seek_simple(flags, gst::ClockTime::from_mseconds(position)).is_err() {
            // Not prerolled yet: seek once it is.
            self.pending_seek = Some(position);
        }
        self.last_progress = Instant::now();
    }

    fn position(&self) -> Option<u64> {
        self.playbin.query_position::<gst::ClockTime>().map(|time| time.mseconds())
    }

    fn bus(&mut self, news: BusNews) {
        match news {
            BusNews::State(state) => {
                if state == PlayerState::Playing {
                    self.started = true;
                }
                self.emit(PlayerEvent::StateChanged(state));
            }
            BusNews::AsyncDone => {
                if let Some(position) = self.pending_seek.take() {
                    self.seek(position);
                }
            }
            BusNews::Buffering(percent) => {
                self.buffering = percent < 100;
                self.emit(PlayerEvent::Buffering(percent));
            }
            BusNews::Eos => {
                self.wants_play = false;
                self.emit(PlayerEvent::EndOfStream);
            }
            BusNews::Error { element, message, failure } => {
                // A quality that never started is tried no more; the next one below takes over.
                if let Some(quality) = self.quality.filter(|_| !self.started) {
                    self.failed.push(quality);
                    let has_other = self.media.as_ref().is_some_and(|media| {
                        media.streams.iter().any(|stream| !self.failed.contains(&stream.quality))
                    });
                    if has_other {
                        tracing::info!(
                            ?quality,
                            "stream failed to start ({message}); falling back"
                        );
                        let position = self.pending_seek.unwrap_or(0);
                        self.start(quality, position, Some(quality));
                        return;
                    }
                }
                self.wants_play = false;
                self.set_state(gst::State::Null);
                self.emit(PlayerEvent::Error { element, message, failure });
            }
        }
    }

    fn tick(&mut self) {
        let Some(position) = self.position() else {
            self.check_stall();
            return;
        };
        let duration = self.playbin.query_duration::<gst::ClockTime>().map(|time| time.mseconds());
        if self.last_position != Some(position) {
            self.last_position = Some(position);
            self.last_progress = Instant::now();
        }
        self.emit(PlayerEvent::Position { position_ms: position, duration_ms: duration });
        self.check_skip(position);
        self.check_stall();
    }

    fn check_skip(&mut self, position: u64) {
        let Some(media) = &self.media else { return };
        let kind = [(SkipKind::Opening, media.opening), (SkipKind::Ending, media.ending)]
            .into_iter()
            .find_map(|(kind, range)| range.filter(|range| range.contains(position)).map(|_| kind));
        if kind == self.skip_kind {
            return;
        }
        self.skip_kind = kind;
        if kind.is_some() && media.auto_skip {
            self.emit(PlayerEvent::Skipped(kind));
            self.handle(Input::Skip);
        } else {
            self.emit(PlayerEvent::SkipAvailable(kind));
        }
    }

    /// Playing wanted, nothing moving for the stall timeout: an error, never a frozen screen.
    fn check_stall(&mut self) {
        let stuck = self.wants_play
            && self.media.is_some()
            && self.last_progress.elapsed() > self.config.stall_timeout;
        if stuck {
            self.wants_play = false;
            self.set_state(gst::State::Null);
            self.emit(PlayerEvent::Error {
                element: "network".into(),
                message: format!(
                    "the stream stalled: nothing arrived for {} s",
                    self.config.stall_timeout.as_secs()
                ),
                failure: PlaybackFailure::Stalled,
            });
        }
    }
}
