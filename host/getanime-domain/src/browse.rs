//! What the Browse screen asks for: every title of the library, filtered and sorted, or one
//! source's whole catalog with that source's filters.

use serde::Serialize;

use crate::{CatalogFilter, CatalogFilters, FilterOption, ListStatus};

/// The order of the Browse grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum BrowseSort {
    /// Newest episodes first.
    #[default]
    Updated,
    /// By name, A to Z in any script.
    Name,
    /// The profile's highest ratings first, unrated titles after.
    Rating,
}

impl BrowseSort {
    pub const ALL: [BrowseSort; 3] = [BrowseSort::Updated, BrowseSort::Name, BrowseSort::Rating];
}

/// Filters and order of the Browse grid; `None` filters let everything through.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct BrowseQuery {
    pub sort: BrowseSort,
    /// Only titles of this plugin.
    pub source: Option<String>,
    pub genre: Option<String>,
    pub year: Option<u16>,
    /// Only titles in one of the profile's lists.
    pub list: Option<ListFilter>,
}

/// A profile's list, as a Browse filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ListFilter {
    Status(ListStatus),
    Favorite,
}

impl ListFilter {
    /// Every list, in the order the chip steps through them.
    pub const ALL: [ListFilter; 6] = [
        ListFilter::Status(ListStatus::Watching),
        ListFilter::Status(ListStatus::Planned),
        ListFilter::Status(ListStatus::Completed),
        ListFilter::Status(ListStatus::OnHold),
        ListFilter::Status(ListStatus::Dropped),
        ListFilter::Favorite,
    ];

    /// `watching` ... `dropped`, or `favorite`: what the CLI types.
    pub fn code(self) -> &'static str {
        match self {
            ListFilter::Status(status) => status.code(),
            ListFilter::Favorite => "favorite",
        }
    }

    pub fn from_code(code: &str) -> Option<ListFilter> {
        ListFilter::ALL.into_iter().find(|list| list.code() == code)
    }
}

/// The values the Browse filters can take in this library.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct BrowseFacets {
    pub sources: Vec<String>,
    /// Alphabetical.
    pub genres: Vec<String>,
    /// Newest first.
    pub years: Vec<u16>,
}

/// Where the Browse grid's titles come from.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub enum BrowseMode {
    /// The library on this machine, under [`BrowseQuery`].
    #[default]
    Library,
    /// A source's whole catalog, asked for page by page.
    Catalog(Box<CatalogBrowse>),
}

/// A source's catalog as Browse shows it: which source, its filters, and what is chosen.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct CatalogBrowse {
    /// The plugin id and the source's name.
    pub source: FilterOption,
    /// What the source's filters can take (empty until the source has said).
    pub options: CatalogFilters,
    pub filter: CatalogFilter,
}

impl CatalogBrowse {
    pub fn new(source: FilterOption) -> CatalogBrowse {
        CatalogBrowse {
            source,
            options: CatalogFilters::default(),
            filter: CatalogFilter::default(),
        }
    }
}

/// One of the filter chips above the grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum BrowseFilter {
    /// The library, or which source's catalog.
    Mode,
    Sort,
    Source,
    Genre,
    Year,
    List,
    /// A catalog's kinds (TV, film, OVA…).
    Kind,
    /// A catalog's airing status.
    Status,
}

impl BrowseFilter {
    /// The library's chips, left to right.
    pub const LIBRARY: [BrowseFilter; 6] = [
        BrowseFilter::Mode,
        BrowseFilter::Sort,
        BrowseFilter::Source,
        BrowseFilter::Genre,
        BrowseFilter::Year,
        BrowseFilter::List,
    ];

    /// The chips of a catalog, left to right: the mode, then each filter the source has.
    pub fn catalog(options: &CatalogFilters) -> Vec<BrowseFilter> {
        let mut chips = vec![BrowseFilter::Mode];
        let offered = [
            (BrowseFilter::Sort, !options.sorts.is_empty()),
            (BrowseFilter::Genre, !options.genres.is_empty()),
            (BrowseFilter::Year, options.years.is_some()),
            (BrowseFilter::Kind, !options.kinds.is_empty()),
            (BrowseFilter::Status, !options.statuses.is_empty()),
        ];
        chips.extend(offered.into_iter().filter(|(_, offered)| *offered).map(|(chip, _)| chip));
        chips
    }
}

impl BrowseMode {
    /// The chips above the grid in this mode.
    pub fn chips(&self) -> Vec<BrowseFilter> {
        match self {
            BrowseMode::Library => BrowseFilter::LIBRARY.to_vec(),
            BrowseMode::Catalog(catalog) => BrowseFilter::catalog(&catalog.options),
        }
    }

