//! The menu screens (Sources, Settings, Profiles): rows from `getanime_app::menus`, keys from
//! the navigator.

use std::cell::RefCell;
use std::rc::Rc;

use getanime_app::navigation::{MenuRow, Navigator, Screen};
use getanime_app::{MenuAction, MenuEntry, PowerAction, Setting, views};
use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use super::shared::Shared;
use crate::ui::{AppWindow, MenuAdapter, MenuLine, MenuLineKind, ScreenKind};

pub(super) struct MenuScreen {
    shared: Rc<Shared>,
    /// The rows of the open menu screen.
    entries: RefCell<Vec<MenuEntry>>,
}

impl MenuScreen {
    pub(super) fn new(shared: Rc<Shared>) -> MenuScreen {
        MenuScreen { shared, entries: RefCell::default() }
    }

    /// A menu screen opens fresh: no rows or message left from the last visit.
    pub(super) fn open(self: &Rc<Self>) {
        self.entries.borrow_mut().clear();
        if let Some(window) = self.shared.window.upgrade() {
            let view = window.global::<MenuAdapter>();
            view.set_lines(ModelRc::default());
            view.set_message(SharedString::new());
        }
        self.load(None, None);
    }

    /// Loads the rows of the open menu screen; `message` replaces the message line when given,
    /// `focus` names the row and button to focus (a source just installed: its Sync now).
    fn load(self: &Rc<Self>, message: Option<String>, focus: Option<MenuAction>) {
        let screen = self.shared.screen();
        if let Some(window) = self.shared.window.upgrade() {
            let title = match screen {
                Screen::Profiles => views::menu::profiles_heading(),
                Screen::Accounts => views::menu::accounts_heading(),
                _ => views::menu::heading(screen == Screen::Sources),
            };
            window.global::<MenuAdapter>().set_title(title.into());
        }
        self.shared.begin_work();
        let menu = Rc::clone(self);
        self.shared.in_background(
            "load the menu",
            move |app| async move {
                match screen {
                    Screen::Sources => app.sources_menu().await,
                    Screen::Profiles => app.profiles_menu().await,
                    Screen::Accounts => app.accounts_menu().await,
                    _ => app.settings_menu().await,
                }
            },
            move |loaded| {
                menu.shared.end_work();
                if menu.shared.screen() != screen {
                    return; // the user left meanwhile
                }
                match loaded {
                    Ok(entries) => menu.show_entries(entries, focus.as_ref()),
                    Err(error) => menu.set_message(getanime_app::explain(&error)),
                }
                if let Some(message) = message {
                    menu.set_message(message);
                }
                super::redraw(&menu.shared);
            },
        );
    }

    /// New rows: the focus follows the row it was on (or `focus`), then they are drawn.
    fn show_entries(&self, entries: Vec<MenuEntry>, focus: Option<&MenuAction>) {
        let mut navigator = self.shared.navigator.borrow_mut();
        let (row, ..) = navigator.menu().focus();
        let before = self.entries.borrow().get(row).map(|entry| entry.item.clone());
        let row = getanime_app::menu_focus_after(&entries, focus, before.as_ref());
        navigator.menu_mut().set_rows(getanime_app::menu_rows(&entries));
        if let Some((row, button)) = row {
            navigator.menu_mut().focus_row(row, button);
        }
        drop(navigator);
        *self.entries.borrow_mut() = entries;
        self.show_lines();
    }

