//! Player adapter: a playback thread owns the `Player`, feeds a `PlaybackSession` and draws
//! its overlay; the UI thread sends it commands.

use super::*;

impl Screens {
    pub(super) fn play(self: &Rc<Self>, title: TitleId, episode: f64) {
        self.stop_playback();
        self.navigator.borrow_mut().set_skip_available(false);
        self.navigator.borrow_mut().set_player_failed(false);
        self.navigator.borrow_mut().set_player_subtitles(0, None);
        let (commands, inbox) = channel();
        *self.playback.borrow_mut() = Some(commands);
        let app = Arc::clone(&self.app);
        let handle = self.runtime.handle().clone();
        let weak = self.window.clone();
        if let Some(window) = self.window.upgrade() {
            let view = window.global::<PlayerAdapter>();
            view.set_error(SharedString::new());
            view.set_overlay_pinned(false);
            view.set_skip_prompt(SharedString::new());
            view.set_countdown(SharedString::new());
            view.set_title(getanime_app::views::player::loading().into());
            view.set_frame(Image::default());
        }
        let spawned = std::thread::Builder::new().name("playback".into()).spawn(move || {
            if let Err(error) = playback_session(&app, &handle, &weak, title, episode, &inbox) {
                let message = getanime_app::explain(&error);
                update(&weak, move |window| {
                    window.global::<PlayerAdapter>().set_error(message.into())
                });
            }
        });
        if let Err(error) = spawned {
            tracing::error!("cannot start playback: {error}");
        }
    }

    pub(super) fn stop_playback(&self) {
        if let Some(sender) = self.playback.borrow_mut().take()
            && sender.send(PlaybackCommand::Stop).is_err()
        {
            tracing::debug!("playback had already ended");
        }
    }
}

/// Commands from the UI thread to the playback thread.
pub(super) enum PlaybackCommand {
    PlayPause,
    Skip,
    CycleQuality,
    CycleSubtitles,
    ChooseSubtitle(Option<usize>),
    SeekBy(i64),
    Stop,
}

/// How long the "next episode" countdown runs before the next episode starts by itself.
pub(super) const NEXT_COUNTDOWN_SECONDS: u32 = 5;

/// How one episode's playback ended.
pub(super) enum Ended {
    /// Back, an error or the end without auto-play: the session is over.
    Stopped,
    /// Auto-play moves on to this episode.
    Next(f64),
}

/// Runs on its own thread: plays `episode`, then the next ones while auto-play goes on.
pub(super) fn playback_session(
    app: &App,
    runtime: &tokio::runtime::Handle,
    weak: &Weak<AppWindow>,
    title: TitleId,
    mut episode: f64,
    inbox: &Receiver<PlaybackCommand>,
) -> Result<()> {
    while let Ended::Next(next) = play_episode(app, runtime, weak, title, episode, inbox)? {
        episode = next;
        update(weak, move |window| {
            let view = window.global::<PlayerAdapter>();
            view.set_countdown(SharedString::new());
            view.set_note(SharedString::new());
            view.set_progress(0.0);
            view.invoke_now_playing(next.to_string().into());
        });
    }
    Ok(())
}

/// Waits out the next-episode countdown: `true` to play on (time up or Enter), `false` on Back.
pub(super) fn count_down_to_next(
    weak: &Weak<AppWindow>,
    next: f64,
    inbox: &Receiver<PlaybackCommand>,
) -> bool {
    for remaining in (1..=NEXT_COUNTDOWN_SECONDS).rev() {
        let text = getanime_app::countdown_text(next, remaining);
        update(weak, move |window| window.global::<PlayerAdapter>().set_countdown(text.into()));
        match inbox.recv_timeout(Duration::from_secs(1)) {
            Ok(PlaybackCommand::PlayPause) => return true,
            Ok(PlaybackCommand::Stop) | Err(RecvTimeoutError::Disconnected) => {
                update(weak, |window| {
                    window.global::<PlayerAdapter>().set_countdown(SharedString::new())
                });
                return false;
            }
            Ok(
                PlaybackCommand::SeekBy(_)
                | PlaybackCommand::Skip
                | PlaybackCommand::CycleQuality
                | PlaybackCommand::CycleSubtitles
                | PlaybackCommand::ChooseSubtitle(_),
            )
            | Err(RecvTimeoutError::Timeout) => {}
        }
    }
    true
}

