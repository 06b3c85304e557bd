//! Plugin host tests: the real test-provider component, built for wasm32-wasip2 by
//! `cargo xtask build-plugins`, run by the real wasmtime runtime; HTTP against a real server on
//! 127.0.0.1.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use getanime_plugins::{
    Error, Package, Plugin, PluginConfig, PluginRegistry, PluginRuntime, RuntimeLimits,
};
use getanime_testkit::{FakeServer, Reply, built_plugin};

/// Everything this test binary logs, for tests that check what reaches the log.
fn captured_log() -> String {
    static LOG: std::sync::OnceLock<SharedBuffer> = std::sync::OnceLock::new();
    let buffer = LOG.get_or_init(|| {
        let buffer = SharedBuffer::default();
        let writer = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_max_level(tracing::Level::INFO)
            .with_writer(move || writer.clone())
            .finish();
        if let Err(error) = tracing::subscriber::set_global_default(subscriber) {
            panic!("cannot capture the log: {error}");
        }
        buffer
    });
    let bytes = buffer.0.lock().map(|bytes| bytes.clone()).unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

#[derive(Clone, Default)]
struct SharedBuffer(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for SharedBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut buffer) = self.0.lock() {
            buffer.extend_from_slice(bytes);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn package_dir(id: &str) -> Result<PathBuf> {
    built_plugin(id)
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

/// Runs `search(query)` and returns the error it must produce, after checking that the plugin
/// still answers the next call (a fresh instance each time).
async fn check_search_fails(plugin: &Plugin, query: &str) -> Result<Error> {
    match plugin.search(query, 1).await {
        Ok(page) => bail!("search {query:?} should fail, got {} items", page.items.len()),
        Err(error) => {
            let page = plugin.latest(1).await.context("the call after a failure")?;
            assert_eq!(page.items.len(), 2);
            Ok(error)
        }
    }
}

mod calls {
    use super::*;

    #[tokio::test]
    async fn latest_filters_and_catalog_come_from_the_component() -> Result<()> {
        let runtime = PluginRuntime::new(limits())?;
        let plugin = load_test_provider(&runtime)?;
        assert_eq!(plugin.api_version(), "0.3.0");
        let filters = plugin.filters().await?;
        let genres: Vec<&str> = filters.genres.iter().map(|genre| genre.id.as_str()).collect();
        assert_eq!(genres, ["action", "drama"]);
        assert_eq!(filters.years, Some((1990, 2025)));
        let filter = getanime_domain::CatalogFilter {
            genres: vec!["action".into(), "drama".into()],
            year_from: Some(2001),
            ..Default::default()
        };
        let catalog = plugin.catalog(&filter, 2).await?;
        assert_eq!(catalog.items[0].summary.name, "genres=action+drama from=Some(2001) page=2");
        assert_eq!((catalog.page, catalog.pages), (2, Some(3)));

        let page = plugin.latest(3).await?;
        assert_eq!(page.page, 3);
        let names: Vec<&str> = page.items.iter().map(|title| title.summary.name.as_str()).collect();
        assert_eq!(names, ["First", "Second"]);
        Ok(())
    }

    /// What a plugin prints goes to the log, line by line, with the plugin's id.
    #[tokio::test]
    async fn a_plugins_printed_lines_are_logged_with_its_id() -> Result<()> {
        captured_log();
        let runtime = PluginRuntime::new(limits())?;
        let plugin = load_test_provider(&runtime)?;
        plugin.search("print hello-from-the-guest", 1).await?;
        let log = captured_log();
        let lines: Vec<&str> =
            log.lines().filter(|line| line.contains("hello-from-the-guest")).collect();
        assert_eq!(lines.len(), 2, "stdout and stderr: {log}");
        for line in lines {
            assert!(line.contains("plugin_id=test-provider"), "{line}");
        }
        Ok(())
    }

    #[tokio::test]
    async fn unimplemented_calls_are_unsupported() -> Result<()> {
        let runtime = PluginRuntime::new(limits())?;
        let plugin = load_test_provider(&runtime)?;
        let error = plugin.schedule().await.err().context("schedule is not implemented")?;
        assert!(
            matches!(
                error,
                Error::Provider { error: getanime_domain::ProviderError::Unsupported, .. }
            ),
            "{error}"
        );
        Ok(())
    }

    #[tokio::test]
    async fn settings_come_from_the_manifest_and_the_user() -> Result<()> {
        let runtime = PluginRuntime::new(limits())?;
        let plugin = load_test_provider(&runtime)?;
        let name = |page: getanime_domain::Page| page.items[0].summary.name.clone();
        assert_eq!(name(plugin.search("setting greeting", 1).await?), "hello from plugin.toml");
        assert_eq!(name(plugin.search("setting missing", 1).await?), "(unset)");

        let config = PluginConfig {
            mirror: None,
            on_mirror_move: None,
            settings: [("greeting".to_owned(), "hello from the user".to_owned())].into(),
            ..PluginConfig::default()
        };
        let plugin = runtime.load_with(&package_dir("test-provider")?, config)?;
        assert_eq!(name(plugin.search("setting greeting", 1).await?), "hello from the user");
        Ok(())
    }

    #[tokio::test]
    async fn invalid_data_reaches_the_host_unchanged_for_validation() -> Result<()> {
        let runtime = PluginRuntime::new(limits())?;
        let plugin = load_test_provider(&runtime)?;
        let page = plugin.search("invalid-data", 1).await?;
        let title = &page.items[0];
        assert_eq!(title.summary.name, "  ");
        assert_eq!(title.summary.poster_url.as_deref(), Some("file:///etc/passwd"));
        assert!(title.episodes[0].number.is_nan());
        Ok(())
    }

    #[tokio::test]
    async fn a_slow_call_that_finishes_in_time_succeeds() -> Result<()> {
        let runtime = PluginRuntime::new(limits())?;
        let plugin = load_test_provider(&runtime)?;
        let page = plugin.search("sleep 100", 1).await?;
        assert_eq!(page.items[0].summary.name, "slept");
        Ok(())
    }
}

mod failures {
    use super::*;

    #[tokio::test]
    async fn a_trap_is_an_error_not_a_crash() -> Result<()> {
        let runtime = PluginRuntime::new(limits())?;
        let plugin = load_test_provider(&runtime)?;
        let error = check_search_fails(&plugin, "trap").await?;
        assert!(matches!(&error, Error::Trap { id, .. } if id == "test-provider"), "{error}");
        Ok(())
    }

    #[tokio::test]
    async fn an_endless_loop_is_stopped_by_the_deadline() -> Result<()> {
        let runtime = PluginRuntime::new(limits())?;
        let plugin = load_test_provider(&runtime)?;
        let started = std::time::Instant::now();
        let error = check_search_fails(&plugin, "loop").await?;
        assert!(matches!(error, Error::Timeout { seconds: 2, .. }), "{error}");
        assert!(started.elapsed() < Duration::from_secs(10), "took {:?}", started.elapsed());
        Ok(())
    }

    #[tokio::test]
    async fn a_sleep_past_the_deadline_is_a_timeout() -> Result<()> {
        let runtime = PluginRuntime::new(limits())?;
        let plugin = load_test_provider(&runtime)?;
        let error = check_search_fails(&plugin, "sleep 60000").await?;
        assert!(matches!(error, Error::Timeout { .. }), "{error}");
        Ok(())
    }

    #[tokio::test]
    async fn a_memory_bomb_hits_the_memory_limit() -> Result<()> {
        let runtime = PluginRuntime::new(limits())?;
        let plugin = load_test_provider(&runtime)?;
        let error = check_search_fails(&plugin, "memory-bomb").await?;
        assert!(matches!(error, Error::MemoryExceeded { limit_mib: 64, .. }), "{error}");
        Ok(())
    }

    #[tokio::test]
    async fn a_stack_overflow_is_a_trap() -> Result<()> {
        let runtime = PluginRuntime::new(limits())?;
        let plugin = load_test_provider(&runtime)?;
        let error = check_search_fails(&plugin, "stack-overflow").await?;
        // Rust's shadow stack lives in linear memory: running past it is an out-of-bounds access
        // (or, for deep wasm frames, call stack exhaustion). Either way a trap, and contained.
        assert!(
            matches!(&error, Error::Trap { reason, .. } if reason.contains("out of bounds") || reason.contains("stack")),
            "{error}"
        );
        Ok(())
    }

    #[tokio::test]
    async fn a_plugin_sees_no_environment_files_or_arguments() -> Result<()> {
        let runtime = PluginRuntime::new(limits())?;
        let plugin = load_test_provider(&runtime)?;
        let page = plugin.search("snoop", 1).await?;
        assert_eq!(page.items[0].summary.name, "env=0 home=false file=false listing=false args=0");
        Ok(())
    }

    #[tokio::test]
    async fn ten_thousand_tiny_fetches_are_bounded_by_the_deadline() -> Result<()> {
        let server = FakeServer::start().await?;
        server.route("/tiny", Reply::json("{}"));
        let runtime = PluginRuntime::new(limits())?;
        let plugin = load_test_provider(&runtime)?;
        let started = std::time::Instant::now();
        let outcome =
            plugin.search(&format!("many-fetches 10000 {}/tiny", server.base_url()), 1).await;
        // Either all of them finished within the 2 s deadline, or the deadline stopped the plugin.
        match outcome {
            Ok(page) => assert_eq!(page.items[0].summary.name, "fetched 10000"),
            Err(error) => assert!(matches!(error, Error::Timeout { .. }), "{error}"),
        }
        assert!(started.elapsed() < Duration::from_secs(6), "took {:?}", started.elapsed());
        assert_eq!(plugin.latest(1).await?.items.len(), 2, "the plugin still answers");
        Ok(())
    }

    #[tokio::test]
    async fn a_huge_result_is_refused() -> Result<()> {
        let limits = RuntimeLimits { max_output_bytes: 4 << 20, ..limits() };
        let runtime = PluginRuntime::new(limits)?;
        let plugin = load_test_provider(&runtime)?;
        assert_eq!(plugin.search("huge-output 1", 1).await?.items[0].summary.name.len(), 1 << 20);
        let error = check_search_fails(&plugin, "huge-output 8").await?;
        assert!(matches!(error, Error::OutputTooLarge { limit_mib: 4, .. }), "{error}");
        Ok(())
    }
}

mod http {
    use super::*;

    #[tokio::test]
    async fn an_allowed_host_is_fetched_for_real() -> Result<()> {
        let server = FakeServer::start().await?;
        server.route("/hello", Reply::json(r#"{"ok":true}"#));
        let runtime = PluginRuntime::new(limits())?;
        let plugin = load_test_provider(&runtime)?;
        let page = plugin.search(&format!("fetch {}/hello", server.base_url()), 1).await?;
        assert_eq!(page.items[0].summary.name, "status 200");
        let page = plugin.search(&format!("fetch {}/missing", server.base_url()), 1).await?;
        assert_eq!(page.items[0].summary.name, "status 404");
        assert_eq!(server.requests(), ["/hello", "/missing"]);
        Ok(())
    }

    /// Contract 0.2 fetches with a method and a body (a GraphQL or form API needs POST).
    #[tokio::test]
    async fn a_post_carries_its_body_through_the_host() -> Result<()> {
        let server = FakeServer::start().await?;
        server.route("/graphql", Reply::json(r#"{"data":1}"#));
        let runtime = PluginRuntime::new(limits())?;
        let plugin = load_test_provider(&runtime)?;
        let page = plugin.search(&format!("post {}/graphql Фрирен", server.base_url()), 1).await?;
        assert_eq!(page.items[0].summary.name, r#"status 200 {"data":1}"#);
        let bodies = server.bodies();
        assert_eq!(bodies.len(), 1, "{bodies:?}");
        assert_eq!((bodies[0].method.as_str(), bodies[0].target.as_str()), ("POST", "/graphql"));
        let sent: serde_json::Value = serde_json::from_slice(&bodies[0].body)?;
        assert_eq!(sent["text"], "Фрирен");
        let error = check_search_fails(&plugin, "post https://example.com/graphql x").await?;
        assert!(
            matches!(&error, Error::CapabilityDenied { host, .. } if host == "example.com"),
            "a POST meets the same allow-list: {error}"
        );
        Ok(())
    }

    #[tokio::test]
    async fn a_host_outside_the_allow_list_is_denied_and_named() -> Result<()> {
        let runtime = PluginRuntime::new(limits())?;
        let plugin = load_test_provider(&runtime)?;
        let error = check_search_fails(&plugin, "fetch https://example.com/").await?;
        assert!(
            matches!(&error, Error::CapabilityDenied { host, .. } if host == "example.com"),
            "{error}"
        );
        let error = check_search_fails(&plugin, "fetch file:///etc/passwd").await?;
        assert!(matches!(&error, Error::CapabilityDenied { .. }), "{error}");
        Ok(())
    }

    #[tokio::test]
    async fn a_redirect_to_a_disallowed_host_is_denied() -> Result<()> {
        let server = FakeServer::start().await?;
        server.route("/moved", Reply::redirect("http://localhost.invalid/secret"));
        let runtime = PluginRuntime::new(limits())?;
        let plugin = load_test_provider(&runtime)?;
        let error =
            check_search_fails(&plugin, &format!("fetch {}/moved", server.base_url())).await?;
        assert!(
            matches!(&error, Error::CapabilityDenied { host, .. } if host == "localhost.invalid"),
            "{error}"
        );
        Ok(())
    }

    /// `localhost` is in the test provider's manifest, but a declared name that resolves to the
    /// machine itself is refused (DNS rebinding); the same name granted by the user works.
    #[tokio::test]
    async fn a_declared_name_resolving_to_loopback_is_refused_until_the_user_grants_it()
    -> Result<()> {
        let server = FakeServer::start().await?;
        server.route("/ok", Reply::json("{}"));
        let url = format!("http://localhost:{}/ok", server.address().port());
        let runtime = PluginRuntime::new(limits())?;
        let declared = load_test_provider(&runtime)?;
        let error = check_search_fails(&declared, &format!("fetch {url}")).await?;
        assert!(
            matches!(&error, Error::CapabilityDenied { host, .. } if host == "localhost"),
            "{error}"
        );
        let config =
            PluginConfig { granted_hosts: vec!["localhost".to_owned()], ..PluginConfig::default() };
        let granted = runtime.load_with(&package_dir("test-provider")?, config)?;
        assert_eq!(
            granted.search(&format!("fetch {url}"), 1).await?.items[0].summary.name,
            "status 200"
        );
        assert!(server.requests().len() == 1, "the refused fetch never reached the server");
        Ok(())
    }
}

/// The host's own client for URLs a plugin returned: the same rule as `fetch`.
/// Every released contract version runs side by side in one host (`wit/README.md`).
mod contracts {
    use super::*;

    fn titles_json(server: &FakeServer) -> Reply {
        let hls = format!("{}/media/ep1/index.m3u8", server.base_url());
        Reply::json(
            serde_json::json!([{ "id": "v01-1", "name": "Old contract title", "hls": hls }])
                .to_string(),
        )
    }

    #[tokio::test]
    async fn contract_0_1_and_0_2_components_run_beside_0_3_ones_in_one_host() -> Result<()> {
        let server = FakeServer::start().await?;
        server.route("/api/titles.json", titles_json(&server));
        let runtime = PluginRuntime::new(limits())?;
        let config = PluginConfig {
            mirror: None,
            on_mirror_move: None,
            settings: [("base_url".to_owned(), format!("{}/api", server.base_url()))].into(),
            ..PluginConfig::default()
        };
        let old = runtime.load_with(&package_dir("contract-v0-1")?, config.clone())?;
        let middle = runtime.load_with(&package_dir("contract-v0-2")?, config)?;
        let new = load_test_provider(&runtime)?;
        assert_eq!(
            (old.api_version(), middle.api_version(), new.api_version()),
            ("0.1.0", "0.2.0", "0.3.0")
        );

        // 0.2: its own fields arrive, 0.3's are empty.
        let title = middle.details("v01-1").await?;
        assert_eq!(title.summary.name, "Old contract title");
        assert_eq!(title.episodes[0].audio, ["Original"]);
        assert_eq!(title.external_ids.len(), 1, "0.2's tracker ids pass through");
        assert_eq!((title.episodes[0].source_id.as_ref(), title.age_rating), (None, None));
        assert!(middle.filters().await.is_err(), "it says unsupported, as it was built");

        let latest = old.latest(1).await?;
        let title = &latest.items[0];
        assert_eq!(title.summary.name, "Old contract title");
        assert_eq!(
            title.episodes[0].streams[0].url,
            format!("{}/media/ep1/index.m3u8", server.base_url())
        );
        assert!(title.external_ids.is_empty() && title.episodes[0].subtitles.is_empty());
        assert_eq!(old.details("v01-1").await?.summary.source_id, "v01-1");
        assert_eq!(new.latest(1).await?.items.len(), 2, "the 0.3 plugin answers in the same host");
        assert_eq!(old.search("old", 1).await?.items.len(), 1);

        let unsupported = old.filters().await.err().context("0.1 has no catalog")?;
        assert!(
            matches!(
                &unsupported,
                Error::Provider { error: getanime_domain::ProviderError::Unsupported, .. }
            ),
            "{unsupported}"
        );
        assert!(new.filters().await.is_ok());
        Ok(())
    }

    /// A 0.1 plugin's refused host is still reported as a denial, with the host named.
    #[tokio::test]
    async fn a_contract_0_1_component_is_denied_like_the_others() -> Result<()> {
        let runtime = PluginRuntime::new(limits())?;
        let config = PluginConfig {
            mirror: None,
            on_mirror_move: None,
            settings: [("base_url".to_owned(), "https://example.com/api".to_owned())].into(),
            ..PluginConfig::default()
        };
        let old = runtime.load_with(&package_dir("contract-v0-1")?, config)?;
        let error = old.latest(1).await.err().context("example.com is not allowed")?;
        assert!(
            matches!(&error, Error::CapabilityDenied { host, .. } if host == "example.com"),
            "{error}"
        );
        Ok(())
    }
}

mod guarded_client {
    use super::*;
    use getanime_plugins::{FetchError, GuardedClient, NetworkPolicy, Refusal};

    fn client(granted: &[&str]) -> Result<GuardedClient> {
        let granted: Vec<String> = granted.iter().map(|host| (*host).to_owned()).collect();
        let policy = NetworkPolicy::for_returned_urls(&["127.0.0.1".to_owned()], &granted);
        Ok(GuardedClient::new(policy, "getanime-test", Duration::from_secs(5), 1 << 20)?)
    }

    /// A redirect is checked hop by hop: from a trusted address to a local name nobody granted
    /// is refused before anything is sent there; granted, it is followed.
    #[tokio::test]
    async fn a_redirect_to_an_ungranted_local_name_is_refused() -> Result<()> {
        let probe = FakeServer::start().await?;
        probe.route("/secret", Reply::json("{}"));
        let server = FakeServer::start().await?;
        let target = format!("http://localhost:{}/secret", probe.address().port());
        server.route("/poster.jpg", Reply::redirect(&target));
        let url = format!("{}/poster.jpg", server.base_url());

        let error = client(&[])?.get_bytes(&url).await.err().context("refused")?;
        assert_eq!(error, FetchError::Refused(Refusal::LocalAddress { host: "localhost".into() }));
        assert!(probe.requests().is_empty(), "{:?}", probe.requests());

        assert_eq!(client(&["localhost"])?.get_bytes(&url).await?, b"{}");
        assert_eq!(probe.requests(), ["/secret"]);
        Ok(())
    }

    #[tokio::test]
    async fn bodies_are_bounded_and_only_http_is_spoken() -> Result<()> {
        let server = FakeServer::start().await?;
        server.route("/big", Reply::json(vec![b' '; 2 << 20]));
        let error = client(&[])?.get_bytes(&format!("{}/big", server.base_url())).await;
        assert!(matches!(error, Err(FetchError::TooLarge { .. })), "{error:?}");
        let error = client(&[])?.get_bytes("file:///etc/passwd").await;
        assert!(matches!(error, Err(FetchError::Refused(Refusal::Scheme { .. }))), "{error:?}");
        Ok(())
    }
}

mod packages {
    use super::*;

    /// A scratch area with a plugins directory, and helpers to make (bad) packages.
    struct Scratch {
        dir: tempfile::TempDir,
    }

    impl Scratch {
        fn new() -> Result<Scratch> {
            Ok(Scratch { dir: tempfile::tempdir()? })
        }

        fn registry(&self) -> PluginRegistry {
            PluginRegistry::new(self.dir.path().join("plugins"))
        }

        /// Names in the plugins directory, hidden ones included.
        fn plugin_dir_listing(&self) -> Result<Vec<String>> {
            let dir = self.dir.path().join("plugins");
            if !dir.exists() {
                return Ok(Vec::new());
            }
            let mut names: Vec<String> = std::fs::read_dir(dir)?
                .map(|entry| Ok(entry?.file_name().to_string_lossy().into_owned()))
                .collect::<Result<_>>()?;
            names.sort();
            Ok(names)
        }

        /// A package directory: the test provider with its manifest edited by `edit`.
        fn package(&self, name: &str, edit: impl Fn(String) -> String) -> Result<PathBuf> {
            let source = package_dir("test-provider")?;
            let dir = self.dir.path().join(name);
            std::fs::create_dir_all(&dir)?;
            std::fs::copy(source.join("plugin.wasm"), dir.join("plugin.wasm"))?;
            std::fs::write(
                dir.join("plugin.toml"),
                edit(std::fs::read_to_string(source.join("plugin.toml"))?),
            )?;
            Ok(dir)
        }

        /// A `.tar.gz` with the given entries: (path, kind, bytes).
        fn archive(
            &self,
            name: &str,
            entries: &[(&str, tar::EntryType, Vec<u8>)],
        ) -> Result<PathBuf> {
            let path = self.dir.path().join(name);
            let file = std::fs::File::create(&path)?;
            let mut builder =
                tar::Builder::new(flate2::write::GzEncoder::new(file, flate2::Compression::fast()));
            for (entry_path, kind, bytes) in entries {
                let mut header = tar::Header::new_gnu();
                header.set_entry_type(*kind);
                header.set_size(bytes.len() as u64);
                header.set_mode(0o644);
                if *kind == tar::EntryType::Symlink {
                    header.set_link_name("/etc/passwd")?;
                }
                // Raw names, so traversal paths are written as given.
                let name_field = &mut header.as_old_mut().name;
                name_field[..entry_path.len()].copy_from_slice(entry_path.as_bytes());
                header.set_cksum();
                builder.append(&header, bytes.as_slice())?;
            }
            builder.into_inner()?.finish()?;
            Ok(path)
        }

        fn good_entries(&self) -> Result<Vec<(&'static str, tar::EntryType, Vec<u8>)>> {
            let source = package_dir("test-provider")?;
            Ok(vec![
                (
                    "plugin.toml",
                    tar::EntryType::Regular,
                    std::fs::read(source.join("plugin.toml"))?,
                ),
                (
                    "plugin.wasm",
                    tar::EntryType::Regular,
                    std::fs::read(source.join("plugin.wasm"))?,
                ),
            ])
        }
    }

    #[test]
    fn install_from_a_directory_or_an_archive_then_remove() -> Result<()> {
        let scratch = Scratch::new()?;
        let runtime = PluginRuntime::new(limits())?;
        let registry = scratch.registry();
        let installed = registry.install(&runtime, &package_dir("test-provider")?, None)?;
        assert_eq!(installed.manifest.id, "test-provider");
        assert_eq!(installed.replaced_version, None);
        assert_eq!(scratch.plugin_dir_listing()?, ["test-provider"]);
        let ids: Vec<String> =
            registry.installed()?.into_iter().map(|manifest| manifest.id).collect();
        assert_eq!(ids, ["test-provider"]);
        registry.load(&runtime, "test-provider", PluginConfig::default())?;

        registry.remove("test-provider")?;
        assert!(scratch.plugin_dir_listing()?.is_empty());
        assert!(matches!(registry.remove("test-provider"), Err(Error::NotInstalled { .. })));

        let archive = scratch.archive("good.tar.gz", &scratch.good_entries()?)?;
        let sha256 = getanime_plugins::sha256_hex(&std::fs::read(&archive)?);
        let installed = registry.install(&runtime, &archive, Some(&sha256))?;
        assert_eq!(installed.sha256, sha256);
        assert_eq!(scratch.plugin_dir_listing()?, ["test-provider"]);
        Ok(())
    }

    /// `plugin pack`: the same directory packs to the same bytes; the archive holds what the
    /// directory held and installs; a component given apart (an author's cargo output) is
    /// packed as `plugin.wasm`; a bad manifest is refused before any archive exists.
    #[test]
    fn packing_gives_a_reproducible_archive_that_installs() -> Result<()> {
        let scratch = Scratch::new()?;
        let source = package_dir("test-provider")?;
        let first = scratch.dir.path().join("first.tar.gz");
        let runtime = PluginRuntime::new(limits())?;
        let installable = |package: &Package| {
            runtime.instantiate_package(package.clone(), PluginConfig::default()).map(drop)
        };
        let packed = Package::pack(&source, None, &first, installable)?;
        let again =
            Package::pack(&source, None, &scratch.dir.path().join("again.tar.gz"), installable)?;
        assert_eq!(packed.sha256, again.sha256, "the same inputs, the same archive");
        assert_eq!(packed.sha256, getanime_plugins::sha256_hex(&std::fs::read(&first)?));
        assert_eq!(packed.component, std::fs::read(source.join("plugin.wasm"))?);
        assert_eq!(packed.manifest_text, std::fs::read_to_string(source.join("plugin.toml"))?);
        assert!(!scratch.dir.path().join("first.tar.partial").exists());

        let apart = scratch.dir.path().join("author");
        std::fs::create_dir_all(&apart)?;
        std::fs::copy(source.join("plugin.toml"), apart.join("plugin.toml"))?;
        let built = scratch.dir.path().join("my_plugin.wasm");
        std::fs::copy(source.join("plugin.wasm"), &built)?;
        let from_cargo = Package::pack(
            &apart,
            Some(&built),
            &scratch.dir.path().join("cargo.tar.gz"),
            installable,
        )?;
        assert_eq!(from_cargo.sha256, packed.sha256, "packed as plugin.wasm all the same");

        let installed = scratch.registry().install(&runtime, &first, Some(&packed.sha256))?;
        assert_eq!(installed.manifest.id, "test-provider");

        let broken = scratch.package("broken", |text| text.replace("id = ", "identifier = "))?;
        let out = scratch.dir.path().join("broken.tar.gz");
        let error =
            Package::pack(&broken, None, &out, installable).err().context("a bad manifest")?;
        assert!(matches!(error, Error::Manifest { .. }), "{error}");
        assert!(!out.exists(), "no archive for a package that would not install");
        let missing = Package::pack(&apart, None, &out, installable).err().context("no wasm")?;
        assert!(missing.to_string().contains("plugin.wasm"), "{missing}");

        // A component wasmtime refuses leaves an archive already at `out` as it was.
        let not_wasm = scratch.dir.path().join("not.wasm");
        std::fs::write(&not_wasm, b"\0asm")?;
        let error = Package::pack(&apart, Some(&not_wasm), &first, installable)
            .err()
            .context("an invalid component")?;
        assert!(matches!(error, Error::Load { .. }), "{error}");
        assert_eq!(getanime_plugins::sha256_hex(&std::fs::read(&first)?), packed.sha256);
        assert!(!scratch.dir.path().join("first.tar.partial").exists());
        Ok(())
    }

    #[test]
    fn upgrades_replace_in_place_and_downgrades_are_refused() -> Result<()> {
        let scratch = Scratch::new()?;
        let runtime = PluginRuntime::new(limits())?;
        let registry = scratch.registry();
        registry.install(&runtime, &package_dir("test-provider")?, None)?;
        let newer = scratch.package("newer", |text| {
            text.replace("version = \"0.1.0\"\napi", "version = \"0.2.0\"\napi")
        })?;
        let installed = registry.install(&runtime, &newer, None)?;
        assert_eq!(
            (installed.manifest.version.as_str(), installed.replaced_version.as_deref()),
            ("0.2.0", Some("0.1.0"))
        );
        assert_eq!(scratch.plugin_dir_listing()?, ["test-provider"], "no staging leftovers");

        let error = registry
            .install(&runtime, &package_dir("test-provider")?, None)
            .err()
            .context("a downgrade")?;
        assert!(
            matches!(&error, Error::Downgrade { installed, offered, .. } if installed == "0.2.0" && offered == "0.1.0"),
            "{error}"
        );
        assert_eq!(registry.installed()?[0].version, "0.2.0");
        Ok(())
    }

    /// Each bad package is refused with its own error and leaves the plugins directory as it was.
    #[test]
    fn bad_packages_are_refused_and_nothing_is_written() -> Result<()> {
        let scratch = Scratch::new()?;
        let runtime = PluginRuntime::new(limits())?;
        let registry = scratch.registry();
        let good = scratch.good_entries()?;
        let manifest = good[0].2.clone();
        let corrupt_wasm = scratch.archive(
            "corrupt.tar.gz",
            &[good[0].clone(), ("plugin.wasm", tar::EntryType::Regular, b"\0asm garbage".to_vec())],
        )?;
        let core_module = scratch.archive(
            "core.tar.gz",
            &[
                good[0].clone(),
                ("plugin.wasm", tar::EntryType::Regular, b"\0asm\x01\0\0\0".to_vec()),
            ],
        )?;
        let traversal = scratch.archive(
            "traversal.tar.gz",
            &[good[0].clone(), ("../plugin.wasm", tar::EntryType::Regular, good[1].2.clone())],
        )?;
        let symlink = scratch.archive(
            "symlink.tar.gz",
            &[good[0].clone(), ("plugin.wasm", tar::EntryType::Symlink, Vec::new())],
        )?;
        let bomb = scratch.archive(
            "bomb.tar.gz",
            &[good[0].clone(), ("plugin.wasm", tar::EntryType::Regular, vec![0; 40 << 20])],
        )?;
        let extra = scratch.archive(
            "extra.tar.gz",
            &[
                good[0].clone(),
                good[1].clone(),
                ("run.sh", tar::EntryType::Regular, b"rm -rf /".to_vec()),
            ],
        )?;
        let no_manifest = scratch.archive("no-manifest.tar.gz", &[good[1].clone()])?;
        let not_gzip = scratch.dir.path().join("plain.tar.gz");
        std::fs::write(&not_gzip, "hello")?;
        let missing_field = scratch
            .package("missing-field", |text| text.replace("name = \"Test provider\"\n", ""))?;
        let bad_id = scratch
            .package("bad-id", |text| text.replace("id = \"test-provider\"", "id = \"../evil\""))?;
        let newer_api = scratch.package("newer-api", |text| {
            text.replace("api_version = \"0.3.0\"", "api_version = \"0.4.0\"")
        })?;
        // A 0.3 component whose manifest claims 0.2 (or 0.1): those bindings do not fit it.
        let wrong_api = scratch.package("wrong-api", |text| {
            text.replace("api_version = \"0.3.0\"", "api_version = \"0.2.0\"")
        })?;
        // A source whose manifest says it is a tracker: it has no `lists` to call.
        let not_a_tracker = scratch.package("not-a-tracker", |text| {
            text.replace("api_version = \"0.3.0\"", "api_version = \"0.3.0\"\nkind = \"tracker\"")
        })?;
        let good_archive = scratch.archive(
            "good.tar.gz",
            &[("plugin.toml", tar::EntryType::Regular, manifest), good[1].clone()],
        )?;

        let cases: Vec<(&Path, Option<&str>, &str)> = vec![
            (&corrupt_wasm, None, "not a valid provider component"),
            (&core_module, None, "not a valid provider component"),
            (&traversal, None, "points outside the package"),
            (&symlink, None, "is a link"),
            (&bomb, None, "larger than the 32 MiB allowed"),
            (&extra, None, "unexpected file run.sh"),
            (&no_manifest, None, "has no plugin.toml"),
            (&not_gzip, None, "not a .tar.gz archive"),
            (&missing_field, None, "missing field `name`"),
            (&bad_id, None, "must be 1-64 characters"),
            (
                &newer_api,
                None,
                "needs contract version 0.4.0, this getanime supports 0.1, 0.2 and 0.3",
            ),
            (&wrong_api, None, "not a valid provider component"),
            (&not_a_tracker, None, "not a valid provider component"),
            (&good_archive, Some("00ff"), "the index says 00ff"),
        ];
        for (path, sha256, expected) in cases {
            let error = registry
                .install(&runtime, path, sha256)
                .err()
                .with_context(|| format!("{} must be refused", path.display()))?;
            assert!(format!("{error}").contains(expected), "{}: {error}", path.display());
            assert!(
                scratch.plugin_dir_listing()?.is_empty(),
                "{} left files behind",
                path.display()
            );
        }
        Ok(())
    }

    #[test]
    fn the_compile_cache_is_used_and_a_tampered_entry_is_recompiled() -> Result<()> {
        let scratch = Scratch::new()?;
        let cache = scratch.dir.path().join("cache");
        let package = package_dir("test-provider")?;
        let first =
            PluginRuntime::new(limits())?.with_compile_cache(cache.clone()).load(&package)?;
        assert!(!first.compiled_from_cache());
        let second =
            PluginRuntime::new(limits())?.with_compile_cache(cache.clone()).load(&package)?;
        assert!(second.compiled_from_cache());

        let entry = std::fs::read_dir(&cache)?
            .map(|entry| Ok(entry?.path()))
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .find(|path| path.extension().is_some_and(|extension| extension == "cwasm"))
            .context("a cache entry")?;
        let mut bytes = std::fs::read(&entry)?;
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0xff;
        std::fs::write(&entry, bytes)?;
        let runtime = PluginRuntime::new(limits())?.with_compile_cache(cache);
        let third = runtime.load(&package)?;
        assert!(!third.compiled_from_cache(), "a tampered entry is not trusted");
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        assert_eq!(rt.block_on(third.latest(1))?.items.len(), 2);
        Ok(())
    }
}

/// The real AniLibria and AniLiberty components against a fake API on 127.0.0.1 serving the
/// fixtures of `tests/fixtures/`.
mod sources {
    use super::*;
    use getanime_domain::ProviderError;

    fn fixture(area: &str, name: &str) -> Result<Reply> {
        Reply::file(
            &PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../tests/fixtures")
                .join(area)
                .join(name),
        )
    }

    /// A source plugin pointed at `base_url`, with 127.0.0.1 granted.
    fn load_source(runtime: &PluginRuntime, id: &str, base_url: String) -> Result<Plugin> {
        let config = PluginConfig {
            mirror: None,
            on_mirror_move: None,
            settings: [
                ("base_url".to_owned(), base_url),
                ("media_host".to_owned(), "https://static.example".to_owned()),
            ]
            .into(),
            granted_hosts: vec!["127.0.0.1".to_owned()],
        };
        Ok(runtime.load_with(&package_dir(id)?, config)?)
    }

    async fn anilibria_server() -> Result<FakeServer> {
        let server = FakeServer::start().await?;
        server.route("/v3/title/updates", fixture("anilibria", "updates_page1.json")?);
        server.route("/v3/title/search", fixture("anilibria", "search_alchemist.json")?);
        server.route("/v3/title/schedule", fixture("anilibria", "schedule.json")?);
        server.route("/v3/title?id=9432", fixture("anilibria", "title_9432.json")?);
        let mut not_found = fixture("anilibria", "error_not_found.json")?;
        not_found.status = 404;
        server.route("/v3/title?id=1", not_found);
        Ok(server)
    }

    #[tokio::test]
    async fn anilibria_serves_every_call_from_the_api() -> Result<()> {
        let server = anilibria_server().await?;
        let runtime = PluginRuntime::new(limits())?;
        let plugin = load_source(&runtime, "anilibria", format!("{}/v3", server.base_url()))?;
        assert_eq!(plugin.id(), "anilibria");

        let latest = plugin.latest(1).await?;
        let ids: Vec<&str> =
            latest.items.iter().map(|title| title.summary.source_id.as_str()).collect();
        assert_eq!(ids, ["9612", "9601", "9588"]);
        assert_eq!(latest.pages, Some(418));
        let numbers: Vec<f64> =
            latest.items[0].episodes.iter().map(|episode| episode.number).collect();
        assert_eq!(numbers, [1.0, 2.0, 3.0, 3.5, 4.0]);
        assert!(
            latest.items[0].episodes[0].streams[0]
                .url
                .starts_with("https://cache.libria.fun/videos/media/ts/9612/1/1080/")
        );
        assert_eq!(
            latest.items[0].summary.poster_url.as_deref(),
            Some("https://static.example/storage/releases/posters/9612/fSzuiapC1lCPedjD.jpg")
        );

        let found = plugin.search("алхимик", 1).await?;
        assert_eq!(found.items.len(), 2);
        let schedule = plugin.schedule().await?;
        let weekdays: Vec<u8> = schedule.iter().map(|day| day.weekday).collect();
        assert_eq!(weekdays, [1, 4, 6]);
        let movie = plugin.details("9432").await?;
        assert_eq!(
            (movie.summary.kind.as_deref(), movie.episodes.len(), movie.torrents.len()),
            (Some("MOVIE"), 1, 2)
        );
        assert!(movie.details_complete);

        let error = plugin.details("1").await.err().context("title 1 does not exist")?;
        assert!(matches!(error, Error::Provider { error: ProviderError::NotFound, .. }), "{error}");
        let requests = server.requests();
        assert!(requests.contains(&"/v3/title/search?search=%D0%B0%D0%BB%D1%85%D0%B8%D0%BC%D0%B8%D0%BA&page=1&items_per_page=20".to_owned()), "{requests:?}");
        Ok(())
    }

    #[tokio::test]
    async fn a_cdn_error_page_a_slow_api_and_a_huge_body_are_clear_errors() -> Result<()> {
        let server = FakeServer::start().await?;
        server.route(
            "/v3/title/updates",
            Reply::new(503, "text/html", "<html><h1>503 Service Unavailable</h1></html>"),
        );
        server.route("/v3/title/schedule", Reply::json("[]").delayed(Duration::from_secs(10)));
        server.route("/v3/title/search", Reply::json(vec![b' '; 256 << 10]));
        let limits = RuntimeLimits { max_body_bytes: 64 << 10, ..limits() };
        let runtime = PluginRuntime::new(limits)?;
        let plugin = load_source(&runtime, "anilibria", format!("{}/v3", server.base_url()))?;

        let error = plugin.latest(1).await.err().context("a CDN page is an error")?;
        assert!(
            matches!(&error, Error::Provider { error: ProviderError::Network(message), .. } if message.contains("web page (HTTP 503)")),
            "{error}"
        );
        let started = std::time::Instant::now();
        let error = plugin.schedule().await.err().context("a slow API is an error")?;
        assert!(matches!(error, Error::Timeout { .. }), "{error}");
        assert!(started.elapsed() < Duration::from_secs(8));
        let error = plugin.search("x", 1).await.err().context("a huge body is an error")?;
        assert!(
            matches!(&error, Error::Provider { error: ProviderError::Network(message), .. } if message.contains("too large")),
            "{error}"
        );
        Ok(())
    }

    /// A real answer cut off mid-way (a dropped connection): the user reads plain words, the
    /// parser's detail goes to the log.
    #[tokio::test]
    async fn an_answer_cut_off_midway_is_said_in_plain_words() -> Result<()> {
        for (id, route, name, root) in [
            ("anilibria", "/v3/title/updates", "updates_page1.json", "/v3"),
            ("aniliberty", "/api/v1/anime/releases/latest", "releases_latest.json", "/api/v1"),
        ] {
            let whole = std::fs::read(getanime_testkit::fixture_path(id, name))?;
            let server = FakeServer::start().await?;
            server.route(route, Reply::json(whole[..whole.len() / 2].to_vec()));
            let runtime = PluginRuntime::new(limits())?;
            let plugin = load_source(&runtime, id, format!("{}{root}", server.base_url()))?;
            let error = plugin.latest(1).await.err().context("half an answer is an error")?;
            assert!(
                matches!(&error, Error::Provider { error: ProviderError::CutOff(detail), .. } if detail.contains("EOF")),
                "{error:?}"
            );
            let source = plugin.manifest().name.clone();
            assert_eq!(
                error.to_string(),
                format!("{source}'s answer was cut off; the library keeps what it had")
            );
            assert!(captured_log().contains("EOF while parsing"), "the detail is in the log");
        }
        Ok(())
    }

    #[tokio::test]
    async fn aniliberty_serves_every_call_from_the_api() -> Result<()> {
        let server = FakeServer::start().await?;
        server
            .route("/api/v1/anime/releases/latest", fixture("aniliberty", "releases_latest.json")?);
        server.route("/api/v1/app/search/releases", fixture("aniliberty", "search_klinok.json")?);
        server.route("/api/v1/anime/schedule/week", fixture("aniliberty", "schedule_week.json")?);
        server.route("/api/v1/anime/releases/9901", fixture("aniliberty", "release_9901.json")?);
        let mut not_found = fixture("aniliberty", "error_404.json")?;
        not_found.status = 404;
        server.route("/api/v1/anime/releases/1", not_found);
        let runtime = PluginRuntime::new(limits())?;
        let plugin = load_source(&runtime, "aniliberty", format!("{}/api/v1", server.base_url()))?;

        let latest = plugin.latest(1).await?;
        assert_eq!(latest.items.len(), 3);
        assert_eq!(plugin.search("клинок", 1).await?.items.len(), 2);
        assert_eq!(plugin.schedule().await?.len(), 3);
        let release = plugin.details("9901").await?;
        assert_eq!(release.episodes.len(), 4);
        assert_eq!(
            release.episodes[1].streams[0].quality,
            getanime_domain::Quality::Hd,
            "episode 2 has no 1080p"
        );
        assert!(release.episodes[0].opening.is_none());
        let error = plugin.details("1").await.err().context("release 1 does not exist")?;
        assert!(matches!(error, Error::Provider { error: ProviderError::NotFound, .. }), "{error}");
        Ok(())
    }
}

/// What a user set up for a tracker on a fake: `settings`, and 127.0.0.1 granted (so the token
/// may go there).
fn granted_config(settings: &[(&str, String)]) -> PluginConfig {
    PluginConfig {
        settings: settings.iter().map(|(key, value)| ((*key).to_owned(), value.clone())).collect(),
        granted_hosts: vec!["127.0.0.1".to_owned()],
        ..PluginConfig::default()
    }
}

/// The AniLiberty account plugin (contract 0.3's `tracker` world) against the stateful fake
/// account on loopback: the real component, the real host, real HTTP.
mod trackers {
    use std::sync::{Arc, Mutex};

    use getanime_domain::{
        EpisodeMark, RemoteStatus, SignInInput, SignInMethod, SignInStep, TrackerChange,
    };
    use getanime_plugins::{AccountSession, Token};
    use getanime_testkit::aniliberty_account::{self, FakeAnilibertyAccount};

    use super::*;

    const DEVICE: &str = "5d0c1f9e-0000-4000-8000-000000000001";

    /// The account plugin pointed at `server`, which the user granted (so the token may go there).
    fn account_plugin(runtime: &PluginRuntime, server: &FakeServer) -> Result<Plugin> {
        let config = granted_config(&[("base_url", format!("{}/api/v1", server.base_url()))]);
        Ok(runtime.load_with(&package_dir("aniliberty-account")?, config)?)
    }

    /// A session whose store keeps what the plugin hands over, for the test to see.
    fn session(kept: &Arc<Mutex<Vec<Token>>>) -> Arc<AccountSession> {
        let kept = Arc::clone(kept);
        Arc::new(AccountSession::new(
            None,
            Box::new(move |token| {
                kept.lock().map_err(|error| error.to_string())?.push(token.clone());
                Ok(())
            }),
        ))
    }

    #[tokio::test]
    async fn a_code_accepted_on_the_phone_signs_in_and_the_token_stays_with_the_host() -> Result<()>
    {
        let server = FakeServer::start().await?;
        let fake = FakeAnilibertyAccount::serve(&server, "/api/v1");
        let runtime = PluginRuntime::new(limits())?;
        let plugin = account_plugin(&runtime, &server)?;
        assert!(plugin.is_tracker());
        assert_eq!(
            plugin.sign_in_methods().await?,
            [SignInMethod::DeviceCode, SignInMethod::Password]
        );
        let kept = Arc::new(Mutex::new(Vec::new()));
        let session = session(&kept);

        let step = plugin.sign_in_start(&session, SignInMethod::DeviceCode, DEVICE).await?;
        let SignInStep::ShowCodeAndWait { code, state, expires_in_s, .. } = step else {
            bail!("a code to show, not {step:?}");
        };
        assert_eq!(Some(&code), fake.last_code().as_ref());
        assert_eq!((code.len(), expires_in_s), (6, 120), "six digits, leading zeros kept");
        let waiting = plugin.sign_in_advance(&session, &state, DEVICE, &SignInInput::Poll).await?;
        assert!(
            matches!(waiting, SignInStep::ShowCodeAndWait { .. }),
            "not accepted yet: {waiting:?}"
        );
        assert!(fake.accept_last_code(), "the phone accepts");
        let done = plugin.sign_in_advance(&session, &state, DEVICE, &SignInInput::Poll).await?;
        let SignInStep::Done(account) = done else { bail!("signed in, not {done:?}") };
        assert_eq!(account.user_name, aniliberty_account::NICKNAME);
        assert_eq!(account.user_id, aniliberty_account::USER_ID.to_string());
        let tokens = kept.lock().map_err(|error| anyhow::anyhow!("{error}"))?.clone();
        assert_eq!(tokens.len(), 1, "handed over once");
        assert_eq!(fake.live_tokens(), [tokens[0].access.clone()], "the host keeps the real one");
        assert!(!captured_log().contains(&tokens[0].access), "the token never reaches the log");

        // A code that expired (unknown to the server) is said so.
        let expired = plugin.sign_in_advance(&session, "999999", DEVICE, &SignInInput::Poll).await;
        assert!(
            matches!(
                &expired,
                Err(Error::Tracker { error: getanime_domain::TrackerError::NotFound, .. })
            ),
            "{expired:?}"
        );
        Ok(())
    }

    #[tokio::test]
    async fn lists_favorites_and_timecodes_go_both_ways_with_the_token() -> Result<()> {
        let server = FakeServer::start().await?;
        let fake = FakeAnilibertyAccount::serve(&server, "/api/v1");
        fake.set_collection(9023, "WATCHING");
        fake.set_collection(8345, "PLANNED");
        fake.set_favorite(9100);
        fake.set_timecode("ep-a", 743.5, true);
        let after_ep_a = fake.clock() + 500;
        let runtime = PluginRuntime::new(limits())?;
        let plugin = account_plugin(&runtime, &server)?;
        let kept = Arc::new(Mutex::new(Vec::new()));
        let session = session(&kept);

        let step = plugin.sign_in_start(&session, SignInMethod::Password, DEVICE).await?;
        let SignInStep::AskLoginAndPassword { state } = step else { bail!("{step:?}") };
        let wrong = SignInInput::LoginAndPassword { login: "anna".into(), password: "nope".into() };
        assert!(plugin.sign_in_advance(&session, &state, DEVICE, &wrong).await.is_err());
        let right = SignInInput::LoginAndPassword {
            login: aniliberty_account::LOGIN.into(),
            password: aniliberty_account::PASSWORD.into(),
        };
        let done = plugin.sign_in_advance(&session, &state, DEVICE, &right).await?;
        assert!(matches!(done, SignInStep::Done(_)), "{done:?}");

        let entries = plugin.pull(&session).await?;
        let read: Vec<(&str, Option<RemoteStatus>, Option<bool>)> = entries
            .iter()
            .map(|entry| (entry.external_id.as_str(), entry.status, entry.favorite))
            .collect();
        assert_eq!(
            read,
            [
                ("8345", Some(RemoteStatus::Planned), Some(false)),
                ("9023", Some(RemoteStatus::Watching), Some(false)),
                ("9100", None, Some(true)),
            ]
        );
        let change = TrackerChange {
            external_id: "8345".into(),
            status: Some(Some(RemoteStatus::Completed)),
            favorite: Some(true),
            ..TrackerChange::default()
        };
        let answer = plugin.push(&session, &change).await?;
        assert_eq!((answer.status, answer.favorite), (Some(RemoteStatus::Completed), Some(true)));
        assert_eq!(fake.collections().get(&8345).map(String::as_str), Some("WATCHED"));
        assert!(fake.favorites().contains(&8345));
        plugin.remove(&session, "9023", None).await?;
        assert!(!fake.collections().contains_key(&9023));

        let marks = plugin.pull_marks(&session, None).await?;
        assert_eq!(
            marks,
            [EpisodeMark { episode_id: "ep-a".into(), position_ms: 743_500, watched: true }]
        );
        let mark = EpisodeMark { episode_id: "ep-b".into(), position_ms: 61_000, watched: false };
        plugin.push_marks(&session, std::slice::from_ref(&mark)).await?;
        assert_eq!(fake.timecodes().get("ep-b"), Some(&(61.0, false)));
        // `since`: only what changed after it (the later writes come after ep-a's).
        let newer = plugin.pull_marks(&session, Some(after_ep_a)).await?;
        assert_eq!(newer, [mark], "only ep-b changed after the moment asked for");
        // A server that is down is a network failure in words, not a crash; nothing was written.
        fake.set_down(true);
        let writes = fake.writes().len();
        let down = plugin.push(&session, &change).await;
        assert!(
            matches!(
                &down,
                Err(Error::Tracker { error: getanime_domain::TrackerError::Network(_), .. })
            ),
            "{down:?}"
        );
        assert_eq!(fake.writes().len(), writes);
        fake.set_down(false);
        plugin.sign_out(&session).await?;
        assert!(fake.live_tokens().is_empty(), "signed out at the server");
        Ok(())
    }

    /// The token goes only where the rule says: not to a host the manifest merely allows (an
    /// IP literal here) unless the user granted it to this plugin; never over plain http to an
    /// auth host.
    #[tokio::test]
    async fn the_token_is_not_sent_to_an_allowed_but_ungranted_host() -> Result<()> {
        let server = FakeServer::start().await?;
        let fake = FakeAnilibertyAccount::serve(&server, "/api/v1");
        let scratch = tempfile::tempdir()?;
        let dir = scratch.path().join("aniliberty-account");
        std::fs::create_dir_all(&dir)?;
        let built = package_dir("aniliberty-account")?;
        std::fs::copy(built.join("plugin.wasm"), dir.join("plugin.wasm"))?;
        let manifest = std::fs::read_to_string(built.join("plugin.toml"))?
            .replace(
                "allowed_hosts = [\"aniliberty.top\"",
                "allowed_hosts = [\"127.0.0.1\", \"aniliberty.top\"",
            )
            .replace(
                "auth_hosts = [\"aniliberty.top\"",
                "auth_hosts = [\"127.0.0.1\", \"aniliberty.top\"",
            );
        std::fs::write(dir.join("plugin.toml"), manifest)?;
        let runtime = PluginRuntime::new(limits())?;
        let config = PluginConfig {
            mirror: None,
            on_mirror_move: None,
            settings: [("base_url".to_owned(), format!("{}/api/v1", server.base_url()))].into(),
            granted_hosts: Vec::new(),
        };
        let plugin = runtime.load_with(&dir, config)?;
        let granted = account_plugin(&runtime, &server)?;
        let kept = Arc::new(Mutex::new(Vec::new()));
        let signing_in = session(&kept);
        let login = SignInInput::LoginAndPassword {
            login: aniliberty_account::LOGIN.into(),
            password: aniliberty_account::PASSWORD.into(),
        };
        granted.sign_in_advance(&signing_in, "", DEVICE, &login).await?;
        let token = kept.lock().map_err(|error| anyhow::anyhow!("{error}"))?.first().cloned();
        let session = Arc::new(AccountSession::ephemeral(token));
        let refused = plugin.whoami(&session).await;
        assert!(
            matches!(
                &refused,
                Err(Error::Tracker { error: getanime_domain::TrackerError::Unauthorized, .. })
            ),
            "an auth host over plain http does not get the token: {refused:?}"
        );

        let who = granted.whoami(&session).await?;
        assert_eq!(who.user_name, aniliberty_account::NICKNAME, "granted: the token goes");
        assert_eq!(fake.writes(), Vec::<String>::new());
        Ok(())
    }
}

/// The Shikimori plugin with the host's OAuth (`[oauth]`) against the stateful fake Shikimori:
/// the host exchanges the pasted code and refreshes the day-long token; refresh tokens rotate,
/// and two processes (the TV and the CLI) sharing the credentials never lose the account.
mod oauth {
    use std::sync::{Arc, Mutex};

    use getanime_domain::{
        RemoteStatus, SignInInput, SignInMethod, SignInStep, TrackerChange, TrackerError,
    };
    use getanime_plugins::{AccountSession, Token};
    use getanime_testkit::shikimori::{self, FakeShikimori};

    use super::*;

    const DEVICE: &str = "getanime-0123456789abcdef";

    /// Shikimori pointed at `server` (granted, so the token and the secret may go there), with
    /// the test application registered.
    fn shikimori_plugin(runtime: &PluginRuntime, server: &FakeServer) -> Result<Plugin> {
        let config = granted_config(&[
            ("base_url", server.base_url()),
            ("client_id", shikimori::CLIENT_ID.to_owned()),
            ("client_secret", shikimori::CLIENT_SECRET.to_owned()),
        ]);
        Ok(runtime.load_with(&package_dir("shikimori")?, config)?)
    }

    /// The credentials file of one data directory, shared by the sessions of two processes.
    type Stored = Arc<Mutex<Option<Token>>>;

    fn session(stored: &Stored) -> Arc<AccountSession> {
        let (keep, read) = (Arc::clone(stored), Arc::clone(stored));
        let token = stored.lock().map(|token| token.clone()).unwrap_or(None);
        Arc::new(
            AccountSession::new(
                token,
                Box::new(move |token| {
                    *keep.lock().map_err(|error| error.to_string())? = Some(token.clone());
                    Ok(())
                }),
            )
            .reloading_from(Box::new(move || read.lock().ok().and_then(|token| token.clone()))),
        )
    }

    fn stored_token(stored: &Stored) -> Result<Token> {
        stored.lock().map_err(|error| anyhow::anyhow!("{error}"))?.clone().context("a token")
    }

    /// The fake Shikimori, the plugin on it, and the stored token of a user signed in with a
    /// code the fake's page showed.
    struct SignedIn {
        /// Kept: the fake answers while it lives, the plugin's deadlines tick while it does.
        _server: FakeServer,
        fake: FakeShikimori,
        _runtime: PluginRuntime,
        plugin: Plugin,
        stored: Stored,
    }

    async fn signed_in() -> Result<SignedIn> {
        let server = FakeServer::start().await?;
        let fake = FakeShikimori::serve(&server);
        let runtime = PluginRuntime::new(limits())?;
        let plugin = shikimori_plugin(&runtime, &server)?;
        let stored = Stored::default();
        let session = session(&stored);
        let step = plugin.sign_in_start(&session, SignInMethod::Paste, DEVICE).await?;
        let SignInStep::OpenAndPaste { state, .. } = step else { bail!("a page, not {step:?}") };
        let pasted = SignInInput::Text(format!("  {}\n", fake.authorize()));
        let done = plugin.sign_in_advance(&session, &state, DEVICE, &pasted).await?;
        anyhow::ensure!(matches!(done, SignInStep::Done(_)), "signed in, not {done:?}");
        Ok(SignedIn { _server: server, fake, _runtime: runtime, plugin, stored })
    }

    #[tokio::test]
    async fn a_pasted_code_signs_in_through_the_host_and_a_bad_one_is_asked_again() -> Result<()> {
        let server = FakeServer::start().await?;
        let fake = FakeShikimori::serve(&server);
        let runtime = PluginRuntime::new(limits())?;
        let plugin = shikimori_plugin(&runtime, &server)?;
        assert_eq!(plugin.sign_in_methods().await?, [SignInMethod::Paste]);
        let stored = Stored::default();
        let session = session(&stored);
        let step = plugin.sign_in_start(&session, SignInMethod::Paste, DEVICE).await?;
        let SignInStep::OpenAndPaste { url, state, expires_in_s } = step.clone() else {
            bail!("a page to open, not {step:?}");
        };
        assert_eq!(
            url,
            format!(
                "{}/oauth/authorize?client_id={}&redirect_uri=urn%3Aietf%3Awg%3Aoauth%3A2.0%3Aoob\
                 &response_type=code&scope=user_rates",
                server.base_url(),
                shikimori::CLIENT_ID
            )
        );
        assert_eq!(expires_in_s, Some(1800), "Doorkeeper's codes live 30 minutes");

        let before = server.requests().len();
        for refused in ["code with spaces&scope=all", "кириллица", ""] {
            let again = plugin
                .sign_in_advance(&session, &state, DEVICE, &SignInInput::Text(refused.into()))
                .await?;
            assert_eq!(again, step, "{refused:?} is asked again");
        }
        assert_eq!(server.requests().len(), before, "nothing was sent for them");
        let typo = SignInInput::Text("A".repeat(43));
        assert_eq!(plugin.sign_in_advance(&session, &state, DEVICE, &typo).await?, step);
        assert!(
            stored.lock().map_err(|error| anyhow::anyhow!("{error}"))?.is_none(),
            "nothing kept"
        );

        let code = SignInInput::Text(format!(" {}\n", fake.authorize()));
        let done = plugin.sign_in_advance(&session, &state, DEVICE, &code).await?;
        let SignInStep::Done(account) = done else { bail!("signed in, not {done:?}") };
        assert_eq!(
            (account.user_id.as_str(), account.user_name.as_str()),
            ("23456810", shikimori::NICKNAME)
        );
        let token = stored_token(&stored)?;
        anyhow::ensure!(
            token.refresh.is_some() && token.expires_at.is_some(),
            "a refreshable pair"
        );
        assert!(!captured_log().contains(&token.access), "the token never reaches the log");
        Ok(())
    }

    #[tokio::test]
    async fn an_expired_token_is_refreshed_once_and_the_old_refresh_token_dies() -> Result<()> {
        let world = signed_in().await?;
        let (fake, plugin, stored) = (&world.fake, &world.plugin, &world.stored);
        let first = stored_token(stored)?;

        // The server's day passes; the host's clock does not know: the 401 refreshes.
        fake.advance(shikimori::TOKEN_LIFETIME_S + 60);
        let who = plugin.whoami(&session(stored)).await?;
        assert_eq!(who.user_name, shikimori::NICKNAME);
        assert_eq!(fake.refreshes(), 1);
        let second = stored_token(stored)?;
        assert_ne!(second.refresh, first.refresh, "rotated, and stored");

        // The used refresh token is dead: a session still holding the first pair (the other
        // process) adopts the newer one stored instead of losing the account.
        fake.advance(shikimori::TOKEN_LIFETIME_S + 60);
        let other_process = session(stored);
        let ours = Stored::new(Mutex::new(Some(first.clone())));
        let stale = session(&ours);
        let refused = plugin.whoami(&stale).await;
        let refused = refused.err().context("a dead refresh token and nothing newer stored")?;
        assert!(
            matches!(refused, Error::Tracker { error: TrackerError::Unauthorized, .. }),
            "{refused}"
        );
        assert_eq!(plugin.whoami(&other_process).await?.user_name, shikimori::NICKNAME);
        assert_eq!(fake.refreshes(), 2);
        Ok(())
    }

    #[tokio::test]
    async fn two_processes_refreshing_at_once_keep_the_account() -> Result<()> {
        let world = signed_in().await?;
        let (fake, plugin, stored) = (&world.fake, &world.plugin, &world.stored);
        fake.advance(shikimori::TOKEN_LIFETIME_S + 60);
        // Both hold the same expired pair; one refresh wins, the other sees its pair stored.
        let (tv, cli) = (session(stored), session(stored));
        let (tv_who, cli_who) = tokio::join!(plugin.whoami(&tv), plugin.whoami(&cli));
        assert_eq!(tv_who?.user_name, shikimori::NICKNAME);
        assert_eq!(cli_who?.user_name, shikimori::NICKNAME);
        assert_eq!(fake.refreshes(), 1, "one refresh; the other adopted its pair");
        assert_eq!(tv.token(), cli.token());
        Ok(())
    }

    #[tokio::test]
    async fn a_push_stores_the_servers_answer_and_the_list_pulls_whole() -> Result<()> {
        let world = signed_in().await?;
        let (fake, plugin, stored) = (&world.fake, &world.plugin, &world.stored);
        let session = session(stored);
        fake.set_total(5081, 12);
        fake.set_rate(6505, "rewatching", 2, 0);
        let change = TrackerChange {
            external_id: "5081".into(),
            status: Some(Some(RemoteStatus::Watching)),
            progress: Some(12),
            score: Some(Some(8)),
            favorite: None,
            remote_id: None,
        };
        let answer = plugin.push(&session, &change).await?;
        assert_eq!(
            (answer.status, answer.progress, answer.score),
            (Some(RemoteStatus::Watching), Some(12), Some(8)),
        );
        // The last episode without a status: the server completes it.
        let last = TrackerChange {
            status: None,
            score: None,
            remote_id: answer.remote_id.clone(),
            ..change
        };
        fake.set_rate(5081, "watching", 11, 8);
        let rate_id = fake.rates()[&5081].id.to_string();
        let completed =
            plugin.push(&session, &TrackerChange { remote_id: Some(rate_id), ..last }).await?;
        assert_eq!(completed.status, Some(RemoteStatus::Completed));
        let pulled = plugin.pull(&session).await?;
        let read: Vec<_> =
            pulled.iter().map(|entry| (entry.external_id.as_str(), entry.status)).collect();
        assert_eq!(
            read,
            [("5081", Some(RemoteStatus::Completed)), ("6505", Some(RemoteStatus::Rewatching))]
        );
        assert_eq!(
            plugin.resolve(&session, &["6505".into(), "x".into()]).await?,
            [("6505".to_owned(), "6505".to_owned())]
        );
        Ok(())
    }

    /// `plugins/test-tracker` in `steal` mode, given an `[oauth]` section: it asks for the
    /// client's secret and posts whatever it read to a thief on 127.0.0.1; the secret is not in it.
    #[tokio::test]
    async fn the_client_secret_is_never_the_plugins_to_read() -> Result<()> {
        const SECRET: &str = "the-application-s3cr3t";
        let thief = FakeServer::start().await?;
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&received);
        thief.route_handler("/", move |request| {
            if let Ok(mut log) = log.lock() {
                log.push(String::from_utf8_lossy(&request.body).into_owned());
            }
            getanime_testkit::Reply::json("{}")
        });
        let package = tempfile::tempdir()?;
        let built = package_dir("test-tracker")?;
        std::fs::copy(built.join("plugin.wasm"), package.path().join("plugin.wasm"))?;
        let manifest = std::fs::read_to_string(built.join("plugin.toml"))?
            + "\n[oauth]\ngrant = \"token\"\nauthorize_url = \"https://auth.invalid/authorize\"\n";
        std::fs::write(package.path().join("plugin.toml"), manifest)?;
        let config = granted_config(&[
            ("mode", "steal".to_owned()),
            ("steal_url", format!("{}/", thief.base_url())),
            ("client_id", "the-application".to_owned()),
            ("client_secret", SECRET.to_owned()),
        ]);
        let runtime = PluginRuntime::new(limits())?;
        let plugin = runtime.load_with(package.path(), config)?;
        let token =
            Token { access: "hostile-token-x-secret".into(), refresh: None, expires_at: None };
        plugin.pull(&Arc::new(AccountSession::ephemeral(Some(token)))).await?;
        let loot = received.lock().map_err(|error| anyhow::anyhow!("{error}"))?.join("\n");
        assert!(loot.contains("setting client_secret=None"), "the plugin asked: {loot}");
        assert!(!loot.contains(SECRET), "{loot}");
        assert!(!captured_log().contains(SECRET), "nor in the log");
        Ok(())
    }

    #[tokio::test]
    async fn without_a_registered_application_connect_says_what_is_missing() -> Result<()> {
        let server = FakeServer::start().await?;
        let runtime = PluginRuntime::new(limits())?;
        let config = granted_config(&[("base_url", server.base_url())]);
        let plugin = runtime.load_with(&package_dir("shikimori")?, config)?;
        let session = session(&Stored::default());
        let error = plugin.sign_in_start(&session, SignInMethod::Paste, DEVICE).await;
        let error = error.err().context("no client_id")?.to_string();
        assert!(error.contains("client_id"), "{error}");
        Ok(())
    }
}

/// The AniList plugin against the stateful fake AniList: the token from the PIN page kept by
/// the host for a year, the list read once per anime, an upsert answered with AniList's view,
/// GraphQL errors on HTTP 200 and a 429 with `Retry-After`.
mod anilist {
    use std::sync::{Arc, Mutex};

    use getanime_domain::{
        RemoteStatus, SignInInput, SignInMethod, SignInStep, TrackerChange, TrackerError,
    };
    use getanime_plugins::{AccountSession, Token};
    use getanime_testkit::anilist::{self, FakeAnilist};

    use super::*;

    const DEVICE: &str = "getanime-0123456789abcdef";

    struct World {
        _server: FakeServer,
        fake: FakeAnilist,
        _runtime: PluginRuntime,
        plugin: Plugin,
        stored: Arc<Mutex<Option<Token>>>,
        session: Arc<AccountSession>,
    }

    /// AniList on a fake, signed in with the token its PIN page showed.
    async fn signed_in() -> Result<World> {
        let server = FakeServer::start().await?;
        let fake = FakeAnilist::serve(&server);
        let runtime = PluginRuntime::new(limits())?;
        let config = granted_config(&[
            ("graphql_url", format!("{}/graphql", server.base_url())),
            ("client_id", "13985".to_owned()),
        ]);
        let plugin = runtime.load_with(&package_dir("anilist")?, config)?;
        let stored = Arc::new(Mutex::new(None));
        let keep = Arc::clone(&stored);
        let session = Arc::new(AccountSession::new(
            None,
            Box::new(move |token: &Token| {
                *keep.lock().map_err(|error| error.to_string())? = Some(token.clone());
                Ok(())
            }),
        ));
        let step = plugin.sign_in_start(&session, SignInMethod::Paste, DEVICE).await?;
        let SignInStep::OpenAndPaste { url, state, expires_in_s } = step else {
            bail!("a page, not {step:?}");
        };
        assert_eq!(
            url,
            "https://anilist.co/api/v2/oauth/authorize?client_id=13985&response_type=token"
        );
        assert_eq!(expires_in_s, None, "the PIN page's token does not wait on a code's clock");
        let pasted = SignInInput::Text(format!("{}\n", fake.issue_token()));
        let done = plugin.sign_in_advance(&session, &state, DEVICE, &pasted).await?;
        let SignInStep::Done(account) = done else { bail!("signed in, not {done:?}") };
        assert_eq!(
            (account.user_id.as_str(), account.user_name.as_str()),
            ("6378393", anilist::NAME)
        );
        Ok(World { _server: server, fake, _runtime: runtime, plugin, stored, session })
    }

    #[tokio::test]
    async fn the_pin_pages_token_is_kept_a_year_and_the_list_reads_once_per_anime() -> Result<()> {
        let world = signed_in().await?;
        let token = world.stored.lock().map_err(|error| anyhow::anyhow!("{error}"))?.clone();
        let token = token.context("the token is stored")?;
        let year_ms = 365 * 86_400_000_i64;
        let left = token.expires_at.context("an end")? - chrono_now_ms();
        anyhow::ensure!((year_ms - 60_000..=year_ms).contains(&left), "a year left, not {left} ms");
        assert_eq!(token.refresh, None, "AniList has no refresh tokens");

        world.fake.set_entry(21, "REPEATING", 3, 85, true);
        world.fake.set_entry(98951, "CURRENT", 8, 0, false);
        let pulled = world.plugin.pull(&world.session).await?;
        let mut read: Vec<_> = pulled
            .iter()
            .map(|entry| (entry.external_id.as_str(), entry.status, entry.progress, entry.score))
            .collect();
        read.sort_by_key(|(id, ..)| id.len());
        assert_eq!(
            read,
            [
                ("21", Some(RemoteStatus::Rewatching), Some(3), Some(9)),
                ("98951", Some(RemoteStatus::Watching), Some(8), None)
            ],
            "the custom list's repeat of 21 is read once"
        );
        Ok(())
    }

    #[tokio::test]
    async fn a_push_saves_one_entry_and_refusals_and_limits_read_as_such() -> Result<()> {
        let world = signed_in().await?;
        let (plugin, session, fake) = (&world.plugin, &world.session, &world.fake);
        let change = TrackerChange {
            external_id: "21".into(),
            status: Some(Some(RemoteStatus::OnHold)),
            progress: Some(5),
            score: Some(Some(7)),
            favorite: None,
            remote_id: None,
        };
        let saved = plugin.push(session, &change).await?;
        assert_eq!(
            (saved.status, saved.progress, saved.score),
            (Some(RemoteStatus::OnHold), Some(5), Some(7))
        );
        assert_eq!(fake.entries()[&21].score, 70, "scoreRaw on the 100-point scale");
        let saves = fake.operations().iter().filter(|name| *name == "mutation Save").count();
        assert_eq!(saves, 1, "one request");

        fake.set_mal(48569, 136149);
        let pairs = plugin.resolve(session, &["48569".into(), "1".into()]).await?;
        assert_eq!(pairs, [("48569".to_owned(), "136149".to_owned())]);

        let other = TrackerChange { external_id: "9".into(), ..change.clone() };
        let world_token = world.stored.lock().map_err(|error| anyhow::anyhow!("{error}"))?.clone();
        anyhow::ensure!(world_token.is_some(), "signed in");
        fake.revoke_tokens();
        let revoked = plugin.push(session, &other).await.err().context("401")?;
        assert!(
            matches!(revoked, Error::Tracker { error: TrackerError::Unauthorized, .. }),
            "{revoked}: no refresh for AniList, the account signs in again"
        );
        let again = fake.issue_token();
        let renewed = Token { access: again, refresh: None, expires_at: None };
        let session = &Arc::new(AccountSession::ephemeral(Some(renewed)));
        let off = TrackerChange {
            status: Some(None),
            remote_id: saved.remote_id.clone(),
            ..change.clone()
        };
        plugin.push(session, &off).await?;
        assert!(!fake.entries().contains_key(&21), "off every list: deleted");

        // Last: a 429 pauses this tracker's requests for its Retry-After.
        fake.throttle(1);
        let limited = plugin.pull(session).await.err().context("429")?;
        assert!(
            matches!(limited, Error::Tracker { error: TrackerError::RateLimited(Some(60)), .. }),
            "{limited}"
        );
        Ok(())
    }

    fn chrono_now_ms() -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.as_millis() as i64)
    }
}
