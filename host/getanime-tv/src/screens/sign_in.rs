//! Signing in to an account (Profiles → Accounts → Connect): asks the plugin for a code, shows
//! it large with the steps and the time left, polls by itself, and on success records the
//! account, syncs it and goes back to Accounts.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use getanime_app::domain::{SignInInput, SignInMethod, SignInStep, TrackerError};
use getanime_app::navigation::{Key, Navigator, Screen};
use getanime_app::views::sign_in::{self, SignInView};
use getanime_app::{PluginError, SignIn};
use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use super::shared::Shared;
use crate::ui::{AppWindow, ScreenKind, SignInAdapter};

/// How often the countdown moves.
const TICK: Duration = Duration::from_secs(1);

/// A code on screen: its step's state for the next poll, and when it runs out.
struct ShownCode {
    code: String,
    url: Option<String>,
    state: String,
    poll_every: Duration,
    expires: Option<Instant>,
    last_poll: Instant,
}

pub(super) struct SignInScreen {
    shared: Rc<Shared>,
    /// The account plugin to sign in to (set by Accounts → Connect), its name and the service
    /// whose app accepts the code.
    plugin: RefCell<Option<(String, String)>>,
    service: RefCell<String>,
    flow: RefCell<Option<Arc<SignIn>>>,
    code: RefCell<Option<ShownCode>>,
    /// A poll is out: the next waits for it.
    polling: Cell<bool>,
    /// Signed in: leaving keeps the account.
    finished: Cell<bool>,
    timer: slint::Timer,
}

impl SignInScreen {
    pub(super) fn new(shared: Rc<Shared>) -> SignInScreen {
        SignInScreen {
            shared,
            plugin: RefCell::default(),
            service: RefCell::default(),
            flow: RefCell::default(),
            code: RefCell::default(),
            polling: Cell::new(false),
            finished: Cell::new(false),
            timer: slint::Timer::default(),
        }
    }

    /// The next open signs in to `plugin` (its id and name; `service` names the app).
    pub(super) fn prepare(&self, plugin: String, name: String, service: String) {
        *self.plugin.borrow_mut() = Some((plugin, name));
        *self.service.borrow_mut() = service;
    }

    fn account_name(&self) -> String {
        self.plugin.borrow().as_ref().map_or_else(String::new, |(_, name)| name.clone())
    }

    /// Starts over: a new code from the plugin.
    fn start(self: &Rc<Self>) {
        self.forget_flow();
        self.finished.set(false);
        let Some((plugin, name)) = self.plugin.borrow().clone() else { return };
        self.show(&sign_in::starting(&name));
        let screen = Rc::clone(self);
        self.shared.in_background(
            "start signing in",
            move |app| async move {
                let methods = app.sign_in_methods(&plugin).await?;
                let method = if methods.contains(&SignInMethod::DeviceCode) {
                    SignInMethod::DeviceCode
                } else {
                    *methods.first().ok_or_else(|| anyhow::anyhow!("no way to sign in"))?
                };
                app.start_sign_in(&plugin, method).await
            },
            move |started| match started {
                Ok((flow, step)) => {
                    *screen.flow.borrow_mut() = Some(Arc::new(flow));
                    screen.step(step);
                }
                Err(error) => screen.show(&sign_in::failed(&name, &getanime_app::explain(&error))),
            },
        );
    }

    /// What the plugin answered.
    fn step(self: &Rc<Self>, step: SignInStep) {
        let name = self.account_name();
        match step {
            SignInStep::ShowCodeAndWait { code, url, expires_in_s, poll_every_s, state } => {
                let now = Instant::now();
                let same = self.code.borrow().as_ref().is_some_and(|shown| shown.code == code);
                if same {
                    // A poll that found nothing yet: the code and its time stand.
                    if let Some(shown) = self.code.borrow_mut().as_mut() {
                        shown.state = state;
                    }
                } else {
                    *self.code.borrow_mut() = Some(ShownCode {
                        code,
                        url,
                        state,
                        poll_every: Duration::from_secs(u64::from(poll_every_s.clamp(1, 30))),
                        expires: (expires_in_s > 0)
                            .then(|| now + Duration::from_secs(u64::from(expires_in_s))),
                        last_poll: now,
                    });
                }
                self.tick();
                let screen = Rc::downgrade(self);
                self.timer.start(slint::TimerMode::Repeated, TICK, move || {
                    if let Some(screen) = screen.upgrade() {
                        screen.tick();
                    }
                });
            }
            SignInStep::Done(who) => self.signed_in(who),
            SignInStep::OpenAndPaste { .. } | SignInStep::AskLoginAndPassword { .. } => {
                let plugin = self.plugin.borrow().as_ref().map(|(id, _)| id.clone());
                self.timer.stop();
                self.show(&sign_in::elsewhere(&name, &plugin.unwrap_or_default()));
            }
        }
    }

