//! `cargo xtask soak`: the long reliability runs. The SIGKILL harnesses with 50 rounds each (a
//! real sync in the `getanime` binary; a burst of watch-position writes), then the 100 000-title
//! / 2.4 M-episode load run (`benches/load.rs` in getanime-app) with its memory figures. Writes
//! `target/soak-report.json`.

use anyhow::{Context, Result};

use crate::{cargo, check, step, under_xvfb, workspace_root};

const ROUNDS: &str = "50";

pub fn run() -> Result<()> {
    crate::setup::run()?;
    let plugins_dir = crate::plugins::build()?;
    step(&format!("SIGKILL during watch-position bursts, {ROUNDS} rounds"));
    check(
        cargo()
            .args(["test", "--locked", "-p", "getanime-storage", "--test", "storage", "crash"])
            .env("GETANIME_SOAK_ROUNDS", ROUNDS),
    )?;
    step(&format!("SIGKILL during a real sync, {ROUNDS} rounds"));
    let mut kills = under_xvfb();
    kills
        .arg(env!("CARGO"))
        .args(["test", "--locked", "-p", "getanime-tv", "--test", "tv", "killing"])
        .current_dir(workspace_root())
        .env("GETANIME_PLUGINS_DIR", &plugins_dir)
        .env("GETANIME_SOAK_ROUNDS", ROUNDS);
    check(&mut kills)?;
    step("load: 100 000 titles / 2.4 M episodes (release build)");
    let output = cargo()
        .args(["bench", "--locked", "-p", "getanime-app", "--bench", "load"])
        .output()
        .context("running the load benchmark")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    anyhow::ensure!(
        output.status.success(),
        "the load run failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut figures = Vec::new();
    for line in stdout.lines() {
        if let Some(json) = line.strip_prefix("SOAK ") {
            println!("{json}");
            figures.push(serde_json::from_str::<serde_json::Value>(json)?);
        }
    }
    let path = workspace_root().join("target/soak-report.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&figures)?)
        .with_context(|| format!("writing {}", path.display()))?;
    println!("soak report: {}", path.display());
    Ok(())
}
