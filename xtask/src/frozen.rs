//! Released files never change: frozen WIT versions and shipped migrations. Each folder has a
//! `SHA256SUMS` listing its released files; a changed or missing file fails the check. Once the
//! current contract's version is frozen, `wit/` must stay equal to its frozen copy: a change
//! needs the next version.

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
    problems.extend(current_contract_problems(&workspace_root().join("wit"))?);
    if !problems.is_empty() {
        bail!("released files changed:\n  {}", problems.join("\n  "));
    }
    println!("{checked} released files unchanged");
    Ok(())
}

/// When `wit/`'s version (from `package getanime:provider@X.Y.Z;`) has a frozen copy, every
/// `.wit` file of `wit/` must be byte for byte that copy's.
fn current_contract_problems(wit: &Path) -> Result<Vec<String>> {
    let world =
        std::fs::read_to_string(wit.join("provider.wit")).context("reading wit/provider.wit")?;
    let version = world
        .lines()
        .find_map(|line| line.trim().strip_prefix("package getanime:provider@"))
        .and_then(|rest| rest.strip_suffix(';'))
        .context("wit/provider.wit names no `package getanime:provider@X.Y.Z;`")?;
    let frozen = wit.join("frozen").join(format!("v{version}"));
    if !frozen.is_dir() {
        return Ok(Vec::new());
    }
    let mut problems = Vec::new();
    for entry in std::fs::read_dir(wit)? {
        let path = entry?.path();
        if path.extension().is_none_or(|extension| extension != "wit") {
            continue;
        }
        let name = path.file_name().context("a file name")?.to_string_lossy().into_owned();
        let copy = frozen.join(&name);
        let same = copy.is_file() && sha256(&path)? == sha256(&copy)?;
        if !same {
            problems.push(format!(
                "wit/{name} differs from the released wit/frozen/v{version}/{name}: change the package version to the next one"
            ));
        }
    }
    Ok(problems)
}

fn sha256(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(Sha256::digest(&bytes).iter().map(|byte| format!("{byte:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_current_contract_must_match_its_frozen_copy_once_released() -> Result<()> {
        let root = std::env::temp_dir().join(format!("getanime-frozen-{}", std::process::id()));
        let frozen = root.join("frozen/v9.0.0");
        std::fs::create_dir_all(&frozen)?;
        let world = "package getanime:provider@9.0.0;\n";
        for dir in [&root, &frozen] {
            std::fs::write(dir.join("provider.wit"), world)?;
            std::fs::write(dir.join("types.wit"), "interface types {}\n")?;
        }
        assert!(current_contract_problems(&root)?.is_empty());
        std::fs::write(root.join("types.wit"), "interface types { changed }\n")?;
        let problems = current_contract_problems(&root)?;
        assert!(
            problems.len() == 1 && problems[0].contains("wit/types.wit differs"),
            "{problems:?}"
        );
        std::fs::remove_dir_all(frozen.parent().context("frozen/")?)?;
        assert!(current_contract_problems(&root)?.is_empty(), "an unreleased version may change");
        std::fs::remove_dir_all(&root)?;
        Ok(())
    }

    #[test]
    fn the_repository_keeps_its_released_files() -> Result<()> {
        check()
    }
}
