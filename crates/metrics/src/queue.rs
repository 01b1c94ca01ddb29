//! The message bus: messages waiting per queue (sampled at each scrape), messages settled per queue by
//! outcome, and consumer lag — how long a message waited from its `produced_at` until it was handled.

use metrics::{
    counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram, Unit,
};

pub const DEPTH: &str = "minicrm_queue_depth";
pub const DEPTH_ERRORS: &str = "minicrm_queue_depth_errors_total";
pub const MESSAGES: &str = "minicrm_queue_messages_total";
pub const LAG: &str = "minicrm_queue_lag_seconds";

pub(crate) fn describe() {
    describe_gauge!(
        DEPTH,
        "Messages waiting in a queue, sampled when /metrics is scraped"
    );
    describe_counter!(
        DEPTH_ERRORS,
        "Scrapes at which a queue's depth could not be read in time (the gauge keeps its last value)"
    );
    describe_counter!(
        MESSAGES,
        "Messages settled by this process's consumers, by queue and outcome: ok (applied, or a \
         duplicate the inbox skipped), retried, dead_lettered"
    );
    describe_histogram!(
        LAG,
        Unit::Seconds,
        "Time from a message's production to its successful handling, by queue"
    );
}

/// How a consumer settled a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    Ok,
    Retried,
    DeadLettered,
}

impl Settled {
    pub fn as_str(self) -> &'static str {
        match self {
            Settled::Ok => "ok",
            Settled::Retried => "retried",
            Settled::DeadLettered => "dead_lettered",
        }
    }
}

/// A message of `queue` settled; `produced_at` (milliseconds since the epoch) gives the lag of one
/// handled successfully.
pub fn settled(queue: &'static str, outcome: Settled, produced_at: Option<i64>, now_ms: i64) {
    counter!(MESSAGES, "queue" => queue, "outcome" => outcome.as_str()).increment(1);
    if let (Settled::Ok, Some(produced_at)) = (outcome, produced_at) {
        let lag_ms = (now_ms - produced_at).max(0);
        histogram!(LAG, "queue" => queue).record(lag_ms as f64 / 1000.0);
    }
}

/// The depth of `queue` as just read.
pub fn depth(queue: &'static str, messages: u64) {
    gauge!(DEPTH, "queue" => queue).set(messages as f64);
}

/// The depth of `queue` could not be read in time.
pub fn depth_unknown(queue: &'static str) {
    counter!(DEPTH_ERRORS, "queue" => queue).increment(1);
}
