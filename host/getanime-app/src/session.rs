//! One episode's playback, as rules: player events and a clock in; what to store, what the
//! overlay shows and whether the episode is over out. The TV screen, `getanime play` and the
//! e2e test all drive a real player with it, so playback is orchestrated once and tested
//! without a window or a player.

use getanime_domain::playback::{Media, PlaybackFailure, PlayerEvent, PlayerState, SkipKind};
use getanime_domain::{EpisodeId, Quality, Stream};

use crate::language::tr;
use crate::playback::{PlaybackPlan, WatchAction, WatchTracker, next_quality};

/// What the player's overlay shows, in the user's words.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlayerOverlay {
    /// "Title — episode 3".
    pub heading: String,
    /// "1:05 / 23:40".
    pub time: String,
    /// 0.0–1.0 of the episode.
    pub progress: f32,
    /// Quality, buffering, paused, finished.
    pub note: String,
    /// "Skip opening ▶" while the position is in one; empty otherwise.
    pub skip_prompt: String,
    /// Set when playback failed: what happened and what the keys do now.
    pub error: Option<String>,
    /// The overlay stays on screen without input: paused, finished or failed.
    pub pinned: bool,
    /// What plays, for the phone remote: the title's name, the episode, where it is, paused.
    pub title: String,
    pub episode: f64,
    pub position_ms: u64,
    pub duration_ms: Option<u64>,
    pub paused: bool,
    /// The quality playing (`hd`), once the player said.
    pub quality: Option<Quality>,
    /// The language of the subtitles shown, if any.
    pub subtitles: Option<String>,
    pub volume: Volume,
}

/// How loud the player plays, as the viewer set it: a level in percent on a cubic scale (as
/// GStreamer's `StreamVolumeFormat::Cubic` and most players, so every step sounds alike), and
/// mute. It outlives an episode: the next one plays as loud.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Volume {
    /// 0–100.
    pub level: u8,
    pub muted: bool,
}

impl Default for Volume {
    fn default() -> Volume {
        Volume { level: 100, muted: false }
    }
}

/// One press of a volume button (or a phone's slider).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VolumeChange {
    /// One step louder (and sound on).
    Up,
    /// One step quieter.
    Down,
    /// This level, 0–100 (and sound on).
    To(u8),
    /// Mute (`true`), sound on (`false`), or the other of the two (`None`).
    Mute(Option<bool>),
}

impl Volume {
    /// How much a volume button changes the level.
    pub const STEP: u8 = 10;

    pub fn changed(self, change: VolumeChange) -> Volume {
        match change {
            VolumeChange::Up => {
                Volume { level: self.level.saturating_add(Volume::STEP).min(100), muted: false }
            }
            VolumeChange::Down => {
                Volume { level: self.level.saturating_sub(Volume::STEP), muted: self.muted }
            }
            VolumeChange::To(level) => Volume { level: level.min(100), muted: false },
            VolumeChange::Mute(muted) => {
                Volume { muted: muted.unwrap_or(!self.muted), level: self.level }
            }
        }
    }

    /// The factor a player multiplies samples by (GStreamer's linear volume): the level cubed.
    pub fn linear(self) -> f64 {
        (f64::from(self.level) / 100.0).powi(3)
    }

    /// What the overlay says after a change: "volume 60%", "sound off".
    pub fn text(self) -> String {
        if self.muted {
            tr!("sound off").to_owned()
        } else {
            tr!("volume {level}%", level = self.level)
        }
    }
}

/// How an event left the session.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SessionState {
    /// Still playing (or paused, or buffering).
    Playing,
    /// The episode ended and the next one should start after the countdown.
    CountDownTo(f64),
    /// The episode ended; nothing plays next by itself.
    Finished,
    /// The player reported an error (the overlay says it).
    Failed,
}

/// What one event asks of the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionStep {
    /// Store these (through [`crate::App::apply_watch_actions`]).
    pub actions: Vec<WatchAction>,
    pub state: SessionState,
    /// The overlay changed (redraw it).
    pub redraw: bool,
}

