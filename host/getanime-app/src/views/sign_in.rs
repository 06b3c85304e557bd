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
    }
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

/// A way of signing in this screen does not offer yet (pasting, a password).
pub fn elsewhere(account: &str, plugin: &str) -> SignInView {
    SignInView {
        heading: heading(account),
        status: tr!(
            "This account signs in by a pasted code or a password, which this screen does not \
             offer yet: run `getanime account connect {plugin}` on a computer.",
            plugin = plugin
        ),
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
}
