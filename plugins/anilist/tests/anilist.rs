//! AniList's answers on the host target: recorded ones (`tests/fixtures/anilist/real/`) and the
//! documented shapes, and the variables a change becomes.

use anilist::wire;
use getanime_provider_sdk::tracker::{Change, ListStatus, TrackerError};
use serde_json::json;

fn fixture(name: &str) -> Vec<u8> {
    getanime_provider_sdk::testing::fixture("anilist", name)
        .unwrap_or_else(|error| panic!("{error}"))
}

#[test]
fn a_recorded_user_reads_and_a_recorded_401_is_unauthorized() {
    let data = wire::data(200, &fixture("real/viewer_point_5.json"), None).expect("data");
    // The same `User` type a `Viewer` query answers.
    let viewer = wire::viewer(&json!({ "Viewer": data["UpdateUser"] })).expect("a viewer");
    assert_eq!(viewer, ("6378393".to_owned(), "andannn".to_owned()));
    // `errors` with a `data` that is not null: still an error, by its status.
    for http in [200, 401] {
        let error = wire::data(http, &fixture("real/error_401.json"), None).err();
        assert!(matches!(error, Some(TrackerError::Unauthorized)), "HTTP {http}: {error:?}");
    }
}

#[test]
fn errors_with_http_200_and_null_data_are_errors() {
    let limited = br#"{"data":null,"errors":[{"message":"Too Many Requests.","status":429}]}"#;
    assert!(matches!(wire::data(429, limited, Some(60)), Err(TrackerError::RateLimited(Some(60)))));
    let invalid = br#"{"data":null,"errors":[{"message":"Validation error","status":400}]}"#;
    match wire::data(200, invalid, None) {
        Err(TrackerError::Rejected(message)) => assert_eq!(message, "Validation error"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(wire::data(200, br#"{"data":null}"#, None), Err(TrackerError::Network(_))));
    assert!(matches!(
        wire::data(429, b"Too Many Requests", None),
        Err(TrackerError::RateLimited(None))
    ));
}

#[test]
fn the_list_is_read_once_per_anime_with_scores_on_ten() {
    let data = wire::data(200, &fixture("list_collection.json"), None).expect("data");
    let entries = wire::list_entries(&data).expect("entries");
    let read: Vec<_> = entries
        .iter()
        .map(|entry| (entry.external_id.as_str(), entry.status, entry.progress, entry.score))
        .collect();
    assert_eq!(
        read,
        [
            ("136149", Some(ListStatus::Planned), Some(0), None),
            ("140960", Some(ListStatus::Completed), Some(12), Some(9)),
            ("98951", Some(ListStatus::Watching), Some(8), None),
            ("21", Some(ListStatus::Rewatching), Some(3), Some(10)),
        ],
        "the custom list's repeat is left out; 85 of 100 is 9"
    );
    assert_eq!(entries[1].remote_id.as_deref(), Some("502"));
    assert_eq!(entries[1].updated_at, Some(1_733_400_100_000));
}

#[test]
fn a_score_survives_the_round_trip_through_the_100_point_scale() {
    for score in 1..=10u8 {
        let raw = u32::from(score) * 10;
        assert_eq!(wire::score_from_100(f64::from(raw)), Some(score));
    }
    // POINT_5 stars are 20, 40, 60, 80, 100 on the 100-point scale.
    assert_eq!(wire::score_from_100(80.0), Some(8));
    assert_eq!(wire::score_from_100(0.0), None);
}

#[test]
fn a_change_becomes_the_variables_of_one_save() {
    let change = Change {
        external_id: "21".into(),
        status: Some(Some(ListStatus::OnHold)),
        progress: Some(5),
        score: Some(Some(7)),
        favorite: None,
        remote_id: None,
    };
    assert_eq!(
        wire::save_variables(&change, 21),
        Some(json!({"mediaId": 21, "status": "PAUSED", "progress": 5, "scoreRaw": 70}))
    );
    let cleared = Change { status: None, progress: None, score: Some(None), ..change.clone() };
    assert_eq!(wire::save_variables(&cleared, 21), Some(json!({"mediaId": 21, "scoreRaw": 0})));
    let nothing =
        Change { status: None, progress: None, score: None, favorite: Some(true), ..change };
    assert_eq!(wire::save_variables(&nothing, 21), None);
    for status in getanime_provider_sdk::tracker::LIST_STATUSES {
        assert_eq!(wire::status(wire::status_name(status)), Some(status));
    }
}

#[test]
fn mal_ids_resolve_from_a_page_of_media() {
    let data = json!({"Page": {"media": [{"id": 21, "idMal": 21}, {"id": 98951, "idMal": null}]}});
    assert_eq!(wire::mal_pairs(&data), [("21".to_owned(), "21".to_owned())]);
}
