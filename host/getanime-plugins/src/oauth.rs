//! OAuth 2 by the host for a tracker whose manifest has `[oauth]`: the page to open, what the
//! user pastes (a code exchanged here, or the token itself), and refreshing the token. The plugin
//! never holds a code, a token or the client secret; it only sends requests `authorized`.
//!
//! Refresh tokens rotate (Shikimori's Doorkeeper invalidates a used one): the new pair is stored
//! before anything uses it, and a refused refresh first looks whether another process (the TV
//! and the CLI share the credentials file) has just stored a newer pair.

use std::sync::Arc;
use std::time::Duration;

use getanime_domain::{OAuth, OAuthGrant, SignInStep, TrackerError};
use reqwest::Url;
use serde::Deserialize;

use crate::account::{AccountSession, Token};
use crate::network::HttpMethod;
use crate::runtime::Plugin;
use crate::{Error, Result};

/// What the sign-in step carries while the host signs in (opaque to the user).
pub(crate) const OAUTH_STATE: &str = "oauth";
/// How long Doorkeeper keeps an authorization code.
const CODE_LIFETIME_S: u32 = 30 * 60;
/// A token this close to its end is refreshed before the call (as Aniyomi does, an hour early).
const REFRESH_EARLY_MS: i64 = 3_600_000;
/// How long a refused refresh waits for another process's newer pair to appear.
const ROTATION_WAIT: Duration = Duration::from_millis(500);
const ROTATION_LOOKS: u32 = 4;
/// The settings the client's registration lives in.
pub(crate) const CLIENT_ID: &str = "client_id";
pub(crate) const CLIENT_SECRET: &str = "client_secret";

/// An OAuth token answer (RFC 6749 §5.1; Doorkeeper adds `created_at`).
#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    expires_in: Option<i64>,
    /// Unix seconds.
    #[serde(default)]
    created_at: Option<i64>,
}

/// An OAuth error answer.
#[derive(Deserialize)]
struct ErrorAnswer {
    error: String,
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| i64::try_from(since.as_millis()).unwrap_or(i64::MAX))
}

/// Whether a plugin setting holds a secret (the OAuth client's): never shown, echoed or handed
/// to the plugin.
pub fn is_secret_setting(key: &str) -> bool {
    key == CLIENT_SECRET
}

/// The settings an `[oauth]` tracker needs typed before it can sign in: the client id, and for
/// the code grant the secret the exchange sends.
pub fn client_settings(oauth: &OAuth) -> &'static [&'static str] {
    match oauth.grant {
        OAuthGrant::Code => &[CLIENT_ID, CLIENT_SECRET],
        OAuthGrant::Token => &[CLIENT_ID],
    }
}

/// `pasted` trimmed of spaces and line breaks, if it is made only of what a code or token may
/// hold (`A-Z a-z 0-9 - _`, and `.` in a token: AniList's are JWTs).
pub fn clean_pasted(pasted: &str, grant: OAuthGrant) -> Option<String> {
    let cleaned: String = pasted.chars().filter(|c| !c.is_whitespace()).collect();
    let allowed = |c: char| {
        c.is_ascii_alphanumeric()
            || c == '-'
            || c == '_'
            || (grant == OAuthGrant::Token && c == '.')
    };
    (!cleaned.is_empty() && cleaned.len() <= 4096 && cleaned.chars().all(allowed))
        .then_some(cleaned)
}

impl Plugin {
    /// The manifest's `[oauth]`: the host signs in and refreshes for this tracker.
    pub fn oauth(&self) -> Option<&OAuth> {
        self.manifest().oauth.as_ref()
    }

    fn tracker_failure(&self, error: TrackerError) -> Error {
        Error::Tracker { id: self.id().to_owned(), name: self.manifest().name.clone(), error }
    }

    /// A URL of the `[oauth]` section: absolute, or under the setting `base_url`.
    fn oauth_url(&self, url: &str) -> String {
        if url.contains("://") {
            return url.to_owned();
        }
        let base = self.host.setting("base_url").unwrap_or_default();
        format!("{}/{}", base.trim_end_matches('/'), url.trim_start_matches('/'))
    }

