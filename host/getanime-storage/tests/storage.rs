//! Storage integration tests: real SQLite files in temporary directories, through the public API.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use getanime_domain::{
    BrowseQuery, BrowseSort, Episode, EpisodeId, ListEntry, ListFilter, ListStatus, PluginRecord,
    Profile, ProfileId, Quality, Rating, ScheduleDay, SkipRange, StatusChange, Stream, Title,
    TitleId, TitleSummary, Torrent,
};
use getanime_storage::{Database, Error, PosterToFetch, RemovalPolicy};

const PLUGIN: &str = "anilibria";
const NOW: i64 = 1_700_000_000_000;
const DEFAULT: ProfileId = ProfileId::DEFAULT;

/// A temporary directory holding one database.
struct TestDir {
    dir: tempfile::TempDir,
}

impl TestDir {
    fn new() -> Result<TestDir> {
        Ok(TestDir { dir: tempfile::tempdir().context("creating a temp dir")? })
    }

    fn db_path(&self) -> PathBuf {
        self.dir.path().join("library.sqlite3")
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn open(&self) -> Result<Database> {
        Database::open(&self.db_path()).context("opening the test database")
    }

    /// A raw connection, for checks the public API deliberately does not offer.
    fn raw(&self) -> Result<rusqlite::Connection> {
        Ok(rusqlite::Connection::open(self.db_path())?)
    }

    fn count(&self, table: &str) -> Result<i64> {
        Ok(self.raw()?.query_row(&format!("SELECT count(*) FROM {table}"), [], |row| row.get(0))?)
    }
}

fn episode(number: f64) -> Episode {
    Episode {
        number,
        name: Some(format!("Серия {number}")),
        streams: vec![
            Stream {
                quality: Quality::Fhd,
                url: format!("https://cdn.example/{number}/1080.m3u8"),
            },
            Stream { quality: Quality::Hd, url: format!("https://cdn.example/{number}/720.m3u8") },
            Stream { quality: Quality::Sd, url: format!("https://cdn.example/{number}/480.m3u8") },
        ],
        preview_url: Some(format!("https://static.example/{number}.jpg")),
        opening: Some(SkipRange { start_ms: 1_000, end_ms: 90_000 }),
        ending: Some(SkipRange { start_ms: 1_300_000, end_ms: 1_390_000 }),
        duration_ms: Some(1_420_000),
        published_at: Some(NOW - 86_400_000),
        subtitles: Vec::new(),
        audio: Vec::new(),
        source_id: Some(format!("uuid-{number}")),
    }
}

fn title(source_id: &str, name: &str, episodes: &[f64]) -> Title {
    Title {
        summary: TitleSummary {
            source_id: source_id.to_owned(),
            name: name.to_owned(),
            name_original: Some(format!("{source_id} original")),
            alt_names: vec![format!("{source_id} alt")],
            poster_url: Some(format!("https://static.example/posters/{source_id}.jpg")),
            kind: Some("TV".to_owned()),
            episodes_total: Some(12),
            updated_at: Some(NOW),
        },
        description: Some("Описание\nв две строки".to_owned()),
        genres: vec!["Экшен".to_owned(), "Фэнтези".to_owned()],
        year: Some(2020),
        status: Some("Онгоинг".to_owned()),
        release_weekday: Some(5),
        episodes: episodes.iter().copied().map(episode).collect(),
        torrents: vec![Torrent {
            source_id: format!("{source_id}-t1"),
            episodes: "1-12".to_owned(),
            quality: "WEBRip 1080p".to_owned(),
            size_bytes: Some(5_000_000_000),
            magnet: "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567".to_owned(),
            seeders: Some(42),
            info_hash: Some("0123456789abcdef0123456789abcdef01234567".to_owned()),
        }],
        details_complete: true,
        external_ids: Vec::new(),
        related: Vec::new(),
        age_rating: Some(16),
        backdrop_url: None,
    }
}

fn plugin(id: &str) -> PluginRecord {
    PluginRecord {
        id: id.to_owned(),
        name: "AniLibria".to_owned(),
        version: "1.0.0".to_owned(),
        api_version: "0.1.0".to_owned(),
        kind: getanime_domain::PluginKind::Provider,
        sha256: "ab".repeat(32),
        description: Some("Anime".to_owned()),
        enabled: true,
        allowed_hosts: vec!["api.anilibria.tv".to_owned(), "static.anilibria.tv".to_owned()],
        installed_at: NOW,
        updated_at: NOW,
        last_sync_at: None,
        last_error: None,
    }
}

/// The episode ids of a title, by number.
fn episode_ids(db: &Database, title: getanime_domain::TitleId) -> Result<Vec<(f64, EpisodeId)>> {
    Ok(db
        .episodes(title, DEFAULT)?
        .into_iter()
        .map(|entry| (entry.episode.number, entry.id))
        .collect())
}

/// Every row of `tables`, as text (`table: v1 | v2 …`), for comparing two databases.
fn table_rows(connection: &rusqlite::Connection, tables: &[String]) -> Result<Vec<String>> {
    let mut rows = Vec::new();
    for table in tables {
        let mut statement = connection.prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2"))?;
        let columns = statement.column_count();
        let mut query = statement.query([])?;
        while let Some(row) = query.next()? {
            let values: Vec<String> = (0..columns)
                .map(|index| row.get_ref(index).map(|value| format!("{value:?}")))
                .collect::<rusqlite::Result<_>>()?;
            rows.push(format!("{table}: {}", values.join(" | ")));
        }
    }
    Ok(rows)
}

/// A V1 library in `dir` from the frozen V1 schema and the rows of `tests/fixtures/db/<rows>`
/// (refinery's history saying V1), still closed to getanime.
fn v1_library(dir: &TestDir, rows: &str) -> Result<rusqlite::Connection> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let schema = std::fs::read_to_string(root.join("../../migrations/V1__initial.sql"))?;
    let rows = std::fs::read_to_string(root.join("tests/fixtures/db").join(rows))?;
    let raw = dir.raw()?;
    raw.execute_batch(&schema).context("creating the V1 schema")?;
    raw.execute_batch(
        "CREATE TABLE refinery_schema_history (version INT4 PRIMARY KEY, name VARCHAR(255), \
         applied_on VARCHAR(255), checksum VARCHAR(255));",
    )?;
    // A dump lists tables alphabetically, children before parents.
    raw.pragma_update(None, "foreign_keys", false)?;
    raw.execute_batch(&rows).context("loading the V1 rows")?;
    raw.pragma_update(None, "foreign_keys", true)?;
    Ok(raw)
}

mod opening {
    use super::*;

    #[test]
    fn open_creates_and_migrates_a_new_database() -> Result<()> {
        let dir = TestDir::new()?;
        let db = dir.open()?;
        assert_eq!(db.schema_version()?, 9);
        assert_eq!(db.title_count()?, 0);
        assert_eq!(db.profiles()?, vec![Profile { id: DEFAULT, name: "Default".to_owned() }]);
        Ok(())
    }

    #[test]
    fn check_counts_rows_and_finds_no_problem_in_a_healthy_file() -> Result<()> {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        db.upsert_title(PLUGIN, &title("1", "One", &[1.0, 2.0]), NOW)?;
        let check = db.check()?;
        assert!(check.problems.is_empty(), "{:?}", check.problems);
        assert_eq!((check.titles, check.episodes, check.streams, check.torrents), (1, 2, 6, 1));
        dir.raw()?.execute_batch("PRAGMA foreign_keys = OFF; INSERT INTO streams VALUES (999, 'hd', 'https://x.example/a');")?;
        let check = db.check()?;
        assert_eq!(check.problems.len(), 1, "{:?}", check.problems);
        assert!(check.problems[0].contains("streams"), "{:?}", check.problems);
        Ok(())
    }

    #[test]
    fn reopening_keeps_the_schema_and_the_data() -> Result<()> {
        let dir = TestDir::new()?;
        dir.open()?.upsert_title(PLUGIN, &title("1", "One", &[1.0]), NOW)?;
        let db = dir.open()?;
        assert_eq!(db.schema_version()?, 9);
        assert_eq!(db.title_count()?, 1);
        Ok(())
    }

    #[test]
    fn a_database_from_a_newer_build_is_refused_and_left_untouched() -> Result<()> {
        let dir = TestDir::new()?;
        drop(dir.open()?);
        {
            let raw = dir.raw()?;
            raw.execute(
                "INSERT INTO refinery_schema_history (version, name, applied_on, checksum) VALUES (99, 'future', 'x', '0')",
                [],
            )?;
            raw.execute("INSERT INTO settings (key, value) VALUES ('marker', 'kept')", [])?;
        }
        let error =
            Database::open(&dir.db_path()).err().context("a newer schema must be refused")?;
        assert!(matches!(error, Error::NewerSchema { found: 99, supported: 9, .. }), "{error}");
        assert!(error.to_string().contains("newer getanime"), "{error}");
        let marker: String =
            dir.raw()?.query_row("SELECT value FROM settings WHERE key = 'marker'", [], |row| {
                row.get(0)
            })?;
        assert_eq!(marker, "kept");
        Ok(())
    }

    #[test]
    fn a_missing_directory_is_an_error_not_a_new_database() -> Result<()> {
        let dir = TestDir::new()?;
        let path = dir.path("no-such-dir").join("library.sqlite3");
        let error = Database::open(&path).err().context("a missing directory must be refused")?;
        assert!(matches!(error, Error::MissingDirectory { .. }), "{error}");
        assert!(!dir.path("no-such-dir").exists());
        Ok(())
    }

    #[test]
    fn a_file_that_is_not_a_database_is_refused_and_kept() -> Result<()> {
        let dir = TestDir::new()?;
        let content = b"these are my notes, not a database".repeat(200);
        std::fs::write(dir.db_path(), &content)?;
        let error =
            Database::open(&dir.db_path()).err().context("a non-database must be refused")?;
        assert!(matches!(error, Error::Open { .. }), "{error}");
        assert!(error.to_string().contains("not a database"), "{error}");
        assert_eq!(std::fs::read(dir.db_path())?, content);
        Ok(())
    }

    /// The fixture pattern for upgrades: `tests/fixtures/db/v1.sql` is a V1 library with data
    /// (see the README there). Every later schema must open it and keep the data.
    #[test]
    fn a_v1_library_with_data_opens_with_its_data() -> Result<()> {
        let dir = TestDir::new()?;
        drop(v1_library(&dir, "v1.sql")?);
        let db = dir.open()?;
        assert_eq!(db.schema_version()?, 9);
        let id = db.title_id("anilibria", "9432")?.context("the fixture title")?;
        let details = db.title_details(id, DEFAULT)?;
        assert_eq!(details.card.name, "Стальной алхимик: Братство");
        assert_eq!(details.episodes.len(), 2);
        let watch = details.episodes[0].watch.context("the fixture's watch state")?;
        assert_eq!(watch.position_ms, 600_000);
        assert_eq!(db.rating(DEFAULT, id)?, Some(Rating::new(9)?));
        assert_eq!(db.search_titles("алхимик", 10)?.len(), 1, "the fixture's title is searchable");
        Ok(())
    }
}

mod catalog {
    use super::*;
    use getanime_domain::{ExternalId, RelatedTitle, SubtitleFormat, SubtitleTrack, Tracker};

