//! One request to the vendor, read into what it answered and measured: the outcome and how long the
//! answer took.

use anyhow::Context;
use minicrm_messaging::{BatchAccepted, BatchRequest};
use minicrm_metrics::delivery::{vendor_request, VendorOutcome};
use std::time::{Duration, Instant};

/// What the vendor answered one request.
pub(super) enum Answer {
    Accepted(BatchAccepted),
    /// A success whose body could not be read.
    Unreadable(anyhow::Error),
    /// Anything but a success.
    Status {
        status: reqwest::StatusCode,
        retry_after: Option<Duration>,
        detail: String,
    },
    /// No answer at all (refused connection, time-out).
    Unreachable(reqwest::Error),
}

impl Answer {
    fn outcome(&self) -> VendorOutcome {
        match self {
            Answer::Accepted(_) => VendorOutcome::Accepted,
            Answer::Status { status, .. } => VendorOutcome::of_status(status.as_u16()),
            Answer::Unreadable(_) | Answer::Unreachable(_) => VendorOutcome::TransportError,
        }
    }
}

/// Posts `request` to `url` with our `key` and reads the answer.
pub(super) async fn call(
    client: &reqwest::Client,
    url: &str,
    key: &str,
    request: &BatchRequest,
) -> Answer {
    let started = Instant::now();
    let answer = answer(client, url, key, request).await;
    vendor_request(answer.outcome(), started.elapsed());
    answer
}

async fn answer(client: &reqwest::Client, url: &str, key: &str, request: &BatchRequest) -> Answer {
    let sent = client.post(url).bearer_auth(key).json(request).send().await;
    let response = match sent {
        Ok(response) => response,
        Err(e) => return Answer::Unreachable(e),
    };
    let status = response.status();
    if status.is_success() {
        return match response.json().await.context("the vendor's answer") {
            Ok(accepted) => Answer::Accepted(accepted),
            Err(e) => Answer::Unreadable(e),
        };
    }
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let text = response.text().await.unwrap_or_default();
    let detail = format!(
        "the vendor answered {status}: {}",
        text.chars().take(300).collect::<String>()
    );
    Answer::Status {
        status,
        retry_after,
        detail,
    }
}
