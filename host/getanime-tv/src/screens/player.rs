//! Player: the playback loop (`crate::playback`) runs on its own thread and sends its news over
//! a channel that a task on the UI thread drains (the gstreamer-player pattern); frames go
//! straight into the window. Keys become [`PlaybackCommand`]s.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;
use std::sync::mpsc::{Sender, channel};
use std::time::Duration;

use getanime_app::domain::TitleId;
use getanime_app::navigation::Navigator;
use getanime_app::{PlayerOverlay, Volume};
use getanime_player::{AudioOutput, FrameSink};
use slint::{
    ComponentHandle, Image, ModelRc, Rgb8Pixel, SharedPixelBuffer, SharedString, VecModel,
};

use super::shared::Shared;
use crate::playback::{Playback, PlaybackCommand, PlaybackNews};
use crate::ui::{AppWindow, PlayerAdapter, ScreenKind};

/// How long the player overlay stays after the last key press.
const OVERLAY_TIMEOUT: Duration = Duration::from_secs(3);

pub(super) struct PlayerScreen {
    shared: Rc<Shared>,
    /// Commands to the playback running now, if any.
    commands: RefCell<Option<Sender<PlaybackCommand>>>,
    /// Counts playbacks, so news from one already replaced is dropped.
    generation: Cell<u64>,
    /// Hides the overlay after a few seconds without input.
    overlay_timer: slint::Timer,
    /// The overlay stays up (paused, finished, failed).
    pinned: Cell<bool>,
    /// An episode of this playback has started (a later start is auto-play moving on).
    started: Cell<bool>,
    /// What plays, for the phone remote: the title and the overlay's latest state.
    playing: RefCell<Option<(TitleId, PlayerOverlay)>>,
    /// The title of the playback running.
    playing_title: Cell<Option<TitleId>>,
    /// How loud the last playback played: the next one starts there (for as long as the TV runs).
    volume: Cell<Volume>,
}

/// What the playback thread sends the screen.
enum ToScreen {
    News(Box<PlaybackNews>),
    /// The playback ended on an error, in the person's words.
    Error(String),
}

impl PlayerScreen {
    pub(super) fn new(shared: Rc<Shared>) -> PlayerScreen {
        PlayerScreen {
            shared,
            commands: RefCell::default(),
            generation: Cell::new(0),
            overlay_timer: slint::Timer::default(),
            pinned: Cell::new(false),
            started: Cell::new(false),
            playing: RefCell::default(),
            playing_title: Cell::new(None),
            volume: Cell::default(),
        }
    }

    /// What plays now, for the phone remote (positions in whole seconds, so a phone hears of
    /// it about once a second).
    pub(super) fn now_playing(&self) -> Option<getanime_remote::NowPlaying> {
        let playing = self.playing.borrow();
        let (title, overlay) = playing.as_ref()?;
        Some(getanime_remote::NowPlaying {
            title_id: title.0,
            title: overlay.title.clone(),
            episode: overlay.episode,
            position_ms: overlay.position_ms / 1000 * 1000,
            duration_ms: overlay.duration_ms,
            paused: overlay.paused,
            quality: overlay.quality.map(|quality| quality.as_str().to_owned()),
            subtitles: overlay.subtitles.clone(),
            volume: overlay.volume.level,
            muted: overlay.volume.muted,
        })
    }

