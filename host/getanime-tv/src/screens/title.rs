//! Title: details, buttons, episodes, torrents and related titles; what the navigator decided
//! (a rating, a watched mark, a list move) stored, then the title shown again.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;

use anyhow::Result;
use getanime_app::domain::{ListEntry, Rating, TitleDetails, TitleId};
use getanime_app::navigation::{Navigator, Screen, TitleButton};
use getanime_app::{App, views};
use slint::{ComponentHandle, Image, ModelRc, SharedString, VecModel};

use super::shared::{Poster, Shared, poster_pixels};
use crate::ui::{AppWindow, EpisodeLine, RelatedLine, ScreenKind, TitleAdapter, TorrentLine};

pub(super) struct TitleScreen {
    shared: Rc<Shared>,
    /// The title on screen: reloading it keeps the focus, opening another moves it.
    shown: Cell<Option<TitleId>>,
    /// Its list marks, for the buttons' captions.
    marks: Cell<Option<(TitleId, ListEntry)>>,
    /// Its torrents' magnet links, in the order listed.
    magnets: RefCell<Vec<String>>,
}

/// A title as the library has it, its next episode to watch and its poster.
type TitleLoad = (TitleDetails, Option<f64>, Option<Poster>);

impl TitleScreen {
    pub(super) fn new(shared: Rc<Shared>) -> TitleScreen {
        TitleScreen {
            shared,
            shown: Cell::new(None),
            marks: Cell::new(None),
            magnets: RefCell::default(),
        }
    }

    /// Opens a title: what the library has at once, then its details from the source when they
    /// are missing or stale ("Loading episodes…" meanwhile; the episodes appear without a sync).
    pub(super) fn open(self: &Rc<Self>, title: TitleId) {
        self.reload(title);
        self.shared.begin_work();
        let screen = Rc::clone(self);
        self.shared.in_background(
            "fetch the title's details",
            move |app| async move { app.refresh_details(title).await },
            move |refreshed| {
                screen.shared.end_work();
                if screen.shared.screen() != Screen::Title(title) {
                    return; // the user moved on
                }
                let message = match refreshed {
                    Ok(getanime_app::DetailsRefresh::Fresh) => return,
                    Ok(getanime_app::DetailsRefresh::Fetched) => String::new(),
                    Ok(getanime_app::DetailsRefresh::Failed(reason)) => {
                        getanime_app::details_failed_text(&reason)
                    }
                    Err(error) => getanime_app::details_failed_text(&getanime_app::explain(&error)),
                };
                screen.set_message(message);
                screen.reload(title);
            },
        );
    }

    /// Shows the title as the library has it (after opening, rating, marking watched).
    fn reload(self: &Rc<Self>, title: TitleId) {
        let screen = Rc::clone(self);
        self.shared.in_background(
            "open the title",
            move |app| async move {
                let details = app.title(title).await?;
                let next = app.next_unwatched(title).await?;
                let poster = poster_pixels(&app, title).await?;
                anyhow::Ok((details, next.map(|entry| entry.episode.number), poster))
            },
            move |loaded| screen.show(loaded),
        );
    }

    fn set_message(&self, message: String) {
        if let Some(window) = self.shared.window.upgrade() {
            window.global::<TitleAdapter>().set_message(message.into());
        }
    }

