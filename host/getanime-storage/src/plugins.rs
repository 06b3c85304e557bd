//! Installed plugins and their settings.

use std::collections::BTreeMap;

use getanime_domain::{PluginKind, PluginRecord, UnixMillis};
use rusqlite::{OptionalExtension, Row, params};

use crate::{Database, Error, Result};

/// What happens to a removed plugin's titles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemovalPolicy {
    /// Keep titles the user watched or rated (history and ratings survive; reinstalling the
    /// plugin reattaches them); delete the rest. The default, as in media centers that never
    /// lose watch history when a source goes away.
    KeepHistory,
    /// Delete every title of the plugin, with its watch history and ratings.
    DeleteEverything,
}

const PLUGIN_COLUMNS: &str = "id, name, version, api_version, sha256, description, enabled, allowed_hosts, \
     installed_at, updated_at, last_sync_at, last_error, kind";

fn plugin_from_row(row: &Row<'_>) -> rusqlite::Result<PluginRecord> {
    let hosts: String = row.get(7)?;
    Ok(PluginRecord {
        id: row.get(0)?,
        name: row.get(1)?,
        version: row.get(2)?,
        api_version: row.get(3)?,
        sha256: row.get(4)?,
        description: row.get(5)?,
        enabled: row.get(6)?,
        allowed_hosts: hosts.lines().map(str::to_owned).collect(),
        installed_at: row.get(8)?,
        updated_at: row.get(9)?,
        last_sync_at: row.get(10)?,
        last_error: row.get(11)?,
        kind: match row.get::<_, String>(12)?.as_str() {
            "tracker" => PluginKind::Tracker,
            _ => PluginKind::Provider,
        },
    })
}

impl Database {
    /// Records an installed plugin, or an upgrade of one (which keeps `enabled`, `installed_at`
    /// and the sync status).
    pub fn register_plugin(&mut self, plugin: &PluginRecord) -> Result<()> {
        self.connection.execute(
            "INSERT INTO plugins (id, name, version, api_version, sha256, description, enabled, allowed_hosts, \
                 installed_at, updated_at, kind) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) \
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, version = excluded.version, \
                 api_version = excluded.api_version, kind = excluded.kind, sha256 = excluded.sha256, description = excluded.description, \
                 allowed_hosts = excluded.allowed_hosts, updated_at = excluded.updated_at",
            params![
                plugin.id,
                plugin.name,
                plugin.version,
                plugin.api_version,
                plugin.sha256,
                plugin.description,
                plugin.enabled,
                plugin.allowed_hosts.join("\n"),
                plugin.installed_at,
                plugin.updated_at,
                match plugin.kind {
                    PluginKind::Provider => "provider",
                    PluginKind::Tracker => "tracker",
                },
            ],
        )?;
        Ok(())
    }

    /// One installed plugin.
    pub fn plugin(&self, id: &str) -> Result<Option<PluginRecord>> {
        Ok(self
            .connection
            .query_row(
                &format!("SELECT {PLUGIN_COLUMNS} FROM plugins WHERE id = ?1"),
                [id],
                plugin_from_row,
            )
            .optional()?)
    }