    /// Plays `episode` of `title` (then the next ones, as the profile's auto-play says).
    pub(super) fn play(self: &Rc<Self>, title: TitleId, episode: f64) {
        self.stop();
        self.playing_title.set(Some(title));
        {
            let mut navigator = self.shared.navigator.borrow_mut();
            navigator.player_mut().set_skip_available(false);
            navigator.player_mut().set_failed(false);
            navigator.player_mut().set_subtitles(0, None);
        }
        self.pinned.set(false);
        self.started.set(false);
        if let Some(window) = self.shared.window.upgrade() {
            let view = window.global::<PlayerAdapter>();
            view.set_error(SharedString::new());
            view.set_skip_prompt(SharedString::new());
            view.set_countdown(SharedString::new());
            view.set_title(getanime_app::views::player::loading().into());
            view.set_frame(Image::default());
        }
        let generation = self.generation.get() + 1;
        self.generation.set(generation);
        let (commands, inbox) = channel();
        *self.commands.borrow_mut() = Some(commands);
        let (news_out, mut news_in) = tokio::sync::mpsc::unbounded_channel();
        let screen = Rc::downgrade(self);
        let drained = slint::spawn_local(async move {
            while let Some(news) = news_in.recv().await {
                let Some(screen) = screen.upgrade() else { return };
                if screen.generation.get() != generation {
                    continue; // a playback already replaced
                }
                match news {
                    ToScreen::News(news) => screen.on_news(*news),
                    ToScreen::Error(error) => screen.show_error(error),
                }
            }
        });
        if let Err(error) = drained {
            tracing::error!("cannot follow playback: {error}");
            return;
        }
        let app = Arc::clone(&self.shared.app);
        let runtime = self.shared.runtime.handle().clone();
        let frames = frame_sink(self.shared.window.clone());
        let volume = self.volume.get();
        let spawned = std::thread::Builder::new().name("playback".into()).spawn(move || {
            let send = |message: ToScreen| {
                if news_out.send(message).is_err() {
                    tracing::trace!("the window is gone; playback news dropped");
                }
            };
            let tell = |news: PlaybackNews| send(ToScreen::News(Box::new(news)));
            let audio = if std::env::var_os("GETANIME_SILENT").is_some() {
                AudioOutput::Silent
            } else {
                AudioOutput::Default
            };
            let playback = Playback {
                app: &app,
                runtime: &runtime,
                audio,
                frames: Some(frames),
                quality: None,
                auto_play: true,
                volume: Cell::new(volume),
            };
            if let Err(error) = playback.run(title, episode, &inbox, &tell) {
                send(ToScreen::Error(getanime_app::explain(&error)));
            }
        });
        if let Err(error) = spawned {
            tracing::error!("cannot start playback: {error}");
        }
    }

    /// Stops the playback running (its position is saved), if any.
    pub(super) fn stop(&self) {
        *self.playing.borrow_mut() = None;
        self.playing_title.set(None);
        if let Some(commands) = self.commands.borrow_mut().take()
            && commands.send(PlaybackCommand::Stop).is_err()
        {
            tracing::debug!("playback had already ended");
        }
    }

    pub(super) fn send(&self, command: PlaybackCommand) {
        if let Some(commands) = self.commands.borrow().as_ref()
            && commands.send(command).is_err()
        {
            tracing::debug!("playback already ended");
        }
    }

    /// What the playback thread said, on the UI thread.
    fn on_news(self: &Rc<Self>, news: PlaybackNews) {
        let Some(window) = self.shared.window.upgrade() else { return };
        let view = window.global::<PlayerAdapter>();
        match news {
            PlaybackNews::Started { episode, overlay, .. } => {
                if self.started.replace(true) {
                    tracing::info!(%episode, "auto-play moved on");
                    self.shared.navigator.borrow_mut().replace_player_episode(episode);
                }
                view.set_countdown(SharedString::new());
                self.draw(&view, overlay);
            }
            PlaybackNews::Overlay(overlay) => self.draw(&view, overlay),
            PlaybackNews::Subtitles { choices, tracks, chosen } => {
                let choices: Vec<SharedString> =
                    choices.into_iter().map(SharedString::from).collect();
                view.set_subtitle_choices(ModelRc::new(VecModel::from(choices)));
                self.shared.navigator.borrow_mut().player_mut().set_subtitles(tracks, chosen);
                super::redraw(&self.shared);
            }
            PlaybackNews::Countdown(text) => view.set_countdown(text.into()),
            PlaybackNews::QualityFellBack { wanted, playing } => {
                tracing::info!(
                    wanted = wanted.as_str(),
                    playing = playing.as_str(),
                    "quality fell back"
                );
            }
            PlaybackNews::Failed { message, .. } => {
                tracing::warn!(%message, "playback failed");
                self.shared.navigator.borrow_mut().player_mut().set_failed(true);
            }
            PlaybackNews::Finished { .. } => {}
        }
    }

