//! Plugin host tests: the real test-provider component, built for wasm32-wasip2 by
//! `cargo xtask build-plugins`, run by the real wasmtime runtime.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use getanime_domain::ProviderError;
use getanime_plugins::{Error, Plugin, PluginRuntime, RuntimeLimits};

/// Where `cargo xtask build-plugins` puts packages (`GETANIME_PLUGINS_DIR` overrides).
fn package_dir(id: &str) -> Result<PathBuf> {
    let root = match std::env::var_os("GETANIME_PLUGINS_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/plugins"),
    };
    let dir = root.join(id);
    if !dir.join("plugin.wasm").is_file() {
        bail!("plugin package {} is missing: run `cargo xtask build-plugins` first", dir.display());
    }
    Ok(dir)
}

fn limits() -> RuntimeLimits {
    RuntimeLimits {
        call_timeout: Duration::from_secs(2),
        memory_bytes: 64 << 20,
        ..RuntimeLimits::default()
    }
}

fn load_test_provider(runtime: &PluginRuntime) -> Result<Plugin> {
    runtime.load(&package_dir("test-provider")?).context("loading the test provider")
}

/// Runs `search(query)` on a fresh test provider and returns the error it must produce.
async fn check_search_fails(query: &str) -> Result<Error> {
    let runtime = PluginRuntime::new(limits())?;
    let plugin = load_test_provider(&runtime)?;
    match plugin.search(query, 1).await {
        Ok(page) => bail!("search {query:?} should fail, got {page:?}"),
        Err(error) => {
            // Whatever happened, the plugin stays usable: the next call gets a fresh instance.
            let page = plugin.latest(1).await.context("the call after a failure")?;
            assert_eq!(page.items.len(), 2);
            Ok(error)
        }
    }
}

#[tokio::test]
async fn info_and_latest_come_from_the_component() -> Result<()> {
    let runtime = PluginRuntime::new(limits())?;
    let plugin = load_test_provider(&runtime)?;
    let info = plugin.info().await?;
    assert_eq!(info.id, "test-provider");
    assert_eq!(info.languages, vec!["en".to_owned()]);

    let page = plugin.latest(3).await?;
    assert_eq!(page.page, 3);
    let names: Vec<&str> = page.items.iter().map(|title| title.summary.name.as_str()).collect();
    assert_eq!(names, ["First", "Second"]);
    Ok(())
}

#[tokio::test]
async fn a_trap_is_an_error_not_a_crash() -> Result<()> {
    let error = check_search_fails("trap").await?;
    assert!(matches!(&error, Error::Trap { id, .. } if id == "test-provider"), "{error}");
    Ok(())
}

#[tokio::test]
async fn an_endless_loop_is_stopped_by_the_deadline() -> Result<()> {
    let started = std::time::Instant::now();
    let error = check_search_fails("loop").await?;
    assert!(matches!(error, Error::Timeout { seconds: 2, .. }), "{error}");
    assert!(started.elapsed() < Duration::from_secs(10), "took {:?}", started.elapsed());
    Ok(())
}

#[tokio::test]
async fn a_memory_bomb_hits_the_memory_limit() -> Result<()> {
    let error = check_search_fails("memory-bomb").await?;
    assert!(matches!(error, Error::OutOfMemory { limit_mib: 64, .. }), "{error}");
    Ok(())
}

#[tokio::test]
async fn fetching_a_host_outside_the_allow_list_is_denied() -> Result<()> {
    let error = check_search_fails("fetch https://example.com/").await?;
    match &error {
        Error::Provider { error: ProviderError::Other(message), .. } => {
            assert!(
                message.contains("example.com is not in the plugin's allowed hosts"),
                "{message}"
            );
        }
        other => bail!("expected a denied fetch, got {other}"),
    }
    Ok(())
}

#[tokio::test]
async fn settings_come_from_the_manifest() -> Result<()> {
    let runtime = PluginRuntime::new(limits())?;
    let plugin = load_test_provider(&runtime)?;
    let page = plugin.search("setting greeting", 1).await?;
    assert_eq!(page.items[0].summary.name, "hello from plugin.toml");
    let page = plugin.search("setting missing", 1).await?;
    assert_eq!(page.items[0].summary.name, "(unset)");
    Ok(())
}

#[tokio::test]
async fn an_unsupported_contract_version_is_refused() -> Result<()> {
    let source = package_dir("test-provider")?;
    let copy = tempfile::tempdir()?;
    std::fs::copy(source.join("plugin.wasm"), copy.path().join("plugin.wasm"))?;
    let manifest = std::fs::read_to_string(source.join("plugin.toml"))?;
    let manifest = manifest.replace("api_version = \"0.1.0\"", "api_version = \"0.2.0\"");
    std::fs::write(copy.path().join("plugin.toml"), manifest)?;

    let runtime = PluginRuntime::new(limits())?;
    let error = runtime.load(copy.path()).err().context("version 0.2.0 must be refused")?;
    assert!(matches!(&error, Error::IncompatibleApi { found, .. } if found == "0.2.0"), "{error}");
    Ok(())
}
