//! Home: the header buttons (the profile's names who watches) and the rows; loads them from the
//! library, syncs in the background, and applies a profile switch.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Result;
use chrono::Datelike;
use getanime_app::domain::TitleId;
use getanime_app::navigation::{HeaderButton, Navigator};
use getanime_app::{App, Home, SyncScope, views};
use slint::{ComponentHandle, Image, ModelRc, SharedString, VecModel};

use super::shared::{Poster, Shared, posters_of, run_on};
use crate::ui::{AppWindow, Card, HeroInfo, HomeAdapter, PosterRow, ScreenKind, Shell};

pub(super) struct HomeScreen {
    shared: Rc<Shared>,
    /// Who is watching (the header's profile button).
    profile_name: RefCell<String>,
    hero: Rc<Hero>,
}

/// The hero's state, shared with the reads in flight.
#[derive(Default)]
struct Hero {
    /// Read since the rows were last loaded (a focus walk reads each title once).
    read: RefCell<HashMap<TitleId, views::home::HeroView>>,
    /// The title it is about.
    title: Cell<Option<TitleId>>,
}

/// The home rows, the posters of every card (in row order), and the status line.
type HomeLoad = (Home, Vec<Option<Poster>>, String);

impl HomeScreen {
    pub(super) fn new(shared: Rc<Shared>, profile_name: String) -> HomeScreen {
        HomeScreen { shared, profile_name: RefCell::new(profile_name), hero: Rc::default() }
    }

    /// Syncs when the interval set in Settings has passed since the last sync.
    pub(super) fn sync_if_due(self: &Rc<Self>, last_sync: Rc<Cell<Instant>>) {
        let home = Rc::clone(self);
        self.shared.in_background(
            "check the sync interval",
            |app| async move { app.sync_interval().await },
            move |interval| match interval {
                Ok(Some(interval)) if last_sync.get().elapsed() >= interval => {
                    last_sync.set(Instant::now());
                    home.load(true);
                }
                Ok(_) => {}
                Err(error) => tracing::error!("cannot read the sync interval: {error:#}"),
            },
        );
    }

    /// Loads the home rows from the library, then (optionally) syncs and loads them again.
    pub(super) fn load(self: &Rc<Self>, then_sync: bool) {
        let app = Arc::clone(&self.shared.app);
        let runtime = Arc::clone(&self.shared.runtime);
        let home = Rc::downgrade(self);
        let delivered = slint::spawn_local(async move {
            let loaded = run_on(&runtime, load_rows(Arc::clone(&app))).await;
            let Some(home) = home.upgrade() else { return };
            home.show(loaded);
            if then_sync {
                home.set_status(views::home::syncing());
                let since = chrono::Utc::now().timestamp_millis();
                let status = match run_on(&runtime, sync_sources(Arc::clone(&app))).await {
                    Ok(status) => status,
                    Err(error) => views::home::sync_failed_status(&error),
                };
                home.set_status(&status);
                let loaded = run_on(&runtime, load_rows(Arc::clone(&app))).await;
                home.show(loaded);
                let news = run_on(&runtime, {
                    let app = Arc::clone(&app);
                    async move { app.news_since(since).await }
                })
                .await;
                match news.map(|news| views::home::news_notice(&news)) {
                    Ok(Some(notice)) => {
                        tracing::info!(notice, "new episodes");
                        home.shared.notice_for(&notice, super::shared::NEWS_NOTICE_FOR);
                        crate::desktop_notice::show(&runtime, app.is_tv_box(), &notice);
                    }
                    Ok(None) => {}
                    Err(error) => tracing::warn!("cannot read what is new: {error:#}"),
                }
            }
        });
        if let Err(error) = delivered {
            tracing::error!("cannot start loading the home screen: {error}");
        }
    }

    fn set_status(&self, status: &str) {
        if let Some(window) = self.shared.window.upgrade() {
            window.global::<Shell>().set_status_text(status.into());
        }
    }

