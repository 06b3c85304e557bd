//! Player view: what shows before the session's overlay ([`crate::PlayerOverlay`]) has news,
//! and the subtitle picker's rows.

use getanime_domain::SubtitleTrack;

use crate::language::tr;

/// The heading while the stream opens.
pub fn loading() -> &'static str {
    tr!("Loading…")
}

/// The voice-over labels a source gives an episode: `voice: AniLibria, Japanese`.
pub fn audio_label(labels: &[String]) -> String {
    tr!("voice: {audio}", audio = labels.join(", "))
}

/// The subtitle picker's rows: "off", then each track by its label (or language), the one
/// shown (`chosen`, an index into `tracks`) marked with a check.
pub fn subtitle_choices(tracks: &[SubtitleTrack], chosen: Option<usize>) -> Vec<String> {
    let off = std::iter::once(tr!("off").to_owned());
    let named = tracks.iter().map(|track| match (&track.label, &track.language) {
        (Some(label), Some(language)) => format!("{label} ({language})"),
        (Some(label), None) => label.clone(),
        (None, Some(language)) => language.clone(),
        (None, None) => "?".to_owned(),
    });
    let chosen_row = chosen.map_or(0, |index| index + 1);
    off.chain(named)
        .enumerate()
        .map(|(row, name)| if row == chosen_row { format!("✓ {name}") } else { name })
        .collect()
}
