//! Title adapter: details, episodes and torrents, rating, watched marks, magnet links.

use super::*;
use getanime_app::views;

impl Screens {
    /// Opens a title: what the library has at once, then its details from the source when they
    /// are missing or stale ("Loading episodes…" meanwhile; the episodes appear without a sync).
    pub(super) fn open_title(self: &Rc<Self>, title: TitleId) {
        self.reload_title(title);
        self.begin_work();
        self.in_background(
            "fetch the title's details",
            move |app| async move { app.refresh_details(title).await },
            move |screens, refreshed| {
                screens.end_work();
                if screens.navigator.borrow().screen() != Screen::Title(title) {
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
                if let Some(window) = screens.window.upgrade() {
                    window.global::<TitleAdapter>().set_message(message.into());
                }
                screens.reload_title(title);
            },
        );
    }

    /// Shows the title as the library has it (after opening, rating, marking watched).
    pub(super) fn reload_title(self: &Rc<Self>, title: TitleId) {
        self.in_background(
            "open the title",
            move |app| async move {
                let details = app.title(title).await?;
                let next = app.next_unwatched(title).await?;
                let poster = poster_pixels(&app, title).await?;
                anyhow::Ok((details, next.map(|entry| entry.episode.number), poster))
            },
            |screens, loaded| screens.show_title(loaded),
        );
    }

    /// Stores the rating the navigator decided (left/right), then shows the title again.
    pub(super) fn rate(self: &Rc<Self>, title: TitleId, score: Option<u8>) {
        self.in_background(
            "rate",
            move |app| async move {
                let rating = score
                    .map(|score| getanime_app::domain::Rating::new(i64::from(score)))
                    .transpose()?;
                app.rate(title, rating).await
            },
            move |screens, rated| match rated {
                Ok(()) => screens.reload_title(title),
                Err(error) => tracing::error!("cannot rate: {error:#}"),
            },
        );
    }

    pub(super) fn show_title(
        &self,
        loaded: Result<(TitleDetails, Option<f64>, Option<SharedPixelBuffer<Rgba8Pixel>>)>,
    ) {
        let Some(window) = self.window.upgrade() else { return };
        let view_of = window.global::<TitleAdapter>();
        let (details, next, poster) = match loaded {
            Ok(loaded) => loaded,
            Err(error) => {
                window.global::<Shell>().set_error_text(getanime_app::explain(&error).into());
                return;
            }
        };
        let numbers: Vec<f64> = details.episodes.iter().map(|entry| entry.episode.number).collect();
        // Reloading the title on screen (after rating or marking) keeps the focus where it is;
        // opening one puts it on the episode to watch next.
        let reloaded = self.shown_title.replace(Some(details.card.id)) == Some(details.card.id);
        let focus = if reloaded {
            self.navigator.borrow().episode_focus()
        } else {
            next.and_then(|next| numbers.iter().position(|number| *number == next)).unwrap_or(0)
        };
        {
            let mut navigator = self.navigator.borrow_mut();
            navigator.set_torrents(details.torrents.len());
            navigator.set_related(details.related.len());
            navigator.set_episodes(numbers, focus);
            navigator.set_title_marks(
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
        self.title_marks.set(Some((details.card.id, details.list)));
        self.show_title_buttons(&view_of);
        view_of.set_description(view.description.into());
        view_of.set_has_poster(poster.is_some());
        view_of.set_poster(poster.map(Image::from_rgba8).unwrap_or_default());
        view_of.set_episodes(ModelRc::new(VecModel::from(lines)));
        drop(view_of);
        self.show_navigation();
    }

    /// Stores the watched mark the navigator decided (`w`), then shows the title again.
    pub(super) fn set_watched(self: &Rc<Self>, title: TitleId, episode: f64, watched: bool) {
        self.in_background(
            "mark the episode",
            move |app| async move { app.set_watched(title, episode, watched).await },
            move |screens, marked| match marked {
                Ok(_) => screens.reload_title(title),
                Err(error) => tracing::error!("cannot mark the episode: {error:#}"),
            },
        );
    }

    /// The buttons' captions: the list (offering to undo the app's own move), the favorite
    /// mark, and the reset's question while it waits for a second Enter.
    pub(super) fn show_title_buttons(&self, view: &TitleAdapter<'_>) {
        let Some((title, marks)) = self.title_marks.get() else { return };
        let armed =
            self.navigator.borrow().title_button() == Some((TitleButton::ResetWatched, true));
        let labels: Vec<SharedString> =
            views::title::buttons(marks, self.app.automatic_change(title), armed)
                .into_iter()
                .map(SharedString::from)
                .collect();
        view.set_buttons(ModelRc::new(VecModel::from(labels)));
    }

    /// A title button's work in the background, then the title again with `message` (if any)
    /// composed from what the work returned.
    pub(super) fn title_action<T, F>(
        self: &Rc<Self>,
        title: TitleId,
        work: impl FnOnce(Arc<App>) -> F,
        message: impl FnOnce(T) -> Option<String> + 'static,
    ) where
        T: Send + 'static,
        F: std::future::Future<Output = Result<T>> + Send + 'static,
    {
        self.in_background("change the title's marks", work, move |screens, done| {
            let Some(window) = screens.window.upgrade() else { return };
            match done {
                Ok(value) => {
                    if let Some(text) = message(value) {
                        window.global::<TitleAdapter>().set_message(text.into());
                    }
                    screens.reload_title(title);
                }
                Err(error) => {
                    window.global::<Shell>().set_error_text(getanime_app::explain(&error).into())
                }
            }
        });
    }

    /// Enter on a related title: the library's title for it (made from its name if the library
    /// has none; its details come on open), opened over this one.
    pub(super) fn open_related(self: &Rc<Self>, title: TitleId, related: usize) {
        self.in_background(
            "open a related title",
            move |app| async move { app.related_title(title, related).await },
            move |screens, found| {
                if screens.navigator.borrow().screen() != Screen::Title(title) {
                    return; // the user moved on
                }
                match found {
                    Ok(other) => {
                        let before = screens.navigator.borrow().screen();
                        let effect = screens.navigator.borrow_mut().open_title(other);
                        screens.apply(before, effect);
                    }
                    Err(error) => {
                        if let Some(window) = screens.window.upgrade() {
                            let message = getanime_app::explain(&error);
                            window.global::<TitleAdapter>().set_message(message.into());
                        }
                    }
                }
            },
        );
    }

    /// Enter on a torrent: its magnet link goes to the system clipboard.
    pub(super) fn copy_magnet(&self, torrent: usize) {
        let Some(magnet) = self.magnets.borrow().get(torrent).cloned() else { return };
        let Some(window) = self.window.upgrade() else { return };
        window.invoke_copy_to_clipboard(magnet.clone().into());
        tracing::info!(%magnet, "copied the magnet link");
        window.global::<TitleAdapter>().set_message(views::title::magnet_copied().into());
    }
}

/// The focused episode or torrent line, or button.
pub(super) fn show_focus(view: &TitleAdapter<'_>, navigator: &Navigator) {
    view.set_focus(match navigator.title_button() {
        Some(_) => -1,
        None => navigator.episode_focus() as i32,
    });
    view.set_button_focus(navigator.title_button().map_or(-1, |(button, _)| {
        TitleButton::ALL.iter().position(|candidate| *candidate == button).unwrap_or(0) as i32
    }));
}
