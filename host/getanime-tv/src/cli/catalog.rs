//! `getanime sync`, `getanime search` and `getanime catalog`: what the sources have.

use anyhow::{Result, bail};
use getanime_app::domain::{CatalogFilter, TitleCard};
use getanime_app::{App, SyncEvent, SyncScope};

use super::Output;

impl Output {
    pub(super) async fn sync(&self, app: &App, plugin: Option<String>, full: bool) -> Result<()> {
        let bar = crate::progress::SyncBar::new(self.json);
        let run = app
            .sync_sources(SyncScope { source: plugin, full }, &|event: SyncEvent| bar.show(&event))
            .await?;
        bar.finish();
        self.print(&(&run.reports, &run.posters), |(reports, posters)| {
            crate::text::sync_reports(reports, posters)
        })?;
        if !run.failed().is_empty() {
            bail!("some sources could not be synced; the library keeps what it had");
        }
        Ok(())
    }

    /// A page of `plugin`'s whole catalog through `filter`, or (without one) the filters it offers.
    pub(super) async fn catalog(
        &self,
        app: &App,
        plugin: &str,
        filter: Option<CatalogFilter>,
        page: u32,
    ) -> Result<()> {
        let Some(filter) = filter else {
            let filters = app.catalog_filters(plugin).await?;
            return self.print(&filters, filters_text);
        };
        let page = app.catalog_page(plugin, &filter, page).await?;
        for problem in &page.refused {
            eprintln!("refused: {problem}");
        }
        let of = page.pages.map_or(String::new(), |pages| format!(" of {pages}"));
        self.print(&page.cards, |cards| format!("{}page {}{of}\n", cards_text(cards), page.page))
    }
}

/// A catalog's filters, one kind per line: `genres: 15 Экшен, 20 Драма`.
fn filters_text(filters: &getanime_app::domain::CatalogFilters) -> String {
    let line = |name: &str, options: &[getanime_app::domain::FilterOption]| {
        let listed: Vec<String> =
            options.iter().map(|option| format!("{} {}", option.id, option.label)).collect();
        let listed = if listed.is_empty() { "(not offered)".to_owned() } else { listed.join(", ") };
        format!("{name}: {listed}\n")
    };
    let years =
        filters.years.map_or("(not offered)".to_owned(), |(first, last)| format!("{first}-{last}"));
    [
        line("genres", &filters.genres),
        format!("years: {years}\n"),
        line("kinds", &filters.kinds),
        line("statuses", &filters.statuses),
        line("sorts", &filters.sorts),
    ]
    .concat()
}

pub(super) fn cards_text(cards: &[TitleCard]) -> String {
    cards.iter().map(crate::text::card_line).collect()
}

/// The home rows: each row's label, then a line per card (id, name, what the card says).
pub(super) fn home_text(rows: &[getanime_app::views::home::RowView]) -> String {
    rows.iter()
        .map(|row| {
            let cards: String = row
                .cards
                .iter()
                .map(|card| format!("  {:>6}  {} — {}\n", card.title.0, card.name, card.subtitle))
                .collect();
            format!("{}\n{cards}", row.label)
        })
        .collect()
}
