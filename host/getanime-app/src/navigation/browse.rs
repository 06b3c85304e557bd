//! Browse: a grid of every title with filter chips above it (sort, source, genre, year…), or
//! of one source's whole catalog with that source's filters.

use getanime_domain::{
    BrowseFacets, BrowseFilter, BrowseMode, BrowseQuery, CatalogFilters, FilterOption, TitleId,
};

use super::{Effect, Key, Outcome, Screen};

#[derive(Debug, Clone, PartialEq)]
pub struct BrowseState {
    pub(super) mode: BrowseMode,
    /// The sources whose whole catalog Browse can show (plugin id, name).
    pub(super) catalogs: Vec<FilterOption>,
    pub(super) query: BrowseQuery,
    /// The values the filters can take.
    pub(super) facets: BrowseFacets,
    pub(super) titles: Vec<TitleId>,
    pub(super) focus: usize,
    /// Cards per grid row (the view's width decides).
    pub(super) columns: usize,
    /// The focused filter chip, when focus is on the filter bar.
    pub(super) filter: Option<BrowseFilter>,
}

impl Default for BrowseState {
    fn default() -> BrowseState {
        BrowseState {
            mode: BrowseMode::Library,
            catalogs: Vec::new(),
            query: BrowseQuery::default(),
            facets: BrowseFacets::default(),
            titles: Vec::new(),
            focus: 0,
            columns: 1,
            filter: None,
        }
    }
}

impl BrowseState {
    /// The grid's filters and order.
    pub fn query(&self) -> &BrowseQuery {
        &self.query
    }

    /// The focused card (index into the titles), and the focused filter chip if any.
    pub fn focus(&self) -> (usize, Option<BrowseFilter>) {
        (self.focus, self.filter)
    }

    /// Cards per grid row; the focus stays on the same title.
    pub fn set_columns(&mut self, columns: usize) {
        self.columns = columns.max(1);
    }

    /// The values the filters can take.
    pub fn set_facets(&mut self, facets: BrowseFacets) {
        self.facets = facets;
    }

    /// The titles of the grid, in order; the focus goes back to the first.
    pub fn set_titles(&mut self, titles: Vec<TitleId>) {
        self.titles = titles;
        self.focus = 0;
    }

    /// More titles after the grid's (a catalog's next page); the focus stays.
    pub fn extend_titles(&mut self, titles: impl IntoIterator<Item = TitleId>) {
        self.titles.extend(titles);
    }

    /// The library, or the catalog shown with its filters.
    pub fn mode(&self) -> &BrowseMode {
        &self.mode
    }

    /// The chips above the grid, left to right.
    pub fn chips(&self) -> Vec<BrowseFilter> {
        self.mode.chips()
    }

    /// The sources whose whole catalog Browse can show (plugin id, name).
    pub fn set_catalogs(&mut self, catalogs: Vec<FilterOption>) {
        self.catalogs = catalogs;
    }

    /// The filters `plugin_id`'s catalog offers, once it said; ignored when Browse has moved on
    /// to another mode meanwhile.
    pub fn set_catalog_options(&mut self, plugin_id: &str, options: CatalogFilters) {
        if let BrowseMode::Catalog(catalog) = &mut self.mode
            && catalog.source.id == plugin_id
        {
            catalog.options = options;
        }
    }

    /// Puts the focus on the filter chip at `index`, if there is one.
    pub(super) fn focus_filter(&mut self, index: usize) -> bool {
        let Some(filter) = self.mode.chips().get(index).copied() else { return false };
        self.filter = Some(filter);
        true
    }

    /// Puts the focus on a card of the grid, if it exists.
    pub(super) fn focus_card(&mut self, index: usize) -> bool {
        if index >= self.titles.len() {
            return false;
        }
        self.filter = None;
        self.focus = index;
        true
    }

    pub(super) fn key(&mut self, key: Key) -> Outcome {
        match self.filter {
            Some(filter) => self.filter_key(filter, key),
            None => self.grid_key(key),
        }
    }

