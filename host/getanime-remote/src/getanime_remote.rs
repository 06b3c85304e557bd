//! The phone remote: an HTTP and WebSocket server on the home network, inside the TV process,
//! off until the user turns it on. A paired phone (or a script with a command-line token) drives
//! the TV like its remote, types into its text fields, plays a title on it and reads the library.
//!
//! Architecture: this is the only crate that serves beyond loopback (`getanime-loopback` is the
//! 127.0.0.1 server of tests and the demo). It knows the app's headless core, never Slint: keys,
//! text and playback go to the UI thread as [`RemoteCommand`]s on a channel the TV drains; what
//! the TV shows comes back as a [`RemoteSnapshot`] on a `watch`.
//!
//! Security (see `guard.rs`): local peers only, `Host` of this machine, `Origin` of the page, no
//! CORS, every `/api` route but `hello` and `pairings` behind a token, tokens stored hashed,
//! pairing only while the TV's pairing screen is open, limits on bodies, text and messages.

mod api;
mod error;
mod events;
mod guard;
mod pairing;
mod peer;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use getanime_app::App;
use getanime_app::navigation::Key;
use getanime_domain::TitleId;
use serde::Serialize;
use tokio::sync::{mpsc, watch};

pub use api::{Access, ROUTES, RouteSpec};
pub use error::{Error, Result};
pub use pairing::{CODE_LIFETIME, PairingOffer};
pub use peer::is_local_peer;

/// The port the remote listens on unless the `phone_remote_port` setting says otherwise; fixed,
/// so a phone's bookmark and the QR code survive restarts.
pub const DEFAULT_PORT: u16 = 47401;

/// Where to listen and what this machine is called.
#[derive(Debug, Clone)]
pub struct RemoteConfig {
    /// `0.0.0.0:47401` on a TV; tests bind `127.0.0.1:0`.
    pub bind: SocketAddr,
    /// A name phones may use in `Host` besides an address of this machine (`tv.local`).
    pub host_name: Option<String>,
}

/// What the remote asks of the TV, carried out on its UI thread.
#[derive(Debug, Clone, PartialEq)]
pub enum RemoteCommand {
    /// A remote key, as if pressed on the TV's remote — but never confirming a TV-only action.
    Key(Key),
    /// Sets the focused text field to `text`; `submit` does what Done does.
    Text { text: String, submit: bool },
    /// Opens the player on an episode ("play on TV").
    Play { title: TitleId, episode: f64, from_start: bool },
    /// Playback control.
    Player(PlayerAction),
    /// A phone paired: the TV says so and closes its pairing screen.
    Paired { name: String },
}

/// Playback from the phone.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PlayerAction {
    Toggle,
    Stop,
    SeekBy { delta_ms: i64 },
    SeekTo { position_ms: u64 },
    Volume(getanime_app::VolumeChange),
    Next,
    Previous,
    Quality,
    Subtitles,
}