    /// Contract 0.2's fields (V3): tracker ids, related titles, subtitle files and audio labels
    /// are written with the title and read back; a new sync replaces them; a summary-only update
    /// leaves the subtitles with their episodes.
    #[test]
    fn tracker_ids_related_titles_subtitles_and_audio_round_trip() -> Result<()> {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        let mut full = title("1", "One", &[1.0, 2.0]);
        full.external_ids = vec![
            ExternalId { tracker: Tracker::Shikimori, id: "52991".into() },
            ExternalId { tracker: Tracker::MyAnimeList, id: "52991".into() },
        ];
        full.related =
            vec![RelatedTitle { source_id: "2".into(), name: "Two".into(), order: Some(2) }];
        full.episodes[0].subtitles = vec![
            SubtitleTrack {
                url: "https://subs.example/1.ru.ass".into(),
                language: Some("ru".into()),
                label: Some("Надписи".into()),
                format: SubtitleFormat::Ass,
            },
            SubtitleTrack {
                url: "https://subs.example/1.en.vtt".into(),
                language: Some("en".into()),
                label: None,
                format: SubtitleFormat::WebVtt,
            },
        ];
        full.episodes[0].audio = vec!["AniLibria".into(), "Japanese".into()];
        let id = db.upsert_title(PLUGIN, &full, NOW)?;
        let details = db.title_details(id, DEFAULT)?;
        let trackers: Vec<Tracker> = details.external_ids.iter().map(|id| id.tracker).collect();
        assert_eq!(trackers, [Tracker::MyAnimeList, Tracker::Shikimori], "in tracker order");
        assert_eq!(details.related, full.related);
        assert_eq!(details.episodes[0].episode.subtitles, full.episodes[0].subtitles);
        assert_eq!(details.episodes[0].episode.audio, ["AniLibria", "Japanese"]);
        assert!(details.episodes[1].episode.subtitles.is_empty());

        let mut summary = title("1", "One", &[]);
        summary.details_complete = false;
        db.upsert_title(PLUGIN, &summary, NOW + 1)?;
        let details = db.title_details(id, DEFAULT)?;
        assert_eq!(details.external_ids.len(), 2, "a summary without ids keeps them");
        assert_eq!(details.episodes[0].episode.subtitles.len(), 2);

        let mut resynced = title("1", "One", &[1.0]);
        resynced.external_ids = vec![ExternalId { tracker: Tracker::AniList, id: "1".into() }];
        db.upsert_title(PLUGIN, &resynced, NOW + 2)?;
        let details = db.title_details(id, DEFAULT)?;
        assert_eq!(details.external_ids, resynced.external_ids, "replaced, not added to");
        assert!(details.related.is_empty());
        assert!(
            details.episodes[0].episode.subtitles.is_empty()
                && details.episodes[0].episode.audio.is_empty()
        );
        assert!(db.check()?.problems.is_empty(), "{:?}", db.check()?.problems);
        Ok(())
    }

    #[test]
    fn a_whole_title_round_trips() -> Result<()> {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        let original = title("9432", "Магическая битва", &[1.0, 2.0, 12.5]);
        let id = db.upsert_title(PLUGIN, &original, NOW)?;
        let details = db.title_details(id, DEFAULT)?;

        assert_eq!(details.card.name, "Магическая битва");
        assert_eq!(details.card.plugin_id, PLUGIN);
        assert_eq!(details.card.source_id, "9432");
        assert_eq!(details.card.name_original, original.summary.name_original);
        assert_eq!(details.alt_names, original.summary.alt_names);
        assert_eq!(details.card.poster_url, original.summary.poster_url);
        assert_eq!(details.card.year, Some(2020));
        assert_eq!(details.card.episodes_total, Some(12));
        assert_eq!(details.card.source_updated_at, Some(NOW));
        assert_eq!(details.description, original.description);
        assert_eq!(details.genres, ["Фэнтези", "Экшен"], "genres come back sorted");
        assert_eq!(details.status, original.status);
        assert_eq!(details.release_weekday, Some(5));
        let episodes: Vec<Episode> =
            details.episodes.iter().map(|entry| entry.episode.clone()).collect();
        assert_eq!(
            episodes, original.episodes,
            "streams come back best quality first, episodes by number"
        );
        assert_eq!(details.torrents, original.torrents);
        assert_eq!(details.fetched_at, NOW);
        assert_eq!(details.details_fetched_at, Some(NOW));
        assert_eq!(db.title_id(PLUGIN, "9432")?, Some(id));
        assert_eq!(db.title_id("other-plugin", "9432")?, None);
        Ok(())
    }

    #[test]
    fn a_missing_title_is_not_found() -> Result<()> {
        let dir = TestDir::new()?;
        let db = dir.open()?;
        let error = db
            .title_details(getanime_domain::TitleId(404), DEFAULT)
            .err()
            .context("no title 404")?;
        assert!(matches!(error, Error::NotFound { what: "title", .. }), "{error}");
        Ok(())
    }

    #[test]
    fn resyncing_keeps_watch_state_of_remaining_episodes_and_drops_vanished_ones() -> Result<()> {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        let id = db.upsert_title(PLUGIN, &title("1", "One", &[1.0, 2.0, 3.0]), NOW)?;
        let before = episode_ids(&db, id)?;
        db.record_position(DEFAULT, before[0].1, 60_000, Some(1_420_000), NOW)?;
        db.record_position(DEFAULT, before[2].1, 30_000, Some(1_420_000), NOW)?;

        let mut resynced = title("1", "One (renamed)", &[1.0, 2.0, 4.0]);
        resynced.torrents.clear();
        db.upsert_title(PLUGIN, &resynced, NOW + 1)?;

        let after = episode_ids(&db, id)?;
        let numbers: Vec<f64> = after.iter().map(|(number, _)| *number).collect();
        assert_eq!(numbers, [1.0, 2.0, 4.0]);
        assert_eq!(after[0].1, before[0].1, "episode 1 keeps its id");
        assert_eq!(
            db.watch_state(DEFAULT, after[0].1)?.map(|watch| watch.position_ms),
            Some(60_000)
        );
        assert_eq!(db.history(DEFAULT, 10, 0)?.len(), 1, "episode 3's state went with it");
        assert_eq!(dir.count("torrents")?, 0, "torrents that vanished are removed");
        assert_eq!(db.title_details(id, DEFAULT)?.card.name, "One (renamed)");
        Ok(())
    }

    #[test]
    fn a_summary_only_update_leaves_episodes_and_torrents_alone() -> Result<()> {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        let id = db.upsert_title(PLUGIN, &title("1", "One", &[1.0, 2.0]), NOW)?;
        let summary = Title {
            episodes: Vec::new(),
            torrents: Vec::new(),
            description: None,
            details_complete: false,
            ..title("1", "One", &[])
        };
        db.upsert_title(PLUGIN, &summary, NOW + 5)?;
        let details = db.title_details(id, DEFAULT)?;
        assert_eq!(details.episodes.len(), 2);
        assert_eq!(details.torrents.len(), 1);
        assert!(
            details.description.is_some(),
            "a missing description does not erase the known one"
        );
        assert_eq!(details.fetched_at, NOW + 5);
        assert_eq!(details.details_fetched_at, Some(NOW), "details are as old as before");
        Ok(())
    }

    #[test]
    fn a_failure_in_the_middle_of_a_batch_writes_nothing() -> Result<()> {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        let broken = title("2", "Broken", &[-1.0]);
        let batch = [title("1", "Good", &[1.0]), broken, title("3", "Also good", &[1.0])];
        let error = db
            .upsert_titles(PLUGIN, &batch, NOW)
            .err()
            .context("a negative episode number must fail")?;
        assert!(matches!(error, Error::Conflict(_)), "{error}");
        assert_eq!(db.title_count()?, 0);
        assert_eq!(dir.count("episodes")?, 0);
        assert_eq!(dir.count("streams")?, 0);
        Ok(())
    }

    #[test]
    fn search_matches_any_name_in_any_case_and_script() -> Result<()> {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        let mut jujutsu = title("1", "Магическая битва", &[]);
        jujutsu.summary.name_original = Some("Jujutsu Kaisen".to_owned());
        jujutsu.summary.alt_names = vec!["呪術廻戦".to_owned()];
        let other = title("2", "Ёлки 100% зелёные", &[]);
        db.upsert_titles(PLUGIN, &[jujutsu, other], NOW)?;

        let names = |db: &Database, query: &str| -> Result<Vec<String>> {
            Ok(db.search_titles(query, 10)?.into_iter().map(|card| card.name).collect())
        };
        assert_eq!(names(&db, "магическая")?, ["Магическая битва"]);
        assert_eq!(names(&db, "МАГИЧЕСКАЯ БИТВА")?, ["Магическая битва"]);
        assert_eq!(names(&db, "jujutsu")?, ["Магическая битва"]);
        assert_eq!(names(&db, "呪術")?, ["Магическая битва"]);
        assert_eq!(
            names(&db, "елки")?,
            ["Ёлки 100% зелёные"],
            "ё and е are the same letter for search"
        );
        assert_eq!(names(&db, "100%")?, ["Ёлки 100% зелёные"]);
        assert!(names(&db, "%")?.len() == 1, "% is a literal, not a wildcard");
        assert!(names(&db, "_")?.is_empty(), "_ is a literal, not a wildcard");
        assert!(names(&db, "  ")?.is_empty());
        assert!(names(&db, "битва\"")?.is_empty(), "quotes in the query are text, not syntax");

        db.upsert_title(PLUGIN, &title("1", "Jujutsu Kaisen", &[]), NOW)?;
        assert!(
            names(&db, "магическая")?.is_empty(),
            "a renamed title is found by its new name only"
        );
        assert_eq!(names(&db, "kaisen")?, ["Jujutsu Kaisen"]);
        db.register_plugin(&plugin(PLUGIN))?;
        db.remove_plugin(PLUGIN, RemovalPolicy::DeleteEverything)?;
        assert!(names(&db, "kaisen")?.is_empty(), "removed titles leave the index");
        Ok(())
    }

    #[test]
    fn recently_updated_is_newest_first_and_paged() -> Result<()> {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        let titles: Vec<Title> = (1..=5)
            .map(|n| {
                let mut title = title(&n.to_string(), &format!("Title {n}"), &[]);
                title.summary.updated_at = Some(NOW + n);
                title
            })
            .collect();
        db.upsert_titles(PLUGIN, &titles, NOW)?;
        let page = |db: &Database, offset| -> Result<Vec<String>> {
            Ok(db.recently_updated(2, offset)?.into_iter().map(|card| card.source_id).collect())
        };
        assert_eq!(page(&db, 0)?, ["5", "4"]);
        assert_eq!(page(&db, 2)?, ["3", "2"]);
        assert_eq!(page(&db, 4)?, ["1"]);

        let mut unknown = title("0", "Unknown date", &[]);
        unknown.summary.updated_at = None;
        db.upsert_title(PLUGIN, &unknown, NOW)?;
        assert_eq!(page(&db, 4)?, ["1", "0"], "titles without a date come last");
        Ok(())
    }

