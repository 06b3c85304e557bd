//! Watch tracking: where to resume, when to save the position, when an episode counts as
//! watched, what comes next. The rules are pure ([`WatchTracker`]) and take the time as an
//! argument, so tests drive them with a fake clock; [`App`] applies their decisions to storage.

use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use getanime_domain::{
    EpisodeEntry, EpisodeId, Quality, SkipRange, StatusChange, Stream, SubtitleTrack, TitleId,
    WatchState,
};

use getanime_plugins::Refusal;

use crate::language::tr;
use crate::{App, Setting, now_ms};

/// How often a playing position is saved (a crash loses at most this much).
pub const SAVE_EVERY: Duration = Duration::from_secs(5);
/// Past this share of the episode it counts as watched.
pub const WATCHED_AT: f64 = 0.90;
/// Within this share of the end, playback starts from the beginning instead of resuming.
pub const RESTART_AFTER: f64 = 0.95;

/// Everything needed to start an episode.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaybackPlan {
    pub title: TitleId,
    pub title_name: String,
    pub episode: EpisodeEntry,
    pub streams: Vec<Stream>,
    pub start_ms: u64,
    pub opening: Option<SkipRange>,
    pub ending: Option<SkipRange>,
    /// The number of the episode after this one, if any.
    pub next_episode: Option<f64>,
    pub preferred_quality: Quality,
    pub auto_skip: bool,
    /// Move on to the next episode by itself after a short countdown.
    pub auto_play_next: bool,
    /// The source the title comes from (whose network rule its subtitle files go through).
    pub plugin_id: String,
    /// The episode's subtitle files the source's network rule lets through.
    pub subtitles: Vec<SubtitleTrack>,
    /// The one shown at the start (the profile's remembered choice).
    pub subtitle: Option<usize>,
    /// The local copy of that one, fetched before playing.
    pub subtitle_file: Option<String>,
    /// Where the player reads the streams: the playback's part of the media gateway (`None`:
    /// straight from the source, for tests of the plan alone).
    pub route: Option<crate::MediaRoute>,
}

/// Where to start: the saved position, unless the episode was finished or nearly so.
pub fn resume_position(watch: Option<WatchState>) -> u64 {
    let Some(watch) = watch.filter(|watch| !watch.watched) else { return 0 };
    match watch.duration_ms {
        Some(duration)
            if duration > 0 && watch.position_ms as f64 >= duration as f64 * RESTART_AFTER =>
        {
            0
        }
        _ => watch.position_ms,
    }
}

/// What the tracker wants stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchAction {
    SavePosition { position_ms: u64, duration_ms: Option<u64> },
    MarkWatched,
}

/// Follows one episode's playback.
#[derive(Debug, Clone)]
pub struct WatchTracker {
    ending_start_ms: Option<u64>,
    last_saved_at: Option<i64>,
    last_saved_position: Option<u64>,
    marked_watched: bool,
}

impl WatchTracker {
    pub fn new(ending: Option<SkipRange>) -> WatchTracker {
        WatchTracker {
            ending_start_ms: ending.map(|range| u64::from(range.start_ms)),
            last_saved_at: None,
            last_saved_position: None,
            marked_watched: false,
        }
    }

    /// A position tick: saves every [`SAVE_EVERY`], marks watched once past 90 % or the ending.
    pub fn on_position(
        &mut self,
        position_ms: u64,
        duration_ms: Option<u64>,
        now_ms: i64,
    ) -> Vec<WatchAction> {
        let mut actions = Vec::new();
        let due = self.last_saved_at.is_none_or(|at| now_ms - at >= SAVE_EVERY.as_millis() as i64);
        if due && self.last_saved_position != Some(position_ms) {
            actions.push(self.save(position_ms, duration_ms, now_ms));
        }
        if !self.marked_watched && self.is_finished(position_ms, duration_ms) {
            self.marked_watched = true;
            actions.push(WatchAction::MarkWatched);
        }
        actions
    }

    /// Pause, stop or exit: save now.
    pub fn on_stop(
        &mut self,
        position_ms: u64,
        duration_ms: Option<u64>,
        now_ms: i64,
    ) -> Vec<WatchAction> {
        if self.marked_watched || self.last_saved_position == Some(position_ms) {
            return Vec::new();
        }
        vec![self.save(position_ms, duration_ms, now_ms)]
    }

    /// The end of the stream: watched.
    pub fn on_end(&mut self) -> Vec<WatchAction> {
        if self.marked_watched {
            return Vec::new();
        }
        self.marked_watched = true;
        vec![WatchAction::MarkWatched]
    }

    pub fn is_watched(&self) -> bool {
        self.marked_watched
    }

    fn save(&mut self, position_ms: u64, duration_ms: Option<u64>, now_ms: i64) -> WatchAction {
        self.last_saved_at = Some(now_ms);
        self.last_saved_position = Some(position_ms);
        WatchAction::SavePosition { position_ms, duration_ms }
    }

