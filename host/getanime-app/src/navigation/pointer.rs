//! A pointer (a mouse, a touch screen) pressing what it points at: the focus moves there, then
//! it acts as Enter would, so a click and the remote always do the same thing.

use super::{Effect, Key, Navigator, Screen};

/// What a pointer pressed, by the index the view drew it at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pointed {
    /// A button above the home rows, in [`super::HeaderButton::ALL`] order.
    HeaderButton(usize),
    HomeCard {
        row: usize,
        column: usize,
    },
    SearchResult(usize),
    /// A key of the on-screen keyboard on screen (Search's, or a menu text row's).
    KeyCap {
        row: usize,
        column: usize,
    },
    /// A Browse filter chip, in [`crate::navigation::Navigator::browse_chips`] order.
    BrowseFilter(usize),
    BrowseCard(usize),
    /// A schedule card: the weekday from Monday, then the card.
    WeekCard {
        day: usize,
        column: usize,
    },
    /// A menu row (a Sources or Settings line) and its button (0 for a row without buttons).
    MenuButton {
        row: usize,
        button: usize,
    },
    /// A line of the title screen: an episode, or past them a torrent.
    TitleLine(usize),
    /// A button above the title's episodes, in [`super::TitleButton::ALL`] order.
    TitleButton(usize),
    WelcomeChoice(usize),
}

