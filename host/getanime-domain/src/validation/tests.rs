use super::*;
use crate::{Quality, SubtitleFormat, TitleSummary, Tracker};

fn title() -> Title {
    Title {
        summary: TitleSummary {
            source_id: " 42 ".into(),
            name: "  Магическая\tбитва \u{0007}".into(),
            name_original: Some("".into()),
            alt_names: vec!["JJK".into(), "jjk".into(), " ".into()],
            poster_url: Some("file:///etc/passwd".into()),
            kind: Some("TV".into()),
            episodes_total: Some(24),
            updated_at: Some(0),
        },
        description: Some("Строка\u{0000}\nвторая ".into()),
        genres: vec!["Экшен".into()],
        year: Some(1800),
        status: None,
        release_weekday: Some(9),
        episodes: vec![
            episode(2.0, "https://cdn.example/2.m3u8"),
            episode(f64::NAN, "https://cdn.example/x.m3u8"),
            episode(1.0, "javascript:alert(1)"),
            episode(2.0, "https://cdn.example/dup.m3u8"),
        ],
        torrents: vec![
            torrent("t1", "magnet:?xt=urn:btih:00"),
            torrent("t1", "magnet:?xt=urn:btih:11"),
            torrent("t2", "http://evil.example/file.torrent"),
        ],
        details_complete: true,
        external_ids: Vec::new(),
        related: Vec::new(),
        age_rating: Some(15),
        backdrop_url: Some("ftp://cdn.example/wide.jpg".into()),
    }
}

fn episode(number: f64, url: &str) -> Episode {
    Episode {
        number,
        name: None,
        streams: vec![Stream { quality: Quality::Hd, url: url.into() }],
        preview_url: None,
        opening: Some(SkipRange { start_ms: 5_000, end_ms: 1_000 }),
        ending: Some(SkipRange { start_ms: 1_300_000, end_ms: 1_390_000 }),
        duration_ms: Some(1_420_000),
        published_at: None,
        subtitles: Vec::new(),
        audio: Vec::new(),
        source_id: Some(format!(" ep-{number} ")),
    }
}

fn torrent(id: &str, magnet: &str) -> Torrent {
    Torrent {
        source_id: id.into(),
        episodes: "1-12".into(),
        quality: "1080p".into(),
        size_bytes: None,
        magnet: magnet.into(),
        seeders: None,
        info_hash: Some("ABCDEF0123456789abcdef0123456789ABCDEF01".into()),
    }
}

#[test]
fn soft_problems_are_repaired() {
    let (title, repairs) = validate_title("anilibria", title()).expect("repairable");
    assert_eq!(title.summary.source_id, "42");
    assert_eq!(title.summary.name, "Магическая битва");
    assert_eq!(title.summary.name_original, None);
    assert_eq!(title.summary.alt_names, ["JJK"]);
    assert_eq!(title.summary.poster_url, None);
    assert_eq!(title.summary.updated_at, None);
    assert_eq!(title.description.as_deref(), Some("Строка\nвторая"));
    assert_eq!((title.year, title.release_weekday), (None, None));
    let numbers: Vec<f64> = title.episodes.iter().map(|episode| episode.number).collect();
    assert_eq!(numbers, [1.0, 2.0]);
    assert!(title.episodes[0].streams.is_empty(), "a javascript: stream is dropped");
    assert_eq!(
        title.episodes[1].streams[0].url, "https://cdn.example/2.m3u8",
        "the first episode 2 is kept"
    );
    assert_eq!(title.episodes[1].opening, None, "a backwards range is dropped");
    assert!(title.episodes[1].ending.is_some());
    let torrents: Vec<&str> =
        title.torrents.iter().map(|torrent| torrent.magnet.as_str()).collect();
    assert_eq!(torrents, ["magnet:?xt=urn:btih:00"]);
    assert_eq!(
        title.torrents[0].info_hash.as_deref(),
        Some("abcdef0123456789abcdef0123456789abcdef01")
    );
    assert_eq!(title.episodes[1].source_id.as_deref(), Some("ep-2"), "trimmed");
    assert_eq!((title.age_rating, title.backdrop_url), (None, None), "15+ and ftp: dropped");
    let fields: HashSet<&str> = repairs.iter().map(|repair| repair.field).collect();
    for field in [
        "poster_url",
        "year",
        "release_weekday",
        "episodes.number",
        "episodes.streams",
        "episodes.opening",
        "torrents",
        "age_rating",
        "backdrop_url",
    ] {
        assert!(fields.contains(field), "{field} repair missing in {repairs:?}");
    }
}