    fn show(&self, loaded: Result<TitleLoad>) {
        let Some(window) = self.shared.window.upgrade() else { return };
        let (details, next, poster) = match loaded {
            Ok(loaded) => loaded,
            Err(error) => {
                self.shared.set_error(&getanime_app::explain(&error));
                return;
            }
        };
        let view_of = window.global::<TitleAdapter>();
        let numbers: Vec<f64> = details.episodes.iter().map(|entry| entry.episode.number).collect();
        // Reloading the title on screen (after rating or marking) keeps the focus where it is;
        // opening one puts it on the episode to watch next.
        let reloaded = self.shown.replace(Some(details.card.id)) == Some(details.card.id);
        {
            let mut navigator = self.shared.navigator.borrow_mut();
            let focus = if reloaded {
                navigator.title().focus()
            } else {
                next.and_then(|next| numbers.iter().position(|number| *number == next)).unwrap_or(0)
            };
            navigator.title_mut().set_torrents(details.torrents.len());
            navigator.title_mut().set_related(details.related.len());
            navigator.title_mut().set_episodes(numbers, focus);
            navigator.title_mut().set_marks(
                details
                    .episodes
                    .iter()
                    .map(|entry| entry.watch.is_some_and(|watch| watch.watched))
                    .collect(),
                details.rating.map(|rating| rating.score()),
            );
        }
        if !reloaded {
            let message = if details.details_fetched_at.is_none() {
                getanime_app::loading_episodes()
            } else {
                ""
            };
            view_of.set_message(message.into());
        }
        *self.magnets.borrow_mut() =
            details.torrents.iter().map(|torrent| torrent.magnet.clone()).collect();
        let view = views::title::title(&details);
        let torrents: Vec<TorrentLine> = view
            .torrents
            .into_iter()
            .map(|line| TorrentLine { label: line.label.into(), detail: line.detail.into() })
            .collect();
        view_of.set_torrents(ModelRc::new(VecModel::from(torrents)));
        let related: Vec<RelatedLine> = view
            .related
            .into_iter()
            .map(|line| RelatedLine { name: line.name.into(), detail: line.detail.into() })
            .collect();
        view_of.set_related(ModelRc::new(VecModel::from(related)));
        let lines: Vec<EpisodeLine> = view
            .episodes
            .into_iter()
            .map(|line| EpisodeLine {
                number: line.number.into(),
                name: line.name.into(),
                qualities: line.qualities.into(),
                state: line.state.into(),
            })
            .collect();
        view_of.set_name(view.name.into());
        view_of.set_original(view.original.into());
        view_of.set_facts(view.facts.into());
        self.marks.set(Some((details.card.id, details.list)));
        view_of.set_description(view.description.into());
        view_of.set_has_poster(poster.is_some());
        view_of.set_poster(poster.map(Image::from_rgba8).unwrap_or_default());
        view_of.set_episodes(ModelRc::new(VecModel::from(lines)));
        super::redraw(&self.shared);
    }

    /// Stores the rating the navigator decided (left/right), then shows the title again.
    pub(super) fn rate(self: &Rc<Self>, title: TitleId, score: Option<u8>) {
        self.store(
            "rate",
            title,
            move |app| async move {
                let rating = score.map(|score| Rating::new(i64::from(score))).transpose()?;
                app.rate(title, rating).await
            },
            |()| None,
        );
    }

    /// Stores the watched mark the navigator decided (`w`), then shows the title again.
    pub(super) fn set_watched(self: &Rc<Self>, title: TitleId, episode: f64, watched: bool) {
        self.store(
            "mark the episode",
            title,
            move |app| async move { app.set_watched(title, episode, watched).await.map(drop) },
            |()| None,
        );
    }

    pub(super) fn step_list(self: &Rc<Self>, title: TitleId) {
        self.store(
            "step the list",
            title,
            move |app| async move { app.step_list(title).await.map(drop) },
            |()| None,
        );
    }

    pub(super) fn toggle_favorite(self: &Rc<Self>, title: TitleId) {
        self.store(
            "mark the favorite",
            title,
            move |app| async move { app.toggle_favorite(title).await.map(drop) },
            |()| None,
        );
    }

    pub(super) fn toggle_sync(self: &Rc<Self>, title: TitleId) {
        let synced =
            self.marks.get().is_some_and(|(shown, marks)| shown == title && marks.unsynced);
        self.store(
            "switch the title's account sync",
            title,
            move |app| async move { app.set_title_synced(title, synced).await },
            move |()| Some(views::title::sync_switched(synced).to_owned()),
        );
    }

    pub(super) fn hide_from_continue(self: &Rc<Self>, title: TitleId) {
        self.store(
            "hide from Continue watching",
            title,
            move |app| async move { app.hide_from_continue(title).await },
            |()| Some(views::title::hidden_from_continue().to_owned()),
        );
    }

