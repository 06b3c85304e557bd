//! The AniLibria v3 parser on the host target: every fixture in `tests/fixtures/anilibria/`
//! (synthetic, shaped after the v3 docs; see the README there) and hand-written tolerance cases.
//! Expectations are compact text snapshots: `UPDATE_EXPECT=1 cargo test -p anilibria` rewrites
//! them, and the diff is reviewed like code.

use std::path::PathBuf;

use anilibria::v3;
use expect_test::{Expect, expect};
use getanime_provider_sdk::ProviderError;
use getanime_provider_sdk::snapshot::{render_page, render_schedule, render_title};

const MEDIA: &str = "https://static.example";

fn fixture(name: &str) -> Vec<u8> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/anilibria").join(name);
    std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// Parses `body` as the page endpoints do and compares with the snapshot.
#[track_caller]
fn check_page(body: impl AsRef<[u8]>, expected: Expect) {
    match v3::parse_page(body.as_ref(), MEDIA, 1) {
        Ok(page) => expected.assert_eq(&render_page(&page)),
        Err(error) => expected.assert_eq(&format!("error {error:?}\n")),
    }
}

#[track_caller]
fn check_title(body: impl AsRef<[u8]>, expected: Expect) {
    match v3::parse_title(body.as_ref(), MEDIA) {
        Ok(title) => expected.assert_eq(&render_title(&title)),
        Err(error) => expected.assert_eq(&format!("error {error:?}\n")),
    }
}

#[track_caller]
fn check_response(status: u16, content_type: &str, body: &[u8], expected: Expect) {
    let result =
        v3::check_response("https://api.example/v3/title", status, Some(content_type), body);
    expected.assert_eq(&format!("{result:?}"));
}

mod fixtures {
    use super::*;

