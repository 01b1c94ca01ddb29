use super::*;

#[test]
fn days_are_indian_days() {
    // 2025-03-10T20:00Z is 01:30 on the 11th in India.
    let now = Timestamp::parse("2025-03-10T20:00:00Z").unwrap();
    let (start, first) = window(now, 1);
    assert_eq!(date(first), "2025-03-11");
    assert_eq!(
        Timestamp::from_millis(start).to_rfc3339(),
        "2025-03-10T18:30:00.000Z"
    );
    let (start, first) = window(now, 30);
    assert_eq!(date(first), "2025-02-10");
    assert_eq!(
        Timestamp::from_millis(start).to_rfc3339(),
        "2025-02-09T18:30:00.000Z"
    );
}
