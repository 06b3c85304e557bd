//! Signing in to an account (Profiles → Accounts → Connect): asks the plugin for a code, shows
//! it large with the steps and the time left, polls by itself, and on success records the
//! account, syncs it and goes back to Accounts. A plugin that shows its code on a web page gets
//! the page as a QR code and the keyboard for codes; Done sends what was typed.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use getanime_app::domain::{SignInInput, SignInMethod, SignInStep, TrackerError};
use getanime_app::navigation::{Key, Navigator, Screen};
use getanime_app::views;
use getanime_app::views::sign_in::{self, QrMatrix, SignInView};
use getanime_app::{PluginError, SignIn};
use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use super::shared::Shared;
use crate::ui::{AppWindow, ScreenKind, SignInAdapter};

/// Pixels per QR module, and the light margin around the code (4 modules, as the standard asks).
const QR_MODULE_PX: usize = 10;
const QR_QUIET_MODULES: usize = 4;

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
    /// A page that shows a code to type: the step's state for the answer.
    paste_state: RefCell<Option<String>>,
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
            paste_state: RefCell::default(),
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
                // A code shown here first, then a code from a page; a password has its form on
                // the Accounts screen.
                let method = [SignInMethod::DeviceCode, SignInMethod::Paste]
                    .into_iter()
                    .find(|preferred| methods.contains(preferred))
                    .or_else(|| methods.first().copied())
                    .ok_or_else(|| anyhow::anyhow!("no way to sign in"))?;
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
            SignInStep::OpenAndPaste { url, expires_in_s, state } => {
                self.timer.stop();
                *self.paste_state.borrow_mut() = Some(state);
                self.shared.navigator.borrow_mut().sign_in_mut().start_typing();
                self.show(&sign_in::paste(&name, &url, expires_in_s.map(u64::from)));
            }
            SignInStep::AskLoginAndPassword { .. } => {
                self.timer.stop();
                self.show(&sign_in::by_password(&name));
            }
        }
    }

    /// Done on the keyboard: the typed code goes to the plugin. A refusal keeps it on screen,
    /// to fix the character that was wrong.
    pub(super) fn submit(self: &Rc<Self>) {
        let typed = self.shared.navigator.borrow().sign_in().typed();
        let (Some((code, _)), Some(state), Some(flow)) =
            (typed, self.paste_state.borrow().clone(), self.flow.borrow().clone())
        else {
            return;
        };
        self.set_status(&sign_in::checking_code());
        let screen = Rc::clone(self);
        self.shared.in_background(
            "send the typed code",
            move |app| async move {
                app.advance_sign_in(&flow, &state, &SignInInput::Text(code.trim().to_owned())).await
            },
            move |answered| {
                if screen.shared.screen() != Screen::SignIn {
                    return;
                }
                match answered {
                    Ok(SignInStep::OpenAndPaste { state, .. }) => {
                        // The same page again: the code was not it.
                        *screen.paste_state.borrow_mut() = Some(state);
                        screen.set_status(&sign_in::code_refused());
                    }
                    Ok(step) => screen.step(step),
                    Err(error) => screen.set_status(&format!(
                        "{} {}",
                        sign_in::code_refused(),
                        getanime_app::explain(&error)
                    )),
                }
            },
        );
    }

    /// Only the status line changes (the page, its QR code and the typed code stay).
    fn set_status(&self, status: &str) {
        if let Some(window) = self.shared.window.upgrade() {
            window.global::<SignInAdapter>().set_status(status.into());
        }
        super::redraw(&self.shared);
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
        *self.paste_state.borrow_mut() = None;
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
        {
            let mut navigator = self.shared.navigator.borrow_mut();
            let state = navigator.sign_in_mut();
            state.set_buttons(view.buttons.len());
            if !view.asks_code {
                state.stop_typing();
            }
        }
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
        adapter.set_has_qr(view.qr.is_some());
        adapter.set_qr(view.qr.as_ref().map(qr_image).unwrap_or_default());
        adapter.set_asks_code(view.asks_code);
        super::ScreenAdapter::show_focus(self, &window, &self.shared.navigator.borrow());
        super::redraw(&self.shared);
    }
}

/// A QR code as an image: black modules on white, `QR_MODULE_PX` each, with its quiet zone.
pub(super) fn qr_image(qr: &QrMatrix) -> slint::Image {
    let side = (qr.width + 2 * QR_QUIET_MODULES) * QR_MODULE_PX;
    let side_px = u32::try_from(side).unwrap_or(u32::MAX);
    let mut buffer = slint::SharedPixelBuffer::<slint::Rgb8Pixel>::new(side_px, side_px);
    let pixels = buffer.make_mut_slice();
    for (index, pixel) in pixels.iter_mut().enumerate() {
        let (x, y) = (index % side / QR_MODULE_PX, index / side / QR_MODULE_PX);
        let module = x
            .checked_sub(QR_QUIET_MODULES)
            .zip(y.checked_sub(QR_QUIET_MODULES))
            .filter(|(x, y)| *x < qr.width && *y < qr.width);
        let dark = module.is_some_and(|(x, y)| qr.dark[y * qr.width + x]);
        let level = if dark { 0 } else { 255 };
        *pixel = slint::Rgb8Pixel { r: level, g: level, b: level };
    }
    slint::Image::from_rgb8(buffer)
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

    /// The focused button, and while a code is asked for: what is typed and the keyboard.
    fn show_focus(&self, window: &AppWindow, navigator: &Navigator) {
        let adapter = window.global::<SignInAdapter>();
        let state = navigator.sign_in();
        adapter.set_focus(state.focus().map_or(-1, |focus| focus as i32));
        if let Some((text, cursor)) = state.typed() {
            adapter.set_typed(sign_in::typed_field(&text, cursor).into());
        }
        let Some((keyboard, focused)) = state.keyboard() else {
            adapter.set_key_row(-1);
            return;
        };
        let keyboard = views::keyboard::keyboard(keyboard, focused);
        adapter.set_keyboard(super::search::key_rows(&keyboard));
        let (row, column) =
            keyboard.focus.map_or((-1, 0), |(row, column)| (row as i32, column as i32));
        adapter.set_key_row(row);
        adapter.set_key_column(column);
    }
}
