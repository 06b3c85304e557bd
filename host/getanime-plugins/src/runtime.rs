//! The wasmtime engine, the sandboxed store of each call, and loaded plugins.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use getanime_domain::{
    CatalogFilter, CatalogFilters, Page, PluginKind, PluginManifest, ProviderError, ScheduleDay,
    Title,
};
use tokio::time::error::Elapsed;
use wasmtime::component::{Component, HasSelf, Linker, ResourceTable};
use wasmtime::{
    Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, ResourceLimiter, Store,
    Trap,
};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

use crate::account::AccountSession;
use crate::bindings::{v0_1, v0_2, v0_3};
use crate::cache::CompileCache;
use crate::host_api::HostContext;
use crate::mirrors::{MirrorListener, MirrorSet};
use crate::package::Package;
use crate::rate_limit::{Limiters, PaceClock};
use crate::{API_VERSIONS, Error, Result, conversion};

/// Plugin calls that can run at once over all plugins (slots of the pooling allocator).
const MAX_CONCURRENT_CALLS: u32 = 32;

/// How often the epoch advances; the granularity of call deadlines.
const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Bounds every plugin call.
#[derive(Debug, Clone)]
pub struct RuntimeLimits {
    /// Wall-clock time one call may take, fetches included.
    pub call_timeout: Duration,
    /// Linear memory one instance may grow to.
    pub memory_bytes: usize,
    /// Time one HTTP request may take.
    pub http_timeout: Duration,
    /// Largest HTTP response body handed to a plugin.
    pub max_body_bytes: usize,
    /// Largest result (all strings and list items together) accepted from one call.
    pub max_output_bytes: usize,
    /// The clock trackers' rate limits wait on (simulated in tests of long drains).
    pub pace_clock: PaceClock,
}

impl Default for RuntimeLimits {
    fn default() -> RuntimeLimits {
        RuntimeLimits {
            call_timeout: Duration::from_secs(30),
            memory_bytes: 256 << 20,
            http_timeout: Duration::from_secs(20),
            max_body_bytes: 32 << 20,
            max_output_bytes: 16 << 20,
            pace_clock: PaceClock::default(),
        }
    }
}

/// What the user adds to a plugin's manifest: setting overrides and extra hosts they granted
/// (for example the host of a mirror they set as `base_url`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PluginConfig {
    pub settings: BTreeMap<String, String>,
    pub granted_hosts: Vec<String>,
    /// The API root a previous load moved to (manifest `[mirrors]`), to start from.
    pub mirror: Option<String>,
    /// Told when the plugin moves to another mirror, to remember it.
    pub on_mirror_move: Option<MirrorListener>,
}

/// The engine and linker shared by every plugin.
pub struct PluginRuntime {
    engine: Engine,
    linker: Arc<Linker<PluginState>>,
    limits: RuntimeLimits,
    cache: Option<CompileCache>,
    limiters: Arc<Limiters>,
    _ticker: EpochTicker,
}

