use super::*;

/// N messages at rate R take at least (N − R) / R seconds: the first second's worth may go at
/// once, never more. Before, the burst was the request batch (1,000) whatever the rate, so a
/// process sent 1,000 messages at once at 100 a second.
#[tokio::test]
async fn the_pace_holds_the_configured_rate() {
    let settings = DeliverySettings {
        rate_per_second: 50,
        ..Default::default()
    };
    assert_eq!(settings.per_request(), 50);
    let limiter = RateLimiter::direct(settings.quota());
    let started = std::time::Instant::now();
    let n = NonZeroU32::new(settings.per_request() as u32).unwrap();
    for _ in 0..4 {
        limiter.until_n_ready(n).await.unwrap();
    }
    let (messages, rate) = (200.0, 50.0);
    assert!(
        started.elapsed().as_secs_f64() >= (messages - rate) / rate - 0.05,
        "200 messages at 50/s in {:?}",
        started.elapsed()
    );
    let fast = DeliverySettings::default();
    assert_eq!(fast.per_request(), 1_000, "a fast rate keeps full requests");
}
