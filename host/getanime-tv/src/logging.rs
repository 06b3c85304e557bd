//! Where the log goes. A person reads the app's own sentences; the log is for whoever looks
//! into a problem. So the log always goes to a private file under the XDG state folder
//! (`getanime status` names it), kept to a few rotated files, and reaches the terminal only when
//! asked: `-v`, `GETANIME_LOG`/`RUST_LOG`, or the window's smoke mode (whose tests read it).

use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tracing_log::AsLog;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::{EnvFilter, Layer};

/// The log file's name in the state folder; rotated copies get `.1`, `.2`, `.3`.
const LOG_FILE: &str = "getanime.log";
/// A log file larger than this is rotated when the next process starts.
const ROTATE_AT_BYTES: u64 = 2 * 1024 * 1024;
/// Rotated copies kept beside the current file.
const KEPT_ROTATIONS: u32 = 3;
/// What the file records: our crates at info, every other crate only when it warns. Not `info`
/// for all: dependencies instrument hot paths with info-level spans (zbus, under the window's
/// accessibility), and enabling them costs every frame.
const FILE_FILTER: &str = "warn,getanime_tv=info,getanime_app=info,getanime_storage=info,\
                           getanime_plugins=info,getanime_player=info,getanime_demo=info";
/// What the terminal shows under `-v`.
const VERBOSE_FILTER: &str = "info,wasmtime=warn,cranelift=warn";
/// What the terminal shows in smoke mode: warnings and the window's own info.
const SMOKE_FILTER: &str = "warn,getanime_tv=info";

/// Who asked for log lines on the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Terminal {
    /// Nobody: only the command's own sentences reach it.
    Quiet,
    /// The window's smoke mode, driven by tests and benchmarks that read what it did.
    Smoke,
    /// `-v`: every crate at info.
    Verbose,
}

/// The folder for the log: `$XDG_STATE_HOME/getanime`, else `~/.local/state/getanime`.
pub fn state_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .filter(|path| path.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/state"))
        })?;
    Some(base.join("getanime"))
}

/// The log file this process writes, if there is a state folder.
pub fn log_file() -> Option<PathBuf> {
    state_dir().map(|dir| dir.join(LOG_FILE))
}

/// Installs the subscriber: the file always (when it can be opened), the terminal as `terminal`
/// says unless `GETANIME_LOG` or `RUST_LOG` choose its filter.
pub fn init(terminal: Terminal) {
    let asked = ["GETANIME_LOG", "RUST_LOG"]
        .into_iter()
        .find_map(|variable| EnvFilter::try_from_env(variable).ok());
    let terminal_filter = match (asked, terminal) {
        (Some(filter), _) => Some(filter),
        (None, Terminal::Verbose) => Some(EnvFilter::new(VERBOSE_FILTER)),
        (None, Terminal::Smoke) => Some(EnvFilter::new(SMOKE_FILTER)),
        (None, Terminal::Quiet) => None,
    };
    let colored = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let terminal_layer = terminal_filter.map(|filter| {
        tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .with_ansi(colored)
            .with_filter(filter)
    });
    let (file, file_problem) = match log_file().map(|path| open_log(&path).map(|file| (file, path)))
    {
        Some(Ok((file, _))) => (Some(file), None),
        Some(Err(error)) => (None, Some(error)),
        None => (None, None),
    };
    let file_layer = file.map(|file| {
        tracing_subscriber::fmt::layer()
            .with_writer(Arc::new(file))
            .with_ansi(false)
            .with_filter(EnvFilter::new(FILE_FILTER))
    });
    let subscriber = tracing_subscriber::registry().with(terminal_layer).with(file_layer);
    if let Err(error) = tracing::subscriber::set_global_default(subscriber) {
        eprintln!("logging is unavailable: {error}");
    }
    if let Some(error) = file_problem {
        tracing::warn!("the log file cannot be written, so nothing is logged there: {error:#}");
    }
    // `log` records are forwarded too, except arboard's: the X11 clipboard logs from its
    // destructor while the UI thread's thread-locals are torn down at exit, and formatting that
    // record would touch a destroyed thread-local and abort the process. Only up to the most
    // verbose level a filter lets through: the windowing crates (x11rb, calloop, polling) log
    // at trace on every request and poll, and each record would otherwise reach the filters.
    let most_verbose = tracing::level_filters::LevelFilter::current();
    let log_tracer = tracing_log::LogTracer::builder()
        .ignore_crate("arboard")
        .with_max_level(most_verbose.as_log());
    if let Err(error) = log_tracer.init() {
        eprintln!("`log` records are unavailable: {error}");
    }
}