    fn is_finished(&self, position_ms: u64, duration_ms: Option<u64>) -> bool {
        let past_share = duration_ms.is_some_and(|duration| {
            duration > 0 && position_ms as f64 >= duration as f64 * WATCHED_AT
        });
        let in_ending = self.ending_start_ms.is_some_and(|start| start > 0 && position_ms >= start);
        past_share || in_ending
    }
}

/// What the player says when the source's streams may not be opened.
pub(crate) fn stream_refused_text(refusal: &Refusal) -> String {
    match refusal {
        Refusal::LocalAddress { host } => tr!(
            "the source points at a private address ({host}); grant it in Sources if you trust it",
            host = host
        ),
        Refusal::NotAllowed { host } | Refusal::Unresolved { host, .. } => tr!(
            "cannot reach {host}, where the episode is: {refusal}",
            host = host,
            refusal = refusal
        ),
        Refusal::Invalid { .. } | Refusal::Scheme { .. } => tr!(
            "the source gave a stream address the player may not open: {refusal}",
            refusal = refusal
        ),
    }
}

/// The quality the player's quality key moves to: the next one the episode has, best first,
/// wrapping around; `None` when there is no other.
pub fn next_quality(streams: &[Stream], current: Option<Quality>) -> Option<Quality> {
    let mut qualities: Vec<Quality> = streams.iter().map(|stream| stream.quality).collect();
    qualities.sort_by(|a, b| b.cmp(a));
    qualities.dedup();
    let at = current.and_then(|current| qualities.iter().position(|quality| *quality == current));
    let next = at.map_or(0, |at| (at + 1) % qualities.len());
    qualities.get(next).copied().filter(|quality| Some(*quality) != current)
}

impl App {
    /// What playing episode `number` of `title` needs: streams, resume point, skips, next episode.
    pub async fn plan_playback(&self, title: TitleId, number: f64) -> Result<PlaybackPlan> {
        let details = self.title(title).await?;
        let index = details
            .episodes
            .iter()
            .position(|entry| entry.episode.number == number)
            .with_context(|| format!("{} has no episode {number}", details.card.name))?;
        let entry = details.episodes[index].clone();
        let preferred_quality = self.preferred_quality().await?;
        let auto_skip = self.is_on(Setting::AutoSkip).await?;
        let auto_play_next = self.is_on(Setting::AutoPlayNext).await?;
        let plugin_id = details.card.plugin_id.as_str();
        let (streams, refused) = self
            .permitted(plugin_id, &entry.episode.streams, |stream| &stream.url, "stream")
            .await?;
        // Every stream refused: the error names the host and what the user can do.
        if let Some(refusal) = refused.filter(|_| streams.is_empty()) {
            return Err(anyhow!(stream_refused_text(&refusal)));
        }
        // A refused subtitle file is left out; the episode still plays.
        let (subtitles, _) = self
            .permitted(plugin_id, &entry.episode.subtitles, |track| &track.url, "subtitle")
            .await?;
        let subtitle = crate::pick_subtitle(&subtitles, &self.subtitle_choice().await?);
        let subtitle_file = match subtitle.and_then(|index| subtitles.get(index)) {
            Some(track) => self.local_subtitle(&details.card.plugin_id, track).await,
            None => None,
        };
        let route = Some(self.media_route(plugin_id).await?);
        Ok(PlaybackPlan {
            route,
            title,
            title_name: details.card.name.clone(),
            streams,
            start_ms: resume_position(entry.watch),
            opening: entry.episode.opening,
            ending: entry.episode.ending,
            next_episode: details.episodes.get(index + 1).map(|next| next.episode.number),
            episode: entry,
            preferred_quality,
            auto_skip,
            auto_play_next,
            plugin_id: details.card.plugin_id.clone(),
            subtitles,
            subtitle,
            subtitle_file,
        })
    }

    /// The items whose URL (`url_of`) the source's network rule lets through, each refused one
    /// logged as a refused `what`, and the first refusal. The streams and the subtitle files are
    /// checked before GStreamer sees them, so quality fallback never tries a refused one.
    async fn permitted<T: Clone>(
        &self,
        plugin_id: &str,
        items: &[T],
        url_of: fn(&T) -> &str,
        what: &str,
    ) -> Result<(Vec<T>, Option<Refusal>)> {
        if items.is_empty() {
            return Ok((Vec::new(), None));
        }
        let policy = self.returned_url_policy(plugin_id).await?;
        let urls: Vec<&str> = items.iter().map(url_of).collect();
        let checked = policy.check_all_resolved(&urls).await;
        let (mut permitted, mut refused) = (Vec::new(), None);
        for (item, verdict) in items.iter().zip(checked) {
            match verdict {
                Ok(_) => permitted.push(item.clone()),
                Err(refusal) => {
                    tracing::warn!(plugin_id, url = url_of(item), "{what} refused: {refusal}");
                    refused.get_or_insert(refusal);
                }
            }
        }
        Ok((permitted, refused))
    }

