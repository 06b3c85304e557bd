//! The window on the screen: full screen by default, the layout scaled to the window, and the
//! input only winit reports (media keys, a remote's Back and Home, the mouse wheel and the
//! mouse's back buttons).
//!
//! The views are laid out on a 1920×1080 logical canvas; the window's scale factor is set to
//! fit that canvas into the window (so 720p shows the same layout at two thirds, 4K at twice),
//! and set again on every resize.

use std::path::Path;
use std::rc::Weak;

use getanime_app::navigation::Key;
use slint::ComponentHandle;
use slint::platform::WindowEvent;
use slint::winit_030::winit::event::{
    ElementState, MouseButton, MouseScrollDelta, WindowEvent as WinitEvent,
};
use slint::winit_030::winit::keyboard::{Key as WinitKey, NamedKey};
use slint::winit_030::winit::window::Fullscreen;
use slint::winit_030::{EventResult, WinitWindowAccessor};

use super::Screens;
use crate::ui::AppWindow;

/// The logical canvas every view is designed on.
pub const DESIGN_WIDTH: f32 = 1920.0;
pub const DESIGN_HEIGHT: f32 = 1080.0;

/// The scale factor that fits the design canvas into a window of this physical size.
pub fn scale_for(width: u32, height: u32) -> f32 {
    (width as f32 / DESIGN_WIDTH).min(height as f32 / DESIGN_HEIGHT).max(0.25)
}

/// A media or remote key winit reports that Slint does not pass on as text.
fn remote_key(key: &WinitKey) -> Option<Key> {
    let WinitKey::Named(named) = key else { return None };
    Some(match named {
        NamedKey::MediaPlayPause | NamedKey::MediaPlay | NamedKey::MediaPause => Key::PlayPause,
        NamedKey::MediaStop | NamedKey::BrowserBack | NamedKey::GoBack => Key::Back,
        NamedKey::MediaFastForward => Key::SeekForward,
        NamedKey::MediaRewind => Key::SeekBackward,
        NamedKey::MediaTrackNext => Key::NextEpisode,
        NamedKey::MediaTrackPrevious => Key::PreviousEpisode,
        NamedKey::BrowserHome | NamedKey::GoHome => Key::Home,
        _ => return None,
    })
}

/// How many pixels of a touchpad's smooth scrolling make one line (one focus step).
const PIXELS_PER_LINE: f64 = 60.0;

/// The wheel as Up and Down presses: one press per line turned; a touchpad's pixels add up until
/// they make a line. Winit's positive `y` is a turn away from the user, which scrolls up.
#[derive(Debug, Default)]
pub struct Wheel {
    pending_lines: f64,
}

impl Wheel {
    /// The presses (all Up or all Down) this turn of the wheel makes.
    pub fn turned(&mut self, delta: MouseScrollDelta) -> Vec<Key> {
        let lines = match delta {
            MouseScrollDelta::LineDelta(_, y) => f64::from(y),
            MouseScrollDelta::PixelDelta(position) => position.y / PIXELS_PER_LINE,
        };
        let total = self.pending_lines + lines;
        let whole = total.trunc();
        self.pending_lines = total - whole;
        let key = if whole > 0.0 { Key::Up } else { Key::Down };
        // At most a screenful per event, whatever a driver reports.
        vec![key; whole.abs().min(12.0) as usize]
    }
}

