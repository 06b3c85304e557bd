//! The plugin index: a static JSON file listing installable plugins, at a URL the user sets
//! (setting `plugin_index_url`). Packages are downloaded by the host, checked against the sha256
//! the index gives, and installed through the same path as a local file.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use getanime_plugins::{GuardedClient, MANIFEST_FILE, NetworkPolicy, url_host};

use crate::App;

/// The app setting holding the index URL.
pub const INDEX_URL_SETTING: &str = "plugin_index_url";
/// Largest index or package downloaded.
const MAX_DOWNLOAD_BYTES: usize = 32 << 20;

/// One installable plugin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexEntry {
    pub id: String,
    pub name: String,
    pub version: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Hosts the plugin will ask to reach, shown before installing.
    #[serde(default)]
    pub allowed_hosts: Vec<String>,
    /// Where the `.tar.gz` package is.
    pub url: String,
    /// sha256 of the package file, lower-case hex.
    pub sha256: String,
}

#[derive(Debug, Deserialize)]
struct Index {
    plugins: Vec<IndexEntry>,
}

impl App {
    /// `getanime plugin pack`: packs the package directory `dir` (its `plugin.toml`, and its
    /// `plugin.wasm` or the component at `component`) into the `.tar.gz` at `out`, checks the
    /// archive as an install would (manifest, API version, exports, with wasmtime), and returns
    /// its plugin index entry, listing it at `url` (else the archive's file name, for an index
    /// beside it). Without `out`, the archive is `<id>-<version>.tar.gz` in the current
    /// directory. A package that would not install leaves no archive.
    pub async fn pack_plugin(
        &self,
        dir: PathBuf,
        component: Option<PathBuf>,
        out: Option<PathBuf>,
        url: Option<String>,
    ) -> Result<(IndexEntry, PathBuf)> {
        let out = match out {
            Some(out) => out,
            None => {
                let manifest = getanime_plugins::read_manifest(&dir.join(MANIFEST_FILE))?;
                PathBuf::from(format!("{}-{}.tar.gz", manifest.id, manifest.version))
            }
        };
        let runtime = std::sync::Arc::clone(&self.runtime);
        let written = out.clone();
        let package = tokio::task::spawn_blocking(move || {
            getanime_plugins::Package::pack(&dir, component.as_deref(), &written, |package| {
                runtime
                    .instantiate_package(package.clone(), getanime_plugins::PluginConfig::default())
                    .map(drop)
            })
        })
        .await
        .context("the packing task failed")??;
        let manifest = package.manifest;
        let url = match url {
            Some(url) => url,
            None => out
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .with_context(|| format!("{} has no file name", out.display()))?,
        };
        let entry = IndexEntry {
            id: manifest.id,
            name: manifest.name,
            version: manifest.version,
            description: manifest.description,
            allowed_hosts: manifest.allowed_hosts,
            url,
            sha256: package.sha256,
        };
        Ok((entry, out))
    }

    /// Sets the index URL.
    pub async fn set_plugin_index_url(&self, url: &str) -> Result<()> {
        if url_host(url).is_none() {
            bail!("{url} is not an http(s) URL");
        }
        let url = url.to_owned();
        self.db(move |db| db.set_setting(INDEX_URL_SETTING, &url)).await
    }

    /// The plugins the index offers.
    pub async fn plugin_index(&self) -> Result<Vec<IndexEntry>> {
        Ok(self.read_index().await?.1)
    }

    /// The index URL the user set, and what the index there offers.
    async fn read_index(&self) -> Result<(String, Vec<IndexEntry>)> {
        let url = self
            .db(|db| db.setting(INDEX_URL_SETTING))
            .await?
            .context("no plugin index is set; set one with `getanime plugin index --url URL`")?;
        let bytes = self
            .download(&url, &url)
            .await
            .with_context(|| format!("reading the plugin index {url}"))?;
        let index: Index = serde_json::from_slice(&bytes)
            .with_context(|| format!("the plugin index {url} is not valid"))?;
        // Two entries with one id would make "install X" ambiguous: which package, which hosts?
        let mut seen = std::collections::BTreeSet::new();
        if let Some(twice) = index.plugins.iter().find(|entry| !seen.insert(entry.id.as_str())) {
            bail!("the plugin index {url} lists {} twice; refusing it", twice.id);
        }
        Ok((url, index.plugins))
    }

    /// Installs plugin `id` from the index: download, sha256 check, the usual install checks.
    /// The package may live on the index's own host (which the user chose) or a public one.
    pub async fn install_from_index(&self, id: &str) -> Result<getanime_domain::PluginRecord> {
        let (index_url, entries) = self.read_index().await?;
        let entry = entries
            .into_iter()
            .find(|entry| entry.id == id)
            .with_context(|| format!("the plugin index has no {id}"))?;
        // An index may name its packages relative to itself (what `plugin pack` writes).
        let package_url = getanime_plugins::resolve_url(&index_url, &entry.url)
            .with_context(|| format!("{} is not a package URL", entry.url))?;
        self.install_downloaded(&package_url, &index_url, Some(entry.sha256)).await
    }

    /// Downloads a `.tar.gz` package the user named and installs it (checked against `sha256`
    /// when given).
    pub async fn install_from_url(
        &self,
        url: &str,
        sha256: Option<String>,
    ) -> Result<getanime_domain::PluginRecord> {
        self.install_downloaded(url, url, sha256).await
    }

    /// Downloads `url` (which may be local only on `chosen_url`'s host) and installs it.
    async fn install_downloaded(
        &self,
        url: &str,
        chosen_url: &str,
        sha256: Option<String>,
    ) -> Result<getanime_domain::PluginRecord> {
        let bytes =
            self.download(url, chosen_url).await.with_context(|| format!("downloading {url}"))?;
        let downloads = self.paths.root().join("cache").join("downloads");
        std::fs::create_dir_all(&downloads)
            .with_context(|| format!("creating {}", downloads.display()))?;
        let file = tempfile::Builder::new()
            .suffix(".tar.gz")
            .tempfile_in(&downloads)
            .context("creating a download file")?;
        std::fs::write(file.path(), &bytes).context("saving the download")?;
        self.install_plugin(file.path().to_path_buf(), sha256).await
    }

    /// Downloads through the network rule: public hosts, and the host of `chosen_url`, which
    /// the user typed in (so may be on their own network).
    async fn download(&self, url: &str, chosen_url: &str) -> Result<Vec<u8>> {
        let policy = NetworkPolicy::for_user_chosen(url_host(chosen_url));
        let client =
            GuardedClient::new(policy, crate::USER_AGENT, crate::HTTP_TIMEOUT, MAX_DOWNLOAD_BYTES)?;
        Ok(client.get_bytes(url).await?)
    }
}