    #[test]
    fn browse_filters_by_source_genre_and_year_and_sorts_three_ways() -> Result<()> {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        let make = |source_id: &str, name: &str, year: u16, genre: &str, updated: i64| {
            let mut title = title(source_id, name, &[]);
            title.year = Some(year);
            title.genres = vec![genre.to_owned(), "Общий".to_owned()];
            title.summary.updated_at = Some(NOW + updated);
            title
        };
        let a = db.upsert_title(PLUGIN, &make("a", "Яблоко", 2020, "Драма", 1), NOW)?;
        let b = db.upsert_title(PLUGIN, &make("b", "apple", 2021, "Комедия", 3), NOW)?;
        let c = db.upsert_title("demo", &make("c", "Banana", 2020, "Драма", 2), NOW)?;
        db.set_rating(DEFAULT, c, Rating::new(9)?, NOW)?;
        db.set_rating(DEFAULT, a, Rating::new(4)?, NOW)?;
        let ids = |db: &Database, query: BrowseQuery| db.browse_ids(&query, DEFAULT);

        assert_eq!(ids(&db, BrowseQuery::default())?, [b, c, a], "newest first by default");
        let by = |sort| BrowseQuery { sort, ..BrowseQuery::default() };
        assert_eq!(
            ids(&db, by(BrowseSort::Name))?,
            [b, c, a],
            "case-insensitive, Latin before Cyrillic"
        );
        assert_eq!(ids(&db, by(BrowseSort::Rating))?, [c, a, b], "unrated last");
        let only = |source: Option<&str>, genre: Option<&str>, year: Option<u16>| BrowseQuery {
            source: source.map(str::to_owned),
            genre: genre.map(str::to_owned),
            year,
            ..BrowseQuery::default()
        };
        assert_eq!(ids(&db, only(Some("demo"), None, None))?, [c]);
        assert_eq!(ids(&db, only(None, Some("Драма"), None))?, [c, a]);
        assert_eq!(ids(&db, only(None, Some("Драма"), Some(2020)))?, [c, a]);
        assert_eq!(ids(&db, only(Some(PLUGIN), None, Some(2021)))?, [b]);
        assert!(ids(&db, only(None, Some("Нет такого"), None))?.is_empty());

        let facets = db.browse_facets()?;
        assert_eq!(facets.sources, ["anilibria", "demo"]);
        assert_eq!(facets.genres, ["Драма", "Комедия", "Общий"]);
        assert_eq!(facets.years, [2021, 2020]);

        let cards = db.cards_by_ids(&[a, getanime_domain::TitleId(999), c])?;
        let names: Vec<&str> = cards.iter().map(|card| card.name.as_str()).collect();
        assert_eq!(names, ["Яблоко", "Banana"], "in the given order, unknown ids left out");
        Ok(())
    }

    #[test]
    fn the_schedule_is_replaced_per_plugin() -> Result<()> {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        let week = [
            ScheduleDay { weekday: 1, items: vec![title("1", "Monday show", &[])] },
            ScheduleDay {
                weekday: 3,
                items: vec![title("2", "Wednesday B", &[]), title("3", "Wednesday A", &[])],
            },
        ];
        db.replace_schedule(PLUGIN, &week, NOW)?;
        db.replace_schedule(
            "other",
            &[ScheduleDay { weekday: 1, items: vec![title("9", "Other", &[])] }],
            NOW,
        )?;
        let names = |db: &Database, weekday| -> Result<Vec<String>> {
            Ok(db.titles_on_weekday(weekday)?.into_iter().map(|card| card.name).collect())
        };
        assert_eq!(names(&db, 1)?, ["Monday show", "Other"]);
        assert_eq!(names(&db, 3)?, ["Wednesday A", "Wednesday B"]);

        db.replace_schedule(
            PLUGIN,
            &[ScheduleDay { weekday: 7, items: vec![title("1", "Monday show", &[])] }],
            NOW,
        )?;
        assert_eq!(names(&db, 1)?, ["Other"], "the other plugin's schedule is kept");
        assert!(names(&db, 3)?.is_empty());
        assert_eq!(names(&db, 7)?, ["Monday show"]);

        let error =
            db.replace_schedule(PLUGIN, &[ScheduleDay { weekday: 8, items: vec![] }], NOW).err();
        assert!(matches!(error, Some(Error::Conflict(_))), "{error:?}");
        assert_eq!(names(&db, 7)?, ["Monday show"], "a refused schedule changes nothing");
        Ok(())
    }

    #[test]
    fn sync_states_say_what_the_library_knows() -> Result<()> {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        let id = db.upsert_title(PLUGIN, &title("1", "One", &[1.0]), NOW)?;
        db.upsert_title(PLUGIN, &Title { details_complete: false, ..title("2", "Two", &[]) }, NOW)?;
        let states = db.sync_states(PLUGIN, &["1", "2", "3"])?;
        assert_eq!(states.len(), 2);
        let one = states["1"];
        assert_eq!(
            (one.id, one.source_updated_at, one.details_fetched_at),
            (id, Some(NOW), Some(NOW))
        );
        assert_eq!(states["2"].details_fetched_at, None);
        assert!(db.sync_states("other", &["1"])?.is_empty());
        Ok(())
    }

    #[test]
    fn the_schedule_adds_unknown_titles_and_leaves_known_ones_alone() -> Result<()> {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        let id = db.upsert_title(PLUGIN, &title("1", "Full", &[1.0, 2.0]), NOW)?;
        let trimmed = Title {
            episodes: vec![],
            details_complete: false,
            ..title("1", "Renamed in the schedule", &[])
        };
        db.replace_schedule(
            PLUGIN,
            &[ScheduleDay { weekday: 4, items: vec![trimmed, title("2", "New", &[])] }],
            NOW + 9,
        )?;
        let details = db.title_details(id, DEFAULT)?;
        assert_eq!(
            (details.card.name.as_str(), details.fetched_at, details.episodes.len()),
            ("Full", NOW, 2)
        );
        assert_eq!(db.titles_on_weekday(4)?.len(), 2);
        Ok(())
    }

    #[test]
    fn stale_titles_are_the_never_detailed_and_the_old() -> Result<()> {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        db.upsert_title(PLUGIN, &title("old", "Old", &[1.0]), NOW - 10_000)?;
        db.upsert_title(PLUGIN, &title("fresh", "Fresh", &[1.0]), NOW)?;
        db.upsert_title(
            PLUGIN,
            &Title { details_complete: false, ..title("summary", "Summary", &[]) },
            NOW,
        )?;
        db.upsert_title("other", &title("elsewhere", "Elsewhere", &[]), NOW - 10_000)?;
        let stale: Vec<String> = db
            .stale_titles(PLUGIN, NOW - 5_000, 10)?
            .into_iter()
            .map(|card| card.source_id)
            .collect();
        assert_eq!(stale, ["summary", "old"], "never-detailed first, then oldest");
        Ok(())
    }

    /// Every row of every table of `connection` but the search index's own (rebuilt from
    /// `titles`), as text: what an upgrade must keep.
    fn every_row(connection: &rusqlite::Connection) -> Result<Vec<String>> {
        let tables: Vec<String> = connection
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'table' \
                 AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'title_search%' \
                 AND name != 'refinery_schema_history' ORDER BY name",
            )?
            .query_map([], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        table_rows(connection, &tables)
    }

    /// `tests/fixtures/db/v1-full.sql` has rows in every V1 table; migrating to the current
    /// schema keeps each of them as it was, and the new tables start empty.
    #[test]
    fn a_full_v1_library_keeps_every_row_through_the_upgrade() -> Result<()> {
        let dir = TestDir::new()?;
        let raw = v1_library(&dir, "v1-full.sql")?;
        let before = every_row(&raw)?;
        let empty: Vec<String> = raw
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
                 AND name NOT LIKE 'title_search%' AND name != 'refinery_schema_history'",
            )?
            .query_map([], |row| row.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?
            .into_iter()
            .filter(|table| !before.iter().any(|row| row.starts_with(&format!("{table}: "))))
            .collect();
        assert!(empty.is_empty(), "the fixture leaves V1 tables empty: {empty:?}");
        drop(raw);

        let mut db = dir.open()?;
        assert_eq!(db.schema_version()?, 9);
        assert!(dir.path("library.sqlite3.before-v9").is_file(), "the V1 file is kept beside");
        // V3 adds `episodes.audio` ('' for the episodes there were), V4 `episodes.source_id`,
        // `titles.age_rating`, `titles.backdrop_url` and `torrents.info_hash` (NULL), V5
        // `plugins.kind` ('provider' for the plugins there were), V7 `profiles.private` (0), V8
        // `episodes.first_seen_at` (NULL: never new), V9 `titles.episodes_seen_at` (NULL): the
        // V1 columns are what must be kept.
        let added = [
            ("episodes: ", " | Text([]) | Null | Null"),
            ("titles: ", " | Null | Null | Null"),
            ("torrents: ", " | Null"),
            ("plugins: ", " | Text([112, 114, 111, 118, 105, 100, 101, 114])"),
            ("profiles: ", " | Integer(0)"),
        ];
        let after: Vec<String> = every_row(&dir.raw()?)?
            .into_iter()
            .map(|row| {
                let suffix = added.iter().find(|(table, _)| row.starts_with(table));
                match suffix.and_then(|(_, suffix)| row.strip_suffix(suffix)) {
                    Some(v1_columns) => v1_columns.to_owned(),
                    None => row,
                }
            })
            .collect();
        let kept: Vec<&String> = after
            .iter()
            .filter(|row| {
                !row.starts_with("profile_titles: ") && !row.starts_with("profile_settings: ")
            })
            .collect();
        assert_eq!(kept, before.iter().collect::<Vec<_>>(), "every V1 row, unchanged");
        assert_eq!(after.len(), before.len(), "the new tables start empty");
        assert!(db.check()?.problems.is_empty(), "{:?}", db.check()?.problems);
        assert_eq!(db.search_titles("елка", 10)?.len(), 1, "ё folded, still searchable");

        // The upgraded library takes the new marks at once.
        let masha = db.profile_by_name("Маша")?.context("the fixture's second profile")?;
        let movie = db.title_id("aniliberty", "10001")?.context("the fixture's movie")?;
        db.set_list_status(masha.id, movie, Some(ListStatus::Planned), NOW)?;
        assert_eq!(db.list_entry(masha.id, movie)?.status, Some(ListStatus::Planned));
        assert_eq!(db.list_entry(DEFAULT, movie)?, ListEntry::default());
        Ok(())
    }
}

mod lists {
    use super::*;

    fn names(cards: Vec<getanime_domain::ListCard>) -> Vec<(String, Option<f64>)> {
        cards.into_iter().map(|item| (item.card.name, item.next_episode)).collect()
    }