    fn show_error(&self, error: String) {
        if let Some(window) = self.shared.window.upgrade() {
            window.global::<PlayerAdapter>().set_error(error.into());
        }
    }

    /// Copies the session's overlay into the window.
    fn draw(self: &Rc<Self>, view: &PlayerAdapter<'_>, overlay: PlayerOverlay) {
        if let Some(title) = self.playing_title.get() {
            *self.playing.borrow_mut() = Some((title, overlay.clone()));
            if let Some(screens) = self.shared.screens() {
                screens.publish_snapshot();
            }
        }
        view.set_title(overlay.heading.into());
        view.set_progress(overlay.progress);
        view.set_time(overlay.time.into());
        view.set_note(overlay.note.into());
        if self.volume.replace(overlay.volume) != overlay.volume {
            // A phone's volume buttons show what they did, as a key does.
            self.show_overlay();
        }
        let released = self.pinned.get() && !overlay.pinned;
        self.pinned.set(overlay.pinned);
        if released {
            // A start or a pause kept the overlay up; playing again lets it hide.
            self.show_overlay();
        }
        if view.get_skip_prompt().as_str() != overlay.skip_prompt {
            let available = !overlay.skip_prompt.is_empty();
            view.set_skip_prompt(overlay.skip_prompt.into());
            self.shared.navigator.borrow_mut().player_mut().set_skip_available(available);
        }
        if let Some(error) = overlay.error {
            view.set_error(error.into());
        }
    }

    /// Shows the player overlay and hides it again after [`OVERLAY_TIMEOUT`] without input,
    /// unless it is pinned by then.
    pub(super) fn show_overlay(self: &Rc<Self>) {
        let Some(window) = self.shared.window.upgrade() else { return };
        window.global::<PlayerAdapter>().set_overlay_visible(true);
        let screen = Rc::downgrade(self);
        self.overlay_timer.start(slint::TimerMode::SingleShot, OVERLAY_TIMEOUT, move || {
            let Some(screen) = screen.upgrade() else { return };
            if !screen.pinned.get()
                && let Some(window) = screen.shared.window.upgrade()
            {
                window.global::<PlayerAdapter>().set_overlay_visible(false);
            }
        });
    }
}

/// Frames from GStreamer into the window: the one copy of a frame, from GStreamer's buffer into
/// the image the window draws (straight when its rows are packed, else row by row).
fn frame_sink(window: slint::Weak<AppWindow>) -> FrameSink {
    Arc::new(move |frame| {
        let buffer = match frame.packed() {
            Some(bytes) => {
                SharedPixelBuffer::<Rgb8Pixel>::clone_from_slice(bytes, frame.width, frame.height)
            }
            None => {
                let mut buffer = SharedPixelBuffer::<Rgb8Pixel>::new(frame.width, frame.height);
                frame.copy_rows_into(buffer.make_mut_bytes());
                buffer
            }
        };
        let delivered = window.upgrade_in_event_loop(move |window| {
            window.global::<PlayerAdapter>().set_frame(Image::from_rgb8(buffer))
        });
        if delivered.is_err() {
            tracing::trace!("frame dropped: the window is gone");
        }
    })
}

impl super::ScreenAdapter for PlayerScreen {
    fn kind(&self) -> ScreenKind {
        ScreenKind::Player
    }

    /// The subtitle picker's focused row.
    fn show_focus(&self, window: &AppWindow, navigator: &Navigator) {
        let picker = navigator.player().picker().map_or(-1, |row| row as i32);
        window.global::<PlayerAdapter>().set_subtitle_focus(picker);
    }
}
