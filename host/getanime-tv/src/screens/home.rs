//! Home adapter: loads the rows (and syncs), copies them into the window.

use super::*;
use getanime_app::views;

impl Screens {
    /// Syncs when the interval set in Settings ("0": never) has passed since the last sync.
    pub(super) fn sync_if_due(self: &Rc<Self>, last_sync: Rc<std::cell::Cell<std::time::Instant>>) {
        self.in_background(
            "check the sync interval",
            |app| async move { app.sync_interval().await },
            move |screens, interval| match interval {
                Ok(Some(interval)) if last_sync.get().elapsed() >= interval => {
                    last_sync.set(std::time::Instant::now());
                    screens.load_home(true);
                }
                Ok(_) => {}
                Err(error) => tracing::error!("cannot read the sync interval: {error:#}"),
            },
        );
    }

    /// Loads the home rows from the library, then (optionally) syncs and loads them again.
    pub(super) fn load_home(self: &Rc<Self>, then_sync: bool) {
        let app = Arc::clone(&self.app);
        let weak = self.window.clone();
        let runtime = Arc::clone(&self.runtime);
        let screens = Rc::downgrade(self);
        let delivered = slint::spawn_local(async move {
            let loaded = run_on(&runtime, load_home_rows(Arc::clone(&app))).await;
            let Some(screens) = screens.upgrade() else { return };
            screens.show_home(loaded);
            if then_sync {
                set_status(&weak, views::home::syncing());
                let status = match run_on(&runtime, sync_sources(Arc::clone(&app))).await {
                    Ok(status) => status,
                    Err(error) => views::home::sync_failed_status(&error),
                };
                set_status(&weak, &status);
                let loaded = run_on(&runtime, load_home_rows(app)).await;
                screens.show_home(loaded);
            }
        });
        if let Err(error) = delivered {
            tracing::error!("cannot start loading the home screen: {error}");
        }
    }

    pub(super) fn show_home(&self, loaded: Result<HomeLoad>) {
        let Some(window) = self.window.upgrade() else { return };
        let view = window.global::<HomeAdapter>();
        let shell = window.global::<Shell>();
        match loaded {
            Ok((home, posters, status)) => {
                let rows = views::home::rows(&home);
                self.navigator.borrow_mut().set_home_rows(
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
                shell.set_status_text(status.into());
                shell.set_error_text(SharedString::new());
            }
            Err(error) => {
                shell.set_status_text(views::home::library_unreadable().into());
                shell.set_error_text(getanime_app::explain(&error).into());
            }
        }
        shell.set_loading(false);
        drop((view, shell));
        self.show_navigation();
    }
}

pub(super) type HomeLoad = (Home, Vec<Option<SharedPixelBuffer<Rgba8Pixel>>>, String);

/// The home rows, with the posters of every card decoded (in row order), and the status line.
pub(super) async fn load_home_rows(app: Arc<App>) -> Result<HomeLoad> {
    let weekday = chrono::Local::now().weekday().number_from_monday() as u8;
    let home = app.home(weekday).await?;
    // In the order `show_home` draws the cards.
    let ids: Vec<TitleId> = views::home::rows(&home)
        .iter()
        .flat_map(|row| row.cards.iter().map(|card| card.title))
        .collect();
    let posters = posters_of(&app, ids).await?;
    let status = app.status().await?;
    Ok((home, posters, views::home::library_status(status.titles)))
}

/// Syncs every enabled source and fetches posters; returns the status line.
pub(super) async fn sync_sources(app: Arc<App>) -> Result<String> {
    let run = app.sync_sources(SyncScope::enabled(), &|_| {}).await?;
    let failed: Vec<String> = run.failed().into_iter().map(str::to_owned).collect();
    let time = chrono::Local::now().format("%H:%M").to_string();
    Ok(views::home::synced_status(&time, &failed))
}

/// The navigator's home focus to the view: one focus ring, on a header button or on a card.
pub(super) fn show_focus(view: &HomeAdapter<'_>, navigator: &Navigator) {
    let header = navigator.header_focus();
    let (row, column) = navigator.home_focus();
    view.set_focus_row(if header.is_some() { -1 } else { row as i32 });
    view.set_focus_column(column as i32);
    let (filled_above, empty_above) = navigator.home_scroll();
    view.set_rows_above(filled_above as i32);
    view.set_empty_rows_above(empty_above as i32);
    view.set_header_focus(header.map_or(-1, |button| {
        HeaderButton::ALL.iter().position(|candidate| *candidate == button).unwrap_or(0) as i32
    }));
}
