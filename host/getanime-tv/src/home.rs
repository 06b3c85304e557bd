//! The home screen adapter: fills `HomeAdapter` from the library.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use getanime_app::{App, DataPaths, LibraryStatus};
use slint::ComponentHandle;

use crate::ui::{AppWindow, HomeAdapter};

/// How often the smoke mode checks whether the library has loaded.
const SMOKE_POLL: Duration = Duration::from_millis(50);

/// Options for running the UI as a smoke test.
#[derive(Debug, Clone, Default)]
pub struct Smoke {
    /// Quit after the first frame that shows the loaded library.
    pub exit_after_first_frame: bool,
    /// Save that frame as a PNG here.
    pub screenshot: Option<PathBuf>,
}

/// Opens the window and runs the event loop until it closes.
///
/// With `exit_after_first_frame` the loop ends after the first frame that shows the loaded
/// library, which smoke-tests the whole stack (display, renderer, storage) in CI.
pub fn run_ui(paths: DataPaths, smoke: Smoke) -> Result<()> {
    let window = AppWindow::new().context("cannot open the window (is a display available?)")?;
    // Held until the event loop ends.
    let _smoke_timer =
        smoke.exit_after_first_frame.then(|| quit_after_loaded_frame(&window, smoke.screenshot));
    load_library_status(&window, paths);
    window.run().context("running the UI event loop")
}

/// Opening the library touches the disk, so it happens off the UI thread and reports back.
fn load_library_status(window: &AppWindow, paths: DataPaths) {
    let weak = window.as_weak();
    std::thread::spawn(move || {
        let (status, error) = match library_status(paths) {
            Ok(status) => (format!("{} titles in your library", status.titles), String::new()),
            Err(error) => ("The library could not be opened".to_owned(), format!("{error:#}")),
        };
        let delivered = weak.upgrade_in_event_loop(move |window| {
            let adapter = window.global::<HomeAdapter>();
            adapter.set_status_text(status.into());
            adapter.set_error_text(error.into());
            adapter.set_loading(false);
        });
        if let Err(error) = delivered {
            tracing::warn!("the window closed before the library status arrived: {error}");
        }
    });
}

/// Opens the app on its own small runtime (this thread is not the UI thread) and counts.
fn library_status(paths: DataPaths) -> anyhow::Result<LibraryStatus> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting tokio")?;
    runtime.block_on(async move { App::open(paths)?.status().await })
}

/// Once the library status is on screen, renders the window into an image, saves it if asked,
/// and quits the event loop.
fn quit_after_loaded_frame(window: &AppWindow, screenshot: Option<PathBuf>) -> slint::Timer {
    let weak = window.as_weak();
    let timer = slint::Timer::default();
    timer.start(slint::TimerMode::Repeated, SMOKE_POLL, move || {
        let Some(window) = weak.upgrade() else { return };
        if window.global::<HomeAdapter>().get_loading() {
            return;
        }
        match window.window().take_snapshot() {
            Ok(frame) => {
                tracing::info!(
                    width = frame.width(),
                    height = frame.height(),
                    "first frame with the library rendered; exiting as asked"
                );
                if let Some(path) = &screenshot
                    && let Err(error) = save_png(&frame, path)
                {
                    tracing::error!("{error:#}");
                }
            }
            Err(error) => tracing::error!("cannot render the window: {error}"),
        }
        if let Err(error) = slint::quit_event_loop() {
            tracing::error!("cannot quit the event loop: {error}");
        }
    });
    timer
}

fn save_png(frame: &slint::SharedPixelBuffer<slint::Rgba8Pixel>, path: &Path) -> Result<()> {
    let image =
        image::RgbaImage::from_raw(frame.width(), frame.height(), frame.as_bytes().to_vec())
            .context("the frame has an unexpected size")?;
    image.save(path).with_context(|| format!("saving the screenshot to {}", path.display()))
}
