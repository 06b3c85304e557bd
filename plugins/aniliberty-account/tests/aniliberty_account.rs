//! The AniLiberty account's wire format on the host target: the recorded timecodes answer
//! (`tests/fixtures/aniliberty-account/`) and the shapes the API reference gives.

use aniliberty_account::wire;
use getanime_provider_sdk::tracker::ListStatus;

fn fixture(name: &str) -> Vec<u8> {
    getanime_provider_sdk::testing::fixture("aniliberty-account", name)
        .unwrap_or_else(|error| panic!("{error}"))
}

#[test]
fn recorded_timecodes_read_as_marks() {
    let marks = wire::parse_timecodes(&fixture("real/views_timecodes.json")).expect("parses");
    assert!(!marks.is_empty());
    assert!(marks.iter().all(|mark| !mark.episode_id.is_empty()));
}

#[test]
fn timecodes_in_both_forms_with_bad_values_dropped_and_repeats_merged() {
    let body = br#"[
        ["a", 743.5, true],
        {"release_episode_id": "b", "time": 12, "is_watched": false},
        ["c", -1, false], ["d", 1e300, false], ["", 5, true], ["e"], 7,
        ["a", 800, true]
    ]"#;
    let marks = wire::parse_timecodes(body).expect("parses");
    let read: Vec<(&str, u32, bool)> = marks
        .iter()
        .map(|mark| (mark.episode_id.as_str(), mark.position_ms, mark.watched))
        .collect();
    assert_eq!(read, [("a", 800_000, true), ("b", 12_000, false)]);
    assert!(wire::parse_timecodes(b"{\"data\": []}").is_err(), "not a list is an error");
}

#[test]
fn collections_and_favorites_become_one_entry_per_release() {
    let (collections, skipped) = wire::parse_collections(
        br#"[[8345,"PLANNED"],[9023,"WATCHING"],["9024","WATCHED"],[1,"NEW"],[2]]"#,
    )
    .expect("parses");
    assert_eq!(skipped, 2);
    let favorites = wire::parse_favorites(b"[9023, 9100, 9100]").expect("parses");
    let entries = wire::entries(&collections, &favorites);
    let read: Vec<(&str, Option<ListStatus>, Option<bool>)> = entries
        .iter()
        .map(|entry| (entry.external_id.as_str(), entry.status, entry.favorite))
        .collect();
    assert_eq!(
        read,
        [
            ("8345", Some(ListStatus::Planned), Some(false)),
            ("9023", Some(ListStatus::Watching), Some(true)),
            ("9024", Some(ListStatus::Completed), Some(false)),
            ("9100", None, Some(true)),
        ]
    );
}

#[test]
fn the_code_keeps_its_leading_zero() {
    let body = br#"{"otp":{"code":"058701","user_id":null,"device_id":"d","expired_at":"2025-05-12T07:22:50Z"},"remaining_time":120}"#;
    assert_eq!(wire::parse_otp(body).expect("parses"), ("058701".to_owned(), 120));
    let number = br#"{"otp":{"code":58701},"remaining_time":90}"#;
    assert_eq!(wire::parse_otp(number).expect("parses"), ("058701".to_owned(), 90));
    assert!(wire::parse_otp(br#"{"otp":{}}"#).is_err());
}

#[test]
fn since_profile_and_rejections_read_as_the_api_writes_them() {
    assert_eq!(wire::since(1_747_034_450_520).as_deref(), Some("2025-05-12T07:20:50.520Z"));
    let profile = r#"{"id":42,"login":"anna","nickname":"Анна","avatar":{}}"#.as_bytes();
    assert_eq!(wire::parse_profile(profile).expect("parses"), ("42".to_owned(), "Анна".to_owned()));
    let errors = r#"{"errors":{"type_of_collection":["Неверный тип коллекции"]}}"#.as_bytes();
    assert_eq!(wire::rejection(errors), "Неверный тип коллекции");
    assert_eq!(wire::parse_token(br#"{"token":"abc"}"#).as_deref(), Some("abc"));
    assert_eq!(wire::parse_token(br#"{"token":null}"#), None);
}