    /// Steps to the next (`forward`) or previous of: the library, then each source of
    /// `catalogs`; a new catalog starts with no filter.
    pub fn cycle(&mut self, forward: bool, catalogs: &[FilterOption]) {
        let current = match self {
            BrowseMode::Library => None,
            BrowseMode::Catalog(catalog) => Some(catalog.source.clone()),
        };
        *self = match step(current, catalogs, forward) {
            Some(source) => BrowseMode::Catalog(Box::new(CatalogBrowse::new(source))),
            None => BrowseMode::Library,
        };
    }
}

impl BrowseQuery {
    /// Steps `filter` to its next (`forward`) or previous value; "all" sits between the last
    /// and the first value, so a filter can always be switched off again.
    pub fn cycle(&mut self, filter: BrowseFilter, forward: bool, facets: &BrowseFacets) {
        match filter {
            BrowseFilter::Sort => {
                if let Some(sort) = step_around(Some(&self.sort), &BrowseSort::ALL, forward) {
                    self.sort = sort;
                }
            }
            BrowseFilter::Source => {
                self.source = step(self.source.take(), &facets.sources, forward)
            }
            BrowseFilter::Genre => self.genre = step(self.genre.take(), &facets.genres, forward),
            BrowseFilter::Year => self.year = step(self.year, &facets.years, forward),
            BrowseFilter::List => self.list = step(self.list, &ListFilter::ALL, forward),
            // Not the library's: the mode is the navigator's, the rest a catalog's.
            BrowseFilter::Mode | BrowseFilter::Kind | BrowseFilter::Status => {}
        }
    }
}

impl CatalogFilter {
    /// Steps `filter` to its next (`forward`) or previous value among `options`, as
    /// [`BrowseQuery::cycle`] does (one genre, year or kind at a time; the sort has no "all": the
    /// source's first order is its default).
    pub fn cycle(&mut self, filter: BrowseFilter, forward: bool, options: &CatalogFilters) {
        let ids = |options: &[FilterOption]| -> Vec<String> {
            options.iter().map(|option| option.id.clone()).collect()
        };
        let one = |chosen: &[String]| chosen.first().cloned();
        match filter {
            BrowseFilter::Genre => {
                self.genres =
                    step(one(&self.genres), &ids(&options.genres), forward).into_iter().collect();
            }
            BrowseFilter::Kind => {
                self.kinds =
                    step(one(&self.kinds), &ids(&options.kinds), forward).into_iter().collect();
            }
            BrowseFilter::Status => {
                self.status = step(self.status.take(), &ids(&options.statuses), forward);
            }
            BrowseFilter::Year => {
                let years: Vec<u16> = options
                    .years
                    .map(|(first, last)| (first.min(last)..=first.max(last)).rev().collect())
                    .unwrap_or_default();
                self.year_from = step(self.year_from, &years, forward);
                self.year_to = self.year_from;
            }
            BrowseFilter::Sort => {
                let sorts = ids(&options.sorts);
                if let Some(sort) = step_around(self.sort.as_ref(), &sorts, forward) {
                    self.sort = Some(sort);
                }
            }
            BrowseFilter::Mode | BrowseFilter::Source | BrowseFilter::List => {}
        }
    }
}

/// The value after (or before) `current` in `values`, wrapping around, for a choice that has no
/// "all" (an order); an unknown or missing `current` counts as the first. `None` when there are
/// no values.
fn step_around<T: PartialEq + Clone>(
    current: Option<&T>,
    values: &[T],
    forward: bool,
) -> Option<T> {
    if values.is_empty() {
        return None;
    }
    let count = values.len();
    let at = current
        .and_then(|current| values.iter().position(|candidate| candidate == current))
        .unwrap_or(0);
    let next = if forward { (at + 1) % count } else { (at + count - 1) % count };
    values.get(next).cloned()
}