/// Picks Slint's software renderer where no GPU can be reached (no DRM render node in
/// `/dev/dri`): OpenGL there is Mesa drawing on the CPU (llvmpipe), which measured about 5×
/// slower per frame than the software renderer (`frame_time_scroll_grid_opengl` in `cargo xtask
/// bench`). With a GPU, Slint's default stays (FemtoVG on OpenGL, falling back to software by
/// itself). `SLINT_BACKEND`, when set, decides instead.
///
/// Either way the window carries the app id (Wayland's app_id, X11's WM_CLASS), so docks and
/// task switchers match it with the desktop entry and its icon.
pub(super) fn choose_renderer() {
    let hook = move |attributes: slint::winit_030::winit::window::WindowAttributes| {
        use slint::winit_030::winit::platform::{wayland, x11};
        let attributes = wayland::WindowAttributesExtWayland::with_name(attributes, APP_ID, APP_ID);
        x11::WindowAttributesExtX11::with_name(attributes, APP_ID, APP_ID)
    };
    let mut selector = slint::BackendSelector::new().with_winit_window_attributes_hook(hook);
    if std::env::var_os("SLINT_BACKEND").is_none() && !has_render_node(Path::new("/dev/dri")) {
        selector = selector.backend_name("winit".into()).renderer_name("software".into());
    }
    if let Err(error) = selector.select() {
        tracing::warn!("cannot choose the window's backend, keeping Slint's default: {error}");
    }
}

/// The app id of the desktop entry, the AppStream metainfo and the icon (packaging/linux).
pub const APP_ID: &str = "io.github.getanime.GetAnime";

/// Which renderer [`choose_renderer`] leaves the window with, in words (`getanime doctor`).
pub(crate) fn renderer_in_use() -> String {
    if let Some(backend) = std::env::var_os("SLINT_BACKEND") {
        return format!("as SLINT_BACKEND says: {}", backend.to_string_lossy());
    }
    if has_render_node(Path::new("/dev/dri")) {
        "FemtoVG on OpenGL (a GPU render node is in /dev/dri); software if OpenGL fails".into()
    } else {
        "Slint's software renderer (no GPU render node in /dev/dri)".into()
    }
}

/// Whether `dev_dri` lists a GPU render node (`renderD128`…).
fn has_render_node(dev_dri: &Path) -> bool {
    std::fs::read_dir(dev_dri).is_ok_and(|entries| {
        entries.flatten().any(|entry| entry.file_name().to_string_lossy().starts_with("renderD"))
    })
}

/// Scales the layout on every resize and sends media keys to the navigator. A no-op when the
/// window is not a winit one (the headless testing backend). With `time_frames`, logs what each
/// real frame cost the UI thread (`frame drawn draw_ms=…`, read by the UI benchmark).
pub(super) fn watch_window(window: &AppWindow, screens: Weak<Screens>, time_frames: bool) {
    let mut wheel = Wheel::default();
    window.window().on_winit_window_event(move |slint_window, event| {
        match event {
            // Slint draws (and presents) the frame right after this hook returns, on this thread;
            // a callback posted now runs once that is done. A snapshot would not do: it forces a
            // full redraw into a new buffer, which real frames (partial rendering) do not.
            WinitEvent::RedrawRequested if time_frames => {
                let started = std::time::Instant::now();
                let posted = slint::invoke_from_event_loop(move || {
                    let draw_ms = started.elapsed().as_secs_f64() * 1e3;
                    tracing::info!(draw_ms, "frame drawn");
                });
                if let Err(error) = posted {
                    tracing::debug!("cannot time the frame: {error}");
                }
            }
            WinitEvent::ScaleFactorChanged { scale_factor, .. } => {
                tracing::debug!(scale_factor, "the system changed the scale factor");
            }
            WinitEvent::Resized(size) => {
                tracing::debug!(width = size.width, height = size.height, "resized");
                // Before Slint handles the resize, so it lays out at the new scale.
                slint_window.dispatch_event(WindowEvent::ScaleFactorChanged {
                    scale_factor: scale_for(size.width, size.height),
                });
            }
            WinitEvent::KeyboardInput { event, .. } if event.state == ElementState::Pressed => {
                if let (Some(key), Some(screens)) =
                    (remote_key(&event.logical_key), screens.upgrade())
                {
                    screens.press(key);
                    return EventResult::PreventDefault;
                }
            }
            WinitEvent::MouseWheel { delta, .. } => {
                if let Some(screens) = screens.upgrade() {
                    for key in wheel.turned(*delta) {
                        screens.press(key);
                    }
                }
                return EventResult::PreventDefault;
            }
            // A desk mouse: the right button and the thumb's back button go back, as in Kodi.
            WinitEvent::MouseInput {
                state: ElementState::Pressed,
                button: MouseButton::Right | MouseButton::Back,
                ..
            } => {
                if let Some(screens) = screens.upgrade() {
                    screens.press(Key::Back);
                }
                return EventResult::PreventDefault;
            }
            _ => {}
        }
        EventResult::Propagate
    });
}

