//! Welcome: at the first launch (no source installed) it lists the shipped sources; the chosen
//! one is installed and synced with its progress shown, then Home opens.

use std::cell::RefCell;
use std::rc::Rc;

use getanime_app::ShippedPlugin;
use getanime_app::navigation::Navigator;
use getanime_app::views::welcome;
use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use super::shared::{Shared, update};
use crate::ui::{AppWindow, ScreenKind, Shell, WelcomeAdapter, WelcomeChoice};

pub(super) struct WelcomeScreen {
    shared: Rc<Shared>,
    /// The sources offered, in the order shown.
    choices: RefCell<Vec<ShippedPlugin>>,
}

impl WelcomeScreen {
    pub(super) fn new(shared: Rc<Shared>) -> WelcomeScreen {
        WelcomeScreen { shared, choices: RefCell::default() }
    }

    /// At start: with no source installed and an empty library, the welcome screen opens over
    /// Home.
    pub(super) fn open_if_first_launch(self: &Rc<Self>) {
        self.shared.begin_work();
        let screen = Rc::clone(self);
        self.shared.in_background(
            "check for a first launch",
            |app| async move {
                // A library kept after its sources were removed is not a first launch: its
                // history shows on Home, and Sources is where a source comes back.
                if !app.plugins().await?.is_empty() || app.status().await?.titles > 0 {
                    return Ok(None);
                }
                Ok(Some(app.shipped_plugins().await?))
            },
            move |found| {
                screen.shared.end_work();
                match found {
                    Ok(Some(shipped)) => screen.show(shipped),
                    Ok(None) => {}
                    Err(error) => tracing::error!("cannot check for a first launch: {error:#}"),
                }
            },
        );
    }

    fn show(&self, shipped: Vec<ShippedPlugin>) {
        let Some(window) = self.shared.window.upgrade() else { return };
        let view = window.global::<WelcomeAdapter>();
        view.set_heading(welcome::heading().into());
        view.set_intro(welcome::intro().into());
        view.set_hint(
            if shipped.is_empty() { welcome::nothing_shipped() } else { welcome::hint() }.into(),
        );
        let choices: Vec<WelcomeChoice> = shipped
            .iter()
            .map(|plugin| {
                let choice = welcome::choice(plugin);
                WelcomeChoice { label: choice.label.into(), detail: choice.detail.into() }
            })
            .collect();
        view.set_choices(ModelRc::new(VecModel::from(choices)));
        view.set_progress(SharedString::new());
        self.shared.navigator.borrow_mut().show_welcome(shipped.len());
        *self.choices.borrow_mut() = shipped;
        super::redraw(&self.shared);
    }

    /// Installs and syncs the chosen source, showing each step; Home opens when it is done.
    pub(super) fn choose(self: &Rc<Self>, index: usize) {
        let Some(plugin) = self.choices.borrow().get(index).cloned() else { return };
        let name = plugin.manifest.name.clone();
        if let Some(window) = self.shared.window.upgrade() {
            window.global::<WelcomeAdapter>().set_progress(welcome::installing(&name).into());
        }
        self.shared.begin_work();
        let weak = self.shared.window.clone();
        let progress_name = name.clone();
        let screen = Rc::clone(self);
        self.shared.in_background(
            "set up the chosen source",
            move |app| async move {
                let progress = move |event: getanime_app::SyncEvent| {
                    let text = welcome::progress(&progress_name, &event);
                    update(&weak, move |window| {
                        window.global::<WelcomeAdapter>().set_progress(text.into())
                    });
                };
                app.set_up_shipped(&plugin, &progress).await
            },
            move |done| {
                let landed = done.is_ok();
                if let Some(window) = screen.shared.window.upgrade() {
                    let progress = match &done {
                        Ok(_) => SharedString::new(),
                        Err(error) => welcome::failed(&name, error).into(),
                    };
                    window.global::<WelcomeAdapter>().set_progress(progress);
                    if landed {
                        // Until the rows are in (Home's show clears it).
                        window.global::<Shell>().set_loading(true);
                    }
                }
                screen.shared.navigator.borrow_mut().welcome_finished(landed);
                if landed && let Some(screens) = screen.shared.screens() {
                    screens.home.load(false);
                }
                screen.shared.end_work();
                super::redraw(&screen.shared);
            },
        );
    }
}

impl super::ScreenAdapter for WelcomeScreen {
    fn kind(&self) -> ScreenKind {
        ScreenKind::Welcome
    }

    /// The focused choice.
    fn show_focus(&self, window: &AppWindow, navigator: &Navigator) {
        window.global::<WelcomeAdapter>().set_focus(navigator.welcome().focus().0 as i32);
    }
}
