//! How campaigns reach the messaging vendor and how its receipts come back: the vendor's address and
//! our key there, the receipts' secret, the sending rate and concurrency, and the receipt batches.

use clap::Args;
use secrecy::SecretString;
use std::time::Duration;

#[derive(Args, Debug, Clone)]
pub struct DeliveryArgs {
    /// The messaging vendor the workers send to. Unset: the simulator at http://VENDOR_BIND.
    #[arg(long, env = "MINICRM_VENDOR_URL", global = true)]
    pub vendor_url: Option<String>,
    /// Our API key at the vendor. `serve` makes one up when unset; separate processes must share one.
    #[arg(
        long,
        env = "MINICRM_VENDOR_API_KEY",
        global = true,
        hide_env_values = true
    )]
    pub vendor_api_key: Option<SecretString>,
    /// The secret the vendor signs receipts with (HMAC-SHA256). `serve` makes one up when unset;
    /// separate processes must share one.
    #[arg(
        long,
        env = "MINICRM_RECEIPT_SECRET",
        global = true,
        hide_env_values = true
    )]
    pub receipt_secret: Option<SecretString>,
    /// How old a receipt's signature may be, in seconds.
    #[arg(
        long,
        env = "MINICRM_RECEIPT_MAX_AGE_SECS",
        default_value_t = 300,
        global = true
    )]
    pub receipt_max_age_secs: u64,
    /// Messages per second the workers of one process send to the vendor.
    #[arg(
        long,
        env = "MINICRM_DELIVERY_RATE",
        default_value_t = 20_000,
        global = true
    )]
    pub delivery_rate: u32,
    /// Send jobs (of up to 1,000 messages) one worker process runs at once.
    #[arg(
        long,
        env = "MINICRM_DELIVERY_CONCURRENCY",
        default_value_t = 4,
        global = true
    )]
    pub delivery_concurrency: usize,
    /// Receipt callbacks (each up to 500 receipts) applied in one transaction.
    #[arg(
        long,
        env = "MINICRM_RECEIPT_BATCH",
        default_value_t = 16,
        global = true
    )]
    pub receipt_batch: usize,
    /// How long the receipt consumer waits for a batch to fill, in milliseconds.
    #[arg(
        long,
        env = "MINICRM_RECEIPT_LINGER_MS",
        default_value_t = 50,
        global = true
    )]
    pub receipt_linger_ms: u64,
    /// Seconds a message may stay `sending` unrenewed (its sender died between claiming and recording)
    /// before another worker sends it again; the vendor recognises the repeat by its reference. A live
    /// sender renews its claim between tries, so keep this above one vendor request's time limit (15 s).
    #[arg(
        long,
        env = "MINICRM_DELIVERY_STALE_SECS",
        default_value_t = 60,
        global = true
    )]
    pub delivery_stale_secs: u64,
}

impl DeliveryArgs {
    /// How stale `sending` rows are found: looked for four times per staleness period, at most every
    /// 15 s and at least every 250 ms.
    pub fn staleness(&self) -> (Duration, Duration) {
        let stale = Duration::from_secs(self.delivery_stale_secs.max(1));
        let sweep = (stale / 4).clamp(Duration::from_millis(250), Duration::from_secs(15));
        (stale, sweep)
    }
}