    #[test]
    fn a_title_is_in_one_list_at_a_time_favorites_apart_and_per_profile() -> Result<()> {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        let one = db.upsert_title(PLUGIN, &title("1", "One", &[1.0, 2.0]), NOW)?;
        let two = db.upsert_title(PLUGIN, &title("2", "Two", &[1.0]), NOW)?;
        let guest = db.create_profile("Guest", NOW)?;
        assert_eq!(db.list_entry(DEFAULT, one)?, ListEntry::default());

        assert_eq!(db.set_list_status(DEFAULT, one, Some(ListStatus::Planned), NOW)?, None);
        assert_eq!(
            db.set_list_status(DEFAULT, one, Some(ListStatus::Watching), NOW + 1)?,
            Some(ListStatus::Planned),
            "the list it was in comes back, for undo"
        );
        db.set_favorite(DEFAULT, one, true, NOW + 2)?;
        db.set_list_status(DEFAULT, two, Some(ListStatus::Watching), NOW + 3)?;
        db.set_list_status(guest, two, Some(ListStatus::Dropped), NOW)?;
        assert_eq!(
            db.list_entry(DEFAULT, one)?,
            ListEntry { status: Some(ListStatus::Watching), favorite: true, unsynced: false }
        );
        assert_eq!(db.title_details(one, DEFAULT)?.list.status, Some(ListStatus::Watching));
        let watching = |db: &Database, profile| {
            db.list_titles(profile, ListFilter::Status(ListStatus::Watching), 10).map(names)
        };
        assert_eq!(
            watching(&db, DEFAULT)?,
            [("Two".to_owned(), Some(1.0)), ("One".to_owned(), Some(1.0))],
            "newest mark first"
        );
        assert!(watching(&db, guest)?.is_empty(), "profiles keep their own lists");
        assert_eq!(
            names(db.list_titles(guest, ListFilter::Status(ListStatus::Dropped), 10)?).len(),
            1
        );
        assert_eq!(names(db.list_titles(DEFAULT, ListFilter::Favorite, 10)?).len(), 1);
        assert_eq!(watching(&db, DEFAULT)?.len(), 2);
        assert_eq!(db.list_titles(DEFAULT, ListFilter::Status(ListStatus::Watching), 1)?.len(), 1);

        db.set_list_status(DEFAULT, one, None, NOW + 4)?;
        db.set_favorite(DEFAULT, one, false, NOW + 5)?;
        assert_eq!(db.list_entry(DEFAULT, one)?, ListEntry::default());
        assert_eq!(
            dir.count("profile_titles")?,
            2,
            "a title with no mark left has no row (Two for each profile)"
        );
        let error = db.set_list_status(DEFAULT, TitleId(404), Some(ListStatus::Planned), NOW).err();
        assert!(matches!(error, Some(Error::NotFound { what: "title", .. })), "{error:?}");
        let error = db.set_favorite(DEFAULT, TitleId(404), true, NOW).err();
        assert!(matches!(error, Some(Error::NotFound { what: "title", .. })), "{error:?}");
        Ok(())
    }

    #[test]
    fn a_list_card_shows_the_episode_to_watch_next() -> Result<()> {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        let id = db.upsert_title(PLUGIN, &title("1", "One", &[1.0, 2.0, 2.5, 3.0]), NOW)?;
        db.set_list_status(DEFAULT, id, Some(ListStatus::Watching), NOW)?;
        let next = |db: &Database| -> Result<Option<f64>> {
            let cards = db.list_titles(DEFAULT, ListFilter::Status(ListStatus::Watching), 10)?;
            Ok(cards.first().context("the title is listed")?.next_episode)
        };
        let episodes = episode_ids(&db, id)?;
        assert_eq!(next(&db)?, Some(1.0));
        for (index, expected) in [(0, Some(2.0)), (2, Some(3.0)), (3, Some(2.0)), (1, None)] {
            db.set_watched(DEFAULT, episodes[index].1, true, NOW)?;
            assert_eq!(next(&db)?, expected, "after watching episode {}", episodes[index].0);
            assert_eq!(
                db.next_unwatched(DEFAULT, id)?.map(|entry| entry.episode.number),
                expected,
                "the row and the title screen agree"
            );
        }
        Ok(())
    }

    #[test]
    fn starting_a_title_lists_it_as_watching_and_the_last_episode_of_a_finished_one_completes_it()
    -> Result<()> {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        let mut finished = title("1", "Finished", &[1.0, 2.0]);
        finished.status = Some("Завершён".to_owned());
        let finished = db.upsert_title(PLUGIN, &finished, NOW)?;
        let airing = db.upsert_title(PLUGIN, &title("2", "Airing", &[1.0, 2.0]), NOW)?;
        let planned = db.upsert_title(PLUGIN, &title("3", "Planned", &[1.0]), NOW)?;
        db.set_list_status(DEFAULT, planned, Some(ListStatus::Planned), NOW)?;

        let last_of = |db: &Database, title| -> Result<(EpisodeId, EpisodeId)> {
            let episodes = episode_ids(db, title)?;
            Ok((episodes[0].1, episodes[episodes.len() - 1].1))
        };
        let (first, last) = last_of(&db, finished)?;
        let started = db.note_playing(DEFAULT, first, NOW)?;
        assert_eq!(
            started,
            Some(StatusChange { title: finished, from: None, to: ListStatus::Watching })
        );
        assert_eq!(db.note_playing(DEFAULT, last, NOW)?, None, "already listed");
        let planned_episode = last_of(&db, planned)?.0;
        assert_eq!(db.note_playing(DEFAULT, planned_episode, NOW)?, None, "a chosen list stays");
        assert_eq!(db.list_entry(DEFAULT, planned)?.status, Some(ListStatus::Planned));

        assert_eq!(db.note_episode_watched(DEFAULT, first, NOW)?, None, "not the last");
        let completed = db.note_episode_watched(DEFAULT, last, NOW + 1)?;
        assert_eq!(
            completed,
            Some(StatusChange {
                title: finished,
                from: Some(ListStatus::Watching),
                to: ListStatus::Completed
            })
        );
        assert_eq!(
            db.note_episode_watched(DEFAULT, last_of(&db, airing)?.1, NOW)?,
            None,
            "an airing title with more episodes announced is not complete"
        );
        let error = db.note_episode_watched(DEFAULT, EpisodeId(404), NOW).err();
        assert!(matches!(error, Some(Error::NotFound { what: "episode", .. })), "{error:?}");

        let change = completed.context("the completion")?;
        assert!(db.undo_status_change(DEFAULT, change, NOW + 2)?);
        assert_eq!(db.list_entry(DEFAULT, finished)?.status, Some(ListStatus::Watching));
        let start = started.context("the start")?;
        assert!(db.undo_status_change(DEFAULT, start, NOW + 3)?);
        assert_eq!(db.list_entry(DEFAULT, finished)?.status, None, "back in no list");

        db.note_playing(DEFAULT, last_of(&db, airing)?.0, NOW)?;
        db.set_list_status(DEFAULT, airing, Some(ListStatus::OnHold), NOW + 1)?;
        let stale = StatusChange { title: airing, from: None, to: ListStatus::Watching };
        assert!(!db.undo_status_change(DEFAULT, stale, NOW + 2)?, "the user changed it since");
        assert_eq!(db.list_entry(DEFAULT, airing)?.status, Some(ListStatus::OnHold));
        Ok(())
    }

    #[test]
    fn a_title_hidden_from_continue_watching_comes_back_when_played_again() -> Result<()> {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        let id = db.upsert_title(PLUGIN, &title("1", "One", &[1.0, 2.0]), NOW)?;
        let other = db.upsert_title(PLUGIN, &title("2", "Two", &[1.0]), NOW)?;
        let episodes = episode_ids(&db, id)?;
        db.record_position(DEFAULT, episodes[0].1, 10_000, None, NOW)?;
        db.record_position(DEFAULT, episode_ids(&db, other)?[0].1, 10_000, None, NOW)?;
        let shown = |db: &Database| -> Result<Vec<String>> {
            Ok(db.continue_watching(DEFAULT, 10)?.into_iter().map(|item| item.card.name).collect())
        };
        assert_eq!(shown(&db)?.len(), 2);

        db.hide_from_continue(DEFAULT, id, NOW + 1)?;
        assert_eq!(shown(&db)?, ["Two"]);
        assert_eq!(db.history(DEFAULT, 10, 0)?.len(), 2, "the history itself stays");
        assert_eq!(db.list_entry(DEFAULT, id)?, ListEntry::default(), "no list mark either");

        db.note_playing(DEFAULT, episodes[1].1, NOW + 2)?;
        db.record_position(DEFAULT, episodes[1].1, 5_000, None, NOW + 3)?;
        assert_eq!(shown(&db)?, ["One", "Two"], "played again, it is back");
        Ok(())
    }

    #[test]
    fn watched_marks_are_reset_per_title_and_set_up_to_an_episode() -> Result<()> {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        let id = db.upsert_title(PLUGIN, &title("1", "One", &[1.0, 2.0, 2.5, 3.0]), NOW)?;
        let other = db.upsert_title(PLUGIN, &title("2", "Two", &[1.0]), NOW)?;
        let guest = db.create_profile("Guest", NOW)?;
        let episodes = episode_ids(&db, id)?;
        db.record_position(DEFAULT, episodes[1].1, 30_000, None, NOW)?;
        db.set_rating(DEFAULT, id, Rating::new(7)?, NOW)?;
        db.set_watched(DEFAULT, episode_ids(&db, other)?[0].1, true, NOW)?;
        db.set_watched(guest, episodes[0].1, true, NOW)?;

        assert_eq!(db.mark_watched_through(DEFAULT, id, 2.5, NOW + 1)?, 3);
        let watched = |db: &Database, profile| -> Result<Vec<bool>> {
            Ok(db
                .episodes(id, profile)?
                .iter()
                .map(|entry| entry.watch.is_some_and(|watch| watch.watched))
                .collect())
        };
        assert_eq!(watched(&db, DEFAULT)?, [true, true, true, false]);
        let resumed = db.watch_state(DEFAULT, episodes[1].1)?.context("episode 2")?;
        assert_eq!(resumed.position_ms, 0, "a watched episode keeps no resume point");

        assert_eq!(db.reset_watched(DEFAULT, id)?, 3);
        assert_eq!(watched(&db, DEFAULT)?, [false; 4]);
        assert_eq!(watched(&db, guest)?, [true, false, false, false], "another profile's marks");
        assert!(db.watch_state(DEFAULT, episode_ids(&db, other)?[0].1)?.is_some(), "another title");
        assert_eq!(db.rating(DEFAULT, id)?, Some(Rating::new(7)?), "the rating stays");
        assert_eq!(db.reset_watched(DEFAULT, id)?, 0);
        Ok(())
    }

    #[test]
    fn browse_filters_by_a_list_of_the_profile() -> Result<()> {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        let one = db.upsert_title(PLUGIN, &title("1", "One", &[]), NOW)?;
        let two = db.upsert_title(PLUGIN, &title("2", "Two", &[]), NOW)?;
        db.upsert_title(PLUGIN, &title("3", "Three", &[]), NOW)?;
        let guest = db.create_profile("Guest", NOW)?;
        db.set_list_status(DEFAULT, one, Some(ListStatus::Planned), NOW)?;
        db.set_favorite(DEFAULT, two, true, NOW)?;
        db.set_list_status(guest, two, Some(ListStatus::Planned), NOW)?;
        let listed = |profile, list| {
            db.browse_ids(&BrowseQuery { list: Some(list), ..BrowseQuery::default() }, profile)
        };
        assert_eq!(listed(DEFAULT, ListFilter::Status(ListStatus::Planned))?, [one]);
        assert_eq!(listed(DEFAULT, ListFilter::Favorite)?, [two]);
        assert_eq!(listed(guest, ListFilter::Status(ListStatus::Planned))?, [two]);
        assert!(listed(guest, ListFilter::Favorite)?.is_empty());
        assert_eq!(db.browse_ids(&BrowseQuery::default(), guest)?.len(), 3);
        Ok(())
    }
}

