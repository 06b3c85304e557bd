//! The headless core of getanime: where the data lives, the library, plugin management, sync,
//! posters and (in later steps) watch tracking and the view models the UI shows.
//!
//! Architecture invariant: no Slint and no GStreamer types here. Everything is testable without
//! a display, and the UI and the CLI are thin adapters over [`App`]. Database work runs on
//! tokio's blocking pool ([`App::db`]), so no caller's thread waits on disk.

mod accounts;
mod catalog;
mod credentials;
mod details;
mod failure;
mod gateway;
mod index;
pub mod language;
mod library;
mod lists;
mod menus;
pub mod navigation;
mod paths;
mod playback;
mod posters;
mod preferences;
mod profiles;
pub mod remote;
mod session;
mod shipped;
mod sources;
mod subtitles;
mod sync;
pub mod views;

use std::sync::{Arc, Mutex};

use anyhow::{Context, Result, anyhow};
pub use getanime_plugins::is_secret_setting;
use getanime_plugins::{PluginRegistry, PluginRuntime, RuntimeLimits};
use getanime_storage::Database;

pub use accounts::{AccountSummary, AccountSyncReport, ConsentQuestion, Credentials, SignIn};
pub use catalog::CatalogPage;
pub use details::{
    DetailsRefresh, details_failed_text, details_missing_or_stale, loading_episodes,
};
pub use failure::explain;
pub use gateway::MediaRoute;
pub use getanime_domain as domain;
pub use getanime_plugins::Error as PluginError;
pub use getanime_storage::{LibraryCheck, RemovalPolicy};
pub use index::IndexEntry;
pub use library::{Home, LibraryStatus};
pub use menus::{
    MenuAction, MenuEntry, MenuItem, MenuOutcome, PowerAction, menu_focus_after, menu_rows,
};
pub use paths::DataPaths;
pub use playback::{PlaybackPlan, WatchAction, WatchTracker, next_quality, resume_position};
pub use posters::PosterReport;
pub use preferences::Setting;
pub use session::{
    PlaybackSession, PlayerOverlay, SessionState, SessionStep, Volume, VolumeChange, clock,
    countdown_text,
};
pub use shipped::{
    SHIPPED, SHIPPED_ACCOUNTS, SHIPPED_PLUGINS_ENV, ShippedPlugin, shipped_dir, shipped_in,
};
pub use sources::{GrantNeeded, preset_variable};
pub use subtitles::{SUBTITLE_CHOICE, next_subtitle, pick_subtitle, subtitle_label};
pub use sync::{
    FULL_SYNC_PAGES, RetryPolicy, SyncEvent, SyncOptions, SyncReport, SyncRun, SyncScope,
};

/// The application: one data directory, its database, its plugins.
pub struct App {
    paths: DataPaths,
    db: Arc<Mutex<Database>>,
    runtime: Arc<PluginRuntime>,
    registry: Arc<PluginRegistry>,
    /// Where the packages of the sources that ship with getanime are, if found.
    shipped_dir: Option<std::path::PathBuf>,
    /// The profile in use (a `ProfileId`); see `profiles.rs`.
    profile: std::sync::atomic::AtomicI64,
    /// List moves made by the app on its own in this run, by title, until undone or overruled.
    automatic_changes: Mutex<std::collections::HashMap<domain::TitleId, domain::StatusChange>>,
    /// Running as a TV box (the getanime-kiosk unit): Settings offers the box's power.
    tv_box: bool,
    /// When changes made here are next pushed to the accounts.
    account_pushes: accounts::PushSchedule,
    /// Logins typed on the Accounts screen, by account plugin, until the password is typed.
    typed_logins: Mutex<std::collections::HashMap<String, String>>,
    /// The media gateway the player reads through, started with the first playback.
    media_gateway: tokio::sync::OnceCell<getanime_gateway::MediaGateway>,
}

/// How the host introduces itself on requests it makes on its own (posters, the plugin index).
pub(crate) const USER_AGENT: &str = concat!("getanime/", env!("CARGO_PKG_VERSION"));
/// Time limit of one such request.
pub(crate) const HTTP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);

impl App {
    /// Creates the data directory if needed, opens (migrating) the database and starts the plugin
    /// runtime with its compile cache.
    pub fn open(paths: DataPaths) -> Result<App> {
        Self::open_with_limits(paths, RuntimeLimits::default())
    }

    /// [`App::open`] with explicit plugin limits (tests use short deadlines).
    pub fn open_with_limits(paths: DataPaths, limits: RuntimeLimits) -> Result<App> {
        paths.create().context("preparing the data directory")?;
        let database = Database::open(&paths.database())
            .with_context(|| format!("opening the library in {}", paths.root().display()))?;
        let runtime = PluginRuntime::new(limits)
            .context("starting the plugin runtime")?
            .with_compile_cache(paths.compile_cache());
        let registry = Arc::new(PluginRegistry::new(paths.plugins()));
        let profile = profiles::initial_profile(&database).context("reading the profiles")?;
        Ok(App {
            paths,
            db: Arc::new(Mutex::new(database)),
            runtime: Arc::new(runtime),
            registry,
            shipped_dir: shipped::shipped_dir(),
            profile: std::sync::atomic::AtomicI64::new(profile.0),
            automatic_changes: Mutex::default(),
            tv_box: false,
            account_pushes: accounts::PushSchedule::default(),
            typed_logins: Mutex::default(),
            media_gateway: tokio::sync::OnceCell::new(),
        })
    }

    /// Runs as a TV box (`GETANIME_KIOSK=1`, set by the getanime-kiosk unit): Settings gets a
    /// Power row (quit to the console, restart, shut down).
    pub fn as_tv_box(mut self, tv_box: bool) -> App {
        self.tv_box = tv_box;
        self
    }

    /// Whether this is a TV box ([`App::as_tv_box`]).
    pub fn is_tv_box(&self) -> bool {
        self.tv_box
    }

    /// Looks for the shipped sources in `dir` instead (tests, packagers).
    pub fn with_shipped_dir(mut self, dir: Option<std::path::PathBuf>) -> App {
        self.shipped_dir = dir;
        self
    }

    pub fn paths(&self) -> &DataPaths {
        &self.paths
    }

    /// Runs `work` on the database off the caller's thread.
    pub(crate) async fn db<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Database) -> getanime_storage::Result<T> + Send + 'static,
    ) -> Result<T> {
        let db = Arc::clone(&self.db);
        tokio::task::spawn_blocking(move || {
            let mut guard =
                db.lock().map_err(|_| anyhow!("the database lock was poisoned by a crash"))?;
            work(&mut guard).map_err(|error| anyhow::Error::from(guard.write_error(error)))
        })
        .await
        .context("the database task failed")?
    }
}

/// `bytes` random bytes from the operating system, as lower-case hex (keys, device ids, tokens).
pub fn random_hex(bytes: usize) -> Result<String> {
    let mut buffer = vec![0_u8; bytes];
    getrandom::fill(&mut buffer)
        .map_err(|error| anyhow!("the system has no randomness: {error}"))?;
    Ok(buffer.iter().map(|byte| format!("{byte:02x}")).collect())
}

/// Now, in the program's one timestamp convention (unix milliseconds).
pub(crate) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
