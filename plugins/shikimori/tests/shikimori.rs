//! Shikimori's wire format on the host target: Shikimori's recorded API examples
//! (`tests/fixtures/shikimori/`) and the bodies a change becomes.

use getanime_provider_sdk::tracker::{Change, ListStatus};
use shikimori::wire;

fn fixture(name: &str) -> Vec<u8> {
    getanime_provider_sdk::testing::fixture("shikimori", name)
        .unwrap_or_else(|error| panic!("{error}"))
}

fn change(id: &str) -> Change {
    Change {
        external_id: id.into(),
        status: None,
        progress: None,
        score: None,
        favorite: None,
        remote_id: None,
    }
}

#[test]
fn recorded_answers_read_as_an_account_and_entries() {
    assert_eq!(
        wire::parse_whoami(&fixture("whoami.json")).expect("parses"),
        ("23456810".to_owned(), "Test".to_owned())
    );
    let (entries, skipped) = wire::parse_rates(&fixture("user_rates.json")).expect("parses");
    assert_eq!(skipped, 0);
    let entry = &entries[0];
    assert_eq!(
        (entry.external_id.as_str(), entry.status, entry.progress, entry.score),
        ("12", Some(ListStatus::Completed), Some(0), None),
        "score 0 is no score"
    );
    assert_eq!(entry.remote_id.as_deref(), Some("13"));
    assert_eq!(entry.updated_at, Some(1_669_472_368_708));
    let created = wire::parse_rate(&fixture("user_rate_create.json")).expect("parses");
    assert_eq!(
        (created.status, created.progress, created.score),
        (Some(ListStatus::Watching), Some(2), Some(10))
    );
}

#[test]
fn every_status_round_trips_and_rewatching_stays() {
    for status in getanime_provider_sdk::tracker::LIST_STATUSES {
        assert_eq!(wire::status(wire::status_name(status)), Some(status));
    }
    assert_eq!(wire::status("reading"), None);
}

#[test]
fn rows_of_other_kinds_or_unreadable_are_left_out() {
    let body = br#"[
        {"id":1,"target_id":5,"target_type":"Anime","status":"watching","episodes":3,"score":7},
        {"id":2,"target_id":6,"target_type":"Manga","status":"watching"},
        {"id":"x"},
        {"id":3,"target_id":7,"target_type":"Anime","status":"rewatching","score":11}
    ]"#;
    let (entries, skipped) = wire::parse_rates(body).expect("parses");
    assert_eq!(skipped, 1);
    let read: Vec<_> = entries
        .iter()
        .map(|entry| (entry.external_id.as_str(), entry.status, entry.score))
        .collect();
    assert_eq!(
        read,
        [("5", Some(ListStatus::Watching), Some(7)), ("7", Some(ListStatus::Rewatching), None)]
    );
    assert!(wire::parse_rates(b"{\"errors\":[]}").is_err(), "not a list is an error");
}

#[test]
fn a_change_becomes_an_upsert_with_only_its_fields() {
    let mut create = change("5081");
    create.status = Some(Some(ListStatus::Watching));
    create.progress = Some(7);
    create.score = Some(None);
    let body = wire::rate_body(&create, Some("42")).expect("a body");
    assert_eq!(
        body,
        serde_json::json!({"user_rate": {
            "status": "watching", "episodes": 7, "score": 0,
            "user_id": "42", "target_id": "5081", "target_type": "Anime"
        }})
    );
    let mut update = change("5081");
    update.score = Some(Some(8));
    assert_eq!(
        wire::rate_body(&update, None),
        Some(serde_json::json!({"user_rate": {"score": 8}}))
    );
    let mut favorite_only = change("5081");
    favorite_only.favorite = Some(true);
    assert_eq!(wire::rate_body(&favorite_only, None), None, "Shikimori keeps no favorites here");
}

#[test]
fn refusals_read_in_shikimoris_words() {
    assert_eq!(
        wire::rejection(br#"{"errors":["Score is invalid","Episodes too many"]}"#),
        "Score is invalid; Episodes too many"
    );
    assert_eq!(
        wire::rejection(br#"["Target has already been taken"]"#),
        "Target has already been taken"
    );
    assert_eq!(wire::rejection(b"Retry later\n"), "Retry later\n");
}