mod profiles {
    use super::*;

    #[test]
    fn profiles_are_added_renamed_and_kept_unique() -> Result<()> {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        let masha = db.create_profile("  Маша ", NOW)?;
        assert_eq!(db.profile_by_name("Маша")?, Some(Profile { id: masha, name: "Маша".into() }));
        for bad in ["Маша", "", "   ", &"я".repeat(41)] {
            let error = db.create_profile(bad, NOW).err();
            assert!(matches!(error, Some(Error::Conflict(_))), "{bad:?}: {error:?}");
        }
        db.rename_profile(masha, "Мария")?;
        db.rename_profile(masha, "Мария")?;
        let error = db.rename_profile(masha, "Default").err();
        assert!(
            matches!(&error, Some(Error::Conflict(text)) if text.contains("Default")),
            "{error:?}"
        );
        let error = db.rename_profile(ProfileId(99), "Кто-то").err();
        assert!(matches!(error, Some(Error::NotFound { what: "profile", .. })), "{error:?}");
        let names: Vec<String> = db.profiles()?.into_iter().map(|profile| profile.name).collect();
        assert_eq!(names, ["Default", "Мария"]);
        Ok(())
    }

    #[test]
    fn removing_a_profile_removes_only_its_own_history_and_never_the_last() -> Result<()> {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        let id = db.upsert_title(PLUGIN, &title("1", "One", &[1.0]), NOW)?;
        let episode = episode_ids(&db, id)?[0].1;
        let guest = db.create_profile("Guest", NOW)?;
        for profile in [DEFAULT, guest] {
            db.record_position(profile, episode, 5_000, None, NOW)?;
            db.set_rating(profile, id, Rating::new(5)?, NOW)?;
            db.set_list_status(profile, id, Some(ListStatus::Watching), NOW)?;
            db.set_profile_setting(profile, "quality", "sd")?;
        }
        db.remove_profile(guest)?;
        for table in ["watch_state", "ratings", "profile_titles", "profile_settings"] {
            assert_eq!(dir.count(table)?, 1, "{table} keeps the other profile's row");
        }
        assert_eq!(db.list_entry(DEFAULT, id)?.status, Some(ListStatus::Watching));
        assert_eq!(db.title_count()?, 1, "the catalog is not a profile's");

        let error = db.remove_profile(DEFAULT).err();
        assert!(matches!(error, Some(Error::Conflict(_))), "{error:?}");
        assert_eq!(db.profiles()?.len(), 1, "the last profile stays");
        let error = db.remove_profile(guest).err();
        assert!(matches!(error, Some(Error::NotFound { what: "profile", .. })), "{error:?}");
        Ok(())
    }

    #[test]
    fn a_profile_keeps_its_own_preferences() -> Result<()> {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        let guest = db.create_profile("Guest", NOW)?;
        assert_eq!(db.profile_setting(guest, "language")?, None);
        db.set_profile_setting(guest, "language", "en")?;
        db.set_profile_setting(guest, "language", "ru")?;
        db.set_profile_setting(DEFAULT, "language", "en")?;
        assert_eq!(db.profile_setting(guest, "language")?.as_deref(), Some("ru"));
        assert_eq!(db.profile_setting(DEFAULT, "language")?.as_deref(), Some("en"));
        assert_eq!(db.setting("language")?, None, "the library-wide value is apart");
        let error = db.set_profile_setting(ProfileId(99), "language", "en").err();
        assert!(matches!(error, Some(Error::NotFound { what: "profile", .. })), "{error:?}");
        Ok(())
    }
}

mod watching {
    use super::*;

    #[test]
    fn positions_and_watched_flags_are_recorded() -> Result<()> {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        let id = db.upsert_title(PLUGIN, &title("1", "One", &[1.0, 2.0]), NOW)?;
        let episode = episode_ids(&db, id)?[0].1;
        assert_eq!(db.watch_state(DEFAULT, episode)?, None);

        db.record_position(DEFAULT, episode, 61_000, Some(1_420_000), NOW)?;
        let watch = db.watch_state(DEFAULT, episode)?.context("state after a position")?;
        assert_eq!(
            (watch.position_ms, watch.duration_ms, watch.watched, watch.updated_at),
            (61_000, Some(1_420_000), false, NOW)
        );

        db.set_watched(DEFAULT, episode, true, NOW + 1)?;
        let watch = db.watch_state(DEFAULT, episode)?.context("state after watched")?;
        assert_eq!(
            (watch.position_ms, watch.watched),
            (0, true),
            "watched clears the resume point"
        );
        assert_eq!(watch.duration_ms, Some(1_420_000));

        db.set_watched(DEFAULT, episode, false, NOW + 2)?;
        assert!(!db.watch_state(DEFAULT, episode)?.context("state after unwatched")?.watched);

        let error = db.record_position(DEFAULT, EpisodeId(9_999), 1, None, NOW).err();
        assert!(matches!(error, Some(Error::NotFound { what: "episode", .. })), "{error:?}");
        let error = db.set_watched(DEFAULT, EpisodeId(9_999), true, NOW).err();
        assert!(matches!(error, Some(Error::NotFound { what: "episode", .. })), "{error:?}");
        Ok(())
    }

    #[test]
    fn continue_watching_lists_the_latest_unfinished_episode_per_title_newest_first() -> Result<()>
    {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        let first = db.upsert_title(PLUGIN, &title("1", "First", &[1.0, 2.0, 3.0]), NOW)?;
        let second = db.upsert_title(PLUGIN, &title("2", "Second", &[1.0]), NOW)?;
        let finished = db.upsert_title(PLUGIN, &title("3", "Finished", &[1.0]), NOW)?;
        let first_episodes = episode_ids(&db, first)?;
        db.record_position(DEFAULT, first_episodes[0].1, 10_000, None, NOW + 1)?;
        db.record_position(DEFAULT, episode_ids(&db, second)?[0].1, 20_000, None, NOW + 2)?;
        db.record_position(DEFAULT, first_episodes[1].1, 30_000, None, NOW + 3)?;
        let done = episode_ids(&db, finished)?[0].1;
        db.record_position(DEFAULT, done, 40_000, None, NOW + 4)?;
        db.set_watched(DEFAULT, done, true, NOW + 5)?;
        let other = db.create_profile("Guest", NOW)?;
        db.record_position(other, first_episodes[2].1, 50_000, None, NOW + 6)?;

        let rows: Vec<(String, f64, u64)> = db
            .continue_watching(DEFAULT, 10)?
            .into_iter()
            .map(|item| (item.card.name, item.episode_number, item.watch.position_ms))
            .collect();
        assert_eq!(rows, [("First".to_owned(), 2.0, 30_000), ("Second".to_owned(), 1.0, 20_000)]);
        assert_eq!(db.continue_watching(other, 10)?.len(), 1, "profiles are separate");
        assert_eq!(db.continue_watching(DEFAULT, 1)?.len(), 1, "the limit applies");
        Ok(())
    }

    #[test]
    fn history_is_newest_first_and_paged() -> Result<()> {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        let id = db.upsert_title(PLUGIN, &title("1", "One", &[1.0, 2.0, 3.0]), NOW)?;
        for (offset, (_, episode)) in episode_ids(&db, id)?.into_iter().enumerate() {
            db.record_position(DEFAULT, episode, 1_000, None, NOW + offset as i64)?;
        }
        let numbers = |offset| -> Result<Vec<f64>> {
            Ok(db
                .history(DEFAULT, 2, offset)?
                .into_iter()
                .map(|item| item.episode_number)
                .collect())
        };
        assert_eq!(numbers(0)?, [3.0, 2.0]);
        assert_eq!(numbers(2)?, [1.0]);
        assert_eq!(db.history(DEFAULT, 1, 0)?[0].title_name, "One");
        Ok(())
    }

    #[test]
    fn the_next_episode_follows_the_last_watched_one() -> Result<()> {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        let id = db.upsert_title(PLUGIN, &title("1", "One", &[1.0, 2.0, 2.5, 3.0]), NOW)?;
        let episodes = episode_ids(&db, id)?;
        let next = |db: &Database| -> Result<Option<f64>> {
            Ok(db.next_unwatched(DEFAULT, id)?.map(|entry| entry.episode.number))
        };
        assert_eq!(next(&db)?, Some(1.0));
        db.set_watched(DEFAULT, episodes[0].1, true, NOW)?;
        assert_eq!(next(&db)?, Some(2.0));
        db.set_watched(DEFAULT, episodes[2].1, true, NOW)?;
        assert_eq!(next(&db)?, Some(3.0), "after the last watched, skipping none before it");
        db.set_watched(DEFAULT, episodes[3].1, true, NOW)?;
        assert_eq!(next(&db)?, Some(2.0), "then the first one still unwatched");
        db.set_watched(DEFAULT, episodes[1].1, true, NOW)?;
        assert_eq!(next(&db)?, None);
        Ok(())
    }

    #[test]
    fn ratings_are_set_cleared_and_averaged() -> Result<()> {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        let id = db.upsert_title(PLUGIN, &title("1", "One", &[]), NOW)?;
        let low = db.upsert_title(PLUGIN, &title("2", "Two", &[]), NOW)?;
        let guest = db.create_profile("Guest", NOW)?;
        assert_eq!(db.rating(DEFAULT, id)?, None);
        assert_eq!(db.average_rating(id)?, None);

        db.set_rating(DEFAULT, id, Rating::new(8)?, NOW)?;
        db.set_rating(DEFAULT, id, Rating::new(9)?, NOW + 1)?;
        db.set_rating(guest, id, Rating::new(6)?, NOW)?;
        db.set_rating(DEFAULT, low, Rating::new(3)?, NOW)?;
        assert_eq!(db.rating(DEFAULT, id)?, Some(Rating::new(9)?));
        assert_eq!(db.average_rating(id)?, Some((7.5, 2)));
        let rated: Vec<String> =
            db.rated_titles(DEFAULT, 10)?.into_iter().map(|card| card.name).collect();
        assert_eq!(rated, ["One", "Two"]);
        assert_eq!(db.title_details(id, guest)?.rating, Some(Rating::new(6)?));

        assert!(db.clear_rating(DEFAULT, id)?);
        assert!(!db.clear_rating(DEFAULT, id)?);
        assert_eq!(db.average_rating(id)?, Some((6.0, 1)));
        let error =
            db.set_rating(DEFAULT, getanime_domain::TitleId(404), Rating::new(5)?, NOW).err();
        assert!(matches!(error, Some(Error::NotFound { what: "title", .. })), "{error:?}");
        Ok(())
    }
}

mod plugins {
    use super::*;

