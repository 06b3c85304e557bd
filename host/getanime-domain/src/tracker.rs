//! What tracker plugins (contract 0.3's `tracker` world) exchange with the host: a user's list
//! entries, per-episode marks, sign-in steps and errors, in getanime's terms.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::UnixMillis;

/// A list at a tracker: getanime's lists plus the trackers' "rewatching".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemoteStatus {
    Watching,
    Planned,
    Completed,
    OnHold,
    Dropped,
    Rewatching,
}

/// One title on the user's lists at a tracker.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackerEntry {
    pub external_id: String,
    pub status: Option<RemoteStatus>,
    /// Episodes watched, when the tracker counts them.
    pub progress: Option<u32>,
    /// 1..=10.
    pub score: Option<u8>,
    /// None: the tracker has no favorites.
    pub favorite: Option<bool>,
    pub remote_id: Option<String>,
    pub updated_at: Option<UnixMillis>,
}

/// Only the fields to change, as absolute values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackerChange {
    pub external_id: String,
    /// `Some(None)`: off every list.
    pub status: Option<Option<RemoteStatus>>,
    pub progress: Option<u32>,
    /// `Some(None)`: clear the score.
    pub score: Option<Option<u8>>,
    pub favorite: Option<bool>,
    pub remote_id: Option<String>,
}

/// A per-episode mark (the AniLiberty account's timecodes), keyed by the source's episode id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EpisodeMark {
    pub episode_id: String,
    pub position_ms: u32,
    pub watched: bool,
}

/// Who is signed in at a tracker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackerAccount {
    pub user_id: String,
    pub user_name: String,
}

/// The ways a tracker signs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignInMethod {
    /// A code shown here, accepted elsewhere.
    DeviceCode,
    /// A page opened elsewhere shows something to paste back.
    Paste,
    /// Login and password.
    Password,
}

/// One step of signing in, as the host shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInStep {
    ShowCodeAndWait {
        code: String,
        url: Option<String>,
        expires_in_s: u32,
        poll_every_s: u32,
        state: String,
    },
    OpenAndPaste {
        url: String,
        expires_in_s: Option<u32>,
        state: String,
    },
    AskLoginAndPassword {
        state: String,
    },
    Done(TrackerAccount),
}

/// What the host hands to the next sign-in step.
#[derive(Clone, PartialEq, Eq)]
pub enum SignInInput {
    Poll,
    Text(String),
    LoginAndPassword { login: String, password: String },
}

impl std::fmt::Debug for SignInInput {
    /// Never prints what was typed: it may be a password or a token.
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SignInInput::Poll => formatter.write_str("Poll"),
            SignInInput::Text(_) => formatter.write_str("Text(…)"),
            SignInInput::LoginAndPassword { login, .. } => {
                write!(formatter, "LoginAndPassword({login:?}, …)")
            }
        }
    }
}

/// Why a tracker call failed, in words for the user.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
pub enum TrackerError {
    #[error("the account needs to sign in again")]
    Unauthorized,
    #[error("the server asks to wait{}", .0.map(|seconds| format!(" {seconds} s")).unwrap_or_default())]
    RateLimited(Option<u32>),
    #[error("the server does not know it (or the code expired)")]
    NotFound,
    #[error("the account does not offer this")]
    Unsupported,
    #[error("the plugin may not reach {0}")]
    Denied(String),
    #[error("the server does not answer: {0}")]
    Network(String),
    #[error("the server answered something unexpected: {0}")]
    Parse(String),
    #[error("the server refused: {0}")]
    Rejected(String),
    #[error("{0}")]
    Other(String),
}