    /// Every installed plugin, by id.
    pub fn plugins(&self) -> Result<Vec<PluginRecord>> {
        let mut statement = self
            .connection
            .prepare_cached(&format!("SELECT {PLUGIN_COLUMNS} FROM plugins ORDER BY id"))?;
        let plugins = statement.query_map([], plugin_from_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(plugins)
    }

    /// Enables or disables a plugin.
    pub fn set_plugin_enabled(&mut self, id: &str, enabled: bool) -> Result<()> {
        let changed = self
            .connection
            .execute("UPDATE plugins SET enabled = ?2 WHERE id = ?1", params![id, enabled])?;
        if changed == 0 {
            return Err(Error::NotFound { what: "plugin", id: id.to_owned() });
        }
        Ok(())
    }

    /// Records the end of a sync: when, and the error if it failed (`None` clears the last error).
    pub fn record_sync(&mut self, id: &str, at: UnixMillis, error: Option<&str>) -> Result<()> {
        let changed = self.connection.execute(
            "UPDATE plugins SET last_sync_at = ?2, last_error = ?3 WHERE id = ?1",
            params![id, at, error],
        )?;
        if changed == 0 {
            return Err(Error::NotFound { what: "plugin", id: id.to_owned() });
        }
        Ok(())
    }

    /// Removes a plugin, its settings and its titles as `policy` says, in one transaction.
    /// Returns how many titles were deleted.
    pub fn remove_plugin(&mut self, id: &str, policy: RemovalPolicy) -> Result<usize> {
        let transaction = self.connection.transaction()?;
        let removed = transaction.execute("DELETE FROM plugins WHERE id = ?1", [id])?;
        if removed == 0 {
            return Err(Error::NotFound { what: "plugin", id: id.to_owned() });
        }
        let deleted = match policy {
            RemovalPolicy::DeleteEverything => transaction.execute("DELETE FROM titles WHERE plugin_id = ?1", [id])?,
            RemovalPolicy::KeepHistory => transaction.execute(
                "DELETE FROM titles WHERE plugin_id = ?1 \
                 AND NOT EXISTS (SELECT 1 FROM ratings r WHERE r.title_id = titles.id) \
                 AND NOT EXISTS (SELECT 1 FROM profile_titles p WHERE p.title_id = titles.id \
                                 AND (p.status IS NOT NULL OR p.favorite = 1)) \
                 AND NOT EXISTS (SELECT 1 FROM watch_state w JOIN episodes e ON e.id = w.episode_id \
                                 WHERE e.title_id = titles.id)",
                [id],
            )?,
        };
        transaction.commit()?;
        Ok(deleted)
    }

    /// Sets a user override of a plugin setting.
    pub fn set_plugin_setting(&mut self, id: &str, key: &str, value: &str) -> Result<()> {
        if self.plugin(id)?.is_none() {
            return Err(Error::NotFound { what: "plugin", id: id.to_owned() });
        }
        self.connection.execute(
            "INSERT INTO plugin_settings (plugin_id, key, value) VALUES (?1, ?2, ?3) \
             ON CONFLICT (plugin_id, key) DO UPDATE SET value = excluded.value",
            params![id, key, value],
        )?;
        Ok(())
    }

    /// Sets a setting that shapes what the plugin returns (an API root, a media host) and, when
    /// the value changed, marks every title of the plugin for a details refresh in the same
    /// transaction, so the next sync replaces the URLs built from the old value. Returns whether
    /// the value changed.
    pub fn set_plugin_setting_expiring_details(
        &mut self,
        id: &str,
        key: &str,
        value: &str,
    ) -> Result<bool> {
        if self.plugin(id)?.is_none() {
            return Err(Error::NotFound { what: "plugin", id: id.to_owned() });
        }
        let transaction = self.connection.transaction()?;
        let previous: Option<String> = transaction
            .query_row(
                "SELECT value FROM plugin_settings WHERE plugin_id = ?1 AND key = ?2",
                params![id, key],
                |row| row.get(0),
            )
            .optional()?;
        let changed = previous.as_deref() != Some(value);
        if changed {
            transaction.execute(
                "INSERT INTO plugin_settings (plugin_id, key, value) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (plugin_id, key) DO UPDATE SET value = excluded.value",
                params![id, key, value],
            )?;
            transaction.execute(
                "UPDATE titles SET details_fetched_at = NULL WHERE plugin_id = ?1",
                params![id],
            )?;
        }
        transaction.commit()?;
        Ok(changed)
    }

    /// Makes every title's details `by_ms` older, as if fetched that long before (tests of the
    /// details TTL; time cannot be waited for).
    #[cfg(feature = "testing")]
    pub fn backdate_details(&self, by_ms: i64) -> Result<usize> {
        Ok(self.connection.execute(
            "UPDATE titles SET details_fetched_at = details_fetched_at - ?1 \
             WHERE details_fetched_at IS NOT NULL",
            params![by_ms],
        )?)
    }

    /// A plugin's setting overrides.
    pub fn plugin_settings(&self, id: &str) -> Result<BTreeMap<String, String>> {
        let mut statement = self
            .connection
            .prepare_cached("SELECT key, value FROM plugin_settings WHERE plugin_id = ?1")?;
        let settings = statement
            .query_map([id], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(settings)
    }

    /// Sets an app setting.
    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<()> {
        self.connection.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// An app setting.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .connection
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |row| row.get(0))
            .optional()?)
    }
}
