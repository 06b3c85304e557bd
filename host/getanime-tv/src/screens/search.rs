//! Search: library results as the query changes, the sources on Enter; the on-screen keyboard.

use std::rc::Rc;

use anyhow::Result;
use getanime_app::domain::TitleCard;
use getanime_app::navigation::Navigator;
use getanime_app::views;
use slint::{ComponentHandle, ModelRc, VecModel};

use super::shared::{Poster, Shared, cards_model, posters_of};
use crate::ui::{AppWindow, KeyRow, KeyView, ScreenKind, SearchAdapter};

pub(super) struct SearchScreen {
    shared: Rc<Shared>,
}

/// A finished search: its query, the cards and their decoded posters.
type SearchFound = (String, Vec<TitleCard>, Vec<Option<Poster>>);

impl SearchScreen {
    pub(super) fn new(shared: Rc<Shared>) -> SearchScreen {
        SearchScreen { shared }
    }

    /// The search box changed (library only) or Enter was pressed (the sources too).
    pub(super) fn search(self: &Rc<Self>, sources: bool) {
        let query = self.shared.navigator.borrow().search().query().to_owned();
        if let Some(window) = self.shared.window.upgrade() {
            let status = views::search::searching(sources, &query);
            window.global::<SearchAdapter>().set_status(status.into());
        }
        if sources {
            self.shared.begin_work();
        }
        let search = Rc::clone(self);
        self.shared.in_background(
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
            move |found| {
                if sources {
                    search.shared.end_work();
                }
                search.show_results(sources, found)
            },
        );
    }

    fn show_results(&self, sources: bool, found: Result<SearchFound>) {
        let Some(window) = self.shared.window.upgrade() else { return };
        let view = window.global::<SearchAdapter>();
        let (query, cards, posters) = match found {
            Ok(found) => found,
            Err(error) => {
                view.set_status(getanime_app::explain(&error).into());
                return;
            }
        };
        if query != self.shared.navigator.borrow().search().query() {
            return; // the user typed on; a newer search is on its way
        }
        let ids = cards.iter().map(|card| card.id).collect();
        let model = cards_model(&cards, posters);
        if let Some(status) = views::search::found(sources, &query, model.len()) {
            view.set_status(status.into());
        }
        view.set_results(ModelRc::new(VecModel::from(model)));
        self.shared.navigator.borrow_mut().search_mut().set_results(ids);
        super::redraw(&self.shared);
    }
}

/// The keyboard's rows as Slint draws them (Search's and the menus' text rows').
pub(super) fn key_rows(keyboard: &views::keyboard::KeyboardView) -> ModelRc<KeyRow> {
    let rows: Vec<KeyRow> = keyboard
        .rows
        .iter()
        .map(|row| {
            let keys: Vec<KeyView> = row
                .iter()
                .map(|key| KeyView {
                    label: key.label.as_str().into(),
                    width: i32::from(key.width),
                })
                .collect();
            KeyRow { keys: ModelRc::new(VecModel::from(keys)) }
        })
        .collect();
    ModelRc::new(VecModel::from(rows))
}

impl super::ScreenAdapter for SearchScreen {
    fn kind(&self) -> ScreenKind {
        ScreenKind::Search
    }

    fn show(self: Rc<Self>) {
        self.search(false);
    }

    /// The query box, the focused result and the on-screen keyboard.
    fn show_focus(&self, window: &AppWindow, navigator: &Navigator) {
        let view = window.global::<SearchAdapter>();
        let box_focused = navigator.search().box_focused();
        let query_box = views::search::query_box(navigator.search().query(), box_focused);
        view.set_query(navigator.search().query().into());
        view.set_box_text(query_box.text.into());
        view.set_box_hint(query_box.hint);
        view.set_box_focused(box_focused);
        view.set_focus(navigator.search().result().map_or(-1, |index| index as i32));
        let (keyboard, focused) = navigator.search().keyboard();
        let keyboard = views::keyboard::keyboard(keyboard, focused);
        view.set_keyboard(key_rows(&keyboard));
        let (row, column) =
            keyboard.focus.map_or((-1, 0), |(row, column)| (row as i32, column as i32));
        view.set_key_row(row);
        view.set_key_column(column);
    }
}
