//! Command-line interface: the TV UI by default, headless jobs as subcommands.
//! Exit codes: 0 ok, 1 runtime failure, 2 usage error (clap's).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use getanime_app::domain::{ListFilter, Rating, TitleCard, TitleId};
use getanime_app::{App, DataPaths, RemovalPolicy, Setting, SyncEvent, SyncScope};
use serde::Serialize;

/// getanime: a TV media center for anime, with plugins for content sources.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    /// Where the library and plugins live (default: the platform data directory).
    #[arg(long, global = true, env = "GETANIME_DATA_DIR")]
    pub data_dir: Option<PathBuf>,

    /// Machine-readable output (JSON) for the commands that print data.
    #[arg(long, global = true)]
    pub json: bool,

    /// Whose history, lists, ratings and preferences to use (a profile's name); without it, the
    /// profile used last. The UI then opens without asking who is watching.
    #[arg(long, global = true, value_name = "NAME", env = "GETANIME_PROFILE")]
    pub profile: Option<String>,

    /// On failure, print the whole chain of causes.
    #[arg(short, long, global = true)]
    pub verbose: bool,

    /// Open the UI, render its first frame, and exit (a smoke test of the whole stack).
    #[arg(long)]
    pub exit_after_first_frame: bool,

    /// With --exit-after-first-frame: save that frame as a PNG (and one per --keys step beside it).
    #[arg(long, value_name = "PNG", requires = "exit_after_first_frame")]
    pub screenshot: Option<PathBuf>,

    /// With --exit-after-first-frame: keys to press once loaded (up,down,left,right,enter,back).
    #[arg(long, value_delimiter = ',', requires = "exit_after_first_frame")]
    pub keys: Vec<String>,

    /// With --keys: how long each key is given to settle before the next (and its screenshot).
    #[arg(long, value_name = "MS", default_value_t = 1500, requires = "exit_after_first_frame")]
    pub key_interval_ms: u64,

    /// Open the UI in a desktop window instead of full screen.
    #[arg(long)]
    pub windowed: bool,

    /// The interface language for this run (ru or en); without it, the Settings choice, which
    /// by default follows LC_ALL / LC_MESSAGES / LANG.
    #[arg(long, value_name = "LANGUAGE", value_parser = parse_language)]
    pub lang: Option<getanime_app::language::Language>,

    /// Do not sync the sources when the UI starts.
    #[arg(long)]
    pub no_sync: bool,

    /// Start the offline demo: serve its catalog on 127.0.0.1 and install the demo-source plugin
    /// package from this directory (what `cargo xtask run` does).
    #[arg(long, value_name = "PACKAGE_DIR")]
    pub demo: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Headless jobs.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print what the library holds.
    Status,
    /// Manage source plugins.
    #[command(subcommand)]
    Plugin(PluginCommand),
    /// Refresh the library from the enabled sources.
    Sync {
        /// Only this plugin.
        #[arg(long)]
        plugin: Option<String>,
        /// Read many pages instead of stopping where nothing is new.
        #[arg(long)]
        full: bool,
    },
    /// Search the sources (results are saved to the library).
    Search {
        query: String,
        #[arg(long)]
        plugin: Option<String>,
    },
    /// Browse a source's whole catalog a page at a time, filtered by the ids `--filters` lists
    /// (the titles are saved to the library, as sync saves them).
    Catalog {
        plugin: String,
        #[arg(long)]
        genre: Vec<String>,
        #[arg(long)]
        kind: Vec<String>,
        #[arg(long)]
        year_from: Option<u16>,
        #[arg(long)]
        year_to: Option<u16>,
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        sort: Option<String>,
        #[arg(long, default_value_t = 1)]
        page: u32,
        /// List the filters the catalog supports instead.
        #[arg(long)]
        filters: bool,
    },
    /// List titles from the library.
    Titles {
        #[arg(long)]
        query: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Show one title: episodes, qualities, skips, torrents, watched marks, rating. Details that
    /// are missing or stale are fetched from the source first.
    Show {
        title_id: i64,
        /// Only read the library; ask no source.
        #[arg(long)]
        offline: bool,
    },
    /// Mark an episode watched (or not, with --unset).
    Watched {
        title_id: i64,
        episode: f64,
        #[arg(long)]
        unset: bool,
    },
    /// Rate a title 1-10, or clear the rating.
    Rate {
        title_id: i64,
        #[arg(required_unless_present = "clear", value_parser = clap::value_parser!(i64).range(1..=10))]
        score: Option<i64>,
        #[arg(long, conflicts_with = "score")]
        clear: bool,
    },
    /// What you watched, newest first.
    History {
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Play an episode here (sound and progress; the TV UI shows the picture). Saves the position.
    Play {
        title_id: i64,
        episode: f64,
        #[arg(long, value_parser = ["fhd", "hd", "sd"])]
        quality: Option<String>,
        /// No sound (for scripts and machines without audio).
        #[arg(long)]
        silent: bool,
    },
    /// Show the settings, or set one (quality, auto_skip, auto_play_next, sync_interval_minutes,
    /// details_ttl_hours; `getanime settings` lists them with their values).
    Settings {
        key: Option<Setting>,
        #[arg(requires = "key")]
        value: Option<String>,
    },
    /// Your lists (watching, planned, completed, on_hold, dropped) and favorites.
    #[command(subcommand)]
    List(ListCommand),
    /// Viewer profiles: each has its own history, ratings, lists and preferences.
    #[command(subcommand)]
    Profile(ProfileCommand),
    /// Check the library file (integrity, foreign keys) and count the catalog.
    Check,
    /// Copy the library to FILE (safe while the app runs).
    Backup { file: PathBuf },
    /// Replace the library with the backup in FILE (the current one is kept as *.before-restore).
    Restore { file: PathBuf },
}

/// `getanime list ...`
#[derive(Debug, Subcommand)]
pub enum ListCommand {
    /// Put a title in a list (watching, planned, completed, on_hold, dropped), or mark it a
    /// favorite (favorite). A title is in one list at a time; favorites are apart.
    Set {
        title_id: i64,
        #[arg(value_parser = parse_list)]
        list: ListFilter,
    },
    /// Take a title out of its list, or out of the favorites with `favorite`.
    Clear {
        title_id: i64,
        #[arg(value_parser = parse_list)]
        list: Option<ListFilter>,
    },
    /// The titles of a list, most recently added first, with the episode to watch next.
    Show {
        #[arg(value_parser = parse_list)]
        list: ListFilter,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
}

/// `getanime profile ...`
#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// Every profile; `*` marks the one in use.
    List,
    /// Add a profile (an empty history, the library's preferences).
    Add {
        name: String,
    },
    Rename {
        name: String,
        new_name: String,
    },
    /// Remove a profile with its own history, ratings, lists and preferences.
    Remove {
        name: String,
    },
    /// Make NAME the profile every later run starts with.
    Use {
        name: String,
    },
}

/// `getanime plugin ...`
#[derive(Debug, Subcommand)]
pub enum PluginCommand {
    /// Installed plugins.
    List,
    /// Install or upgrade a plugin: a package directory or .tar.gz, an https URL of one, or the id
    /// of a plugin in the plugin index.
    Install {
        source: String,
        /// Refuse the package unless its sha256 is this.
        #[arg(long)]
        sha256: Option<String>,
    },
    /// Remove a plugin (titles you watched or rated stay unless --purge).
    Remove {
        id: String,
        #[arg(long)]
        purge: bool,
    },
    Enable {
        id: String,
    },
    Disable {
        id: String,
    },
    /// Set a plugin setting, e.g. base_url.
    Set {
        id: String,
        key: String,
        value: String,
    },
    /// The plugins the plugin index offers (set its URL with --url).
    Index {
        #[arg(long)]
        url: Option<String>,
    },
    /// Pack a plugin for others: DIR holds plugin.toml (and plugin.wasm, or give the component
    /// with --wasm). Writes a reproducible .tar.gz, checked as an install would check it, and
    /// prints its plugin index entry (with the archive's sha256).
    Pack {
        dir: PathBuf,
        /// The component, e.g. target/wasm32-wasip2/release/my_plugin.wasm.
        #[arg(long, value_name = "FILE")]
        wasm: Option<PathBuf>,
        /// Where to write the archive (default: <id>-<version>.tar.gz here).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// The URL the index entry gives (default: the archive's name, beside the index).
        #[arg(long)]
        url: Option<String>,
    },
    /// Let a plugin reach HOST (for a mirror set in base_url).
    Grant {
        id: String,
        host: String,
    },
}

/// Runs the command line; failures print one clear line (the chain with -v) and exit 1.
pub fn run(cli: Cli) -> ExitCode {
    let verbose = cli.verbose;
    match run_inner(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // A reader that stopped early (`getanime titles | head -1`) wants nothing more, as with
        // git or ripgrep: not an error worth a line.
        Err(error) if closed_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            if verbose {
                eprintln!("error: {error:?}");
            } else {
                eprintln!("error: {error:#}");
            }
            ExitCode::FAILURE
        }
    }
}