impl PluginRuntime {
    pub fn new(limits: RuntimeLimits) -> Result<PluginRuntime> {
        let mut config = Config::new();
        config.wasm_component_model(true).epoch_interruption(true);
        // Every call instantiates afresh; the pooling allocator makes that a reuse of
        // pre-reserved slots instead of fresh mmaps (see `plugin_call_overhead` in xtask bench).
        let mut pool = PoolingAllocationConfig::default();
        pool.total_component_instances(MAX_CONCURRENT_CALLS)
            .total_core_instances(MAX_CONCURRENT_CALLS * 16)
            .total_memories(MAX_CONCURRENT_CALLS * 4)
            .total_tables(MAX_CONCURRENT_CALLS * 16)
            .total_stacks(MAX_CONCURRENT_CALLS)
            .max_memory_size(limits.memory_bytes);
        config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
        let engine = Engine::new(&config).map_err(|error| Error::Runtime(format!("{error:#}")))?;
        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)
            .map_err(|error| Error::Runtime(format!("{error:#}")))?;
        // Both contract versions on one linker: their interfaces have versioned names.
        v0_1::Provider::add_to_linker::<_, HasSelf<_>>(&mut linker, |state| state)
            .map_err(|error| Error::Runtime(format!("{error:#}")))?;
        v0_2::Provider::add_to_linker::<_, HasSelf<_>>(&mut linker, |state| state)
            .map_err(|error| Error::Runtime(format!("{error:#}")))?;
        v0_3::Provider::add_to_linker::<_, HasSelf<_>>(&mut linker, |state| state)
            .map_err(|error| Error::Runtime(format!("{error:#}")))?;
        // The tracker world's own imports; its `host` is the provider world's, added above.
        v0_3::tracker::credentials::add_to_linker::<_, HasSelf<_>>(&mut linker, |state| state)
            .map_err(|error| Error::Runtime(format!("{error:#}")))?;
        v0_3::tracker::tracker_types::add_to_linker::<_, HasSelf<_>>(&mut linker, |state| state)
            .map_err(|error| Error::Runtime(format!("{error:#}")))?;
        let ticker = EpochTicker::start(engine.clone())?;
        let limiters = Arc::new(Limiters::new(limits.pace_clock.clone()));
        Ok(PluginRuntime {
            engine,
            linker: Arc::new(linker),
            limits,
            cache: None,
            limiters,
            _ticker: ticker,
        })
    }

    /// Caches compiled components in `dir` (created when first needed).
    pub fn with_compile_cache(mut self, dir: PathBuf) -> PluginRuntime {
        self.cache = Some(CompileCache::new(dir));
        self
    }

    /// Loads the package in `dir` with no user configuration.
    pub fn load(&self, dir: &Path) -> Result<Plugin> {
        self.load_with(dir, PluginConfig::default())
    }

    /// Loads the package at `path` (directory or `.tar.gz`) with the user's configuration.
    pub fn load_with(&self, path: &Path, config: PluginConfig) -> Result<Plugin> {
        self.instantiate_package(Package::read(path)?, config)
    }

    /// Checks the contract version, compiles (or takes from the cache) the component and checks
    /// that it really is a `provider`. This is everything an install must pass.
    pub fn instantiate_package(&self, package: Package, config: PluginConfig) -> Result<Plugin> {
        let manifest = package.manifest;
        let contract = contract_of(&manifest)?;
        let load_error = |error: wasmtime::Error| Error::Load {
            id: manifest.id.clone(),
            reason: format!("{error:#}"),
        };
        let cached =
            self.cache.as_ref().and_then(|cache| cache.load(&self.engine, &package.sha256));
        let from_cache = cached.is_some();
        let component = match cached {
            Some(component) => component,
            None => {
                let component =
                    Component::new(&self.engine, &package.component).map_err(load_error)?;
                if let Some(cache) = &self.cache {
                    cache.store(&self.engine, &package.sha256, &component);
                }
                component
            }
        };
        let instance_pre = self.linker.instantiate_pre(&component).map_err(load_error)?;
        let pre = match (contract, manifest.kind) {
            (Contract::V0_1, PluginKind::Provider) => {
                ContractPre::V0_1(v0_1::ProviderPre::new(instance_pre).map_err(load_error)?)
            }
            (Contract::V0_2, PluginKind::Provider) => {
                ContractPre::V0_2(v0_2::ProviderPre::new(instance_pre).map_err(load_error)?)
            }
            (Contract::V0_3, PluginKind::Provider) => {
                ContractPre::V0_3(v0_3::ProviderPre::new(instance_pre).map_err(load_error)?)
            }
            (Contract::V0_3, PluginKind::Tracker) => ContractPre::Tracker(
                v0_3::tracker::TrackerPre::new(instance_pre).map_err(load_error)?,
            ),
            (_, PluginKind::Tracker) => {
                return Err(Error::Load {
                    id: manifest.id.clone(),
                    reason: "a tracker needs contract 0.3 or later".to_owned(),
                });
            }
        };
        let limiter = manifest.rate_limit.map(|limit| self.limiters.of(&manifest.id, limit));
        let host = HostContext::new(&manifest, &config, &self.limits, limiter)
            .map_err(|reason| Error::Load { id: manifest.id.clone(), reason })?;
        Ok(Plugin { manifest, pre, limits: self.limits.clone(), host: Arc::new(host), from_cache })
    }
}

/// The contract versions this host runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Contract {
    V0_1,
    V0_2,
    V0_3,
}