    #[test]
    fn plugins_are_registered_upgraded_enabled_and_synced() -> Result<()> {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        db.register_plugin(&plugin(PLUGIN))?;
        db.register_plugin(&plugin("aniliberty"))?;
        assert_eq!(db.plugin(PLUGIN)?, Some(plugin(PLUGIN)));
        let ids: Vec<String> = db.plugins()?.into_iter().map(|plugin| plugin.id).collect();
        assert_eq!(ids, ["aniliberty", PLUGIN]);

        db.set_plugin_enabled(PLUGIN, false)?;
        db.record_sync(PLUGIN, NOW + 1, Some("api.anilibria.tv is unreachable"))?;
        let upgrade = PluginRecord {
            version: "1.1.0".to_owned(),
            installed_at: NOW + 9,
            updated_at: NOW + 2,
            ..plugin(PLUGIN)
        };
        db.register_plugin(&upgrade)?;
        let stored = db.plugin(PLUGIN)?.context("the upgraded plugin")?;
        assert_eq!(stored.version, "1.1.0");
        assert!(!stored.enabled, "an upgrade keeps the user's choice");
        assert_eq!(stored.installed_at, NOW, "an upgrade keeps the install time");
        assert_eq!(stored.updated_at, NOW + 2);
        assert_eq!(stored.last_error.as_deref(), Some("api.anilibria.tv is unreachable"));
        db.record_sync(PLUGIN, NOW + 3, None)?;
        let stored = db.plugin(PLUGIN)?.context("the synced plugin")?;
        assert_eq!((stored.last_sync_at, stored.last_error), (Some(NOW + 3), None));

        assert!(matches!(
            db.set_plugin_enabled("nope", true),
            Err(Error::NotFound { what: "plugin", .. })
        ));
        assert!(matches!(
            db.record_sync("nope", NOW, None),
            Err(Error::NotFound { what: "plugin", .. })
        ));
        Ok(())
    }

    #[test]
    fn settings_are_per_plugin_and_app_wide() -> Result<()> {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        db.register_plugin(&plugin(PLUGIN))?;
        db.set_plugin_setting(PLUGIN, "base_url", "http://127.0.0.1:1234")?;
        db.set_plugin_setting(PLUGIN, "base_url", "http://127.0.0.1:5678")?;
        assert_eq!(
            db.plugin_settings(PLUGIN)?.get("base_url").map(String::as_str),
            Some("http://127.0.0.1:5678")
        );
        assert!(matches!(db.set_plugin_setting("nope", "k", "v"), Err(Error::NotFound { .. })));
        db.set_setting("quality", "hd")?;
        assert_eq!(db.setting("quality")?.as_deref(), Some("hd"));
        assert_eq!(db.setting("missing")?, None);
        Ok(())
    }

    /// Changing a setting (a mirror's `base_url`) marks the plugin's titles for a details
    /// refresh at once; setting the same value again, or another plugin's, does not.
    #[test]
    fn a_changed_setting_expires_the_plugins_details() -> Result<()> {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        db.register_plugin(&plugin(PLUGIN))?;
        db.register_plugin(&plugin("other"))?;
        db.upsert_title(PLUGIN, &title("1", "One", &[1.0]), NOW)?;
        db.upsert_title("other", &title("2", "Two", &[1.0]), NOW)?;
        let stale = |db: &Database, plugin: &str| -> Result<usize> {
            Ok(db.stale_titles(plugin, NOW - 1, 10)?.len())
        };
        assert_eq!((stale(&db, PLUGIN)?, stale(&db, "other")?), (0, 0));

        assert!(db.set_plugin_setting_expiring_details(PLUGIN, "base_url", "https://m1/v3")?);
        assert_eq!((stale(&db, PLUGIN)?, stale(&db, "other")?), (1, 0));
        assert_eq!(
            db.plugin_settings(PLUGIN)?.get("base_url").map(String::as_str),
            Some("https://m1/v3")
        );

        db.upsert_title(PLUGIN, &title("1", "One", &[1.0]), NOW)?;
        assert!(!db.set_plugin_setting_expiring_details(PLUGIN, "base_url", "https://m1/v3")?);
        assert_eq!(stale(&db, PLUGIN)?, 0, "the same value again expires nothing");
        assert!(matches!(
            db.set_plugin_setting_expiring_details("nope", "k", "v"),
            Err(Error::NotFound { .. })
        ));
        Ok(())
    }

    #[test]
    fn removing_a_plugin_keeps_watched_and_rated_titles_by_default() -> Result<()> {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        db.register_plugin(&plugin(PLUGIN))?;
        db.set_plugin_setting(PLUGIN, "base_url", "x")?;
        let watched = db.upsert_title(PLUGIN, &title("1", "Watched", &[1.0]), NOW)?;
        let rated = db.upsert_title(PLUGIN, &title("2", "Rated", &[]), NOW)?;
        db.upsert_title(PLUGIN, &title("3", "Untouched", &[1.0]), NOW)?;
        db.record_position(DEFAULT, episode_ids(&db, watched)?[0].1, 5_000, None, NOW)?;
        db.set_rating(DEFAULT, rated, Rating::new(7)?, NOW)?;
        let planned = db.upsert_title(PLUGIN, &title("4", "Planned", &[]), NOW)?;
        db.set_list_status(DEFAULT, planned, Some(ListStatus::Planned), NOW)?;

        assert_eq!(db.remove_plugin(PLUGIN, RemovalPolicy::KeepHistory)?, 1);
        assert_eq!(db.plugin(PLUGIN)?, None);
        assert!(db.plugin_settings(PLUGIN)?.is_empty());
        assert_eq!(db.title_count()?, 3, "watched, rated and listed titles stay");
        assert_eq!(db.history(DEFAULT, 10, 0)?.len(), 1);
        assert_eq!(db.rating(DEFAULT, rated)?, Some(Rating::new(7)?));

        db.register_plugin(&plugin(PLUGIN))?;
        let again = db.upsert_title(PLUGIN, &title("1", "Watched", &[1.0]), NOW + 1)?;
        assert_eq!(again, watched, "reinstalling reattaches the kept titles");
        assert_eq!(db.history(DEFAULT, 10, 0)?.len(), 1);
        assert!(matches!(
            db.remove_plugin("nope", RemovalPolicy::KeepHistory),
            Err(Error::NotFound { .. })
        ));
        Ok(())
    }

    #[test]
    fn removing_everything_cascades_to_every_child_row() -> Result<()> {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        db.register_plugin(&plugin(PLUGIN))?;
        let id = db.upsert_title(PLUGIN, &title("1", "One", &[1.0, 2.0]), NOW)?;
        db.replace_schedule(
            PLUGIN,
            &[ScheduleDay { weekday: 2, items: vec![title("1", "One", &[1.0, 2.0])] }],
            NOW,
        )?;
        db.record_position(DEFAULT, episode_ids(&db, id)?[0].1, 5_000, None, NOW)?;
        db.set_rating(DEFAULT, id, Rating::new(7)?, NOW)?;
        db.put_poster(id, "card", "image/png", b"png", NOW)?;
        db.upsert_title("other", &title("1", "Kept", &[1.0]), NOW)?;

        assert_eq!(db.remove_plugin(PLUGIN, RemovalPolicy::DeleteEverything)?, 1);
        for (table, left) in [
            ("titles", 1),
            ("episodes", 1),
            ("streams", 3),
            ("torrents", 1),
            ("title_genres", 2),
            ("schedule", 0),
            ("watch_state", 0),
            ("ratings", 0),
            ("posters", 0),
        ] {
            assert_eq!(dir.count(table)?, left, "rows left in {table}");
        }
        Ok(())
    }
}

mod posters {
    use super::*;

    #[test]
    fn posters_are_cached_with_staleness() -> Result<()> {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        let id = db.upsert_title(PLUGIN, &title("1", "One", &[]), NOW)?;
        let without = db.upsert_title(
            PLUGIN,
            &Title {
                summary: TitleSummary { poster_url: None, ..title("2", "", &[]).summary },
                ..title("2", "Two", &[])
            },
            NOW,
        )?;
        assert_eq!(db.poster(id, "card", NOW)?, None);
        assert_eq!(
            db.posters_to_fetch("card", NOW, 10)?,
            vec![PosterToFetch {
                title: id,
                plugin_id: PLUGIN.to_owned(),
                url: "https://static.example/posters/1.jpg".to_owned()
            }]
        );

        db.put_poster(id, "card", "image/jpeg", &[0xff, 0xd8, 0xff], NOW)?;
        let poster = db.poster(id, "card", NOW - 1)?.context("the cached poster")?;
        assert_eq!(
            (poster.content_type.as_str(), poster.bytes.as_slice(), poster.stale),
            ("image/jpeg", &[0xff, 0xd8, 0xff][..], false)
        );
        assert!(db.poster(id, "card", NOW + 1)?.context("still cached")?.stale);
        assert!(db.posters_to_fetch("card", NOW - 1, 10)?.is_empty());
        assert_eq!(
            db.posters_to_fetch("card", NOW + 1, 10)?.len(),
            1,
            "a stale poster is fetched again"
        );
        assert_eq!(db.poster(id, "original", NOW)?, None, "sizes are separate");
        assert!(matches!(
            db.put_poster(getanime_domain::TitleId(404), "card", "image/png", b"x", NOW),
            Err(Error::NotFound { .. })
        ));
        assert_eq!(db.poster(without, "card", NOW)?, None);
        Ok(())
    }

    /// A mirror change gives a title a new poster URL: the picture cached from the old one is
    /// fetched again (and shown until then); the same URL again changes nothing.
    #[test]
    fn a_poster_from_another_url_is_fetched_again() -> Result<()> {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        let id = db.upsert_title(PLUGIN, &title("1", "One", &[]), NOW)?;
        db.put_poster(id, "card", "image/jpeg", &[0xff, 0xd8, 0xff], NOW)?;
        db.upsert_title(PLUGIN, &title("1", "One", &[]), NOW)?;
        assert!(db.posters_to_fetch("card", NOW - 1, 10)?.is_empty(), "same URL: still fresh");

        let moved = Title {
            summary: TitleSummary {
                poster_url: Some("https://mirror.example/posters/1.jpg".to_owned()),
                ..title("1", "One", &[]).summary
            },
            ..title("1", "One", &[])
        };
        db.upsert_title(PLUGIN, &moved, NOW)?;
        let wanted = db.posters_to_fetch("card", NOW - 1, 10)?;
        assert_eq!(
            wanted.iter().map(|poster| poster.url.as_str()).collect::<Vec<_>>(),
            ["https://mirror.example/posters/1.jpg"]
        );
        assert!(db.poster(id, "card", 0)?.is_some(), "the old picture stays until replaced");
        Ok(())
    }
}

mod backups {
    use super::*;

    /// Every row of the user-facing tables, as text, for comparing two databases.
    fn dump(path: &Path) -> Result<Vec<String>> {
        let connection = rusqlite::Connection::open(path)?;
        let tables = [
            "titles",
            "episodes",
            "streams",
            "torrents",
            "watch_state",
            "ratings",
            "plugins",
            "settings",
            "profiles",
            "profile_titles",
            "profile_settings",
        ];
        table_rows(&connection, &tables.map(str::to_owned))
    }

