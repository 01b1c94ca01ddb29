//! What the API takes in and how the workers apply it: the store's currency, the largest batch and
//! CSV file, and how long an order waits for its customer.

use clap::Args;
use minicrm_domain::Currency;
use minicrm_workers::IngestSettings;
use std::time::Duration;

#[derive(Args, Debug, Clone)]
pub struct IngestArgs {
    /// The store's ISO 4217 currency: orders must be in it.
    #[arg(long, env = "MINICRM_CURRENCY", default_value = "INR", global = true)]
    pub currency: String,
    /// The largest batch of customers or orders one request may carry, in bytes (other JSON bodies
    /// are small objects, up to 1 MiB; receipt callbacks up to 256 KiB).
    #[arg(long, env = "MINICRM_MAX_BODY_BYTES", default_value_t = 32 * 1024 * 1024, global = true)]
    pub max_body_bytes: usize,
    /// The largest CSV file an import takes, in bytes (streamed in batches, never held whole).
    #[arg(long, env = "MINICRM_IMPORT_MAX_BYTES", default_value_t = 256 * 1024 * 1024, global = true)]
    pub import_max_bytes: usize,
    /// Seconds an order may wait for its customer before it is rejected.
    #[arg(
        long,
        env = "MINICRM_ORDER_RETRY_WINDOW_SECS",
        default_value_t = 3600,
        global = true
    )]
    pub order_retry_window_secs: u64,
}

impl IngestArgs {
    pub fn currency(&self) -> anyhow::Result<Currency> {
        Currency::parse(&self.currency).map_err(|e| anyhow::anyhow!("MINICRM_CURRENCY: {e}"))
    }

    /// The ingestion workers' settings.
    pub fn settings(&self) -> IngestSettings {
        IngestSettings {
            order_retry_window: Duration::from_secs(self.order_retry_window_secs),
            ..Default::default()
        }
    }
}
