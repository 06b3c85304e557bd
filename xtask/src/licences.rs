//! What ships inside the program, by licence. `cargo xtask licences` (run by `cargo xtask test`)
//! checks that every crate linked into `getanime` may be distributed in a GPL-3.0-only program
//! (the program links Slint under its GPL option; see packaging/debian/copyright), and the
//! package carries the list as THIRD-PARTY-LICENSES.md. The licences are read from
//! `cargo metadata` and evaluated as SPDX expressions by the `spdx` crate (cargo-deny's).

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::workspace_root;

/// Licences a crate linked into a GPL-3.0-only program may carry (each GPL-3.0-compatible).
const ALLOWED: &[&str] = &[
    "MIT",
    "MIT-0",
    "Apache-2.0",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "ISC",
    "Zlib",
    "0BSD",
    "CC0-1.0",
    "Unlicense",
    "BSL-1.0",
    "MPL-2.0",
    "Unicode-3.0",
    "Unicode-DFS-2016",
    "CDLA-Permissive-2.0",
    "bzip2-1.0.6",
    "LGPL-2.1",
    "LGPL-3.0",
    "GPL-3.0",
];
/// Exceptions that only loosen a licence.
const ALLOWED_EXCEPTIONS: &[&str] = &["LLVM-exception"];
/// Slint's own licence references (`LicenseRef-Slint-*`): taken under the GPL-3.0-only option.
const SLINT_REFERENCE: &str = "Slint";

/// A crate linked into the program.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Shipped {
    pub name: String,
    pub version: String,
    pub licence: String,
}

/// Every non-workspace crate the `getanime` binary links on x86_64 Linux (normal dependencies
/// only: build scripts, proc macros' own dependencies and dev-dependencies do not ship... except
/// proc macros, which run at build time and are left out too).
pub fn shipped() -> Result<Vec<Shipped>> {
    let output = Command::new(env!("CARGO"))
        .current_dir(workspace_root())
        .args(["metadata", "--format-version", "1", "--locked"])
        .args(["--filter-platform", "x86_64-unknown-linux-gnu"])
        .output()
        .context("cargo metadata")?;
    if !output.status.success() {
        bail!("cargo metadata failed: {}", String::from_utf8_lossy(&output.stderr));
    }
    let metadata: Value = serde_json::from_slice(&output.stdout)?;
    let packages: BTreeMap<&str, &Value> = metadata["packages"]
        .as_array()
        .context("packages")?
        .iter()
        .filter_map(|package| Some((package["id"].as_str()?, package)))
        .collect();
    let members: BTreeSet<&str> = metadata["workspace_members"]
        .as_array()
        .context("workspace_members")?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let nodes: BTreeMap<&str, &Value> = metadata["resolve"]["nodes"]
        .as_array()
        .context("resolve")?
        .iter()
        .filter_map(|node| Some((node["id"].as_str()?, node)))
        .collect();
    let root = packages
        .iter()
        .find(|(id, package)| members.contains(*id) && package["name"] == "getanime-tv")
        .map(|(id, _)| *id)
        .context("getanime-tv is not in the workspace")?;
    let is_proc_macro = |id: &str| {
        packages.get(id).is_some_and(|package| {
            package["targets"].as_array().is_some_and(|targets| {
                targets.iter().any(|target| {
                    target["kind"]
                        .as_array()
                        .is_some_and(|kinds| kinds.iter().any(|kind| kind == "proc-macro"))
                })
            })
        })
    };
    let mut seen = BTreeSet::from([root]);
    let mut queue = vec![root];
    while let Some(id) = queue.pop() {
        let Some(node) = nodes.get(id) else { continue };
        for dependency in node["deps"].as_array().into_iter().flatten() {
            let normal = dependency["dep_kinds"]
                .as_array()
                .is_some_and(|kinds| kinds.iter().any(|kind| kind["kind"].is_null()));
            let Some(pkg) = dependency["pkg"].as_str() else { continue };
            if normal && !is_proc_macro(pkg) && seen.insert(pkg) {
                queue.push(pkg);
            }
        }
    }
    let mut shipped: Vec<Shipped> = seen
        .into_iter()
        .filter(|id| !members.contains(id))
        .filter_map(|id| packages.get(id))
        .map(|package| Shipped {
            name: package["name"].as_str().unwrap_or_default().to_owned(),
            version: package["version"].as_str().unwrap_or_default().to_owned(),
            licence: package["license"].as_str().unwrap_or_default().to_owned(),
        })
        .collect();
    shipped.sort();
    Ok(shipped)
}

/// Whether `licence` (an SPDX expression) lets the crate ship in a GPL-3.0-only program.
pub fn allowed(licence: &str) -> Result<bool> {
    let expression = spdx::Expression::parse_mode(licence, spdx::ParseMode::LAX)
        .with_context(|| format!("{licence:?} is not an SPDX expression"))?;
    Ok(expression.evaluate(|requirement| {
        let licence_ok = match &requirement.license {
            spdx::LicenseItem::Spdx { id, .. } => ALLOWED.contains(&id.name),
            spdx::LicenseItem::Other(reference) => reference.lic_ref.starts_with(SLINT_REFERENCE),
        };
        let addition_ok = match &requirement.addition {
            None => true,
            Some(spdx::AdditionItem::Spdx(exception)) => {
                ALLOWED_EXCEPTIONS.contains(&exception.name)
            }
            Some(spdx::AdditionItem::Other(_)) => false,
        };
        licence_ok && addition_ok
    }))
}

/// Checks every shipped crate's licence; names each one that fails or has none.
pub fn check() -> Result<()> {
    let shipped = shipped()?;
    let mut refused = Vec::new();
    for krate in &shipped {
        if krate.licence.is_empty() || !allowed(&krate.licence)? {
            refused.push(format!("{} {} ({:?})", krate.name, krate.version, krate.licence));
        }
    }
    if !refused.is_empty() {
        bail!(
            "these crates' licences do not allow shipping in a GPL-3.0-only program:\n  {}",
            refused.join("\n  ")
        );
    }
    println!("{} crates ship in getanime; every licence allows it", shipped.len());
    Ok(())
}

/// THIRD-PARTY-LICENSES.md: each shipped crate with its version and licence.
pub fn third_party_markdown() -> Result<String> {
    let mut text = String::from(
        "# Libraries in getanime\n\nThe program links these crates (from crates.io). getanime \
         itself is MIT OR Apache-2.0; the program as a whole is GPL-3.0-only, because it links \
         Slint under that option.\n\n| crate | version | licence |\n|---|---|---|\n",
    );
    for krate in shipped()? {
        text.push_str(&format!("| {} | {} | {} |\n", krate.name, krate.version, krate.licence));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn licences_are_read_as_expressions() -> Result<()> {
        assert!(allowed("MIT OR Apache-2.0")?);
        assert!(allowed("Apache-2.0 WITH LLVM-exception")?);
        assert!(allowed("MIT/Apache-2.0")?);
        assert!(allowed(
            "GPL-3.0-only OR LicenseRef-Slint-Royalty-free-2.0 OR LicenseRef-Slint-Software-3.0"
        )?);
        assert!(!allowed("GPL-2.0-only")?);
        assert!(!allowed("MIT AND GPL-2.0-only")?);
        assert!(!allowed("LicenseRef-Proprietary")?);
        assert!(allowed("not a licence").is_err());
        Ok(())
    }
}
