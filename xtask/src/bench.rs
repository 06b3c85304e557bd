//! Benchmarks report ratios against a baseline measured in the same run, never absolute times
//! alone. Each entry of `target/bench-report.json` is `{name, value, unit, baseline, ratio}`.

use anyhow::{Context, Result};
use serde::Serialize;

use crate::workspace_root;

#[derive(Serialize)]
pub struct Entry {
    pub name: String,
    pub value: f64,
    pub unit: String,
    pub baseline: f64,
    pub ratio: f64,
}

pub fn run() -> Result<()> {
    // Later issues add benchmarks here (ingest vs raw inserts, parse in wasm vs native).
    let entries: Vec<Entry> = Vec::new();
    write_report(&entries)?;
    if entries.is_empty() {
        println!("no benchmarks yet");
    }
    Ok(())
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
