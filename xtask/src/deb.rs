//! `cargo xtask deb`: the Debian package. Builds the program and the shipped plugins, stages
//! everything cargo-deb cannot build itself (plugins, man page, completions, the third-party
//! licence list) under packaging/stage (outside target/, where cargo-deb would
//! warn that it does not build them), then runs cargo-deb with `--no-build`. The package's
//! metadata (Depends, assets) is in host/getanime-tv/Cargo.toml.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::{cargo, check, licences, plugins, setup, step, workspace_root};

/// The cargo-deb this project is packaged with (installed by `cargo install` when missing).
const CARGO_DEB_VERSION: &str = "3.8.0";
/// The plugins the package ships: the sources a first launch offers, and the AniLiberty
/// account (`getanime account connect` installs it from there).
const SHIPPED_PLUGINS: &[&str] =
    &["aniliberty", "anilibria", "aniliberty-account", "shikimori", "anilist"];

/// Which build of the program goes into the package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Build {
    /// The optimized release build: what users install.
    Release,
    /// The tests' own debug build, stripped: the same files and dependencies, no second full
    /// build (what `cargo xtask test` packages to test the installation on 2 cores).
    Dev,
}

/// The two packages: the program, and TV-box mode (`getanime-kiosk`, the cargo-deb variant
/// `kiosk`: the systemd unit, its PAM service, the system user).
#[derive(Debug, Clone)]
pub struct Packages {
    pub main: PathBuf,
    pub kiosk: PathBuf,
}

/// Builds both packages into `target/debian/` and returns their paths.
pub fn build(build: Build) -> Result<Packages> {
    setup::install(&["dpkg-dev"])?;
    ensure_cargo_deb()?;
    let stage = stage_all(build)?;
    step("cargo deb");
    let output = workspace_root().join("target/debian");
    std::fs::create_dir_all(&output)?;
    for old in std::fs::read_dir(&output)? {
        let old = old?.path();
        if old.extension().is_some_and(|extension| extension == "deb") {
            std::fs::remove_file(&old).with_context(|| format!("removing {}", old.display()))?;
        }
    }
    let mut deb = cargo();
    deb.args(["deb", "--package", "getanime-tv", "--no-build", "--no-strip", "--locked"])
        .arg("--output")
        .arg(&output);
    if build == Build::Dev {
        // xz of the large debug program takes minutes on 2 cores; the test does not need it.
        deb.arg("--fast");
    }
    check(&mut deb)?;
    check(
        cargo()
            .args(["deb", "--package", "getanime-tv", "--variant", "kiosk", "--no-build"])
            .args(["--no-strip", "--locked", "--output"])
            .arg(&output),
    )?;
    let made = |prefix: &str| -> Result<PathBuf> {
        std::fs::read_dir(&output)?
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .find(|path| {
                path.extension().is_some_and(|extension| extension == "deb")
                    && path
                        .file_name()
                        .is_some_and(|name| name.to_string_lossy().starts_with(prefix))
            })
            .with_context(|| format!("cargo deb made no {prefix}….deb"))
    };
    let packages = Packages { main: made("getanime_")?, kiosk: made("getanime-kiosk_")? };
    println!(
        "packages: {} and {} (staged from {})",
        packages.main.display(),
        packages.kiosk.display(),
        stage.display()
    );
    Ok(packages)
}

/// Builds the program and the plugins and stages every file the package and `cargo xtask
/// install` take; returns the stage folder.
pub fn stage_all(build: Build) -> Result<PathBuf> {
    setup::run()?;
    setup::install(&["binutils"])?;
    let plugins_dir = plugins::build()?;
    step("the program");
    let mut program = cargo();
    program.args(["build", "--locked", "--package", "getanime-tv", "--bin", "getanime"]);
    if build == Build::Release {
        program.arg("--release");
    }
    check(&mut program)?;
    let profile_dir = if build == Build::Release { "release" } else { "debug" };
    let binary = workspace_root().join("target").join(profile_dir).join("getanime");
    step("staging packaging/stage");
    stage(&binary, &plugins_dir)
}

/// Lays out what the package's assets name under target/deb-stage.
fn stage(binary: &Path, plugins_dir: &Path) -> Result<PathBuf> {
    let stage = workspace_root().join("packaging/stage");
    if stage.exists() {
        std::fs::remove_dir_all(&stage).with_context(|| format!("clearing {}", stage.display()))?;
    }
    std::fs::create_dir_all(stage.join("completions"))?;
    // Stripped here (not by cargo-deb) so the debug build is packaged the same way.
    let staged_binary = stage.join("getanime");
    check(Command::new("strip").arg(binary).arg("-o").arg(&staged_binary))?;
    for id in SHIPPED_PLUGINS {
        let to = stage.join("plugins").join(id);
        std::fs::create_dir_all(&to)?;
        for file in ["plugin.wasm", "plugin.toml"] {
            let from = plugins_dir.join(id).join(file);
            std::fs::copy(&from, to.join(file))
                .with_context(|| format!("copying {}", from.display()))?;
        }
    }
    let generated = |what: &str| -> Result<Vec<u8>> {
        let output = Command::new(&staged_binary)
            .args(["generate", what])
            .output()
            .with_context(|| format!("getanime generate {what}"))?;
        if !output.status.success() {
            bail!("getanime generate {what} failed: {}", String::from_utf8_lossy(&output.stderr));
        }
        Ok(output.stdout)
    };
    // gzip -n: no name or time in the header, so the same page gives the same bytes.
    let man = stage.join("getanime.1");
    std::fs::write(&man, generated("man")?)?;
    check(Command::new("gzip").args(["-9", "-n", "-f"]).arg(&man))?;
    std::fs::write(stage.join("completions/getanime"), generated("bash")?)?;
    std::fs::write(stage.join("completions/_getanime"), generated("zsh")?)?;
    std::fs::write(stage.join("completions/getanime.fish"), generated("fish")?)?;
    std::fs::write(stage.join("THIRD-PARTY-LICENSES.md"), licences::third_party_markdown()?)?;
    Ok(stage)
}

/// Installs cargo-deb when it is missing or another version.
fn ensure_cargo_deb() -> Result<()> {
    let installed = Command::new(env!("CARGO"))
        .args(["deb", "--version"])
        .output()
        .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).contains(CARGO_DEB_VERSION));
    if installed {
        return Ok(());
    }
    step("installing cargo-deb");
    check(Command::new(env!("CARGO")).args([
        "install",
        "cargo-deb",
        "--locked",
        "--no-default-features",
        "--version",
        CARGO_DEB_VERSION,
    ]))
}
