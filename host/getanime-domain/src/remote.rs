//! Phones and scripts allowed to use the phone remote (`getanime-remote`).

use serde::Serialize;

use crate::UnixMillis;

/// A paired phone or a token made on the command line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RemoteDevice {
    pub id: i64,
    /// What the phone called itself ("Pixel 8"), or the token's name.
    pub name: String,
    pub kind: RemoteDeviceKind,
    pub scope: RemoteScope,
    pub created_at: UnixMillis,
    pub last_seen_at: Option<UnixMillis>,
    /// The address it last came from.
    pub last_peer: Option<String>,
}

/// How a device got its token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RemoteDeviceKind {
    /// Paired on the TV with a code or the QR code.
    Phone,
    /// Made with `getanime remote token create` (home automation, scripts).
    Token,
}

/// What a device may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RemoteScope {
    /// Read the library, what plays, the TV's state.
    Read,
    /// Also drive the TV like its remote: keys, text, playback, play a title.
    Control,
}

impl RemoteDeviceKind {
    pub fn code(self) -> &'static str {
        match self {
            RemoteDeviceKind::Phone => "phone",
            RemoteDeviceKind::Token => "token",
        }
    }

    pub fn from_code(code: &str) -> Option<RemoteDeviceKind> {
        match code {
            "phone" => Some(RemoteDeviceKind::Phone),
            "token" => Some(RemoteDeviceKind::Token),
            _ => None,
        }
    }
}

impl RemoteScope {
    pub fn code(self) -> &'static str {
        match self {
            RemoteScope::Read => "read",
            RemoteScope::Control => "control",
        }
    }

    pub fn from_code(code: &str) -> Option<RemoteScope> {
        match code {
            "read" => Some(RemoteScope::Read),
            "control" => Some(RemoteScope::Control),
            _ => None,
        }
    }
}
