//! Command-line interface: the TV UI by default, headless jobs as subcommands.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use getanime_app::{DataPaths, Library};

/// getanime: a TV media center for anime, with plugins for content sources.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    /// Where the library and plugins live (default: the platform data directory).
    #[arg(long, global = true, env = "GETANIME_DATA_DIR")]
    pub data_dir: Option<PathBuf>,

    /// Open the UI, render its first frame, and exit (a smoke test of the whole stack).
    #[arg(long)]
    pub exit_after_first_frame: bool,

    /// With --exit-after-first-frame: save that frame as a PNG.
    #[arg(long, value_name = "PNG", requires = "exit_after_first_frame")]
    pub screenshot: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Headless jobs.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print what the library holds.
    Status,
}

pub fn run(cli: Cli) -> Result<()> {
    let paths = DataPaths::resolve(cli.data_dir)?;
    match cli.command {
        None => crate::home::run_ui(
            paths,
            crate::home::Smoke {
                exit_after_first_frame: cli.exit_after_first_frame,
                screenshot: cli.screenshot,
            },
        ),
        Some(Command::Status) => {
            let library = Library::open(paths)?;
            let status = library.status().context("reading the library status")?;
            println!("data directory: {}", library.paths().root().display());
            println!("schema version: {}", status.schema_version);
            println!("titles: {}", status.titles);
            Ok(())
        }
    }
}
