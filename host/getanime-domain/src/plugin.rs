//! What a plugin package declares about itself in `plugin.toml`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The `plugin.toml` of a plugin package.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PluginManifest {
    /// Stable id: lower-case ASCII letters, digits and `-`, e.g. `anilibria`.
    pub id: String,
    /// Human name.
    pub name: String,
    /// Plugin version (semver).
    pub version: String,
    /// Version of the WIT contract the plugin was built against.
    pub api_version: String,
    /// One sentence for the plugin list.
    #[serde(default)]
    pub description: Option<String>,
    /// Hosts the plugin may fetch from (exact host names or IP addresses).
    #[serde(default)]
    pub allowed_hosts: Vec<String>,
    /// Setting defaults the plugin reads through the host.
    #[serde(default)]
    pub settings: BTreeMap<String, String>,
    /// What the plugin is: a content source (the default) or an account at a tracker
    /// (contract 0.3).
    #[serde(default)]
    pub kind: PluginKind,
    /// Trackers: the hosts the host may send the account's token to, over https; a subset of
    /// `allowed_hosts`.
    #[serde(default)]
    pub auth_hosts: Vec<String>,
    /// Trackers: the source plugin whose ids this tracker's ids are (the AniLiberty account's
    /// are the AniLiberty source's); none when it has its own (matched through MyAnimeList ids).
    #[serde(default)]
    pub for_source: Option<String>,
    /// Trackers without `for_source`: the trackers whose ids this one's are, in the order the
    /// library's titles are looked up by (Shikimori: `["shikimori", "myanimelist"]`).
    #[serde(default)]
    pub match_ids: Vec<crate::Tracker>,
    /// Trackers: how fast the host lets requests reach the tracker (per IP, all profiles).
    #[serde(default)]
    pub rate_limit: Option<RateLimit>,
    /// Trackers: how the host refreshes the token; none when the token does not expire.
    #[serde(default)]
    pub oauth: Option<OAuth>,
    /// The API's mirrors, when its hosts come and go (AniLiberty's do).
    #[serde(default)]
    pub mirrors: Option<Mirrors>,
}

/// An API served from several hosts: when the root in use cannot be reached (a transport
/// failure, not an HTTP error), the host asks the next root's status and moves the plugin there.
/// Off when the user set the root's setting themselves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mirrors {
    /// The setting the plugin builds its URLs from; the host answers it with the root in use.
    #[serde(default = "Mirrors::default_setting")]
    pub setting: String,
    /// The API's known roots (`https://host/path`), in the order tried; each one's host is in
    /// `allowed_hosts`.
    pub roots: Vec<String>,
    /// A path under a root answering `{"is_alive": bool, "available_api_endpoints": [url]}`
    /// (AniLiberty's `app/status`), asked before a root is used; none: the retried request is
    /// the test.
    #[serde(default)]
    pub status: Option<String>,
}

impl Mirrors {
    fn default_setting() -> String {
        "base_url".to_owned()
    }
}

/// The host of an `http(s)://host[:port]/path` URL, or `None` for anything else.
fn url_root_host(root: &str) -> Option<&str> {
    let rest = root.strip_prefix("https://").or_else(|| root.strip_prefix("http://"))?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.split(':').next()?;
    (!host.is_empty() && !authority.contains('@')).then_some(host)
}

/// What is wrong with an `[oauth]` section: its absolute URLs go to auth hosts only (they
/// carry the client secret and the token), over https; a code grant needs a token URL.
fn oauth_problem(oauth: &OAuth, is_auth_host: impl Fn(&str) -> bool) -> Option<&'static str> {
    if oauth.grant == OAuthGrant::Code && oauth.token_url.is_none() {
        return Some("a code grant needs token_url");
    }
    let urls = std::iter::once(&oauth.authorize_url).chain(oauth.token_url.as_ref());
    for url in urls {
        if url.contains("://") {
            if !url.starts_with("https://") {
                return Some("its URLs must be https");
            }
            if !url_root_host(url).is_some_and(&is_auth_host) {
                return Some("its URLs must be on auth_hosts");
            }
        }
    }
    None
}

/// What a plugin is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PluginKind {
    /// A content source (world `provider`).
    #[default]
    Provider,
    /// An account at a list service (world `tracker`).
    Tracker,
}

/// Requests the host lets through to a tracker, over all profiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    pub per_second: Option<u32>,
    pub per_minute: Option<u32>,
}

