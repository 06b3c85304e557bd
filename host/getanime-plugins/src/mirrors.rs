//! An API with mirrors (manifest `[mirrors]`): the plugin builds its URLs from one setting, the
//! host answers that setting with the root in use, and when that root cannot be reached (a
//! transport failure or a timeout, never an HTTP status) the host asks the other roots' status,
//! moves the plugin to the first that is alive and sends the request again there.
//!
//! A status answer may name other endpoints (`available_api_endpoints`): they are followed only
//! when their host is the manifest's or granted to the plugin, so a server cannot steer the
//! plugin (or its account's token) anywhere new. A root the user set themselves is never
//! replaced: then there are no mirrors at all.

use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use getanime_domain::PluginManifest;
use serde::Deserialize;

use crate::network::{FetchError, GuardedClient, url_host};
use crate::rate_limit::RateLimiter;

/// What a [`MirrorListener`] does with the root moved to.
pub type MirrorRecorder = dyn Fn(String) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync;

/// Told of every move to another root, so the next load starts there; the call waits for it.
#[derive(Clone)]
pub struct MirrorListener(pub Arc<MirrorRecorder>);

impl std::fmt::Debug for MirrorListener {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("MirrorListener")
    }
}

impl PartialEq for MirrorListener {
    fn eq(&self, other: &MirrorListener) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for MirrorListener {}

/// A status question is short: a mirror that cannot answer it quickly is not one to move to.
const STATUS_TIMEOUT: Duration = Duration::from_secs(5);

/// AniLiberty's `app/status` answer (`tests/fixtures/aniliberty/real/app_status.json`).
#[derive(Deserialize)]
struct Status {
    is_alive: bool,
    #[serde(default)]
    available_api_endpoints: Vec<String>,
}

pub(crate) struct MirrorSet {
    setting: String,
    roots: Vec<String>,
    status: Option<String>,
    /// Hosts an endpoint named by a status answer may be on: the manifest's and the granted.
    reachable: Vec<String>,
    active: Mutex<String>,
    /// One move at a time: requests failing together wait for the first one's answer.
    moving: tokio::sync::Mutex<()>,
    listener: Option<MirrorListener>,
}

impl MirrorSet {
    /// The plugin's mirrors, starting at `remembered` when it is still one of them; none when
    /// the manifest has none or the user set the root.
    pub(crate) fn new(
        manifest: &PluginManifest,
        user_settings: &std::collections::BTreeMap<String, String>,
        granted_hosts: &[String],
        remembered: Option<&str>,
        listener: Option<MirrorListener>,
    ) -> Option<MirrorSet> {
        let mirrors = manifest.mirrors.as_ref()?;
        if user_settings.contains_key(&mirrors.setting) {
            return None;
        }
        let roots: Vec<String> =
            mirrors.roots.iter().map(|root| root.trim_end_matches('/').to_owned()).collect();
        let mut reachable = manifest.allowed_hosts.clone();
        reachable.extend(granted_hosts.iter().cloned());
        let first = manifest
            .settings
            .get(&mirrors.setting)
            .map(|root| root.trim_end_matches('/').to_owned())
            .or_else(|| roots.first().cloned())?;
        let set = MirrorSet {
            setting: mirrors.setting.clone(),
            roots,
            status: mirrors.status.clone(),
            reachable,
            active: Mutex::new(first),
            moving: tokio::sync::Mutex::new(()),
            listener,
        };
        if let Some(remembered) = remembered.map(|root| root.trim_end_matches('/'))
            && set.may_use(remembered)
        {
            set.set_active(remembered.to_owned());
        }
        Some(set)
    }

    pub(crate) fn setting(&self) -> &str {
        &self.setting
    }

