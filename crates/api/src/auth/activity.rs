//! "Last used" times of keys and sessions, written at most once a minute each.

use std::collections::HashMap;
use std::sync::Mutex;

/// Writes "last used" times (of keys and sessions) at most once a minute each (sooner for sessions
/// with a short idle limit), so that authenticating
/// a request stays a read.
#[derive(Default)]
pub struct Activity {
    last: Mutex<HashMap<String, i64>>,
}

pub(super) const ACTIVITY_RESOLUTION_MS: i64 = 60_000;

impl Activity {
    pub(super) async fn record<F, Fut>(&self, id: &str, now: i64, resolution_ms: i64, write: F)
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<(), minicrm_store::StoreError>>,
    {
        {
            let mut last = self.last.lock().expect("activity map poisoned");
            if last.get(id).is_some_and(|t| now - t < resolution_ms) {
                return;
            }
            if last.len() > 100_000 {
                last.retain(|_, t| now - *t < ACTIVITY_RESOLUTION_MS);
            }
            last.insert(id.to_owned(), now);
        }
        if let Err(e) = write().await {
            tracing::warn!(error = %e, "could not record activity");
        }
    }
}
