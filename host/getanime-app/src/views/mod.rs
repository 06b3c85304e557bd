//! View models: per screen, the plain data the TV shows — texts, rows, hints — composed here so
//! every user-visible sentence is tested without a window. `getanime-tv` only copies them into
//! Slint (and adds what only it has, such as decoded posters). The player's overlay is
//! [`crate::PlayerOverlay`], the menus' [`crate::MenuEntry`].

pub mod about;
pub mod browse;
pub mod home;
pub mod keyboard;
pub mod lists;
pub mod menu;
pub mod pairing;
pub mod player;
pub mod remote_page;
pub mod schedule;
pub mod search;
pub mod sign_in;
pub mod title;
pub mod welcome;