    fn filter_key(&mut self, filter: BrowseFilter, key: Key) -> Outcome {
        let chips = self.mode.chips();
        let at = chips.iter().position(|candidate| *candidate == filter).unwrap_or(0);
        match key {
            Key::Left => {
                self.filter = Some(chips[at.saturating_sub(1)]);
                Outcome::stay(Effect::Redraw)
            }
            Key::Right => {
                self.filter = Some(chips[(at + 1).min(chips.len() - 1)]);
                Outcome::stay(Effect::Redraw)
            }
            Key::Enter | Key::Up => {
                let forward = key == Key::Enter;
                match (&mut self.mode, filter) {
                    (mode, BrowseFilter::Mode) => {
                        let before = mode.clone();
                        mode.cycle(forward, &self.catalogs);
                        if *mode == before {
                            return Outcome::stay(Effect::Redraw);
                        }
                        // Nothing of the last grid belongs to the next one.
                        self.titles.clear();
                        self.focus = 0;
                    }
                    (BrowseMode::Library, filter) => {
                        self.query.cycle(filter, forward, &self.facets)
                    }
                    (BrowseMode::Catalog(catalog), filter) => {
                        catalog.filter.cycle(filter, forward, &catalog.options)
                    }
                }
                Outcome::stay(Effect::Show(Screen::Browse))
            }
            Key::Down if !self.titles.is_empty() => {
                self.filter = None;
                Outcome::stay(Effect::Redraw)
            }
            Key::Back | Key::Erase => Outcome::back(Effect::Redraw),
            _ => Outcome::stay(Effect::Redraw),
        }
    }

