//! The end-to-end test binary. Until the golden path exists (issue 10) it proves the pieces meet:
//! a fresh library and the real test provider running in the real plugin host.

use anyhow::Result;
use getanime_e2e::{TestHome, built_plugin};
use getanime_plugins::{PluginRuntime, RuntimeLimits};

#[tokio::test]
async fn a_fresh_home_has_an_empty_library_and_a_working_plugin_host() -> Result<()> {
    let home = TestHome::new()?;
    let library = home.open_library()?;
    assert_eq!(library.status()?.titles, 0);

    let runtime = PluginRuntime::new(RuntimeLimits::default())?;
    let plugin = runtime.load(&built_plugin("test-provider")?)?;
    let page = plugin.latest(1).await?;
    assert_eq!(page.items.len(), 2);
    Ok(())
}
