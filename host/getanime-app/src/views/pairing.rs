//! The pairing screen's words: where the phone goes, the code in large digits, the QR code that
//! pairs at once, the time left, and the phones already paired.

use getanime_domain::{RemoteDevice, RemoteDeviceKind};

use super::sign_in::QrMatrix;
use crate::language::tr;

/// What the pairing screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PairingView {
    pub heading: String,
    pub steps: Vec<String>,
    /// The code in two groups of three ("482 913"); empty while the remote is off.
    pub code: String,
    pub countdown: String,
    /// The page's address with the one-time secret in its fragment.
    pub qr: Option<QrMatrix>,
    /// Paired phones: name, and when and where it was last seen.
    pub phones: Vec<(String, String)>,
    pub status: String,
}

/// The page's address on this network, with the secret that pairs at once in its fragment
/// (a fragment is never sent to a server, nor in a Referer).
pub fn pairing_url(address: &str, secret: &str) -> String {
    format!("{address}/#pair={secret}")
}

/// The screen while pairing is open: `address` (`http://192.168.1.23:47401`), the code and
/// secret, `left_s` seconds left, the phones paired so far (tokens are not phones).
pub fn open(
    address: &str,
    code: &str,
    secret: &str,
    left_s: u64,
    devices: &[RemoteDevice],
    seen: impl Fn(&RemoteDevice) -> String,
) -> PairingView {
    PairingView {
        heading: tr!("Pair a phone").to_owned(),
        steps: vec![
            tr!("1. Connect the phone to the same Wi-Fi as this TV").to_owned(),
            tr!("2. Scan the QR code, or open {address} and enter the code", address = address),
        ],
        code: format!("{} {}", &code[..code.len().min(3)], &code[code.len().min(3)..]),
        countdown: tr!(
            "The code is valid for {minutes}:{seconds}",
            minutes = left_s / 60,
            seconds = format!("{:02}", left_s % 60)
        ),
        qr: QrMatrix::encode(&pairing_url(address, secret)),
        phones: devices
            .iter()
            .filter(|device| device.kind == RemoteDeviceKind::Phone)
            .map(|device| (device.name.clone(), seen(device)))
            .collect(),
        status: String::new(),
    }
}

/// The remote is off (or could not listen): say how to turn it on, or why it failed.
pub fn unavailable(why: &str) -> PairingView {
    PairingView {
        heading: tr!("Pair a phone").to_owned(),
        status: why.to_owned(),
        ..PairingView::default()
    }
}

/// When and where a phone was last seen, in words.
pub fn seen(device: &RemoteDevice) -> String {
    match (device.last_seen_at, &device.last_peer) {
        (Some(at), Some(peer)) => {
            let moment = chrono::DateTime::from_timestamp_millis(at)
                .map(|moment| moment.with_timezone(&chrono::Local));
            let now = chrono::Local::now();
            let when =
                moment.map_or_else(String::new, |moment| crate::language::date_time(&moment, &now));
            tr!("last seen {when} from {peer}", when = when, peer = peer)
        }
        _ => tr!("never used yet").to_owned(),
    }
}

/// A phone's key reached something only the TV's own remote may confirm.
pub fn tv_only() -> String {
    tr!("Confirm this with the TV's remote.").to_owned()
}

/// The remote is off: how to turn it on.
pub fn off() -> PairingView {
    unavailable(tr!("Turn on Phone remote in Settings first."))
}

/// The remote could not start.
pub fn cannot_listen(error: &str) -> String {
    tr!("The phone remote cannot listen: {error}", error = error)
}

/// The keys of the screen.
pub fn hint() -> String {
    tr!("Enter forgets the focused phone; Back closes.").to_owned()
}

/// "«Pixel 8» can now control getanime".
pub fn paired(name: &str) -> String {
    tr!("«{name}» can now control getanime", name = name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language::{Language, scoped};

    fn phone(name: &str, kind: RemoteDeviceKind) -> RemoteDevice {
        RemoteDevice {
            id: 1,
            name: name.into(),
            kind,
            scope: getanime_domain::RemoteScope::Control,
            created_at: 0,
            last_seen_at: None,
            last_peer: None,
        }
    }

    #[test]
    fn the_code_is_grouped_the_qr_code_carries_the_secret_and_only_phones_are_listed() {
        let devices =
            [phone("Pixel 8", RemoteDeviceKind::Phone), phone("ha", RemoteDeviceKind::Token)];
        let view = scoped(Language::Russian, || {
            open("http://192.168.1.23:47401", "048291", "ab12", 299, &devices, |_| "—".into())
        });
        assert_eq!(view.code, "048 291");
        assert_eq!(view.countdown, "Код действует ещё 4:59");
        assert!(view.steps[1].contains("http://192.168.1.23:47401"), "{:?}", view.steps);
        assert_eq!(view.phones, [("Pixel 8".to_owned(), "—".to_owned())]);
        assert!(view.qr.is_some());
        assert_eq!(
            pairing_url("http://192.168.1.23:47401", "ab12"),
            "http://192.168.1.23:47401/#pair=ab12"
        );
        let english = scoped(Language::English, || paired("Pixel 8"));
        assert_eq!(english, "«Pixel 8» can now control getanime");
    }
}
