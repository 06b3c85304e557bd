//! The Browse screen: the whole library as a lazily loaded poster grid with filters.

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use getanime_app::domain::BrowseFilter;
use getanime_app::domain::TitleId;
use getanime_app::navigation::Navigator;
use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use super::grid::BrowseCards;
use super::{Screens, cards_model, posters_of, run_on};
use crate::ui::{BrowseAdapter, Card};

/// Grid geometry (logical pixels), as in `theme.slint`: margins, card width, spacing.
const GRID_MARGIN: f32 = 64.0;
const CARD_WIDTH: f32 = 220.0;
const CARD_SPACING: f32 = 24.0;

impl Screens {
    /// Loads the titles the Browse query lets through and shows them as a grid.
    pub(super) fn show_browse(self: &Rc<Self>) {
        let Some(window) = self.window.upgrade() else { return };
        let width = window.window().size().to_logical(window.window().scale_factor()).width;
        let columns = ((width - 2.0 * GRID_MARGIN + CARD_SPACING) / (CARD_WIDTH + CARD_SPACING))
            .floor()
            .max(1.0) as usize;
        window.global::<BrowseAdapter>().set_columns(columns as i32);
        window.global::<BrowseAdapter>().set_status(getanime_app::views::browse::loading().into());
        self.navigator.borrow_mut().set_browse_columns(columns);
        let query = self.navigator.borrow().browse_query().clone();
        self.in_background(
            "browse",
            move |app| async move {
                let facets = app.browse_facets().await?;
                let ids = app.browse(query).await?;
                anyhow::Ok((facets, ids))
            },
            |screens, loaded| {
                let Some(window) = screens.window.upgrade() else { return };
                let view = window.global::<BrowseAdapter>();
                match loaded {
                    Ok((facets, ids)) => {
                        view.set_status(getanime_app::views::browse::count(ids.len()).into());
                        {
                            let mut navigator = screens.navigator.borrow_mut();
                            navigator.set_browse_facets(facets);
                            navigator.set_browse(ids.clone());
                        }
                        let model = BrowseCards::new(ids, screens.page_loader());
                        view.set_cards(ModelRc::from(model));
                    }
                    Err(error) => view.set_status(format!("{error:#}").into()),
                }
                drop(view);
                screens.show_navigation();
            },
        );
    }

    /// Loads one page of grid cards (with posters) off the UI thread.
    fn page_loader(&self) -> super::grid::PageLoader {
        let app = Arc::clone(&self.app);
        let runtime = Arc::clone(&self.runtime);
        Box::new(move |model, page, ids| {
            let (app, runtime) = (Arc::clone(&app), Arc::clone(&runtime));
            let started = slint::spawn_local(async move {
                let wanted = ids.clone();
                let loaded = run_on(&runtime, async move {
                    let cards = app.cards(wanted.clone()).await?;
                    let posters =
                        posters_of(&app, cards.iter().map(|card| card.id).collect()).await?;
                    anyhow::Ok((cards, posters))
                })
                .await;
                let Some(model) = model.upgrade() else { return };
                match loaded {
                    Ok((cards, posters)) => {
                        let found: HashMap<TitleId, Card> = cards
                            .iter()
                            .map(|card| card.id)
                            .zip(cards_model(&cards, posters))
                            .collect();
                        // In the page's order; a title gone meanwhile stays a blank card.
                        let cards = ids
                            .iter()
                            .map(|id| found.get(id).cloned().unwrap_or_default())
                            .collect();
                        model.deliver(page, cards);
                    }
                    Err(error) => {
                        tracing::error!("cannot load browse page {page}: {error:#}");
                        model.forget(page);
                    }
                }
            });
            if let Err(error) = started {
                tracing::error!("cannot load a browse page: {error}");
            }
        })
    }
}

/// The focused card or filter chip, and the chips' labels.
pub(super) fn show_focus(view: &BrowseAdapter<'_>, navigator: &Navigator) {
    let (focus, filter) = navigator.browse_focus();
    view.set_focus(focus as i32);
    view.set_filter_focus(filter.map_or(-1, |filter| {
        BrowseFilter::ALL.iter().position(|candidate| *candidate == filter).unwrap_or(0) as i32
    }));
    let query = navigator.browse_query();
    let labels: Vec<SharedString> = BrowseFilter::ALL
        .iter()
        .map(|filter| getanime_app::views::browse::filter_label(query, *filter).into())
        .collect();
    view.set_filters(ModelRc::new(VecModel::from(labels)));
}
