//! `getanime account`: a profile's accounts at trackers (the AniLiberty account): connect by a
//! code accepted on the phone, by login and password or by pasting, sync, disconnect. Secrets
//! are read from standard input (without echo on a terminal), never from the command line.

use std::io::{BufRead, IsTerminal};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::{Subcommand, ValueEnum};
use getanime_app::domain::{AccountState, SignInInput, SignInMethod, SignInStep, TrackerError};
use getanime_app::{AccountSyncReport, App};

use super::{Output, write_stdout};

/// `getanime account ...`
#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// The profile's accounts: plugin, user, state, last sync, changes waiting.
    List,
    /// Sign in to an account plugin (prints the code to accept on the phone, or reads the login
    /// and password or the pasted code from standard input).
    Connect {
        plugin: String,
        /// Give up after this long.
        #[arg(long, value_name = "SECONDS", default_value_t = 300)]
        timeout: u64,
        /// How to sign in (default: the plugin's preferred way).
        #[arg(long, value_enum)]
        method: Option<Method>,
    },
    /// Pull, merge and send now. Exits 1 when an account failed (its changes stay queued).
    Sync {
        #[arg(long)]
        plugin: Option<String>,
        /// The first sync of an account may send this profile's history (without it, the first
        /// sync only receives and says what it would send).
        #[arg(long)]
        yes: bool,
    },
    /// Sign out and forget the account here (the profile's history stays).
    Disconnect { plugin: String },
}

/// Ways to sign in, as typed.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Method {
    /// A code shown here, accepted on the phone.
    Code,
    /// Login and password.
    Password,
    /// Paste what a web page shows.
    Paste,
}

impl Output {
    pub(super) async fn account(&self, app: &App, command: AccountCommand) -> Result<()> {
        match command {
            AccountCommand::List => {
                let accounts = app.accounts().await?;
                self.print(&accounts, |accounts| {
                    if accounts.is_empty() {
                        return "no accounts; connect one with `getanime account connect PLUGIN`\n"
                            .to_owned();
                    }
                    accounts
                        .iter()
                        .map(|account| {
                            let last = account
                                .last_sync
                                .map_or_else(|| "never".to_owned(), crate::text::local_time);
                            let mut line = format!(
                                "{}  {}  {}  last sync: {last}  pending: {}\n",
                                account.plugin,
                                account.user,
                                account.state.code(),
                                account.pending
                            );
                            if let Some(error) = &account.last_error {
                                line.push_str(&format!("  last error: {error}\n"));
                            }
                            line
                        })
                        .collect()
                })
            }
            AccountCommand::Connect { plugin, timeout, method } => {
                self.connect(app, &plugin, Duration::from_secs(timeout), method).await
            }
            AccountCommand::Sync { plugin, yes } => {
                let reports = app.sync_accounts(plugin.as_deref(), yes).await?;
                self.print(&reports, |reports| reports.iter().map(sync_text).collect())?;
                let failed: Vec<String> = reports
                    .iter()
                    .filter_map(|report| {
                        let why = report.failure.as_ref()?;
                        Some(format!("{}: {why}", report.plugin))
                    })
                    .collect();
                if !failed.is_empty() {
                    bail!("{}", failed.join("; "));
                }
                Ok(())
            }
            AccountCommand::Disconnect { plugin } => {
                app.disconnect_account(&plugin).await?;
                self.done(&format!("disconnected {plugin}; this profile's history stays"))
            }
        }
    }

