//! Search adapter: library results as the query changes, the sources on Enter.

use super::*;

impl Screens {
    /// The search box changed (library only) or Enter was pressed (the sources too).
    pub(super) fn search(self: &Rc<Self>, sources: bool) {
        let query = self.navigator.borrow().query().to_owned();
        if let Some(window) = self.window.upgrade() {
            let status = getanime_app::views::search::searching(sources, &query);
            window.global::<SearchAdapter>().set_status(status.into());
        }
        self.in_background(
            "search",
            move |app| async move {
                let cards = if query.trim().is_empty() {
                    Vec::new()
                } else if sources {
                    app.search_sources(&query, None).await?
                } else {
                    app.titles(Some(query.clone()), 30).await?
                };
                let posters = posters_of(&app, cards.iter().map(|card| card.id).collect()).await?;
                anyhow::Ok((query, cards, posters))
            },
            move |screens, found| screens.show_results(sources, found),
        );
    }

    pub(super) fn show_results(&self, sources: bool, found: Result<SearchFound>) {
        let Some(window) = self.window.upgrade() else { return };
        let view = window.global::<SearchAdapter>();
        let (query, cards, posters) = match found {
            Ok(found) => found,
            Err(error) => {
                view.set_status(format!("{error:#}").into());
                return;
            }
        };
        if query != self.navigator.borrow().query() {
            return; // the user typed on; a newer search is on its way
        }
        let ids = cards.iter().map(|card| card.id).collect();
        let model = cards_model(&cards, posters);
        if let Some(status) = getanime_app::views::search::found(sources, &query, model.len()) {
            view.set_status(status.into());
        }
        view.set_results(ModelRc::new(VecModel::from(model)));
        drop(view);
        self.navigator.borrow_mut().set_results(ids);
        self.show_navigation();
    }
}

/// A finished search: its query, the cards and their decoded posters.
pub(super) type SearchFound = (String, Vec<TitleCard>, Vec<Option<SharedPixelBuffer<Rgba8Pixel>>>);

/// The typed query and the focused result (-1: the search box).
pub(super) fn show_focus(view: &SearchAdapter<'_>, navigator: &Navigator) {
    view.set_query(navigator.query().into());
    view.set_focus(navigator.result_focus().map_or(-1, |index| index as i32));
}