    /// The root requests go to now.
    pub(crate) fn active(&self) -> String {
        self.active.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    fn set_active(&self, root: String) {
        *self.active.lock().unwrap_or_else(PoisonError::into_inner) = root;
    }

    fn may_use(&self, root: &str) -> bool {
        self.roots.iter().any(|known| known == root)
            || url_host(root).is_some_and(|host| {
                self.reachable.iter().any(|allowed| allowed.eq_ignore_ascii_case(&host))
            })
    }

    /// `url` moved onto the root in use when it was built on another known root (before a
    /// move), with the root it was on; `None` when it is not under any.
    pub(crate) fn locate(&self, url: &str) -> Option<(String, String)> {
        let active = self.active();
        let under = |root: &str| {
            url.strip_prefix(root)
                .filter(|rest| rest.is_empty() || rest.starts_with(['/', '?']))
                .map(str::to_owned)
        };
        let known = std::iter::once(&active).chain(self.roots.iter());
        known
            .filter_map(|root| under(root))
            .next()
            .map(|rest| (format!("{active}{rest}"), active.clone()))
    }

    /// After `failed` could not be reached: the root to send the request to now (another
    /// request may already have moved), or `None` when no mirror is alive.
    pub(crate) async fn move_from(
        &self,
        failed: &str,
        client: &GuardedClient,
        limiter: Option<&RateLimiter>,
    ) -> Option<String> {
        let _one_move = self.moving.lock().await;
        let active = self.active();
        if active != failed {
            return Some(active);
        }
        let mut seen: HashSet<String> = self.roots.iter().cloned().collect();
        seen.insert(failed.to_owned());
        let mut candidates: VecDeque<String> =
            self.roots.iter().filter(|root| *root != failed).cloned().collect();
        while let Some(candidate) = candidates.pop_front() {
            let Some(path) = &self.status else {
                return Some(self.move_to(candidate).await);
            };
            match ask_status(client, limiter, &candidate, path).await {
                Ok(status) if status.is_alive => return Some(self.move_to(candidate).await),
                Ok(status) => {
                    for endpoint in status.available_api_endpoints {
                        let Some(root) = endpoint_root(&endpoint, &candidate) else { continue };
                        if !seen.insert(root.clone()) {
                            continue;
                        }
                        if self.may_use(&root) {
                            candidates.push_back(root);
                        } else {
                            tracing::warn!(
                                mirror = %candidate,
                                endpoint = %root,
                                "a mirror's status names an endpoint on a host the plugin may not reach; not followed"
                            );
                        }
                    }
                }
                Err(reason) => {
                    tracing::info!(mirror = %candidate, "the mirror does not answer: {reason}")
                }
            }
        }
        None
    }

    async fn move_to(&self, root: String) -> String {
        tracing::warn!(mirror = %root, "the API root in use cannot be reached; moved to a mirror");
        self.set_active(root.clone());
        if let Some(listener) = &self.listener {
            (listener.0)(root.clone()).await;
        }
        root
    }
}

async fn ask_status(
    client: &GuardedClient,
    limiter: Option<&RateLimiter>,
    root: &str,
    path: &str,
) -> Result<Status, String> {
    let url = format!("{root}/{}", path.trim_start_matches('/'));
    if let Some(limiter) = limiter {
        limiter.acquire().await;
    }
    let accept = [("Accept".to_owned(), "application/json".to_owned())];
    let asked = client.get(&url, &accept);
    let fetched = match tokio::time::timeout(STATUS_TIMEOUT, asked).await {
        Ok(Ok(fetched)) => fetched,
        Ok(Err(error)) => return Err(error.to_string()),
        Err(_elapsed) => return Err(FetchError::Timeout.to_string()),
    };
    if !(200..300).contains(&fetched.status) {
        return Err(format!("status {}", fetched.status));
    }
    serde_json::from_slice(&fetched.body).map_err(|error| format!("not a status answer: {error}"))
}

/// The API root an endpoint stands for: the endpoint itself when it has a path, else the
/// endpoint with the path of `beside` (AniLiberty names origins: `https://aniliberty.top`).
fn endpoint_root(endpoint: &str, beside: &str) -> Option<String> {
    let endpoint = reqwest::Url::parse(endpoint.trim()).ok()?;
    if !matches!(endpoint.scheme(), "http" | "https") || endpoint.host_str().is_none() {
        return None;
    }
    let origin = endpoint.origin().ascii_serialization();
    let path = match endpoint.path().trim_end_matches('/') {
        "" => reqwest::Url::parse(beside).ok()?.path().trim_end_matches('/').to_owned(),
        own => own.to_owned(),
    };
    Some(format!("{origin}{path}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_origin_takes_the_path_of_the_root_beside_it() {
        let beside = "https://anilibria.top/api/v1";
        assert_eq!(
            endpoint_root("https://aniliberty.top", beside).as_deref(),
            Some("https://aniliberty.top/api/v1")
        );
        assert_eq!(
            endpoint_root("https://aniliberty.top/", beside).as_deref(),
            Some("https://aniliberty.top/api/v1")
        );
        assert_eq!(
            endpoint_root("https://x.example/other/", beside).as_deref(),
            Some("https://x.example/other")
        );
        for odd in ["javascript:alert(1)", "ftp://x.example", "not a url", ""] {
            assert_eq!(endpoint_root(odd, beside), None, "{odd}");
        }
    }

    #[test]
    fn the_real_status_answer_reads() -> Result<(), serde_json::Error> {
        let body = include_bytes!("../../../tests/fixtures/aniliberty/real/app_status.json");
        let status: Status = serde_json::from_slice(body)?;
        assert!(status.is_alive);
        assert_eq!(status.available_api_endpoints, ["https://aniliberty.top"]);
        Ok(())
    }
}