/// One episode being played.
#[derive(Debug, Clone)]
pub struct PlaybackSession {
    plan: PlaybackPlan,
    tracker: WatchTracker,
    position_ms: u64,
    duration_ms: Option<u64>,
    quality: Option<Quality>,
    quality_note: String,
    /// The subtitle track shown (an index into the plan's), and its local file once fetched.
    subtitle: Option<usize>,
    subtitle_file: Option<String>,
    overlay: PlayerOverlay,
    /// Why playback stopped, in the viewer's words, once it failed.
    failure: Option<String>,
}

impl PlaybackSession {
    pub fn new(plan: PlaybackPlan) -> PlaybackSession {
        let overlay = PlayerOverlay {
            heading: tr!(
                "{title} — episode {number}",
                title = plan.title_name,
                number = plan.episode.episode.number
            ),
            title: plan.title_name.clone(),
            episode: plan.episode.episode.number,
            position_ms: plan.start_ms,
            ..PlayerOverlay::default()
        };
        PlaybackSession {
            tracker: WatchTracker::new(plan.ending),
            position_ms: plan.start_ms,
            duration_ms: None,
            quality: None,
            quality_note: String::new(),
            subtitle: plan.subtitle,
            subtitle_file: plan.subtitle_file.clone(),
            overlay: PlayerOverlay {
                subtitles: plan
                    .subtitle
                    .and_then(|index| plan.subtitles.get(index))
                    .and_then(|track| track.language.clone()),
                ..overlay
            },
            failure: None,
            plan,
        }
    }

    /// Why playback stopped, in the viewer's words, once the player reported an error.
    pub fn failure(&self) -> Option<&str> {
        self.failure.as_deref()
    }

    pub fn plan(&self) -> &PlaybackPlan {
        &self.plan
    }

    /// The episode whose watch state this session writes.
    pub fn episode(&self) -> EpisodeId {
        self.plan.episode.id
    }

    /// What to load into the player.
    pub fn media(&self) -> Media {
        // Through the playback's part of the media gateway, when it has one.
        let streams = match &self.plan.route {
            Some(route) => (self.plan.streams.iter())
                .map(|stream| Stream { url: route.local_url(&stream.url), ..stream.clone() })
                .collect(),
            None => self.plan.streams.clone(),
        };
        Media {
            streams,
            preferred: self.plan.preferred_quality,
            start_ms: self.plan.start_ms,
            opening: self.plan.opening,
            ending: self.plan.ending,
            auto_skip: self.plan.auto_skip,
            subtitle: self.subtitle_file.clone(),
        }
    }

    /// The subtitle track shown, if any.
    pub fn subtitle_track(&self) -> Option<&getanime_domain::SubtitleTrack> {
        self.subtitle.and_then(|index| self.plan.subtitles.get(index))
    }

    /// The subtitle key: steps to the next track (or off) and says so in the overlay; the new
    /// track's file is the caller's to fetch ([`PlaybackSession::set_subtitle_file`]). `None`
    /// when the episode has no subtitles.
    pub fn step_subtitle(&mut self) -> Option<Option<&getanime_domain::SubtitleTrack>> {
        if self.plan.subtitles.is_empty() {
            return None;
        }
        self.subtitle = crate::next_subtitle(&self.plan.subtitles, self.subtitle);
        self.subtitle_file = None;
        self.overlay.subtitles = self.subtitle_language();
        self.overlay.note = self.resting_note();
        Some(self.subtitle_track())
    }

    /// The subtitle picker's choice: track `index` of the plan's, or none; the new track's file
    /// is the caller's to fetch. `None` when the episode has no subtitles or no such track.
    pub fn choose_subtitle(
        &mut self,
        index: Option<usize>,
    ) -> Option<Option<&getanime_domain::SubtitleTrack>> {
        if self.plan.subtitles.is_empty()
            || index.is_some_and(|index| index >= self.plan.subtitles.len())
        {
            return None;
        }
        self.subtitle = index;
        self.subtitle_file = None;
        self.overlay.subtitles = self.subtitle_language();
        self.overlay.note = self.resting_note();
        Some(self.subtitle_track())
    }