/// Plays one episode: owns the player, feeds its events to the core's [`PlaybackSession`],
/// stores what the session decides and draws its overlay.
pub(super) fn play_episode(
    app: &App,
    runtime: &tokio::runtime::Handle,
    weak: &Weak<AppWindow>,
    title: TitleId,
    episode: f64,
    inbox: &Receiver<PlaybackCommand>,
) -> Result<Ended> {
    let mut session = PlaybackSession::new(runtime.block_on(app.plan_playback(title, episode))?);
    let frames_window = weak.clone();
    let frames: FrameSink = Arc::new(move |frame| {
        // The one copy of a frame: from GStreamer's buffer into the image the window draws
        // (straight when its rows are packed, else row by row into a new buffer).
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
        let delivered = frames_window.upgrade_in_event_loop(move |window| {
            window.global::<PlayerAdapter>().set_frame(Image::from_rgb8(buffer))
        });
        if delivered.is_err() {
            tracing::trace!("frame dropped: the window is gone");
        }
    });
    let audio = if std::env::var_os("GETANIME_SILENT").is_some() {
        AudioOutput::Silent
    } else {
        AudioOutput::Default
    };
    let player = Player::new(PlayerConfig { audio, ..PlayerConfig::default() }, Some(frames))?;
    player.load(session.media());
    tracing::info!(
        episode,
        start_ms = session.plan().start_ms,
        subtitles = session.plan().subtitles.len(),
        "playing"
    );
    draw_overlay(weak, session.overlay());
    offer_subtitles(weak, &session);
    let mut playing = true;
    loop {
        match inbox.try_recv() {
            Ok(PlaybackCommand::Stop) | Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                let now = chrono::Utc::now().timestamp_millis();
                runtime
                    .block_on(app.apply_watch_actions(session.episode(), session.on_stop(now)))?;
                player.stop();
                return Ok(Ended::Stopped);
            }
            Ok(PlaybackCommand::PlayPause) => {
                if playing {
                    player.pause()
                } else {
                    player.play()
                }
                playing = !playing;
            }
            Ok(PlaybackCommand::SeekBy(delta)) => player.seek_by(delta),
            Ok(PlaybackCommand::Skip) => {
                tracing::info!(position_ms = session.position().0, "skipping");
                player.skip();
            }
            Ok(PlaybackCommand::CycleQuality) => {
                if let Some(next) = session.next_quality() {
                    tracing::info!(quality = %next.as_str(), "switching quality");
                    player.select_quality(next);
                }
            }
            Ok(PlaybackCommand::CycleSubtitles) => {
                if let Some(track) = session.step_subtitle().map(Option::<&_>::cloned) {
                    show_subtitle(app, runtime, weak, &mut session, &player, track)?;
                }
            }
            Ok(PlaybackCommand::ChooseSubtitle(index)) => {
                if let Some(track) = session.choose_subtitle(index).map(Option::<&_>::cloned) {
                    show_subtitle(app, runtime, weak, &mut session, &player, track)?;
                }
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => {}
        }
        let event = match player.events().recv_timeout(Duration::from_millis(100)) {
            Ok(event) => event,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => return Ok(Ended::Stopped),
        };
        let step = session.on_event(&event, chrono::Utc::now().timestamp_millis());
        runtime.block_on(app.apply_watch_actions(session.episode(), step.actions))?;
        if step.redraw {
            draw_overlay(weak, session.overlay());
        }
        match step.state {
            SessionState::CountDownTo(next) => {
                player.stop();
                return Ok(if count_down_to_next(weak, next, inbox) {
                    Ended::Next(next)
                } else {
                    Ended::Stopped
                });
            }
            SessionState::Failed => {
                update(weak, |window| window.global::<PlayerAdapter>().invoke_failed())
            }
            SessionState::Playing | SessionState::Finished => {}
        }
    }
}

/// Copies the session's overlay into the window (from the playback thread).
/// Shows `track` (or none), chosen by the key or the picker: fetches its file, hands it to the
/// player, remembers the choice for the profile and redraws the overlay and the picker.
fn show_subtitle(
    app: &App,
    runtime: &tokio::runtime::Handle,
    weak: &Weak<AppWindow>,
    session: &mut PlaybackSession,
    player: &Player,
    track: Option<getanime_app::domain::SubtitleTrack>,
) -> Result<()> {
    let file = match &track {
        Some(track) => runtime.block_on(app.local_subtitle(&session.plan().plugin_id, track)),
        None => None,
    };
    tracing::info!(url = ?file, "switching subtitles");
    session.set_subtitle_file(file.clone());
    player.select_subtitle(file);
    runtime.block_on(app.remember_subtitle(track.as_ref()))?;
    draw_overlay(weak, session.overlay());
    offer_subtitles(weak, session);
    Ok(())
}

/// The subtitle picker's rows for the episode playing, and the navigator's count of them.
fn offer_subtitles(weak: &Weak<AppWindow>, session: &PlaybackSession) {
    let choices: Vec<SharedString> =
        session.subtitle_choices().into_iter().map(SharedString::from).collect();
    let tracks = session.plan().subtitles.len() as i32;
    let chosen = session.subtitle_index().map_or(-1, |index| index as i32);
    update(weak, move |window| {
        let view = window.global::<PlayerAdapter>();
        view.set_subtitle_choices(ModelRc::new(VecModel::from(choices)));
        view.invoke_subtitles_offered(tracks, chosen);
    });
}

pub(super) fn draw_overlay(weak: &Weak<AppWindow>, overlay: &PlayerOverlay) {
    let overlay = overlay.clone();
    update(weak, move |window| {
        let view = window.global::<PlayerAdapter>();
        view.set_title(overlay.heading.into());
        view.set_progress(overlay.progress);
        view.set_time(overlay.time.into());
        view.set_note(overlay.note.into());
        if view.get_overlay_pinned() && !overlay.pinned {
            view.set_overlay_pinned(false);
            view.invoke_released();
        } else {
            view.set_overlay_pinned(overlay.pinned);
        }
        if view.get_skip_prompt().as_str() != overlay.skip_prompt {
            let available = !overlay.skip_prompt.is_empty();
            view.set_skip_prompt(overlay.skip_prompt.into());
            view.invoke_skip_available(available);
        }
        if let Some(error) = overlay.error {
            view.set_error(error.into());
        }
    });
}