/// The version a plugin was built against; refuses versions this host does not implement.
fn contract_of(manifest: &PluginManifest) -> Result<Contract> {
    let incompatible = || Error::IncompatibleApi {
        id: manifest.id.clone(),
        found: manifest.api_version.clone(),
        supported: crate::supported_api_versions(),
    };
    let found = semver::Version::parse(&manifest.api_version).map_err(|_| incompatible())?;
    let matches = |version: &str| {
        semver::VersionReq::parse(&format!("^{version}")).is_ok_and(|req| req.matches(&found))
    };
    match API_VERSIONS.iter().position(|version| matches(version)) {
        Some(0) => Ok(Contract::V0_1),
        Some(1) => Ok(Contract::V0_2),
        Some(_) => Ok(Contract::V0_3),
        None => Err(incompatible()),
    }
}

/// A component ready to instantiate, with the bindings of its contract version and world.
enum ContractPre {
    V0_1(v0_1::ProviderPre<PluginState>),
    V0_2(v0_2::ProviderPre<PluginState>),
    V0_3(v0_3::ProviderPre<PluginState>),
    Tracker(v0_3::tracker::TrackerPre<PluginState>),
}

/// One instance of a component.
pub(crate) enum Instance {
    V0_1(v0_1::Provider),
    V0_2(v0_2::Provider),
    V0_3(v0_3::Provider),
    Tracker(v0_3::tracker::Tracker),
}

/// A loaded plugin. Each call runs in a fresh store and instance.
pub struct Plugin {
    manifest: PluginManifest,
    pre: ContractPre,
    limits: RuntimeLimits,
    pub(crate) host: Arc<HostContext>,
    from_cache: bool,
}

impl Plugin {
    pub fn manifest(&self) -> &PluginManifest {
        &self.manifest
    }

    /// Whether the component came from the compile cache instead of being compiled.
    pub fn compiled_from_cache(&self) -> bool {
        self.from_cache
    }

    pub fn id(&self) -> &str {
        &self.manifest.id
    }

    /// The contract version the plugin was built against, as its manifest says.
    pub fn api_version(&self) -> &str {
        &self.manifest.api_version
    }

    /// `catalog.latest`.
    pub async fn latest(&self, page: u32) -> Result<Page> {
        self.call(conversion::page_size, async |store, instance| match instance {
            Instance::V0_1(provider) => {
                let answer = provider.getanime_provider_catalog().call_latest(store, page).await?;
                Ok(answer
                    .map(conversion::legacy::v0_1::page)
                    .map_err(conversion::legacy::v0_1::error))
            }
            Instance::V0_2(provider) => {
                let answer = provider.getanime_provider_catalog().call_latest(store, page).await?;
                Ok(answer
                    .map(conversion::legacy::v0_2::page)
                    .map_err(conversion::legacy::v0_2::error))
            }
            Instance::V0_3(provider) => {
                let answer = provider.getanime_provider_catalog().call_latest(store, page).await?;
                Ok(answer.map(conversion::page).map_err(conversion::provider_error))
            }
            Instance::Tracker(_) => Ok(Err(ProviderError::Unsupported)),
        })
        .await
    }

    /// `catalog.search`.
    pub async fn search(&self, query: &str, page: u32) -> Result<Page> {
        self.call(conversion::page_size, async |store, instance| match instance {
            Instance::V0_1(provider) => {
                let catalog = provider.getanime_provider_catalog();
                let answer = catalog.call_search(store, query, page).await?;
                Ok(answer
                    .map(conversion::legacy::v0_1::page)
                    .map_err(conversion::legacy::v0_1::error))
            }
            Instance::V0_2(provider) => {
                let catalog = provider.getanime_provider_catalog();
                let answer = catalog.call_search(store, query, page).await?;
                Ok(answer
                    .map(conversion::legacy::v0_2::page)
                    .map_err(conversion::legacy::v0_2::error))
            }
            Instance::V0_3(provider) => {
                let catalog = provider.getanime_provider_catalog();
                let answer = catalog.call_search(store, query, page).await?;
                Ok(answer.map(conversion::page).map_err(conversion::provider_error))
            }
            Instance::Tracker(_) => Ok(Err(ProviderError::Unsupported)),
        })
        .await
    }

