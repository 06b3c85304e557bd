//! The sign-in screen's words: the code to accept on the phone, the steps, the time left, and
//! what happened.

use crate::language::tr;

/// What the sign-in screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SignInView {
    pub heading: String,
    /// The code, in groups of three ("012 345"); empty when there is none.
    pub code: String,
    pub steps: Vec<String>,
    /// The time the code is still valid, in words.
    pub countdown: String,
    /// What is happening (waiting, signed in, what went wrong).
    pub status: String,
    pub buttons: Vec<String>,
    /// A page to open, as a QR code to scan (paste steps).
    pub qr: Option<QrMatrix>,
    /// The step asks for a code typed on the screen's keyboard ([`typed_field`] shows it).
    pub asks_code: bool,
}

/// A QR code's modules, row by row (`true`: dark), without the quiet zone around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    /// Modules per side.
    pub width: usize,
    pub dark: Vec<bool>,
}

impl QrMatrix {
    /// `text` as a QR code (error correction M: readable from a photo of a screen); `None`
    /// when it is too long for one.
    pub fn encode(text: &str) -> Option<QrMatrix> {
        let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
            .ok()?;
        let dark = code.to_colors().into_iter().map(|color| color == qrcode::Color::Dark).collect();
        Some(QrMatrix { width: code.width(), dark })
    }
}

fn heading(account: &str) -> String {
    tr!("Connect {account}", account = account)
}

/// Asking the account for a code.
pub fn starting(account: &str) -> SignInView {
    SignInView {
        heading: heading(account),
        status: tr!("Asking {account} for a code…", account = account),
        ..SignInView::default()
    }
}

/// The code to accept elsewhere: in `service`'s phone app (`url` none) or at `url`; `left_s`
/// is how long it is still valid (none: the account did not say).
pub fn code(
    account: &str,
    service: &str,
    code: &str,
    url: Option<&str>,
    left_s: Option<u64>,
) -> SignInView {
    let first = match url {
        Some(url) => tr!("On your phone or computer, open {url}", url = url),
        None => tr!("On your phone, open the {account} app", account = service),
    };
    SignInView {
        heading: heading(account),
        code: grouped(code),
        steps: vec![
            tr!("1. {step}", step = first),
            tr!("2. Choose «Link a device» and enter this code").to_owned(),
            tr!("3. This screen goes on by itself once the code is accepted").to_owned(),
        ],
        countdown: match left_s {
            Some(left) => tr!(
                "The code is valid for {minutes}:{seconds}",
                minutes = left / 60,
                seconds = format!("{:02}", left % 60)
            ),
            None => String::new(),
        },
        status: tr!("Waiting for the code to be accepted…").to_owned(),
        buttons: Vec::new(),
        qr: url.and_then(QrMatrix::encode),
        asks_code: false,
    }
}

/// Longer than this, a URL is not for typing (an OAuth page's, with its client and scope): the
/// screen names its site and the QR code carries it whole.
const TYPABLE_URL: usize = 60;

/// A page to open (`url`, also as a QR code) that shows a code to type here.
pub fn paste(account: &str, url: &str, left_s: Option<u64>) -> SignInView {
    let open = match getanime_plugins::url_host(url) {
        Some(host) if url.chars().count() > TYPABLE_URL => {
            tr!("1. Scan the QR code with your phone: the sign-in page of {site}", site = host)
        }
        _ => tr!("1. Scan the QR code with your phone, or open {url}", url = url),
    };
    SignInView {
        heading: heading(account),
        steps: vec![
            open,
            tr!("2. Sign in there and allow getanime").to_owned(),
            tr!("3. Type the code the page shows below, then Done").to_owned(),
        ],
        countdown: match left_s {
            Some(left) => tr!("The page is valid for {minutes} min", minutes = left.div_ceil(60)),
            None => String::new(),
        },
        qr: QrMatrix::encode(url),
        asks_code: true,
        ..SignInView::default()
    }
}

/// What is typed of a code, in groups of four with the cursor (`▏`) where the next character
/// goes: "ab12 cd▏" — easy to compare with the page character by character.
pub fn typed_field(text: &str, cursor: usize) -> String {
    let mut field = String::new();
    for (index, character) in text.chars().enumerate() {
        if index > 0 && index % 4 == 0 {
            field.push(' ');
        }
        if index == cursor {
            field.push('▏');
        }
        field.push(character);
    }
    if cursor >= text.chars().count() {
        field.push('▏');
    }
    field
}