    /// Every second: the time left, and a poll when one is due.
    fn tick(self: &Rc<Self>) {
        let name = self.account_name();
        let now = Instant::now();
        let (view, poll) = {
            let code = self.code.borrow();
            let Some(shown) = code.as_ref() else { return };
            if shown.expires.is_some_and(|expires| expires <= now) {
                (None, None)
            } else {
                let left = shown.expires.map(|expires| (expires - now).as_secs());
                let service = self.service.borrow();
                let view = sign_in::code(&name, &service, &shown.code, shown.url.as_deref(), left);
                let due = now.duration_since(shown.last_poll) >= shown.poll_every;
                (Some(view), due.then(|| shown.state.clone()))
            }
        };
        let Some(view) = view else {
            // Ran out: Enter gets a new code.
            self.timer.stop();
            *self.code.borrow_mut() = None;
            self.show(&sign_in::expired(&name));
            return;
        };
        self.show(&view);
        if let Some(state) = poll {
            self.poll(state);
        }
    }

    fn poll(self: &Rc<Self>, state: String) {
        if self.polling.replace(true) {
            return;
        }
        if let Some(shown) = self.code.borrow_mut().as_mut() {
            shown.last_poll = Instant::now();
        }
        let Some(flow) = self.flow.borrow().clone() else { return };
        let screen = Rc::clone(self);
        self.shared.in_background(
            "ask whether the code was accepted",
            move |app| async move { app.advance_sign_in(&flow, &state, &SignInInput::Poll).await },
            move |answered| {
                screen.polling.set(false);
                if screen.shared.screen() != Screen::SignIn || screen.code.borrow().is_none() {
                    return; // left, or the code ran out meanwhile
                }
                match answered {
                    Ok(step) => screen.step(step),
                    Err(error) if expired(&error) => {
                        screen.timer.stop();
                        *screen.code.borrow_mut() = None;
                        screen.show(&sign_in::expired(&screen.account_name()));
                    }
                    // A poll that failed (the network): the next one tries again.
                    Err(error) => tracing::info!("polling the sign-in: {error:#}"),
                }
            },
        );
    }

    /// Records the account, syncs it, and goes back to Accounts.
    fn signed_in(self: &Rc<Self>, who: getanime_app::domain::TrackerAccount) {
        self.timer.stop();
        *self.code.borrow_mut() = None;
        let name = self.account_name();
        self.show(&sign_in::signed_in(&name, &who.user_name));
        let Some(flow) = self.flow.borrow().clone() else { return };
        self.finished.set(true);
        self.shared.begin_work();
        let screen = Rc::clone(self);
        self.shared.in_background(
            "record the account and sync it",
            move |app| async move {
                let account = app.finish_sign_in(&flow, who).await?;
                app.account_synced_text(&account.plugin_id).await
            },
            move |synced| {
                screen.shared.end_work();
                match synced {
                    Ok(_) => screen.leave(),
                    Err(error) => {
                        screen.finished.set(false);
                        screen.show(&sign_in::failed(&name, &getanime_app::explain(&error)));
                    }
                }
            },
        );
    }

    /// Back to Accounts, which shows the new account.
    fn leave(self: &Rc<Self>) {
        if self.shared.screen() != Screen::SignIn {
            return;
        }
        if let Some(screens) = self.shared.screens() {
            let effect = self.shared.navigator.borrow_mut().key(Key::Back);
            screens.apply(Screen::SignIn, effect);
        }
    }

    /// A button: the only one a step shows starts over (a new code, or another try).
    pub(super) fn choose(self: &Rc<Self>, _button: usize) {
        self.start();
    }

    /// Back: gives up, unless it already signed in; the screen below shows the accounts.
    pub(super) fn cancel(&self) {
        self.timer.stop();
        *self.code.borrow_mut() = None;
        if !self.finished.get() {
            self.forget_flow();
        }
        *self.flow.borrow_mut() = None;
    }

    /// A sign-in given up: a token it brought is forgotten.
    fn forget_flow(&self) {
        if let Some(flow) = self.flow.borrow_mut().take()
            && let Err(error) = self.shared.app.abandon_sign_in(&flow)
        {
            tracing::warn!("cannot forget an abandoned sign-in: {error:#}");
        }
    }

    fn show(&self, view: &SignInView) {
        self.shared.navigator.borrow_mut().sign_in_mut().set_buttons(view.buttons.len());
        let Some(window) = self.shared.window.upgrade() else { return };
        let adapter = window.global::<SignInAdapter>();
        adapter.set_heading(view.heading.clone().into());
        adapter.set_code(view.code.clone().into());
        let steps: Vec<SharedString> = view.steps.iter().map(SharedString::from).collect();
        adapter.set_steps(ModelRc::new(VecModel::from(steps)));
        adapter.set_countdown(view.countdown.clone().into());
        adapter.set_status(view.status.clone().into());
        let buttons: Vec<SharedString> = view.buttons.iter().map(SharedString::from).collect();
        adapter.set_buttons(ModelRc::new(VecModel::from(buttons)));
        super::redraw(&self.shared);
    }
}

/// Whether a sign-in step failed because the code expired.
fn expired(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        matches!(
            cause.downcast_ref::<PluginError>(),
            Some(PluginError::Tracker { error: TrackerError::NotFound, .. })
        )
    })
}

impl super::ScreenAdapter for SignInScreen {
    fn kind(&self) -> ScreenKind {
        ScreenKind::SignIn
    }

    fn show(self: Rc<Self>) {
        self.start();
    }

    fn show_focus(&self, window: &AppWindow, navigator: &Navigator) {
        let focus = navigator.sign_in().focus().map_or(-1, |focus| focus as i32);
        window.global::<SignInAdapter>().set_focus(focus);
    }
}
