//! Delivery: messages handed to the vendor, the vendor's answers and their latency, receipts applied,
//! and how many receipts each transaction applied.

use metrics::{counter, describe_counter, describe_histogram, histogram, Unit};
use std::time::Duration;

pub const MESSAGES: &str = "minicrm_delivery_messages_total";
pub const VENDOR_REQUESTS: &str = "minicrm_vendor_requests_total";
pub const VENDOR_DURATION: &str = "minicrm_vendor_request_duration_seconds";
pub const RECEIPTS: &str = "minicrm_delivery_receipts_total";
pub const RECEIPT_BATCH: &str = "minicrm_delivery_receipt_batch_size";

pub(crate) fn describe() {
    describe_counter!(
        MESSAGES,
        "Messages handed to the vendor, by outcome: sent (the vendor took them), refused (it refused \
         them for good)"
    );
    describe_counter!(
        VENDOR_REQUESTS,
        "Requests to the vendor, by outcome: accepted, rate_limited (429), server_error (5xx, 408), \
         refused (other 4xx), transport_error (no answer, or an unreadable one)"
    );
    describe_histogram!(
        VENDOR_DURATION,
        Unit::Seconds,
        "Time the vendor took to answer a request, by outcome"
    );
    describe_counter!(
        RECEIPTS,
        "Vendor receipts, by what they did: delivered, failed (their message moved there), repeat \
         (about a message of ours, changing nothing: seen before, or the message is already past it), \
         unmatched (about no message handed to the vendor: unknown, another campaign or message id)"
    );
    describe_histogram!(
        RECEIPT_BATCH,
        Unit::Count,
        "Receipts applied per transaction"
    );
}

/// What the vendor made of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VendorOutcome {
    Accepted,
    RateLimited,
    ServerError,
    Refused,
    TransportError,
}

impl VendorOutcome {
    /// The outcome of an answer with HTTP status `code`.
    pub fn of_status(code: u16) -> Self {
        match code {
            200..=299 => VendorOutcome::Accepted,
            429 => VendorOutcome::RateLimited,
            408 | 500..=599 => VendorOutcome::ServerError,
            _ => VendorOutcome::Refused,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            VendorOutcome::Accepted => "accepted",
            VendorOutcome::RateLimited => "rate_limited",
            VendorOutcome::ServerError => "server_error",
            VendorOutcome::Refused => "refused",
            VendorOutcome::TransportError => "transport_error",
        }
    }
}

/// One request to the vendor and how long it took.
pub fn vendor_request(outcome: VendorOutcome, elapsed: Duration) {
    counter!(VENDOR_REQUESTS, "outcome" => outcome.as_str()).increment(1);
    histogram!(VENDOR_DURATION, "outcome" => outcome.as_str()).record(elapsed.as_secs_f64());
}

/// `messages` the vendor took (`sent`) or refused for good.
pub fn messages(sent: bool, messages: usize) {
    let outcome = if sent { "sent" } else { "refused" };
    counter!(MESSAGES, "outcome" => outcome).increment(messages as u64);
}

/// What one transaction of receipts did: `received` receipts, of which `delivered` and `failed`
/// moved their message; the rest changed nothing.
pub fn receipts(applied: Receipts) {
    for (status, n) in [
        ("delivered", applied.delivered),
        ("failed", applied.failed),
        ("repeat", applied.repeats),
        ("unmatched", applied.unmatched),
    ] {
        counter!(RECEIPTS, "status" => status).increment(n as u64);
    }
    let received = applied.delivered + applied.failed + applied.repeats + applied.unmatched;
    histogram!(RECEIPT_BATCH).record(received as f64);
}

/// What a batch of receipts did, for [`receipts`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Receipts {
    pub delivered: usize,
    pub failed: usize,
    pub repeats: usize,
    pub unmatched: usize,
}
