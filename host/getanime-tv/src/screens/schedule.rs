//! Schedule: the week's titles by weekday.

use std::rc::Rc;

use anyhow::Result;
use chrono::Datelike;
use getanime_app::domain::TitleId;
use getanime_app::navigation::Navigator;
use slint::{ComponentHandle, ModelRc, VecModel};

use super::shared::{CardsWithPosters, Shared, cards_model, posters_of};
use crate::ui::{AppWindow, PosterRow, ScheduleAdapter, ScreenKind};

pub(super) struct ScheduleScreen {
    shared: Rc<Shared>,
}

impl ScheduleScreen {
    pub(super) fn new(shared: Rc<Shared>) -> ScheduleScreen {
        ScheduleScreen { shared }
    }

    /// Loads the seven days of the schedule.
    pub(super) fn open(self: &Rc<Self>) {
        let schedule = Rc::clone(self);
        self.shared.in_background(
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
            move |loaded| schedule.show_week(loaded),
        );
    }

    fn show_week(&self, loaded: Result<Vec<CardsWithPosters>>) {
        let Some(window) = self.shared.window.upgrade() else { return };
        let week = match loaded {
            Ok(week) => week,
            Err(error) => {
                self.shared.set_error(&getanime_app::explain(&error));
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
        window.global::<ScheduleAdapter>().set_days(ModelRc::new(VecModel::from(rows)));
        let today = chrono::Local::now().weekday().num_days_from_monday() as usize;
        self.shared.navigator.borrow_mut().schedule_mut().set_week(ids, today);
        super::redraw(&self.shared);
    }
}

impl super::ScreenAdapter for ScheduleScreen {
    fn kind(&self) -> ScreenKind {
        ScreenKind::Schedule
    }

    fn show(self: Rc<Self>) {
        self.open();
    }

    /// The focused day and card.
    fn show_focus(&self, window: &AppWindow, navigator: &Navigator) {
        let view = window.global::<ScheduleAdapter>();
        let (row, column) = navigator.schedule().focus();
        view.set_row(row as i32);
        view.set_column(column as i32);
    }
}
