//! The end-to-end test binary. Until the golden path exists (issue 10) it proves the pieces meet:
//! a fresh library and a real plugin installed through the app and run by the real host.

use anyhow::Result;
use getanime_e2e::{TestHome, built_plugin};

#[tokio::test]
async fn a_fresh_home_installs_a_plugin_and_searches_it() -> Result<()> {
    let home = TestHome::new()?;
    let app = home.open_app()?;
    assert_eq!(app.status().await?.titles, 0);

    let record = app.install_plugin(built_plugin("test-provider")?, None).await?;
    assert_eq!(record.id, "test-provider");
    let found = app.search_sources("setting greeting", None).await?;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].name, "hello from plugin.toml");
    assert_eq!(app.status().await?.titles, 1, "search results are saved to the library");
    Ok(())
}