    /// Plays as loud as the episode before (silently: nothing changed for the viewer).
    pub fn set_volume(&mut self, volume: Volume) {
        self.overlay.volume = volume;
    }

    /// A volume button: the new volume, which the overlay says.
    pub fn change_volume(&mut self, change: VolumeChange) -> Volume {
        let volume = self.overlay.volume.changed(change);
        self.overlay.volume = volume;
        self.overlay.note = volume.text();
        volume
    }

    /// The picker's rows for this episode: "off", then each track, the one shown marked.
    pub fn subtitle_choices(&self) -> Vec<String> {
        crate::views::player::subtitle_choices(&self.plan.subtitles, self.subtitle)
    }

    fn subtitle_language(&self) -> Option<String> {
        self.subtitle_track().and_then(|track| track.language.clone())
    }

    /// The track shown, as an index into the plan's.
    pub fn subtitle_index(&self) -> Option<usize> {
        self.subtitle
    }

    /// The local file of the track stepped to (`None`: it could not be fetched).
    pub fn set_subtitle_file(&mut self, file: Option<String>) {
        self.subtitle_file = file;
    }

    /// The note while nothing else is to say: the quality, the voice-over when the source names
    /// it, the subtitles when the episode has some, and "sound off" while muted.
    fn resting_note(&self) -> String {
        let audio = &self.plan.episode.episode.audio;
        let parts = [
            (!self.quality_note.is_empty()).then(|| self.quality_note.clone()),
            (!audio.is_empty()).then(|| crate::views::player::audio_label(audio)),
            (!self.plan.subtitles.is_empty()).then(|| crate::subtitle_label(self.subtitle_track())),
            self.overlay.volume.muted.then(|| tr!("sound off").to_owned()),
        ];
        parts.into_iter().flatten().collect::<Vec<_>>().join(" · ")
    }

    pub fn overlay(&self) -> &PlayerOverlay {
        &self.overlay
    }

    /// The last position the player reported, and the duration.
    pub fn position(&self) -> (u64, Option<u64>) {
        (self.position_ms, self.duration_ms)
    }

    /// The quality the quality key switches to, if the episode has another.
    pub fn next_quality(&self) -> Option<Quality> {
        next_quality(&self.plan.streams, self.quality)
    }

    /// The user leaves (Back, Home, quitting): save where they are.
    pub fn on_stop(&mut self, now_ms: i64) -> Vec<WatchAction> {
        self.tracker.on_stop(self.position_ms, self.duration_ms, now_ms)
    }

