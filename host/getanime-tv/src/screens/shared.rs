//! What every screen adapter shares: the app and its runtime, the window, the navigator, the
//! work the user waits for, and the way to the other screens for what crosses them.

use std::cell::{Cell, OnceCell, RefCell};
use std::rc::{self, Rc};
use std::sync::Arc;

use anyhow::{Context, Result};
use getanime_app::navigation::{Navigator, Screen};
use getanime_app::{App, domain::TitleCard, domain::TitleId};
use slint::{ComponentHandle, Image, Rgba8Pixel, SharedPixelBuffer, SharedString, Weak};

use super::Screens;
use crate::ui::{AppWindow, Card, Shell};

/// Shared by the screen adapters, each holding it by `Rc`; lives as long as the window.
pub(super) struct Shared {
    pub(super) app: Arc<App>,
    pub(super) runtime: Arc<tokio::runtime::Runtime>,
    pub(super) window: Weak<AppWindow>,
    pub(super) navigator: RefCell<Navigator>,
    /// Work the user waits for, running (see `Shell.busy`).
    busy: Cell<usize>,
    /// The router, set once every adapter exists.
    screens: OnceCell<rc::Weak<Screens>>,
    /// Puts the notice away when its time is up.
    notice_timer: slint::Timer,
    /// A notice that came during playback, shown once the player closes.
    held_notice: RefCell<Option<(String, std::time::Duration)>>,
}

/// How long a notice stays.
const NOTICE_FOR: std::time::Duration = std::time::Duration::from_secs(10);

/// How long the notice of new episodes stays (on Home any key puts it away sooner).
pub(super) const NEWS_NOTICE_FOR: std::time::Duration = std::time::Duration::from_secs(30);

impl Shared {
    pub(super) fn new(
        app: Arc<App>,
        runtime: Arc<tokio::runtime::Runtime>,
        window: Weak<AppWindow>,
    ) -> Shared {
        Shared {
            app,
            runtime,
            window,
            navigator: RefCell::new(Navigator::new()),
            busy: Cell::new(0),
            screens: OnceCell::new(),
            notice_timer: slint::Timer::default(),
            held_notice: RefCell::default(),
        }
    }

    /// A notice for a few seconds at the top ("«Pixel 8» can now control getanime", "Вышла 8
    /// серия «…»"); never over playback: one that comes then waits for the player to close.
    pub(super) fn notice(&self, text: &str) {
        self.notice_for(text, NOTICE_FOR);
    }

    /// [`Shared::notice`] for `duration`.
    pub(super) fn notice_for(&self, text: &str, duration: std::time::Duration) {
        if matches!(self.screen(), Screen::Player { .. }) {
            *self.held_notice.borrow_mut() = Some((text.to_owned(), duration));
            return;
        }
        let Some(window) = self.window.upgrade() else { return };
        window.global::<Shell>().set_notice_text(text.into());
        let weak = window.as_weak();
        self.notice_timer.start(slint::TimerMode::SingleShot, duration, move || {
            if let Some(window) = weak.upgrade() {
                window.global::<Shell>().set_notice_text(SharedString::new());
            }
        });
    }

    /// Shows the notice held during playback, once the screen is no longer the player.
    pub(super) fn show_held_notice(&self) {
        if matches!(self.screen(), Screen::Player { .. }) {
            return;
        }
        let held = self.held_notice.borrow_mut().take();
        if let Some((text, duration)) = held {
            self.notice_for(&text, duration);
        }
    }

    /// Puts away the notice shown, if any; says whether there was one.
    pub(super) fn dismiss_notice(&self) -> bool {
        let Some(window) = self.window.upgrade() else { return false };
        let shell = window.global::<Shell>();
        if shell.get_notice_text().is_empty() {
            return false;
        }
        self.notice_timer.stop();
        shell.set_notice_text(SharedString::new());
        true
    }

    /// Makes `screens` the router the adapters reach the other screens through.
    pub(super) fn route_through(&self, screens: &Rc<Screens>) {
        if self.screens.set(Rc::downgrade(screens)).is_err() {
            tracing::error!("the screens were wired twice; the first wiring stays");
        }
    }

