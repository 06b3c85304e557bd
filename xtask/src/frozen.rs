//! Released files never change: frozen WIT versions and shipped migrations. Each folder has a
//! `SHA256SUMS` listing its released files; a changed or missing file fails the check.

use std::path::Path;

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};

use crate::workspace_root;

const FROZEN_DIRS: &[&str] = &["migrations", "wit/frozen"];

pub fn check() -> Result<()> {
    let mut problems = Vec::new();
    let mut checked = 0;
    for dir in FROZEN_DIRS {
        let sums = workspace_root().join(dir).join("SHA256SUMS");
        if !sums.is_file() {
            continue;
        }
        for line in std::fs::read_to_string(&sums)?.lines().filter(|line| !line.trim().is_empty()) {
            let (expected, file) = line
                .split_once("  ")
                .with_context(|| format!("bad line in {}: {line}", sums.display()))?;
            let path = workspace_root().join(dir).join(file);
            match sha256(&path) {
                Ok(actual) if actual == expected => checked += 1,
                Ok(_) => problems
                    .push(format!("{dir}/{file} changed after release: add a new version instead")),
                Err(error) => problems.push(format!("{dir}/{file}: {error:#}")),
            }
        }
    }
    if !problems.is_empty() {
        bail!("released files changed:\n  {}", problems.join("\n  "));
    }
    println!("{checked} released files unchanged");
    Ok(())
}

fn sha256(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(Sha256::digest(&bytes).iter().map(|byte| format!("{byte:02x}")).collect())
}