    /// One player event at `now_ms`.
    pub fn on_event(&mut self, event: &PlayerEvent, now_ms: i64) -> SessionStep {
        let mut step =
            SessionStep { actions: Vec::new(), state: SessionState::Playing, redraw: true };
        match event {
            PlayerEvent::Position { position_ms, duration_ms } => {
                (self.position_ms, self.duration_ms) = (*position_ms, *duration_ms);
                (self.overlay.position_ms, self.overlay.duration_ms) = (*position_ms, *duration_ms);
                step.actions = self.tracker.on_position(*position_ms, *duration_ms, now_ms);
                self.overlay.progress =
                    duration_ms.filter(|duration| *duration > 0).map_or(0.0, |duration| {
                        (*position_ms as f32 / duration as f32).clamp(0.0, 1.0)
                    });
                self.overlay.time = format!(
                    "{} / {}",
                    clock(*position_ms),
                    duration_ms.map(clock).unwrap_or_else(|| "…".into())
                );
            }
            PlayerEvent::SkipAvailable(kind) => {
                self.overlay.skip_prompt = match kind {
                    Some(SkipKind::Opening) => tr!("Skip opening ▶"),
                    Some(SkipKind::Ending) => tr!("Skip ending ▶"),
                    None => "",
                }
                .to_owned();
            }
            PlayerEvent::QualityChanged { quality, fallback_from } => {
                self.quality = Some(*quality);
                self.overlay.quality = Some(*quality);
                self.quality_note = match fallback_from {
                    Some(wanted) => {
                        tr!(
                            "{quality} (no {wanted})",
                            quality = quality.as_str(),
                            wanted = wanted.as_str()
                        )
                    }
                    None => quality.as_str().to_owned(),
                };
                self.overlay.note = self.resting_note();
            }
            PlayerEvent::Buffering(percent) if *percent < 100 => {
                self.overlay.note = tr!("buffering {percent}%", percent = percent);
            }
            // Buffered: the note goes back to the quality (it would stay at "buffering 99%").
            PlayerEvent::Buffering(_) => self.overlay.note = self.resting_note(),
            PlayerEvent::StateChanged(PlayerState::Paused) => {
                self.overlay.note = tr!("paused").into();
                self.overlay.pinned = true;
                self.overlay.paused = true;
            }
            PlayerEvent::StateChanged(PlayerState::Playing) => {
                self.overlay.note = self.resting_note();
                self.overlay.pinned = false;
                self.overlay.paused = false;
            }
            PlayerEvent::EndOfStream => {
                step.actions = self.tracker.on_end();
                self.overlay.pinned = true;
                match self.plan.next_episode {
                    Some(next) if self.plan.auto_play_next => {
                        step.state = SessionState::CountDownTo(next);
                    }
                    Some(next) => {
                        self.overlay.note = tr!("finished — next: episode {next}", next = next);
                        step.state = SessionState::Finished;
                    }
                    None => {
                        self.overlay.note = tr!("finished — that was the last episode").into();
                        step.state = SessionState::Finished;
                    }
                }
            }
            PlayerEvent::Error { message, failure, .. } => {
                step.actions = self.on_stop(now_ms);
                let what = self.failure_text(*failure, message);
                self.overlay.error =
                    Some(tr!("{what}\nEnter tries again, Back leaves.", what = what.as_str()));
                self.failure = Some(what);
                self.overlay.pinned = true;
                step.state = SessionState::Failed;
            }
            _ => step.redraw = false,
        }
        step
    }
}

impl PlaybackSession {
    /// What stopped playback, in the viewer's words, naming the video server when it was the
    /// server; GStreamer's own words only when nothing better is known.
    fn failure_text(&self, failure: PlaybackFailure, message: &str) -> String {
        // A hop the source's network rule refused says best why nothing plays.
        if let Some(refusal) = self.plan.route.as_ref().and_then(crate::MediaRoute::refusal) {
            return refusal;
        }
        let stream = self
            .plan
            .streams
            .iter()
            .find(|stream| Some(stream.quality) == self.quality)
            .or_else(|| self.plan.streams.first());
        let host = stream
            .and_then(|stream| getanime_plugins::url_host(&stream.url))
            .unwrap_or_else(|| tr!("the video server").to_owned());
        match failure {
            PlaybackFailure::Unreachable => tr!(
                "The video server ({host}) does not answer; try another quality (q) or later.",
                host = host
            ),
            PlaybackFailure::Missing => tr!(
                "The video server ({host}) no longer has this episode; try another quality (q) \
                 or later.",
                host = host
            ),
            PlaybackFailure::Stalled => tr!(
                "The video stopped arriving from {host}; try again, or another quality (q).",
                host = host
            ),
            PlaybackFailure::Undecodable => {
                tr!("This video's format cannot be played on this system; try another quality (q).")
                    .to_owned()
            }
            PlaybackFailure::NoStream => {
                tr!("None of this episode's streams could be played.").to_owned()
            }
            PlaybackFailure::Other => tr!("Playback failed: {message}", message = message),
        }
    }
}

/// The next-episode countdown line.
pub fn countdown_text(next: f64, remaining_seconds: u32) -> String {
    tr!(
        "Episode {next} in {seconds} s — Enter plays now, Back stops",
        next = next,
        seconds = remaining_seconds
    )
}

/// A position for people: `4:05`, `1:02:03`.
pub fn clock(milliseconds: u64) -> String {
    let seconds = milliseconds / 1000;
    let (hours, minutes, seconds) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if hours > 0 {
        format!("{hours}:{minutes:02}:{seconds:02}")
    } else {
        format!("{minutes}:{seconds:02}")
    }
}

