//! Left clicks (a mouse, a touch screen): the views report what they hit by index; the
//! navigator focuses it and acts as Enter, so a click does what the remote would.

use getanime_app::navigation::Pointed;

use super::Screens;
use crate::ui::ClickTarget;

impl Screens {
    pub(super) fn click(&self, target: ClickTarget, first: i32, second: i32) {
        let (Ok(first), Ok(second)) = (usize::try_from(first), usize::try_from(second)) else {
            return;
        };
        let before = self.shared.screen();
        let effect = self.shared.navigator.borrow_mut().click(pointed(target, first, second));
        self.apply(before, effect);
    }
}
/// The navigator's name for what a view reported.
fn pointed(target: ClickTarget, first: usize, second: usize) -> Pointed {
    match target {
        ClickTarget::HeaderButton => Pointed::HeaderButton(first),
        ClickTarget::HomeCard => Pointed::HomeCard { row: first, column: second },
        ClickTarget::SearchResult => Pointed::SearchResult(first),
        ClickTarget::KeyCap => Pointed::KeyCap { row: first, column: second },
        ClickTarget::BrowseFilter => Pointed::BrowseFilter(first),
        ClickTarget::BrowseCard => Pointed::BrowseCard(first),
        ClickTarget::WeekCard => Pointed::WeekCard { day: first, column: second },
        ClickTarget::MenuButton => Pointed::MenuButton { row: first, button: second },
        ClickTarget::TitleLine => Pointed::TitleLine(first),
        ClickTarget::TitleButton => Pointed::TitleButton(first),
        ClickTarget::WelcomeChoice => Pointed::WelcomeChoice(first),
    }
}
