//! Installing, configuring and removing source plugins: files through the plugin registry, state
//! in the `plugins` table.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use getanime_domain::PluginRecord;
use getanime_plugins::{
    GuardedClient, MirrorListener, NetworkPolicy, Plugin, PluginConfig, url_host,
};
use getanime_storage::RemovalPolicy;

use crate::{App, now_ms};

/// Setting keys with this prefix record hosts the user granted a plugin; they are not passed to
/// the plugin as settings.
const GRANT_PREFIX: &str = "host:";

/// The setting key under which the host remembers the API mirror a plugin moved to (manifest
/// `[mirrors]`); not a plugin setting, and not the user's to set.
const MIRROR_KEY: &str = "mirror:in-use";

/// A setting points at a host the plugin may not reach until the user grants it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantNeeded {
    pub plugin_id: String,
    pub host: String,
}

/// The environment variable that presets setting `key` of plugin `id` at install:
/// `GETANIME_PRESET_<ID>_<KEY>`, upper case, `-` as `_` (`GETANIME_PRESET_ANILIBERTY_BASE_URL`).
/// For mirrors, kiosks and tests (a fake API on 127.0.0.1); the host it names is granted.
pub fn preset_variable(id: &str, key: &str) -> String {
    format!("GETANIME_PRESET_{id}_{key}").to_ascii_uppercase().replace('-', "_")
}

/// The presets the environment sets for these keys of plugin `id`.
fn preset_settings<'a>(id: &str, keys: impl Iterator<Item = &'a String>) -> Vec<(String, String)> {
    keys.filter_map(|key| {
        let value = std::env::var(preset_variable(id, key)).ok()?;
        Some((key.clone(), value))
    })
    .collect()
}

impl App {
    /// Installs (or upgrades) the plugin package at `source` (directory or `.tar.gz`): every
    /// check first, files second, the library record last.
    pub async fn install_plugin(
        &self,
        source: PathBuf,
        expected_sha256: Option<String>,
    ) -> Result<PluginRecord> {
        let (runtime, registry) = (Arc::clone(&self.runtime), Arc::clone(&self.registry));
        let installed = tokio::task::spawn_blocking(move || {
            registry.install(&runtime, &source, expected_sha256.as_deref())
        })
        .await
        .context("the install task failed")??;
        let now = now_ms();
        let manifest = installed.manifest;
        let record = PluginRecord {
            id: manifest.id.clone(),
            name: manifest.name.clone(),
            version: manifest.version.clone(),
            api_version: manifest.api_version.clone(),
            kind: manifest.kind,
            sha256: installed.sha256,
            description: manifest.description.clone(),
            enabled: true,
            allowed_hosts: manifest.allowed_hosts.clone(),
            installed_at: now,
            updated_at: now,
            last_sync_at: None,
            last_error: None,
        };
        let stored = record.clone();
        self.db(move |db| db.register_plugin(&stored)).await?;
        for (key, value) in preset_settings(&manifest.id, manifest.settings.keys()) {
            tracing::info!(plugin = %manifest.id, %key, %value, "setting preset by the environment");
            if let Some(grant) = self.set_plugin_setting(&manifest.id, &key, &value).await? {
                // Set by whoever started the app, as `plugin set` + `plugin grant` would be.
                self.grant_host(&grant.plugin_id, &grant.host).await?;
            }
        }
        let id = record.id.clone();
        self.db(move |db| db.plugin(&id)).await?.context("the plugin record vanished")
    }

    /// Every installed plugin.
    pub async fn plugins(&self) -> Result<Vec<PluginRecord>> {
        self.db(|db| db.plugins()).await
    }

    /// Removes a plugin's files and record; its titles go as `policy` says.
    pub async fn remove_plugin(&self, id: &str, policy: RemovalPolicy) -> Result<usize> {
        let owned = id.to_owned();
        let deleted = self.db(move |db| db.remove_plugin(&owned, policy)).await?;
        self.registry.remove(id).with_context(|| format!("removing the files of plugin {id}"))?;
        Ok(deleted)
    }

