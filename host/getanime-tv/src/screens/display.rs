//! The window on the screen: full screen by default, the layout scaled to the window, and the
//! keys only winit reports (media keys, a remote's Back and Home).
//!
//! The views are laid out on a 1920×1080 logical canvas; the window's scale factor is set to
//! fit that canvas into the window (so 720p shows the same layout at two thirds, 4K at twice),
//! and set again on every resize.

use std::rc::Weak;

use getanime_app::navigation::Key;
use slint::ComponentHandle;
use slint::platform::WindowEvent;
use slint::winit_030::winit::event::{ElementState, WindowEvent as WinitEvent};
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

/// Scales the layout on every resize and sends media keys to the navigator. A no-op when the
/// window is not a winit one (the headless testing backend).
pub(super) fn watch_window(window: &AppWindow, screens: Weak<Screens>) {
    window.window().on_winit_window_event(move |slint_window, event| {
        match event {
            WinitEvent::Resized(size) => {
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
            tracing::warn!("no monitor reported; staying windowed");
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
