//! `GET /api/v1/events`: a WebSocket that tells the phone what the TV does — the screen, what
//! plays, a text field asking for text (the phone opens its keyboard). A browser cannot put a
//! token on a WebSocket, and a token in a URL ends up in logs: the first message authenticates,
//! within 5 seconds. Messages from the phone are small and few; more closes the socket.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, State};
use axum::response::Response;
use serde::Deserialize;
use tokio::time::Instant;

use crate::api::device_for;
use crate::guard::Connection;
use crate::{RemoteSnapshot, Shared};

/// The longest message a phone may send.
pub const MAX_MESSAGE_BYTES: usize = 4 * 1024;

/// Messages a phone may send per second.
const MAX_MESSAGES_PER_SECOND: u32 = 20;

/// How long the first message (the token) may take.
const AUTH_WITHIN: Duration = Duration::from_secs(5);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Hello {
    auth: String,
}

pub(crate) async fn events(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(connection): ConnectInfo<Connection>,
    upgrade: WebSocketUpgrade,
) -> Response {
    upgrade
        .max_message_size(MAX_MESSAGE_BYTES)
        .max_frame_size(MAX_MESSAGE_BYTES)
        .on_upgrade(move |socket| serve(shared, connection, socket))
}

async fn serve(shared: Arc<Shared>, connection: Connection, mut socket: WebSocket) {
    let Some(token) = authenticate(&mut socket).await else {
        close(&mut socket, 4401, "authenticate first").await;
        return;
    };
    let Some(device) = device_for(&shared, Some(&token), connection.peer).await else {
        close(&mut socket, 4401, "unknown token").await;
        return;
    };
    let mut snapshot = shared.snapshot.clone();
    let mut forgotten = shared.forgotten.subscribe();
    let mut stopping = shared.stopping.subscribe();
    let mut window = (Instant::now(), 0_u32);
    // The state as it is now, then every change.
    let mut sent = snapshot.borrow_and_update().clone();
    if !push(&mut socket, None, &sent).await {
        return;
    }
    loop {
        tokio::select! {
            changed = snapshot.changed() => {
                if changed.is_err() {
                    break;
                }
                let current = snapshot.borrow_and_update().clone();
                if !push(&mut socket, Some(&sent), &current).await {
                    return;
                }
                sent = current;
            }
            changed = forgotten.changed() => {
                let still_known = changed.is_ok()
                    && matches!(shared.app.remote_device_for_token(&token).await, Ok(Some(_)));
                if !still_known {
                    say(&mut socket, serde_json::json!({"type": "bye", "reason": "forgotten"})).await;
                    close(&mut socket, 4403, "this phone was forgotten").await;
                    return;
                }
            }
            _ = stopping.changed() => {
                say(&mut socket, serde_json::json!({"type": "bye", "reason": "stopped"})).await;
                close(&mut socket, 1001, "the phone remote was turned off").await;
                return;
            }
            received = socket.recv() => {
                let Some(Ok(message)) = received else { return };
                if matches!(message, Message::Close(_)) {
                    return;
                }
                let now = Instant::now();
                if now.duration_since(window.0) >= Duration::from_secs(1) {
                    window = (now, 0);
                }
                window.1 += 1;
                if window.1 > MAX_MESSAGES_PER_SECOND {
                    tracing::info!(device = %device.name, "a phone sent too many messages; closed");
                    close(&mut socket, 1008, "too many messages").await;
                    return;
                }
            }
        }
    }
}

/// The first message's token, if it comes in time and is one.
async fn authenticate(socket: &mut WebSocket) -> Option<String> {
    let first = tokio::time::timeout(AUTH_WITHIN, socket.recv()).await.ok()??.ok()?;
    let Message::Text(text) = first else { return None };
    let hello: Hello = serde_json::from_str(text.as_str()).ok()?;
    Some(hello.auth)
}

/// Sends what changed between `before` and `now` (everything when there is no `before`); false
/// when the phone is gone.
async fn push(
    socket: &mut WebSocket,
    before: Option<&RemoteSnapshot>,
    now: &RemoteSnapshot,
) -> bool {
    let mut messages = Vec::new();
    if before.is_none_or(|before| before.screen != now.screen) {
        messages.push(serde_json::json!({"type": "screen", "screen": now.screen}));
    }
    // A field is announced when one takes the focus (or another does), not on every change of
    // its text: the phone typing into it would otherwise be sent its own text back, late.
    let field_before =
        before.and_then(|before| before.text_field.as_ref()).map(|field| &field.field);
    let field_now = now.text_field.as_ref().map(|field| &field.field);
    if before.is_none() && field_now.is_some() || field_before != field_now {
        messages.push(match &now.text_field {
            Some(field) => serde_json::json!({
                "type": "text_requested", "field": field.field, "value": field.value,
            }),
            None => serde_json::json!({"type": "text_done"}),
        });
    }
    if before.is_none_or(|before| before.now_playing != now.now_playing) {
        messages.push(serde_json::json!({"type": "now_playing", "now_playing": now.now_playing}));
    }
    for message in messages {
        if socket.send(Message::Text(message.to_string().into())).await.is_err() {
            return false;
        }
    }
    true
}

async fn say(socket: &mut WebSocket, message: serde_json::Value) {
    if socket.send(Message::Text(message.to_string().into())).await.is_err() {
        tracing::debug!("a phone left before its last message");
    }
}

async fn close(socket: &mut WebSocket, code: u16, reason: &'static str) {
    let frame = CloseFrame { code, reason: reason.into() };
    if socket.send(Message::Close(Some(frame))).await.is_err() {
        tracing::debug!("a phone left before the socket closed");
    }
}
