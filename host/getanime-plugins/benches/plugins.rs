//! Plugin host benchmarks, run by `cargo xtask bench` (which builds the plugins first). Each
//! prints one `BENCH {json}` line with a baseline measured in the same process.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Result;
use getanime_plugins::{PluginRuntime, RuntimeLimits};
use getanime_provider_sdk::Provider;

const CALLS: u32 = 2_000;

fn package() -> Result<PathBuf> {
    let root = std::env::var_os("GETANIME_PLUGINS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/plugins"));
    let dir = root.join("test-provider");
    anyhow::ensure!(dir.join("plugin.wasm").is_file(), "run `cargo xtask build-plugins` first");
    Ok(dir)
}

fn report(name: &str, value: f64, unit: &str, baseline: f64) {
    let entry = serde_json::json!({ "name": name, "value": value, "unit": unit, "baseline": baseline, "ratio": value / baseline });
    println!("BENCH {entry}");
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let package = package()?;

    // Per-call cost through the full host path (fresh store + instance + call + conversion)
    // against calling the same Rust function natively.
    let host = PluginRuntime::new(RuntimeLimits::default())?;
    let plugin = host.load(&package)?;
    runtime.block_on(plugin.filters())?;
    let started = Instant::now();
    for _ in 0..CALLS {
        std::hint::black_box(runtime.block_on(plugin.filters())?);
    }
    let per_call = started.elapsed().as_secs_f64() * 1e6 / f64::from(CALLS);
    let started = Instant::now();
    for _ in 0..CALLS * 100 {
        let filters = <test_provider::TestProvider as Provider>::filters();
        std::hint::black_box(filters.map_err(|error| anyhow::anyhow!("{error:?}"))?);
    }
    let native = started.elapsed().as_secs_f64() * 1e6 / f64::from(CALLS * 100);
    report("plugin_call_overhead", per_call, "us", native);

    // Loading with a warm compile cache against compiling from scratch.
    let cache = tempfile::tempdir()?;
    let mut cold = Vec::new();
    let mut warm = Vec::new();
    for _ in 0..5 {
        let scratch = tempfile::tempdir()?;
        let started = Instant::now();
        PluginRuntime::new(RuntimeLimits::default())?
            .with_compile_cache(scratch.path().to_path_buf())
            .load(&package)?;
        cold.push(started.elapsed());
        PluginRuntime::new(RuntimeLimits::default())?
            .with_compile_cache(cache.path().to_path_buf())
            .load(&package)?;
        let started = Instant::now();
        let plugin = PluginRuntime::new(RuntimeLimits::default())?
            .with_compile_cache(cache.path().to_path_buf())
            .load(&package)?;
        warm.push(started.elapsed());
        anyhow::ensure!(plugin.compiled_from_cache(), "the warm load did not use the cache");
    }
    let (cold, warm) = (median(cold).as_secs_f64() * 1e3, median(warm).as_secs_f64() * 1e3);
    report("plugin_cold_load_warm_cache", warm, "ms", cold);
    Ok(())
}
