//! The Sources and Settings screens: rows from `getanime_app::menus`, keys from the navigator.

use std::rc::Rc;

use getanime_app::navigation::{Navigator, Screen};
use getanime_app::{MenuEntry, MenuItem, views};
use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use super::Screens;
use crate::ui::{MenuAdapter, MenuLine, MenuLineKind};

impl Screens {
    /// Loads the rows of the open menu screen; `message` replaces the message line when given.
    pub(super) fn load_menu(
        self: &Rc<Self>,
        message: Option<String>,
        focus: Option<(getanime_app::MenuItem, usize)>,
    ) {
        let screen = self.navigator.borrow().screen();
        if let Some(window) = self.window.upgrade() {
            let title = match screen {
                Screen::Profiles => views::menu::profiles_heading(),
                _ => views::menu::heading(screen == Screen::Sources),
            };
            window.global::<MenuAdapter>().set_title(title.into());
        }
        self.begin_work();
        self.in_background(
            "load the menu",
            move |app| async move {
                match screen {
                    Screen::Sources => app.sources_menu().await,
                    Screen::Profiles => app.profiles_menu().await,
                    _ => app.settings_menu().await,
                }
            },
            move |screens, loaded| {
                screens.end_work();
                if screens.navigator.borrow().screen() != screen {
                    return; // the user left meanwhile
                }
                match loaded {
                    Ok(entries) => {
                        let (row, ..) = screens.navigator.borrow().menu_focus();
                        let before = screens.menu.borrow().get(row).map(|entry| entry.item.clone());
                        let row = getanime_app::menu_focus_after(
                            &entries,
                            focus.as_ref(),
                            before.as_ref(),
                        );
                        let mut navigator = screens.navigator.borrow_mut();
                        navigator.set_menu(getanime_app::menu_rows(&entries));
                        if let Some((row, button)) = row {
                            navigator.set_menu_focus(row, button);
                        }
                        drop(navigator);
                        *screens.menu.borrow_mut() = entries;
                        screens.show_menu_lines();
                    }
                    Err(error) => screens.set_menu_message(getanime_app::explain(&error)),
                }
                if let Some(message) = message {
                    screens.set_menu_message(message);
                }
                screens.show_navigation();
            },
        );
    }

    /// The menu rows to the UI (text rows show what was typed).
    pub(super) fn show_menu_lines(&self) {
        let Some(window) = self.window.upgrade() else { return };
        let navigator = self.navigator.borrow();
        let lines: Vec<MenuLine> = self
            .menu
            .borrow()
            .iter()
            .enumerate()
            .map(|(row, entry)| MenuLine {
                label: entry.label.clone().into(),
                value: match entry.row {
                    getanime_app::navigation::MenuRow::Text => navigator.menu_text(row).into(),
                    _ => entry.value.clone().into(),
                },
                detail: entry.detail.clone().into(),
                kind: match entry.row {
                    getanime_app::navigation::MenuRow::Info => MenuLineKind::Info,
                    getanime_app::navigation::MenuRow::Choice => MenuLineKind::Choice,
                    getanime_app::navigation::MenuRow::Buttons(_) => MenuLineKind::Buttons,
                    getanime_app::navigation::MenuRow::Text => MenuLineKind::Text,
                },
                buttons: ModelRc::new(VecModel::from(
                    entry.buttons.iter().map(SharedString::from).collect::<Vec<_>>(),
                )),
            })
            .collect();
        window.global::<MenuAdapter>().set_lines(ModelRc::new(VecModel::from(lines)));
    }

    fn set_menu_message(&self, message: String) {
        if let Some(window) = self.window.upgrade() {
            window.global::<MenuAdapter>().set_message(message.into());
        }
    }

    fn menu_entry(&self, row: usize) -> Option<MenuEntry> {
        self.menu.borrow().get(row).cloned()
    }

    pub(super) fn menu_change(self: &Rc<Self>, row: usize, forward: bool) {
        let Some(entry) = self.menu_entry(row) else { return };
        let language_row = entry.item == MenuItem::Setting(getanime_app::Setting::Language);
        self.in_background(
            "change the setting",
            move |app| async move {
                app.menu_change(&entry.item, forward).await?;
                // The language row applies at once: everything shown is composed again.
                if language_row { app.interface_language().await.map(Some) } else { Ok(None) }
            },
            |screens, changed| match changed {
                Ok(language) => {
                    if let Some(language) = language {
                        screens.apply_profile_language(language);
                        screens.load_home(false);
                    }
                    screens.load_menu(None, None)
                }
                Err(error) => screens.load_menu(Some(getanime_app::explain(&error)), None),
            },
        );
    }