/// Makes the window cover its monitor. Without a window manager (a bare X server, a kiosk)
/// the fullscreen request alone does nothing, so the window is first sized and moved to the
/// monitor itself. Waits for the event loop to create the winit window.
pub(super) fn go_full_screen(window: &AppWindow) {
    let weak = window.as_weak();
    let spawned = slint::spawn_local(async move {
        let Some(window) = weak.upgrade() else { return };
        let winit_window = match window.window().winit_window().await {
            Ok(winit_window) => winit_window,
            Err(error) => {
                tracing::warn!("full screen is not available: {error}");
                return;
            }
        };
        let Some(monitor) = winit_window.current_monitor() else {
            // Wayland tells a client no monitor; a kiosk compositor (cage) sizes the window to
            // its output by itself. Asking for full screen or dropping the frame there was
            // tried: the window then kept showing its first picture (see docs/reliability.md).
            tracing::info!("no monitor reported; the compositor sizes the window");
            return;
        };
        let size = monitor.size();
        tracing::debug!(width = size.width, height = size.height, "going full screen");
        winit_window.set_outer_position(monitor.position());
        if winit_window.request_inner_size(size).is_some() {
            tracing::debug!("the window was resized at once");
        }
        winit_window.set_fullscreen(Some(Fullscreen::Borderless(Some(monitor))));
    });
    if let Err(error) = spawned {
        tracing::warn!("full screen is not available: {error}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use slint::winit_030::winit::dpi::PhysicalPosition;

    #[test]
    fn a_gpu_is_a_render_node_in_dev_dri() -> anyhow::Result<()> {
        let dev_dri = tempfile::tempdir()?;
        assert!(!has_render_node(&dev_dri.path().join("missing")), "no /dev/dri at all");
        std::fs::write(dev_dri.path().join("card0"), "")?;
        assert!(!has_render_node(dev_dri.path()), "a display card alone renders nothing");
        std::fs::write(dev_dri.path().join("renderD128"), "")?;
        assert!(has_render_node(dev_dri.path()));
        Ok(())
    }

    #[test]
    fn the_wheel_steps_a_line_at_a_time() {
        let mut wheel = Wheel::default();
        assert_eq!(wheel.turned(MouseScrollDelta::LineDelta(0.0, 1.0)), vec![Key::Up]);
        assert_eq!(wheel.turned(MouseScrollDelta::LineDelta(0.0, -2.0)), vec![Key::Down; 2]);
        let pixels = |y| MouseScrollDelta::PixelDelta(PhysicalPosition::new(0.0, y));
        assert!(wheel.turned(pixels(-40.0)).is_empty(), "less than a line waits");
        assert_eq!(wheel.turned(pixels(-40.0)), vec![Key::Down], "then adds up");
        assert_eq!(wheel.turned(MouseScrollDelta::LineDelta(0.0, -500.0)).len(), 12);
    }

    #[test]
    fn the_layout_scales_to_fit_the_design_canvas() {
        assert_eq!(scale_for(1920, 1080), 1.0);
        assert_eq!(scale_for(3840, 2160), 2.0);
        assert!((scale_for(1280, 720) - 2.0 / 3.0).abs() < 1e-6);
        assert_eq!(scale_for(1920, 1200), 1.0, "letterboxed, not stretched");
    }
}
