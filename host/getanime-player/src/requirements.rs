//! What playback needs from the GStreamer registry, and which Debian package brings each
//! element (read with `gst-inspect-1.0` and `dpkg -S` on Debian 12; `getanime doctor` reports
//! it, and the package's `Depends` lists the same packages).

use gstreamer as gst;

use crate::Result;

/// One element playback (or the demo) needs; any of `names` will do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ElementNeed {
    /// Element factory names, the preferred one first.
    pub names: &'static [&'static str],
    /// What it is for, in a few words.
    pub purpose: &'static str,
    /// The Debian package that brings the first of `names`.
    pub package: &'static str,
    /// Whether episodes cannot play without it (else only a feature is lost).
    pub required: bool,
}

const fn need(
    names: &'static [&'static str],
    purpose: &'static str,
    package: &'static str,
    required: bool,
) -> ElementNeed {
    ElementNeed { names, purpose, package, required }
}

/// Everything the player and the offline demo ask the registry for.
pub const ELEMENTS: &[ElementNeed] = &[
    need(&["playbin"], "plays an episode", "gstreamer1.0-plugins-base", true),
    need(&["videoconvert"], "converts video for the window", "gstreamer1.0-plugins-base", true),
    need(&["appsink"], "hands video frames to the window", "gstreamer1.0-plugins-base", true),
    need(&["souphttpsrc"], "reads streams over HTTP", "gstreamer1.0-plugins-good", true),
    need(&["hlsdemux2", "hlsdemux"], "reads HLS playlists", "gstreamer1.0-plugins-good", true),
    need(&["tsdemux"], "reads MPEG-TS segments", "gstreamer1.0-plugins-bad", true),
    need(&["h264parse"], "parses H.264 video", "gstreamer1.0-plugins-bad", true),
    need(&["avdec_h264"], "decodes H.264 video", "gstreamer1.0-libav", true),
    need(&["aacparse"], "parses AAC audio", "gstreamer1.0-plugins-good", true),
    need(&["avdec_aac"], "decodes AAC audio", "gstreamer1.0-libav", true),
    need(&["audioconvert"], "converts audio", "gstreamer1.0-plugins-base", true),
    need(&["autoaudiosink"], "finds the sound output", "gstreamer1.0-plugins-good", true),
    need(&["subparse"], "reads subtitle files", "gstreamer1.0-plugins-base", true),
    need(&["textoverlay"], "draws subtitles", "gstreamer1.0-x", true),
    need(&["assrender"], "draws styled (ASS) subtitles", "gstreamer1.0-plugins-bad", false),
    need(&["x264enc"], "makes the offline demo's video", "gstreamer1.0-plugins-ugly", false),
    need(&["hlssink2"], "makes the offline demo's playlists", "gstreamer1.0-plugins-bad", false),
    need(&["avenc_aac"], "makes the offline demo's sound", "gstreamer1.0-libav", false),
];

/// What the registry answered for one [`ElementNeed`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElementCheck {
    pub need: ElementNeed,
    /// The first of the need's names the registry has, if any.
    pub found: Option<&'static str>,
}

/// The GStreamer version this process runs on (`1.22.0`).
pub fn gstreamer_version() -> Result<String> {
    crate::init()?;
    let (major, minor, micro, _) = gst::version();
    Ok(format!("{major}.{minor}.{micro}"))
}

/// Asks the registry for every element in [`ELEMENTS`].
pub fn check_elements() -> Result<Vec<ElementCheck>> {
    crate::init()?;
    Ok(ELEMENTS
        .iter()
        .map(|need| ElementCheck {
            need: *need,
            found: need
                .names
                .iter()
                .copied()
                .find(|name| gst::ElementFactory::find(name).is_some()),
        })
        .collect())
}
