//! The names of the profile's lists, as every screen and the CLI say them.

use getanime_domain::{ListFilter, ListStatus};

use crate::language::tr;

/// "Watching", "On hold", ...
pub fn status_name(status: ListStatus) -> &'static str {
    match status {
        ListStatus::Watching => tr!("Watching"),
        ListStatus::Planned => tr!("Planned"),
        ListStatus::Completed => tr!("Completed"),
        ListStatus::OnHold => tr!("On hold"),
        ListStatus::Dropped => tr!("Dropped"),
    }
}

/// A list as a filter or a row: a status, or "Favorites".
pub fn list_name(list: ListFilter) -> &'static str {
    match list {
        ListFilter::Status(status) => status_name(status),
        ListFilter::Favorite => tr!("Favorites"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language::{Language, scoped};

    #[test]
    fn every_list_has_a_name_in_both_languages() {
        let names = |language| scoped(language, || ListFilter::ALL.map(list_name));
        assert_eq!(
            names(Language::English),
            ["Watching", "Planned", "Completed", "On hold", "Dropped", "Favorites"]
        );
        assert_eq!(
            names(Language::Russian),
            ["Смотрю", "Запланировано", "Просмотрено", "Отложено", "Брошено", "Избранное"]
        );
    }
}
