//! `cargo xtask fuzz --seconds N`: every target of `tests/fuzz` under libFuzzer for N seconds
//! each, starting from the seeds in `tests/fixtures/fuzz/<target>/` (and the API fixtures for the
//! parsers). Installs nightly and cargo-fuzz when missing. Writes `target/fuzz-report.json`; a
//! crash stops the run and names the input to add to the seeds as a regression test.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::{step, workspace_root};

const TARGETS: [&str; 5] = ["anilibria_v3", "aniliberty_v1", "validation", "package", "restore"];

pub fn run(seconds: u64, only: Option<&str>) -> Result<()> {
    ensure_tools()?;
    let root = workspace_root();
    let fuzz_dir = root.join("fuzz");
    let mut report = Vec::new();
    for target in TARGETS.into_iter().filter(|target| only.is_none_or(|only| only == *target)) {
        step(&format!("fuzz {target} for {seconds} s"));
        let corpus = root.join("target/fuzz-corpus").join(target);
        let artifacts = root.join("target/fuzz-artifacts").join(target);
        for dir in [&corpus, &artifacts] {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        let mut command = nightly_cargo();
        command
            .current_dir(&fuzz_dir)
            .args(["fuzz", "run", "--release", target])
            .arg(&corpus)
            .args(seed_dirs(&root, target));
        command
            .arg("--")
            .arg(format!("-max_total_time={seconds}"))
            .arg("-timeout=10")
            .arg("-rss_limit_mb=2048")
            .arg("-print_final_stats=1")
            .arg(format!("-artifact_prefix={}/", artifacts.display()));
        let output = command.output().with_context(|| format!("running cargo fuzz ({target})"))?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        let executions = final_stat(&stderr, "stat::number_of_executed_units");
        let peak_rss_mb = final_stat(&stderr, "stat::peak_rss_mb");
        println!("{target}: {executions:?} inputs in {seconds} s, peak RSS {peak_rss_mb:?} MB");
        if !output.status.success() {
            let tail: Vec<&str> = stderr.lines().rev().take(40).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            bail!(
                "fuzz target {target} failed; the input is in {} — add it to \
                 tests/fixtures/fuzz/{target}/ as a regression seed\n{}",
                artifacts.display(),
                tail.join("\n")
            );
        }
        report.push(serde_json::json!({
            "target": target, "seconds": seconds, "executions": executions,
            "peak_rss_mb": peak_rss_mb, "crashes": 0,
        }));
    }
    let path = root.join("target/fuzz-report.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&report)?)
        .with_context(|| format!("writing {}", path.display()))?;
    println!("fuzz report: {}", path.display());
    Ok(())
}

/// The folders `target` starts from besides its corpus: its regression seeds and, for the
/// parsers, the API fixtures. Only those that exist: git keeps no empty folder, and libFuzzer
/// stops on a missing one.
fn seed_dirs(root: &Path, target: &str) -> Vec<std::path::PathBuf> {
    let fixtures = root.join("tests/fixtures");
    let api = match target {
        "anilibria_v3" => Some(fixtures.join("anilibria")),
        "aniliberty_v1" => Some(fixtures.join("aniliberty")),
        _ => None,
    };
    std::iter::once(fixtures.join("fuzz").join(target))
        .chain(api)
        .filter(|dir| dir.is_dir())
        .collect()
}

/// A `stat::name: value` line of libFuzzer's final stats.
fn final_stat(stderr: &str, name: &str) -> Option<u64> {
    stderr
        .lines()
        .find_map(|line| line.strip_prefix(name)?.trim_start_matches(':').trim().parse().ok())
}

/// Nightly (fuzz/rust-toolchain.toml asks for it) and cargo-fuzz, installed when missing.
fn ensure_tools() -> Result<()> {
    let fuzz_dir = workspace_root().join("fuzz");
    let has_nightly = Command::new("rustup")
        .args(["run", "nightly", "rustc", "--version"])
        .output()
        .is_ok_and(|output| output.status.success());
    if !has_nightly {
        step("installing the nightly toolchain (cargo-fuzz needs it)");
        crate::check(Command::new("rustup").args([
            "toolchain",
            "install",
            "nightly",
            "--profile",
            "minimal",
        ]))?;
    }
    if !cargo_fuzz_works(&fuzz_dir) {
        step("installing cargo-fuzz");
        crate::check(nightly_cargo().args(["install", "cargo-fuzz", "--locked"]))?;
    }
    Ok(())
}

/// `cargo` of the nightly toolchain, whatever toolchain runs xtask.
fn nightly_cargo() -> Command {
    let mut command = Command::new("rustup");
    command.args(["run", "nightly", "cargo"]).env_remove("RUSTUP_TOOLCHAIN");
    command
}

fn cargo_fuzz_works(fuzz_dir: &Path) -> bool {
    nightly_cargo()
        .current_dir(fuzz_dir)
        .args(["fuzz", "--version"])
        .output()
        .is_ok_and(|output| output.status.success())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_target_starts_only_from_folders_that_exist() {
        let root = workspace_root();
        for target in TARGETS {
            let seeds = seed_dirs(&root, target);
            assert!(seeds.iter().all(|dir| dir.is_dir()), "{target}: {seeds:?}");
        }
        let parser = seed_dirs(&root, "anilibria_v3");
        assert!(parser.contains(&root.join("tests/fixtures/anilibria")), "{parser:?}");
    }
}
