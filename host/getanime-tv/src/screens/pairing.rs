//! Pairing a phone (Settings → Phone remote → Pair): opens the remote's pairing window while the
//! screen shows, draws the code, the QR code (the page's address with the one-time secret) and
//! the time left, lists the paired phones; Enter forgets one; Back closes the window.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use getanime_app::domain::{RemoteDevice, RemoteDeviceKind};
use getanime_app::navigation::Navigator;
use getanime_app::views::pairing::{self, PairingView};
use getanime_remote::PairingOffer;
use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use super::shared::Shared;
use crate::ui::{AppWindow, PairingAdapter, PhoneLine, ScreenKind};

/// How often the time left moves.
const TICK: Duration = Duration::from_secs(1);

pub(super) struct PairingScreen {
    shared: Rc<Shared>,
    /// The paired phones as listed (their ids for Forget).
    phones: RefCell<Vec<RemoteDevice>>,
    /// The offer drawn last (a new one is drawn when the remote renews it).
    shown: RefCell<Option<PairingOffer>>,
    timer: slint::Timer,
}

impl PairingScreen {
    pub(super) fn new(shared: Rc<Shared>) -> PairingScreen {
        PairingScreen {
            shared,
            phones: RefCell::default(),
            shown: RefCell::default(),
            timer: slint::Timer::default(),
        }
    }

    fn phone_remote(&self) -> Option<Rc<super::phone_remote::PhoneRemote>> {
        self.shared.screens().map(|screens| Rc::clone(&screens.phone))
    }

    /// Opens the pairing window and draws it; every second the time left (and a renewed code).
    fn open(self: &Rc<Self>) {
        let Some(phone) = self.phone_remote() else { return };
        let (Some(remote), Some(address)) = (phone.remote(), phone.page_address()) else {
            self.draw(&pairing::off());
            return;
        };
        if let Err(error) = remote.open_pairing() {
            self.draw(&pairing::unavailable(&pairing::cannot_listen(&error.to_string())));
            return;
        }
        *self.shown.borrow_mut() = None;
        self.load_phones();
        let screen = Rc::downgrade(self);
        self.timer.start(slint::TimerMode::Repeated, TICK, move || {
            if let Some(screen) = screen.upgrade() {
                screen.tick(&address);
            }
        });
        let address =
            self.phone_remote().and_then(|phone| phone.page_address()).unwrap_or_default();
        self.tick(&address);
    }

    fn tick(self: &Rc<Self>, address: &str) {
        let Some(remote) = self.phone_remote().and_then(|phone| phone.remote()) else {
            self.timer.stop();
            self.draw(&pairing::off());
            return;
        };
        let offer = remote.offers().borrow().clone();
        let Some(offer) = offer else { return };
        let now = Instant::now();
        if offer.expires <= now {
            // Ran out unused: a fresh code.
            if let Err(error) = remote.open_pairing() {
                tracing::warn!("cannot renew the pairing code: {error}");
            }
            return;
        }
        let left = (offer.expires - now).as_secs();
        let phones = self.phones.borrow().clone();
        let view = pairing::open(address, &offer.code, &offer.secret, left, &phones, pairing::seen);
        let renewed = self.shown.borrow().as_ref() != Some(&offer);
        if renewed {
            *self.shown.borrow_mut() = Some(offer);
            self.draw(&view);
        } else if let Some(window) = self.shared.window.upgrade() {
            window.global::<PairingAdapter>().set_countdown(view.countdown.into());
        }
    }

    fn load_phones(self: &Rc<Self>) {
        let screen = Rc::clone(self);
        self.shared.in_background(
            "list the paired phones",
            |app| async move { app.remote_devices().await },
            move |devices| match devices {
                Ok(devices) => {
                    let phones: Vec<RemoteDevice> = devices
                        .into_iter()
                        .filter(|device| device.kind == RemoteDeviceKind::Phone)
                        .collect();
                    *screen.phones.borrow_mut() = phones;
                    // Redrawn with the list at the next tick.
                    *screen.shown.borrow_mut() = None;
                    let address = screen
                        .phone_remote()
                        .and_then(|phone| phone.page_address())
                        .unwrap_or_default();
                    screen.tick(&address);
                }
                Err(error) => screen.shared.set_error(&getanime_app::explain(&error)),
            },
        );
    }

    /// Enter on a phone: forget it (its token stops working, its page asks for a code).
    pub(super) fn forget(self: &Rc<Self>, index: usize) {
        let Some(device) = self.phones.borrow().get(index).cloned() else { return };
        let screen = Rc::clone(self);
        self.shared.in_background(
            "forget a paired phone",
            move |app| async move { app.forget_remote_device(device.id).await },
            move |forgotten| {
                if let Err(error) = forgotten {
                    screen.shared.set_error(&getanime_app::explain(&error));
                }
                if let Some(remote) = screen.phone_remote().and_then(|phone| phone.remote()) {
                    remote.device_forgotten();
                }
                screen.load_phones();
            },
        );
    }

    /// Back: no code pairs any more.
    pub(super) fn close(&self) {
        self.timer.stop();
        if let Some(remote) = self.phone_remote().and_then(|phone| phone.remote()) {
            remote.close_pairing();
        }
    }

    fn draw(&self, view: &PairingView) {
        self.shared.navigator.borrow_mut().pairing_mut().set_phones(view.phones.len());
        let Some(window) = self.shared.window.upgrade() else { return };
        let adapter = window.global::<PairingAdapter>();
        adapter.set_heading(view.heading.clone().into());
        let steps: Vec<SharedString> = view.steps.iter().map(SharedString::from).collect();
        adapter.set_steps(ModelRc::new(VecModel::from(steps)));
        adapter.set_code(view.code.clone().into());
        adapter.set_countdown(view.countdown.clone().into());
        adapter.set_status(view.status.clone().into());
        adapter
            .set_hint(if view.phones.is_empty() { String::new() } else { pairing::hint() }.into());
        adapter.set_has_qr(view.qr.is_some());
        adapter.set_qr(view.qr.as_ref().map(super::sign_in::qr_image).unwrap_or_default());
        let phones: Vec<PhoneLine> = view
            .phones
            .iter()
            .map(|(name, detail)| PhoneLine { name: name.into(), detail: detail.into() })
            .collect();
        adapter.set_phones(ModelRc::new(VecModel::from(phones)));
        super::redraw(&self.shared);
    }
}

impl super::ScreenAdapter for PairingScreen {
    fn kind(&self) -> ScreenKind {
        ScreenKind::Pairing
    }

    fn show(self: Rc<Self>) {
        self.open();
    }

    fn show_focus(&self, window: &AppWindow, navigator: &Navigator) {
        let focus = navigator.pairing().focus().map_or(-1, |focus| focus as i32);
        window.global::<PairingAdapter>().set_focus(focus);
    }
}
