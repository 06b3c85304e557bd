//! The AniLiberty v1 parser on the host target: every fixture in `tests/fixtures/aniliberty/`
//! (synthetic, shaped after public material; see the README there) and hand-written tolerance
//! cases. `UPDATE_EXPECT=1 cargo test -p aniliberty` rewrites the snapshots.

use std::path::PathBuf;

use aniliberty::v1;
use expect_test::{Expect, expect};
use getanime_provider_sdk::snapshot::{render_page, render_schedule, render_title};

const MEDIA: &str = "https://anilibria.top";

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/aniliberty")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

#[track_caller]
fn check_page(body: impl AsRef<[u8]>, expected: Expect) {
    match v1::parse_page(body.as_ref(), MEDIA, 1) {
        Ok(page) => expected.assert_eq(&render_page(&page)),
        Err(error) => expected.assert_eq(&format!("error {error:?}\n")),
    }
}

#[track_caller]
fn check_release(body: impl AsRef<[u8]>, expected: Expect) {
    match v1::parse_release(body.as_ref(), MEDIA) {
        Ok(title) => expected.assert_eq(&render_title(&title)),
        Err(error) => expected.assert_eq(&format!("error {error:?}\n")),
    }
}

#[track_caller]
fn check_response(status: u16, content_type: &str, body: &[u8], expected: Expect) {
    let result = v1::check_response(
        "https://anilibria.top/api/v1/anime/releases/1",
        status,
        Some(content_type),
        body,
    );
    expected.assert_eq(&format!("{result:?}"));
}

mod fixtures {
    use super::*;