    fn show(&self, loaded: Result<HomeLoad>) {
        let Some(window) = self.shared.window.upgrade() else { return };
        let view = window.global::<HomeAdapter>();
        let shell = window.global::<Shell>();
        match loaded {
            Ok((home, posters, status)) => {
                let rows = views::home::rows(&home);
                self.shared.navigator.borrow_mut().home_mut().set_rows(
                    rows.iter()
                        .map(|row| row.cards.iter().map(|card| card.title).collect())
                        .collect(),
                );
                // The posters come in the rows' order.
                let mut posters = posters.into_iter();
                let model: Vec<PosterRow> = rows
                    .into_iter()
                    .map(|row| {
                        let cards: Vec<Card> = row
                            .cards
                            .into_iter()
                            .map(|card| {
                                let poster = posters.next().flatten();
                                Card {
                                    name: card.name.into(),
                                    subtitle: card.subtitle.into(),
                                    has_poster: poster.is_some(),
                                    poster: poster.map(Image::from_rgba8).unwrap_or_default(),
                                    progress: card.progress,
                                }
                            })
                            .collect();
                        PosterRow {
                            label: row.label.into(),
                            cards: ModelRc::new(VecModel::from(cards)),
                        }
                    })
                    .collect();
                view.set_rows(ModelRc::new(VecModel::from(model)));
                // What to watch next may have changed: the hero is read again.
                self.hero.read.borrow_mut().clear();
                self.hero.title.set(None);
                self.show_hero(&window, &self.shared.navigator.borrow());
                shell.set_status_text(status.into());
                shell.set_error_text(SharedString::new());
            }
            Err(error) => {
                shell.set_status_text(views::home::library_unreadable().into());
                shell.set_error_text(getanime_app::explain(&error).into());
            }
        }
        shell.set_loading(false);
        super::redraw(&self.shared);
    }

    /// The profile in use applies: its language, its name on the header, its rows.
    pub(super) fn load_profile(self: &Rc<Self>) {
        let home = Rc::clone(self);
        self.shared.in_background(
            "switch the profile",
            |app| async move {
                let language = app.interface_language().await?;
                let profile = app.current_profile().await?;
                anyhow::Ok((language, profile.name))
            },
            move |loaded| match loaded {
                Ok((language, name)) => {
                    *home.profile_name.borrow_mut() = name;
                    home.apply_language(language);
                    home.load(false);
                    home.sync_accounts();
                }
                Err(error) => tracing::error!("cannot switch the profile: {error:#}"),
            },
        );
    }

    /// Syncs the profile's accounts that are due, then shows the rows they changed.
    fn sync_accounts(self: &Rc<Self>) {
        let home = Rc::clone(self);
        self.shared.in_background(
            "sync the profile's accounts",
            |app| async move { app.sync_due_accounts().await },
            move |synced| match synced {
                Ok(reports) if reports.iter().any(|report| report.taken > 0) => home.load(false),
                Ok(_) => {}
                Err(error) => tracing::warn!("cannot sync the profile's accounts: {error:#}"),
            },
        );
    }

    /// The header's profile button after a rename.
    pub(super) fn load_profile_name(self: &Rc<Self>) {
        let home = Rc::clone(self);
        self.shared.in_background(
            "read the profile",
            |app| async move { app.current_profile().await },
            move |loaded| match loaded {
                Ok(profile) => {
                    *home.profile_name.borrow_mut() = profile.name;
                    if let Some(window) = home.shared.window.upgrade() {
                        let buttons = super::header_buttons(&home.profile_name.borrow());
                        window.global::<HomeAdapter>().set_header_buttons(buttons);
                    }
                }
                Err(error) => tracing::error!("cannot read the profile: {error:#}"),
            },
        );
    }

    /// Applies `language` with the profile's name on the header.
    pub(super) fn apply_language(&self, language: getanime_app::language::Language) {
        if let Some(window) = self.shared.window.upgrade() {
            super::apply_language(&window, language, &self.profile_name.borrow());
        }
    }
}

