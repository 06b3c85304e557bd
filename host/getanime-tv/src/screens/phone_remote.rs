//! The phone remote in the TV: starts and stops with the `phone_remote` setting (checked every
//! second, so `getanime settings phone_remote true` from a terminal applies within 2 s), carries
//! out what phones ask on the UI thread, and keeps the snapshot they read current.

use std::cell::{Cell, RefCell};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};
use std::rc::{Rc, Weak};
use std::sync::Arc;
use std::time::Duration;

use getanime_app::Setting;
use getanime_app::navigation::{Key, Screen};
use getanime_remote::{Remote, RemoteConfig, RemoteSnapshot, TextField};
use slint::ComponentHandle;
use tokio::sync::{mpsc, watch};

use super::Screens;
use super::shared::Shared;
use crate::playback::PlaybackCommand;
use crate::ui::Shell;

/// How often the setting is read.
const SETTING_CHECK: Duration = Duration::from_secs(1);

/// The remote while it runs, and the port it was started on.
struct Running {
    remote: Arc<Remote>,
    port: u16,
}

pub(super) struct PhoneRemote {
    shared: Rc<Shared>,
    running: RefCell<Option<Running>>,
    /// A start or stop is under way: the next check waits for it.
    changing: Cell<bool>,
    snapshot: watch::Sender<RemoteSnapshot>,
    timer: slint::Timer,
    /// Set only when the TV binds somewhere else than every address (tests: 127.0.0.1:0).
    bind: Option<SocketAddr>,
    /// Where phones' commands go.
    screens: RefCell<Weak<Screens>>,
}

impl PhoneRemote {
    pub(super) fn new(shared: Rc<Shared>) -> PhoneRemote {
        let bind = std::env::var("GETANIME_REMOTE_BIND").ok().and_then(|text| text.parse().ok());
        PhoneRemote {
            shared,
            running: RefCell::default(),
            changing: Cell::new(false),
            snapshot: watch::channel(RemoteSnapshot::default()).0,
            timer: slint::Timer::default(),
            bind,
            screens: RefCell::new(Weak::new()),
        }
    }

    /// Follows the setting from now on; phones' commands go to `screens`.
    pub(super) fn watch(self: &Rc<Self>, screens: Weak<Screens>) {
        *self.screens.borrow_mut() = screens;
        let remote = Rc::downgrade(self);
        self.timer.start(slint::TimerMode::Repeated, SETTING_CHECK, move || {
            if let Some(remote) = remote.upgrade() {
                remote.check();
            }
        });
        self.check();
    }

    /// The running remote, for the pairing screen.
    pub(super) fn remote(&self) -> Option<Arc<Remote>> {
        self.running.borrow().as_ref().map(|running| Arc::clone(&running.remote))
    }

    /// Where a phone opens the page: this machine's address on the home network.
    pub(super) fn page_address(&self) -> Option<String> {
        let running = self.running.borrow();
        let running = running.as_ref()?;
        let bound = running.remote.address();
        let ip = if bound.ip().is_unspecified() { lan_address() } else { bound.ip() };
        Some(match ip {
            IpAddr::V6(v6) => format!("http://[{v6}]:{}", bound.port()),
            IpAddr::V4(v4) => format!("http://{v4}:{}", bound.port()),
        })
    }

    fn check(self: &Rc<Self>) {
        if self.changing.get() {
            return;
        }
        self.changing.set(true);
        let remote = Rc::clone(self);
        self.shared.in_background(
            "read the phone remote setting",
            |app| async move {
                let on = app.setting(Setting::PhoneRemote).await? == "true";
                let port = app.setting(Setting::PhoneRemotePort).await?.parse::<u16>()?;
                anyhow::Ok((on, port))
            },
            move |wanted| {
                remote.changing.set(false);
                match wanted {
                    Ok((on, port)) => remote.follow(on, port),
                    Err(error) => tracing::warn!("reading the phone remote setting: {error:#}"),
                }
            },
        );
    }