#[cfg(test)]
mod tests {
    use getanime_domain::{Episode, EpisodeEntry, SkipRange, Stream, TitleId};

    use super::*;

    fn plan(next: Option<f64>, auto_play_next: bool) -> PlaybackPlan {
        let streams = [Quality::Hd, Quality::Sd]
            .into_iter()
            .map(|quality| Stream { quality, url: format!("http://cdn.example/{quality:?}.m3u8") })
            .collect::<Vec<_>>();
        PlaybackPlan {
            title: TitleId(7),
            title_name: "Ледяной алхимик".into(),
            episode: EpisodeEntry {
                id: EpisodeId(70),
                episode: Episode { number: 2.0, streams: streams.clone(), ..Episode::default() },
                watch: None,
            },
            streams,
            start_ms: 30_000,
            opening: Some(SkipRange { start_ms: 1_000, end_ms: 5_000 }),
            ending: None,
            next_episode: next,
            preferred_quality: Quality::Fhd,
            auto_skip: false,
            auto_play_next,
            plugin_id: "anilibria".into(),
            subtitles: Vec::new(),
            subtitle: None,
            subtitle_file: None,
            route: None,
        }
    }

    /// Volume buttons step by 10 within 0–100, a step up or a level unmutes, the overlay says
    /// the new volume and a muted episode says so while it rests; the next episode keeps it.
    #[test]
    fn volume_buttons_step_mute_and_carry_over() {
        let mut session = PlaybackSession::new(plan(None, false));
        assert_eq!(session.overlay().volume, Volume { level: 100, muted: false });
        assert_eq!(session.change_volume(VolumeChange::Up).level, 100, "no louder than 100");
        for _ in 0..4 {
            session.change_volume(VolumeChange::Down);
        }
        assert_eq!(session.overlay().note, "volume 60%");
        assert!((session.overlay().volume.linear() - 0.216).abs() < 1e-9, "cubic: 0.6³");
        let muted = session.change_volume(VolumeChange::Mute(None));
        assert_eq!(
            (muted.level, muted.muted, session.overlay().note.as_str()),
            (60, true, "sound off")
        );
        session.on_event(&PlayerEvent::StateChanged(PlayerState::Playing), 0);
        assert!(session.overlay().note.ends_with("sound off"), "{}", session.overlay().note);
        assert!(session.change_volume(VolumeChange::Mute(Some(true))).muted, "mute stays muted");
        assert_eq!(session.change_volume(VolumeChange::Up), Volume { level: 70, muted: false });
        assert_eq!(session.change_volume(VolumeChange::To(250)).level, 100);
        for _ in 0..12 {
            session.change_volume(VolumeChange::Down);
        }
        assert_eq!(session.overlay().volume.level, 0, "no quieter than 0");
        let mut next = PlaybackSession::new(plan(None, false));
        next.set_volume(session.overlay().volume);
        assert_eq!(next.overlay().volume.level, 0);
        assert_eq!(next.overlay().note, "", "carrying the volume over says nothing");
        crate::language::scoped(crate::language::Language::Russian, || {
            assert_eq!(Volume { level: 40, muted: false }.text(), "громкость 40 %");
            assert_eq!(Volume { level: 40, muted: true }.text(), "звук выключен");
        });
    }