/// What the TV shows, for the phone: kept current by the TV.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RemoteSnapshot {
    /// The screen on top (`home`, `search`, `player`, …).
    pub screen: String,
    /// A text field that has the focus: the phone opens its keyboard for it.
    pub text_field: Option<TextField>,
    pub now_playing: Option<NowPlaying>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TextField {
    /// Which field (`search`, a menu row's label).
    pub field: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NowPlaying {
    pub title_id: i64,
    pub title: String,
    pub episode: f64,
    pub position_ms: u64,
    pub duration_ms: Option<u64>,
    pub paused: bool,
    /// `sd`, `hd`, `fhd`, once the player said.
    pub quality: Option<String>,
    /// The language of the subtitles shown, if any.
    pub subtitles: Option<String>,
    /// 0–100, on the player's cubic scale.
    pub volume: u8,
    pub muted: bool,
}

/// What every request handler shares.
pub(crate) struct Shared {
    pub(crate) app: Arc<App>,
    pub(crate) commands: mpsc::UnboundedSender<RemoteCommand>,
    pub(crate) snapshot: watch::Receiver<RemoteSnapshot>,
    pub(crate) pairing: Mutex<pairing::Pairing>,
    pub(crate) offers: watch::Sender<Option<PairingOffer>>,
    /// Bumped when a device is forgotten: its WebSockets close.
    pub(crate) forgotten: watch::Sender<u64>,
    /// Set when the remote stops: every WebSocket says goodbye.
    pub(crate) stopping: watch::Sender<bool>,
    pub(crate) host_name: Option<String>,
    pub(crate) port: u16,
    pub(crate) limits: guard::PeerLimits,
}

impl Shared {
    pub(crate) fn pairing(&self) -> std::sync::MutexGuard<'_, pairing::Pairing> {
        self.pairing.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Shows a new code on the TV (or none when the window closed).
    pub(crate) fn publish_offer(&self, offer: Option<PairingOffer>) {
        self.offers.send_replace(offer);
    }
}

/// The running remote; dropping it (or [`Remote::stop`]) closes the port and every WebSocket.
pub struct Remote {
    shared: Arc<Shared>,
    address: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Remote {
    /// Listens on `config.bind`, on the current tokio runtime.
    pub async fn start(
        app: Arc<App>,
        config: RemoteConfig,
        commands: mpsc::UnboundedSender<RemoteCommand>,
        snapshot: watch::Receiver<RemoteSnapshot>,
    ) -> Result<Remote> {
        let listener = tokio::net::TcpListener::bind(config.bind)
            .await
            .map_err(|source| Error::Bind { address: config.bind, source })?;
        let address =
            listener.local_addr().map_err(|source| Error::Bind { address: config.bind, source })?;
        let shared = Arc::new(Shared {
            app,
            commands,
            snapshot,
            pairing: Mutex::new(pairing::Pairing::default()),
            offers: watch::channel(None).0,
            forgotten: watch::channel(0).0,
            stopping: watch::channel(false).0,
            host_name: config.host_name,
            port: address.port(),
            limits: guard::PeerLimits::new(),
        });
        let router = api::router(Arc::clone(&shared));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let closing = Arc::clone(&shared);
        let service = router.into_make_service_with_connect_info::<guard::Connection>();
        let task = tokio::spawn(async move {
            let shutdown = async move {
                // A dropped handle stops the server too.
                if stopped.await.is_err() {
                    tracing::debug!("the phone remote's handle went away");
                }
                closing.stopping.send_replace(true);
            };
            if let Err(error) =
                axum::serve(listener, service).with_graceful_shutdown(shutdown).await
            {
                tracing::error!("the phone remote stopped: {error}");
            }
        });
        tracing::info!(%address, "the phone remote listens");
        Ok(Remote { shared, address, stop: Some(stop), task: Some(task) })
    }

    /// Where it listens (the real port when bound to 0).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The TV's pairing screen appeared: a fresh code, good for [`CODE_LIFETIME`].
    pub fn open_pairing(&self) -> Result<PairingOffer> {
        let offer = self.shared.pairing().open(Instant::now())?;
        self.shared.publish_offer(Some(offer.clone()));
        Ok(offer)
    }

    /// The pairing screen went away: no code pairs any more.
    pub fn close_pairing(&self) {
        self.shared.pairing().close();
        self.shared.publish_offer(None);
    }

    /// The code on screen, renewed when it is used up, guessed at or expired.
    pub fn offers(&self) -> watch::Receiver<Option<PairingOffer>> {
        self.shared.offers.subscribe()
    }

    /// A device was forgotten on the TV: its open WebSockets close.
    pub fn device_forgotten(&self) {
        self.shared.forgotten.send_modify(|generation| *generation += 1);
    }

    /// Stops listening and closes every WebSocket; waits until the port is closed.
    pub async fn stop(mut self) {
        self.shutdown();
        if let Some(task) = self.task.take()
            && let Err(error) = task.await
        {
            tracing::warn!("the phone remote's task ended badly: {error}");
        }
    }

    fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take()
            && stop.send(()).is_err()
        {
            tracing::debug!("the phone remote had stopped already");
        }
    }
}

impl Drop for Remote {
    fn drop(&mut self) {
        self.shutdown();
    }
}
