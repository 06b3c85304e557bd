//! The Browse screen's status line.

use getanime_domain::{BrowseFilter, BrowseQuery, BrowseSort};

use crate::language::{tr, trn};

/// While the grid loads.
pub fn loading() -> &'static str {
    tr!("Loading…")
}

/// How many titles the filters let through.
pub fn count(titles: usize) -> String {
    trn!("{n} title", "{n} titles", titles)
}

/// What the chip of `filter` shows: `Sort: updated`, `Year: all`.
pub fn filter_label(query: &BrowseQuery, filter: BrowseFilter) -> String {
    let all = || tr!("all").to_owned();
    match filter {
        BrowseFilter::Sort => tr!("Sort: {order}", order = sort_name(query.sort)),
        BrowseFilter::Source => {
            tr!("Source: {source}", source = query.source.clone().unwrap_or_else(all))
        }
        BrowseFilter::Genre => {
            tr!("Genre: {genre}", genre = query.genre.clone().unwrap_or_else(all))
        }
        BrowseFilter::Year => {
            tr!("Year: {year}", year = query.year.map_or_else(all, |year| year.to_string()))
        }
        BrowseFilter::List => tr!(
            "List: {list}",
            list = query.list.map_or_else(all, |list| super::lists::list_name(list).to_owned())
        ),
    }
}

fn sort_name(sort: BrowseSort) -> &'static str {
    match sort {
        BrowseSort::Updated => tr!("updated"),
        BrowseSort::Name => tr!("name"),
        BrowseSort::Rating => tr!("rating"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language::{Language, scoped};
    use getanime_domain::ListFilter;

    #[test]
    fn the_chips_name_their_filter_and_value() {
        let query = BrowseQuery {
            sort: BrowseSort::Rating,
            source: Some("demo".into()),
            genre: None,
            year: Some(2023),
            list: Some(ListFilter::Favorite),
        };
        let chips = |language| {
            scoped(language, || BrowseFilter::ALL.map(|filter| filter_label(&query, filter)))
        };
        assert_eq!(
            chips(Language::English),
            ["Sort: rating", "Source: demo", "Genre: all", "Year: 2023", "List: Favorites"]
        );
        assert_eq!(
            chips(Language::Russian),
            ["Порядок: по оценке", "Источник: demo", "Жанр: все", "Год: 2023", "Список: Избранное"]
        );
        assert_eq!(scoped(Language::Russian, || count(3)), "3 тайтла");
    }
}