    /// The menu rows to the window (text rows show what was typed).
    pub(super) fn show_lines(&self) {
        let Some(window) = self.shared.window.upgrade() else { return };
        let navigator = self.shared.navigator.borrow();
        let lines: Vec<MenuLine> = self
            .entries
            .borrow()
            .iter()
            .enumerate()
            .map(|(row, entry)| MenuLine {
                label: entry.label.clone().into(),
                value: match entry.row {
                    // A password is drawn as dots, one per character typed.
                    MenuRow::Text if entry.secret => {
                        "•".repeat(navigator.menu().text(row).chars().count()).into()
                    }
                    MenuRow::Text => navigator.menu().text(row).into(),
                    _ => entry.value.clone().into(),
                },
                detail: entry.detail.clone().into(),
                kind: match entry.row {
                    MenuRow::Info => MenuLineKind::Info,
                    MenuRow::Choice => MenuLineKind::Choice,
                    MenuRow::Buttons(_) => MenuLineKind::Buttons,
                    MenuRow::Text => MenuLineKind::Text,
                },
                buttons: ModelRc::new(VecModel::from(
                    entry.buttons.iter().map(SharedString::from).collect::<Vec<_>>(),
                )),
            })
            .collect();
        window.global::<MenuAdapter>().set_lines(ModelRc::new(VecModel::from(lines)));
    }

    fn set_message(&self, message: String) {
        if let Some(window) = self.shared.window.upgrade() {
            window.global::<MenuAdapter>().set_message(message.into());
        }
    }

    /// Whether `row` is a secret text row (a password): its text never leaves the TV.
    pub(super) fn is_secret_row(&self, row: usize) -> bool {
        self.entries.borrow().get(row).is_some_and(|entry| entry.secret)
    }

    /// Whether `button` of `row` does what only the TV's own remote may confirm.
    pub(super) fn is_tv_only(&self, row: usize, button: usize) -> bool {
        self.action(row, button).is_some_and(|(action, _)| action.is_tv_only())
    }

    /// What `button` of `row` does (a text row's one action takes the typed text), with the
    /// button's caption.
    fn action(&self, row: usize, button: usize) -> Option<(MenuAction, Option<String>)> {
        let entries = self.entries.borrow();
        let entry = entries.get(row)?;
        Some((entry.action(button)?.clone(), entry.buttons.get(button).cloned()))
    }

    /// Left/right on a choice row; the language row applies at once.
    pub(super) fn change(self: &Rc<Self>, row: usize, forward: bool) {
        let Some((MenuAction::Step(setting), _)) = self.action(row, 0) else { return };
        let language_row = setting == Setting::Language;
        let menu = Rc::clone(self);
        self.shared.in_background(
            "change the setting",
            move |app| async move {
                app.step_setting(setting, forward).await?;
                // Everything shown is composed again in the new language.
                if language_row { app.interface_language().await.map(Some) } else { Ok(None) }
            },
            move |changed| match changed {
                Ok(language) => {
                    if let Some(language) = language
                        && let Some(screens) = menu.shared.screens()
                    {
                        screens.home.apply_language(language);
                        screens.home.load(false);
                    }
                    menu.load(None, None)
                }
                Err(error) => menu.load(Some(getanime_app::explain(&error)), None),
            },
        );
    }

    /// The first Enter on a text row: what the second would do.
    pub(super) fn ask(self: &Rc<Self>, row: usize) {
        let Some((action, _)) = self.action(row, 0) else { return };
        let text = self.shared.navigator.borrow().menu().text(row).to_owned();
        self.set_message(views::menu::checking().to_owned());
        let menu = Rc::clone(self);
        self.shared.in_background(
            "check the package",
            move |app| async move { app.menu_ask(&action, &text).await },
            move |asked| {
                menu.set_message(match asked {
                    Ok(question) => question,
                    Err(error) => views::menu::cannot_use(&error),
                })
            },
        );
    }

