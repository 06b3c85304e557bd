//! Phones and scripts that may use the phone remote: pairing a phone gives it a random 256-bit
//! token; `getanime remote token create` makes one for a script. The library keeps only each
//! token's SHA-256, and a presented token is compared against all of them in constant time.

use anyhow::{Result, bail};
use getanime_domain::{RemoteDevice, RemoteDeviceKind, RemoteScope};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::{App, now_ms, random_hex};

/// Phones paired at most; the TV lists them all.
pub const MAX_PHONES: usize = 20;

/// A device just made, with its token: shown once, never stored.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub device: RemoteDevice,
    pub token: String,
}

/// A token's SHA-256, as the library keeps it.
fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect()
}

/// A device or token name: visible characters, trimmed, 1–64 characters.
fn clean_name(name: &str) -> Result<String> {
    let cleaned: String = name.chars().filter(|character| !character.is_control()).collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() {
        bail!("a name is needed");
    }
    Ok(cleaned.chars().take(64).collect())
}

impl App {
    /// Pairs a phone that proved it saw the TV's code: a new control token.
    pub async fn pair_phone(&self, name: &str) -> Result<NewToken> {
        let phones = self.remote_devices().await?;
        let count = phones.iter().filter(|device| device.kind == RemoteDeviceKind::Phone).count();
        if count >= MAX_PHONES {
            bail!("{MAX_PHONES} phones are paired already; forget one on the TV first");
        }
        self.new_remote_device(name, RemoteDeviceKind::Phone, RemoteScope::Control).await
    }

    /// A token for a script or home automation, made on this machine's command line.
    pub async fn create_remote_token(&self, name: &str, scope: RemoteScope) -> Result<NewToken> {
        let name = clean_name(name)?;
        let taken = self
            .remote_devices()
            .await?
            .into_iter()
            .any(|device| device.kind == RemoteDeviceKind::Token && device.name == name);
        if taken {
            bail!("a token named {name:?} exists already; remove it first or pick another name");
        }
        self.new_remote_device(&name, RemoteDeviceKind::Token, scope).await
    }

    async fn new_remote_device(
        &self,
        name: &str,
        kind: RemoteDeviceKind,
        scope: RemoteScope,
    ) -> Result<NewToken> {
        let name = clean_name(name)?;
        let token = random_hex(32)?;
        let hash = token_hash(&token);
        let device =
            self.db(move |db| db.add_remote_device(&name, kind, scope, &hash, now_ms())).await?;
        Ok(NewToken { device, token })
    }

    /// Every paired phone and token, the most recently seen first.
    pub async fn remote_devices(&self) -> Result<Vec<RemoteDevice>> {
        self.db(|db| db.remote_devices()).await
    }

    /// The device `token` belongs to, if any. Every stored hash is compared, in constant time,
    /// so the answer's timing says nothing about how close a guess came.
    pub async fn remote_device_for_token(&self, token: &str) -> Result<Option<RemoteDevice>> {
        let presented = token_hash(token.trim());
        let hashes = self.db(|db| db.remote_token_hashes()).await?;
        let mut found = None;
        for (id, stored) in hashes {
            if bool::from(stored.as_bytes().ct_eq(presented.as_bytes())) {
                found = Some(id);
            }
        }
        match found {
            Some(id) => Ok(Some(self.db(move |db| db.remote_device(id)).await?)),
            None => Ok(None),
        }
    }

    /// Notes that device `id` was just seen from `peer`.
    pub async fn touch_remote_device(&self, id: i64, peer: &str) -> Result<()> {
        let peer = peer.to_owned();
        self.db(move |db| db.touch_remote_device(id, &peer, now_ms())).await
    }

    /// Forgets device `id`: its token stops working at once. Whether it was there.
    pub async fn forget_remote_device(&self, id: i64) -> Result<bool> {
        self.db(move |db| db.forget_remote_device(id)).await
    }

    /// Removes the command-line token named `name`.
    pub async fn remove_remote_token(&self, name: &str) -> Result<()> {
        let devices = self.remote_devices().await?;
        let Some(device) = devices
            .into_iter()
            .find(|device| device.kind == RemoteDeviceKind::Token && device.name == name)
        else {
            bail!("no token is named {name:?}; `getanime remote token list` shows them");
        };
        self.forget_remote_device(device.id).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_is_hex_sha256_and_names_are_cleaned() -> Result<()> {
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(clean_name("  Pixel\u{7} 8\n")?, "Pixel 8");
        assert_eq!(clean_name(&"я".repeat(100))?.chars().count(), 64);
        assert!(clean_name(" \t ").is_err());
        Ok(())
    }
}
