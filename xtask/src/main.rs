//! `cargo xtask`: the project's automation. `run` and `test` are the two commands a newcomer needs;
//! both install what is missing first, so a fresh Debian machine needs nothing else.

mod bench;
mod deb;
mod deb_test;
mod frozen;
mod fuzz;
mod install;
mod licences;
mod plugins;
mod setup;
mod soak;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(about = "getanime project automation")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Install what the build needs: Debian packages (apt-get) and the wasm32-wasip2 target.
    Setup,
    /// Build every provider plugin for wasm32-wasip2 into target/plugins/<id>/.
    BuildPlugins,
    /// Set up, build the plugins and start the app on the demo data directory.
    Run {
        /// Arguments passed to `getanime` (e.g. `-- --exit-after-first-frame`).
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// Set up, build the plugins, check formatting, lints and frozen files, then run every test.
    Test,
    /// Build the Debian package target/debian/getanime_<version>-1_amd64.deb.
    Deb {
        /// Package the tests' debug build (stripped) instead of an optimized release build.
        #[arg(long)]
        dev: bool,
    },
    /// Build the package and test it installed into a fresh minimal Debian root (as root).
    DebTest {
        /// Package an optimized release build (the default packages the tests' debug build).
        #[arg(long)]
        release: bool,
    },
    /// Build (optimized) and install the program, the shipped sources, the desktop files, the
    /// man page and completions under a prefix, with a manifest for `uninstall`.
    Install {
        /// Where to install (default ~/.local; /usr/local for every user, as root).
        #[arg(long)]
        prefix: Option<PathBuf>,
        /// Write under this folder instead of / (for packagers).
        #[arg(long)]
        destdir: Option<PathBuf>,
    },
    /// Remove what `install` wrote under the prefix.
    Uninstall {
        #[arg(long)]
        prefix: Option<PathBuf>,
        #[arg(long)]
        destdir: Option<PathBuf>,
    },
    /// Check that every crate linked into getanime may ship in a GPL-3.0-only program.
    Licences,
    /// Run the benchmarks and write target/bench-report.json.
    Bench,
    /// The long reliability runs: 50-round SIGKILL harnesses and the 100 000-title load run;
    /// writes target/soak-report.json.
    Soak,
    /// Fuzz every target under libFuzzer (installs nightly and cargo-fuzz when missing); writes
    /// target/fuzz-report.json.
    Fuzz {
        /// Seconds per target.
        #[arg(long, default_value_t = 60)]
        seconds: u64,
        /// Only this target (anilibria_v3, aniliberty_v1, validation, package, restore).
        #[arg(long)]
        target: Option<String>,
    },
}

fn main() -> Result<()> {
    match Cli::parse().task {
        Task::Setup => setup::run(),
        Task::BuildPlugins => plugins::build().map(|_| ()),
        Task::Run { args } => run(&args),
        Task::Test => test(),
        Task::Deb { dev } => {
            deb::build(if dev { deb::Build::Dev } else { deb::Build::Release }).map(drop)
        }
        Task::DebTest { release } => {
            deb_test::run(if release { deb::Build::Release } else { deb::Build::Dev })
        }
        Task::Install { prefix, destdir } => {
            let prefix = prefix.map_or_else(install::default_prefix, Ok)?;
            install::install(deb::Build::Release, &prefix, destdir.as_deref()).map(drop)
        }
        Task::Uninstall { prefix, destdir } => {
            let prefix = prefix.map_or_else(install::default_prefix, Ok)?;
            install::uninstall(&prefix, destdir.as_deref())
        }
        Task::Licences => licences::check(),
        Task::Bench => bench::run(),
        Task::Soak => soak::run(),
        Task::Fuzz { seconds, target } => fuzz::run(seconds, target.as_deref()),
    }
}

fn run(args: &[String]) -> Result<()> {
    setup::run()?;
    let plugins_dir = plugins::build()?;
    let data_dir = workspace_root().join("target/demo-data");
    let mut command = cargo();
    command
        .args(["run", "--package", "getanime-tv", "--bin", "getanime", "--"])
        .arg("--data-dir")
        .arg(&data_dir)
        .arg("--demo")
        .arg(plugins_dir.join("demo-source"));
    command.args(args);
    check(&mut command)
}

fn test() -> Result<()> {
    setup::run()?;
    let plugins_dir = plugins::build()?;
    step("cargo fmt --check");
    check(cargo().args(["fmt", "--all", "--check"]))?;
    step("clippy (host)");
    check(cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--locked",
        "--",
        "-D",
        "warnings",
    ]))?;
    step("clippy (plugins, wasm32-wasip2)");
    let mut clippy_wasm = cargo();
    clippy_wasm.args(["clippy", "--locked", "--target", plugins::TARGET]);
    for package in plugins::guest_packages()? {
        clippy_wasm.args(["--package", &package]);
    }
    check(clippy_wasm.args(["--", "-D", "warnings"]))?;
    step("frozen files");
    frozen::check()?;
    step("tests (under Xvfb)");
    let mut tests = under_xvfb();
    tests
        .arg(env!("CARGO"))
        .args(["test", "--workspace", "--locked"])
        .env("GETANIME_PLUGINS_DIR", &plugins_dir)
        .env("SLINT_BACKEND", "winit-software");
    check(&mut tests)?;
    step("cargo xtask run smoke (the demo: home, Enter to a title, Enter to play, then exit)");
    let screenshot = workspace_root().join("target/screenshots/xtask-run.png");
    let mut smoke = under_xvfb();
    smoke
        .arg(env!("CARGO"))
        .args([
            "run",
            "--quiet",
            "--package",
            "xtask",
            "--",
            "run",
            "--",
            "--exit-after-first-frame",
            "--keys",
            "enter,enter",
            "--screenshot",
        ])
        .arg(&screenshot)
        .env("SLINT_BACKEND", "winit-software")
        .env("GETANIME_SILENT", "1");
    check(&mut smoke)?;
    step("licences of what ships");
    licences::check()?;
    step("cargo xtask install into a fresh prefix, then uninstall");
    install::check_round_trip()?;
    // The package test mounts and chroots: it needs root allowed to mount (CI is).
    match deb_test::can_run() {
        Ok(()) => {
            step("the Debian package, installed into a fresh minimal Debian root");
            deb_test::run(deb::Build::Dev)?;
        }
        Err(why) => println!("\n==> NOT RUN: cargo xtask deb-test: {why}"),
    }
    println!("all checks passed");
    Ok(())
}

/// `xvfb-run` with a 1080p screen: UI tests always get the same virtual display.
fn under_xvfb() -> Command {
    let mut command = Command::new("xvfb-run");
    command.args(["--auto-servernum", "--server-args=-screen 0 1920x1080x24"]);
    command
}

fn cargo() -> Command {
    let mut command = Command::new(env!("CARGO"));
    command.current_dir(workspace_root());
    command
}

/// The repository root (xtask lives one level below it).
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn step(name: &str) {
    println!("\n==> {name}");
}

/// Runs `command`, failing with its command line when it fails.
fn check(command: &mut Command) -> Result<()> {
    let status = command.status().with_context(|| format!("cannot start {command:?}"))?;
    if !status.success() {
        bail!("{command:?} failed with {status}");
    }
    Ok(())
}