    /// The subtitle key steps through the episode's tracks, the media carries the one shown,
    /// and the overlay names it.
    #[test]
    fn the_subtitle_key_steps_through_the_tracks() {
        use getanime_domain::{SubtitleFormat, SubtitleTrack};
        let track = |language: &str| SubtitleTrack {
            url: format!("https://subs.example/{language}.vtt"),
            language: Some(language.into()),
            label: None,
            format: SubtitleFormat::WebVtt,
        };
        let mut without = PlaybackSession::new(plan(None, false));
        assert!(without.step_subtitle().is_none(), "no subtitles: the key does nothing");
        let plan = PlaybackPlan {
            subtitles: vec![track("ru"), track("en")],
            subtitle: Some(0),
            subtitle_file: Some("file:///cache/ru.vtt".into()),
            ..plan(None, false)
        };
        let mut session = PlaybackSession::new(plan);
        assert_eq!(session.media().subtitle.as_deref(), Some("file:///cache/ru.vtt"));
        let stepped = session.step_subtitle().flatten().map(|track| track.url.clone());
        assert_eq!(stepped.as_deref(), Some("https://subs.example/en.vtt"));
        assert_eq!(session.media().subtitle, None, "the Russian file is not the English one");
        session.set_subtitle_file(Some("file:///cache/en.vtt".into()));
        assert_eq!(session.media().subtitle.as_deref(), Some("file:///cache/en.vtt"));
        assert_eq!(session.overlay().note, "subtitles: en");
        assert_eq!(session.step_subtitle().map(|track| track.is_none()), Some(true), "then off");
        assert_eq!(session.overlay().note, "subtitles off");
        assert_eq!(session.media().subtitle, None);
        assert_eq!(session.subtitle_choices(), ["✓ off", "ru", "en"]);

        // The picker: straight to a track, or off; no such track changes nothing.
        let chosen = session.choose_subtitle(Some(1)).flatten().map(|track| track.url.clone());
        assert_eq!(chosen.as_deref(), Some("https://subs.example/en.vtt"));
        assert_eq!(
            (session.subtitle_index(), session.overlay().note.as_str()),
            (Some(1), "subtitles: en")
        );
        assert_eq!(session.subtitle_choices(), ["off", "ru", "✓ en"]);
        assert!(session.choose_subtitle(Some(2)).is_none());
        assert_eq!(session.subtitle_index(), Some(1));
        assert_eq!(session.choose_subtitle(None).map(|track| track.is_none()), Some(true));
        assert!(without.choose_subtitle(None).is_none(), "no subtitles: no picker");
    }

    /// The source's voice-over labels join the resting note, between quality and subtitles.
    #[test]
    fn the_overlay_names_the_voice_over() {
        let mut plan = plan(None, false);
        plan.episode.episode.audio = vec!["AniLibria".into(), "Japanese".into()];
        let mut session = PlaybackSession::new(plan);
        let quality = PlayerEvent::QualityChanged { quality: Quality::Hd, fallback_from: None };
        session.on_event(&quality, 0);
        assert_eq!(session.overlay().note, "hd · voice: AniLibria, Japanese");
    }

    fn at(position_ms: u64) -> PlayerEvent {
        PlayerEvent::Position { position_ms, duration_ms: Some(100_000) }
    }

    #[test]
    fn the_overlay_follows_the_player() {
        let mut session = PlaybackSession::new(plan(Some(3.0), false));
        assert_eq!(session.overlay().heading, "Ледяной алхимик — episode 2");
        assert_eq!(session.media().start_ms, 30_000);

        let fallback =
            PlayerEvent::QualityChanged { quality: Quality::Hd, fallback_from: Some(Quality::Fhd) };
        session.on_event(&fallback, 0);
        assert_eq!(session.overlay().note, "hd (no fhd)");
        assert_eq!(session.next_quality(), Some(Quality::Sd));
        session.on_event(&PlayerEvent::StateChanged(PlayerState::Paused), 0);
        assert_eq!(session.overlay().note, "paused");
        assert!(session.overlay().pinned, "a paused picture keeps its overlay");
        session.on_event(&PlayerEvent::StateChanged(PlayerState::Playing), 0);
        assert_eq!(session.overlay().note, "hd (no fhd)");
        assert!(!session.overlay().pinned, "playing again lets the overlay hide");
        session.on_event(&PlayerEvent::Buffering(40), 0);
        assert_eq!(session.overlay().note, "buffering 40%");
        session.on_event(&PlayerEvent::Buffering(100), 0);
        assert_eq!(session.overlay().note, "hd (no fhd)", "buffered, the quality shows again");

        let step = session.on_event(&at(65_000), 1_000);
        assert_eq!(
            step.actions,
            [WatchAction::SavePosition { position_ms: 65_000, duration_ms: Some(100_000) }]
        );
        assert_eq!(
            (session.overlay().time.as_str(), session.overlay().progress),
            ("1:05 / 1:40", 0.65)
        );
        session.on_event(&PlayerEvent::SkipAvailable(Some(SkipKind::Opening)), 1_000);
        assert_eq!(session.overlay().skip_prompt, "Skip opening ▶");
        session.on_event(&PlayerEvent::SkipAvailable(None), 1_000);
        assert_eq!(session.overlay().skip_prompt, "");
        assert!(!session.on_event(&PlayerEvent::Skipped(None), 0).redraw);
    }