impl Navigator {
    /// A click: the focus goes to what was pointed at, then Enter. Something that is not on the
    /// open screen (a click landing during a screen change) or no longer exists does nothing.
    pub fn click(&mut self, pointed: Pointed) -> Effect {
        let screen = self.screen();
        let on = |wanted: &[Screen]| wanted.contains(&screen);
        let menus = [Screen::Sources, Screen::Settings, Screen::Profiles, Screen::Accounts];
        // By what was pointed at, every kind named: a new one must say where it lives.
        let focused = match pointed {
            Pointed::HeaderButton(index) => on(&[Screen::Home]) && self.home.focus_header(index),
            Pointed::HomeCard { row, column } => {
                on(&[Screen::Home]) && self.home.focus_card(row, column)
            }
            Pointed::SearchResult(index) => {
                on(&[Screen::Search]) && self.search.focus_result(index)
            }
            Pointed::KeyCap { row, column } if on(&[Screen::Search]) => {
                self.search.focus_key(row, column)
            }
            Pointed::KeyCap { row, column } if on(&[Screen::SignIn]) => {
                self.sign_in.focus_key(row, column)
            }
            Pointed::KeyCap { row, column } => on(&menus) && self.menu.focus_key(row, column),
            Pointed::BrowseFilter(index) => {
                on(&[Screen::Browse]) && self.browse.focus_filter(index)
            }
            Pointed::BrowseCard(index) => on(&[Screen::Browse]) && self.browse.focus_card(index),
            Pointed::WeekCard { day, column } => {
                on(&[Screen::Schedule]) && self.schedule.focus_card(day, column)
            }
            Pointed::MenuButton { row, button } => {
                on(&menus) && self.menu.focus_button(row, button)
            }
            Pointed::TitleLine(index) => {
                matches!(screen, Screen::Title(_)) && self.title.focus_line(index)
            }
            Pointed::TitleButton(index) => {
                matches!(screen, Screen::Title(_)) && self.title.focus_button(index)
            }
            Pointed::WelcomeChoice(index) => {
                on(&[Screen::Welcome]) && self.welcome.focus_choice(index)
            }
        };
        if focused { self.key(Key::Enter) } else { Effect::Redraw }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::Pointed;
    use crate::navigation::MenuRow;
    use getanime_domain::BrowseFilter;

    /// A navigator whose home has a row, on the screen the header button `button` opens.
    fn opened_from_home(button: usize) -> Navigator {
        let mut navigator = Navigator::new();
        navigator.home_mut().set_rows(vec![ids(1..3)]);
        navigator.click(Pointed::HeaderButton(button));
        navigator
    }

    #[test]
    fn a_click_on_home_opens_the_card_or_the_button_it_hits() {
        let mut navigator = Navigator::new();
        navigator.home_mut().set_rows(vec![ids(1..3), Vec::new(), ids(10..15)]);
        assert_eq!(
            navigator.click(Pointed::HomeCard { row: 2, column: 3 }),
            Effect::OpenTitle(TitleId(13))
        );
        navigator.key(Key::Back);
        assert_eq!(navigator.home().focus(), (2, 3), "the clicked card keeps the focus");
        assert_eq!(navigator.click(Pointed::HomeCard { row: 1, column: 0 }), Effect::Redraw);
        assert_eq!(navigator.click(Pointed::HomeCard { row: 0, column: 2 }), Effect::Redraw);
        assert_eq!(navigator.home().focus(), (2, 3), "a miss moves nothing");

        assert_eq!(navigator.click(Pointed::HeaderButton(2)), Effect::Show(Screen::Schedule));
        assert_eq!(navigator.screen(), Screen::Schedule);
        assert_eq!(
            navigator.click(Pointed::HomeCard { row: 0, column: 0 }),
            Effect::Redraw,
            "a home card is not on the schedule"
        );
        navigator.key(Key::Back);
        assert_eq!(navigator.click(Pointed::HeaderButton(6)), Effect::Redraw);
    }

    #[test]
    fn a_click_types_on_the_keyboard_and_opens_a_result() {
        let mut navigator = opened_from_home(0);
        assert_eq!(navigator.screen(), Screen::Search);
        assert_eq!(navigator.click(Pointed::KeyCap { row: 0, column: 1 }), Effect::SearchLibrary);
        assert_eq!(navigator.search().query(), "ц");
        assert_eq!(navigator.search().keyboard().0.focus(), (0, 1));
        assert_eq!(navigator.click(Pointed::KeyCap { row: 0, column: 99 }), Effect::Redraw);
        assert_eq!(navigator.search().query(), "ц");

        navigator.search_mut().set_results(ids(5..8));
        assert_eq!(navigator.click(Pointed::SearchResult(3)), Effect::Redraw);
        assert_eq!(navigator.click(Pointed::SearchResult(2)), Effect::OpenTitle(TitleId(7)));
    }

    #[test]
    fn a_click_steps_a_browse_filter_and_opens_a_card() {
        let mut navigator = opened_from_home(1);
        navigator.browse_mut().set_columns(4);
        navigator.browse_mut().set_titles(ids(20..30));
        let sort = navigator.browse().query().sort;
        assert_eq!(navigator.click(Pointed::BrowseFilter(1)), Effect::Show(Screen::Browse));
        assert_ne!(navigator.browse().query().sort, sort, "the sort stepped");
        assert_eq!(navigator.browse().focus().1, Some(BrowseFilter::LIBRARY[1]));
        let past_the_last = BrowseFilter::LIBRARY.len();
        assert_eq!(navigator.click(Pointed::BrowseFilter(past_the_last)), Effect::Redraw);
        assert_eq!(navigator.click(Pointed::BrowseCard(9)), Effect::OpenTitle(TitleId(29)));
        navigator.key(Key::Back);
        assert_eq!(navigator.browse().focus(), (9, None));
        assert_eq!(navigator.click(Pointed::BrowseCard(10)), Effect::Redraw);
    }

    #[test]
    fn a_click_opens_a_week_card_an_episode_or_a_torrent() {
        let mut navigator = opened_from_home(2);
        navigator.schedule_mut().set_week(vec![ids(1..2), Vec::new(), ids(3..6)], 0);
        assert_eq!(navigator.click(Pointed::WeekCard { day: 1, column: 0 }), Effect::Redraw);
        assert_eq!(
            navigator.click(Pointed::WeekCard { day: 2, column: 2 }),
            Effect::OpenTitle(TitleId(5))
        );
        navigator.title_mut().set_episodes(vec![1.0, 2.0], 0);
        navigator.title_mut().set_torrents(1);
        assert_eq!(
            navigator.click(Pointed::TitleLine(2)),
            Effect::CopyMagnet { title: TitleId(5), torrent: 0 }
        );
        assert_eq!(navigator.click(Pointed::TitleLine(3)), Effect::Redraw);
        assert_eq!(
            navigator.click(Pointed::TitleButton(1)),
            Effect::ToggleFavorite { title: TitleId(5) }
        );
        assert_eq!(navigator.click(Pointed::TitleButton(3)), Effect::Redraw, "reset asks first");
        assert_eq!(
            navigator.click(Pointed::TitleButton(3)),
            Effect::ResetWatched { title: TitleId(5) }
        );
        assert_eq!(
            navigator.click(Pointed::TitleButton(4)),
            Effect::ToggleSync { title: TitleId(5) }
        );
        assert_eq!(navigator.click(Pointed::TitleButton(5)), Effect::Redraw, "past the last");
        assert_eq!(
            navigator.click(Pointed::TitleLine(1)),
            Effect::Play { title: TitleId(5), episode: 2.0 }
        );
    }

    #[test]
    fn a_click_on_a_menu_button_asks_first_like_enter() {
        let mut navigator = opened_from_home(3);
        navigator.menu_mut().set_rows(vec![
            MenuRow::Choice,
            MenuRow::Buttons(vec![false, true]),
            MenuRow::Text,
        ]);
        assert_eq!(
            navigator.click(Pointed::MenuButton { row: 0, button: 0 }),
            Effect::MenuChange { row: 0, forward: true }
        );
        assert_eq!(
            navigator.click(Pointed::MenuButton { row: 1, button: 1 }),
            Effect::Redraw,
            "a destroying button asks"
        );
        assert_eq!(navigator.menu().focus(), (1, 1, true));
        assert_eq!(
            navigator.click(Pointed::MenuButton { row: 1, button: 1 }),
            Effect::MenuPress { row: 1, button: 1 }
        );
        assert_eq!(navigator.click(Pointed::MenuButton { row: 1, button: 2 }), Effect::Redraw);

        // An empty text row opens its keyboard; its keys type; another row closes it.
        navigator.click(Pointed::MenuButton { row: 2, button: 0 });
        assert!(navigator.menu().keyboard().is_some());
        assert_eq!(
            navigator.click(Pointed::KeyCap { row: 0, column: 0 }),
            Effect::MenuText { row: 2 }
        );
        assert_eq!(navigator.menu().text(2), "q");
        navigator.click(Pointed::MenuButton { row: 0, button: 0 });
        assert!(navigator.menu().keyboard().is_none());
        assert_eq!(navigator.click(Pointed::KeyCap { row: 0, column: 0 }), Effect::Redraw);
    }

    #[test]
    fn a_click_chooses_on_the_welcome_screen_once() {
        let mut navigator = Navigator::new();
        navigator.home_mut().set_rows(Vec::new());
        navigator.show_welcome(3);
        assert_eq!(navigator.click(Pointed::WelcomeChoice(3)), Effect::Redraw);
        assert_eq!(navigator.click(Pointed::WelcomeChoice(1)), Effect::WelcomeChoose(1));
        assert_eq!(navigator.click(Pointed::WelcomeChoice(0)), Effect::Redraw, "busy installing");
    }
}