/// Contract 0.2's fields: subtitle files, tracker ids, related titles are checked like the rest.
#[test]
fn subtitles_tracker_ids_and_related_titles_are_checked() {
    let subtitle = |url: &str, language: Option<&str>| SubtitleTrack {
        url: url.into(),
        language: language.map(Into::into),
        label: Some("  Надписи\n".into()),
        format: SubtitleFormat::Ass,
    };
    let mut raw = title();
    raw.episodes[0].subtitles = vec![
        subtitle(" https://cdn.example/1.ass ", Some("RU")),
        subtitle("https://cdn.example/1.ass", Some("ru")),
        subtitle("file:///etc/passwd", None),
        subtitle("https://cdn.example/1.en.ass", Some("en; rm -rf")),
    ];
    raw.episodes[0].audio = vec!["AniLibria".into(), " ".into()];
    let external = |tracker: Tracker, id: &str| ExternalId { tracker, id: id.into() };
    raw.external_ids = vec![
        external(Tracker::MyAnimeList, " 52991 "),
        external(Tracker::MyAnimeList, "1"),
        external(Tracker::Shikimori, "bad id"),
        external(Tracker::AniList, ""),
    ];
    let related = |id: &str, name: &str| RelatedTitle {
        source_id: id.into(),
        name: name.into(),
        order: Some(1),
    };
    raw.related = vec![
        related("43", "Сезон 2"),
        related("42", "Сам"),
        related("43", "Снова"),
        related("44", " "),
    ];
    let (title, repairs) = validate_title("anilibria", raw).expect("repairable");
    let subtitles = &title.episodes[1].subtitles;
    assert_eq!(subtitles.len(), 2, "the repeat and the file: URL are dropped: {subtitles:?}");
    assert_eq!(subtitles[0].url, "https://cdn.example/1.ass");
    assert_eq!(subtitles[0].language.as_deref(), Some("ru"));
    assert_eq!(subtitles[0].label.as_deref(), Some("Надписи"));
    assert_eq!(subtitles[1].language, None, "not a language tag");
    assert_eq!(title.episodes[1].audio, ["AniLibria"]);
    assert_eq!(title.external_ids, [external(Tracker::MyAnimeList, "52991")]);
    assert_eq!(title.related, [related("43", "Сезон 2")], "not itself, not twice, not nameless");
    let fields: HashSet<&str> = repairs.iter().map(|repair| repair.field).collect();
    for field in ["episodes.subtitles", "external_ids", "related"] {
        assert!(fields.contains(field), "{field} repair missing in {repairs:?}");
    }
}

#[track_caller]
fn check_rejected(mutate: impl FnOnce(&mut Title), field: &str) {
    let mut broken = title();
    mutate(&mut broken);
    let error = validate_title("anilibria", broken).expect_err("must be rejected");
    assert_eq!(error.field, field, "{error}");
    assert!(error.to_string().starts_with("plugin anilibria returned an invalid title"), "{error}");
}

#[test]
fn hard_rules_reject_the_title_naming_the_field() {
    check_rejected(|title| title.summary.source_id = "  ".into(), "source_id");
    check_rejected(|title| title.summary.source_id = "x".repeat(MAX_SOURCE_ID + 1), "source_id");
    check_rejected(|title| title.summary.name = " \u{0000} ".into(), "name");
    check_rejected(
        |title| title.episodes = vec![episode(1.0, "https://a.example/x"); MAX_EPISODES + 1],
        "episodes",
    );
    check_rejected(
        |title| title.torrents = vec![torrent("t", "magnet:?x"); MAX_TORRENTS + 1],
        "torrents",
    );
}

#[test]
fn long_names_are_cut_not_rejected() {
    let mut long = title();
    long.summary.name = "я".repeat(MAX_NAME_CHARS * 2);
    let (title, repairs) = validate_title("p", long).expect("repairable");
    assert_eq!(title.summary.name.chars().count(), MAX_NAME_CHARS);
    assert!(repairs.iter().any(|repair| repair.field == "name"));
}

#[test]
fn web_urls() {
    for good in ["https://a.example/x.m3u8?t=1", "http://127.0.0.1:8080/p.jpg"] {
        assert!(is_web_url(good), "{good}");
    }
    for bad in
        ["", "https://", "https:///x", "ftp://a/b", "javascript:alert(1)", "https://a b", "//cdn/x"]
    {
        assert!(!is_web_url(bad), "{bad}");
    }
}

/// Contract 0.3's episode ids: each names one episode; a repeat is dropped with a repair.
#[test]
fn a_repeated_episode_id_is_dropped() {
    let mut raw = title();
    raw.episodes[2].source_id = Some("ep-2".into());
    let (title, repairs) = validate_title("aniliberty", raw).expect("repairable");
    let ids: Vec<Option<&str>> =
        title.episodes.iter().map(|episode| episode.source_id.as_deref()).collect();
    assert_eq!(ids, [None, Some("ep-2")], "episode 1 repeated episode 2's id");
    assert!(repairs.iter().any(|repair| repair.field == "episodes.source_id"), "{repairs:?}");
}