    #[test]
    fn the_end_counts_down_to_the_next_episode_or_says_what_is_next() {
        let mut auto = PlaybackSession::new(plan(Some(3.0), true));
        let step = auto.on_event(&PlayerEvent::EndOfStream, 0);
        assert_eq!(
            (step.state, step.actions),
            (SessionState::CountDownTo(3.0), vec![WatchAction::MarkWatched])
        );
        assert_eq!(countdown_text(3.0, 5), "Episode 3 in 5 s — Enter plays now, Back stops");

        let mut manual = PlaybackSession::new(plan(Some(3.5), false));
        assert_eq!(manual.on_event(&PlayerEvent::EndOfStream, 0).state, SessionState::Finished);
        assert_eq!(manual.overlay().note, "finished — next: episode 3.5");

        let mut last = PlaybackSession::new(plan(None, true));
        assert_eq!(last.on_event(&PlayerEvent::EndOfStream, 0).state, SessionState::Finished);
        assert_eq!(last.overlay().note, "finished — that was the last episode");
        assert!(last.overlay().pinned, "the end of the episode keeps its overlay");
    }

    #[test]
    fn a_server_that_does_not_answer_is_named_in_the_viewers_language() {
        let down = |failure| PlayerEvent::Error {
            element: "/GstPlayBin:playbin0/GstURIDecodeBin:uridecodebin0/GstSoupHTTPSrc:source"
                .into(),
            message: "Internal data stream error. (streaming stopped, reason error (-5))".into(),
            failure,
        };
        let said = |language, failure| {
            crate::language::scoped(language, || {
                let mut session = PlaybackSession::new(plan(None, false));
                session.on_event(
                    &PlayerEvent::QualityChanged { quality: Quality::Sd, fallback_from: None },
                    0,
                );
                session.on_event(&down(failure), 1_000);
                session.overlay().error.clone().unwrap_or_default()
            })
        };
        use crate::language::Language::{English, Russian};
        assert_eq!(
            said(English, PlaybackFailure::Unreachable),
            "The video server (cdn.example) does not answer; try another quality (q) or later.\n\
             Enter tries again, Back leaves."
        );
        assert_eq!(
            said(Russian, PlaybackFailure::Unreachable),
            "Видеосервер (cdn.example) не отвечает; попробуйте другое качество (q) или позже.\n\
             Enter — попробовать снова, «Назад» — выйти."
        );
        assert!(
            said(Russian, PlaybackFailure::Missing).starts_with("На видеосервере (cdn.example) ")
        );
        assert!(!said(English, PlaybackFailure::Stalled).contains("Internal data stream error"));
    }

    #[test]
    fn an_error_saves_the_position_and_says_what_the_keys_do() {
        let mut session = PlaybackSession::new(plan(None, false));
        session.on_event(&at(42_000), 0);
        assert_eq!(session.on_event(&at(43_000), 1_000).actions, [], "saved 1 s ago");
        let error = PlayerEvent::Error {
            element: "souphttpsrc".into(),
            message: "404".into(),
            failure: PlaybackFailure::Other,
        };
        let step = session.on_event(&error, 2_000);
        assert_eq!(step.state, SessionState::Failed);
        assert_eq!(
            step.actions,
            [WatchAction::SavePosition { position_ms: 43_000, duration_ms: Some(100_000) }],
            "the last position is kept"
        );
        assert_eq!(
            session.overlay().error.as_deref(),
            Some("Playback failed: 404\nEnter tries again, Back leaves.")
        );
        assert_eq!(session.on_stop(3_000), [], "nothing new to save");
        assert_eq!(clock(3_723_000), "1:02:03");
    }
}