    pub(super) fn reset_watched(self: &Rc<Self>, title: TitleId) {
        self.store(
            "reset the watched marks",
            title,
            move |app| async move { app.reset_watched(title).await },
            |episodes| Some(views::title::watched_reset(episodes)),
        );
    }

    pub(super) fn mark_watched_through(self: &Rc<Self>, title: TitleId, episode: f64) {
        self.store(
            "mark episodes watched",
            title,
            move |app| async move { app.mark_watched_through(title, episode).await },
            move |episodes| Some(views::title::marked_through(episode, episodes)),
        );
    }

    /// Stores a change to the title in the background, then shows it again with `message`
    /// (if any) composed from what the work returned; a failure is said on the error line.
    fn store<T, F>(
        self: &Rc<Self>,
        what: &'static str,
        title: TitleId,
        work: impl FnOnce(Arc<App>) -> F,
        message: impl FnOnce(T) -> Option<String> + 'static,
    ) where
        T: Send + 'static,
        F: std::future::Future<Output = Result<T>> + Send + 'static,
    {
        let screen = Rc::clone(self);
        self.shared.in_background(what, work, move |done| match done {
            Ok(value) => {
                if let Some(text) = message(value) {
                    screen.set_message(text);
                }
                screen.reload(title);
            }
            Err(error) => {
                tracing::error!("cannot {what}");
                screen.shared.set_error(&getanime_app::explain(&error));
            }
        });
    }

    /// Enter on a related title: the library's title for it (made from its name if the library
    /// has none; its details come on open), opened over this one.
    pub(super) fn open_related(self: &Rc<Self>, title: TitleId, related: usize) {
        let screen = Rc::clone(self);
        self.shared.in_background(
            "open a related title",
            move |app| async move { app.related_title(title, related).await },
            move |found| {
                if screen.shared.screen() != Screen::Title(title) {
                    return; // the user moved on
                }
                match found {
                    Ok(other) => {
                        let effect = screen.shared.navigator.borrow_mut().open_title(other);
                        if let Some(screens) = screen.shared.screens() {
                            screens.apply(Screen::Title(title), effect);
                        }
                    }
                    Err(error) => screen.set_message(getanime_app::explain(&error)),
                }
            },
        );
    }

    /// Enter on a torrent: its magnet link goes to the system clipboard.
    pub(super) fn copy_magnet(&self, torrent: usize) {
        let Some(magnet) = self.magnets.borrow().get(torrent).cloned() else { return };
        let Some(window) = self.shared.window.upgrade() else { return };
        window.invoke_copy_to_clipboard(magnet.clone().into());
        tracing::info!(%magnet, "copied the magnet link");
        self.set_message(views::title::magnet_copied().to_owned());
    }
}

impl super::ScreenAdapter for TitleScreen {
    fn kind(&self) -> ScreenKind {
        ScreenKind::Title
    }

    /// The focused line or button, and the buttons' captions: the list (offering to undo the
    /// app's own move), the favorite mark, and the reset's question while it waits for a second
    /// Enter.
    fn show_focus(&self, window: &AppWindow, navigator: &Navigator) {
        let view = window.global::<TitleAdapter>();
        let button = navigator.title().button();
        view.set_focus(match button {
            Some(_) => -1,
            None => navigator.title().focus() as i32,
        });
        view.set_button_focus(button.map_or(-1, |(button, _)| {
            TitleButton::ALL.iter().position(|candidate| *candidate == button).unwrap_or(0) as i32
        }));
        let Some((title, marks)) = self.marks.get() else { return };
        let armed = button == Some((TitleButton::ResetWatched, true));
        let labels: Vec<SharedString> =
            views::title::buttons(marks, self.shared.app.automatic_change(title), armed)
                .into_iter()
                .map(SharedString::from)
                .collect();
        view.set_buttons(ModelRc::new(VecModel::from(labels)));
    }
}
