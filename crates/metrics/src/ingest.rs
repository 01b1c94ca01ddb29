//! Ingestion: records the API accepted, and what the workers made of them, per kind (`customers`,
//! `orders`), so that `rate()` of each gives the rates in and out.

use metrics::{counter, describe_counter};

pub const ACCEPTED: &str = "minicrm_ingest_records_accepted_total";
pub const PROCESSED: &str = "minicrm_ingest_records_processed_total";

pub(crate) fn describe() {
    describe_counter!(
        ACCEPTED,
        "Records accepted by the API (JSON batches and CSV import batches), by kind"
    );
    describe_counter!(
        PROCESSED,
        "Records the workers processed, by kind and outcome: persisted, unchanged (already stored as \
         sent), parked (an order waiting for its customer; counted again when persisted or rejected), \
         rejected"
    );
}

/// What became of records in a worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Persisted,
    Unchanged,
    Parked,
    Rejected,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Persisted => "persisted",
            Outcome::Unchanged => "unchanged",
            Outcome::Parked => "parked",
            Outcome::Rejected => "rejected",
        }
    }
}

/// `records` of `kind` taken by the API (each an accepted batch's, counted once).
pub fn accepted(kind: &'static str, records: usize) {
    counter!(ACCEPTED, "kind" => kind).increment(records as u64);
}

/// `records` of `kind` processed by a worker with `outcome`; nothing for zero.
pub fn processed(kind: &'static str, outcome: Outcome, records: i64) {
    if records > 0 {
        counter!(PROCESSED, "kind" => kind, "outcome" => outcome.as_str())
            .increment(records as u64);
    }
}