    pub async fn set_plugin_enabled(&self, id: &str, enabled: bool) -> Result<()> {
        let id = id.to_owned();
        self.db(move |db| db.set_plugin_enabled(&id, enabled)).await
    }

    /// Sets a plugin setting. A URL whose host the plugin may not reach is stored, and the host is
    /// returned so the caller can ask the user to grant it.
    pub async fn set_plugin_setting(
        &self,
        id: &str,
        key: &str,
        value: &str,
    ) -> Result<Option<GrantNeeded>> {
        if key.starts_with(GRANT_PREFIX) {
            bail!("setting names starting with {GRANT_PREFIX:?} are reserved; use `plugin grant`");
        }
        if key == MIRROR_KEY {
            bail!("{MIRROR_KEY:?} is the host's own record of the mirror in use");
        }
        let (owned_id, owned_key, owned_value) = (id.to_owned(), key.to_owned(), value.to_owned());
        // A setting can change where every URL the source hands over points (a mirror): its
        // titles get their details, and so their poster and stream URLs, again on the next sync.
        self.db(move |db| {
            db.set_plugin_setting_expiring_details(&owned_id, &owned_key, &owned_value)
        })
        .await?;
        let host = self.host_to_grant(id, value).await?;
        Ok(host.map(|host| GrantNeeded { plugin_id: id.to_owned(), host }))
    }

    /// Lets a plugin reach `host` in addition to its manifest's allowed hosts.
    pub async fn grant_host(&self, id: &str, host: &str) -> Result<()> {
        let host = host.trim().to_ascii_lowercase();
        if host.is_empty() || host.contains(['/', ' ', ':']) {
            bail!("{host:?} is not a host name");
        }
        let (id, key) = (id.to_owned(), format!("{GRANT_PREFIX}{host}"));
        self.db(move |db| db.set_plugin_setting(&id, &key, "granted")).await
    }

    pub(crate) async fn plugin_record(&self, id: &str) -> Result<PluginRecord> {
        let owned = id.to_owned();
        self.db(move |db| db.plugin(&owned))
            .await?
            .with_context(|| format!("plugin {id} is not installed"))
    }

    async fn granted_hosts(&self, id: &str) -> Result<Vec<String>> {
        let settings = self.plugin_overrides(id).await?;
        Ok(settings
            .keys()
            .filter_map(|key| key.strip_prefix(GRANT_PREFIX))
            .map(str::to_owned)
            .collect())
    }

    async fn plugin_overrides(&self, id: &str) -> Result<BTreeMap<String, String>> {
        let id = id.to_owned();
        self.db(move |db| db.plugin_settings(&id)).await
    }

    /// Loads an installed plugin with the user's settings and grants.
    pub(crate) async fn load_plugin(&self, id: &str) -> Result<Plugin> {
        let overrides = self.plugin_overrides(id).await?;
        let mut config = PluginConfig {
            on_mirror_move: Some(self.mirror_recorder(id)),
            ..PluginConfig::default()
        };
        for (key, value) in overrides {
            if key == MIRROR_KEY {
                config.mirror = Some(value);
                continue;
            }
            match key.strip_prefix(GRANT_PREFIX) {
                Some(host) => config.granted_hosts.push(host.to_owned()),
                None => {
                    config.settings.insert(key, value);
                }
            }
        }
        let (runtime, registry) = (Arc::clone(&self.runtime), Arc::clone(&self.registry));
        let id = id.to_owned();
        tokio::task::spawn_blocking(move || registry.load(&runtime, &id, config))
            .await
            .context("the plugin load task failed")?
            .map_err(anyhow::Error::from)
    }

