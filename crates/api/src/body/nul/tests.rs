use super::pointer;

#[test]
fn a_nul_character_is_found_by_its_pointer() {
    let body = br#"[{"name": "ok"}, {"attributes": {"a/b": "x\u0000y", "c": "\u0000"}}]"#;
    assert_eq!(pointer(body).as_deref(), Some("/1/attributes/a~1b"));
    assert_eq!(pointer(br#"{"k\u0000": 1}"#).as_deref(), Some("/k\u{0}"));
    assert_eq!(pointer(br#""\u0000""#).as_deref(), Some(""));
    assert_eq!(pointer(br#"{"name": "\\u0000 is only text"}"#), None);
    assert_eq!(pointer(br#"{"a": [1, 2.5, true, null, "x"]}"#), None);
}

#[test]
fn what_is_not_json_has_no_pointer() {
    assert_eq!(pointer(br#"{"a": "\u0000""#), None);
    assert_eq!(pointer(br#"{"a": "\u0000"} trailing"#), None);
    let deep = format!("{}\"\\u0000\"{}", "[".repeat(1000), "]".repeat(1000));
    assert_eq!(
        pointer(deep.as_bytes()),
        None,
        "past serde_json's depth limit"
    );
}