    #[test]
    fn updates_page() {
        check_page(
            fixture("updates_page1.json"),
            expect![[r#"
                page 1 of Some(418)
                9612 "Звёздный почтальон" orig=Some("Star Courier") alt=["Hoshi no Yuubinya"] kind=Some("TV") eps=Some(24) updated=Some(1716892000000) year=Some(2024) weekday=Some(4) status=Some("В работе") complete=true
                  poster Some("https://static.example/storage/releases/posters/9612/fSzuiapC1lCPedjD.jpg")
                  genres ["Космос", "Драма", "Фантастика"]
                  description "Почтовый корабль «Ласточка» развозит письма между "
                  ep 1 None [Quality::Fhd Quality::Hd Quality::Sd] op=- ed=- published=Some(1714472800000)
                    Quality::Fhd https://cache.libria.fun/videos/media/ts/9612/1/1080/ebeeaaf2f6642a6cec435acb7b043535.m3u8
                    Quality::Hd https://cache.libria.fun/videos/media/ts/9612/1/720/a45feda42106d20b51fcde9e1ac7c123.m3u8
                    Quality::Sd https://cache.libria.fun/videos/media/ts/9612/1/480/e4726c72ff655ff818f74b9bbff3362d.m3u8
                    preview Some("https://static.example/storage/releases/episodes/previews/9612/1/mWc5gOw8A0r6shxf.jpg")
                    id e7274d6f-887f-11ee-7c70-1a93e6fe7d02
                  ep 2 None [Quality::Fhd Quality::Hd Quality::Sd] op=- ed=- published=Some(1715077600000)
                    id 05c7769a-5335-11ee-2f93-e4630deab8cc
                  ep 3 None [Quality::Fhd Quality::Hd Quality::Sd] op=- ed=- published=Some(1715682400000)
                    id f59d6164-08e5-11ee-d357-34c6bc81c4cb
                  ep 3.5 Some("Что было раньше") [Quality::Fhd Quality::Hd Quality::Sd] op=- ed=- published=Some(1716287200000)
                    id 59ab8560-2833-11ee-5f1c-4e83973ee45e
                  ep 4 None [Quality::Fhd Quality::Hd Quality::Sd] op=- ed=- published=Some(1716892000000)
                    id 7f85c307-e18b-11ee-c96e-485edf376e28
                  torrent 27150 "1-4" "WEBRip 1080p" size=Some(5403321856) seeders=Some(120) magnet:?xt=urn:btih:018ced7e7ad9a5db7006560cbbae893200e80621
                    hash 018ced7e7ad9a5db7006560cbbae893200e80621
                9601 "Ледяной алхимик" orig=Some("Frost Alchemist") alt=["Koori no Renkinjutsushi"] kind=Some("TV") eps=Some(12) updated=Some(1716114400000) year=Some(2024) weekday=Some(1) status=Some("В работе") complete=true
                  poster Some("https://static.example/storage/releases/posters/9601/1gR91K0Ermu9F642.jpg")
                  genres ["Приключения", "Фэнтези", "Экшен"]
                  description "Юный алхимик Ивар умеет превращать воду в лёд одни"
                  ep 1 Some("Лёд и соль") [Quality::Fhd Quality::Hd Quality::Sd] op=95000-185000 ed=1320000-1410000 published=Some(1714300000000)
                    Quality::Fhd https://cache.libria.fun/videos/media/ts/9601/1/1080/ac361d33ab9b225421787e1d48b70096.m3u8
                    Quality::Hd https://cache.libria.fun/videos/media/ts/9601/1/720/59d4c6a856a6c5a6f032b422e70a8807.m3u8
                    Quality::Sd https://cache.libria.fun/videos/media/ts/9601/1/480/a25de6f9e4b1dafcc3f103ee516c4876.m3u8
                    preview Some("https://static.example/storage/releases/episodes/previews/9601/1/MLUq5Srg6oVABh3I.jpg")
                    id 97fc3707-9c0b-11ee-66f1-2c388b823894
                  ep 2 Some("Ученик без печати") [Quality::Fhd Quality::Hd Quality::Sd] op=102000-192000 ed=1320000-1410000 published=Some(1714904800000)
                    id d2fcbab8-e171-11ee-f11c-b25232cc3d62
                  ep 3 Some("Северный тракт") [Quality::Fhd Quality::Hd Quality::Sd] op=0-89000 ed=1320000-1410000 published=Some(1715509600000)
                    id b8673c14-d7c4-11ee-25d1-f4ffd978f845
                  ep 4 Some("Кристаллы памяти") [Quality::Fhd Quality::Hd Quality::Sd] op=110000-200000 ed=- published=Some(1716114400000)
                    id b5a154f3-3db1-11ee-8a80-1aca7708fbc9
                  torrent 27101 "1-4" "WEBRip 1080p" size=Some(5621448704) seeders=Some(214) magnet:?xt=urn:btih:fa5400f16b1dc172289dd7a2c98b5d5a82e90792
                    hash fa5400f16b1dc172289dd7a2c98b5d5a82e90792
                  torrent 27102 "1-4" "WEBRip 1080p HEVC" size=Some(2104577536) seeders=Some(166) magnet:?xt=urn:btih:375f82309ba6809f56aca21b5c6ba53cb7319011
                    hash 375f82309ba6809f56aca21b5c6ba53cb7319011
                  torrent 27103 "1-4" "WEBRip 720p" size=Some(1731198976) seeders=Some(48) magnet:?xt=urn:btih:83b650571f469068c762faf386d02d599072d610
                    hash 83b650571f469068c762faf386d02d599072d610
                9588 "Кафе на краю света" orig=Some("Café at the End of the World") alt=[] kind=Some("TV") eps=Some(12) updated=Some(1702800000000) year=Some(2023) weekday=Some(5) status=Some("Завершен") complete=true
                  poster Some("https://static.example/storage/releases/posters/9588/ToFVeEIyjn6oGAVw.jpg")
                  genres ["Повседневность", "Романтика", "Комедия"]
                  description "Мико наследует крошечное кафе на самом краю обрыва"
                  ep 1 None [Quality::Hd Quality::Sd] op=63000-153000 ed=- published=Some(1696100000000)
                    Quality::Hd https://de1.libria.fun/videos/media/ts/9588/1/720/3cfe1fe8dfe8e288cb5410bead5cc9ba.m3u8
                    Quality::Sd https://de1.libria.fun/videos/media/ts/9588/1/480/14e119d259982253107996e7c6d45934.m3u8
                    preview Some("https://static.example/storage/releases/episodes/previews/9588/1/UOE2hzj5cy9rNEnW.jpg")
                    id c852c358-8696-11ee-f030-726916e03c69
                  ep 2 None [Quality::Hd Quality::Sd] op=64000-154000 ed=- published=Some(1696704800000)
                    id 4076ae16-d2ef-11ee-572c-51b2d6b93203
                  ep 3 None [Quality::Hd Quality::Sd] op=- ed=- published=Some(1697309600000)
                    id 90c29c05-461f-11ee-478a-98b9826c85c6
                  ep 4 None [Quality::Hd Quality::Sd] op=66000-156000 ed=- published=Some(1697914400000)
                    id 9c51e380-2548-11ee-610f-48869eae1f08
                  ep 5 None [Quality::Hd Quality::Sd] op=67000-157000 ed=- published=Some(1698519200000)
                    id 0348dce4-d6eb-11ee-4857-d48a8f408b19
                  ep 6 None [Quality::Hd Quality::Sd] op=- ed=- published=Some(1699124000000)
                    id 4ac0e9a3-caf3-11ee-436d-453875a0b00c
                  ep 7 None [Quality::Hd Quality::Sd] op=69000-159000 ed=- published=Some(1699728800000)
                    id d31f92c1-b9ac-11ee-bab3-61293d55a881
                  ep 8 None [Quality::Hd Quality::Sd] op=70000-160000 ed=- published=Some(1700333600000)
                    id a928112b-f2ba-11ee-7769-50710f613154
                  ep 9 None [Quality::Hd Quality::Sd] op=- ed=- published=Some(1700938400000)
                    id d5b518f1-3a40-11ee-2c42-41a5f0f0aed7
                  ep 10 None [Quality::Hd Quality::Sd] op=72000-162000 ed=- published=Some(1701543200000)
                    id 7a84fa6f-9a3e-11ee-9512-5a8df2fe3106
                  ep 11 None [Quality::Hd Quality::Sd] op=73000-163000 ed=- published=Some(1702148000000)
                    id 69eb1aac-2752-11ee-84d7-1a2618b3f963
                  ep 12 None [Quality::Hd Quality::Sd] op=- ed=- published=Some(1702752800000)
                    id 076774a4-2177-11ee-e5fb-194f83e76105
                  torrent 26011 "1-12 [END]" "WEBRip 720p" size=Some(5368709120) seeders=Some(40) magnet:?xt=urn:btih:469777b38e29ba6a93d1a0975621acab0c8d5f42
                    hash 469777b38e29ba6a93d1a0975621acab0c8d5f42
                  torrent 26012 "1-12 [END]" "WEBRip 720p HEVC" size=Some(2671771648) seeders=Some(18) magnet:?xt=urn:btih:66a67fd1ab1db466e073bbf1fd502af7a0111626
                    hash 66a67fd1ab1db466e073bbf1fd502af7a0111626
            "#]],
        );
    }

    #[test]
    fn search_page() {
        check_page(
            fixture("search_alchemist.json"),
            expect![[r#"
                page 1 of Some(1)
                9601 "Ледяной алхимик" orig=Some("Frost Alchemist") alt=["Koori no Renkinjutsushi"] kind=Some("TV") eps=Some(12) updated=Some(1716114400000) year=Some(2024) weekday=Some(1) status=Some("В работе") complete=true
                  poster Some("https://static.example/storage/releases/posters/9601/1gR91K0Ermu9F642.jpg")
                  genres ["Приключения", "Фэнтези", "Экшен"]
                  description "Юный алхимик Ивар умеет превращать воду в лёд одни"
                  ep 1 Some("Лёд и соль") [Quality::Fhd Quality::Hd Quality::Sd] op=95000-185000 ed=1320000-1410000 published=Some(1714300000000)
                    Quality::Fhd https://cache.libria.fun/videos/media/ts/9601/1/1080/ac361d33ab9b225421787e1d48b70096.m3u8
                    Quality::Hd https://cache.libria.fun/videos/media/ts/9601/1/720/59d4c6a856a6c5a6f032b422e70a8807.m3u8
                    Quality::Sd https://cache.libria.fun/videos/media/ts/9601/1/480/a25de6f9e4b1dafcc3f103ee516c4876.m3u8
                    preview Some("https://static.example/storage/releases/episodes/previews/9601/1/MLUq5Srg6oVABh3I.jpg")
                    id 97fc3707-9c0b-11ee-66f1-2c388b823894
                  ep 2 Some("Ученик без печати") [Quality::Fhd Quality::Hd Quality::Sd] op=102000-192000 ed=1320000-1410000 published=Some(1714904800000)
                    id d2fcbab8-e171-11ee-f11c-b25232cc3d62
                  ep 3 Some("Северный тракт") [Quality::Fhd Quality::Hd Quality::Sd] op=0-89000 ed=1320000-1410000 published=Some(1715509600000)
                    id b8673c14-d7c4-11ee-25d1-f4ffd978f845
                  ep 4 Some("Кристаллы памяти") [Quality::Fhd Quality::Hd Quality::Sd] op=110000-200000 ed=- published=Some(1716114400000)
                    id b5a154f3-3db1-11ee-8a80-1aca7708fbc9
                  torrent 27101 "1-4" "WEBRip 1080p" size=Some(5621448704) seeders=Some(214) magnet:?xt=urn:btih:fa5400f16b1dc172289dd7a2c98b5d5a82e90792
                    hash fa5400f16b1dc172289dd7a2c98b5d5a82e90792
                  torrent 27102 "1-4" "WEBRip 1080p HEVC" size=Some(2104577536) seeders=Some(166) magnet:?xt=urn:btih:375f82309ba6809f56aca21b5c6ba53cb7319011
                    hash 375f82309ba6809f56aca21b5c6ba53cb7319011
                  torrent 27103 "1-4" "WEBRip 720p" size=Some(1731198976) seeders=Some(48) magnet:?xt=urn:btih:83b650571f469068c762faf386d02d599072d610
                    hash 83b650571f469068c762faf386d02d599072d610
                8821 "Алхимик из подворотни" orig=Some("Back-Alley Alchemist") alt=[] kind=Some("ONA") eps=Some(6) updated=Some(1683024000000) year=Some(2023) weekday=Some(6) status=Some("Завершен") complete=true
                  poster Some("https://static.example/storage/releases/posters/8821/KY3echDBo2e8hVGM.jpg")
                  genres ["Комедия", "Фэнтези"]
                  description "Уличный торговец зельями случайно варит эликсир уд"
                  ep 1 None [Quality::Fhd Quality::Hd Quality::Sd] op=- ed=780000-840000 published=Some(1680000000000)
                    Quality::Fhd https://de4.libria.fun/videos/media/ts/8821/1/1080/0fc238e3e029dc0918cf5d302102e168.m3u8
                    Quality::Hd https://de4.libria.fun/videos/media/ts/8821/1/720/0e54cccd7d54ee9fa6b4aa1ef1c95082.m3u8
                    Quality::Sd https://de4.libria.fun/videos/media/ts/8821/1/480/a5f9e96fb5403f772f16f2adac53c56c.m3u8
                    preview Some("https://static.example/storage/releases/episodes/previews/8821/1/YtN3m2Xy37OAiu07.jpg")
                    id 2b9db2a0-fa97-11ee-bcec-8e39b8084316
                  ep 2 None [Quality::Fhd Quality::Hd Quality::Sd] op=30000-118000 ed=780000-840000 published=Some(1680604800000)
                    id 45cea56d-a5e1-11ee-ac87-b0a99cdda1dd
                  ep 3 None [Quality::Fhd Quality::Hd Quality::Sd] op=30000-118000 ed=780000-840000 published=Some(1681209600000)
                    id 01e9d8c3-7dd4-11ee-a70e-b67cbb270dea
                  ep 4 None [Quality::Fhd Quality::Hd Quality::Sd] op=30000-118000 ed=780000-840000 published=Some(1681814400000)
                    id e64987de-b0a9-11ee-cc0b-54e97f4662b4
                  ep 5 None [Quality::Fhd Quality::Hd Quality::Sd] op=30000-118000 ed=780000-840000 published=Some(1682419200000)
                    id 7b3f92d9-b8cf-11ee-1bd8-62da5651b0ec
                  ep 6 None [Quality::Fhd Quality::Hd Quality::Sd] op=30000-118000 ed=780000-840000 published=Some(1683024000000)
                    id 567dd7dd-3f89-11ee-be01-b954a0fcdfcd
                  torrent 24410 "1-6" "WEBRip 1080p" size=Some(1932735283) seeders=Some(12) magnet:?xt=urn:btih:334307a91cbe17956cc5952d5bae5ea348b7b23b
                    hash 334307a91cbe17956cc5952d5bae5ea348b7b23b
            "#]],
        );
    }

    #[test]
    fn movie_title() {
        check_title(
            fixture("title_9432.json"),
            expect![[r#"
                9432 "Сад тысячи фонарей" orig=Some("Garden of a Thousand Lanterns") alt=["Sen no Tourou no Niwa"] kind=Some("MOVIE") eps=None updated=Some(1709800000000) year=Some(2023) weekday=Some(1) status=Some("Завершен") complete=true
                  poster Some("https://static.example/storage/releases/posters/9432/CRvSKSCVEg9GEmfS.jpg")
                  genres ["Драма", "Мистика"]
                  description "Каждое лето в старом саду зажигают тысячу фонарей "
                  ep 1 None [Quality::Fhd Quality::Hd Quality::Sd] op=- ed=6120000-6300000 published=Some(1709800000000)
                    Quality::Fhd https://cache.libria.fun/videos/media/ts/9432/1/1080/4d4035e1f5104368d2d605a51242f18f.m3u8
                    Quality::Hd https://cache.libria.fun/videos/media/ts/9432/1/720/4441c4a2d198849f481f0a8a42f96b8f.m3u8
                    Quality::Sd https://cache.libria.fun/videos/media/ts/9432/1/480/0964e231159014b072a3a684448cb3d6.m3u8
                    preview Some("https://static.example/storage/releases/episodes/previews/9432/1/W6Gn6pwEuodrNfFx.jpg")
                    id 1d7d7c74-85f0-11ee-2a5e-bbec8776d524
                  torrent 25001 "Фильм" "BDRip 1080p" size=Some(6012846080) seeders=Some(57) magnet:?xt=urn:btih:7d7528de740d88030c3e2f9ab4f20eabfcfadd1c
                    hash 7d7528de740d88030c3e2f9ab4f20eabfcfadd1c
                  torrent 25002 "Фильм" "BDRip 1080p HEVC" size=Some(1503238553) seeders=Some(73) magnet:?xt=urn:btih:2f56d9330013b7aa2c789830bb11ae433aca0661
                    hash 2f56d9330013b7aa2c789830bb11ae433aca0661
            "#]],
        );
    }

    #[test]
    fn schedule() {
        let days =
            v3::parse_schedule(&fixture("schedule.json"), MEDIA).expect("the schedule parses");
        expect![[r#"
            weekday 1
            9601 "Ледяной алхимик" orig=Some("Frost Alchemist") alt=["Koori no Renkinjutsushi"] kind=Some("TV") eps=Some(12) updated=Some(1716114400000) year=Some(2024) weekday=Some(1) status=Some("В работе") complete=false
              poster Some("https://static.example/storage/releases/posters/9601/1gR91K0Ermu9F642.jpg")
              genres ["Приключения", "Фэнтези", "Экшен"]
              description "Юный алхимик Ивар умеет превращать воду в лёд одни"
              ep 3 Some("Северный тракт") [Quality::Fhd Quality::Hd Quality::Sd] op=0-89000 ed=1320000-1410000 published=Some(1715509600000)
                Quality::Fhd https://cache.libria.fun/videos/media/ts/9601/3/1080/28fe8c62c493de08c58d7098aca8a3b2.m3u8
                Quality::Hd https://cache.libria.fun/videos/media/ts/9601/3/720/19f4ff345f69d8858b70bd0732850594.m3u8
                Quality::Sd https://cache.libria.fun/videos/media/ts/9601/3/480/603eb7634d4c977f2a00fc1e70a12611.m3u8
                preview Some("https://static.example/storage/releases/episodes/previews/9601/3/4hQSnffTMmJ89oMW.jpg")
                id b8673c14-d7c4-11ee-25d1-f4ffd978f845
              ep 4 Some("Кристаллы памяти") [Quality::Fhd Quality::Hd Quality::Sd] op=110000-200000 ed=- published=Some(1716114400000)
                id b5a154f3-3db1-11ee-8a80-1aca7708fbc9
              torrent 27101 "1-4" "WEBRip 1080p" size=Some(5621448704) seeders=Some(214) magnet:?xt=urn:btih:fa5400f16b1dc172289dd7a2c98b5d5a82e90792
                hash fa5400f16b1dc172289dd7a2c98b5d5a82e90792
              torrent 27102 "1-4" "WEBRip 1080p HEVC" size=Some(2104577536) seeders=Some(166) magnet:?xt=urn:btih:375f82309ba6809f56aca21b5c6ba53cb7319011
                hash 375f82309ba6809f56aca21b5c6ba53cb7319011
              torrent 27103 "1-4" "WEBRip 720p" size=Some(1731198976) seeders=Some(48) magnet:?xt=urn:btih:83b650571f469068c762faf386d02d599072d610
                hash 83b650571f469068c762faf386d02d599072d610
            weekday 4
            9612 "Звёздный почтальон" orig=Some("Star Courier") alt=["Hoshi no Yuubinya"] kind=Some("TV") eps=Some(24) updated=Some(1716892000000) year=Some(2024) weekday=Some(4) status=Some("В работе") complete=false
              poster Some("https://static.example/storage/releases/posters/9612/fSzuiapC1lCPedjD.jpg")
              genres ["Космос", "Драма", "Фантастика"]
              description "Почтовый корабль «Ласточка» развозит письма между "
              ep 3 None [Quality::Fhd Quality::Hd Quality::Sd] op=- ed=- published=Some(1715682400000)
                Quality::Fhd https://cache.libria.fun/videos/media/ts/9612/3/1080/6e3a47639bfe2954a4bf4ec619880f04.m3u8
                Quality::Hd https://cache.libria.fun/videos/media/ts/9612/3/720/69ef76b40da86dba11329172c4646971.m3u8
                Quality::Sd https://cache.libria.fun/videos/media/ts/9612/3/480/235553cde69a3e0d1ae2796d993c58ca.m3u8
                preview Some("https://static.example/storage/releases/episodes/previews/9612/3/cdSCRmUH3Ytq12kN.jpg")
                id f59d6164-08e5-11ee-d357-34c6bc81c4cb
              ep 3.5 Some("Что было раньше") [Quality::Fhd Quality::Hd Quality::Sd] op=- ed=- published=Some(1716287200000)
                id 59ab8560-2833-11ee-5f1c-4e83973ee45e
              ep 4 None [Quality::Fhd Quality::Hd Quality::Sd] op=- ed=- published=Some(1716892000000)
                id 7f85c307-e18b-11ee-c96e-485edf376e28
              torrent 27150 "1-4" "WEBRip 1080p" size=Some(5403321856) seeders=Some(120) magnet:?xt=urn:btih:018ced7e7ad9a5db7006560cbbae893200e80621
                hash 018ced7e7ad9a5db7006560cbbae893200e80621
            weekday 6
            9620 "Маяк для двоих" orig=Some("A Lighthouse for Two") alt=[] kind=Some("TV") eps=None updated=Some(1714732000000) year=Some(2024) weekday=Some(6) status=Some("В работе") complete=false
              poster Some("https://static.example/storage/releases/posters/9620/6yBF09Qm0FF6QbiI.jpg")
              genres ["Романтика", "Школа"]
              description "Двое одноклассников, которые терпеть друг друга не"
              ep 1 None [Quality::Fhd Quality::Hd Quality::Sd] op=70000-160000 ed=- published=Some(1714732000000)
                Quality::Fhd https://cache.libria.fun/videos/media/ts/9620/1/1080/05a86bbe231ff997a6e55411275cb496.m3u8
                Quality::Hd https://cache.libria.fun/videos/media/ts/9620/1/720/79292a8124a4a4404446bc71dd73e67f.m3u8
                Quality::Sd https://cache.libria.fun/videos/media/ts/9620/1/480/78abbf0514a0c934bc374161332e17cf.m3u8
                preview Some("https://static.example/storage/releases/episodes/previews/9620/1/ADfEK7VyaH1Syyx2.jpg")
                id 7a461376-1495-11ee-355d-48be85424bed
            8821 "Алхимик из подворотни" orig=Some("Back-Alley Alchemist") alt=[] kind=Some("ONA") eps=Some(6) updated=Some(1683024000000) year=Some(2023) weekday=Some(6) status=Some("Завершен") complete=false
              poster Some("https://static.example/storage/releases/posters/8821/KY3echDBo2e8hVGM.jpg")
              genres ["Комедия", "Фэнтези"]
              description "Уличный торговец зельями случайно варит эликсир уд"
              ep 6 None [Quality::Fhd Quality::Hd Quality::Sd] op=30000-118000 ed=780000-840000 published=Some(1683024000000)
                Quality::Fhd https://de4.libria.fun/videos/media/ts/8821/6/1080/5d346b6016f6cb2a4a9f6329268bc5cf.m3u8
                Quality::Hd https://de4.libria.fun/videos/media/ts/8821/6/720/220b5f3af501ae5ab6c5143b231bb722.m3u8
                Quality::Sd https://de4.libria.fun/videos/media/ts/8821/6/480/042d67ac2eb90959a0ae37bfd77a65e5.m3u8
                preview Some("https://static.example/storage/releases/episodes/previews/8821/6/c1VIQ8bGUWKRC4c2.jpg")
                id 567dd7dd-3f89-11ee-be01-b954a0fcdfcd
              torrent 24410 "1-6" "WEBRip 1080p" size=Some(1932735283) seeders=Some(12) magnet:?xt=urn:btih:334307a91cbe17956cc5952d5bae5ea348b7b23b
                hash 334307a91cbe17956cc5952d5bae5ea348b7b23b
        "#]].assert_eq(&render_schedule(&days));
    }

    #[test]
    fn error_envelopes() {
        check_response(
            404,
            "application/json",
            &fixture("error_not_found.json"),
            expect!["Err(ProviderError::NotFound)"],
        );
        check_response(
            412,
            "application/json",
            &fixture("error_unknown_params.json"),
            expect![[
                r#"Err(ProviderError::Other("AniLibria error 412: Unknown parameters: episode"))"#
            ]],
        );
        check_response(
            200,
            "application/json",
            &fixture("error_not_found.json"),
            expect!["Err(ProviderError::NotFound)"],
        );
    }
}

mod tolerance {
    use super::*;

    /// `franchises` (a newer v3 key) gives the related titles in franchise order, without the
    /// title itself or releases missing an id or a name.
    #[test]
    fn franchises_become_related_titles() {
        let body = r#"{"id": 9432, "names": {"ru": "Стальной алхимик: Братство"},
            "franchises": [{"franchise": {"id": "f1", "name": "Стальной алхимик"}, "releases": [
                {"id": 1000, "code": "fma", "ordinal": 1, "names": {"ru": "Стальной алхимик", "en": "FMA"}},
                {"id": 9432, "ordinal": 2, "names": {"ru": "Стальной алхимик: Братство"}},
                {"id": "1200", "ordinal": "3", "names": {"en": "FMA: The Sacred Star"}},
                {"ordinal": 4, "names": {"ru": "Без id"}}, {"id": 1300, "names": {}}]}]}"#;
        let title = v3::parse_title(body.as_bytes(), MEDIA).expect("parses");
        let related: Vec<(&str, &str, Option<u32>)> = title
            .related
            .iter()
            .map(|related| (related.source_id.as_str(), related.name.as_str(), related.order))
            .collect();
        assert_eq!(
            related,
            [("1000", "Стальной алхимик", Some(1)), ("1200", "FMA: The Sacred Star", Some(3))]
        );
    }

    #[test]
    fn player_list_as_an_array_with_duplicates_fractions_and_strings() {
        let body = r#"{"id": "77", "names": {"ru": "Тест"}, "torrents": {"list": []}, "player": {"host": "cdn.example",
            "list": [
              {"episode": "2", "created_timestamp": 100, "hls": {"hd": "/old/2.m3u8"}},
              {"episode": 1, "hls": {"sd": "/1.m3u8", "hd": null, "fhd": ""}},
              {"episode": 2, "created_timestamp": 200, "hls": {"hd": "/new/2.m3u8"}},
              {"episode": 12.5, "name": "Recap &amp; more"},
              {"episode": "x"},
              {"episode": 3, "created_timestamp": 300, "hls": {"hd": "/a/3.m3u8"}},
              {"episode": 3, "created_timestamp": 300, "hls": {"hd": "/b/3.m3u8"}},
              "not an object"
            ]}}"#;
        check_title(
            body,
            expect![[r#"
            77 "Тест" orig=None alt=[] kind=None eps=None updated=None year=None weekday=None status=None complete=true
              poster None
              genres []
              ep 1 None [Quality::Sd] op=- ed=- published=None
                Quality::Sd https://cdn.example/1.m3u8
                preview None
              ep 2 None [Quality::Hd] op=- ed=- published=Some(200000)
              ep 3 None [Quality::Hd] op=- ed=- published=Some(300000)
              ep 12.5 Some("Recap & more") [] op=- ed=- published=None
        "#]],
        );
    }

    #[test]
    fn empty_player_lists_in_every_form() {
        for list in ["{}", "[]", "null"] {
            let body = format!(
                r#"{{"id": 5, "names": {{"ru": "Пусто"}}, "player": {{"host": "h", "list": {list}}}, "torrents": {{"list": []}}}}"#
            );
            let title = v3::parse_title(body.as_bytes(), MEDIA).expect("parses");
            assert!(title.episodes.is_empty(), "{list}");
        }
    }

    #[test]
    fn skips_empty_backwards_strings_and_malformed() {
        let body = r#"{"id": 8, "names": {"ru": "Skips"}, "player": {"host": "h", "list": {
            "1": {"episode": 1, "skips": {"opening": [], "ending": [1300, 1390]}},
            "2": {"episode": 2, "skips": {"opening": ["10", "95"], "ending": [1390, 1300]}},
            "3": {"episode": 3, "skips": {"opening": [5], "ending": [-5, 10]}},
            "4": {"episode": 4, "skips": null}
        }}}"#;
        check_title(
            body,
            expect![[r#"
            8 "Skips" orig=None alt=[] kind=None eps=None updated=None year=None weekday=None status=None complete=false
              poster None
              genres []
              ep 1 None [] op=- ed=1300000-1390000 published=None
                preview None
              ep 2 None [] op=10000-95000 ed=- published=None
              ep 3 None [] op=- ed=- published=None
              ep 4 None [] op=- ed=- published=None
        "#]],
        );
    }

    #[test]
    fn only_an_id_and_a_code() {
        check_title(
            r#"{"id": 9, "code": "only-code", "posters": {"original": {"url": "javascript:alert(1)"}}}"#,
            expect![[r#"
            9 "only-code" orig=None alt=[] kind=None eps=None updated=None year=None weekday=None status=None complete=false
              poster None
              genres []
        "#]],
        );
    }

    #[test]
    fn numbers_as_strings_entities_and_crlf() {
        let body = r#"{"id": "9100", "names": {"ru": " &laquo;Кавычки&raquo; ", "en": null, "alternative": "Alt"},
            "updated": "1716892000", "type": {"string": "TV", "episodes": "12"}, "season": {"year": "2024", "week_day": "6"},
            "description": "Строка&nbsp;1\r\n\r\n\r\nСтрока 2 &#8212; конец",
            "torrents": {"list": [{"torrent_id": "5", "total_size": "6442450944", "seeders": "3", "hash": "0123456789abcdef0123456789abcdef01234567",
                                   "episodes": {"string": "1-12"}, "quality": {"string": "BDRip 1080p"}}]},
            "player": {"host": "cache.example", "list": {}}}"#;
        check_title(
            body,
            expect![[r#"
                9100 "«Кавычки»" orig=None alt=["Alt"] kind=Some("TV") eps=Some(12) updated=Some(1716892000000) year=Some(2024) weekday=Some(7) status=None complete=true
                  poster None
                  genres []
                  description "Строка 1\n\nСтрока 2 — конец"
                  torrent 5 "1-12" "BDRip 1080p" size=Some(6442450944) seeders=Some(3) magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567
                    hash 0123456789abcdef0123456789abcdef01234567
            "#]],
        );
    }

    #[test]
    fn a_bad_title_does_not_sink_the_page() {
        let body = r#"{"list": [{"id": 0, "names": {"ru": "Zero"}}, {"names": {"ru": "No id"}}, 42, {"id": 1, "names": {"ru": "Good"}}],
                        "pagination": {"pages": "3", "current_page": 2}}"#;
        check_page(
            body,
            expect![[r#"
            page 2 of Some(3)
            1 "Good" orig=None alt=[] kind=None eps=None updated=None year=None weekday=None status=None complete=false
              poster None
              genres []
        "#]],
        );
    }

    #[test]
    fn old_v2_shapes_give_no_episodes_rather_than_errors() {
        check_title(
            r#"{"id": 3, "names": {"ru": "V2"}, "player": {"host": "h", "playlist": {"1": {"serie": 1}}}, "description": {"plain": "Plain", "html": "<b>x</b>"}}"#,
            expect![[r#"
            3 "V2" orig=None alt=[] kind=None eps=None updated=None year=None weekday=None status=None complete=false
              poster None
              genres []
              description "Plain"
        "#]],
        );
    }

    #[test]
    fn broken_bodies_are_typed_errors() {
        check_response(
            502,
            "text/html",
            b"<html><body>Bad gateway</body></html>",
            expect![[
                r#"Err(ProviderError::Network("https://api.example/v3/title answered a web page (HTTP 502) instead of data: the API may be down, moved or behind a captcha"))"#
            ]],
        );
        check_response(
            200,
            "application/json",
            b"  <!DOCTYPE html><p>captcha</p>",
            expect![[
                r#"Err(ProviderError::Network("https://api.example/v3/title answered a web page (HTTP 200) instead of data: the API may be down, moved or behind a captcha"))"#
            ]],
        );
        check_response(
            503,
            "application/json",
            b"",
            expect![[
                r#"Err(ProviderError::Network("https://api.example/v3/title answered HTTP 503: (empty body)"))"#
            ]],
        );
        check_response(429, "application/json", b"{}", expect!["Err(ProviderError::RateLimited)"]);
        check_response(
            200,
            "application/json",
            b"",
            expect![[
                r#"Err(ProviderError::Parse("https://api.example/v3/title answered an empty body"))"#
            ]],
        );
        check_response(
            200,
            "application/json",
            br#"{"error": {"code": 500, "message": "Internal"}}"#,
            expect![[r#"Err(ProviderError::Network("AniLibria error 500: Internal"))"#]],
        );
        check_page(
            r#"{"list": [{"id": 1, "names": {"ru": "Cut"#,
            expect![[r#"
                error ProviderError::Parse("answer cut off: the JSON from AniLibria ends early (EOF while parsing a string at line 1 column 40)")
            "#]],
        );
        check_page(
            b"[1, 2",
            expect![[r#"
                error ProviderError::Parse("answer cut off: the JSON from AniLibria ends early (EOF while parsing a list at line 1 column 5)")
            "#]],
        );
        check_page(
            r#""just a string""#,
            expect![[r#"
            error ProviderError::Parse("expected an object with `list` or an array")
        "#]],
        );
        let error = v3::parse_schedule(br#"{"day": 0}"#, MEDIA).err();
        assert!(
            matches!(&error, Some(ProviderError::Parse(message)) if message == "the schedule is not an array of days"),
            "{error:?}"
        );
    }
}

/// The whole catalog through the plugin's glue, natively, against the SDK's fake host.
mod catalog {
    use super::*;
    use anilibria::AniLibria;
    use getanime_provider_sdk::testing::FakeHost;
    use getanime_provider_sdk::{CatalogFilter, Provider};

    const API: &str = "https://api.example/v3";

    #[test]
    fn filters_come_from_the_genre_and_year_lists() {
        let (filters, _) = FakeHost::new()
            .setting("base_url", API)
            .answer(&format!("{API}/genres"), 200, r#"["Экшен", " Драма ", 7]"#)
            .answer(&format!("{API}/years"), 200, "[1996, 2024, 2025]")
            .run(AniLibria::filters);
        let filters = filters.expect("the lists parse");
        let genres: Vec<&str> = filters.genres.iter().map(|genre| genre.id.as_str()).collect();
        assert_eq!(genres, ["Экшен", "Драма"]);
        assert_eq!(filters.years, Some((1996, 2025)));
        assert!(filters.statuses.is_empty(), "v3 search has no status filter");
    }

    #[test]
    fn a_filtered_search_names_genres_kinds_and_every_year() {
        let filter = CatalogFilter {
            genres: vec!["Экшен".into(), "Драма".into()],
            kinds: vec!["1".into(), "1;drop".into()],
            year_from: Some(2020),
            year_to: Some(2022),
            sort: Some("in_favorites".into()),
            ..CatalogFilter::default()
        };
        let url = format!(
            "{API}/title/search?page=3&items_per_page=20&genres=%D0%AD%D0%BA%D1%88%D0%B5%D0%BD%2C%D0%94%D1%80%D0%B0%D0%BC%D0%B0\
             &type=1&year=2020%2C2021%2C2022&order_by=in_favorites&sort_direction=1"
        );
        let (page, transcript) = FakeHost::new()
            .setting("base_url", API)
            .answer(&url, 200, fixture("updates_page1.json"))
            .run(|| AniLibria::catalog(filter, 3));
        let urls: Vec<&str> =
            transcript.requests.iter().map(|request| request.url.as_str()).collect();
        assert_eq!(urls, [url.as_str()]);
        let page = page.expect("the envelope parses");
        assert!(!page.items.is_empty());
        assert!(
            matches!(
                FakeHost::new().run(|| AniLibria::catalog(CatalogFilter::default(), 1)).0,
                Err(ProviderError::Network(_))
            ),
            "no answer canned: the fake host says so"
        );
    }
}