    /// Writes down the mirror plugin `id` moved to, so its next load (and Sources) starts there.
    fn mirror_recorder(&self, id: &str) -> MirrorListener {
        let (db, id) = (Arc::clone(&self.db), id.to_owned());
        MirrorListener(Arc::new(move |root: String| {
            let (db, id) = (Arc::clone(&db), id.clone());
            Box::pin(async move {
                let written = tokio::task::spawn_blocking(move || match db.lock() {
                    Ok(mut db) => db
                        .set_plugin_setting(&id, MIRROR_KEY, &root)
                        .map_err(|error| error.to_string()),
                    Err(_) => Err("the database lock was poisoned by a crash".to_owned()),
                })
                .await;
                match written {
                    Ok(Ok(())) => {}
                    Ok(Err(reason)) => {
                        tracing::warn!("cannot remember the mirror in use: {reason}")
                    }
                    Err(error) => tracing::warn!("cannot remember the mirror in use: {error}"),
                }
            })
        }))
    }

    /// The API mirror plugin `id` moved to, while its mirrors are on (the user did not set the
    /// root); `None` before any move.
    pub async fn mirror_in_use(&self, id: &str) -> Result<Option<String>> {
        let mut overrides = self.plugin_overrides(id).await?;
        let Some(mirror) = overrides.remove(MIRROR_KEY) else { return Ok(None) };
        let manifest = self.installed_manifest(id).await?;
        let on = manifest.mirrors.is_some_and(|mirrors| !overrides.contains_key(&mirrors.setting));
        Ok(on.then_some(mirror))
    }

    /// An installed plugin's manifest, read from its file.
    pub(crate) async fn installed_manifest(
        &self,
        id: &str,
    ) -> Result<getanime_domain::PluginManifest> {
        let manifest_path = self.paths.plugins().join(id).join(getanime_plugins::MANIFEST_FILE);
        tokio::task::spawn_blocking(move || getanime_plugins::read_manifest(&manifest_path))
            .await
            .context("reading the plugin manifest failed")?
            .map_err(anyhow::Error::from)
    }

    /// A plugin's settings as its manifest declares them, with the user's value where set:
    /// `(key, current value)`, by key.
    pub async fn plugin_settings(&self, id: &str) -> Result<Vec<(String, String)>> {
        let manifest = self.installed_manifest(id).await?;
        let overrides = self.plugin_overrides(id).await?;
        Ok(manifest
            .settings
            .into_iter()
            .map(|(key, default)| {
                let value = overrides.get(&key).cloned().unwrap_or(default);
                (key, value)
            })
            .collect())
    }

    /// The host `value` would make plugin `id` reach that it may not reach yet, if any.
    pub async fn host_to_grant(&self, id: &str, value: &str) -> Result<Option<String>> {
        let Some(host) = url_host(value) else { return Ok(None) };
        let reachable = self.reachable_hosts(id).await?;
        Ok((!reachable.iter().any(|allowed| allowed.eq_ignore_ascii_case(&host))).then_some(host))
    }

    /// The hosts a plugin may reach: its manifest's and the ones the user granted.
    pub(crate) async fn reachable_hosts(&self, id: &str) -> Result<Vec<String>> {
        let mut hosts = self.plugin_record(id).await?.allowed_hosts;
        hosts.extend(self.granted_hosts(id).await?);
        Ok(hosts)
    }

    /// The network rule for URLs plugin `id` returned (posters, previews, streams): public
    /// hosts, and local ones only when the user granted them.
    pub async fn returned_url_policy(&self, id: &str) -> Result<NetworkPolicy> {
        let manifest_hosts = self.plugin_record(id).await?.allowed_hosts;
        let granted = self.granted_hosts(id).await?;
        Ok(NetworkPolicy::for_returned_urls(&manifest_hosts, &granted))
    }

    /// An HTTP client for URLs plugin `id` returned, bounded to `max_body_bytes`.
    pub(crate) async fn returned_url_client(
        &self,
        id: &str,
        max_body_bytes: usize,
    ) -> Result<GuardedClient> {
        let policy = self.returned_url_policy(id).await?;
        Ok(GuardedClient::new(policy, crate::USER_AGENT, crate::HTTP_TIMEOUT, max_body_bytes)?)
    }
}
