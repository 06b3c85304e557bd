//! The Browse grid's model: every matching title id is in memory (8 bytes each), cards and
//! posters are loaded a page at a time when the grid first shows one of their rows, and pages far
//! from the view are dropped again. Slint's ListView only asks for the rows in view, so a
//! 100 000-title library costs a few pages of cards, never 100 000 posters. A catalog's grid
//! grows: when the view nears its end the model says so ([`BrowseCards::on_near_end`]) and the
//! next page's ids are [appended](BrowseCards::append).

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
    ids: RefCell<Vec<TitleId>>,
    /// Called when the view shows one of the last [`PAGE`] cards.
    near_end: RefCell<Option<Box<dyn Fn()>>>,
    pages: RefCell<HashMap<usize, Vec<Card>>>,
    requested: RefCell<HashSet<usize>>,
    notify: ModelNotify,
    loader: PageLoader,
    this: Weak<BrowseCards>,
}

impl BrowseCards {
    pub fn new(ids: Vec<TitleId>, loader: PageLoader) -> Rc<BrowseCards> {
        Rc::new_cyclic(|this| BrowseCards {
            ids: RefCell::new(ids),
            near_end: RefCell::default(),
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
        for row in start..(start + PAGE).min(self.ids.borrow().len()) {
            self.notify.row_changed(row);
        }
    }

    /// `near_end` runs whenever the view shows one of the last cards (it decides whether
    /// another page is wanted and already asked for).
    pub fn on_near_end(&self, near_end: impl Fn() + 'static) {
        *self.near_end.borrow_mut() = Some(Box::new(near_end));
    }

    /// More titles after the last; the page they start in is loaded again when shown (its
    /// cards so far stay drawn meanwhile).
    pub fn append(&self, ids: Vec<TitleId>) {
        if ids.is_empty() {
            return;
        }
        let start = self.ids.borrow().len();
        self.ids.borrow_mut().extend_from_slice(&ids);
        self.requested.borrow_mut().remove(&(start / PAGE));
        self.notify.row_added(start, ids.len());
    }

    /// A page that failed to load may be asked for again.
    pub fn forget(&self, page: usize) {
        self.requested.borrow_mut().remove(&page);
    }

    /// The ids of page `page`.
    pub fn page_ids(&self, page: usize) -> Vec<TitleId> {
        let ids = self.ids.borrow();
        let start = (page * PAGE).min(ids.len());
        ids[start..(start + PAGE).min(ids.len())].to_vec()
    }
}

impl Model for BrowseCards {
    type Data = Card;

    fn row_count(&self) -> usize {
        self.ids.borrow().len()
    }

    fn row_data(&self, row: usize) -> Option<Card> {
        let count = self.ids.borrow().len();
        if row >= count {
            return None;
        }
        if row + PAGE >= count
            && let Some(near_end) = self.near_end.borrow().as_ref()
        {
            near_end();
        }
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