    #[test]
    fn a_backup_taken_during_writes_restores_to_identical_rows() -> Result<()> {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        db.register_plugin(&plugin(PLUGIN))?;
        let id = db.upsert_title(PLUGIN, &title("1", "One", &[1.0, 2.0]), NOW)?;
        db.set_rating(DEFAULT, id, Rating::new(8)?, NOW)?;
        let episode = episode_ids(&db, id)?[0].1;
        let guest = db.create_profile("Guest", NOW)?;
        db.set_list_status(guest, id, Some(ListStatus::OnHold), NOW)?;
        db.set_favorite(DEFAULT, id, true, NOW)?;
        db.set_profile_setting(guest, "language", "en")?;

        let writer_path = dir.db_path();
        let writer = std::thread::spawn(move || -> Result<()> {
            let mut writer = Database::open(&writer_path)?;
            for position in 0..200 {
                writer.record_position(
                    DEFAULT,
                    episode,
                    position * 1_000,
                    Some(1_420_000),
                    NOW + position as i64,
                )?;
            }
            Ok(())
        });
        let backup = dir.path("backup.sqlite3");
        db.backup_to(&backup)?;
        writer.join().map_err(|_| anyhow::anyhow!("the writer thread panicked"))??;
        assert!(!dir.path("backup.sqlite3.partial").exists());

        let snapshot = dump(&backup)?;
        db.set_rating(DEFAULT, id, Rating::new(2)?, NOW)?;
        db.upsert_title(PLUGIN, &title("2", "Added after the backup", &[]), NOW)?;
        db.set_list_status(guest, id, Some(ListStatus::Dropped), NOW)?;
        db.remove_profile(guest)?;
        db.restore_from(&backup)?;
        assert_eq!(dump(&dir.db_path())?, snapshot);
        assert_eq!(db.list_entry(guest, id)?.status, Some(ListStatus::OnHold), "lists come back");
        assert_eq!(db.profile_setting(guest, "language")?.as_deref(), Some("en"));
        assert_eq!(
            db.rating(DEFAULT, id)?,
            Some(Rating::new(8)?),
            "the open handle sees the restored library"
        );
        assert_eq!(db.title_count()?, 1);
        assert!(
            dir.path("library.sqlite3.before-restore").is_file(),
            "the replaced library is kept"
        );
        Ok(())
    }

    #[test]
    fn a_corrupt_or_foreign_backup_is_refused_and_the_library_is_untouched() -> Result<()> {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        db.upsert_title(PLUGIN, &title("1", "One", &[1.0]), NOW)?;
        let before = dump(&dir.db_path())?;

        let not_sqlite = dir.path("notes.txt");
        std::fs::write(&not_sqlite, "just text".repeat(100))?;
        let other_sqlite = dir.path("other.sqlite3");
        rusqlite::Connection::open(&other_sqlite)?
            .execute_batch("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('x');")?;
        let truncated = dir.path("truncated.sqlite3");
        db.backup_to(&truncated)?;
        let bytes = std::fs::read(&truncated)?;
        std::fs::write(&truncated, &bytes[..bytes.len() / 2])?;
        let missing = dir.path("missing.sqlite3");

        for (path, expected) in [
            (&not_sqlite, "not a database"),
            (&other_sqlite, "not a getanime library"),
            (&truncated, ""),
            (&missing, "no such file"),
        ] {
            let error = db
                .restore_from(path)
                .err()
                .with_context(|| format!("{} must be refused", path.display()))?;
            assert!(matches!(error, Error::Corrupt { .. }), "{}: {error}", path.display());
            assert!(error.to_string().contains(expected), "{error}");
            assert_eq!(
                dump(&dir.db_path())?,
                before,
                "the library is untouched after {}",
                path.display()
            );
        }
        assert!(!dir.path("library.sqlite3.before-restore").exists(), "nothing was replaced");
        Ok(())
    }

    #[test]
    fn a_backup_from_a_newer_build_is_refused() -> Result<()> {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        let newer = dir.path("newer.sqlite3");
        db.backup_to(&newer)?;
        rusqlite::Connection::open(&newer)?.execute(
            "INSERT INTO refinery_schema_history (version, name, applied_on, checksum) VALUES (99, 'future', 'x', '0')",
            [],
        )?;
        let error = db.restore_from(&newer).err().context("a newer backup must be refused")?;
        assert!(matches!(error, Error::NewerSchema { found: 99, .. }), "{error}");
        Ok(())
    }
}

mod crash {
    use super::*;
    use std::io::Read;

    /// Rounds of the kill test: a few in `cargo xtask test`, `GETANIME_SOAK_ROUNDS` (50 in
    /// `cargo xtask soak`) for the long run.
    fn rounds() -> u64 {
        std::env::var("GETANIME_SOAK_ROUNDS")
            .ok()
            .and_then(|rounds| rounds.parse().ok())
            .unwrap_or(8)
    }

    /// A burst of watch-position writes in a child process, SIGKILLed at a random moment, over
    /// and over: the file stays healthy and every position the child reported as committed is
    /// there (at most the one write in flight is lost).
    #[test]
    fn killing_a_burst_of_watch_writes_keeps_every_committed_position() -> Result<()> {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        let title = db.upsert_title(PLUGIN, &title("1", "One", &[1.0]), NOW)?;
        let episode = episode_ids(&db, title)?[0].1;
        drop(db);
        let mut random = 0x2545_f491_4f6c_dd1d_u64;
        let mut killed_while_writing = 0;
        let mut previous = 0;
        for round in 0..rounds() {
            // Each round writes its own range, so a value left by an earlier round is told apart.
            let base = (round + 1) * 1_000_000_000;
            let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_watch_burst"))
                .arg(dir.db_path())
                .arg(episode.0.to_string())
                .arg(base.to_string())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .context("starting the watch_burst helper")?;
            random ^= random << 13;
            random ^= random >> 7;
            random ^= random << 17;
            std::thread::sleep(std::time::Duration::from_millis(30 + random % 170));
            if child.try_wait()?.is_none() {
                killed_while_writing += 1;
            }
            child.kill()?;
            child.wait()?;
            let mut printed = String::new();
            child.stdout.take().context("the helper's stdout")?.read_to_string(&mut printed)?;
            let committed: Option<u64> = printed.lines().rev().find_map(|line| line.parse().ok());

            let db = dir.open()?;
            let check = db.check()?;
            assert!(check.problems.is_empty(), "round {round}: {check:?}");
            let stored = db.watch_state(DEFAULT, episode)?.map_or(0, |watch| watch.position_ms);
            // The last committed write, or the one in flight when the kill came.
            let expected = match committed {
                Some(committed) => vec![committed, committed + 1_000],
                None => vec![previous, base + 1_000],
            };
            assert!(
                expected.contains(&stored),
                "round {round}: the child committed {committed:?}, the file has {stored} ms"
            );
            previous = stored;
        }
        assert!(killed_while_writing * 2 >= rounds(), "most kills must land mid-burst");
        Ok(())
    }
}

/// Accounts at trackers: the agreed state, the outbox, marks taken from an account.
mod accounts {
    use getanime_domain::{
        AccountState, AgreedTitle, EpisodeMark, RemoteStatus, TrackerAccount, TrackerChange,
    };

    use super::*;

    fn anna() -> TrackerAccount {
        TrackerAccount { user_id: "4242".into(), user_name: "Анна".into() }
    }

    fn mark(number: u32, position_ms: u32, watched: bool) -> EpisodeMark {
        EpisodeMark { episode_id: format!("uuid-{number}"), position_ms, watched }
    }

    #[test]
    fn marks_from_an_account_never_unwatch_and_never_overwrite_a_newer_local_one() -> Result<()> {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        let title = db.upsert_title(PLUGIN, &title("1", "One", &[1.0, 2.0, 3.0]), NOW)?;
        let episodes = episode_ids(&db, title)?;
        let account =
            db.connect_account(DEFAULT, "tracker", "key", &anna(), AccountState::Active, NOW)?;
        db.set_watched(DEFAULT, episodes[0].1, true, NOW)?;
        db.record_position(DEFAULT, episodes[1].1, 50_000, None, NOW)?;
        let marks = [
            mark(1, 20_000, false),
            mark(2, 90_000, false),
            mark(3, 99_000_000, false),
            EpisodeMark { episode_id: "nobody-knows".into(), position_ms: 1, watched: true },
        ];
        let applied = db.apply_account_marks(account.id, DEFAULT, PLUGIN, &marks, NOW, NOW + 1)?;
        assert_eq!((applied.applied, applied.unknown), (1, 1), "{applied:?}");
        let watch = |index: usize| db.watch_state(DEFAULT, episodes[index].1);
        assert!(watch(0)?.context("ep 1")?.watched, "a remote mark never unwatches");
        assert_eq!(watch(1)?.context("ep 2")?.position_ms, 50_000, "changed here: kept");
        assert_eq!(watch(2)?.context("ep 3")?.position_ms, 1_420_000, "clamped to the end");
        // What differs from the agreed state is what would be sent.
        let to_send: Vec<u32> = db
            .marks_to_send(account.id, DEFAULT, PLUGIN)?
            .iter()
            .map(|mark| mark.position_ms)
            .collect();
        assert_eq!(to_send, [0, 50_000]);
        Ok(())
    }

    #[test]
    fn the_outbox_keeps_one_change_per_title_until_it_is_sent() -> Result<()> {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        let title = db.upsert_title(PLUGIN, &title("1", "One", &[1.0]), NOW)?;
        let account =
            db.connect_account(DEFAULT, "tracker", "key", &anna(), AccountState::Active, NOW)?;
        let change = |status| TrackerChange {
            external_id: "1".into(),
            status: Some(Some(status)),
            ..TrackerChange::default()
        };
        db.apply_account_merge(
            account.id,
            DEFAULT,
            &[],
            &[],
            &[change(RemoteStatus::Planned)],
            &[],
            NOW,
        )?;
        db.apply_account_merge(
            account.id,
            DEFAULT,
            &[],
            &[],
            &[change(RemoteStatus::Watching)],
            &[],
            NOW + 1,
        )?;
        let queued = db.queued_changes(account.id)?;
        assert_eq!(queued.len(), 1, "a later change replaces an earlier one");
        assert_eq!(queued[0].change, change(RemoteStatus::Watching));
        db.change_failed(account.id, "1", "the server does not answer", NOW + 60_000)?;
        assert_eq!(db.queued_changes(account.id)?[0].attempts, 1, "kept, counted");
        let agreed = AgreedTitle {
            external_id: "1".into(),
            title_id: Some(title),
            status: Some(RemoteStatus::Watching),
            ..AgreedTitle::default()
        };
        db.change_sent(account.id, NOW + 1, &agreed, NOW + 2)?;
        assert_eq!(db.queued_change_count(account.id)?, 0);
        assert_eq!(db.agreed_titles(account.id)?, [agreed]);

        // Another user signing in on this profile starts from nothing agreed.
        let bob = TrackerAccount { user_id: "7".into(), user_name: "Боб".into() };
        let again =
            db.connect_account(DEFAULT, "tracker", "key2", &bob, AccountState::Active, NOW)?;
        assert!(db.agreed_titles(again.id)?.is_empty());
        Ok(())
    }

    #[test]
    fn a_watched_episode_starts_a_title_and_the_last_one_of_a_finished_title_completes_it()
    -> Result<()> {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        let mut finished = title("1", "One", &[1.0, 2.0]);
        finished.status = Some("Завершён".to_owned());
        finished.summary.episodes_total = Some(2);
        let title = db.upsert_title(PLUGIN, &finished, NOW)?;
        let episodes = episode_ids(&db, title)?;
        db.set_watched(DEFAULT, episodes[0].1, true, NOW)?;
        assert_eq!(db.settle_lists(DEFAULT, &[title], NOW)?, [(title, ListStatus::Watching)]);
        db.set_watched(DEFAULT, episodes[1].1, true, NOW)?;
        assert_eq!(db.settle_lists(DEFAULT, &[title], NOW)?, [(title, ListStatus::Completed)]);
        assert!(db.settle_lists(DEFAULT, &[title], NOW)?.is_empty(), "settled stays settled");
        Ok(())
    }
}

