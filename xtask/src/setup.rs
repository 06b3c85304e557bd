//! Installs what the build and the tests need, and only what is missing.

use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::check;

/// Debian packages the build (GStreamer, Slint) and the tests (Xvfb, GStreamer plugins; real X
/// key presses and screenshots of the whole screen for the person-like window tests) need.
pub const DEBIAN_PACKAGES: &[&str] = &[
    "pkg-config",
    "libgstreamer1.0-dev",
    "libgstreamer-plugins-base1.0-dev",
    "gstreamer1.0-plugins-base",
    "gstreamer1.0-plugins-good",
    "gstreamer1.0-plugins-bad",
    "gstreamer1.0-plugins-ugly",
    "gstreamer1.0-libav",
    "gstreamer1.0-tools",
    // gst-play-1.0 and its X video sink: the baseline of the 1080p playback CPU benchmark.
    "gstreamer1.0-plugins-base-apps",
    "gstreamer1.0-x",
    "libfontconfig1-dev",
    "libxkbcommon-dev",
    "libxkbcommon-x11-dev",
    // gilrs (gamepads) finds devices through udev.
    "libudev-dev",
    "xvfb",
    "xauth",
    "fonts-dejavu-core",
    "xdotool",
    "imagemagick",
    // OCR: window tests read the screen back, in Russian and in English.
    "tesseract-ocr",
    "tesseract-ocr-rus",
    "tesseract-ocr-eng",
    // A window test encrypts HLS segments (AES-128) to play them through the media gateway.
    "openssl",
    // zbarimg: a window test decodes the sign-in QR code from a screenshot.
    "zbar-tools",
    // Desktop notifications are tested against a notification daemon of python-dbusmock's on
    // a private session bus.
    "dbus-daemon",
    "python3-dbusmock",
    // The phone remote's page is tested in a real headless browser, through WebDriver.
    "chromium",
    "chromium-driver",
];

pub fn run() -> Result<()> {
    install_debian_packages()?;
    install_wasm_target()
}

fn install_debian_packages() -> Result<()> {
    install(DEBIAN_PACKAGES)
}

/// Installs those of `packages` that are missing, with apt-get (through sudo unless root).
pub fn install(packages: &[&str]) -> Result<()> {
    let missing: Vec<&str> =
        packages.iter().copied().filter(|package| !is_installed(package)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    if which("apt-get").is_none() {
        bail!(
            "these packages are missing and this is not a Debian-like system (no apt-get); install their \
             equivalents, then run again:\n  {}",
            missing.join(" ")
        );
    }
    println!("installing Debian packages: {}", missing.join(" "));
    let as_root = is_root();
    let apt = |args: &[&str]| -> Command {
        let mut command = if as_root { Command::new("apt-get") } else { Command::new("sudo") };
        if !as_root {
            command.arg("apt-get");
        }
        command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        command
    };
    check(&mut apt(&["update", "-qq"])).context("apt-get update")?;
    let mut install = apt(&["install", "-y", "-qq", "--no-install-recommends"]);
    install.args(&missing);
    check(&mut install).context("apt-get install")?;
    let still_missing: Vec<&str> =
        missing.iter().copied().filter(|package| !is_installed(package)).collect();
    if !still_missing.is_empty() {
        bail!("apt-get finished but these packages are still missing: {}", still_missing.join(" "));
    }
    Ok(())
}

fn install_wasm_target() -> Result<()> {
    let output = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .current_dir(crate::workspace_root())
        .output()
        .context("rustup is needed to add the wasm32-wasip2 target")?;
    let installed = String::from_utf8_lossy(&output.stdout);
    if installed.lines().any(|line| line.trim() == crate::plugins::TARGET) {
        return Ok(());
    }
    println!("adding the {} target", crate::plugins::TARGET);
    check(
        Command::new("rustup")
            .args(["target", "add", crate::plugins::TARGET])
            .current_dir(crate::workspace_root()),
    )
}

fn is_installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${db:Status-Abbrev}", package])
        .output()
        .is_ok_and(|output| output.status.success() && output.stdout.starts_with(b"ii"))
}

/// Whether this process runs as root.
pub fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|output| output.stdout.trim_ascii() == b"0")
}

fn which(program: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|dir| std::path::Path::new(dir).join(program))
        .find(|path| path.is_file())
}
