//! The Browse grid's model: every matching title id is in memory (8 bytes each), cards and
//! posters are loaded a page at a time when the grid first shows one of their rows, and pages far
//! from the view are dropped again. Slint's ListView only asks for the rows in view, so a
//! 100 000-title library costs a few pages of cards, never 100 000 posters.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::{Rc, Weak};

use getanime_app::domain::TitleId;
use slint::{Model, ModelNotify, ModelTracker};

use crate::ui::Card;

/// Cards loaded per request.
pub const PAGE: usize = 48;
/// Pages kept either side of the last one loaded.
const KEEP_PAGES: usize = 6;

/// Loads page `page` (the given ids) and hands the cards to [`BrowseCards::deliver`].
pub type PageLoader = Box<dyn Fn(Weak<BrowseCards>, usize, Vec<TitleId>)>;

pub struct BrowseCards {
    ids: Vec<TitleId>,
    pages: RefCell<HashMap<usize, Vec<Card>>>,
    requested: RefCell<HashSet<usize>>,
    notify: ModelNotify,
    loader: PageLoader,
    this: Weak<BrowseCards>,
}

impl BrowseCards {
    pub fn new(ids: Vec<TitleId>, loader: PageLoader) -> Rc<BrowseCards> {
        Rc::new_cyclic(|this| BrowseCards {
            ids,
            pages: RefCell::default(),
            requested: RefCell::default(),
            notify: ModelNotify::default(),
            loader,
            this: this.clone(),
        })
    }

    /// A loaded page: keeps it (dropping far ones) and redraws its cards.
    pub fn deliver(&self, page: usize, cards: Vec<Card>) {
        let mut pages = self.pages.borrow_mut();
        pages.insert(page, cards);
        let far: Vec<usize> =
            pages.keys().copied().filter(|other| other.abs_diff(page) > KEEP_PAGES).collect();
        let mut requested = self.requested.borrow_mut();
        for other in far {
            pages.remove(&other);
            requested.remove(&other);
        }
        drop((pages, requested));
        let start = page * PAGE;
        for row in start..(start + PAGE).min(self.ids.len()) {
            self.notify.row_changed(row);
        }
    }

    /// A page that failed to load may be asked for again.
    pub fn forget(&self, page: usize) {
        self.requested.borrow_mut().remove(&page);
    }

    /// The ids of page `page`.
    pub fn page_ids(&self, page: usize) -> Vec<TitleId> {
        let start = (page * PAGE).min(self.ids.len());
        self.ids[start..(start + PAGE).min(self.ids.len())].to_vec()
    }
}

impl Model for BrowseCards {
    type Data = Card;

    fn row_count(&self) -> usize {
        self.ids.len()
    }

    fn row_data(&self, row: usize) -> Option<Card> {
        self.ids.get(row)?;
        let page = row / PAGE;
        if let Some(card) = self.pages.borrow().get(&page).and_then(|cards| cards.get(row % PAGE)) {
            return Some(card.clone());
        }
        if self.requested.borrow_mut().insert(page) {
            (self.loader)(self.this.clone(), page, self.page_ids(page));
        }
        // A placeholder until the page arrives (the same size, so nothing jumps).
        Some(Card::default())
    }

    fn model_tracker(&self) -> &dyn ModelTracker {
        &self.notify
    }
}
