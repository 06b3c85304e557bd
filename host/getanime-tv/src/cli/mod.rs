//! Command-line interface: the TV UI by default, headless jobs as subcommands.
//! Exit codes: 0 ok, 1 runtime failure, 2 usage error (clap's).

mod account;
mod catalog;
mod doctor;
mod lists;
mod play;
mod plugin;
mod remote;

pub use account::AccountCommand;
pub use lists::{ListCommand, ProfileCommand};
pub use plugin::PluginCommand;
pub use remote::RemoteCommand;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use getanime_app::domain::{ListFilter, Rating, TitleId};
use getanime_app::{App, DataPaths, Setting};
use serde::Serialize;

/// A TV media center for anime, with plugins for content sources.
#[derive(Debug, Parser)]
#[command(name = "getanime", version)]
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

    /// Run as a TV box (what the getanime-kiosk unit sets): Settings offers Power (quit to the
    /// console, restart, shut down).
    #[arg(long, env = "GETANIME_KIOSK", value_parser = clap::builder::FalseyValueParser::new())]
    pub kiosk: bool,

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

/// What `getanime generate` prints.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Generated {
    /// The man page, getanime(1), in roff.
    Man,
    Bash,
    Zsh,
    Fish,
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
    /// Print the home screen's rows as the TV shows them to the profile, top to bottom (with
    /// --json: each row's kind, label and titles).
    Home,
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
    /// Accounts at trackers (the AniLiberty account): your lists, favorites and episode marks
    /// in step with this profile.
    #[command(subcommand)]
    Account(AccountCommand),
    /// The phone remote: tokens for scripts (`remote token create NAME`), paired phones.
    #[command(subcommand)]
    Remote(RemoteCommand),
    /// Check the library file (integrity, foreign keys) and count the catalog.
    Check,
    /// Check this machine: GStreamer elements, windowing libraries, the renderer, the data
    /// folder and the shipped sources; says what is missing and which package brings it.
    /// Exits 1 when something getanime needs is missing.
    Doctor {
        /// Print only what is missing.
        #[arg(long)]
        quiet: bool,
    },
    /// Print the man page or a shell's completions, made from these very definitions (the
    /// package build runs it).
    #[command(hide = true)]
    Generate {
        #[arg(value_enum)]
        what: Generated,
    },
    /// Copy the library to FILE (safe while the app runs).
    Backup { file: PathBuf },
    /// Replace the library with the backup in FILE (the current one is kept as *.before-restore).
    Restore { file: PathBuf },
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
    if let Some(Command::Generate { what }) = cli.command {
        return generate(what);
    }
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
        return crate::screens::run_ui(
            paths,
            smoke,
            cli.windowed,
            cli.lang,
            cli.profile,
            cli.kiosk,
        );
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting tokio")?;
    runtime.block_on(async move {
        if let Command::Doctor { quiet } = command {
            return doctor(&paths, cli.json, quiet).await;
        }
        let app = App::open(paths)?;
        if let Some(name) = &cli.profile {
            app.use_profile_named(name).await?;
        }
        Output { json: cli.json }.command(&app, command).await
    })
}

/// Prints the man page or a shell's completions for the whole command line.
fn generate(what: Generated) -> Result<()> {
    use clap::CommandFactory;
    let mut command = Cli::command();
    let mut out = Vec::new();
    let shell = match what {
        Generated::Man => {
            clap_mangen::Man::new(command).render(&mut out)?;
            return write_stdout(&String::from_utf8(out)?);
        }
        Generated::Bash => clap_complete::Shell::Bash,
        Generated::Zsh => clap_complete::Shell::Zsh,
        Generated::Fish => clap_complete::Shell::Fish,
    };
    clap_complete::generate(shell, &mut command, "getanime", &mut out);
    write_stdout(&String::from_utf8(out)?)
}

/// `getanime doctor`: before the library is opened, so a damaged one is reported, not fatal.
async fn doctor(paths: &DataPaths, json: bool, quiet: bool) -> Result<()> {
    let report = doctor::examine(paths).await;
    if json {
        let mut value = serde_json::to_value(&report)?;
        value["healthy"] = serde_json::json!(report.healthy());
        value["install"] = serde_json::json!(report.packages_to_install());
        write_stdout(&format!("{}\n", serde_json::to_string_pretty(&value)?))?;
    } else {
        write_stdout(&report.text(quiet))?;
    }
    if !report.healthy() {
        bail!("something getanime needs is missing (see above)");
    }
    Ok(())
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
                self.print(&cards, |cards| catalog::cards_text(cards))
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
                let filter = getanime_app::domain::CatalogFilter {
                    genres: genre,
                    year_from,
                    year_to,
                    kinds: kind,
                    status,
                    sort,
                };
                // --filters asks what the source offers instead of a page.
                self.catalog(app, &plugin, (!filters).then_some(filter), page).await
            }
            Command::Titles { query, limit } => {
                let cards = app.titles(query, limit).await?;
                self.print(&cards, |cards| catalog::cards_text(cards))
            }
            Command::Home => {
                use chrono::Datelike;
                let weekday = chrono::Local::now().weekday().number_from_monday() as u8;
                let home = app.home(weekday).await?;
                let rows: Vec<_> = getanime_app::views::home::rows(&home)
                    .into_iter()
                    .filter(|row| !row.cards.is_empty())
                    .collect();
                self.print(&rows, |rows| catalog::home_text(rows))
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
                play::play(app, TitleId(title_id), episode, quality, silent).await
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
            Command::Account(command) => self.account(app, command).await,
            Command::Remote(command) => self.remote(app, command).await,
            // run_inner answers these two before opening the library; the same answers here.
            Command::Doctor { quiet } => doctor(app.paths(), self.json, quiet).await,
            Command::Generate { what } => generate(what),
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

    fn done(&self, message: &str) -> Result<()> {
        self.print(&serde_json::json!({ "ok": true, "message": message }), |_| {
            format!("{message}\n")
        })
    }
}
