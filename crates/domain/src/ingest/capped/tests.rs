use super::*;

#[test]
fn keeps_the_first_members_and_counts_all() {
    let all = list("[1, {\"a\": [2]}, \"x\"]", 10).unwrap();
    assert_eq!(all.total, 3);
    assert!(!all.over());
    assert_eq!(all.kept[1].get(), "{\"a\": [2]}");

    let capped = list("[1, 2, 3, 4, 5]", 2).unwrap();
    assert_eq!((capped.kept.len(), capped.total), (2, 5));
    assert!(capped.over());

    let members = object(r#"{"a": 1, "b\n": "x", "c": null}"#, 2).unwrap();
    assert_eq!(members.total, 3);
    assert_eq!(members.kept[1].0, "b\n");
    assert_eq!(members.kept[1].1.get(), "\"x\"");
}

#[test]
fn refuses_what_is_not_the_shape_or_not_json() {
    assert!(list("{}", 5).is_err());
    assert!(object("[]", 5).is_err());
    assert!(list("[1, 2", 1).is_err(), "a list cut short past the cap");
    assert!(list("[1] x", 5).is_err(), "trailing text");
}

#[test]
fn a_huge_list_keeps_only_the_cap() {
    let json = format!("[{}1]", "1,".repeat(1_000_000));
    let capped = list(&json, 3).unwrap();
    assert_eq!(capped.total, 1_000_001);
    assert!(capped.kept.capacity() < 16);
}
