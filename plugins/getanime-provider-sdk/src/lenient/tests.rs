use super::*;

#[derive(Deserialize, Default)]
struct Sample {
    #[serde(default, deserialize_with = "f64_opt")]
    number: Option<f64>,
    #[serde(default, deserialize_with = "u64_opt")]
    size: Option<u64>,
    #[serde(default, deserialize_with = "string_opt")]
    text: Option<String>,
    #[serde(default, deserialize_with = "strings")]
    list: Vec<String>,
}

#[track_caller]
fn check(json: &str, number: Option<f64>, size: Option<u64>, text: Option<&str>, list: &[&str]) {
    let sample: Sample = serde_json::from_str(json).expect("valid JSON");
    assert_eq!(sample.number, number, "{json}");
    assert_eq!(sample.size, size, "{json}");
    assert_eq!(sample.text.as_deref(), text, "{json}");
    assert_eq!(sample.list, list, "{json}");
}

#[test]
fn numbers_strings_nulls_and_missing_keys() {
    check("{}", None, None, None, &[]);
    check(r#"{"number":null,"size":null,"text":null,"list":null}"#, None, None, None, &[]);
    check(
        r#"{"number":"12.5","size":"5403321856","text":7,"list":["a",null,3,"b"]}"#,
        Some(12.5),
        Some(5_403_321_856),
        Some("7"),
        &["a", "b"],
    );
    check(r#"{"number":3,"size":-1,"text":"  ","list":{}}"#, Some(3.0), None, None, &[]);
    check(r#"{"number":"abc","size":1e300}"#, None, None, None, &[]);
}
