//! Smoke tests of the real binary and the real Slint window (needs a display: `cargo xtask test`
//! runs the suite under Xvfb).

use std::process::Command;

use anyhow::{Context, Result, ensure};

/// The accent color of `ui/theme.slint`, used by the app title.
const ACCENT: [u8; 3] = [0xff, 0x6b, 0x3d];

fn getanime() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_getanime"));
    command.env("SLINT_BACKEND", "winit-software");
    command
}

#[test]
fn status_reports_an_empty_new_library() -> Result<()> {
    let temp = tempfile::tempdir()?;
    let output = getanime().arg("--data-dir").arg(temp.path()).arg("status").output()?;
    ensure!(output.status.success(), "status failed: {}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout)?;
    assert!(stdout.contains("schema version: 1"), "{stdout}");
    assert!(stdout.contains("titles: 0"), "{stdout}");
    Ok(())
}

#[test]
fn the_window_renders_the_home_screen_and_exits() -> Result<()> {
    std::env::var_os("DISPLAY")
        .context("no DISPLAY: run the UI tests under Xvfb (`cargo xtask test` does)")?;
    let temp = tempfile::tempdir()?;
    let screenshot = screenshot_path("home.png")?;
    let output = getanime()
        .arg("--data-dir")
        .arg(temp.path())
        .arg("--exit-after-first-frame")
        .arg("--screenshot")
        .arg(&screenshot)
        .output()?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    ensure!(output.status.success(), "the UI failed: {stderr}");
    assert!(stderr.contains("first frame with the library rendered"), "{stderr}");
    assert!(temp.path().join("library.sqlite3").is_file(), "the UI opened the library");

    let image = image::open(&screenshot).context("reading the screenshot")?.to_rgba8();
    assert!(image.width() >= 640 && image.height() >= 360, "{}x{}", image.width(), image.height());
    let accent_pixels = image.pixels().filter(|pixel| pixel.0[..3] == ACCENT).count();
    assert!(
        accent_pixels > 100,
        "the title in the accent color is visible ({accent_pixels} pixels)"
    );
    Ok(())
}

/// Screenshots are kept in `target/screenshots/` for people to look at.
fn screenshot_path(name: &str) -> Result<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir)?;
    Ok(dir.join(name))
}
