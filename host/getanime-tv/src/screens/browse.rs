//! The Browse screen: the whole library as a lazily loaded poster grid with filters, or a
//! source's whole catalog, asked for page by page as the grid nears its end.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::rc::{Rc, Weak};
use std::sync::Arc;

use getanime_app::domain::{BrowseMode, CatalogBrowse, CatalogFilter, TitleId};
use getanime_app::navigation::Navigator;
use getanime_app::views::browse as words;
use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use super::grid::BrowseCards;
use super::shared::{Shared, cards_model, posters_of, run_on};
use crate::ui::{AppWindow, BrowseAdapter, Card, ScreenKind};

/// Grid geometry (logical pixels), as in `theme.slint`: margins, card width, spacing.
const GRID_MARGIN: f32 = 64.0;
const CARD_WIDTH: f32 = 220.0;
const CARD_SPACING: f32 = 24.0;

pub(super) struct BrowseScreen {
    shared: Rc<Shared>,
    /// The catalog the grid pages through, when it shows one.
    feed: RefCell<Option<Rc<CatalogFeed>>>,
}

impl BrowseScreen {
    pub(super) fn new(shared: Rc<Shared>) -> BrowseScreen {
        BrowseScreen { shared, feed: RefCell::default() }
    }

    /// Loads the titles the Browse query lets through and shows them as a grid (on opening,
    /// and when a filter changed).
    pub(super) fn open(self: &Rc<Self>) {
        let Some(window) = self.shared.window.upgrade() else { return };
        let width = window.window().size().to_logical(window.window().scale_factor()).width;
        let columns = ((width - 2.0 * GRID_MARGIN + CARD_SPACING) / (CARD_WIDTH + CARD_SPACING))
            .floor()
            .max(1.0) as usize;
        window.global::<BrowseAdapter>().set_columns(columns as i32);
        window.global::<BrowseAdapter>().set_status(words::loading().into());
        self.shared.navigator.borrow_mut().browse_mut().set_columns(columns);
        // A page still on its way belongs to the grid being replaced.
        self.feed.replace(None);
        let mode = self.shared.navigator.borrow().browse().mode().clone();
        if let BrowseMode::Catalog(catalog) = mode {
            self.show_catalog(*catalog);
            return;
        }
        let query = self.shared.navigator.borrow().browse().query().clone();
        let screen = Rc::clone(self);
        self.shared.in_background(
            "browse",
            move |app| async move {
                let facets = app.browse_facets().await?;
                let catalogs = app.catalog_sources().await?;
                let ids = app.browse(query).await?;
                anyhow::Ok((facets, catalogs, ids))
            },
            move |loaded| {
                let Some(window) = screen.shared.window.upgrade() else { return };
                let view = window.global::<BrowseAdapter>();
                match loaded {
                    Ok((facets, catalogs, ids)) => {
                        view.set_status(words::count(ids.len()).into());
                        {
                            let mut navigator = screen.shared.navigator.borrow_mut();
                            navigator.browse_mut().set_facets(facets);
                            navigator.browse_mut().set_catalogs(catalogs);
                            navigator.browse_mut().set_titles(ids.clone());
                        }
                        let model = BrowseCards::new(ids, screen.page_loader());
                        view.set_cards(ModelRc::from(model));
                    }
                    Err(error) => view.set_status(getanime_app::explain(&error).into()),
                }
                super::redraw(&screen.shared);
            },
        );
    }

    /// A source's catalog: its filters (asked once per visit), then the first page; the grid asks
    /// for the next ones as it nears its end.
    fn show_catalog(self: &Rc<Self>, catalog: CatalogBrowse) {
        if let Some(window) = self.shared.window.upgrade() {
            window.global::<BrowseAdapter>().set_cards(ModelRc::default());
        }
        self.shared.navigator.borrow_mut().browse_mut().set_titles(Vec::new());
        super::redraw(&self.shared);
        let feed = Rc::new(CatalogFeed::new(&catalog));
        self.feed.replace(Some(Rc::clone(&feed)));
        let known = (catalog.options != Default::default()).then_some(catalog.options);
        let (plugin_id, filter) = (catalog.source.id, catalog.filter);
        let screen = Rc::clone(self);
        self.shared.in_background(
            "browse a catalog",
            move |app| async move {
                let options = match known {
                    Some(options) => options,
                    None => app.catalog_filters(&plugin_id).await?,
                };
                let first = app.catalog_page(&plugin_id, &filter, 1).await?;
                anyhow::Ok((plugin_id, options, first))
            },
            move |loaded| {
                if !screen.is_current(&feed) {
                    return;
                }
                let Some(window) = screen.shared.window.upgrade() else { return };
                match loaded {
                    Ok((plugin_id, options, first)) => {
                        let ids = feed.arrived(&first);
                        {
                            let mut navigator = screen.shared.navigator.borrow_mut();
                            navigator.browse_mut().set_catalog_options(&plugin_id, options);
                            navigator.browse_mut().set_titles(ids.clone());
                        }
                        let model = BrowseCards::new(ids, screen.page_loader());
                        let (weak_screen, weak_feed) =
                            (Rc::downgrade(&screen), Rc::downgrade(&feed));
                        model.on_near_end(move || more_of(&weak_screen, &weak_feed));
                        feed.cards.replace(Some(Rc::clone(&model)));
                        window.global::<BrowseAdapter>().set_cards(ModelRc::from(model));
                        screen.show_catalog_status(&feed);
                    }
                    Err(error) => {
                        let status = getanime_app::explain(&error);
                        window.global::<BrowseAdapter>().set_status(status.into());
                    }
                }
                super::redraw(&screen.shared);
            },
        );
    }

