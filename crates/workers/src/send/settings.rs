//! How campaigns reach the vendor: its address and key, the pace, the size of a request, and how long
//! a claim on rows lasts.

use governor::Quota;
use std::num::NonZeroU32;
use std::time::Duration;

/// How campaigns reach the vendor.
#[derive(Debug, Clone)]
pub struct DeliverySettings {
    /// The vendor's base URL (`POST {vendor_url}/v1/messages/batch`).
    pub vendor_url: String,
    pub vendor_api_key: secrecy::SecretString,
    /// Where the vendor posts receipts (`…/api/v1/receipts`); None leaves it to the vendor's own setting.
    pub callback_url: Option<String>,
    /// Messages per second to the vendor, across this process's senders.
    pub rate_per_second: u32,
    /// Messages per vendor request (the vendor takes up to 1,000).
    pub request_batch: usize,
    /// Recipients per snapshot batch (and so per send job).
    pub snapshot_batch: usize,
    /// One vendor request's time limit.
    pub request_timeout: Duration,
    /// Tries of one request (429, 5xx, time-outs) before the job is handed back to the queue.
    pub max_tries: u32,
    /// A row claimed this long ago and still `sending` is handed out again.
    pub stale_after: Duration,
    /// How often the sweeper looks for such rows.
    pub sweep_interval: Duration,
}

impl Default for DeliverySettings {
    fn default() -> Self {
        Self {
            vendor_url: "http://127.0.0.1:8090".into(),
            vendor_api_key: String::new().into(),
            callback_url: None,
            rate_per_second: 20_000,
            request_batch: 1_000,
            snapshot_batch: 1_000,
            request_timeout: Duration::from_secs(15),
            max_tries: 8,
            stale_after: Duration::from_secs(60),
            sweep_interval: Duration::from_secs(15),
        }
    }
}

impl DeliverySettings {
    /// Messages per vendor request: the configured batch, never more than the vendor takes (1,000)
    /// nor than one second's worth at the configured rate, so that one request is never a burst
    /// the rate does not allow.
    pub fn per_request(&self) -> usize {
        self.request_batch
            .clamp(1, 1_000)
            .min(self.rate_per_second.max(1) as usize)
    }

    /// The pace of this process's senders: the configured rate, with a burst of one request.
    pub(super) fn quota(&self) -> Quota {
        let rate = NonZeroU32::new(self.rate_per_second.max(1)).expect("non-zero");
        let burst = NonZeroU32::new(self.per_request() as u32).expect("non-zero");
        Quota::per_second(rate).allow_burst(burst)
    }
}
