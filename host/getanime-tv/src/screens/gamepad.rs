//! Gamepads, through gilrs: the D-pad (or the left stick) moves, A is Enter, B is Back, the
//! shoulder buttons seek, the triggers change episode, Start plays or pauses, the guide button
//! goes home. Polled on the UI thread by a short timer, so a key reaches the navigator exactly
//! as a remote's would; a machine without gamepad support only loses the gamepad.

use std::rc::Weak;
use std::time::Duration;

use getanime_app::navigation::Key;
use gilrs::ev::filter::{Filter, Repeat};
use gilrs::{Axis, Button, EventType, Gilrs};

use super::Screens;

/// How often pending gamepad events are read: well under a frame at 30 fps.
const POLL: Duration = Duration::from_millis(20);
/// How far the stick must go to count as a press, and how far back to count as released.
const STICK_PRESS: f32 = 0.6;
const STICK_RELEASE: f32 = 0.3;

/// The key a gamepad button stands for (standard layout: South is A on an Xbox pad, × on a
/// PlayStation one).
pub fn button_key(button: Button) -> Option<Key> {
    Some(match button {
        Button::DPadUp => Key::Up,
        Button::DPadDown => Key::Down,
        Button::DPadLeft => Key::Left,
        Button::DPadRight => Key::Right,
        Button::South => Key::Enter,
        Button::East | Button::Select => Key::Back,
        Button::LeftTrigger => Key::SeekBackward,
        Button::RightTrigger => Key::SeekForward,
        Button::LeftTrigger2 => Key::PreviousEpisode,
        Button::RightTrigger2 => Key::NextEpisode,
        Button::Start => Key::PlayPause,
        Button::Mode => Key::Home,
        Button::North => Key::Menu,
        _ => return None,
    })
}

/// Held buttons repeat only where holding means "keep going": the directions.
fn repeats(key: Key) -> bool {
    matches!(key, Key::Up | Key::Down | Key::Left | Key::Right)
}

/// The left stick as four buttons: a press when it crosses [`STICK_PRESS`], nothing more until
/// it comes back under [`STICK_RELEASE`] (so a stick resting near the edge does not flood).
#[derive(Debug, Default)]
pub struct Stick {
    x_pressed: bool,
    y_pressed: bool,
}

impl Stick {
    /// The key an axis movement presses, if any. Up on the stick is a positive Y in gilrs.
    pub fn moved(&mut self, axis: Axis, value: f32) -> Option<Key> {
        let (pressed, negative, positive) = match axis {
            Axis::LeftStickX => (&mut self.x_pressed, Key::Left, Key::Right),
            Axis::LeftStickY => (&mut self.y_pressed, Key::Down, Key::Up),
            _ => return None,
        };
        if *pressed {
            if value.abs() < STICK_RELEASE {
                *pressed = false;
            }
            return None;
        }
        if value.abs() < STICK_PRESS {
            return None;
        }
        *pressed = true;
        Some(if value < 0.0 { negative } else { positive })
    }
}

/// Starts reading gamepads into `screens`; the returned timer must live as long as the window.
/// Without gamepad support (no udev, a sandbox) it logs why and returns `None`.
pub(super) fn watch_gamepads(screens: Weak<Screens>) -> Option<slint::Timer> {
    let mut gilrs = match Gilrs::new() {
        Ok(gilrs) => gilrs,
        Err(error) => {
            tracing::warn!("gamepads are not available: {error}");
            return None;
        }
    };
    for (_, gamepad) in gilrs.gamepads() {
        tracing::info!(name = gamepad.name(), "gamepad connected");
    }
    let repeat = Repeat::new();
    let mut stick = Stick::default();
    let timer = slint::Timer::default();
    timer.start(slint::TimerMode::Repeated, POLL, move || {
        while let Some(event) = gilrs.next_event().filter_ev(&repeat, &mut gilrs) {
            gilrs.update(&event);
            let key = match event.event {
                EventType::ButtonPressed(button, _) => button_key(button),
                EventType::ButtonRepeated(button, _) => {
                    button_key(button).filter(|key| repeats(*key))
                }
                EventType::AxisChanged(axis, value, _) => stick.moved(axis, value),
                EventType::Connected => {
                    tracing::info!(name = gilrs.gamepad(event.id).name(), "gamepad connected");
                    None
                }
                _ => None,
            };
            if let (Some(key), Some(screens)) = (key, screens.upgrade()) {
                screens.press(key);
            }
        }
    });
    Some(timer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buttons_map_to_the_remote_keys() {
        let expected = [
            (Button::DPadUp, Some(Key::Up)),
            (Button::DPadDown, Some(Key::Down)),
            (Button::DPadLeft, Some(Key::Left)),
            (Button::DPadRight, Some(Key::Right)),
            (Button::South, Some(Key::Enter)),
            (Button::East, Some(Key::Back)),
            (Button::LeftTrigger, Some(Key::SeekBackward)),
            (Button::RightTrigger, Some(Key::SeekForward)),
            (Button::LeftTrigger2, Some(Key::PreviousEpisode)),
            (Button::RightTrigger2, Some(Key::NextEpisode)),
            (Button::North, Some(Key::Menu)),
            (Button::Start, Some(Key::PlayPause)),
            (Button::Mode, Some(Key::Home)),
            (Button::West, None),
        ];
        for (button, key) in expected {
            assert_eq!(button_key(button), key, "{button:?}");
        }
        assert!(repeats(Key::Down) && !repeats(Key::Enter));
    }

    #[test]
    fn the_stick_presses_once_per_push() {
        let mut stick = Stick::default();
        assert_eq!(stick.moved(Axis::LeftStickY, 0.2), None, "inside the dead zone");
        assert_eq!(stick.moved(Axis::LeftStickY, 0.9), Some(Key::Up));
        assert_eq!(stick.moved(Axis::LeftStickY, 1.0), None, "held: no flood");
        assert_eq!(stick.moved(Axis::LeftStickY, 0.5), None, "not yet released");
        assert_eq!(stick.moved(Axis::LeftStickY, 0.1), None, "released");
        assert_eq!(stick.moved(Axis::LeftStickY, -0.8), Some(Key::Down));
        assert_eq!(stick.moved(Axis::LeftStickX, 0.7), Some(Key::Right), "axes are apart");
        assert_eq!(stick.moved(Axis::RightStickX, 1.0), None);
    }
}
