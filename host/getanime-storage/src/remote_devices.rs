//! Phones paired with the phone remote and command-line tokens: names, scopes and the SHA-256 of
//! each token (never the token).

use getanime_domain::{RemoteDevice, RemoteDeviceKind, RemoteScope, UnixMillis};
use rusqlite::{Row, params};

use crate::{Database, Error, Result};

/// A device row as stored, for carrying it across a restore.
pub(crate) struct StoredDevice {
    name: String,
    kind: String,
    scope: String,
    token_sha256: String,
    created_at: UnixMillis,
    last_seen_at: Option<UnixMillis>,
    last_peer: Option<String>,
}

const DEVICE_COLUMNS: &str = "id, name, kind, scope, created_at, last_seen_at, last_peer";

fn device_from_row(row: &Row<'_>) -> rusqlite::Result<RemoteDevice> {
    let (kind, scope): (String, String) = (row.get(2)?, row.get(3)?);
    Ok(RemoteDevice {
        id: row.get(0)?,
        name: row.get(1)?,
        // The columns' CHECKs allow only known values.
        kind: RemoteDeviceKind::from_code(&kind).unwrap_or(RemoteDeviceKind::Token),
        scope: RemoteScope::from_code(&scope).unwrap_or(RemoteScope::Read),
        created_at: row.get(4)?,
        last_seen_at: row.get(5)?,
        last_peer: row.get(6)?,
    })
}

impl Database {
    /// Records a device by its token's hash. A token name already taken is a conflict.
    pub fn add_remote_device(
        &mut self,
        name: &str,
        kind: RemoteDeviceKind,
        scope: RemoteScope,
        token_sha256: &str,
        at: UnixMillis,
    ) -> Result<RemoteDevice> {
        let id = self.connection.query_row(
            "INSERT INTO remote_devices (name, kind, scope, token_sha256, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
            params![name, kind.code(), scope.code(), token_sha256, at],
            |row| row.get::<_, i64>(0),
        )?;
        Ok(RemoteDevice {
            id,
            name: name.to_owned(),
            kind,
            scope,
            created_at: at,
            last_seen_at: None,
            last_peer: None,
        })
    }

    /// Every device, the most recently seen first.
    pub fn remote_devices(&self) -> Result<Vec<RemoteDevice>> {
        let mut statement = self.connection.prepare_cached(&format!(
            "SELECT {DEVICE_COLUMNS} FROM remote_devices \
             ORDER BY coalesce(last_seen_at, created_at) DESC, id DESC"
        ))?;
        let devices = statement.query_map([], device_from_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(devices)
    }

    /// Every device with its token's hash, for the caller to compare in constant time.
    pub fn remote_token_hashes(&self) -> Result<Vec<(i64, String)>> {
        let mut statement =
            self.connection.prepare_cached("SELECT id, token_sha256 FROM remote_devices")?;
        let hashes = statement
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(hashes)
    }

    /// One device.
    pub fn remote_device(&self, id: i64) -> Result<RemoteDevice> {
        use rusqlite::OptionalExtension;
        self.connection
            .query_row(
                &format!("SELECT {DEVICE_COLUMNS} FROM remote_devices WHERE id = ?1"),
                [id],
                device_from_row,
            )
            .optional()?
            .ok_or_else(|| Error::NotFound { what: "remote device", id: id.to_string() })
    }

    /// Notes that a device was just seen, from `peer`.
    pub fn touch_remote_device(&mut self, id: i64, peer: &str, at: UnixMillis) -> Result<()> {
        self.connection.execute(
            "UPDATE remote_devices SET last_seen_at = ?2, last_peer = ?3 WHERE id = ?1",
            params![id, at, peer],
        )?;
        Ok(())
    }

    /// Every row as stored (hashes included), to carry this TV's devices across a restore.
    pub(crate) fn remote_device_rows(&self) -> Result<Vec<StoredDevice>> {
        let mut statement = self.connection.prepare(
            "SELECT name, kind, scope, token_sha256, created_at, last_seen_at, last_peer \
             FROM remote_devices",
        )?;
        let rows = statement
            .query_map([], |row| {
                Ok(StoredDevice {
                    name: row.get(0)?,
                    kind: row.get(1)?,
                    scope: row.get(2)?,
                    token_sha256: row.get(3)?,
                    created_at: row.get(4)?,
                    last_seen_at: row.get(5)?,
                    last_peer: row.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Puts rows of [`Database::remote_device_rows`] back (after a restore emptied the table).
    pub(crate) fn put_back_remote_device_rows(&mut self, rows: &[StoredDevice]) -> Result<()> {
        let transaction = self.connection.transaction()?;
        for row in rows {
            transaction.execute(
                "INSERT OR IGNORE INTO remote_devices \
                 (name, kind, scope, token_sha256, created_at, last_seen_at, last_peer) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    row.name,
                    row.kind,
                    row.scope,
                    row.token_sha256,
                    row.created_at,
                    row.last_seen_at,
                    row.last_peer
                ],
            )?;
        }
        transaction.commit()?;
        Ok(())
    }

    /// Forgets a device: its token stops working at once. Whether there was one.
    pub fn forget_remote_device(&mut self, id: i64) -> Result<bool> {
        Ok(self.connection.execute("DELETE FROM remote_devices WHERE id = ?1", [id])? > 0)
    }
}