    /// Starts, stops or restarts (another port) the remote to match the setting.
    fn follow(self: &Rc<Self>, on: bool, port: u16) {
        let running_port = self.running.borrow().as_ref().map(|running| running.port);
        if running_port == Some(port) && on || running_port.is_none() && !on {
            return;
        }
        if let Some(running) = self.running.borrow_mut().take() {
            tracing::info!("the phone remote stops");
            let remote = running.remote;
            self.shared.runtime.spawn(async move {
                if let Ok(remote) = Arc::try_unwrap(remote) {
                    remote.stop().await;
                }
            });
            self.show_on(false);
        }
        if !on {
            return;
        }
        self.changing.set(true);
        let (commands, mut received) = mpsc::unbounded_channel();
        let snapshot = self.snapshot.subscribe();
        let bind = self.bind.unwrap_or(SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), port));
        let config = RemoteConfig { bind, host_name: None };
        let remote = Rc::clone(self);
        let screens = self.screens.borrow().clone();
        self.shared.in_background(
            "start the phone remote",
            move |app| async move { Ok(Remote::start(app, config, commands, snapshot).await?) },
            move |started| {
                remote.changing.set(false);
                match started {
                    Ok(started) => {
                        *remote.running.borrow_mut() =
                            Some(Running { remote: Arc::new(started), port });
                        remote.show_on(true);
                        // What phones ask, carried out here on the UI thread in order.
                        let spawned = slint::spawn_local(async move {
                            while let Some(command) = received.recv().await {
                                if let Some(screens) = screens.upgrade() {
                                    screens.remote_command(command);
                                }
                            }
                        });
                        if let Err(error) = spawned {
                            tracing::error!("cannot take the phone remote's commands: {error}");
                        }
                    }
                    Err(error) => {
                        tracing::warn!("the phone remote cannot start: {error:#}");
                        remote.shared.set_error(&getanime_app::views::pairing::cannot_listen(
                            &format!("{error:#}"),
                        ));
                    }
                }
            },
        );
    }

    fn show_on(&self, on: bool) {
        if let Some(window) = self.shared.window.upgrade() {
            window.global::<Shell>().set_remote_on(on);
        }
    }

    /// What the TV shows now, for the phones (sent only when it changed).
    pub(super) fn publish(&self, snapshot: RemoteSnapshot) {
        self.snapshot.send_if_modified(|current| {
            let changed = *current != snapshot;
            *current = snapshot;
            changed
        });
    }
}

/// This machine's address on the home network: the one a packet to a private address would
/// leave from (no packet is sent); loopback when there is no network.
fn lan_address() -> IpAddr {
    let probe = UdpSocket::bind("0.0.0.0:0")
        .and_then(|socket| socket.connect("10.255.255.255:9").map(|()| socket))
        .and_then(|socket| socket.local_addr());
    match probe {
        Ok(address) if !address.ip().is_unspecified() => address.ip(),
        _ => IpAddr::V4(Ipv4Addr::LOCALHOST),
    }
}

/// The screen's name on the wire.
pub(super) fn screen_name(screen: Screen) -> &'static str {
    match screen {
        Screen::Home => "home",
        Screen::Search => "search",
        Screen::Browse => "browse",
        Screen::Schedule => "schedule",
        Screen::Sources => "sources",
        Screen::Settings => "settings",
        Screen::Profiles => "profiles",
        Screen::Title(_) => "title",
        Screen::Player { .. } => "player",
        Screen::Welcome => "welcome",
        Screen::About => "about",
        Screen::Accounts => "accounts",
        Screen::SignIn => "sign-in",
        Screen::Pairing => "pairing",
    }
}

/// The snapshot's text field: a secret row's text never leaves the TV.
pub(super) fn text_field(
    focused: Option<getanime_app::navigation::FocusedText>,
    secret_row: impl Fn(usize) -> bool,
) -> Option<TextField> {
    let focused = focused?;
    let secret = focused.menu_row.is_some_and(secret_row);
    Some(TextField {
        field: focused.field.to_owned(),
        value: if secret { String::new() } else { focused.value },
    })
}

/// A phone's playback action on the TV: a key where the remote has one (the navigator follows
/// it), otherwise a command straight to the playback.
pub(super) enum PhonePlayback {
    Key(Key),
    Command(PlaybackCommand),
}

pub(super) fn phone_playback(action: getanime_remote::PlayerAction) -> PhonePlayback {
    use getanime_remote::PlayerAction;
    match action {
        PlayerAction::Toggle => PhonePlayback::Key(Key::PlayPause),
        PlayerAction::Stop => PhonePlayback::Key(Key::Back),
        PlayerAction::Next => PhonePlayback::Key(Key::NextEpisode),
        PlayerAction::Previous => PhonePlayback::Key(Key::PreviousEpisode),
        PlayerAction::SeekBy { delta_ms } => {
            PhonePlayback::Command(PlaybackCommand::SeekBy(delta_ms))
        }
        PlayerAction::SeekTo { position_ms } => {
            PhonePlayback::Command(PlaybackCommand::SeekTo(position_ms))
        }
        PlayerAction::Volume(change) => PhonePlayback::Command(PlaybackCommand::Volume(change)),
        PlayerAction::Quality => PhonePlayback::Command(PlaybackCommand::CycleQuality),
        PlayerAction::Subtitles => PhonePlayback::Command(PlaybackCommand::CycleSubtitles),
    }
}