/// OAuth 2 done by the host, so the plugin never holds a code, a token or the client secret:
/// the host builds the page to open, takes what the user pastes, exchanges it, refreshes the
/// token and keeps it. The client's id and secret are the plugin's settings `client_id` and
/// `client_secret` (the project registers the application; until then a user may register
/// their own); `client_secret` is never shown to the plugin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OAuth {
    /// What the page shows the user to paste.
    pub grant: OAuthGrant,
    /// The page the user opens: absolute, or a path under the setting `base_url` (so a mirror
    /// or a test's fake replaces the whole site).
    pub authorize_url: String,
    /// Where a code is exchanged and a token refreshed (`code` grant), as `authorize_url`.
    #[serde(default)]
    pub token_url: Option<String>,
    #[serde(default)]
    pub scope: Option<String>,
    /// The out-of-band redirect: the page shows the code instead of redirecting.
    #[serde(default = "OAuth::out_of_band")]
    pub redirect_uri: String,
    /// How long a pasted token lives when the tracker does not say (AniList's: a year).
    #[serde(default)]
    pub token_lifetime_days: Option<u32>,
    /// Replaces the host's `User-Agent` toward this tracker (Shikimori wants the registered
    /// application's name first).
    #[serde(default)]
    pub user_agent: Option<String>,
}

impl OAuth {
    pub const OUT_OF_BAND: &str = "urn:ietf:wg:oauth:2.0:oob";

    fn out_of_band() -> String {
        OAuth::OUT_OF_BAND.to_owned()
    }
}

/// What an OAuth page shows for pasting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OAuthGrant {
    /// An authorization code, exchanged at `token_url` (Shikimori).
    Code,
    /// The access token itself (AniList's "PIN" flow, OAuth's implicit grant).
    Token,
}

