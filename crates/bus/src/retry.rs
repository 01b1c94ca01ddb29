//! Exponential backoff with jitter, shared by every retry in the bus.

use rand::Rng;
use std::time::Duration;

/// `base · 2^(attempt-1)`, capped at `max`, with ±20 % jitter so that retries do not march in step.
pub fn backoff(attempt: u32, base: Duration, max: Duration) -> Duration {
    let exp = base
        .saturating_mul(1 << attempt.saturating_sub(1).min(16))
        .min(max);
    let jitter = rand::thread_rng().gen_range(0.8..1.2);
    exp.mul_f64(jitter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_and_caps() {
        let b = |n| backoff(n, Duration::from_millis(100), Duration::from_secs(5));
        assert!(b(1) <= Duration::from_millis(120) && b(1) >= Duration::from_millis(80));
        assert!(b(4) >= Duration::from_millis(640));
        assert!(b(30) <= Duration::from_secs(6));
    }
}
