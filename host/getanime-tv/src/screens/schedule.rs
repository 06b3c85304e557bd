//! Schedule adapter: the week's titles by weekday.

use super::*;

impl Screens {
    /// Loads the seven days of the schedule.
    pub(super) fn show_schedule(self: &Rc<Self>) {
        self.in_background(
            "load the schedule",
            |app| async move {
                let mut week = Vec::with_capacity(7);
                for weekday in 1..=7u8 {
                    let cards = app.schedule(weekday).await?;
                    let posters =
                        posters_of(&app, cards.iter().map(|card| card.id).collect()).await?;
                    week.push((cards, posters));
                }
                anyhow::Ok(week)
            },
            |screens, loaded| screens.show_week(loaded),
        );
    }

    pub(super) fn show_week(&self, loaded: Result<Vec<CardsWithPosters>>) {
        let Some(window) = self.window.upgrade() else { return };
        let view = window.global::<ScheduleAdapter>();
        let week = match loaded {
            Ok(week) => week,
            Err(error) => {
                window.global::<Shell>().set_error_text(getanime_app::explain(&error).into());
                return;
            }
        };
        let ids: Vec<Vec<TitleId>> =
            week.iter().map(|(cards, _)| cards.iter().map(|card| card.id).collect()).collect();
        let rows: Vec<PosterRow> = week
            .into_iter()
            .zip(getanime_app::views::schedule::weekdays())
            .map(|((cards, posters), label)| PosterRow {
                label: label.into(),
                cards: ModelRc::new(VecModel::from(cards_model(&cards, posters))),
            })
            .collect();
        view.set_days(ModelRc::new(VecModel::from(rows)));
        drop(view);
        let today = chrono::Local::now().weekday().num_days_from_monday() as usize;
        self.navigator.borrow_mut().set_week(ids, today);
        self.show_navigation();
    }
}

/// The focused day and card.
pub(super) fn show_focus(view: &ScheduleAdapter<'_>, navigator: &Navigator) {
    let (row, column) = navigator.week_focus();
    view.set_row(row as i32);
    view.set_column(column as i32);
}
