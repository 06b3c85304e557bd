//! Fuzz harnesses. Each target takes arbitrary bytes, feeds them to one untrusted-input boundary
//! and checks the promise of that boundary: no panic, no hang, and where it applies, an invariant
//! (what validation accepts, storage can store; a refused backup leaves the library healthy).
//!
//! Two drivers share these functions: `fuzz/` (cargo-fuzz / libFuzzer, `cargo xtask fuzz
//! --seconds N`) and `tests/fuzz.rs` (the seeds in `tests/fixtures/fuzz/<target>/` plus
//! deterministic mutations of them, in every `cargo xtask test`). An input a fuzzer finds goes
//! into that directory and becomes a regression test.

use std::io::Write;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use getanime_domain::{Episode, Quality, SkipRange, Stream, Title, TitleSummary, Torrent};
use getanime_storage::Database;

/// A fuzz target: arbitrary bytes in, a panic when a promise is broken.
pub type Target = fn(&[u8]);

/// The fuzz targets, by name (the directory names under `tests/fixtures/fuzz/` and `fuzz/`).
pub const TARGETS: [(&str, Target); 5] = [
    ("anilibria_v3", anilibria_v3),
    ("aniliberty_v1", aniliberty_v1),
    ("validation", validation),
    ("package", package),
    ("restore", restore),
];

const MEDIA_HOST: &str = "https://cache.libria.fun";

/// Every AniLibria v3 parser and the response check on the same bytes.
pub fn anilibria_v3(data: &[u8]) {
    use anilibria::v3;
    consume(v3::check_response(
        "https://api.example/v3/title",
        200,
        Some("application/json"),
        data,
    ));
    consume(v3::parse_page(data, MEDIA_HOST, 1));
    consume(v3::parse_schedule(data, MEDIA_HOST));
    consume(v3::parse_title(data, MEDIA_HOST));
}

/// Every AniLiberty v1 parser and the response check on the same bytes.
pub fn aniliberty_v1(data: &[u8]) {
    use aniliberty::v1;
    let url = "https://api.example/api/v1/anime/releases/latest";
    consume(v1::check_response(url, 200, Some("application/json"), data));
    consume(v1::parse_page(data, MEDIA_HOST, 1));
    consume(v1::parse_schedule(data, MEDIA_HOST));
    consume(v1::parse_release(data, MEDIA_HOST));
    consume(v1::parse_torrents(data));
}

/// Host validation of a plugin's title (from JSON, or built field by field from the bytes); a
/// title validation accepts must then be stored without error.
pub fn validation(data: &[u8]) {
    let title = match data.split_first() {
        Some((0, json)) => match serde_json::from_slice::<Title>(json) {
            Ok(title) => title,
            Err(_) => return,
        },
        _ => Bytes(data).title(),
    };
    let Ok((title, _repairs)) = getanime_domain::validation::validate_title("fuzz", title) else {
        return;
    };
    let mut db = scratch_library().lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Err(error) = db.upsert_title("fuzz", &title, 1_700_000_000_000) {
        panic!("validation accepted a title storage refused: {error}\n{title:#?}");
    }
}

/// A plugin package: the bytes as a `.tar.gz` file (as given, or gzipped so the tar reader sees
/// them), and as a manifest.
pub fn package(data: &[u8]) {
    let dir = scratch_dir();
    let path = dir.join("package.tar.gz");
    let bytes = match data.split_first() {
        Some((selector, rest)) if selector % 2 == 1 => gzip(rest),
        _ => data.to_vec(),
    };
    if std::fs::write(&path, bytes).is_err() {
        return;
    }
    consume(getanime_plugins::Package::read(&path));
    if let Ok(text) = std::str::from_utf8(data) {
        consume(getanime_plugins::parse_manifest(&path, text));
    }
}

/// Restoring an arbitrary file as a backup: refused or restored, the library afterwards opens and
/// passes its integrity check.
pub fn restore(data: &[u8]) {
    let dir = scratch_dir();
    let backup = dir.join("backup.sqlite3");
    if std::fs::write(&backup, data).is_err() {
        return;
    }
    let library = dir.join("restore-target.sqlite3");
    let mut db = match Database::open(&library) {
        Ok(db) => db,
        Err(error) => panic!("the scratch library cannot be opened: {error}"),
    };
    let restored = db.restore_from(&backup);
    match db.check() {
        Ok(check) if check.problems.is_empty() => {}
        Ok(check) => panic!("after restore ({restored:?}) the library is unhealthy: {check:?}"),
        Err(error) => panic!("after restore ({restored:?}) the library cannot be checked: {error}"),
    }
}