/// Opens `path` for appending, readable by its owner only (the log can name what you watch),
/// after rotating it when it has grown past [`ROTATE_AT_BYTES`].
fn open_log(path: &Path) -> anyhow::Result<File> {
    use anyhow::Context;
    if let Some(dir) = path.parent() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .with_context(|| format!("creating {}", dir.display()))?;
    }
    rotate(path).with_context(|| format!("rotating {}", path.display()))?;
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("opening {}", path.display()))?;
    // A file made before (by hand, or by an older getanime) becomes private too.
    file.set_permissions(std::fs::Permissions::from_mode(0o600))
        .with_context(|| format!("making {} private", path.display()))?;
    Ok(file)
}

/// `getanime.log` → `.1` → `.2` → `.3` (the oldest dropped) when the current one is too big.
fn rotate(path: &Path) -> io::Result<()> {
    let size = match std::fs::metadata(path) {
        Ok(metadata) => metadata.len(),
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(error) => return Err(error),
    };
    if size < ROTATE_AT_BYTES {
        return Ok(());
    }
    let numbered = |n: u32| {
        let mut name = path.as_os_str().to_owned();
        name.push(format!(".{n}"));
        PathBuf::from(name)
    };
    for n in (1..KEPT_ROTATIONS).rev() {
        match std::fs::rename(numbered(n), numbered(n + 1)) {
            Err(error) if error.kind() != io::ErrorKind::NotFound => return Err(error),
            _ => {}
        }
    }
    std::fs::rename(path, numbered(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_big_log_is_rotated_and_the_oldest_copy_dropped() -> anyhow::Result<()> {
        let temp = tempfile::tempdir()?;
        let log = temp.path().join(LOG_FILE);
        for (n, text) in [(3, "oldest"), (2, "older"), (1, "old")] {
            std::fs::write(temp.path().join(format!("{LOG_FILE}.{n}")), text)?;
        }
        std::fs::write(&log, vec![b'x'; ROTATE_AT_BYTES as usize])?;
        let file = open_log(&log)?;
        assert_eq!(file.metadata()?.len(), 0, "a fresh file after rotating");
        assert_eq!(file.metadata()?.permissions().mode() & 0o777, 0o600);
        let read = |n: u32| std::fs::read_to_string(temp.path().join(format!("{LOG_FILE}.{n}")));
        assert_eq!(read(2)?, "old");
        assert_eq!(read(3)?, "older");
        assert_eq!(read(1)?.len(), ROTATE_AT_BYTES as usize);
        assert!(!temp.path().join(format!("{LOG_FILE}.4")).exists());
        Ok(())
    }

    #[test]
    fn a_small_log_is_kept_and_made_private() -> anyhow::Result<()> {
        let temp = tempfile::tempdir()?;
        let log = temp.path().join("state/getanime").join(LOG_FILE);
        std::fs::create_dir_all(log.parent().unwrap())?;
        std::fs::write(&log, "earlier\n")?;
        std::fs::set_permissions(&log, std::fs::Permissions::from_mode(0o644))?;
        let file = open_log(&log)?;
        assert_eq!(file.metadata()?.len(), 8, "appended to, not replaced");
        assert_eq!(std::fs::metadata(&log)?.permissions().mode() & 0o777, 0o600);
        Ok(())
    }
}
