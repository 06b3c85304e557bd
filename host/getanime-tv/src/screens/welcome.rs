//! Welcome adapter: at the first launch (no source installed) it lists the shipped sources;
//! the chosen one is installed and synced with its progress shown, then Home opens.

use super::*;
use getanime_app::ShippedPlugin;
use getanime_app::views::welcome;

impl Screens {
    /// At start: with no source installed and an empty library, the welcome screen opens over
    /// Home.
    pub(super) fn welcome_if_first_launch(self: &Rc<Self>) {
        self.begin_work();
        self.in_background(
            "check for a first launch",
            |app| async move {
                // A library kept after its sources were removed is not a first launch: its
                // history shows on Home, and Sources is where a source comes back.
                if !app.plugins().await?.is_empty() || app.status().await?.titles > 0 {
                    return Ok(None);
                }
                Ok(Some(app.shipped_plugins().await?))
            },
            |screens, found| {
                screens.end_work();
                match found {
                    Ok(Some(shipped)) => screens.show_welcome(shipped),
                    Ok(None) => {}
                    Err(error) => tracing::error!("cannot check for a first launch: {error:#}"),
                }
            },
        );
    }

    fn show_welcome(self: &Rc<Self>, shipped: Vec<ShippedPlugin>) {
        let Some(window) = self.window.upgrade() else { return };
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
        drop(view);
        self.navigator.borrow_mut().show_welcome(shipped.len());
        *self.welcome.borrow_mut() = shipped;
        self.show_navigation();
    }

    /// Installs and syncs the chosen source, showing each step; Home opens when it is done.
    pub(super) fn welcome_choose(self: &Rc<Self>, index: usize) {
        let Some(plugin) = self.welcome.borrow().get(index).cloned() else { return };
        let name = plugin.manifest.name.clone();
        if let Some(window) = self.window.upgrade() {
            window.global::<WelcomeAdapter>().set_progress(welcome::installing(&name).into());
        }
        self.begin_work();
        let weak = self.window.clone();
        let progress_name = name.clone();
        self.in_background(
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
            move |screens, done| {
                let landed = done.is_ok();
                if let Some(window) = screens.window.upgrade() {
                    let progress = match &done {
                        Ok(_) => SharedString::new(),
                        Err(error) => welcome::failed(&name, error).into(),
                    };
                    window.global::<WelcomeAdapter>().set_progress(progress);
                    if landed {
                        // Until the rows are in (show_home clears it).
                        window.global::<Shell>().set_loading(true);
                    }
                }
                screens.navigator.borrow_mut().welcome_finished(landed);
                if landed {
                    screens.load_home(false);
                }
                screens.end_work();
                screens.show_navigation();
            },
        );
    }
}

/// The focused choice.
pub(super) fn show_focus(view: &WelcomeAdapter<'_>, navigator: &Navigator) {
    view.set_focus(navigator.welcome_focus().0 as i32);
}
