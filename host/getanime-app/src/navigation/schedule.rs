//! Schedule: the week as rows of titles by weekday (Monday first), opening on today.

use getanime_domain::TitleId;

use super::{Effect, Key, Outcome, next_filled_row};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScheduleState {
    week: Vec<Vec<TitleId>>,
    pub(super) row: usize,
    pub(super) column: usize,
}

impl ScheduleState {
    /// The focused card: (weekday index from Monday, column).
    pub fn focus(&self) -> (usize, usize) {
        (self.row, self.column)
    }

    pub fn set_week(&mut self, week: Vec<Vec<TitleId>>, today: usize) {
        let start = today.min(week.len().saturating_sub(1));
        self.row =
            (start..week.len()).chain(0..start).find(|day| !week[*day].is_empty()).unwrap_or(start);
        self.column = 0;
        self.week = week;
    }

    fn length(&self, day: usize) -> usize {
        self.week.get(day).map_or(0, Vec::len)
    }

    /// Puts the focus on a card of a day, if it exists.
    pub(super) fn focus_card(&mut self, day: usize, column: usize) -> bool {
        if column >= self.length(day) {
            return false;
        }
        (self.row, self.column) = (day, column);
        true
    }

    pub(super) fn key(&mut self, key: Key) -> Outcome {
        match key {
            Key::Up | Key::Down => {
                if let Some(day) = next_filled_row(&self.week, self.row, key == Key::Down) {
                    self.row = day;
                    self.column = self.column.min(self.length(day).saturating_sub(1));
                }
                Outcome::stay(Effect::Redraw)
            }
            Key::Left => {
                self.column = self.column.saturating_sub(1);
                Outcome::stay(Effect::Redraw)
            }
            Key::Right => {
                self.column = (self.column + 1).min(self.length(self.row).saturating_sub(1));
                Outcome::stay(Effect::Redraw)
            }
            Key::Enter => Outcome::open_title(
                self.week.get(self.row).and_then(|day| day.get(self.column)).copied(),
            ),
            Key::Back | Key::Erase => Outcome::back(Effect::Redraw),
            _ => Outcome::stay(Effect::Redraw),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn the_schedule_opens_on_today_and_moves_over_days() {
        let mut navigator = Navigator::new();
        navigator.home_mut().set_rows(vec![ids(1..3)]);
        navigator.key(Key::Up);
        navigator.key(Key::Right);
        navigator.key(Key::Right);
        assert_eq!(navigator.home().header(), Some(HeaderButton::Schedule));
        assert_eq!(navigator.key(Key::Enter), Effect::Show(Screen::Schedule));
        assert_eq!(navigator.screen(), Screen::Schedule);
        let mut week = vec![Vec::new(); 7];
        week[0] = ids(10..12);
        week[3] = ids(20..23);
        navigator.schedule_mut().set_week(week, 2);
        assert_eq!(
            navigator.schedule().focus(),
            (3, 0),
            "today (Wednesday) is empty: the next day with titles"
        );
        navigator.key(Key::Right);
        navigator.key(Key::Right);
        navigator.key(Key::Right);
        assert_eq!(navigator.schedule().focus(), (3, 2));
        navigator.key(Key::Up);
        assert_eq!(
            navigator.schedule().focus(),
            (0, 1),
            "skips empty days, keeps the column in range"
        );
        assert_eq!(navigator.key(Key::Enter), Effect::OpenTitle(TitleId(11)));
        navigator.key(Key::Back);
        navigator.key(Key::Back);
        assert_eq!(navigator.screen(), Screen::Home);
    }
}