    fn client_id(&self) -> Result<String> {
        match self.host.setting(CLIENT_ID) {
            Some(id) if !id.trim().is_empty() => Ok(id.trim().to_owned()),
            _ => Err(Error::NoClientRegistration {
                id: self.id().to_owned(),
                name: self.manifest().name.clone(),
            }),
        }
    }

    /// The first step of the host's sign-in: the authorize page to open, then paste.
    pub(crate) fn oauth_page(&self, oauth: &OAuth) -> Result<SignInStep> {
        let client_id = self.client_id()?;
        let mut url = Url::parse(&self.oauth_url(&oauth.authorize_url))
            .map_err(|error| self.tracker_failure(TrackerError::Other(error.to_string())))?;
        let response_type = match oauth.grant {
            OAuthGrant::Code => "code",
            OAuthGrant::Token => "token",
        };
        {
            let mut query = url.query_pairs_mut();
            query.append_pair("client_id", &client_id);
            if oauth.grant == OAuthGrant::Code {
                query.append_pair("redirect_uri", &oauth.redirect_uri);
            }
            query.append_pair("response_type", response_type);
        }
        let mut url = url.to_string();
        if let Some(scope) = &oauth.scope {
            // Shikimori takes scopes joined by a literal `+` only, never `%2B`.
            url.push_str("&scope=");
            url.push_str(&scope.split_whitespace().collect::<Vec<_>>().join("+"));
        }
        let expires_in_s = (oauth.grant == OAuthGrant::Code).then_some(CODE_LIFETIME_S);
        Ok(SignInStep::OpenAndPaste { url, expires_in_s, state: OAUTH_STATE.to_owned() })
    }

    /// What the user pasted: the token is kept in `session` (stored first). `Ok(false)`: the
    /// text cannot be a code, or the tracker refused it; nothing is kept, ask again.
    pub(crate) async fn oauth_paste(
        &self,
        session: &Arc<AccountSession>,
        oauth: &OAuth,
        pasted: &str,
    ) -> Result<bool> {
        let Some(pasted) = clean_pasted(pasted, oauth.grant) else {
            return Ok(false);
        };
        let token = match oauth.grant {
            OAuthGrant::Token => Token {
                access: pasted,
                refresh: None,
                expires_at: oauth
                    .token_lifetime_days
                    .map(|days| now_ms() + i64::from(days) * 86_400_000),
            },
            OAuthGrant::Code => {
                let form = [
                    ("grant_type", "authorization_code"),
                    ("code", pasted.as_str()),
                    ("redirect_uri", oauth.redirect_uri.as_str()),
                ];
                match self.token_request(oauth, &form).await? {
                    Some(token) => token,
                    None => return Ok(false),
                }
            }
        };
        session
            .replace(token)
            .map_err(|reason| Error::TokenNotKept { id: self.id().to_owned(), reason })?;
        Ok(true)
    }

    /// Whether the host can refresh this session's token.
    pub(crate) fn can_refresh(&self, session: &AccountSession) -> bool {
        self.oauth().is_some_and(|oauth| oauth.grant == OAuthGrant::Code)
            && session.token().is_some_and(|token| token.refresh.is_some())
    }

    /// Whether the session's token ends within the hour.
    pub(crate) fn token_ends_soon(&self, session: &AccountSession) -> bool {
        session
            .token()
            .and_then(|token| token.expires_at)
            .is_some_and(|at| at - REFRESH_EARLY_MS <= now_ms())
    }

    /// A new token for the session. `Ok(false)`: the tracker refused the refresh token and no
    /// other process holds a newer one: the account must sign in again.
    pub(crate) async fn refresh_token(&self, session: &Arc<AccountSession>) -> Result<bool> {
        let (Some(oauth), Some(stale)) = (self.oauth(), session.token()) else {
            return Ok(false);
        };
        if session.adopt_newer(&stale) {
            return Ok(true);
        }
        let Some(refresh) = stale.refresh.clone() else { return Ok(false) };
        let form = [("grant_type", "refresh_token"), ("refresh_token", refresh.as_str())];
        match self.token_request(oauth, &form).await? {
            Some(mut token) => {
                // Doorkeeper always rotates; a tracker that does not keeps the old refresh token.
                token.refresh = token.refresh.or(Some(refresh));
                session
                    .replace(token)
                    .map_err(|reason| Error::TokenNotKept { id: self.id().to_owned(), reason })?;
                tracing::info!(plugin_id = %self.id(), "token refreshed");
                Ok(true)
            }
            None => {
                for _ in 0..ROTATION_LOOKS {
                    if session.adopt_newer(&stale) {
                        tracing::info!(plugin_id = %self.id(), "another process refreshed the token first");
                        return Ok(true);
                    }
                    tokio::time::sleep(ROTATION_WAIT).await;
                }
                Ok(session.adopt_newer(&stale))
            }
        }
    }