/// A manifest that breaks a rule.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ManifestError {
    #[error("plugin id {0:?} must be 1-64 characters of a-z, 0-9 and '-'")]
    BadId(String),
    #[error("plugin {id}: the field `{field}` must not be empty")]
    Empty { id: String, field: &'static str },
    #[error("plugin {id}: auth host {host} is not in allowed_hosts")]
    AuthHostNotAllowed { id: String, host: String },
    #[error("plugin {id}: only a tracker may have `{field}`")]
    TrackerOnly { id: String, field: &'static str },
    #[error("plugin {id}: mirror {root} is not an http(s) URL on one of allowed_hosts")]
    MirrorNotAllowed { id: String, root: String },
    #[error("plugin {id}: [oauth] {problem}")]
    OAuth { id: String, problem: &'static str },
}

impl PluginManifest {
    /// Checks the rules serde cannot express.
    pub fn check(&self) -> Result<(), ManifestError> {
        let id_ok = !self.id.is_empty()
            && self.id.len() <= 64
            && self
                .id
                .bytes()
                .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-');
        if !id_ok {
            return Err(ManifestError::BadId(self.id.clone()));
        }
        for (field, value) in
            [("name", &self.name), ("version", &self.version), ("api_version", &self.api_version)]
        {
            if value.trim().is_empty() {
                return Err(ManifestError::Empty { id: self.id.clone(), field });
            }
        }
        if let Some(host) = self.auth_hosts.iter().find(|host| !self.allows_host(host)) {
            return Err(ManifestError::AuthHostNotAllowed {
                id: self.id.clone(),
                host: host.clone(),
            });
        }
        let mirror_roots = self.mirrors.iter().flat_map(|mirrors| &mirrors.roots);
        if let Some(root) = mirror_roots
            .into_iter()
            .find(|root| !url_root_host(root).is_some_and(|host| self.allows_host(host)))
        {
            return Err(ManifestError::MirrorNotAllowed {
                id: self.id.clone(),
                root: root.clone(),
            });
        }
        if let Some(oauth) = &self.oauth {
            let problem = oauth_problem(oauth, |host| self.is_auth_host(host));
            if let Some(problem) = problem {
                return Err(ManifestError::OAuth { id: self.id.clone(), problem });
            }
        }
        if self.kind == PluginKind::Provider {
            let tracker_fields = [
                ("auth_hosts", !self.auth_hosts.is_empty()),
                ("for_source", self.for_source.is_some()),
                ("match_ids", !self.match_ids.is_empty()),
                ("rate_limit", self.rate_limit.is_some()),
                ("oauth", self.oauth.is_some()),
            ];
            if let Some((field, _)) = tracker_fields.iter().find(|(_, present)| *present) {
                return Err(ManifestError::TrackerOnly { id: self.id.clone(), field });
            }
        }
        Ok(())
    }

    /// How a tracker's ids name the library's titles: its source's ids, else the trackers'
    /// ids it names; `None` for a plugin that says neither.
    pub fn title_key(&self) -> Option<crate::TitleKey> {
        match &self.for_source {
            Some(source) => Some(crate::TitleKey::Source(source.clone())),
            None if !self.match_ids.is_empty() => {
                Some(crate::TitleKey::Trackers(self.match_ids.clone()))
            }
            None => None,
        }
    }

    /// Whether the host may send the account's token to `host` by the manifest alone.
    pub fn is_auth_host(&self, host: &str) -> bool {
        self.auth_hosts.iter().any(|allowed| allowed.eq_ignore_ascii_case(host))
    }

    /// Whether the plugin may fetch from `host` (case-insensitive exact match).
    pub fn allows_host(&self, host: &str) -> bool {
        self.allowed_hosts.iter().any(|allowed| allowed.eq_ignore_ascii_case(host))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(id: &str) -> PluginManifest {
        PluginManifest {
            id: id.to_owned(),
            name: "Name".to_owned(),
            version: "1.0.0".to_owned(),
            api_version: "0.1.0".to_owned(),
            description: None,
            allowed_hosts: vec!["api.example.org".to_owned()],
            ..PluginManifest::default()
        }
    }

    /// `[oauth]` URLs carry the client secret and codes: https to an auth host, or a path under
    /// the plugin's `base_url`; a code grant needs somewhere to exchange the code.
    #[test]
    fn oauth_urls_go_to_auth_hosts_over_https_only() {
        let mut plugin = manifest("tracker");
        plugin.kind = PluginKind::Tracker;
        plugin.auth_hosts = vec!["api.example.org".to_owned()];
        let oauth = OAuth {
            grant: OAuthGrant::Code,
            authorize_url: "oauth/authorize".to_owned(),
            token_url: Some("https://api.example.org/oauth/token".to_owned()),
            scope: None,
            redirect_uri: OAuth::OUT_OF_BAND.to_owned(),
            token_lifetime_days: None,
            user_agent: None,
        };
        let problem = |oauth: OAuth| {
            let plugin = PluginManifest { oauth: Some(oauth), ..plugin.clone() };
            match plugin.check() {
                Ok(()) => None,
                Err(ManifestError::OAuth { problem, .. }) => Some(problem),
                Err(other) => panic!("{other}"),
            }
        };
        assert_eq!(problem(oauth.clone()), None);
        let plain = Some("http://api.example.org/oauth/token".to_owned());
        assert_eq!(
            problem(OAuth { token_url: plain, ..oauth.clone() }),
            Some("its URLs must be https")
        );
        let elsewhere = "https://evil.example/authorize".to_owned();
        assert_eq!(
            problem(OAuth { authorize_url: elsewhere, ..oauth.clone() }),
            Some("its URLs must be on auth_hosts")
        );
        assert_eq!(
            problem(OAuth { token_url: None, ..oauth.clone() }),
            Some("a code grant needs token_url")
        );
        assert_eq!(problem(OAuth { token_url: None, grant: OAuthGrant::Token, ..oauth }), None);
    }

    #[test]
    fn a_token_goes_only_to_allowed_hosts_and_only_trackers_carry_one() {
        let mut plugin = manifest("account");
        plugin.auth_hosts = vec!["evil.example.org".to_owned()];
        plugin.kind = PluginKind::Tracker;
        assert_eq!(
            plugin.check(),
            Err(ManifestError::AuthHostNotAllowed {
                id: "account".to_owned(),
                host: "evil.example.org".to_owned()
            })
        );
        plugin.auth_hosts = vec!["API.example.org".to_owned()];
        assert_eq!(plugin.check(), Ok(()));
        assert!(plugin.is_auth_host("api.example.org"));
        plugin.kind = PluginKind::Provider;
        assert_eq!(
            plugin.check(),
            Err(ManifestError::TrackerOnly { id: "account".to_owned(), field: "auth_hosts" })
        );
    }

    #[test]
    fn mirrors_stay_on_allowed_hosts() {
        let mut plugin = manifest("source");
        let mirrors = |roots: &[&str]| Mirrors {
            setting: "base_url".to_owned(),
            roots: roots.iter().map(|root| (*root).to_owned()).collect(),
            status: Some("app/status".to_owned()),
        };
        plugin.mirrors =
            Some(mirrors(&["https://api.example.org/v1", "http://API.example.org:8080/v1"]));
        assert_eq!(plugin.check(), Ok(()));
        for bad in [
            "https://evil.example.org/v1",
            "ftp://api.example.org/v1",
            "https://x@api.example.org/",
            "api.example.org",
        ] {
            plugin.mirrors = Some(mirrors(&["https://api.example.org/v1", bad]));
            assert_eq!(
                plugin.check(),
                Err(ManifestError::MirrorNotAllowed {
                    id: "source".to_owned(),
                    root: bad.to_owned()
                }),
                "{bad}"
            );
        }
    }

    #[test]
    fn ids_are_lower_case_slugs() {
        assert_eq!(manifest("anilibria").check(), Ok(()));
        assert_eq!(manifest("demo-source-2").check(), Ok(()));
        for bad in ["", "AniLibria", "../etc", "a b", &"x".repeat(65)] {
            assert_eq!(manifest(bad).check(), Err(ManifestError::BadId(bad.to_owned())));
        }
    }

    #[test]
    fn empty_fields_are_named() {
        let mut plugin = manifest("demo");
        plugin.version = " ".to_owned();
        assert_eq!(
            plugin.check(),
            Err(ManifestError::Empty { id: "demo".to_owned(), field: "version" })
        );
    }

    #[test]
    fn hosts_match_exactly_ignoring_case() {
        let plugin = manifest("demo");
        assert!(plugin.allows_host("API.example.org"));
        assert!(!plugin.allows_host("evil.example.org"));
        assert!(!plugin.allows_host("api.example.org.evil.com"));
    }
}