/// The typed code is on its way.
pub fn checking_code() -> String {
    tr!("Checking the code…").to_owned()
}

/// The typed code was not taken: it stays on screen to be fixed.
pub fn code_refused() -> String {
    tr!("That code was not accepted: compare it with the page and fix it.").to_owned()
}

/// The code ran out before it was accepted.
pub fn expired(account: &str) -> SignInView {
    SignInView {
        heading: heading(account),
        status: tr!("The code expired before it was accepted.").to_owned(),
        buttons: vec![tr!("Get a new code").to_owned()],
        ..SignInView::default()
    }
}

/// Signed in; the first sync runs.
pub fn signed_in(account: &str, user: &str) -> SignInView {
    SignInView {
        heading: heading(account),
        status: tr!("Signed in as {user}. Syncing…", user = user),
        ..SignInView::default()
    }
}

/// It failed: `why` in words.
pub fn failed(account: &str, why: &str) -> SignInView {
    SignInView {
        heading: heading(account),
        status: why.to_owned(),
        buttons: vec![tr!("Try again").to_owned()],
        ..SignInView::default()
    }
}

/// A password step: the Accounts screen's form asks for it, not this screen.
pub fn by_password(account: &str) -> SignInView {
    SignInView {
        heading: heading(account),
        status: tr!(
            "This account signs in by login and password: type them in the rows under Connect \
             on the Accounts screen."
        )
        .to_owned(),
        ..SignInView::default()
    }
}

/// "012345" → "012 345": easier to read from across the room.
fn grouped(code: &str) -> String {
    let characters: Vec<char> = code.chars().collect();
    characters.chunks(3).map(|group| group.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language::{Language, scoped};

    #[test]
    fn the_code_is_grouped_and_the_steps_and_time_are_said_in_both_languages() {
        let english = scoped(Language::English, || {
            code("AniLiberty account", "AniLiberty", "012345", None, Some(105))
        });
        assert_eq!(english.code, "012 345", "leading zeros kept");
        assert_eq!(english.countdown, "The code is valid for 1:45");
        assert!(english.steps[0].contains("open the AniLiberty app"), "{:?}", english.steps);
        let russian = scoped(Language::Russian, || {
            code("AniLiberty account", "AniLiberty", "012345", None, Some(59))
        });
        assert_eq!(russian.countdown, "Код действует ещё 0:59");
        assert!(russian.steps[1].contains("Привязать устройство"), "{:?}", russian.steps);
        let expired = scoped(Language::Russian, || expired("AniLiberty"));
        assert_eq!(expired.buttons, ["Получить новый код"]);
    }

    #[test]
    fn a_paste_step_shows_its_page_as_a_qr_code_and_the_typed_code_in_groups() {
        let url = "https://shikimori.one/oauth/authorize?client_id=abc&response_type=code";
        let view = scoped(Language::Russian, || paste("Shikimori", url, Some(590)));
        assert!(view.asks_code);
        // Too long to type: the site is named, the QR code carries the rest.
        assert_eq!(
            view.steps[0],
            "1. Наведите камеру телефона на QR-код: страница входа shikimori.one"
        );
        let short = paste("Test", "http://127.0.0.1:8080/activate", None);
        assert!(short.steps[0].ends_with("open http://127.0.0.1:8080/activate"), "{short:?}");
        assert_eq!(view.countdown, "Страница действует ещё 10 мин");
        let qr = view.qr.clone().expect("the page's URL fits a QR code");
        assert_eq!(qr.dark.len(), qr.width * qr.width);
        assert!(qr.width >= 21 && (qr.width - 21) % 4 == 0, "a QR size: {}", qr.width);
        // The finder pattern's corner is dark, the module next to it inside the separator light.
        assert!(qr.dark[0] && !qr.dark[qr.width * 7 + 7]);
        assert_eq!(typed_field("", 0), "▏");
        assert_eq!(typed_field("ab12cd", 6), "ab12 cd▏");
        assert_eq!(typed_field("ab12cd", 1), "a▏b12 cd");
        assert_eq!(typed_field("ab12cd", 4), "ab12 ▏cd");
        assert_eq!(QrMatrix::encode(&"x".repeat(5000)), None, "too long for a QR code");
    }
}
