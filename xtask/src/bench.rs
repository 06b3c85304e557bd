//! Benchmarks report ratios against a baseline measured in the same run, never absolute times
//! alone. Each entry of `target/bench-report.json` is `{name, value, unit, baseline, ratio}`.

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use crate::workspace_root;

#[derive(Serialize, Deserialize)]
pub struct Entry {
    pub name: String,
    pub value: f64,
    pub unit: String,
    pub baseline: f64,
    pub ratio: f64,
}

/// Bench targets that print `BENCH {json}` lines: (package, bench name).
const BENCHES: &[(&str, &str)] = &[
    ("getanime-storage", "storage"),
    ("getanime-plugins", "plugins"),
    ("getanime-app", "sync"),
    ("getanime-player", "player"),
    ("getanime-tv", "ui"),
];

pub fn run() -> Result<()> {
    let plugins_dir = crate::plugins::build()?;
    let mut entries = Vec::new();
    for (package, bench) in BENCHES {
        // Under Xvfb: the UI benchmark opens windows (the others do not mind).
        let mut command = crate::under_xvfb();
        command.arg(env!("CARGO")).current_dir(workspace_root());
        let output = command
            .args(["bench", "--locked", "--package", package, "--bench", bench])
            .env("GETANIME_PLUGINS_DIR", &plugins_dir)
            .stderr(std::process::Stdio::inherit())
            .output()
            .with_context(|| format!("running the {bench} benchmark"))?;
        if !output.status.success() {
            bail!("the {bench} benchmark failed with {}", output.status);
        }
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            if let Some(json) = line.strip_prefix("BENCH ") {
                entries.push(
                    serde_json::from_str::<Entry>(json)
                        .with_context(|| format!("bad bench line: {line}"))?,
                );
            }
        }
    }
    write_report(&entries)
}

fn write_report(entries: &[Entry]) -> Result<()> {
    let path = workspace_root().join("target/bench-report.json");
    std::fs::create_dir_all(workspace_root().join("target"))?;
    std::fs::write(&path, serde_json::to_string_pretty(entries)?)
        .with_context(|| format!("writing {}", path.display()))?;
    for entry in entries {
        println!(
            "{}: {:.3} {} (baseline {:.3}, ratio {:.2})",
            entry.name, entry.value, entry.unit, entry.baseline, entry.ratio
        );
    }
    Ok(())
}