    fn grid_key(&mut self, key: Key) -> Outcome {
        let columns = self.columns;
        let last = self.titles.len().saturating_sub(1);
        match key {
            Key::Up if self.focus < columns => {
                self.filter = Some(BrowseFilter::Mode);
                Outcome::stay(Effect::Redraw)
            }
            Key::Up => {
                self.focus -= columns;
                Outcome::stay(Effect::Redraw)
            }
            Key::Down => {
                // The last row may be short: Down from above it lands on its last card.
                if self.focus / columns < last / columns {
                    self.focus = (self.focus + columns).min(last);
                }
                Outcome::stay(Effect::Redraw)
            }
            Key::Left if !self.focus.is_multiple_of(columns) => {
                self.focus -= 1;
                Outcome::stay(Effect::Redraw)
            }
            Key::Right if self.focus % columns + 1 < columns => {
                self.focus = (self.focus + 1).min(last);
                Outcome::stay(Effect::Redraw)
            }
            Key::Enter => Outcome::open_title(self.titles.get(self.focus).copied()),
            Key::Back | Key::Erase => Outcome::back(Effect::Redraw),
            _ => Outcome::stay(Effect::Redraw),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use getanime_domain::{BrowseMode, CatalogFilters, FilterOption};

    fn browsing(titles: std::ops::Range<i64>, columns: usize) -> Navigator {
        let mut navigator = Navigator::new();
        navigator.home_mut().set_rows(vec![ids(1..2)]);
        navigator.key(Key::Up);
        navigator.key(Key::Right);
        assert_eq!(navigator.key(Key::Enter), Effect::Show(Screen::Browse));
        navigator.browse_mut().set_columns(columns);
        navigator.browse_mut().set_titles(ids(titles));
        navigator
    }

    #[test]
    fn the_browse_grid_moves_by_cards_and_rows_and_clamps_the_short_last_row() {
        let mut navigator = browsing(0..10, 4);
        navigator.key(Key::Right);
        navigator.key(Key::Down);
        assert_eq!(navigator.browse().focus(), (5, None));
        navigator.key(Key::Down);
        assert_eq!(
            navigator.browse().focus(),
            (9, None),
            "the last row has two cards: its last one"
        );
        navigator.key(Key::Down);
        assert_eq!(navigator.browse().focus(), (9, None));
        navigator.key(Key::Right);
        assert_eq!(navigator.browse().focus(), (9, None), "nothing right of the last title");
        navigator.key(Key::Left);
        navigator.key(Key::Left);
        assert_eq!(navigator.browse().focus(), (8, None), "left stops at the row's first card");
        assert_eq!(navigator.key(Key::Enter), Effect::OpenTitle(TitleId(8)));
        navigator.key(Key::Back);
        assert_eq!(navigator.screen(), Screen::Browse);
        navigator.key(Key::Up);
        navigator.key(Key::Up);
        assert_eq!(navigator.browse().focus(), (0, None));
        navigator.key(Key::Up);
        assert_eq!(navigator.browse().focus(), (0, Some(BrowseFilter::Mode)), "up to the filters");
    }

    #[test]
    fn browse_filters_step_with_enter_and_reload_the_grid() {
        let mut navigator = browsing(0..3, 4);
        navigator.browse_mut().set_facets(BrowseFacets {
            sources: vec!["demo".into()],
            genres: vec!["Драма".into()],
            years: vec![2024],
        });
        navigator.key(Key::Up);
        navigator.key(Key::Right);
        assert_eq!(navigator.key(Key::Enter), Effect::Show(Screen::Browse));
        assert_eq!(navigator.browse().query().sort, getanime_domain::BrowseSort::Name);
        navigator.key(Key::Right);
        navigator.key(Key::Right);
        assert_eq!(navigator.browse().focus().1, Some(BrowseFilter::Genre));
        assert_eq!(navigator.key(Key::Enter), Effect::Show(Screen::Browse));
        assert_eq!(navigator.browse().query().genre.as_deref(), Some("Драма"));
        navigator.browse_mut().set_titles(Vec::new());
        assert_eq!(
            navigator.key(Key::Down),
            Effect::Redraw,
            "an empty grid keeps focus on the filters"
        );
        assert_eq!(navigator.browse().focus().1, Some(BrowseFilter::Genre));
        navigator.key(Key::Enter);
        assert_eq!(navigator.browse().query().genre, None, "after the last genre: all");
        navigator.browse_mut().set_titles(ids(0..3));
        navigator.key(Key::Down);
        assert_eq!(navigator.browse().focus(), (0, None));
        navigator.key(Key::Back);
        assert_eq!(navigator.screen(), Screen::Home);
    }

    #[test]
    fn the_mode_chip_switches_to_a_catalog_whose_chips_and_pages_follow_its_filters() {
        let mut navigator = browsing(0..3, 4);
        navigator.browse_mut().set_catalogs(vec![FilterOption::new("aniliberty", "AniLiberty")]);
        navigator.key(Key::Up);
        assert_eq!(navigator.key(Key::Enter), Effect::Show(Screen::Browse));
        let BrowseMode::Catalog(catalog) = navigator.browse().mode() else { panic!("a catalog") };
        assert_eq!(catalog.source.id, "aniliberty");
        assert_eq!(navigator.browse().focus(), (0, Some(BrowseFilter::Mode)));
        assert_eq!(navigator.key(Key::Down), Effect::Redraw, "no titles yet: focus stays up");
        assert_eq!(navigator.browse().focus().1, Some(BrowseFilter::Mode));
        assert_eq!(navigator.key(Key::Right), Effect::Redraw, "no filters known yet");
        assert_eq!(navigator.browse().focus().1, Some(BrowseFilter::Mode));

        navigator.browse_mut().set_catalog_options(
            "aniliberty",
            CatalogFilters {
                genres: vec![FilterOption::new("7", "Драма")],
                ..CatalogFilters::default()
            },
        );
        navigator.browse_mut().set_catalog_options("anilibria", CatalogFilters::default());
        assert_eq!(navigator.browse().mode().chips(), [BrowseFilter::Mode, BrowseFilter::Genre]);
        navigator.browse_mut().set_titles(ids(100..140));
        navigator.browse_mut().extend_titles(ids(140..160));
        navigator.key(Key::Right);
        assert_eq!(navigator.key(Key::Enter), Effect::Show(Screen::Browse));
        let BrowseMode::Catalog(catalog) = navigator.browse().mode() else { panic!("a catalog") };
        assert_eq!(catalog.filter.genres, ["7"]);
        navigator.browse_mut().set_titles(ids(100..140));
        navigator.browse_mut().extend_titles(ids(140..160));
        navigator.key(Key::Down);
        for _ in 0..20 {
            navigator.key(Key::Down);
        }
        assert_eq!(navigator.browse().focus(), (56, None), "the pages appended are walked into");
        assert_eq!(navigator.key(Key::Enter), Effect::OpenTitle(TitleId(156)));
        navigator.key(Key::Back);
        navigator.click(Pointed::BrowseFilter(0));
        assert_eq!(navigator.browse().mode(), &BrowseMode::Library, "after the last catalog");
        assert_eq!(navigator.browse().focus(), (0, Some(BrowseFilter::Mode)));
    }
}
