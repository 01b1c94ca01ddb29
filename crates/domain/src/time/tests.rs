use super::*;

#[test]
fn round_trips_through_rfc3339() {
    let t = Timestamp::parse("2024-05-01T10:30:00.250+05:30").unwrap();
    assert_eq!(t.to_rfc3339(), "2024-05-01T05:00:00.250Z");
    assert_eq!(Timestamp::parse(&t.to_rfc3339()).unwrap(), t);
}

#[test]
fn refuses_insane_times() {
    let now = Timestamp::parse("2025-01-01T00:00:00Z").unwrap();
    assert!(Timestamp::parse_sane("1969-12-31T23:59:59Z", now).is_err());
    assert!(Timestamp::parse_sane("2025-01-03T00:00:00Z", now).is_err());
    assert!(Timestamp::parse_sane("2025-01-01T12:00:00Z", now).is_ok());
    assert!(Timestamp::parse_sane("yesterday", now).is_err());
}
