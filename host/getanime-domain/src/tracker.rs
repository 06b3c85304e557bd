//! What tracker plugins (contract 0.3's `tracker` world) exchange with the host: a user's list
//! entries, per-episode marks, sign-in steps and errors, in getanime's terms.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::{EpisodeId, ListStatus, ProfileId, TitleId, Tracker, UnixMillis};

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

impl RemoteStatus {
    /// The stored name (`on_hold`, `rewatching`, ...), as in `account_titles.status`.
    pub fn code(self) -> &'static str {
        match self {
            RemoteStatus::Rewatching => "rewatching",
            other => other.as_list().code(),
        }
    }

    pub fn from_code(code: &str) -> Option<RemoteStatus> {
        match code {
            "rewatching" => Some(RemoteStatus::Rewatching),
            other => ListStatus::from_code(other).map(RemoteStatus::from),
        }
    }

    /// The library's list for it: rewatching is watching again.
    pub fn as_list(self) -> ListStatus {
        match self {
            RemoteStatus::Watching | RemoteStatus::Rewatching => ListStatus::Watching,
            RemoteStatus::Planned => ListStatus::Planned,
            RemoteStatus::Completed => ListStatus::Completed,
            RemoteStatus::OnHold => ListStatus::OnHold,
            RemoteStatus::Dropped => ListStatus::Dropped,
        }
    }
}

impl From<ListStatus> for RemoteStatus {
    fn from(status: ListStatus) -> RemoteStatus {
        match status {
            ListStatus::Watching => RemoteStatus::Watching,
            ListStatus::Planned => RemoteStatus::Planned,
            ListStatus::Completed => RemoteStatus::Completed,
            ListStatus::OnHold => RemoteStatus::OnHold,
            ListStatus::Dropped => RemoteStatus::Dropped,
        }
    }
}

/// An account row's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AccountId(pub i64);

/// Whether an account syncs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountState {
    /// Syncs.
    Active,
    /// The token is gone or refused: sign in again (changes stay queued).
    NeedsSignIn,
    /// Paused by the user.
    Paused,
    /// The first sync waits for the user to say whether this profile's history is sent.
    NeedsConsent,
}

impl AccountState {
    pub const ALL: [AccountState; 4] = [
        AccountState::Active,
        AccountState::NeedsSignIn,
        AccountState::Paused,
        AccountState::NeedsConsent,
    ];

    /// The stored and printed name (`needs_sign_in`, ...).
    pub fn code(self) -> &'static str {
        match self {
            AccountState::Active => "active",
            AccountState::NeedsSignIn => "needs_sign_in",
            AccountState::Paused => "paused",
            AccountState::NeedsConsent => "needs_consent",
        }
    }

    pub fn from_code(code: &str) -> Option<AccountState> {
        AccountState::ALL.into_iter().find(|state| state.code() == code)
    }
}

/// A profile's account at a tracker plugin, as the library records it (never its token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountRecord {
    pub id: AccountId,
    pub profile_id: ProfileId,
    pub plugin_id: String,
    /// Names the account's token in the credentials file.
    #[serde(skip)]
    pub credential_key: String,
    pub user_id: String,
    pub user_name: String,
    pub state: AccountState,
    pub created_at: UnixMillis,
    pub last_sync_at: Option<UnixMillis>,
    pub last_error: Option<String>,
    pub retry_at: Option<UnixMillis>,
    /// Marks were pulled up to this time (the next pull asks `since` a little before it).
    pub marks_pulled_at: Option<UnixMillis>,
}

/// A title of the library as a tracker sees it: a profile's marks on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackedTitle {
    pub title_id: TitleId,
    /// The tracker's id of the title.
    pub external_id: String,
    pub status: Option<ListStatus>,
    pub favorite: bool,
    pub score: Option<u8>,
    /// The highest whole episode watched.
    pub progress: Option<u32>,
    /// When the list, favorite or rating last changed here.
    pub changed_at: UnixMillis,
}

/// What an account and the library last agreed on for a title (the merge base).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgreedTitle {
    pub external_id: String,
    pub title_id: Option<TitleId>,
    pub status: Option<RemoteStatus>,
    pub progress: Option<u32>,
    pub score: Option<u8>,
    pub favorite: Option<bool>,
    pub remote_id: Option<String>,
}

/// A profile's mark on an episode, with the source's id of the episode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalMark {
    pub episode_id: EpisodeId,
    pub source_episode_id: String,
    pub position_ms: u32,
    pub watched: bool,
}

/// What applying an account's marks did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MarksApplied {
    /// Marks written to the library.
    pub applied: usize,
    /// Marks of episodes the library does not have (ignored).
    pub unknown: usize,
    /// Titles that got a watched mark (their lists are settled afterwards).
    #[serde(skip)]
    pub watched_titles: Vec<TitleId>,
}

/// A change to a profile's marks on a title that came from an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalChange {
    pub title_id: TitleId,
    /// `Some(None)`: off every list.
    pub status: Option<Option<ListStatus>>,
    pub favorite: Option<bool>,
    pub score: Option<u8>,
    /// Mark every episode up to this number watched.
    pub watched_through: Option<u32>,
}

/// A change waiting to be sent to an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedChange {
    pub change: TrackerChange,
    pub queued_at: UnixMillis,
    pub attempts: u32,
    pub last_error: Option<String>,
}

/// How an account's ids name the library's titles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TitleKey {
    /// The source plugin's own ids (the AniLiberty account's are the AniLiberty source's).
    Source(String),
    /// The titles' ids at these trackers, the first one a title has (Shikimori's: its own, else
    /// MyAnimeList's, which are the same numbers). Never empty.
    Trackers(Vec<Tracker>),
}