    pub(super) fn menu_ask(self: &Rc<Self>, row: usize) {
        let Some(entry) = self.menu_entry(row) else { return };
        let text = self.navigator.borrow().menu_text(row).to_owned();
        self.set_menu_message(views::menu::checking().to_owned());
        self.in_background(
            "check the package",
            move |app| async move { app.menu_ask(&entry.item, &text).await },
            |screens, asked| {
                screens.set_menu_message(match asked {
                    Ok(question) => question,
                    Err(error) => views::menu::cannot_use(&error),
                })
            },
        );
    }

    pub(super) fn menu_press(self: &Rc<Self>, row: usize, button: usize) {
        let Some(entry) = self.menu_entry(row) else { return };
        let text = self.navigator.borrow().menu_text(row).to_owned();
        self.set_menu_message(views::menu::working(entry.buttons.get(button).map(String::as_str)));
        // Installing, syncing, restoring: the user waits for it (`Shell.busy`).
        self.begin_work();
        self.in_background(
            "run the action",
            move |app| async move { app.menu_press(&entry.item, button, &text).await },
            |screens, pressed| {
                screens.end_work();
                let (message, focus) = match pressed {
                    Ok(outcome) if outcome.profile_switched => {
                        // Another person is watching: their language, their rows, from Home.
                        screens.navigator.borrow_mut().profile_switched();
                        screens.load_profile();
                        tracing::info!(message = %outcome.message, "profile switched");
                        return;
                    }
                    Ok(outcome) => {
                        if outcome.library_changed {
                            screens.load_home(false);
                        }
                        if screens.navigator.borrow().screen() == Screen::Profiles {
                            screens.load_profile_header();
                        }
                        tracing::info!(message = %outcome.message, "menu action done");
                        (outcome.message, outcome.focus)
                    }
                    Err(error) => (views::menu::failed(&error), None),
                };
                screens.load_menu(Some(message), focus);
            },
        );
    }
}

impl Screens {
    /// The profile in use applies: its language, its name on the header, its home rows.
    pub(super) fn load_profile(self: &Rc<Self>) {
        self.in_background(
            "switch the profile",
            |app| async move {
                let language = app.interface_language().await?;
                let profile = app.current_profile().await?;
                anyhow::Ok((language, profile.name))
            },
            |screens, loaded| match loaded {
                Ok((language, name)) => {
                    *screens.profile_name.borrow_mut() = name;
                    screens.apply_profile_language(language);
                    screens.load_home(false);
                }
                Err(error) => tracing::error!("cannot switch the profile: {error:#}"),
            },
        );
    }

    /// The header's profile button after a rename.
    pub(super) fn load_profile_header(self: &Rc<Self>) {
        self.in_background(
            "read the profile",
            |app| async move { app.current_profile().await },
            |screens, loaded| match loaded {
                Ok(profile) => {
                    *screens.profile_name.borrow_mut() = profile.name;
                    if let Some(window) = screens.window.upgrade() {
                        let name = screens.profile_name.borrow();
                        window
                            .global::<crate::ui::HomeAdapter>()
                            .set_header_buttons(super::header_buttons(&name));
                    }
                }
                Err(error) => tracing::error!("cannot read the profile: {error:#}"),
            },
        );
    }

    /// Applies `language` with the profile's name on the header.
    pub(super) fn apply_profile_language(&self, language: getanime_app::language::Language) {
        if let Some(window) = self.window.upgrade() {
            super::apply_language(&window, language, &self.profile_name.borrow());
        }
    }
}

/// The focused row and button; an armed button shows its question until it is answered.
pub(super) fn show_focus(
    view: &MenuAdapter<'_>,
    navigator: &Navigator,
    entries: &[getanime_app::MenuEntry],
) {
    let (row, button, armed) = navigator.menu_focus();
    view.set_row(row as i32);
    view.set_button(button as i32);
    let question =
        entries.get(row).and_then(|entry| entry.questions.get(button).cloned().flatten());
    if let Some(question) = question.filter(|_| armed) {
        view.set_message(question.into());
    } else if view.get_armed() && !armed {
        view.set_message(SharedString::new()); // the question was answered or cancelled
    }
    view.set_armed(armed);
    match navigator.menu_keyboard() {
        Some(keyboard) => {
            let keyboard = views::keyboard::keyboard(keyboard, true);
            view.set_keyboard(super::search::key_rows(&keyboard));
            let (row, column) = keyboard.focus.unwrap_or_default();
            view.set_key_row(row as i32);
            view.set_key_column(column as i32);
        }
        None => view.set_key_row(-1),
    }
}