    /// `catalog.schedule`.
    pub async fn schedule(&self) -> Result<Vec<ScheduleDay>> {
        let size = |days: &Vec<ScheduleDay>| days.iter().map(conversion::schedule_day_size).sum();
        self.call(size, async |store, instance| match instance {
            Instance::V0_1(provider) => {
                let answer = provider.getanime_provider_catalog().call_schedule(store).await?;
                Ok(answer
                    .map(|days| {
                        days.into_iter().map(conversion::legacy::v0_1::schedule_day).collect()
                    })
                    .map_err(conversion::legacy::v0_1::error))
            }
            Instance::V0_2(provider) => {
                let answer = provider.getanime_provider_catalog().call_schedule(store).await?;
                Ok(answer
                    .map(|days| {
                        days.into_iter().map(conversion::legacy::v0_2::schedule_day).collect()
                    })
                    .map_err(conversion::legacy::v0_2::error))
            }
            Instance::V0_3(provider) => {
                let answer = provider.getanime_provider_catalog().call_schedule(store).await?;
                Ok(answer
                    .map(|days| days.into_iter().map(conversion::schedule_day).collect())
                    .map_err(conversion::provider_error))
            }
            Instance::Tracker(_) => Ok(Err(ProviderError::Unsupported)),
        })
        .await
    }

    /// `catalog.details`.
    pub async fn details(&self, source_id: &str) -> Result<Title> {
        self.call(conversion::title_size, async |store, instance| match instance {
            Instance::V0_1(provider) => {
                let catalog = provider.getanime_provider_catalog();
                let answer = catalog.call_details(store, source_id).await?;
                Ok(answer
                    .map(conversion::legacy::v0_1::title)
                    .map_err(conversion::legacy::v0_1::error))
            }
            Instance::V0_2(provider) => {
                let catalog = provider.getanime_provider_catalog();
                let answer = catalog.call_details(store, source_id).await?;
                Ok(answer
                    .map(conversion::legacy::v0_2::title)
                    .map_err(conversion::legacy::v0_2::error))
            }
            Instance::V0_3(provider) => {
                let catalog = provider.getanime_provider_catalog();
                let answer = catalog.call_details(store, source_id).await?;
                Ok(answer.map(conversion::title).map_err(conversion::provider_error))
            }
            Instance::Tracker(_) => Ok(Err(ProviderError::Unsupported)),
        })
        .await
    }

    /// `catalog.filters`: what the source's whole catalog can be filtered by (0.1 plugins have
    /// no catalog: `unsupported`).
    pub async fn filters(&self) -> Result<CatalogFilters> {
        self.call(conversion::filters_size, async |store, instance| match instance {
            Instance::V0_1(_) => Ok(Err(ProviderError::Unsupported)),
            Instance::V0_2(provider) => {
                let answer = provider.getanime_provider_catalog().call_filters(store).await?;
                Ok(answer
                    .map(conversion::legacy::v0_2::filters)
                    .map_err(conversion::legacy::v0_2::error))
            }
            Instance::V0_3(provider) => {
                let answer = provider.getanime_provider_catalog().call_filters(store).await?;
                Ok(answer.map(conversion::filters).map_err(conversion::provider_error))
            }
            Instance::Tracker(_) => Ok(Err(ProviderError::Unsupported)),
        })
        .await
    }

    /// `catalog.catalog`: one page of the source's whole catalog.
    pub async fn catalog(&self, filter: &CatalogFilter, page: u32) -> Result<Page> {
        let current = conversion::catalog_filter(filter);
        self.call(conversion::page_size, async |store, instance| match instance {
            Instance::V0_1(_) => Ok(Err(ProviderError::Unsupported)),
            Instance::V0_2(provider) => {
                let older = conversion::legacy::v0_2::catalog_filter(filter);
                let catalog = provider.getanime_provider_catalog();
                let answer = catalog.call_catalog(store, &older, page).await?;
                Ok(answer
                    .map(conversion::legacy::v0_2::page)
                    .map_err(conversion::legacy::v0_2::error))
            }
            Instance::V0_3(provider) => {
                let catalog = provider.getanime_provider_catalog();
                let answer = catalog.call_catalog(store, &current, page).await?;
                Ok(answer.map(conversion::page).map_err(conversion::provider_error))
            }
            Instance::Tracker(_) => Ok(Err(ProviderError::Unsupported)),
        })
        .await
    }

    /// One call: a fresh instance, the call under the wall-clock limit, the guest's error or
    /// a trap classified, and the output cap.
    async fn call<T>(
        &self,
        size: impl FnOnce(&T) -> usize,
        run: impl AsyncFnOnce(
            &mut Store<PluginState>,
            &Instance,
        ) -> wasmtime::Result<std::result::Result<T, ProviderError>>,
    ) -> Result<T> {
        if matches!(self.pre, ContractPre::Tracker(_)) {
            return Err(Error::WrongKind { id: self.manifest.id.clone(), expected: "a source" });
        }
        self.call_as(None, size, run, |store, error| self.provider_error(store, error)).await
    }

