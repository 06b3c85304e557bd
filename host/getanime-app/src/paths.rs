//! Where getanime keeps its files.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// The data directory and the files inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataPaths {
    root: PathBuf,
}

impl DataPaths {
    /// `explicit` if given (`--data-dir`), else the platform's data directory
    /// (`~/.local/share/getanime` on Linux).
    pub fn resolve(explicit: Option<PathBuf>) -> Result<DataPaths> {
        let root = match explicit {
            Some(root) => root,
            None => directories::ProjectDirs::from("", "", "getanime")
                .context(
                    "cannot find a home directory for the default data directory; pass --data-dir",
                )?
                .data_dir()
                .to_path_buf(),
        };
        Ok(DataPaths { root })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The SQLite library.
    pub fn database(&self) -> PathBuf {
        self.root.join("library.sqlite3")
    }

    /// Account tokens (never in the library, never in a backup; see `credentials.rs`).
    pub fn credentials(&self) -> PathBuf {
        self.root.join("credentials.json")
    }

    /// Installed plugin packages, one directory per plugin id.
    pub fn plugins(&self) -> PathBuf {
        self.root.join("plugins")
    }

    /// Compiled plugins (safe to delete; rebuilt on demand).
    pub fn compile_cache(&self) -> PathBuf {
        self.root.join("cache").join("compiled")
    }

    /// Subtitle files downloaded for the player (safe to delete; fetched again when played).
    pub fn subtitle_cache(&self) -> PathBuf {
        self.root.join("cache").join("subtitles")
    }

    /// Backups made from the Settings screen.
    pub fn backups(&self) -> PathBuf {
        self.root.join("backups")
    }

    /// Creates the directories that must exist.
    pub fn create(&self) -> Result<()> {
        for dir in [self.root.clone(), self.plugins()] {
            std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        Ok(())
    }
}
