//! Smoke mode: drives the real window with key events, saves a screenshot after each.

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::Duration;

use anyhow::{Context, Result};
use slint::{ComponentHandle, Rgba8Pixel, SharedPixelBuffer, SharedString};

use crate::ui::{AppWindow, Shell};

/// How often the smoke mode checks whether the library has loaded.
pub(super) const SMOKE_POLL: Duration = Duration::from_millis(50);

/// Options for running the UI as a smoke test.
#[derive(Debug, Clone, Default)]
pub struct Smoke {
    /// Quit after the first frame that shows the loaded library (and after `keys`).
    pub exit_after_first_frame: bool,
    /// Save that frame as a PNG here.
    pub screenshot: Option<PathBuf>,
    /// Keys to press once loaded (comma-separated names; `wait` presses nothing), a screenshot
    /// after each into the directory of `screenshot`.
    pub keys: Vec<String>,
    /// How long each key settles before the next.
    pub key_interval: Duration,
    /// Skip the background sync (tests on a fixed library).
    pub no_sync: bool,
    /// The demo-source package to install and serve before the window opens.
    pub demo: Option<PathBuf>,
}

/// Smoke mode: once loaded, presses the keys (a screenshot after each), then quits.
pub(super) fn run_smoke(window: &AppWindow, smoke: Smoke) -> slint::Timer {
    let weak = window.as_weak();
    let timer = slint::Timer::default();
    let steps = Rc::new(RefCell::new(SmokeSteps {
        keys: smoke.keys.clone().into_iter(),
        index: 0,
        waiting_since: None,
    }));
    timer.start(slint::TimerMode::Repeated, SMOKE_POLL, move || {
        let Some(window) = weak.upgrade() else { return };
        // As a person would: wait for the library to load and for work being shown to end.
        let shell = window.global::<Shell>();
        if shell.get_loading() || shell.get_busy() {
            return;
        }
        let mut steps = steps.borrow_mut();
        if let Some(since) = steps.waiting_since {
            if since.elapsed() < smoke.key_interval {
                return;
            }
            steps.waiting_since = None;
        }
        let index = steps.index;
        let shot = screenshot_name(&smoke.screenshot, index);
        // The first frame is always taken (it says the library is on screen); later ones only
        // when screenshots are asked for, since a snapshot redraws the whole window and so
        // would change what the next real frames cost (see `display::watch_window`).
        if index == 0 || shot.is_some() {
            match window.window().take_snapshot() {
                Ok(frame) => {
                    if index == 0 {
                        tracing::info!(
                            width = frame.width(),
                            height = frame.height(),
                            "first frame with the library rendered"
                        );
                    }
                    if let Some(path) = &shot
                        && let Err(error) = save_png(&frame, path)
                    {
                        tracing::error!("{error:#}");
                    }
                }
                Err(error) => tracing::error!("cannot render the window: {error}"),
            }
        }
        steps.index += 1;
        match steps.keys.next() {
            Some(key) => {
                tracing::info!(%key, "pressing");
                press(&window, &key);
                steps.waiting_since = Some(std::time::Instant::now());
            }
            None => {
                tracing::info!("smoke run done; exiting as asked");
                if let Err(error) = slint::quit_event_loop() {
                    tracing::error!("cannot quit the event loop: {error}");
                }
            }
        }
    });
    timer
}

pub(super) struct SmokeSteps {
    keys: std::vec::IntoIter<String>,
    index: usize,
    waiting_since: Option<std::time::Instant>,
}

/// The screenshot path of step `index`: the given one first, then `-1`, `-2`... beside it.
pub(super) fn screenshot_name(first: &Option<PathBuf>, index: usize) -> Option<PathBuf> {
    let first = first.as_ref()?;
    if index == 0 {
        return Some(first.clone());
    }
    let stem = first.file_stem()?.to_string_lossy();
    Some(first.with_file_name(format!("{stem}-{index}.png")))
}

/// Sends a key press and release through the window, as a keyboard or remote would.
pub(super) fn press(window: &AppWindow, name: &str) {
    use slint::platform::{Key as K, WindowEvent};
    let key = match name {
        "up" => K::UpArrow,
        "down" => K::DownArrow,
        "left" => K::LeftArrow,
        "right" => K::RightArrow,
        "enter" => K::Return,
        "back" => K::Escape,
        "erase" => K::Backspace,
        "home" => K::Home,
        "menu" => K::Menu,
        // Lets one settle period pass without input (for timeouts such as the overlay's).
        "wait" => return,
        other => {
            // Anything else is typed as text, one character per key event.
            for character in other.chars() {
                let text: SharedString = character.to_string().into();
                window.window().dispatch_event(WindowEvent::KeyPressed { text: text.clone() });
                window.window().dispatch_event(WindowEvent::KeyReleased { text });
            }
            return;
        }
    };
    let text: SharedString = key.into();
    window.window().dispatch_event(WindowEvent::KeyPressed { text: text.clone() });
    window.window().dispatch_event(WindowEvent::KeyReleased { text });
}

pub(super) fn save_png(
    frame: &SharedPixelBuffer<Rgba8Pixel>,
    path: &std::path::Path,
) -> Result<()> {
    let image =
        image::RgbaImage::from_raw(frame.width(), frame.height(), frame.as_bytes().to_vec())
            .context("the frame has an unexpected size")?;
    image.save(path).with_context(|| format!("saving the screenshot to {}", path.display()))
}