/// The value after (or before) `current` in `values`, with `None` ("all") as the wrap point.
fn step<T: PartialEq + Clone>(current: Option<T>, values: &[T], forward: bool) -> Option<T> {
    let at = current.and_then(|value| values.iter().position(|candidate| *candidate == value));
    let next = match (at, forward) {
        (None, true) => Some(0),
        (None, false) => values.len().checked_sub(1),
        (Some(at), true) => (at + 1 < values.len()).then_some(at + 1),
        (Some(at), false) => at.checked_sub(1),
    };
    next.and_then(|index| values.get(index).cloned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facets() -> BrowseFacets {
        BrowseFacets {
            sources: vec!["anilibria".into(), "demo".into()],
            genres: vec!["Драма".into()],
            years: vec![2024, 2023],
        }
    }

    #[test]
    fn filters_cycle_through_their_values_and_back_to_all() {
        let facets = facets();
        let mut query = BrowseQuery::default();
        query.cycle(BrowseFilter::Source, true, &facets);
        assert_eq!(query.source.as_deref(), Some("anilibria"));
        query.cycle(BrowseFilter::Source, true, &facets);
        assert_eq!(query.source.as_deref(), Some("demo"));
        query.cycle(BrowseFilter::Source, true, &facets);
        assert_eq!(query.source, None, "after the last value comes all");
        query.cycle(BrowseFilter::Year, false, &facets);
        assert_eq!(query.year, Some(2023), "backwards from all is the last value");
        query.cycle(BrowseFilter::Genre, true, &facets);
        query.cycle(BrowseFilter::Genre, true, &facets);
        assert_eq!(query.genre, None);
        query.cycle(BrowseFilter::Sort, false, &facets);
        assert_eq!(query.sort, BrowseSort::Rating);
        query.cycle(BrowseFilter::List, false, &facets);
        assert_eq!(query.list, Some(ListFilter::Favorite), "lists need no facets");
        query.cycle(BrowseFilter::List, true, &facets);
        assert_eq!(query.list, None);
    }

    fn option(id: &str) -> FilterOption {
        FilterOption { id: id.into(), label: id.to_uppercase() }
    }

    #[test]
    fn a_catalog_offers_the_chips_of_its_filters_and_steps_them() {
        let options = CatalogFilters {
            genres: vec![option("1"), option("2")],
            years: Some((2021, 2023)),
            kinds: Vec::new(),
            statuses: vec![option("IS_ONGOING")],
            sorts: vec![option("FRESH_AT_DESC"), option("RATING_DESC")],
        };
        use BrowseFilter::*;
        assert_eq!(BrowseFilter::catalog(&options), [Mode, Sort, Genre, Year, Status]);
        assert_eq!(BrowseFilter::catalog(&CatalogFilters::default()), [Mode]);
        let mut filter = CatalogFilter::default();
        filter.cycle(Genre, false, &options);
        assert_eq!(filter.genres, ["2"], "backwards from all is the last genre");
        filter.cycle(Genre, true, &options);
        assert!(filter.genres.is_empty());
        filter.cycle(Year, true, &options);
        assert_eq!((filter.year_from, filter.year_to), (Some(2023), Some(2023)), "newest first");
        filter.cycle(Year, true, &options);
        assert_eq!(filter.year_from, Some(2022));
        filter.cycle(Sort, true, &options);
        assert_eq!(filter.sort.as_deref(), Some("RATING_DESC"), "the first order is the default");
        filter.cycle(Sort, true, &options);
        assert_eq!(filter.sort.as_deref(), Some("FRESH_AT_DESC"), "orders wrap, no all");
        filter.cycle(Kind, true, &options);
        assert!(filter.kinds.is_empty(), "a filter the source lacks stays empty");
        filter.cycle(Status, true, &options);
        assert_eq!(filter.status.as_deref(), Some("IS_ONGOING"));
    }

    #[test]
    fn the_mode_steps_from_the_library_through_each_catalog_and_back() {
        let catalogs = [option("aniliberty"), option("anilibria")];
        let mut mode = BrowseMode::Library;
        mode.cycle(true, &catalogs);
        let BrowseMode::Catalog(catalog) = &mut mode else { panic!("a catalog: {mode:?}") };
        assert_eq!(catalog.source.id, "aniliberty");
        catalog.filter.genres = vec!["1".into()];
        mode.cycle(true, &catalogs);
        assert_eq!(mode, BrowseMode::Catalog(Box::new(CatalogBrowse::new(option("anilibria")))));
        mode.cycle(true, &catalogs);
        assert_eq!(mode, BrowseMode::Library);
        mode.cycle(false, &catalogs);
        assert_eq!(mode.chips(), [BrowseFilter::Mode], "a catalog not yet loaded: the mode only");
        mode.cycle(true, &[]);
        assert_eq!(mode, BrowseMode::Library);
    }

    #[test]
    fn a_filter_without_values_stays_all() {
        let mut query = BrowseQuery::default();
        query.cycle(BrowseFilter::Genre, true, &BrowseFacets::default());
        query.cycle(BrowseFilter::Year, false, &BrowseFacets::default());
        assert_eq!(query, BrowseQuery::default());
    }
}
