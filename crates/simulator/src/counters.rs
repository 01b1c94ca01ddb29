//! The counters behind `GET /v1/stats`, moved without locks as requests and receipts pass.

use minicrm_messaging::VendorStats;
use std::sync::atomic::{AtomicU64, Ordering};

/// The counters behind [`VendorStats`](minicrm_messaging::VendorStats).
#[derive(Default)]
pub(crate) struct Counters {
    pub(crate) accepted: AtomicU64,
    pub(crate) duplicates: AtomicU64,
    pub(crate) delivered: AtomicU64,
    pub(crate) failed: AtomicU64,
    pub(crate) receipts_pending: AtomicU64,
    pub(crate) receipts_posted: AtomicU64,
    pub(crate) callback_failures: AtomicU64,
    pub(crate) rate_limited: AtomicU64,
    pub(crate) outage_refused: AtomicU64,
}

impl Counters {
    pub(crate) fn snapshot(&self) -> VendorStats {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        VendorStats {
            accepted: get(&self.accepted),
            duplicates: get(&self.duplicates),
            delivered: get(&self.delivered),
            failed: get(&self.failed),
            receipts_pending: get(&self.receipts_pending),
            receipts_posted: get(&self.receipts_posted),
            callback_failures: get(&self.callback_failures),
            rate_limited: get(&self.rate_limited),
            outage_refused: get(&self.outage_refused),
        }
    }

    pub(crate) fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    pub(crate) fn sub(counter: &AtomicU64, n: u64) {
        counter.fetch_sub(n, Ordering::Relaxed);
    }
}
