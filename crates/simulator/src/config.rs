//! How the simulator behaves: its configuration and the realistic defaults to start from.

use minicrm_messaging::MAX_RECEIPTS_PER_CALLBACK;
use std::ops::{Range, RangeInclusive};
use std::time::Duration;

/// How the simulator behaves. Start from [`VendorConfig::default`] and override what matters.
#[derive(Debug, Clone)]
pub struct VendorConfig {
    /// The key clients must send as `Authorization: Bearer <api_key>` on `/v1/messages*`.
    pub api_key: secrecy::SecretString,
    /// The HMAC key receipts are signed with (see [`sign`](minicrm_messaging::sign)).
    pub signing_secret: secrecy::SecretString,
    /// Where receipts go when a message has no `callback_url` of its own. Messages with neither get
    /// an outcome (counted in the stats) but no receipt.
    pub callback_url: Option<String>,
    /// The share of messages delivered among those without a data-driven failure (default 0.90).
    /// Values outside `0.0..=1.0` act as the nearest bound.
    pub success_rate: f64,
    /// The delay between acceptance and a message's receipt becoming due, drawn uniformly from this
    /// range (default 200 ms..=2 s; `ZERO..=ZERO` is allowed for benchmarks).
    pub latency: RangeInclusive<Duration>,
    /// The share of `/v1/messages*` requests answered 429 with `Retry-After: 1` (default 0.0).
    pub rate_limit_share: f64,
    /// Windows, measured from the first `/v1/messages*` request the simulator receives, during which
    /// every such request is answered 503. Timed from the first message rather than from the start, so
    /// that an outage falls inside the sending however long the sender took to begin.
    pub outages: Vec<Range<Duration>>,
    /// The most receipts in one callback POST (default and most [`MAX_RECEIPTS_PER_CALLBACK`]; 0 acts
    /// as 1).
    pub receipt_batch: usize,
    /// The longest a due receipt waits for its batch to fill before it is sent (default 50 ms).
    pub receipt_flush: Duration,
    /// Seeds every random choice (outcomes, latencies, faults, id prefix) for reproducible tests.
    pub seed: Option<u64>,
}

impl Default for VendorConfig {
    /// Realistic defaults, with a random 32-byte hex `api_key` and `signing_secret`.
    fn default() -> Self {
        Self {
            api_key: hex::encode(rand::random::<[u8; 32]>()).into(),
            signing_secret: hex::encode(rand::random::<[u8; 32]>()).into(),
            callback_url: None,
            success_rate: 0.90,
            latency: Duration::from_millis(200)..=Duration::from_secs(2),
            rate_limit_share: 0.0,
            outages: Vec::new(),
            receipt_batch: MAX_RECEIPTS_PER_CALLBACK,
            receipt_flush: Duration::from_millis(50),
            seed: None,
        }
    }
}