    /// Stores what a [`WatchTracker`] decided, and moves the title between lists as trackers
    /// do: playing puts it in Watching (unless it is in a list), watching the last episode of a
    /// finished title puts it in Completed. Returns those moves; the app also remembers them
    /// for [`App::undo_automatic_change`].
    pub async fn apply_watch_actions(
        &self,
        episode: EpisodeId,
        actions: Vec<WatchAction>,
    ) -> Result<Vec<StatusChange>> {
        if actions.is_empty() {
            return Ok(Vec::new());
        }
        let now = now_ms();
        let profile = self.profile();
        let after = if actions.contains(&WatchAction::MarkWatched) {
            crate::accounts::AFTER_WATCHED
        } else {
            crate::accounts::AFTER_POSITION
        };
        let changes = self
            .db(move |db| {
                let mut changes = Vec::new();
                for action in actions {
                    let change = match action {
                        WatchAction::SavePosition { position_ms, duration_ms } => {
                            db.record_position(profile, episode, position_ms, duration_ms, now)?;
                            db.note_playing(profile, episode, now)?
                        }
                        WatchAction::MarkWatched => {
                            db.set_watched(profile, episode, true, now)?;
                            db.note_episode_watched(profile, episode, now)?
                        }
                    };
                    changes.extend(change);
                }
                Ok(changes)
            })
            .await?;
        for change in &changes {
            self.remember_automatic_change(*change);
        }
        self.account_changed(after);
        Ok(changes)
    }

    /// The episode to offer after `title`'s current progress.
    pub async fn next_unwatched(&self, title: TitleId) -> Result<Option<EpisodeEntry>> {
        let profile = self.profile();
        self.db(move |db| db.next_unwatched(profile, title)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: u64 = 60_000;

    #[test]
    fn the_quality_key_cycles_through_what_the_episode_has() {
        let streams: Vec<Stream> = [Quality::Sd, Quality::Fhd, Quality::Sd]
            .into_iter()
            .map(|quality| Stream { quality, url: String::new() })
            .collect();
        assert_eq!(next_quality(&streams, None), Some(Quality::Fhd), "best first");
        assert_eq!(next_quality(&streams, Some(Quality::Fhd)), Some(Quality::Sd));
        assert_eq!(next_quality(&streams, Some(Quality::Sd)), Some(Quality::Fhd), "wraps");
        assert_eq!(next_quality(&streams[..1], Some(Quality::Sd)), None, "nothing else to pick");
        assert_eq!(next_quality(&[], None), None);
    }

    #[test]
    fn resume_unless_finished_or_nearly() {
        let watch = |position_ms, duration_ms, watched| {
            Some(WatchState { position_ms, duration_ms, watched, updated_at: 0 })
        };
        assert_eq!(resume_position(None), 0);
        assert_eq!(resume_position(watch(5 * MINUTE, Some(24 * MINUTE), false)), 5 * MINUTE);
        assert_eq!(resume_position(watch(5 * MINUTE, None, false)), 5 * MINUTE);
        assert_eq!(
            resume_position(watch(23 * MINUTE, Some(24 * MINUTE), false)),
            0,
            "within the last 5 %"
        );
        assert_eq!(resume_position(watch(0, Some(24 * MINUTE), true)), 0);
    }

    #[test]
    fn positions_are_saved_every_few_seconds_and_on_stop() {
        let mut tracker = WatchTracker::new(None);
        let duration = Some(24 * MINUTE);
        let save = |position_ms| WatchAction::SavePosition { position_ms, duration_ms: duration };
        assert_eq!(tracker.on_position(1_000, duration, 0), [save(1_000)]);
        assert_eq!(tracker.on_position(1_250, duration, 250), [], "not yet");
        assert_eq!(tracker.on_position(5_900, duration, 4_900), []);
        assert_eq!(tracker.on_position(6_000, duration, 5_000), [save(6_000)]);
        assert_eq!(tracker.on_stop(7_500, duration, 6_500), [save(7_500)]);
        assert_eq!(tracker.on_stop(7_500, duration, 6_600), [], "nothing new to save");
    }

    #[test]
    fn watched_at_ninety_percent_or_at_the_ending() {
        let duration = Some(100_000);
        let mut tracker = WatchTracker::new(None);
        assert!(!tracker.on_position(89_000, duration, 0).contains(&WatchAction::MarkWatched));
        assert!(tracker.on_position(90_000, duration, 10_000).contains(&WatchAction::MarkWatched));
        assert!(
            !tracker.on_position(95_000, duration, 20_000).contains(&WatchAction::MarkWatched),
            "only once"
        );
        assert!(tracker.is_watched());
        assert_eq!(
            tracker.on_stop(96_000, duration, 21_000),
            [],
            "a watched episode keeps no resume point"
        );

        let mut with_ending =
            WatchTracker::new(Some(SkipRange { start_ms: 80_000, end_ms: 95_000 }));
        assert!(with_ending.on_position(80_000, duration, 0).contains(&WatchAction::MarkWatched));
        let mut ended = WatchTracker::new(None);
        assert_eq!(ended.on_end(), [WatchAction::MarkWatched]);
        assert_eq!(ended.on_end(), []);
    }
}