mod remote_devices {
    use getanime_domain::{RemoteDeviceKind, RemoteScope};

    use super::*;

    const HASH_A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const HASH_B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    #[test]
    fn devices_keep_a_hash_a_scope_and_when_they_were_seen_and_token_names_are_unique() -> Result<()>
    {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        let phone = db.add_remote_device(
            "Pixel 8",
            RemoteDeviceKind::Phone,
            RemoteScope::Control,
            HASH_A,
            NOW,
        )?;
        let script =
            db.add_remote_device("ha", RemoteDeviceKind::Token, RemoteScope::Read, HASH_B, NOW)?;
        let again = db.add_remote_device(
            "ha",
            RemoteDeviceKind::Token,
            RemoteScope::Read,
            &"c".repeat(64),
            NOW,
        );
        assert!(matches!(again, Err(getanime_storage::Error::Conflict(_))), "{again:?}");
        let same_hash =
            db.add_remote_device("x", RemoteDeviceKind::Phone, RemoteScope::Read, HASH_A, NOW);
        assert!(same_hash.is_err(), "a hash belongs to one device");
        let short =
            db.add_remote_device("x", RemoteDeviceKind::Phone, RemoteScope::Read, "ab", NOW);
        assert!(short.is_err(), "only a SHA-256 fits");

        db.touch_remote_device(script.id, "192.168.1.5", NOW + 10)?;
        let devices = db.remote_devices()?;
        let names: Vec<&str> = devices.iter().map(|device| device.name.as_str()).collect();
        assert_eq!(names, ["ha", "Pixel 8"], "the most recently seen first");
        assert_eq!(devices[0].last_peer.as_deref(), Some("192.168.1.5"));
        assert_eq!(db.remote_token_hashes()?.len(), 2);
        assert!(db.forget_remote_device(phone.id)?);
        assert!(!db.forget_remote_device(phone.id)?, "forgotten once");
        assert_eq!(db.remote_devices()?.len(), 1);
        Ok(())
    }

    #[test]
    fn a_backup_carries_no_paired_device_and_a_restore_keeps_this_tvs() -> Result<()> {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        db.add_remote_device(
            "Pixel 8",
            RemoteDeviceKind::Phone,
            RemoteScope::Control,
            HASH_A,
            NOW,
        )?;
        let backup = dir.path("backup.sqlite3");
        db.backup_to(&backup)?;
        let bytes = std::fs::read(&backup)?;
        assert!(
            !bytes.windows(HASH_A.len()).any(|window| window == HASH_A.as_bytes()),
            "not even the hash is in the backup"
        );
        db.add_remote_device("ha", RemoteDeviceKind::Token, RemoteScope::Read, HASH_B, NOW)?;
        db.restore_from(&backup)?;
        let names: Vec<String> =
            db.remote_devices()?.into_iter().map(|device| device.name).collect();
        assert_eq!(names.len(), 2, "this TV's phone and token stay: {names:?}");
        Ok(())
    }
}

/// What is new for a profile: episodes of followed titles first seen after the profile last
/// watched (or began following) them.
mod home_rows {
    use getanime_domain::ListStatus;

    use super::*;

    const MINUTE: i64 = 60_000;

    #[test]
    fn a_followed_title_s_episode_seen_after_the_last_watch_is_new_for_that_profile() -> Result<()>
    {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        let six: Vec<f64> = (1..=6).map(f64::from).collect();
        let watching = db.upsert_title(PLUGIN, &title("1", "Watching", &six), NOW)?;
        let planned = db.upsert_title(PLUGIN, &title("2", "Planned", &[1.0, 2.0, 3.0]), NOW)?;
        let other = db.upsert_title(PLUGIN, &title("3", "Not followed", &[1.0]), NOW)?;
        let sister = db.create_profile("Маша", NOW)?;
        db.set_list_status(DEFAULT, watching, Some(ListStatus::Watching), NOW + MINUTE)?;
        db.set_list_status(DEFAULT, planned, Some(ListStatus::Planned), NOW + MINUTE)?;
        db.mark_watched_through(DEFAULT, watching, 6.0, NOW + 2 * MINUTE)?;
        assert!(db.new_episodes(DEFAULT, 10)?.is_empty(), "what was there before is not new");

        // A sync brings episode 7 of one, 4 of the other, 2 of a title nobody follows.
        let seven: Vec<f64> = (1..=7).map(f64::from).collect();
        db.upsert_title(PLUGIN, &title("1", "Watching", &seven), NOW + 3 * MINUTE)?;
        db.upsert_title(PLUGIN, &title("2", "Planned", &[1.0, 2.0, 3.0, 4.0]), NOW + 4 * MINUTE)?;
        db.upsert_title(PLUGIN, &title("3", "Not followed", &[1.0, 2.0]), NOW + 4 * MINUTE)?;
        let new = db.new_episodes(DEFAULT, 10)?;
        let found: Vec<(i64, f64)> = new.iter().map(|item| (item.card.id.0, item.number)).collect();
        assert_eq!(found, [(planned.0, 4.0), (watching.0, 7.0)], "the most recently seen first");
        assert_eq!(new[1].first_seen_at, NOW + 3 * MINUTE);
        assert!(!found.iter().any(|(id, _)| *id == other.0));
        assert!(db.new_episodes(sister, 10)?.is_empty(), "per profile");

        // Watched: no longer new. A resync keeps the first-seen time (nothing new again).
        db.mark_watched_through(DEFAULT, watching, 7.0, NOW + 5 * MINUTE)?;
        db.upsert_title(PLUGIN, &title("2", "Planned", &[1.0, 2.0, 3.0, 4.0]), NOW + 6 * MINUTE)?;
        let new = db.new_episodes(DEFAULT, 10)?;
        assert_eq!(new.len(), 1, "{new:?}");
        assert_eq!((new[0].card.id, new[0].first_seen_at), (planned, NOW + 4 * MINUTE));
        assert!(!new[0].favorite, "a Planned title is not a favorite");

        // A favorite is followed and says so (notices can be kept to favorites).
        db.set_favorite(DEFAULT, other, true, NOW + 7 * MINUTE)?;
        db.upsert_title(PLUGIN, &title("3", "Not followed", &[1.0, 2.0, 3.0]), NOW + 8 * MINUTE)?;
        let new = db.new_episodes(DEFAULT, 10)?;
        assert_eq!((new[0].card.id, new[0].number, new[0].favorite), (other, 3.0, true));
        assert_eq!(new[0].card.name, "Not followed", "a whole card, for the row");
        Ok(())
    }

    const DAY: i64 = 24 * 60 * MINUTE;

    #[test]
    fn a_started_title_untouched_for_a_month_is_abandoned_unless_completed_or_dropped() -> Result<()>
    {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        let three = [1.0, 2.0, 3.0];
        let left = db.upsert_title(PLUGIN, &title("1", "Left at two", &three), NOW)?;
        let recent = db.upsert_title(PLUGIN, &title("2", "Watched last week", &three), NOW)?;
        let dropped = db.upsert_title(PLUGIN, &title("3", "Dropped", &three), NOW)?;
        let finished = db.upsert_title(PLUGIN, &title("4", "All watched", &three), NOW)?;
        let begun = db.upsert_title(PLUGIN, &title("5", "Begun only", &three), NOW)?;
        let long_ago = NOW - 60 * DAY;
        db.mark_watched_through(DEFAULT, left, 1.0, long_ago)?;
        db.mark_watched_through(DEFAULT, recent, 1.0, NOW - 7 * DAY)?;
        db.mark_watched_through(DEFAULT, dropped, 1.0, long_ago)?;
        db.set_list_status(DEFAULT, dropped, Some(ListStatus::Dropped), long_ago)?;
        db.mark_watched_through(DEFAULT, finished, 3.0, long_ago)?;
        let first = episode_ids(&db, begun)?[0].1;
        db.record_position(DEFAULT, first, 90_000, Some(1_420_000), long_ago - DAY)?;

        let abandoned = db.abandoned_titles(DEFAULT, NOW, 10)?;
        let found: Vec<(i64, Option<f64>)> =
            abandoned.iter().map(|item| (item.card.id.0, item.next_episode)).collect();
        assert_eq!(
            found,
            [(left.0, Some(2.0)), (begun.0, Some(1.0))],
            "the most recently left first"
        );
        let sister = db.create_profile("Маша", NOW)?;
        assert!(db.abandoned_titles(sister, NOW, 10)?.is_empty(), "per profile");

        // Completed, or touched again: no longer abandoned.
        db.set_list_status(DEFAULT, left, Some(ListStatus::Completed), NOW)?;
        db.record_position(DEFAULT, first, 120_000, Some(1_420_000), NOW)?;
        assert!(db.abandoned_titles(DEFAULT, NOW, 10)?.is_empty());
        Ok(())
    }

    /// A franchise's title as the source relates it.
    fn related(source_id: &str, order: u32) -> getanime_domain::RelatedTitle {
        getanime_domain::RelatedTitle {
            source_id: source_id.into(),
            name: format!("Season {order}"),
            order: Some(order),
        }
    }

    #[test]
    fn the_next_in_the_franchise_follows_a_completed_title_and_skips_what_was_begun() -> Result<()>
    {
        let dir = TestDir::new()?;
        let mut db = dir.open()?;
        // Four seasons, each relating the others (never itself), as AniLibria's franchises do.
        let seasons: Vec<TitleId> = (1..=4)
            .map(|season: u32| {
                let mut entry = title(&format!("s{season}"), &format!("Season {season}"), &[1.0]);
                entry.related = (1..=4)
                    .filter(|other| *other != season)
                    .map(|other| related(&format!("s{other}"), other))
                    .collect();
                db.upsert_title(PLUGIN, &entry, NOW)
            })
            .collect::<Result<_, _>>()?;
        assert!(db.next_in_franchise(DEFAULT, 10)?.is_empty(), "nothing completed yet");

        db.set_list_status(DEFAULT, seasons[1], Some(ListStatus::Completed), NOW)?;
        let next = db.next_in_franchise(DEFAULT, 10)?;
        let found: Vec<(i64, &str)> =
            next.iter().map(|item| (item.card.id.0, item.after.as_str())).collect();
        assert_eq!(found, [(seasons[2].0, "Season 2")], "season 3 after season 2, not season 1");

        // Season 3 begun: season 4 is the next one not begun.
        db.mark_watched_through(DEFAULT, seasons[2], 1.0, NOW + MINUTE)?;
        let next = db.next_in_franchise(DEFAULT, 10)?;
        assert_eq!(next.iter().map(|item| item.card.id).collect::<Vec<_>>(), [seasons[3]]);
        let sister = db.create_profile("Маша", NOW)?;
        assert!(db.next_in_franchise(sister, 10)?.is_empty(), "per profile");

        // The last season completed: nothing comes after it.
        db.set_list_status(DEFAULT, seasons[1], None, NOW)?;
        db.set_list_status(DEFAULT, seasons[3], Some(ListStatus::Completed), NOW)?;
        assert!(db.next_in_franchise(DEFAULT, 10)?.is_empty());
        Ok(())
    }
}
