//! The quick fuzz run of `cargo xtask test`: every target on its seeds (the API fixtures, files in
//! `tests/fixtures/fuzz/<target>/`, including inputs a fuzzer once found) and on deterministic
//! mutations of them. A panic fails the test with the input saved beside the test's temp dir
//! message; `cargo xtask fuzz` runs the same targets under libFuzzer for as long as asked.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use getanime_fuzz::TARGETS;

/// Mutants per target; the slow targets (files, databases) get fewer.
fn mutants(target: &str) -> usize {
    match target {
        "restore" => 150,
        "package" => 600,
        _ => 3_000,
    }
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

/// The files of `dir` (none when it does not exist).
fn files(dir: &Path) -> Result<Vec<Vec<u8>>> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Ok(Vec::new()) };
    let mut files = Vec::new();
    for entry in entries {
        let path = entry?.path();
        if path.is_file() && path.extension().is_none_or(|extension| extension != "md") {
            files
                .push(std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?);
        }
    }
    Ok(files)
}

/// Seeds for `target`: its fuzz directory, plus inputs of the right shape made here.
fn seeds(target: &str) -> Result<Vec<Vec<u8>>> {
    let mut seeds = files(&fixtures().join("fuzz").join(target))?;
    match target {
        "anilibria_v3" => seeds.extend(files(&fixtures().join("anilibria"))?),
        "aniliberty_v1" => seeds.extend(files(&fixtures().join("aniliberty"))?),
        "validation" => {
            let title = files(&fixtures().join("anilibria"))?;
            seeds.extend(title.into_iter().map(|json| [vec![0], json].concat()));
        }
        "package" => {
            let manifest = std::fs::read(fixtures().join("../../plugins/anilibria/plugin.toml"))?;
            seeds.push(manifest.clone());
            seeds.push([vec![1], manifest].concat());
        }
        "restore" => {
            let dir = tempfile::tempdir()?;
            let db = getanime_storage::Database::open(&dir.path().join("library.sqlite3"))?;
            let backup = dir.path().join("backup.sqlite3");
            db.backup_to(&backup)?;
            seeds.push(std::fs::read(backup)?);
        }
        _ => {}
    }
    seeds.push(Vec::new());
    Ok(seeds)
}

/// xorshift64*: the same mutants on every run, so a failure reproduces.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, bound: usize) -> usize {
        if bound == 0 { 0 } else { (self.next() % bound as u64) as usize }
    }
}

/// One mutant of `seed`: flipped bytes, a cut, an insertion, a duplicated run or a splice.
fn mutate(seed: &[u8], other: &[u8], random: &mut Random) -> Vec<u8> {
    let mut data = seed.to_vec();
    for _ in 0..1 + random.below(4) {
        let at = random.below(data.len() + 1);
        match random.below(6) {
            0 if !data.is_empty() => {
                let index = random.below(data.len());
                data[index] ^= 1 << random.below(8);
            }
            1 => data.truncate(at),
            2 => {
                let interesting = [b'"', b'{', b'}', b'[', b']', b',', b':', b'0', b'-', 0, 0xff];
                data.insert(at, interesting[random.below(interesting.len())]);
            }
            3 if at < data.len() => {
                let end = (at + 1 + random.below(64)).min(data.len());
                let run = data[at..end].to_vec();
                data.splice(at..at, run);
            }
            4 => {
                let start = random.below(other.len() + 1);
                let end = (start + random.below(256)).min(other.len());
                data.splice(at..at, other[start..end].iter().copied());
            }
            _ => {
                let index = random.below(data.len() + 1);
                data.insert(index, random.next() as u8);
            }
        }
    }
    data
}

#[test]
fn every_fuzz_target_survives_its_seeds_and_their_mutants() -> Result<()> {
    for (target, run) in TARGETS {
        let seeds = seeds(target)?;
        for seed in &seeds {
            check(target, run, seed)?;
        }
        let mut random = Random(0x9e37_79b9_7f4a_7c15 ^ target.len() as u64);
        for _ in 0..mutants(target) {
            let seed = &seeds[random.below(seeds.len())];
            let other = &seeds[random.below(seeds.len())];
            check(target, run, &mutate(seed, other, &mut random))?;
        }
    }
    Ok(())
}

/// Runs one input; a panic is reported with the input written to a file to add to the seeds.
fn check(target: &str, run: fn(&[u8]), input: &[u8]) -> Result<()> {
    let outcome = std::panic::catch_unwind(|| run(input));
    if outcome.is_err() {
        let path = std::env::temp_dir().join(format!("getanime-fuzz-{target}-failure"));
        std::fs::write(&path, input)?;
        anyhow::bail!(
            "fuzz target {target} panicked; the input is in {} (copy it into \
             tests/fixtures/fuzz/{target}/ as a regression seed)",
            path.display()
        );
    }
    Ok(())
}
