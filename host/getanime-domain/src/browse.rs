//! What the Browse screen asks the library for: every title, filtered and sorted.

use serde::Serialize;

use crate::ListStatus;

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

/// One of the filter chips above the grid, left to right.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum BrowseFilter {
    Sort,
    Source,
    Genre,
    Year,
    List,
}

impl BrowseFilter {
    pub const ALL: [BrowseFilter; 5] = [
        BrowseFilter::Sort,
        BrowseFilter::Source,
        BrowseFilter::Genre,
        BrowseFilter::Year,
        BrowseFilter::List,
    ];
}

impl BrowseQuery {
    /// Steps `filter` to its next (`forward`) or previous value; "all" sits between the last
    /// and the first value, so a filter can always be switched off again.
    pub fn cycle(&mut self, filter: BrowseFilter, forward: bool, facets: &BrowseFacets) {
        match filter {
            BrowseFilter::Sort => {
                let at = BrowseSort::ALL.iter().position(|sort| *sort == self.sort).unwrap_or(0);
                let count = BrowseSort::ALL.len();
                let next = if forward { (at + 1) % count } else { (at + count - 1) % count };
                self.sort = BrowseSort::ALL[next];
            }
            BrowseFilter::Source => {
                self.source = step(self.source.take(), &facets.sources, forward)
            }
            BrowseFilter::Genre => self.genre = step(self.genre.take(), &facets.genres, forward),
            BrowseFilter::Year => self.year = step(self.year, &facets.years, forward),
            BrowseFilter::List => self.list = step(self.list, &ListFilter::ALL, forward),
        }
    }
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

    #[test]
    fn a_filter_without_values_stays_all() {
        let mut query = BrowseQuery::default();
        query.cycle(BrowseFilter::Genre, true, &BrowseFacets::default());
        query.cycle(BrowseFilter::Year, false, &BrowseFacets::default());
        assert_eq!(query, BrowseQuery::default());
    }
}
