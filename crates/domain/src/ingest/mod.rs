//! Ingestion records: a batch of customers or orders as a client sends it, parsed row by row into typed
//! records. Every bad field of every row is reported (index, field, reason); one bad row refuses the batch.

pub mod capped;
pub mod customer;
mod kinds;
pub mod order;
mod parsing;
mod row;
mod schema;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

pub use kinds::{ImportStatus, IngestionStatus, RecordKind};
pub use parsing::{parse_batch, ParsedRows};
pub use row::{FieldError, Row};
pub(crate) use schema::batch_schema;
pub use schema::one_or_many;

/// The most records one request may carry.
pub const MAX_BATCH: usize = 10_000;

/// Why a batch was refused as a whole.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum BatchError {
    #[error("the body is not valid JSON: {0}")]
    Malformed(String),
    #[error("the body must be a JSON object or an array of objects")]
    NotObjectOrArray,
    #[error("the batch is empty")]
    Empty,
    #[error("the batch has {0} records; at most {MAX_BATCH} are allowed")]
    TooMany(usize),
    #[error("{} invalid field(s); the batch was refused whole", .0.len())]
    Invalid(Vec<FieldError>),
}

/// The payload of an ingestion message: an accepted batch, already validated, and the ingestion it
/// belongs to. Records keep their order, so a row's index is its position here.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Batch<T> {
    pub ingestion_id: String,
    /// The API key that sent it, for the ingestion's record.
    #[serde(default)]
    pub api_key_id: Option<String>,
    /// SHA-256 of the request body when the client sent an `Idempotency-Key`, so that a retry with
    /// another body under the same key is refused wherever the ingestion's record is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_hash: Option<String>,
    pub records: Vec<T>,
}

/// What parsing a row needs to know beyond the row: the time of arrival and the store's currency.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    pub now: crate::Timestamp,
    pub currency: crate::Currency,
}

/// A record type that parses from one JSON object of a batch.
pub trait Record: Sized {
    fn parse(row: &mut Row, raw: &RawValue, ctx: &Context) -> Option<Self>;
}

/// The payload of an ingestion message as it is written: [`Batch`]'s fields, with the records given by
/// anything that serialises as their list — a `Vec`, or [`ParsedRows`], which parses each as it writes.
#[derive(Serialize)]
pub struct BatchOut<'a, R: Serialize> {
    pub ingestion_id: &'a str,
    pub api_key_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_hash: Option<&'a str>,
    pub records: R,
}

#[cfg(test)]
mod tests;