    #[test]
    fn latest_releases() {
        check_page(
            fixture("releases_latest.json"),
            expect![[r#"
                page 1 of None
                9901 "Ночной почтальон с улицы Каштанов" orig=Some("Kuri-doori no Yoru Yuubinya") alt=["Night Courier of Chestnut Street"] kind=Some("TV") eps=Some(12) updated=Some(1747244525000) year=Some(2025) weekday=Some(3) status=Some("Онгоинг") complete=false
                  poster Some("https://anilibria.top/storage/releases/posters/9901/1ae566319a1391d9cd905538a0fdfe5c.webp")
                  genres ["Фэнтези", "Мистика", "Повседневность"]
                  age Some(12) backdrop None
                  description "Юный Тоору развозит письма по ночам и однажды полу"
                9874 "Клинок осеннего ветра" orig=Some("Akikaze no Tsurugi") alt=[] kind=Some("TV") eps=Some(12) updated=Some(1735154411000) year=Some(2024) weekday=Some(3) status=Some("Завершён") complete=false
                  poster Some("https://anilibria.top/storage/releases/posters/9874/775446ac985ef11a57f881248d1ffe39.webp")
                  genres ["Экшен", "Драма", "Фэнтези"]
                  age Some(16) backdrop None
                  description "Бывший телохранитель князя странствует с клинком, "
                9650 "Город под стеклом" orig=Some("Garasu no Shita no Machi") alt=["City Under Glass"] kind=Some("MOVIE") eps=Some(1) updated=Some(1707652800000) year=Some(2023) weekday=Some(7) status=Some("Завершён") complete=false
                  poster Some("https://anilibria.top/storage/releases/posters/9650/ccc43b108f9aa80e7999a4b3d2ea7efe.webp")
                  genres ["Фантастика", "Драма"]
                  age Some(12) backdrop None
                  description "Полнометражный фильм о девочке, которая нашла вход"
            "#]],
        );
    }

    #[test]
    fn search() {
        check_page(
            fixture("search_klinok.json"),
            expect![[r#"
                page 1 of None
                9874 "Клинок осеннего ветра" orig=Some("Akikaze no Tsurugi") alt=[] kind=Some("TV") eps=Some(12) updated=Some(1735154411000) year=Some(2024) weekday=Some(3) status=Some("Завершён") complete=false
                  poster Some("https://anilibria.top/storage/releases/posters/9874/775446ac985ef11a57f881248d1ffe39.webp")
                  genres []
                  age Some(16) backdrop None
                  description "Бывший телохранитель князя странствует с клинком, "
                9321 "Клинок и каллиграфия" orig=Some("Katana to Shodou") alt=["Blade & Brush"] kind=Some("TV") eps=Some(12) updated=Some(1648843200000) year=Some(2022) weekday=Some(5) status=Some("Завершён") complete=false
                  poster Some("https://anilibria.top/storage/releases/posters/9321/7dd274e3cd37b7610c1e07066153ed08.webp")
                  genres []
                  age Some(12) backdrop None
                  description "Школьница-каллиграф наследует старинный меч вместе"
            "#]],
        );
    }

    #[test]
    fn release_with_episodes_and_torrents() {
        check_release(
            fixture("release_9901.json"),
            expect![[r#"
                9901 "Ночной почтальон с улицы Каштанов" orig=Some("Kuri-doori no Yoru Yuubinya") alt=["Night Courier of Chestnut Street"] kind=Some("TV") eps=Some(12) updated=Some(1747244525000) year=Some(2025) weekday=Some(3) status=Some("Онгоинг") complete=true
                  poster Some("https://anilibria.top/storage/releases/posters/9901/1ae566319a1391d9cd905538a0fdfe5c.webp")
                  genres ["Фэнтези", "Мистика", "Повседневность"]
                  age Some(12) backdrop None
                  description "Юный Тоору развозит письма по ночам и однажды полу"
                  ep 1 Some("Письмо без адреса") [Quality::Fhd Quality::Hd Quality::Sd] op=- ed=1325000-1415000 published=Some(1743616904000)
                    Quality::Fhd https://cache-rfn.libria.fun/videos/media/ts/9901/1/1080/6c3c26f13a13efcd1939dae35fbc496e.m3u8?isWithAds=1&countryIso=RU&isAuthorized=0
                    Quality::Hd https://cache-rfn.libria.fun/videos/media/ts/9901/1/720/6a950e759138a264c4da441bad6dfe84.m3u8?isWithAds=1&countryIso=RU&isAuthorized=0
                    Quality::Sd https://cache-rfn.libria.fun/videos/media/ts/9901/1/480/65c5beb356ed53ec38f9d533dd84bb73.m3u8?isWithAds=1&countryIso=RU&isAuthorized=0
                    preview Some("https://anilibria.top/storage/releases/episodes/previews/9901/1/7532c5136fa90f3bf5fe0f4e383608d7.webp")
                    id eaf67f03-7474-4f10-a51e-55a8ac12a083
                  ep 2 Some("Фонарщик") [Quality::Hd Quality::Sd] op=45000-135000 ed=1328000-1418000 published=Some(1744221790000)
                    id 14a707ef-369f-4b4f-aded-5f97f6dbf52b
                  ep 3 Some("Дождь в конверте") [Quality::Fhd Quality::Hd Quality::Sd] op=60000-150000 ed=1327000-1417000 published=Some(1744826398000)
                    id 502b2f57-3d14-4ac6-ac92-be62394a52be
                  ep 4 None [Quality::Fhd Quality::Hd Quality::Sd] op=0-90000 ed=- published=Some(1747244412000)
                    id 417284da-d0ed-4313-acfd-a31c994d6b85
                  torrent 40211 "1-4" "WEBRip 1080p AVC" size=Some(5368832577) seeders=Some(87) magnet:?xt=urn:btih:e6caec9ca7d5f89c1fca6959eb56e6e415c77247
                    hash e6caec9ca7d5f89c1fca6959eb56e6e415c77247
            "#]],
        );
    }

    #[test]
    fn schedule_week() {
        let days =
            v1::parse_schedule(&fixture("schedule_week.json"), MEDIA).expect("the schedule parses");
        expect![[r#"
            weekday 3
            9901 "Ночной почтальон с улицы Каштанов" orig=Some("Kuri-doori no Yoru Yuubinya") alt=["Night Courier of Chestnut Street"] kind=Some("TV") eps=Some(12) updated=Some(1747244525000) year=Some(2025) weekday=Some(3) status=Some("Онгоинг") complete=false
              poster Some("https://anilibria.top/storage/releases/posters/9901/1ae566319a1391d9cd905538a0fdfe5c.webp")
              genres []
              age Some(12) backdrop None
            weekday 6
            9912 "Повар из подземелья номер семь" orig=Some("Dungeon Nanagou no Ryourinin") alt=[] kind=Some("TV") eps=None updated=Some(1746806700000) year=Some(2025) weekday=Some(6) status=Some("Онгоинг") complete=false
              poster Some("https://anilibria.top/storage/releases/posters/9912/def47a6a524e82bd2ee7d16ab1751747.webp")
              genres []
              age Some(12) backdrop None
            weekday 7
            9880 "Тихий маяк" orig=Some("Shizuka na Toudai") alt=[] kind=Some("ONA") eps=Some(10) updated=Some(1743328800000) year=Some(2025) weekday=Some(7) status=Some("Завершён") complete=false
              poster Some("https://anilibria.top/storage/releases/posters/9880/3fdb366f04ab58afe7e1d926d3103f37.webp")
              genres []
              age Some(12) backdrop None
        "#]].assert_eq(&render_schedule(&days));
    }

    /// Real answers link releases to MyAnimeList and Shikimori (`mal`, `shikimori`): those
    /// become the title's external ids.
    #[test]
    fn tracker_ids_come_from_a_real_schedule() {
        let days = v1::parse_schedule(&fixture("real/schedule_week.json"), MEDIA)
            .expect("the real schedule parses");
        let titles: Vec<&getanime_provider_sdk::Title> =
            days.iter().flat_map(|day| &day.items).collect();
        let linked = titles.iter().filter(|title| title.external_ids.len() == 2).count();
        assert!(linked >= 4, "{linked} of {} titles have both ids", titles.len());
        let first = render_title(titles[0]);
        let ids = first.lines().find(|line| line.starts_with("  ids ")).unwrap_or_default();
        expect![[r#"  ids Tracker::Myanimelist=62331 Tracker::Shikimori=62331"#]].assert_eq(ids);
    }

    #[test]
    fn torrents_of_a_release() {
        let torrents =
            v1::parse_torrents(&fixture("torrents_release_9901.json")).expect("the torrents parse");
        let lines: Vec<String> = torrents
            .iter()
            .map(|torrent| {
                format!(
                    "{} {:?} {:?} {:?}",
                    torrent.source_id, torrent.quality, torrent.size_bytes, torrent.seeders
                )
            })
            .collect();
        expect![[r#"
            40211 "WEBRip 1080p AVC" Some(5368832577) Some(87)
            40212 "WEBRip 1080p HEVC" Some(1932735283) Some(141)
            40213 "WEBRip 720p AVC" Some(2684354560) Some(23)"#]]
        .assert_eq(&lines.join("\n"));
        let torrent =
            torrents.iter().find(|torrent| torrent.source_id == "40212").expect("torrent 40212");
        assert!(torrent.magnet.starts_with("magnet:?xt=urn:btih:"));
        assert_eq!(torrent.size_bytes, Some(1_932_735_283));
    }

    #[test]
    fn not_found() {
        check_response(
            404,
            "application/json",
            &fixture("error_404.json"),
            expect!["Err(ProviderError::NotFound)"],
        );
    }
}

mod tolerance {
    use super::*;

    #[test]
    fn envelopes_bare_arrays_and_arrays_of_arrays() {
        let release = r#"{"id": 1, "name": {"main": "Один"}, "publish_day": {"value": 2}}"#;
        check_page(
            format!(
                r#"{{"data": [{release}], "meta": {{"pagination": {{"current_page": 3, "total_pages": 9}}}}}}"#
            ),
            expect![[r#"
            page 3 of Some(9)
            1 "Один" orig=None alt=[] kind=None eps=None updated=None year=None weekday=Some(2) status=None complete=false
              poster None
              genres []
        "#]],
        );
        for body in [
            format!(r#"[{{"release": {release}}}]"#),
            format!(r#"{{"data": [{{"release": {release}}}]}}"#),
            format!(r#"[[{{"release": {release}}}]]"#),
        ] {
            let days = v1::parse_schedule(body.as_bytes(), MEDIA).expect("the schedule parses");
            assert_eq!(days.len(), 1, "{body}");
            assert_eq!(
                (days[0].weekday, days[0].items[0].summary.name.as_str()),
                (2, "Один"),
                "{body}"
            );
        }
    }

    #[test]
    fn images_in_every_shape_and_odd_urls() {
        let body = r#"{"id": 2, "name": {"main": "Картинки", "english": null}, "poster": {"thumbnail": "//cdn.example/t.jpg"},
            "episodes": [
              {"ordinal": "2", "sort_order": 2, "hls_720": "//cdn.example/2.m3u8?token=a", "hls_1080": "", "preview": {"src": "/p/2.jpg"}},
              {"ordinal": 1, "sort_order": 1, "hls_480": "/videos/1.m3u8", "hls_720": "javascript:alert(1)", "opening": {"start": null, "stop": 90},
               "ending": {"start": 1400, "stop": 1300}, "duration": 1420},
              {"ordinal": 1, "sort_order": 5, "name": "duplicate"},
              {"ordinal": 12.5, "sort_order": 3, "opening": {"start": 0, "stop": 5000}, "duration": 1420},
              {"name": "no ordinal"}
            ], "torrents": [{"id": 7, "hash": "abc", "magnet": null}, {"id": 8}]}"#;
        check_release(
            body,
            expect![[r#"
            2 "Картинки" orig=None alt=[] kind=None eps=None updated=None year=None weekday=None status=None complete=true
              poster Some("https://cdn.example/t.jpg")
              genres []
              ep 1 None [Quality::Sd] op=- ed=- published=None
                Quality::Sd https://anilibria.top/videos/1.m3u8
                preview None
              ep 2 None [Quality::Hd] op=- ed=- published=None
              ep 12.5 None [] op=- ed=- published=None
              torrent 7 "" "" size=None seeders=None magnet:?xt=urn:btih:abc
        "#]],
        );
    }

    #[test]
    fn a_bare_minimum_release_and_a_broken_list() {
        check_release(
            r#"{"id": "3", "alias": "only-alias"}"#,
            expect![[r#"
            3 "only-alias" orig=None alt=[] kind=None eps=None updated=None year=None weekday=None status=None complete=false
              poster None
              genres []
        "#]],
        );
        check_page(
            r#"[{"id": 0}, {"name": {"main": "no id"}}, "x", {"id": 4, "name": {"main": "  Хорошо  "}, "fresh_at": "not a date"}]"#,
            expect![[r#"
            page 1 of None
            4 "Хорошо" orig=None alt=[] kind=None eps=None updated=None year=None weekday=None status=None complete=false
              poster None
              genres []
        "#]],
        );
    }

    #[test]
    fn broken_bodies_are_typed_errors() {
        check_response(
            502,
            "text/html",
            b"<html>Bad gateway</html>",
            expect![[
                r#"Err(ProviderError::Network("https://anilibria.top/api/v1/anime/releases/1 answered a web page (HTTP 502) instead of data: the API may be down, moved or behind a captcha"))"#
            ]],
        );
        check_response(
            422,
            "application/json",
            br#"{"errors": {"limit": ["must be at most 50"]}}"#,
            expect![[
                r#"Err(ProviderError::Other("AniLiberty refused the request: limit: must be at most 50"))"#
            ]],
        );
        check_response(
            500,
            "application/json",
            br#"{"message": "Server Error"}"#,
            expect![[
                r#"Err(ProviderError::Network("https://anilibria.top/api/v1/anime/releases/1 answered HTTP 500: Server Error"))"#
            ]],
        );
        check_response(429, "application/json", b"", expect!["Err(ProviderError::RateLimited)"]);
        check_response(
            200,
            "application/json",
            b"  ",
            expect![[
                r#"Err(ProviderError::Parse("https://anilibria.top/api/v1/anime/releases/1 answered an empty body"))"#
            ]],
        );
        check_page(
            r#"[{"id": 1, "name": {"main": "Cut"#,
            expect![[r#"
                error ProviderError::Parse("answer cut off: the JSON from AniLiberty ends early (EOF while parsing a string at line 1 column 32)")
            "#]],
        );
        check_page(
            "42",
            expect![[r#"
            error ProviderError::Parse("expected an array or an object with `data`")
        "#]],
        );
    }
}

/// The whole catalog through the plugin's own glue, natively, against the SDK's fake host.
mod catalog {
    use super::*;
    use aniliberty::AniLiberty;
    use getanime_provider_sdk::testing::FakeHost;
    use getanime_provider_sdk::{CatalogFilter, Provider, ProviderError};

    const API: &str = "https://api.example/api/v1";

    #[test]
    fn filters_read_genres_and_years_and_name_the_fixed_choices() {
        let genres = r#"[{"id": 15, "name": "Экшен"}, {"id": "20", "name": " Драма "},
            {"id": "x;y", "name": "Злой"}, {"name": "без id"}]"#;
        let (filters, transcript) = FakeHost::new()
            .setting("base_url", API)
            .answer(&format!("{API}/anime/catalog/references/genres"), 200, genres)
            .answer(
                &format!("{API}/anime/catalog/references/years"),
                200,
                "[2025, 1998, \"2010\", 3000]",
            )
            .run(AniLiberty::filters);
        let filters = filters.expect("the references parse");
        let genres: Vec<(&str, &str)> =
            filters.genres.iter().map(|genre| (genre.id.as_str(), genre.label.as_str())).collect();
        assert_eq!(genres, [("15", "Экшен"), ("20", "Драма")], "odd ids are dropped");
        assert_eq!(filters.years, Some((1998, 2025)));
        assert_eq!(filters.sorts[0].id, "FRESH_AT_DESC", "the default order first");
        assert!(filters.kinds.iter().any(|kind| kind.id == "MOVIE" && kind.label == "Фильм"));
        assert_eq!(transcript.requests.len(), 2);
    }

    #[test]
    fn a_filtered_page_asks_with_f_parameters_and_reads_the_envelope() {
        let real: serde_json::Value =
            serde_json::from_slice(&fixture("real/releases_latest.json")).expect("real JSON");
        let page = serde_json::json!({"data": real,
            "meta": {"pagination": {"current_page": 2, "total_pages": 31, "per_page": 20}}});
        let filter = CatalogFilter {
            genres: vec!["15".into(), "20".into(), "1&f[x]=2".into()],
            kinds: vec!["TV".into()],
            year_from: Some(2020),
            sort: Some("RATING_DESC".into()),
            ..CatalogFilter::default()
        };
        let url = format!(
            "{API}/anime/catalog/releases?page=2&limit=20&f%5Bgenres%5D=15%2C20&f%5Btypes%5D=TV\
             &f%5Bsorting%5D=RATING_DESC&f%5Byears%5D%5Bfrom_year%5D=2020"
        );
        let (answer, transcript) = FakeHost::new()
            .setting("base_url", API)
            .answer(&url, 200, page.to_string())
            .run(|| AniLiberty::catalog(filter, 2));
        let urls: Vec<&str> =
            transcript.requests.iter().map(|request| request.url.as_str()).collect();
        assert_eq!(urls, [url.as_str()], "an injected id never reaches the URL");
        let answer = answer.expect("the page parses");
        assert_eq!((answer.page, answer.pages), (2, Some(31)));
        assert!(!answer.items.is_empty(), "the real releases are read");
    }

    #[test]
    fn an_invalid_filter_answer_is_the_sources_error() {
        let (answer, _) = FakeHost::new()
            .setting("base_url", API)
            .answer(
                &format!("{API}/anime/catalog/releases?page=1&limit=20"),
                422,
                r#"{"message": "The given data was invalid.", "errors": {}}"#,
            )
            .run(|| AniLiberty::catalog(CatalogFilter::default(), 1));
        assert!(
            matches!(answer, Err(ProviderError::Network(_) | ProviderError::Other(_))),
            "{answer:?}"
        );
    }
}
