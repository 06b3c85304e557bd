//! Account tokens live in `credentials.json` beside the library, never in it: a backup of the
//! library carries none, and a library restored on another device finds none (its accounts ask
//! to sign in again). The file is private to the user (0600), replaced atomically (a temporary
//! file renamed over it) under a lock another getanime process honours too.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use getanime_domain::UnixMillis;
use getanime_plugins::Token;
use serde::{Deserialize, Serialize};

/// The credentials file of one data directory.
#[derive(Debug, Clone)]
pub struct Credentials {
    path: PathBuf,
}

#[derive(Default, Serialize, Deserialize)]
struct Content {
    version: u32,
    /// By `accounts.credential_key`.
    tokens: BTreeMap<String, StoredToken>,
}

#[derive(Serialize, Deserialize)]
struct StoredToken {
    access: String,
    #[serde(default)]
    refresh: Option<String>,
    #[serde(default)]
    expires_at: Option<UnixMillis>,
}

const VERSION: u32 = 1;

impl Credentials {
    pub fn new(path: PathBuf) -> Credentials {
        Credentials { path }
    }

    /// The token kept under `key`; none when the file or the entry is missing or unreadable
    /// (the account then asks to sign in again).
    pub fn token(&self, key: &str) -> Option<Token> {
        let content = self.read().unwrap_or_else(|error| {
            tracing::warn!(
                "the credentials file cannot be read, accounts must sign in again: {error:#}"
            );
            Content::default()
        });
        content.tokens.get(key).map(|stored| Token {
            access: stored.access.clone(),
            refresh: stored.refresh.clone(),
            expires_at: stored.expires_at,
        })
    }

    /// Keeps `token` under `key`.
    pub fn store(&self, key: &str, token: &Token) -> Result<()> {
        self.update(|tokens| {
            tokens.insert(
                key.to_owned(),
                StoredToken {
                    access: token.access.clone(),
                    refresh: token.refresh.clone(),
                    expires_at: token.expires_at,
                },
            );
        })
    }

    /// Forgets the token under `key`.
    pub fn forget(&self, key: &str) -> Result<()> {
        self.update(|tokens| {
            tokens.remove(key);
        })
    }

    /// Read, change, write back, under the lock.
    fn update(&self, change: impl FnOnce(&mut BTreeMap<String, StoredToken>)) -> Result<()> {
        let dir = self.path.parent().context("the credentials file has no directory")?;
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.path.with_extension("lock"))
            .with_context(|| format!("opening the lock of {}", self.path.display()))?;
        lock.lock().with_context(|| format!("locking {}", self.path.display()))?;
        let mut content = match self.read() {
            Ok(content) => content,
            Err(error) => {
                // Kept aside for whoever wants to look, not silently overwritten.
                let aside = self.path.with_extension("json.unreadable");
                tracing::warn!(aside = %aside.display(), "the credentials file was unreadable and is set aside: {error:#}");
                std::fs::rename(&self.path, &aside)
                    .with_context(|| format!("setting {} aside", self.path.display()))?;
                Content::default()
            }
        };
        change(&mut content.tokens);
        content.version = VERSION;
        let json = serde_json::to_vec_pretty(&content).context("writing the credentials")?;
        write_private(dir, &self.path, &json)
        // The lock is released when `lock` closes.
    }

    fn read(&self) -> Result<Content> {
        let bytes = match std::fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Content::default());
            }
            Err(error) => {
                return Err(error).with_context(|| format!("reading {}", self.path.display()));
            }
        };
        serde_json::from_slice(&bytes).with_context(|| format!("reading {}", self.path.display()))
    }
}

/// Writes `bytes` to a new file only the user can read, then renames it over `path`.
fn write_private(dir: &Path, path: &Path, bytes: &[u8]) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mut file = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("creating a file in {}", dir.display()))?;
    file.as_file()
        .set_permissions(std::fs::Permissions::from_mode(0o600))
        .context("making the credentials private")?;
    file.write_all(bytes).context("writing the credentials")?;
    file.as_file().sync_all().context("writing the credentials to disk")?;
    file.persist(path).with_context(|| format!("replacing {}", path.display()))?;
    Ok(())
}
