//! Posting a batch of receipts to its callback: one attempt, and the retries with exponential backoff
//! and jitter until it is acknowledged, refused or too old.

use crate::{Counters, Inner};
use axum::body::Bytes;
use minicrm_messaging::Receipt;
use minicrm_messaging::{sign, SIGNATURE_HEADER};
use rand::Rng;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// The first retry delay of a failed callback POST; it doubles on each failure.
const INITIAL_BACKOFF: Duration = Duration::from_millis(200);
/// The longest delay between two attempts of a callback POST.
const MAX_BACKOFF: Duration = Duration::from_secs(10);
/// How long a callback POST is retried before its receipts are given up.
const RETRY_WINDOW: Duration = Duration::from_secs(600);

/// The result of one POST attempt.
enum Attempt {
    /// 2xx.
    Acknowledged,
    /// A 4xx other than 408 and 429: retrying cannot help.
    Refused(reqwest::StatusCode),
    /// Anything else; the receiver's `Retry-After`, if any.
    Failed {
        problem: String,
        retry_after: Option<Duration>,
    },
}

/// POSTs one batch until it is acknowledged, refused, or [`RETRY_WINDOW`] has passed.
pub(super) async fn post_with_retry(
    inner: Arc<Inner>,
    url: Arc<str>,
    receipts: Vec<Receipt>,
    draining: CancellationToken,
) {
    let count = receipts.len() as u64;
    let counters = &inner.counters;
    let body = match serde_json::to_vec(&receipts) {
        Ok(body) => Bytes::from(body),
        Err(e) => {
            tracing::error!(%url, error = %e, count, "could not encode receipts; dropping them");
            Counters::sub(&counters.receipts_pending, count);
            return;
        }
    };
    drop(receipts);
    let started = std::time::Instant::now();
    let mut backoff = INITIAL_BACKOFF;
    for attempt in 1u32.. {
        let result = {
            let _slot = inner.post_slots.acquire().await.expect("never closed");
            post_once(&inner, &url, body.clone()).await
        };
        match result {
            Attempt::Acknowledged => {
                Counters::add(&counters.receipts_posted, count);
                Counters::sub(&counters.receipts_pending, count);
                tracing::debug!(%url, count, attempt, "receipts delivered");
                return;
            }
            Attempt::Refused(status) => {
                Counters::add(&counters.callback_failures, 1);
                Counters::sub(&counters.receipts_pending, count);
                tracing::error!(%url, %status, count, "callback refused the receipts; dropping them");
                return;
            }
            Attempt::Failed {
                problem,
                retry_after,
            } => {
                Counters::add(&counters.callback_failures, 1);
                let delay = jitter(backoff).max(retry_after.unwrap_or_default().min(MAX_BACKOFF));
                backoff = (backoff * 2).min(MAX_BACKOFF);
                if draining.is_cancelled() || started.elapsed() + delay > RETRY_WINDOW {
                    Counters::sub(&counters.receipts_pending, count);
                    tracing::error!(%url, %problem, count, attempt, "giving up on receipts");
                    return;
                }
                tracing::warn!(
                    %url, %problem, count, attempt,
                    retry_in_ms = delay.as_millis() as u64,
                    "callback failed; will retry"
                );
                tokio::select! {
                    () = tokio::time::sleep(delay) => {}
                    () = draining.cancelled() => {}
                }
            }
        }
    }
}

async fn post_once(inner: &Inner, url: &str, body: Bytes) -> Attempt {
    let signature = sign(
        secrecy::ExposeSecret::expose_secret(&inner.config.signing_secret),
        chrono::Utc::now().timestamp(),
        &body,
    );
    let response = inner
        .client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(SIGNATURE_HEADER, signature)
        .body(body)
        .send()
        .await;
    let mut response = match response {
        Ok(response) => response,
        Err(e) => {
            return Attempt::Failed {
                problem: e.without_url().to_string(),
                retry_after: None,
            }
        }
    };
    let status = response.status();
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    // Read (a bounded part of) the answer so that the connection can be reused.
    let mut read = 0usize;
    while let Ok(Some(chunk)) = response.chunk().await {
        read += chunk.len();
        if read > 64 * 1024 {
            break;
        }
    }
    if status.is_success() {
        Attempt::Acknowledged
    } else if status.is_client_error()
        && status != reqwest::StatusCode::REQUEST_TIMEOUT
        && status != reqwest::StatusCode::TOO_MANY_REQUESTS
    {
        Attempt::Refused(status)
    } else {
        Attempt::Failed {
            problem: format!("HTTP {status}"),
            retry_after,
        }
    }
}

/// "Equal jitter": half the backoff, plus a random part of the other half.
pub(super) fn jitter(backoff: Duration) -> Duration {
    let half = backoff / 2;
    half + rand::thread_rng().gen_range(Duration::ZERO..=half)
}
