//! `getanime remote`: tokens for scripts and home automation (a Home Assistant REST command, a
//! shell alias), and the phones paired on the TV. This machine's command line is trusted: it
//! makes tokens without a code. A token is printed once, alone on the last line.

use anyhow::{Result, bail};
use clap::{Subcommand, ValueEnum};
use getanime_app::App;
use getanime_app::domain::{RemoteDeviceKind, RemoteScope};

use super::{Output, write_stdout};

/// `getanime remote ...`
#[derive(Debug, Subcommand)]
pub enum RemoteCommand {
    /// Tokens for scripts: create, list, remove.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Paired phones and tokens, the most recently seen first.
    List,
    /// Forget a paired phone or a token by its id (from `remote list`).
    Forget { id: i64 },
}

/// `getanime remote token ...`
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// A new token named NAME; printed once, alone on the last line.
    Create {
        name: String,
        #[arg(long, value_enum, default_value_t = Scope::Control)]
        scope: Scope,
    },
    /// The tokens (never their values).
    List,
    /// Removes the token named NAME: it stops working at once.
    Remove { name: String },
}

/// What a token may do, as typed.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Scope {
    /// Read the library, what plays and the TV's state.
    Read,
    /// Also drive the TV: keys, text, playback, play a title.
    Control,
}

impl Output {
    pub(super) async fn remote(&self, app: &App, command: RemoteCommand) -> Result<()> {
        match command {
            RemoteCommand::Token(TokenCommand::Create { name, scope }) => {
                let scope = match scope {
                    Scope::Read => RemoteScope::Read,
                    Scope::Control => RemoteScope::Control,
                };
                let made = app.create_remote_token(&name, scope).await?;
                let value = serde_json::json!({
                    "name": made.device.name,
                    "scope": made.device.scope,
                    "token": made.token,
                });
                self.print(&value, |_| {
                    format!(
                        "token {:?} ({}): keep it secret; it is shown only now\n{}\n",
                        made.device.name,
                        made.device.scope.code(),
                        made.token
                    )
                })
            }
            RemoteCommand::Token(TokenCommand::List) => {
                let tokens: Vec<_> = app
                    .remote_devices()
                    .await?
                    .into_iter()
                    .filter(|device| device.kind == RemoteDeviceKind::Token)
                    .collect();
                self.print(&tokens, |tokens| {
                    lines(tokens, "no tokens; make one with `getanime remote token create NAME`")
                })
            }
            RemoteCommand::Token(TokenCommand::Remove { name }) => {
                app.remove_remote_token(&name).await?;
                write_stdout(&format!("token {name:?} removed\n"))
            }
            RemoteCommand::List => {
                let devices = app.remote_devices().await?;
                self.print(&devices, |devices| lines(devices, "no paired phones or tokens"))
            }
            RemoteCommand::Forget { id } => {
                if !app.forget_remote_device(id).await? {
                    bail!("no phone or token has id {id}; `getanime remote list` shows them");
                }
                write_stdout(&format!("forgot {id}\n"))
            }
        }
    }
}

fn lines(devices: &[getanime_app::domain::RemoteDevice], empty: &str) -> String {
    if devices.is_empty() {
        return format!("{empty}\n");
    }
    devices
        .iter()
        .map(|device| {
            let seen =
                device.last_seen_at.map_or_else(|| "never".to_owned(), crate::text::local_time);
            format!(
                "{}  {}  {}  {}  last seen: {seen}{}\n",
                device.id,
                device.kind.code(),
                device.scope.code(),
                device.name,
                device.last_peer.as_deref().map(|peer| format!(" from {peer}")).unwrap_or_default()
            )
        })
        .collect()
}
