//! `getanime plugin`: install, configure, pack and remove content sources.

use std::path::PathBuf;

use anyhow::Result;
use clap::Subcommand;
use getanime_app::{App, RemovalPolicy};

use super::{Output, write_stdout};

/// `getanime plugin ...`
#[derive(Debug, Subcommand)]
pub enum PluginCommand {
    /// Installed plugins.
    List,
    /// Install or upgrade a plugin: a package directory or .tar.gz, an https URL of one, or the id
    /// of a plugin in the plugin index.
    Install {
        source: String,
        /// Refuse the package unless its sha256 is this.
        #[arg(long)]
        sha256: Option<String>,
    },
    /// Remove a plugin (titles you watched or rated stay unless --purge).
    Remove {
        id: String,
        #[arg(long)]
        purge: bool,
    },
    Enable {
        id: String,
    },
    Disable {
        id: String,
    },
    /// Set a plugin setting, e.g. base_url.
    Set {
        id: String,
        key: String,
        value: String,
    },
    /// The plugins the plugin index offers (set its URL with --url).
    Index {
        #[arg(long)]
        url: Option<String>,
    },
    /// Pack a plugin for others: DIR holds plugin.toml (and plugin.wasm, or give the component
    /// with --wasm). Writes a reproducible .tar.gz, checked as an install would check it, and
    /// prints its plugin index entry (with the archive's sha256).
    Pack {
        dir: PathBuf,
        /// The component, e.g. target/wasm32-wasip2/release/my_plugin.wasm.
        #[arg(long, value_name = "FILE")]
        wasm: Option<PathBuf>,
        /// Where to write the archive (default: <id>-<version>.tar.gz here).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// The URL the index entry gives (default: the archive's name, beside the index).
        #[arg(long)]
        url: Option<String>,
    },
    /// Let a plugin reach HOST (for a mirror set in base_url).
    Grant {
        id: String,
        host: String,
    },
}

impl Output {
    pub(super) async fn plugin(&self, app: &App, command: PluginCommand) -> Result<()> {
        match command {
            PluginCommand::List => {
                let plugins = app.plugins().await?;
                self.print(&plugins, |plugins| {
                    plugins
                        .iter()
                        .map(|plugin| {
                            let state = if plugin.enabled { "enabled" } else { "disabled" };
                            let error = plugin
                                .last_error
                                .as_deref()
                                .map(|error| format!("  last error: {error}"))
                                .unwrap_or_default();
                            format!(
                                "{} {} ({state}) — {}{error}\n",
                                plugin.id, plugin.version, plugin.name
                            )
                        })
                        .collect()
                })
            }
            PluginCommand::Install { source, sha256 } => {
                let path = PathBuf::from(&source);
                let record = if source.starts_with("https://") || source.starts_with("http://") {
                    app.install_from_url(&source, sha256).await?
                } else if path.exists() || source.contains('/') {
                    app.install_plugin(path, sha256).await?
                } else {
                    app.install_from_index(&source).await?
                };
                self.print(&record, |record| {
                    format!(
                        "installed {} {}; it may reach: {}\n",
                        record.id,
                        record.version,
                        record.allowed_hosts.join(", ")
                    )
                })
            }
            PluginCommand::Remove { id, purge } => {
                let policy = if purge {
                    RemovalPolicy::DeleteEverything
                } else {
                    RemovalPolicy::KeepHistory
                };
                let deleted = app.remove_plugin(&id, policy).await?;
                self.done(&format!("removed {id} ({deleted} titles deleted)"))
            }
            PluginCommand::Enable { id } => {
                app.set_plugin_enabled(&id, true).await?;
                self.done(&format!("enabled {id}"))
            }
            PluginCommand::Disable { id } => {
                app.set_plugin_enabled(&id, false).await?;
                self.done(&format!("disabled {id}"))
            }
            PluginCommand::Set { id, key, value } => {
                // A shipped tracker's client is set before it is installed.
                app.ensure_tracker_installed(&id).await?;
                if let Some(needed) = app.set_plugin_setting(&id, &key, &value).await? {
                    eprintln!(
                        "note: {} may not reach {} yet; allow it with `getanime plugin grant {} {}`",
                        needed.plugin_id, needed.host, needed.plugin_id, needed.host
                    );
                }
                if getanime_app::is_secret_setting(&key) {
                    self.done(&format!("{id}: {key} set"))
                } else {
                    self.done(&format!("{id}: {key} = {value}"))
                }
            }
            PluginCommand::Index { url } => {
                if let Some(url) = url {
                    app.set_plugin_index_url(&url).await?;
                }
                let entries = app.plugin_index().await?;
                self.print(&entries, |entries| {
                    entries
                        .iter()
                        .map(|entry| {
                            let about = entry.description.as_deref().unwrap_or("");
                            format!(
                                "{} {} — {}  {about}\n    reaches: {}\n",
                                entry.id,
                                entry.version,
                                entry.name,
                                entry.allowed_hosts.join(", ")
                            )
                        })
                        .collect()
                })
            }
            PluginCommand::Pack { dir, wasm, out, url } => {
                let (entry, path) = app.pack_plugin(dir, wasm, out, url).await?;
                if !self.json {
                    write_stdout(&format!(
                        "packed {} {} into {} (sha256 {}); its plugin index entry:\n",
                        entry.id,
                        entry.version,
                        path.display(),
                        entry.sha256
                    ))?;
                }
                write_stdout(&format!("{}\n", serde_json::to_string_pretty(&entry)?))?;
                Ok(())
            }
            PluginCommand::Grant { id, host } => {
                app.grant_host(&id, &host).await?;
                self.done(&format!("{id} may now reach {host}"))
            }
        }
    }
}