    /// [`Plugin::call`] for any world: `account` is the session a tracker acts for, `on_error`
    /// turns the guest's own error into an [`Error`].
    pub(crate) async fn call_as<T, E>(
        &self,
        account: Option<Arc<AccountSession>>,
        size: impl FnOnce(&T) -> usize,
        run: impl AsyncFnOnce(
            &mut Store<PluginState>,
            &Instance,
        ) -> wasmtime::Result<std::result::Result<T, E>>,
        on_error: impl FnOnce(&Store<PluginState>, E) -> Error,
    ) -> Result<T> {
        let (mut store, instance) = self.instantiate(account).await?;
        let outcome =
            tokio::time::timeout(self.limits.call_timeout, run(&mut store, &instance)).await;
        let value = self.settle(&store, outcome)?;
        if let Some(reason) = store.data().token_lost.clone() {
            return Err(Error::TokenNotKept { id: self.manifest.id.clone(), reason });
        }
        let value = value.map_err(|error| on_error(&store, error))?;
        self.check_output_size(size(&value))?;
        Ok(value)
    }

    /// Whether the plugin is a tracker (world `tracker`).
    /// The API root in use when the plugin has mirrors and the user did not set the root.
    pub fn mirror_in_use(&self) -> Option<String> {
        self.host.mirrors.as_ref().map(MirrorSet::active)
    }

    pub fn is_tracker(&self) -> bool {
        matches!(self.pre, ContractPre::Tracker(_))
    }

    async fn instantiate(
        &self,
        account: Option<Arc<AccountSession>>,
    ) -> Result<(Store<PluginState>, Instance)> {
        let engine = match &self.pre {
            ContractPre::V0_1(pre) => pre.engine(),
            ContractPre::V0_2(pre) => pre.engine(),
            ContractPre::V0_3(pre) => pre.engine(),
            ContractPre::Tracker(pre) => pre.engine(),
        };
        let state = PluginState::new(Arc::clone(&self.host), self.limits.memory_bytes, account);
        let mut store = Store::new(engine, state);
        store.limiter(|state| &mut state.memory);
        let ticks = (self.limits.call_timeout.as_millis() / EPOCH_TICK.as_millis()).max(1);
        store.set_epoch_deadline(u64::try_from(ticks).unwrap_or(u64::MAX));
        store.epoch_deadline_trap();
        let instantiated = async {
            Ok(match &self.pre {
                ContractPre::V0_1(pre) => Instance::V0_1(pre.instantiate_async(&mut store).await?),
                ContractPre::V0_2(pre) => Instance::V0_2(pre.instantiate_async(&mut store).await?),
                ContractPre::V0_3(pre) => Instance::V0_3(pre.instantiate_async(&mut store).await?),
                ContractPre::Tracker(pre) => {
                    Instance::Tracker(pre.instantiate_async(&mut store).await?)
                }
            })
        };
        let outcome = tokio::time::timeout(self.limits.call_timeout, instantiated).await;
        let instance = self.settle(&store, outcome)?;
        Ok((store, instance))
    }

    /// Classifies the outcome of a call awaited under the wall-clock limit.
    fn settle<T>(
        &self,
        store: &Store<PluginState>,
        outcome: Result<wasmtime::Result<T>, Elapsed>,
    ) -> Result<T> {
        match outcome {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => Err(self.call_error(store, error)),
            Err(_elapsed) => Err(self.timeout()),
        }
    }

    fn timeout(&self) -> Error {
        Error::Timeout { id: self.manifest.id.clone(), seconds: self.limits.call_timeout.as_secs() }
    }

    fn call_error(&self, store: &Store<PluginState>, error: wasmtime::Error) -> Error {
        let id = self.manifest.id.clone();
        if store.data().memory.exceeded {
            return Error::MemoryExceeded { id, limit_mib: self.limits.memory_bytes >> 20 };
        }
        match error.downcast_ref::<Trap>() {
            Some(Trap::Interrupt) => self.timeout(),
            _ => Error::Trap { id, reason: format!("{error:#}") },
        }
    }

