use super::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

#[test]
fn calendar() {
    // 2024-01-01 00:00 IST is 2023-12-31 18:30 UTC, and was a Monday.
    let t = 1_704_047_400_000;
    assert_eq!(ist_midnight(ist_day(t)), t);
    assert_eq!(weekday(ist_day(t)), 0);
    assert_eq!(ist_day(t - 1), ist_day(t) - 1);
}

#[test]
fn sampled_times_stay_in_the_window_and_follow_the_peak() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let (from, to) = (1_704_047_400_000, 1_704_047_400_000 + 200 * DAY_MS);
    let mut by_hour = [0u32; 24];
    for _ in 0..20_000 {
        let t = sample_time(&mut rng, &EVENING, from, to);
        assert!((from..=to).contains(&t));
        by_hour[((t - ist_midnight(ist_day(t))) / HOUR_MS) as usize] += 1;
    }
    let evening: u32 = by_hour[19..23].iter().sum();
    assert!(
        evening > 20_000 / 2,
        "19–22 IST should hold most orders: {by_hour:?}"
    );
    let short = sample_time(&mut rng, &EVENING, from, from + 1);
    assert!((from..=from + 1).contains(&short));
}
