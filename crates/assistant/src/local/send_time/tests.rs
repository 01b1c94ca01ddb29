use super::*;
use chrono::Timelike;

fn now() -> DateTime<Utc> {
    // A Wednesday, 10:00 in India.
    "2026-06-17T04:30:00Z".parse().unwrap()
}

#[test]
fn epoch_slots_fold_into_a_monday_first_week() {
    // 1970-01-01 00:00 local was a Thursday: slot 0 is Thursday 00:00, slot 4*24+19 Monday 19:00.
    let h = from_epoch_slots(&[(0, 5), (4 * 24 + 19, 7), (168 + 2 * 24 + 21, 3)]);
    assert_eq!(h[3][0], 5);
    assert_eq!(h[0][19], 7);
    assert_eq!(h[5][21], 3, "Saturday 21:00");
}

#[test]
fn a_planted_peak_is_found_with_confidence() {
    let mut h = [[10u64; 24]; 7];
    for day in &mut h[..5] {
        for count in &mut day[19..23] {
            *count = 80;
        }
    }
    h[2][20] = 120;
    let r = recommend(h, || unreachable!(), now(), india(), "Asia/Kolkata");
    assert_eq!(r.basis, "audience");
    assert_eq!(
        (r.recommended[0].day, r.recommended[0].hour),
        ("wednesday", 20)
    );
    assert!(
        r.recommended.iter().all(|s| (19..23).contains(&s.hour)),
        "{:?}",
        r.recommended
    );
    assert!(r.confidence > 0.5, "{}", r.confidence);
    assert_eq!(
        r.recommended[0].next_at, "2026-06-17T20:00:00+05:30",
        "later today"
    );
}

#[test]
fn a_small_audience_borrows_the_whole_base_and_trusts_it_less() {
    let mut small = [[0u64; 24]; 7];
    small[0][9] = 12;
    let mut base = [[50u64; 24]; 7];
    base[5][11] = 400;
    let r = recommend(small, || base, now(), india(), "Asia/Kolkata");
    assert_eq!(r.basis, "all_customers");
    assert_eq!(r.audience_orders, 12);
    assert_eq!(
        (r.recommended[0].day, r.recommended[0].hour),
        ("saturday", 11)
    );
    let flat = recommend(
        [[3u64; 24]; 7],
        || [[3u64; 24]; 7],
        now(),
        india(),
        "Asia/Kolkata",
    );
    assert!(
        flat.confidence < r.confidence || flat.confidence < 0.3,
        "a flat week is not a signal"
    );
}

#[test]
fn no_orders_no_recommendation() {
    let r = recommend(
        [[0; 24]; 7],
        || [[0; 24]; 7],
        now(),
        india(),
        "Asia/Kolkata",
    );
    assert!(r.recommended.is_empty());
    assert_eq!(r.confidence, 0.0);
}

#[test]
fn the_next_occurrence_is_never_in_the_past() {
    let zone = india();
    // Wednesday 10:00 local: Wednesday 10:00 is too soon, so next week.
    assert_eq!(
        next_occurrence(now(), zone, 2, 10).to_rfc3339(),
        "2026-06-24T10:00:00+05:30"
    );
    assert_eq!(
        next_occurrence(now(), zone, 0, 9).to_rfc3339(),
        "2026-06-22T09:00:00+05:30"
    );
    assert_eq!(next_occurrence(now(), zone, 6, 23).hour(), 23);
}