    /// A guest error; when the guest failed after the host denied it a fetch, the denial is
    /// the real story and is reported instead.
    fn provider_error(&self, store: &Store<PluginState>, error: ProviderError) -> Error {
        let id = self.manifest.id.clone();
        match (&store.data().denied_host, error) {
            (Some(host), _) => Error::CapabilityDenied { id, host: host.clone() },
            (None, ProviderError::Denied(host)) => Error::CapabilityDenied { id, host },
            (None, error) => {
                if let ProviderError::CutOff(detail) = &error {
                    tracing::warn!(plugin_id = %id, "{detail}");
                }
                Error::Provider { id, name: self.manifest.name.clone(), error }
            }
        }
    }

    fn check_output_size(&self, bytes: usize) -> Result<()> {
        if bytes > self.limits.max_output_bytes {
            return Err(Error::OutputTooLarge {
                id: self.manifest.id.clone(),
                limit_mib: self.limits.max_output_bytes >> 20,
            });
        }
        Ok(())
    }
}

/// How much of a plugin's stdout/stderr is kept per call for the log.
const OUTPUT_CAPTURE_BYTES: usize = 64 << 10;

/// The data of one call's store.
pub(crate) struct PluginState {
    wasi: WasiCtx,
    table: ResourceTable,
    memory: MemoryLimit,
    stdout: MemoryOutputPipe,
    stderr: MemoryOutputPipe,
    pub(crate) host: Arc<HostContext>,
    /// The last host a fetch was refused for, if any.
    pub(crate) denied_host: Option<String>,
    /// The account a tracker call acts for.
    pub(crate) account: Option<Arc<AccountSession>>,
    /// Why a token the plugin handed over could not be kept, if it could not.
    pub(crate) token_lost: Option<String>,
}

impl PluginState {
    fn new(
        host: Arc<HostContext>,
        memory_bytes: usize,
        account: Option<Arc<AccountSession>>,
    ) -> PluginState {
        // Nothing inherited: no preopened directories, no environment, no arguments, no sockets.
        // stdout/stderr are captured and sent to the log when the store is dropped.
        let stdout = MemoryOutputPipe::new(OUTPUT_CAPTURE_BYTES);
        let stderr = MemoryOutputPipe::new(OUTPUT_CAPTURE_BYTES);
        let wasi = WasiCtxBuilder::new()
            .stdout(stdout.clone())
            .stderr(stderr.clone())
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false)
            .build();
        PluginState {
            wasi,
            table: ResourceTable::new(),
            memory: MemoryLimit { max_bytes: memory_bytes, exceeded: false },
            stdout,
            stderr,
            host,
            denied_host: None,
            account,
            token_lost: None,
        }
    }
}

impl Drop for PluginState {
    fn drop(&mut self) {
        for (stream, pipe) in [("stdout", &self.stdout), ("stderr", &self.stderr)] {
            let contents = pipe.contents();
            let text = self.redact(&String::from_utf8_lossy(&contents));
            for line in text.lines().filter(|line| !line.trim().is_empty()) {
                tracing::info!(target: "plugin", plugin_id = %self.host.plugin_id, stream, "{line}");
            }
        }
    }
}

impl WasiView for PluginState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView { ctx: &mut self.wasi, table: &mut self.table }
    }
}

/// Caps linear memory and remembers whether the cap was hit, so the error can say so.
struct MemoryLimit {
    max_bytes: usize,
    exceeded: bool,
}

impl ResourceLimiter for MemoryLimit {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.max_bytes {
            self.exceeded = true;
            return Ok(false);
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= 100_000)
    }
}

/// Advances the engine epoch every [`EPOCH_TICK`] so deadlines fire; stops when dropped.
struct EpochTicker {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl EpochTicker {
    fn start(engine: Engine) -> Result<EpochTicker> {
        let stop = Arc::new(AtomicBool::new(false));
        let thread_stop = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("plugin-epoch".into())
            .spawn(move || {
                while !thread_stop.load(Ordering::Relaxed) {
                    std::thread::sleep(EPOCH_TICK);
                    engine.increment_epoch();
                }
            })
            .map_err(|error| {
                Error::Runtime(format!("cannot start the plugin deadline thread: {error}"))
            })?;
        Ok(EpochTicker { stop, thread: Some(thread) })
    }
}

impl Drop for EpochTicker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            tracing::error!("the plugin epoch thread panicked");
        }
    }
}