    /// The catalog's next page, unless one is on its way or the source has no more.
    fn more_catalog(self: &Rc<Self>, feed: Rc<CatalogFeed>) {
        let Some(page) = feed.next_page.get() else { return };
        if feed.loading.replace(true) {
            return;
        }
        let (plugin_id, filter) = (feed.plugin_id.clone(), feed.filter.clone());
        let screen = Rc::clone(self);
        self.shared.in_background(
            "load the catalog's next page",
            move |app| async move { app.catalog_page(&plugin_id, &filter, page).await },
            move |loaded| {
                feed.loading.set(false);
                if !screen.is_current(&feed) {
                    return;
                }
                match loaded {
                    Ok(next) => {
                        let ids = feed.arrived(&next);
                        screen
                            .shared
                            .navigator
                            .borrow_mut()
                            .browse_mut()
                            .extend_titles(ids.iter().copied());
                        let nothing_new = ids.is_empty();
                        if let Some(cards) = feed.cards.borrow().as_ref() {
                            cards.append(ids);
                        }
                        screen.show_catalog_status(&feed);
                        // A page of titles already shown draws no new row to ask for the next.
                        if nothing_new && feed.empty_pages.get() < MAX_EMPTY_PAGES {
                            screen.more_catalog(feed);
                        }
                    }
                    Err(error) => {
                        // Scrolling on would ask again at once; changing a filter starts over.
                        feed.next_page.set(None);
                        if let Some(window) = screen.shared.window.upgrade() {
                            let status = getanime_app::explain(&error);
                            window.global::<BrowseAdapter>().set_status(status.into());
                        }
                    }
                }
            },
        );
    }

    fn is_current(&self, feed: &Rc<CatalogFeed>) -> bool {
        self.feed.borrow().as_ref().is_some_and(|current| Rc::ptr_eq(current, feed))
    }

    fn show_catalog_status(&self, feed: &CatalogFeed) {
        let Some(window) = self.shared.window.upgrade() else { return };
        let shown = feed.seen.borrow().len();
        let status = if feed.next_page.get().is_some() {
            words::catalog_count(shown)
        } else {
            words::count(shown)
        };
        window.global::<BrowseAdapter>().set_status(status.into());
    }

    /// Loads one page of grid cards (with posters) off the UI thread.
    fn page_loader(&self) -> super::grid::PageLoader {
        let app = Arc::clone(&self.shared.app);
        let runtime = Arc::clone(&self.shared.runtime);
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

/// Pages in a row that bring nothing new before the feed stops asking on its own.
const MAX_EMPTY_PAGES: u32 = 3;

/// A catalog being paged through: what it asks for, how far it got, what it has shown.
pub(super) struct CatalogFeed {
    plugin_id: String,
    filter: CatalogFilter,
    /// The page to ask for next; `None` once the source has no more.
    next_page: Cell<Option<u32>>,
    loading: Cell<bool>,
    /// Titles already in the grid: a source's order shifts while one pages, so a title can come
    /// twice.
    seen: RefCell<HashSet<TitleId>>,
    /// Pages in a row that added nothing.
    empty_pages: Cell<u32>,
    cards: RefCell<Option<Rc<BrowseCards>>>,
}

impl CatalogFeed {
    fn new(catalog: &CatalogBrowse) -> CatalogFeed {
        CatalogFeed {
            plugin_id: catalog.source.id.clone(),
            filter: catalog.filter.clone(),
            next_page: Cell::new(None),
            loading: Cell::new(false),
            seen: RefCell::default(),
            empty_pages: Cell::new(0),
            cards: RefCell::default(),
        }
    }

    /// A page came: its titles not shown yet, and which page is next.
    fn arrived(&self, page: &getanime_app::CatalogPage) -> Vec<TitleId> {
        let mut seen = self.seen.borrow_mut();
        let fresh: Vec<TitleId> =
            page.cards.iter().map(|card| card.id).filter(|id| seen.insert(*id)).collect();
        let more = match page.pages {
            Some(pages) => page.page < pages,
            None => !page.cards.is_empty(),
        };
        self.next_page.set(more.then_some(page.page + 1));
        self.empty_pages.set(if fresh.is_empty() { self.empty_pages.get() + 1 } else { 0 });
        fresh
    }
}

/// The grid neared its end: the next page, if the feed is still the one shown.
fn more_of(screen: &Weak<BrowseScreen>, feed: &Weak<CatalogFeed>) {
    if let (Some(screen), Some(feed)) = (screen.upgrade(), feed.upgrade()) {
        screen.more_catalog(feed);
    }
}

impl super::ScreenAdapter for BrowseScreen {
    fn kind(&self) -> ScreenKind {
        ScreenKind::Browse
    }

    fn show(self: Rc<Self>) {
        self.open();
    }

    /// The focused card or filter chip, and the chips' labels.
    fn show_focus(&self, window: &AppWindow, navigator: &Navigator) {
        let view = window.global::<BrowseAdapter>();
        let (focus, filter) = navigator.browse().focus();
        view.set_focus(focus as i32);
        let chips = navigator.browse().chips();
        view.set_filter_focus(filter.map_or(-1, |filter| {
            chips.iter().position(|candidate| *candidate == filter).unwrap_or(0) as i32
        }));
        let labels: Vec<SharedString> =
            words::chip_labels(navigator.browse().query(), navigator.browse().mode())
                .into_iter()
                .map(SharedString::from)
                .collect();
        view.set_filters(ModelRc::new(VecModel::from(labels)));
    }
}