/// Ignores a result on purpose: the harness only cares that the call returned.
fn consume<T, E>(result: Result<T, E>) {
    drop(result);
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(data).and_then(|()| encoder.finish()).unwrap_or_default()
}

/// A directory for this process's scratch files (kept until the process ends).
fn scratch_dir() -> PathBuf {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(error) => panic!("no scratch directory: {error}"),
    })
    .path()
    .to_path_buf()
}

/// One library for the validation target (opening a database per input would dominate the run).
fn scratch_library() -> &'static Mutex<Database> {
    static LIBRARY: OnceLock<Mutex<Database>> = OnceLock::new();
    LIBRARY.get_or_init(|| match Database::open(&scratch_dir().join("validation.sqlite3")) {
        Ok(db) => Mutex::new(db),
        Err(error) => panic!("the scratch library cannot be opened: {error}"),
    })
}

/// Reads typed values off the front of the fuzzer's bytes (zeros once they run out).
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((first, rest)) => {
                self.0 = rest;
                *first
            }
            None => 0,
        }
    }

    fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.byte(), self.byte(), self.byte(), self.byte()])
    }

    fn u64(&mut self) -> u64 {
        u64::from(self.u32()) << 32 | u64::from(self.u32())
    }

    /// A string of up to 255 bytes, lossily decoded (control characters and all).
    fn text(&mut self) -> String {
        let length = usize::from(self.byte()).min(self.0.len());
        let (text, rest) = self.0.split_at(length);
        self.0 = rest;
        String::from_utf8_lossy(text).into_owned()
    }

    fn maybe<T>(&mut self, value: impl FnOnce(&mut Self) -> T) -> Option<T> {
        (self.byte() % 2 == 1).then(|| value(self))
    }

    fn list<T>(&mut self, most: u8, mut item: impl FnMut(&mut Self) -> T) -> Vec<T> {
        let count = self.byte() % (most + 1);
        (0..count).map(|_| item(self)).collect()
    }

    fn skip(&mut self) -> SkipRange {
        SkipRange { start_ms: self.u32(), end_ms: self.u32() }
    }

    fn episode(&mut self) -> Episode {
        Episode {
            // Any bit pattern: NaN, infinities, negatives, subnormals.
            number: f64::from_bits(self.u64()),
            name: self.maybe(Self::text),
            streams: self.list(4, |bytes| Stream {
                quality: [Quality::Fhd, Quality::Hd, Quality::Sd][usize::from(bytes.byte() % 3)],
                url: bytes.text(),
            }),
            preview_url: self.maybe(Self::text),
            opening: self.maybe(Self::skip),
            ending: self.maybe(Self::skip),
            duration_ms: self.maybe(Self::u32),
            published_at: self.maybe(|bytes| bytes.u64() as i64),
            subtitles: Vec::new(),
            audio: Vec::new(),
            source_id: self.maybe(Self::text),
        }
    }

    fn title(&mut self) -> Title {
        Title {
            summary: TitleSummary {
                source_id: self.text(),
                name: self.text(),
                name_original: self.maybe(Self::text),
                alt_names: self.list(4, Self::text),
                poster_url: self.maybe(Self::text),
                kind: self.maybe(Self::text),
                episodes_total: self.maybe(Self::u32),
                updated_at: self.maybe(|bytes| bytes.u64() as i64),
            },
            description: self.maybe(Self::text),
            genres: self.list(6, Self::text),
            year: self.maybe(|bytes| bytes.u32() as u16),
            status: self.maybe(Self::text),
            release_weekday: self.maybe(Self::byte),
            episodes: self.list(12, Self::episode),
            torrents: self.list(3, |bytes| Torrent {
                source_id: bytes.text(),
                episodes: bytes.text(),
                quality: bytes.text(),
                size_bytes: bytes.maybe(Self::u64),
                magnet: bytes.text(),
                seeders: bytes.maybe(Self::u32),
                info_hash: bytes.maybe(Self::text),
            }),
            details_complete: self.byte() % 2 == 1,
            external_ids: Vec::new(),
            related: Vec::new(),
            age_rating: self.maybe(Self::byte),
            backdrop_url: self.maybe(Self::text),
        }
    }
}
