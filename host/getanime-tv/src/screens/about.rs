//! About: the build, its files and the licences of what ships (Settings → About).

use std::rc::Rc;

use getanime_app::navigation::Navigator;
use getanime_app::views::about;
use slint::{ComponentHandle, ModelRc, VecModel};

use super::shared::Shared;
use crate::ui::{AboutAdapter, AboutLine, AppWindow, ScreenKind};

pub(super) struct AboutScreen {
    shared: Rc<Shared>,
}

impl AboutScreen {
    pub(super) fn new(shared: Rc<Shared>) -> AboutScreen {
        AboutScreen { shared }
    }

    /// Gathers what About states and shows it from the top.
    pub(super) fn open(self: &Rc<Self>) {
        if let Some(window) = self.shared.window.upgrade() {
            let view = window.global::<AboutAdapter>();
            view.set_heading(about::heading().into());
            view.set_hint(about::hint().into());
        }
        let screen = Rc::clone(self);
        self.shared.in_background(
            "read what About states",
            |app| async move { app.about(crate::logging::log_file()).await },
            move |facts| {
                let Some(window) = screen.shared.window.upgrade() else { return };
                match facts {
                    Ok(facts) => {
                        let lines: Vec<AboutLine> = about::lines(&facts)
                            .into_iter()
                            .map(|line| AboutLine {
                                label: line.label.into(),
                                value: line.value.into(),
                            })
                            .collect();
                        screen.shared.navigator.borrow_mut().about_mut().set_lines(lines.len());
                        window
                            .global::<AboutAdapter>()
                            .set_lines(ModelRc::new(VecModel::from(lines)));
                    }
                    Err(error) => screen.shared.set_error(&getanime_app::explain(&error)),
                }
                super::redraw(&screen.shared);
            },
        );
    }
}

impl super::ScreenAdapter for AboutScreen {
    fn kind(&self) -> ScreenKind {
        ScreenKind::About
    }

    fn show(self: Rc<Self>) {
        self.open();
    }

    /// The first line shown.
    fn show_focus(&self, window: &AppWindow, navigator: &Navigator) {
        window.global::<AboutAdapter>().set_first_line(navigator.about().first_line() as i32);
    }
}