    /// POSTs `form` (with the client's id and secret) to the token URL. `None`: refused
    /// (`invalid_grant` and its kin).
    async fn token_request(&self, oauth: &OAuth, form: &[(&str, &str)]) -> Result<Option<Token>> {
        let token_url = oauth.token_url.as_deref().ok_or_else(|| {
            self.tracker_failure(TrackerError::Other("no token_url in [oauth]".into()))
        })?;
        let client_id = self.client_id()?;
        let secret = self.host.setting(CLIENT_SECRET).unwrap_or_default();
        let mut body = Url::parse("http://form.invalid/")
            .map_err(|error| self.tracker_failure(TrackerError::Other(error.to_string())))?;
        {
            let mut pairs = body.query_pairs_mut();
            pairs.append_pair("client_id", &client_id);
            if !secret.is_empty() {
                pairs.append_pair("client_secret", &secret);
            }
            for (name, value) in form {
                pairs.append_pair(name, value);
            }
        }
        let body = body.query().unwrap_or_default().as_bytes().to_vec();
        let headers = [
            ("Content-Type".to_owned(), "application/x-www-form-urlencoded".to_owned()),
            ("Accept".to_owned(), "application/json".to_owned()),
        ];
        let url = self.oauth_url(token_url);
        let answer = self
            .host
            .send_token_request(HttpMethod::Post, &url, &headers, body)
            .await
            .map_err(|error| self.tracker_failure(TrackerError::Network(error.to_string())))?;
        match answer.status {
            200..=299 => {
                let parsed: TokenAnswer =
                    serde_json::from_slice(&answer.body).map_err(|error| {
                        self.tracker_failure(TrackerError::Parse(format!(
                            "the token answer: {error}"
                        )))
                    })?;
                let created_ms = parsed.created_at.map_or_else(now_ms, |at| at * 1000);
                Ok(Some(Token {
                    access: parsed.access_token,
                    refresh: parsed.refresh_token,
                    expires_at: parsed.expires_in.map(|seconds| created_ms + seconds * 1000),
                }))
            }
            400 | 401 => {
                let error = serde_json::from_slice::<ErrorAnswer>(&answer.body)
                    .map(|answer| answer.error)
                    .unwrap_or_default();
                tracing::info!(plugin_id = %self.id(), %error, status = answer.status, "the token request was refused");
                if error == "invalid_client" {
                    return Err(self.tracker_failure(TrackerError::Rejected(format!(
                        "{} does not know this application: check client_id and client_secret",
                        self.manifest().name
                    ))));
                }
                Ok(None)
            }
            429 => Err(self.tracker_failure(TrackerError::RateLimited(None))),
            status => Err(self.tracker_failure(TrackerError::Network(format!(
                "the token URL answered HTTP {status}"
            )))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pasted_code_is_trimmed_and_anything_else_refused() {
        let code = "Ab3_-x9".repeat(6);
        assert_eq!(clean_pasted(&format!("  {code}\n"), OAuthGrant::Code), Some(code.clone()));
        assert_eq!(clean_pasted("Ab3 x9\r\n", OAuthGrant::Code).as_deref(), Some("Ab3x9"));
        for refused in ["", "  ", "abc&scope=all", "код", "a.b", "a/b"] {
            assert_eq!(clean_pasted(refused, OAuthGrant::Code), None, "{refused:?}");
        }
        assert_eq!(
            clean_pasted("eyJ0.eyJz.sig-_", OAuthGrant::Token).as_deref(),
            Some("eyJ0.eyJz.sig-_")
        );
    }
}