/// The home rows, with the posters of every card decoded (in row order), and the status line.
async fn load_rows(app: Arc<App>) -> Result<HomeLoad> {
    let weekday = chrono::Local::now().weekday().number_from_monday() as u8;
    let home = app.home(weekday).await?;
    // In the order `show` draws the cards.
    let ids: Vec<TitleId> = views::home::rows(&home)
        .iter()
        .flat_map(|row| row.cards.iter().map(|card| card.title))
        .collect();
    let posters = posters_of(&app, ids).await?;
    let status = app.status().await?;
    Ok((home, posters, views::home::library_status(status.titles)))
}

/// Syncs every enabled source (and their posters), then the profile's accounts that are due;
/// returns the status line.
async fn sync_sources(app: Arc<App>) -> Result<String> {
    let run = app.sync_sources(SyncScope::enabled(), &|_| {}).await?;
    // An account that failed keeps its changes queued; Home's line says so.
    let notice = match app.sync_due_accounts().await {
        Ok(reports) => views::home::account_notice(&reports),
        Err(error) => {
            tracing::warn!("syncing the accounts failed: {error:#}");
            None
        }
    };
    let failed: Vec<String> = run.failed().into_iter().map(str::to_owned).collect();
    let time = chrono::Local::now().format("%H:%M").to_string();
    Ok(views::home::with_notice(views::home::synced_status(&time, &failed), notice))
}

impl HomeScreen {
    /// The hero follows the focused card: at once its poster and name (from the card), and
    /// its facts once read (from the heroes already read, else in the background).
    fn show_hero(&self, window: &AppWindow, navigator: &Navigator) {
        let home = navigator.home();
        let view = window.global::<HomeAdapter>();
        let title = home.focused_title();
        if title.is_none() {
            view.set_hero_row(-1);
        } else if home.header().is_none() {
            let (row, column) = home.focus();
            view.set_hero_row(row as i32);
            view.set_hero_column(column as i32);
        }
        let Some(title) = title else { return };
        if self.hero.title.replace(Some(title)) == Some(title) {
            return;
        }
        if let Some(hero) = self.hero.read.borrow().get(&title) {
            view.set_hero(hero_info(hero));
            return;
        }
        view.set_hero(HeroInfo::default());
        let (weak, state) = (self.shared.window.clone(), Rc::clone(&self.hero));
        self.shared.in_background(
            "read the focused title",
            move |app| async move { app.hero(title).await },
            move |read| match read {
                Ok((details, next)) => {
                    let hero = views::home::hero(&details, next);
                    // Shown only if the focus is still there when it arrives.
                    if state.title.get() == Some(title)
                        && let Some(window) = weak.upgrade()
                    {
                        window.global::<HomeAdapter>().set_hero(hero_info(&hero));
                    }
                    state.read.borrow_mut().insert(title, hero);
                }
                Err(error) => tracing::warn!("cannot read the focused title: {error:#}"),
            },
        );
    }
}

fn hero_info(hero: &views::home::HeroView) -> HeroInfo {
    HeroInfo {
        facts: hero.facts.as_str().into(),
        next: hero.next.as_str().into(),
        description: hero.description.as_str().into(),
    }
}

impl super::ScreenAdapter for HomeScreen {
    fn kind(&self) -> ScreenKind {
        ScreenKind::Home
    }

    /// One focus ring, on a header button or on a card.
    fn show_focus(&self, window: &AppWindow, navigator: &Navigator) {
        let view = window.global::<HomeAdapter>();
        let header = navigator.home().header();
        let (row, column) = navigator.home().focus();
        view.set_focus_row(if header.is_some() { -1 } else { row as i32 });
        view.set_focus_column(column as i32);
        let (filled_above, empty_above) = navigator.home().scroll();
        view.set_rows_above(filled_above as i32);
        view.set_empty_rows_above(empty_above as i32);
        view.set_header_focus(header.map_or(-1, |button| {
            HeaderButton::ALL.iter().position(|candidate| *candidate == button).unwrap_or(0) as i32
        }));
        self.show_hero(window, navigator);
    }
}
