//! The Browse screen's status line and filter chips.

use getanime_domain::{
    BrowseFilter, BrowseMode, BrowseQuery, BrowseSort, CatalogBrowse, CatalogFilter, FilterOption,
};

use crate::language::{tr, trn};

/// While the grid loads.
pub fn loading() -> &'static str {
    tr!("Loading…")
}

/// How many titles the filters let through.
pub fn count(titles: usize) -> String {
    trn!("{n} title", "{n} titles", titles)
}

/// How many titles of a catalog are shown so far, while the source has more pages.
pub fn catalog_count(titles: usize) -> String {
    trn!("{n} title so far, more as you scroll", "{n} titles so far, more as you scroll", titles)
}

/// A source without a whole catalog (a contract 0.1 plugin, or one that does not offer it).
pub fn no_catalog(source: &str) -> String {
    tr!("{source} offers no catalog to browse", source = source.to_owned())
}

/// What the chips show, left to right, in `mode`.
pub fn chip_labels(query: &BrowseQuery, mode: &BrowseMode) -> Vec<String> {
    mode.chips()
        .into_iter()
        .map(|chip| match mode {
            BrowseMode::Library => filter_label(query, chip),
            BrowseMode::Catalog(catalog) => catalog_label(catalog, chip),
        })
        .collect()
}

/// The mode chip: `Library`, or the catalog of `source`: `Catalog: AniLiberty`.
fn mode_label(source: Option<&FilterOption>) -> String {
    match source {
        None => tr!("Library").to_owned(),
        Some(source) => tr!("Catalog: {source}", source = source.label.clone()),
    }
}

/// A catalog's chip: the chosen option's label, `all`, or the source's default order.
fn catalog_label(catalog: &CatalogBrowse, chip: BrowseFilter) -> String {
    let CatalogFilter { genres, year_from, kinds, status, sort, .. } = &catalog.filter;
    let options = &catalog.options;
    let named = |chosen: Option<&String>, options: &[FilterOption]| {
        chosen
            .and_then(|id| options.iter().find(|option| option.id == *id))
            .map_or_else(|| tr!("all").to_owned(), |option| option.label.clone())
    };
    match chip {
        BrowseFilter::Mode => mode_label(Some(&catalog.source)),
        BrowseFilter::Genre => {
            tr!("Genre: {genre}", genre = named(genres.first(), &options.genres))
        }
        BrowseFilter::Kind => tr!("Kind: {kind}", kind = named(kinds.first(), &options.kinds)),
        BrowseFilter::Status => {
            tr!("Status: {status}", status = named(status.as_ref(), &options.statuses))
        }
        BrowseFilter::Year => tr!(
            "Year: {year}",
            year = year_from.map_or_else(|| tr!("all").to_owned(), |year| year.to_string())
        ),
        BrowseFilter::Sort => {
            let order = sort
                .as_ref()
                .and_then(|id| options.sorts.iter().find(|option| option.id == *id))
                .or(options.sorts.first())
                .map(|option| option.label.clone())
                .unwrap_or_default();
            tr!("Sort: {order}", order = order)
        }
        BrowseFilter::Source | BrowseFilter::List => String::new(),
    }
}

/// What the chip of `filter` shows: `Sort: updated`, `Year: all`.
pub fn filter_label(query: &BrowseQuery, filter: BrowseFilter) -> String {
    let all = || tr!("all").to_owned();
    match filter {
        BrowseFilter::Mode => mode_label(None),
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
        // A catalog's chips, not the library's.
        BrowseFilter::Kind | BrowseFilter::Status => String::new(),
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

    /// The chips of `mode`, joined with ` | `, in English and in Russian.
    fn check_chips(query: &BrowseQuery, mode: &BrowseMode, english: &str, russian: &str) {
        let chips = |language| scoped(language, || chip_labels(query, mode).join(" | "));
        assert_eq!(chips(Language::English), english);
        assert_eq!(chips(Language::Russian), russian);
    }

    #[test]
    fn the_chips_name_their_filter_and_value() {
        let query = BrowseQuery {
            sort: BrowseSort::Rating,
            source: Some("demo".into()),
            genre: None,
            year: Some(2023),
            list: Some(ListFilter::Favorite),
        };
        check_chips(
            &query,
            &BrowseMode::Library,
            "Library | Sort: rating | Source: demo | Genre: all | Year: 2023 | List: Favorites",
            "Библиотека | Порядок: по оценке | Источник: demo | Жанр: все | Год: 2023 | Список: Избранное",
        );
        assert_eq!(scoped(Language::Russian, || count(3)), "3 тайтла");
    }

    #[test]
    fn a_catalogs_chips_name_the_source_and_the_chosen_options() {
        let mut catalog = CatalogBrowse::new(FilterOption::new("aniliberty", "AniLiberty"));
        catalog.options = getanime_domain::CatalogFilters {
            genres: vec![FilterOption::new("7", "Драма")],
            years: Some((1999, 2025)),
            kinds: vec![FilterOption::new("TV", "ТВ")],
            statuses: vec![FilterOption::new("IS_ONGOING", "Онгоинг")],
            sorts: vec![FilterOption::new("FRESH_AT_DESC", "Обновлённые")],
        };
        catalog.filter.genres = vec!["7".into()];
        catalog.filter.year_from = Some(2024);
        let mode = BrowseMode::Catalog(Box::new(catalog));
        check_chips(
            &BrowseQuery::default(),
            &mode,
            "Catalog: AniLiberty | Sort: Обновлённые | Genre: Драма | Year: 2024 | Kind: all | Status: all",
            "Каталог: AniLiberty | Порядок: Обновлённые | Жанр: Драма | Год: 2024 | Тип: все | Статус: все",
        );
        assert_eq!(
            scoped(Language::Russian, || catalog_count(21)),
            "21 тайтл пока, остальные — по мере прокрутки"
        );
        assert_eq!(
            scoped(Language::English, || catalog_count(1)),
            "1 title so far, more as you scroll"
        );
        assert_eq!(
            scoped(Language::Russian, || no_catalog("Демо")),
            "У источника Демо нет каталога для просмотра"
        );
    }
}
