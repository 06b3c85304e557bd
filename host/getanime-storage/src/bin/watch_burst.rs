//! Test helper for the crash-safety tests (`tests/storage.rs`, `crash`): records the watch
//! position of one episode as fast as it can, each write its own transaction, and prints the
//! position after each commit. The test SIGKILLs it at random moments and checks that every
//! position it printed survived.
//!
//! Usage: `watch_burst DATABASE EPISODE_ID BASE_MS` (positions are BASE_MS + 1000, + 2000, ...)

use std::io::Write;
use std::path::PathBuf;

use getanime_domain::{EpisodeId, ProfileId};
use getanime_storage::Database;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(episode), Some(base)) = (args.next(), args.next(), args.next()) else {
        return Err("usage: watch_burst DATABASE EPISODE_ID BASE_MS".into());
    };
    let episode = EpisodeId(episode.parse()?);
    let base: u64 = base.parse()?;
    let mut db = Database::open(&PathBuf::from(path))?;
    let mut stdout = std::io::stdout().lock();
    for step in 1u64.. {
        let position_ms = base + step * 1_000;
        db.record_position(
            ProfileId::DEFAULT,
            episode,
            position_ms,
            Some(u64::MAX >> 12),
            step as i64,
        )?;
        writeln!(stdout, "{position_ms}")?;
        stdout.flush()?;
    }
    Ok(())
}