/// Whether `error` is stdout's reader having gone away.
fn closed_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Writes `text` to stdout; a closed pipe comes back as an error ([`closed_pipe`]) instead of
/// the panic `print!` would raise.
pub(crate) fn write_stdout(text: &str) -> Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(())
}

fn parse_list(code: &str) -> Result<ListFilter, String> {
    ListFilter::from_code(code).ok_or_else(|| {
        let known: Vec<&str> = ListFilter::ALL.iter().map(|list| list.code()).collect();
        format!("{code:?} is not a list; one of: {}", known.join(", "))
    })
}

fn parse_language(code: &str) -> Result<getanime_app::language::Language, String> {
    getanime_app::language::Language::from_code(code)
        .ok_or_else(|| format!("{code:?} is not a language getanime speaks; use ru or en"))
}

fn run_inner(cli: Cli) -> Result<()> {
    let paths = DataPaths::resolve(cli.data_dir)?;
    let Some(command) = cli.command else {
        let smoke = crate::screens::Smoke {
            exit_after_first_frame: cli.exit_after_first_frame,
            screenshot: cli.screenshot,
            keys: cli.keys,
            key_interval: std::time::Duration::from_millis(cli.key_interval_ms),
            no_sync: cli.no_sync,
            demo: cli.demo,
        };
        return crate::screens::run_ui(paths, smoke, cli.windowed, cli.lang, cli.profile);
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting tokio")?;
    runtime.block_on(async move {
        let app = App::open(paths)?;
        if let Some(name) = &cli.profile {
            app.use_profile_named(name).await?;
        }
        Output { json: cli.json }.command(&app, command).await
    })
}

struct Output {
    json: bool,
}

impl Output {
    /// Prints `value` as JSON, or its text form.
    fn print<T: Serialize>(&self, value: &T, text: impl FnOnce(&T) -> String) -> Result<()> {
        if self.json {
            write_stdout(&format!("{}\n", serde_json::to_string_pretty(value)?))?;
        } else {
            write_stdout(&text(value))?;
        }
        Ok(())
    }

    async fn command(&self, app: &App, command: Command) -> Result<()> {
        match command {
            Command::Status => {
                let status = app.status().await?;
                let log_file = crate::logging::log_file();
                let mut json = serde_json::to_value(&status)?;
                json["log_file"] = serde_json::json!(log_file);
                self.print(&json, |_| {
                    let log_file = log_file.as_ref().map_or_else(
                        || "none (no HOME or XDG_STATE_HOME)".to_owned(),
                        |path| path.display().to_string(),
                    );
                    format!(
                        "data directory: {}\nschema version: {}\ntitles: {}\nlog file: {log_file}\n",
                        app.paths().root().display(),
                        status.schema_version,
                        status.titles
                    )
                })
            }
            Command::Plugin(command) => self.plugin(app, command).await,
            Command::Sync { plugin, full } => self.sync(app, plugin, full).await,
            Command::Search { query, plugin } => {
                let cards = app.search_sources(&query, plugin.as_deref()).await?;
                self.print(&cards, |cards| cards_text(cards))
            }
            Command::Catalog {
                plugin,
                genre,
                kind,
                year_from,
                year_to,
                status,
                sort,
                page,
                filters,
            } => {
                if filters {
                    let filters = app.catalog_filters(&plugin).await?;
                    return self.print(&filters, filters_text);
                }
                let filter = getanime_app::domain::CatalogFilter {
                    genres: genre,
                    year_from,
                    year_to,
                    kinds: kind,
                    status,
                    sort,
                };
                let page = app.catalog_page(&plugin, &filter, page).await?;
                for problem in &page.refused {
                    eprintln!("refused: {problem}");
                }
                let of = page.pages.map_or(String::new(), |pages| format!(" of {pages}"));
                self.print(&page.cards, |cards| {
                    format!("{}page {}{of}\n", cards_text(cards), page.page)
                })
            }
            Command::Titles { query, limit } => {
                let cards = app.titles(query, limit).await?;
                self.print(&cards, |cards| cards_text(cards))
            }
            Command::Show { title_id, offline } => {
                if !offline {
                    // What the library has is worth showing even when the refresh fails.
                    // A title that is not there, or a library that cannot be written, is
                    // reported by what follows; only a source's failure is worth a note here.
                    match app.refresh_details(TitleId(title_id)).await {
                        Ok(getanime_app::DetailsRefresh::Failed(reason)) => {
                            eprintln!("{}", getanime_app::details_failed_text(&reason));
                        }
                        Ok(_) => {}
                        Err(error) => tracing::debug!("no details refresh: {error:#}"),
                    }
                }
                let details = app.title(TitleId(title_id)).await?;
                self.print(&details, crate::text::title_details)
            }
            Command::Watched { title_id, episode, unset } => {
                app.set_watched(TitleId(title_id), episode, !unset).await?;
                self.done(if unset { "marked not watched" } else { "marked watched" })
            }
            Command::Rate { title_id, score, clear } => {
                let rating = match (score, clear) {
                    (_, true) => None,
                    (Some(score), false) => Some(Rating::new(score)?),
                    (None, false) => bail!("give a score 1-10 or --clear"),
                };
                app.rate(TitleId(title_id), rating).await?;
                self.done(if rating.is_some() { "rated" } else { "rating cleared" })
            }
            Command::History { limit } => {
                let items = app.history(limit).await?;
                self.print(&items, |items| {
                    items
                        .iter()
                        .map(|item| {
                            let mark = if item.watch.watched {
                                "watched".to_owned()
                            } else {
                                crate::text::position(item.watch.position_ms)
                            };
                            format!(
                                "{}  {} — episode {}  {mark}\n",
                                item.title_id.0, item.title_name, item.episode_number
                            )
                        })
                        .collect()
                })
            }
            Command::Play { title_id, episode, quality, silent } => {
                let quality = quality.as_deref().and_then(getanime_app::domain::Quality::parse);
                crate::playback::play(app, TitleId(title_id), episode, quality, silent).await
            }
            Command::Settings { key, value } => {
                if let (Some(setting), Some(value)) = (key, &value) {
                    app.set_setting(setting, value).await?;
                }
                let settings: Vec<(&str, String)> = app
                    .settings()
                    .await?
                    .into_iter()
                    .map(|(setting, value)| (setting.key(), value))
                    .collect();
                self.print(&settings, |settings| {
                    settings.iter().map(|(key, value)| format!("{key} = {value}\n")).collect()
                })
            }
            Command::List(command) => self.list(app, command).await,
            Command::Profile(command) => self.profile(app, command).await,
            Command::Check => {
                let check = app.check().await?;
                let summary = serde_json::json!({
                    "ok": check.problems.is_empty(), "problems": check.problems, "titles": check.titles,
                    "episodes": check.episodes, "streams": check.streams, "torrents": check.torrents,
                });
                self.print(&summary, |_| {
                    let mut text = format!(
                        "titles {}, episodes {}, streams {}, torrents {}\n",
                        check.titles, check.episodes, check.streams, check.torrents
                    );
                    for problem in &check.problems {
                        text.push_str(&format!("problem: {problem}\n"));
                    }
                    if check.problems.is_empty() {
                        text.push_str("the library file is healthy\n");
                    }
                    text
                })?;
                if !check.problems.is_empty() {
                    bail!("the library file has problems; restore a backup");
                }
                Ok(())
            }
            Command::Backup { file } => {
                app.backup(file.clone()).await?;
                self.done(&format!("backed up to {}", file.display()))
            }
            Command::Restore { file } => {
                app.restore(file.clone()).await?;
                self.done(&format!("restored from {}", file.display()))
            }
        }
    }

    async fn plugin(&self, app: &App, command: PluginCommand) -> Result<()> {
        match command {
            PluginCommand::List => {
                let plugins = app.plugins().await?;
                self.print(&plugins, |plugins| {
                    plugins
                        .iter()
                        .map(|plugin| {
                            let state = if plugin.enabled { "enabled" } else { "disabled" };
                            let error = plugin
                                .last_error
                                .as_deref()
                                .map(|error| format!("  last error: {error}"))
                                .unwrap_or_default();
                            format!(
                                "{} {} ({state}) — {}{error}\n",
                                plugin.id, plugin.version, plugin.name
                            )
                        })
                        .collect()
                })
            }
            PluginCommand::Install { source, sha256 } => {
                let path = PathBuf::from(&source);
                let record = if source.starts_with("https://") || source.starts_with("http://") {
                    app.install_from_url(&source, sha256).await?
                } else if path.exists() || source.contains('/') {
                    app.install_plugin(path, sha256).await?
                } else {
                    app.install_from_index(&source).await?
                };
                self.print(&record, |record| {
                    format!(
                        "installed {} {}; it may reach: {}\n",
                        record.id,
                        record.version,
                        record.allowed_hosts.join(", ")
                    )
                })
            }
            PluginCommand::Remove { id, purge } => {
                let policy = if purge {
                    RemovalPolicy::DeleteEverything
                } else {
                    RemovalPolicy::KeepHistory
                };
                let deleted = app.remove_plugin(&id, policy).await?;
                self.done(&format!("removed {id} ({deleted} titles deleted)"))
            }
            PluginCommand::Enable { id } => {
                app.set_plugin_enabled(&id, true).await?;
                self.done(&format!("enabled {id}"))
            }
            PluginCommand::Disable { id } => {
                app.set_plugin_enabled(&id, false).await?;
                self.done(&format!("disabled {id}"))
            }
            PluginCommand::Set { id, key, value } => {
                if let Some(needed) = app.set_plugin_setting(&id, &key, &value).await? {
                    eprintln!(
                        "note: {} may not reach {} yet; allow it with `getanime plugin grant {} {}`",
                        needed.plugin_id, needed.host, needed.plugin_id, needed.host
                    );
                }
                self.done(&format!("{id}: {key} = {value}"))
            }
            PluginCommand::Index { url } => {
                if let Some(url) = url {
                    app.set_plugin_index_url(&url).await?;
                }
                let entries = app.plugin_index().await?;
                self.print(&entries, |entries| {
                    entries
                        .iter()
                        .map(|entry| {
                            let about = entry.description.as_deref().unwrap_or("");
                            format!(
                                "{} {} — {}  {about}\n    reaches: {}\n",
                                entry.id,
                                entry.version,
                                entry.name,
                                entry.allowed_hosts.join(", ")
                            )
                        })
                        .collect()
                })
            }
            PluginCommand::Pack { dir, wasm, out, url } => {
                let (entry, path) = app.pack_plugin(dir, wasm, out, url).await?;
                if !self.json {
                    write_stdout(&format!(
                        "packed {} {} into {} (sha256 {}); its plugin index entry:\n",
                        entry.id,
                        entry.version,
                        path.display(),
                        entry.sha256
                    ))?;
                }
                write_stdout(&format!("{}\n", serde_json::to_string_pretty(&entry)?))?;
                Ok(())
            }
            PluginCommand::Grant { id, host } => {
                app.grant_host(&id, &host).await?;
                self.done(&format!("{id} may now reach {host}"))
            }
        }
    }

    async fn list(&self, app: &App, command: ListCommand) -> Result<()> {
        match command {
            ListCommand::Set { title_id, list } => {
                let title = TitleId(title_id);
                match list {
                    ListFilter::Status(status) => {
                        app.set_list_status(title, Some(status)).await?;
                    }
                    ListFilter::Favorite => app.set_favorite(title, true).await?,
                }
                self.done(&format!("{title_id} is in {}", list.code()))
            }
            ListCommand::Clear { title_id, list } => {
                let title = TitleId(title_id);
                match list {
                    Some(ListFilter::Favorite) => app.set_favorite(title, false).await?,
                    Some(ListFilter::Status(status)) => {
                        if app.list_entry(title).await?.status != Some(status) {
                            bail!("{title_id} is not in {}", status.code());
                        }
                        app.set_list_status(title, None).await?;
                    }
                    None => {
                        app.set_list_status(title, None).await?;
                    }
                }
                self.done(&format!("{title_id} taken out of the list"))
            }
            ListCommand::Show { list, limit } => {
                let cards = app.list(list, limit).await?;
                self.print(&cards, |cards| {
                    cards
                        .iter()
                        .map(|item| {
                            let line = crate::text::card_line(&item.card);
                            match item.next_episode {
                                Some(number) => {
                                    format!("{}  next: episode {number}\n", line.trim_end())
                                }
                                None => line,
                            }
                        })
                        .collect()
                })
            }
        }
    }

    async fn profile(&self, app: &App, command: ProfileCommand) -> Result<()> {
        let named = |name: String| async move {
            let profiles = app.profiles().await?;
            profiles
                .into_iter()
                .find(|profile| profile.name == name)
                .with_context(|| format!("there is no profile named {name:?}"))
        };
        match command {
            ProfileCommand::List => {
                let profiles = app.profiles().await?;
                let current = app.profile();
                self.print(&profiles, |profiles| {
                    profiles
                        .iter()
                        .map(|profile| {
                            let mark = if profile.id == current { "*" } else { " " };
                            format!("{mark} {}\n", profile.name)
                        })
                        .collect()
                })
            }
            ProfileCommand::Add { name } => {
                let profile = app.add_profile(&name).await?;
                self.done(&format!("added profile {}", profile.name))
            }
            ProfileCommand::Rename { name, new_name } => {
                let profile = named(name).await?;
                app.rename_profile(profile.id, &new_name).await?;
                self.done(&format!("renamed {} to {}", profile.name, new_name.trim()))
            }
            ProfileCommand::Remove { name } => {
                let profile = named(name).await?;
                app.remove_profile(profile.id).await?;
                self.done(&format!("removed profile {} and its history", profile.name))
            }
            ProfileCommand::Use { name } => {
                let profile = named(name).await?;
                app.use_profile(profile.id).await?;
                self.done(&format!("using profile {}", profile.name))
            }
        }
    }

    async fn sync(&self, app: &App, plugin: Option<String>, full: bool) -> Result<()> {
        let bar = crate::progress::SyncBar::new(self.json);
        let run = app
            .sync_sources(SyncScope { source: plugin, full }, &|event: SyncEvent| bar.show(&event))
            .await?;
        bar.finish();
        self.print(&(&run.reports, &run.posters), |(reports, posters)| {
            crate::text::sync_reports(reports, posters)
        })?;
        if !run.failed().is_empty() {
            bail!("some sources could not be synced; the library keeps what it had");
        }
        Ok(())
    }

    fn done(&self, message: &str) -> Result<()> {
        self.print(&serde_json::json!({ "ok": true, "message": message }), |_| {
            format!("{message}\n")
        })
    }
}

/// A catalog's filters, one kind per line: `genres: 15 Экшен, 20 Драма`.
fn filters_text(filters: &getanime_app::domain::CatalogFilters) -> String {
    let line = |name: &str, options: &[getanime_app::domain::FilterOption]| {
        let listed: Vec<String> =
            options.iter().map(|option| format!("{} {}", option.id, option.label)).collect();
        let listed = if listed.is_empty() { "(not offered)".to_owned() } else { listed.join(", ") };
        format!("{name}: {listed}\n")
    };
    let years =
        filters.years.map_or("(not offered)".to_owned(), |(first, last)| format!("{first}-{last}"));
    [
        line("genres", &filters.genres),
        format!("years: {years}\n"),
        line("kinds", &filters.kinds),
        line("statuses", &filters.statuses),
        line("sorts", &filters.sorts),
    ]
    .concat()
}

fn cards_text(cards: &[TitleCard]) -> String {
    cards.iter().map(crate::text::card_line).collect()
}
