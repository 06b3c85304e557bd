//! Builds the provider plugins (crates under `plugins/` with a `plugin.toml`) for wasm32-wasip2 and
//! lays them out as packages: `target/plugins/<id>/{plugin.wasm,plugin.toml}`.

use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::{cargo, check, step, workspace_root};

pub const TARGET: &str = "wasm32-wasip2";
const PROFILE: &str = "plugin";

/// A plugin crate: its cargo package name and its plugin id.
struct PluginCrate {
    package: String,
    id: String,
    dir: PathBuf,
}

/// Every crate under `plugins/` that has a `plugin.toml`.
fn plugin_crates() -> Result<Vec<PluginCrate>> {
    let root = workspace_root().join("plugins");
    let mut crates = Vec::new();
    for entry in std::fs::read_dir(&root).with_context(|| format!("listing {}", root.display()))? {
        let dir = entry?.path();
        let manifest = dir.join("plugin.toml");
        if !manifest.is_file() {
            continue;
        }
        let plugin: toml::Table = toml::from_str(&std::fs::read_to_string(&manifest)?)
            .with_context(|| format!("reading {}", manifest.display()))?;
        let cargo_toml: toml::Table =
            toml::from_str(&std::fs::read_to_string(dir.join("Cargo.toml"))?)
                .with_context(|| format!("reading {}/Cargo.toml", dir.display()))?;
        let id = plugin
            .get("id")
            .and_then(|id| id.as_str())
            .context("plugin.toml has no id")?
            .to_owned();
        let package = cargo_toml
            .get("package")
            .and_then(|package| package.get("name"))
            .and_then(|name| name.as_str())
            .context("Cargo.toml has no package name")?
            .to_owned();
        crates.push(PluginCrate { package, id, dir });
    }
    crates.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(crates)
}

/// Cargo packages that compile for the wasm target: the SDK and every plugin.
pub fn guest_packages() -> Result<Vec<String>> {
    let mut packages = vec!["getanime-provider-sdk".to_owned()];
    packages.extend(plugin_crates()?.into_iter().map(|plugin| plugin.package));
    Ok(packages)
}

/// Builds all plugins in one cargo invocation; returns the packages directory.
/// Where cargo writes what it builds: `CARGO_TARGET_DIR` when set (relative to the workspace
/// root, as cargo reads it), else `target/` in the workspace.
fn cargo_target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => workspace_root().join(dir),
        None => workspace_root().join("target"),
    }
}

pub fn build() -> Result<PathBuf> {
    let crates = plugin_crates()?;
    step(&format!("build plugins ({TARGET})"));
    let mut command = cargo();
    command.args(["build", "--locked", "--profile", PROFILE, "--target", TARGET]);
    for plugin in &crates {
        command.args(["--package", &plugin.package]);
    }
    check(&mut command)?;
    let packages_dir = workspace_root().join("target/plugins");
    for plugin in &crates {
        let built = cargo_target_dir()
            .join(TARGET)
            .join(PROFILE)
            .join(format!("{}.wasm", plugin.package.replace('-', "_")));
        let package = packages_dir.join(&plugin.id);
        std::fs::create_dir_all(&package)?;
        std::fs::copy(&built, package.join("plugin.wasm"))
            .with_context(|| format!("copying {}", built.display()))?;
        std::fs::copy(plugin.dir.join("plugin.toml"), package.join("plugin.toml"))?;
        println!("plugin {} -> {}", plugin.id, package.display());
    }
    Ok(packages_dir)
}