    async fn connect(
        &self,
        app: &App,
        plugin: &str,
        timeout: Duration,
        method: Option<Method>,
    ) -> Result<()> {
        let deadline = Instant::now() + timeout;
        let method = match method {
            Some(Method::Code) => SignInMethod::DeviceCode,
            Some(Method::Password) => SignInMethod::Password,
            Some(Method::Paste) => SignInMethod::Paste,
            None => *app
                .sign_in_methods(plugin)
                .await?
                .first()
                .with_context(|| format!("{plugin} offers no way to sign in"))?,
        };
        let (sign_in, mut step) = app.start_sign_in(plugin, method).await?;
        let mut shown_code: Option<String> = None;
        let mut pasted = false;
        let outcome = loop {
            let next = match &step {
                SignInStep::Done(who) => break Ok(who.clone()),
                SignInStep::ShowCodeAndWait { code, url, expires_in_s, poll_every_s, state } => {
                    if shown_code.as_deref() != Some(code) {
                        self.show_code(code, url.as_deref(), *expires_in_s)?;
                        shown_code = Some(code.clone());
                    }
                    if Instant::now() >= deadline {
                        break Err(anyhow::anyhow!(
                            "the code was not accepted within {} s",
                            timeout.as_secs()
                        ));
                    }
                    let pause = Duration::from_secs(u64::from((*poll_every_s).clamp(1, 30)));
                    tokio::time::sleep(
                        pause.min(deadline.saturating_duration_since(Instant::now())),
                    )
                    .await;
                    match app.advance_sign_in(&sign_in, state, &SignInInput::Poll).await {
                        Err(error) if expired(&error) => {
                            // The code ran out: a new one, while there is time.
                            eprintln!("the code expired; here is a new one");
                            app.restart_sign_in(&sign_in, method).await
                        }
                        other => other,
                    }
                }
                SignInStep::OpenAndPaste { url, state, .. } => {
                    if pasted {
                        // The page's answer came back: what was pasted was refused.
                        break Err(anyhow::anyhow!(
                            "that code was not accepted: paste it whole (letters, digits, - and \
                             _), or open the page again for a new one"
                        ));
                    }
                    self.say(&format!("Open {url} and paste here what it shows.\n"))?;
                    let text = read_secret("Code: ")?;
                    pasted = true;
                    app.advance_sign_in(&sign_in, state, &SignInInput::Text(text)).await
                }
                SignInStep::AskLoginAndPassword { state } => {
                    let login = read_line("Login: ")?;
                    let password = read_secret("Password: ")?;
                    let input = SignInInput::LoginAndPassword { login, password };
                    app.advance_sign_in(&sign_in, state, &input).await
                }
            };
            match next {
                Ok(next) => step = next,
                Err(error) => break Err(error),
            }
        };
        let who = match outcome {
            Ok(who) => who,
            Err(error) => {
                app.abandon_sign_in(&sign_in)?;
                return Err(error.context(format!("signing in to {plugin} failed")));
            }
        };
        let account = app.finish_sign_in(&sign_in, who).await?;
        let mut message = format!("signed in to {plugin} as {}", account.user_name);
        if account.state == AccountState::NeedsConsent {
            message.push_str(
                "; this profile already has history: the first sync asks before sending it \
                 (`getanime account sync --yes` sends it)",
            );
        }
        self.print(
            &serde_json::json!({
                "ok": true, "plugin": plugin, "user": account.user_name, "state": account.state,
                "message": message,
            }),
            |_| format!("{message}\n"),
        )
    }

    fn show_code(&self, code: &str, url: Option<&str>, expires_in_s: u32) -> Result<()> {
        if self.json {
            let line = serde_json::json!({"code": code, "url": url, "expires_in_s": expires_in_s});
            return write_stdout(&format!("{line}\n"));
        }
        let mut text = format!("Code: {code}\n");
        match url {
            Some(url) => text.push_str(&format!("Open {url} and enter the code.\n")),
            None => text.push_str("Accept it in the app on your phone.\n"),
        }
        if expires_in_s > 0 {
            text.push_str(&format!("It is valid for {} min.\n", expires_in_s.div_ceil(60)));
        }
        write_stdout(&text)
    }

    /// A line for the person (stderr with --json, so stdout stays JSON).
    fn say(&self, text: &str) -> Result<()> {
        if self.json {
            eprint!("{text}");
            Ok(())
        } else {
            write_stdout(text)
        }
    }
}

/// Whether a sign-in step failed because the code expired.
fn expired(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        matches!(
            cause.downcast_ref::<getanime_app::PluginError>(),
            Some(getanime_app::PluginError::Tracker { error: TrackerError::NotFound, .. })
        )
    })
}

fn sync_text(report: &AccountSyncReport) -> String {
    let mut text = format!("{} ({}): ", report.plugin, report.user);
    if let Some(failure) = &report.failure {
        text.push_str(&format!("failed: {failure}; {} changes wait\n", report.pending));
        return text;
    }
    if report.state == Some(AccountState::Paused) {
        text.push_str("paused\n");
        return text;
    }
    text.push_str(&format!(
        "{} on the account's lists, {} titles fetched, {} changed here, {} sent, {} episode marks taken, {} sent",
        report.pulled,
        report.titles_fetched,
        report.taken,
        report.sent,
        report.marks_taken,
        report.marks_sent
    ));
    if report.unknown_marks > 0 {
        text.push_str(&format!(", {} marks of unknown episodes ignored", report.unknown_marks));
    }
    if report.waiting_for_source > 0 {
        text.push_str(&format!(", {} titles wait for their source", report.waiting_for_source));
    }
    text.push('\n');
    if let Some(question) = report.awaiting_consent {
        text.push_str(&format!(
            "  nothing was sent: this profile's history ({} titles, {} episodes) goes to the account \
             only with `getanime account sync --yes`\n",
            question.titles, question.episodes
        ));
    }
    text
}

/// A line from standard input (a prompt on stderr when it is a terminal).
fn read_line(prompt: &str) -> Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("{prompt}");
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line).context("reading standard input")?;
    let line = line.trim().to_owned();
    if line.is_empty() {
        bail!("nothing was typed");
    }
    Ok(line)
}

/// A secret from standard input: without echo on a terminal.
fn read_secret(prompt: &str) -> Result<String> {
    if std::io::stdin().is_terminal() {
        let secret = rpassword::prompt_password(prompt).context("reading from the terminal")?;
        let secret = secret.trim().to_owned();
        if secret.is_empty() {
            bail!("nothing was typed");
        }
        return Ok(secret);
    }
    read_line(prompt)
}