    /// The router: for what crosses screens (a menu action reloading Home, a related title
    /// opening over this one). `None` once the window is gone.
    pub(super) fn screens(&self) -> Option<Rc<Screens>> {
        self.screens.get().and_then(rc::Weak::upgrade)
    }

    /// The screen on top.
    pub(super) fn screen(&self) -> Screen {
        self.navigator.borrow().screen()
    }

    /// The error line under the header (empty clears it).
    pub(super) fn set_error(&self, text: &str) {
        if let Some(window) = self.window.upgrade() {
            window.global::<Shell>().set_error_text(SharedString::from(text));
        }
    }

    /// Work the user waits for starts: `Shell.busy` until [`Shared::end_work`].
    pub(super) fn begin_work(&self) {
        self.busy.set(self.busy.get() + 1);
        self.show_busy();
    }

    pub(super) fn end_work(&self) {
        self.busy.set(self.busy.get().saturating_sub(1));
        self.show_busy();
    }

    fn show_busy(&self) {
        if let Some(window) = self.window.upgrade() {
            window.global::<Shell>().set_busy(self.busy.get() > 0);
        }
    }

    /// Runs `work` (given the app) on the tokio runtime, then `done` with its result on the UI
    /// thread: the one way screens do library work off the UI thread.
    pub(super) fn in_background<T, F>(
        &self,
        what: &'static str,
        work: impl FnOnce(Arc<App>) -> F,
        done: impl FnOnce(Result<T>) + 'static,
    ) where
        T: Send + 'static,
        F: std::future::Future<Output = Result<T>> + Send + 'static,
    {
        let future = work(Arc::clone(&self.app));
        let runtime = Arc::clone(&self.runtime);
        let started = slint::spawn_local(async move {
            done(run_on(&runtime, future).await);
        });
        if let Err(error) = started {
            tracing::error!("cannot {what}: {error}");
        }
    }
}

/// Sets UI properties from any thread.
pub(super) fn update(weak: &Weak<AppWindow>, change: impl FnOnce(&AppWindow) + Send + 'static) {
    let delivered = weak.upgrade_in_event_loop(move |window| change(&window));
    if delivered.is_err() {
        tracing::trace!("the window is gone; update dropped");
    }
}

/// Runs `work` on the tokio runtime and awaits it from the UI thread without blocking it.
pub(super) async fn run_on<T: Send + 'static>(
    runtime: &tokio::runtime::Runtime,
    work: impl std::future::Future<Output = Result<T>> + Send + 'static,
) -> Result<T> {
    runtime.spawn(work).await.context("a background task failed")?
}

/// A decoded poster, ready for an `Image`.
pub(super) type Poster = SharedPixelBuffer<Rgba8Pixel>;

/// Library cards with their decoded posters.
pub(super) type CardsWithPosters = (Vec<TitleCard>, Vec<Option<Poster>>);

/// Cards for a poster row (subtitle: the source).
pub(super) fn cards_model(cards: &[TitleCard], posters: Vec<Option<Poster>>) -> Vec<Card> {
    cards
        .iter()
        .zip(posters)
        .map(|(card, poster)| Card {
            name: card.name.clone().into(),
            subtitle: card.plugin_id.clone().into(),
            has_poster: poster.is_some(),
            poster: poster.map(Image::from_rgba8).unwrap_or_default(),
            progress: 0.0,
        })
        .collect()
}

/// The cached poster of `title` as pixels; none cached (or a broken one) is `None`.
pub(super) async fn poster_pixels(app: &App, title: TitleId) -> Result<Option<Poster>> {
    Ok(app.poster(title).await?.and_then(|poster| decode_poster(&poster.bytes)))
}

/// [`poster_pixels`] for several titles, in order.
pub(super) async fn posters_of(app: &App, titles: Vec<TitleId>) -> Result<Vec<Option<Poster>>> {
    let mut posters = Vec::new();
    for title in titles {
        posters.push(poster_pixels(app, title).await?);
    }
    Ok(posters)
}

/// A cached poster (JPEG) to pixels the UI can show; a broken one is simply no poster.
fn decode_poster(bytes: &[u8]) -> Option<Poster> {
    let image = image::load_from_memory(bytes).ok()?.to_rgba8();
    Some(SharedPixelBuffer::clone_from_slice(image.as_raw(), image.width(), image.height()))
}