    /// Settings → Power on a TV box: quit (the unit shows a console), or ask the system to
    /// restart or shut down (`systemctl`, which logind allows the seat's active session).
    fn power(self: &Rc<Self>, power: PowerAction) {
        let Some(verb) = power.systemctl_verb() else {
            tracing::info!("quitting to the console, as Settings → Power asked");
            if let Err(error) = slint::quit_event_loop() {
                tracing::warn!("cannot quit: {error}");
            }
            return;
        };
        tracing::info!(verb, "asking the system to restart or shut down");
        let menu = Rc::clone(self);
        self.shared.in_background(
            "restart or shut down",
            move |_app| async move {
                let status = tokio::task::spawn_blocking(move || {
                    std::process::Command::new("systemctl").arg(verb).status()
                })
                .await??;
                anyhow::ensure!(status.success(), "systemctl {verb} ended with {status}");
                Ok(())
            },
            move |asked| {
                if let Err(error) = asked {
                    tracing::warn!("systemctl {verb}: {error:#}");
                    menu.set_message(power.failed(&format!("{error:#}")));
                }
            },
        );
    }

    /// A button (confirmed first when it asks to be).
    pub(super) fn press(self: &Rc<Self>, row: usize, button: usize) {
        let Some((action, caption)) = self.action(row, button) else { return };
        if let MenuAction::Open(screen) = action {
            // Another screen over this one; nothing runs in the library.
            if let Some(screens) = self.shared.screens() {
                let before = self.shared.screen();
                let effect = self.shared.navigator.borrow_mut().open_screen(screen);
                screens.apply(before, effect);
            }
            return;
        }
        if let MenuAction::Power(power) = action {
            self.power(power);
            return;
        }
        if let MenuAction::ConnectAccount { plugin, name, service } = action {
            // The sign-in screen over Accounts, for this plugin.
            if let Some(screens) = self.shared.screens() {
                screens.sign_in.prepare(plugin, name, service);
                let before = self.shared.screen();
                let effect = self.shared.navigator.borrow_mut().open_screen(Screen::SignIn);
                screens.apply(before, effect);
            }
            return;
        }
        let text = self.shared.navigator.borrow().menu().text(row).to_owned();
        self.set_message(views::menu::working(caption.as_deref()));
        // Installing, syncing, restoring: the user waits for it (`Shell.busy`).
        self.shared.begin_work();
        let menu = Rc::clone(self);
        self.shared.in_background(
            "run the action",
            move |app| async move { app.menu_run(&action, &text).await },
            move |pressed| {
                menu.shared.end_work();
                let screens = menu.shared.screens();
                let (message, focus) = match pressed {
                    Ok(outcome) if outcome.profile_switched => {
                        // Another person is watching: their language, their rows, from Home.
                        menu.shared.navigator.borrow_mut().profile_switched();
                        if let Some(screens) = &screens {
                            screens.home.load_profile();
                        }
                        tracing::info!(message = %outcome.message, "profile switched");
                        return;
                    }
                    Ok(outcome) => {
                        if let Some(screens) = &screens {
                            if outcome.library_changed {
                                screens.home.load(false);
                            }
                            if menu.shared.screen() == Screen::Profiles {
                                screens.home.load_profile_name();
                            }
                        }
                        tracing::info!(message = %outcome.message, "menu action done");
                        (outcome.message, outcome.focus)
                    }
                    Err(error) => (views::menu::failed(&error), None),
                };
                menu.load(Some(message), focus);
            },
        );
    }
}

impl super::ScreenAdapter for MenuScreen {
    fn kind(&self) -> ScreenKind {
        ScreenKind::Menu
    }

    fn show(self: Rc<Self>) {
        self.open();
    }

    /// The focused row and button; an armed button shows its question until it is answered.
    fn show_focus(&self, window: &AppWindow, navigator: &Navigator) {
        let view = window.global::<MenuAdapter>();
        let (row, button, armed) = navigator.menu().focus();
        view.set_row(row as i32);
        view.set_button(button as i32);
        let question = self
            .entries
            .borrow()
            .get(row)
            .and_then(|entry| entry.questions.get(button).cloned().flatten());
        if let Some(question) = question.filter(|_| armed) {
            view.set_message(question.into());
        } else if view.get_armed() && !armed {
            view.set_message(SharedString::new()); // the question was answered or cancelled
        }
        view.set_armed(armed);
        match navigator.menu().keyboard() {
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
}
