//! Ingestion records: a batch of customers or orders as a client sends it, parsed row by row into typed
//! records. Every bad field of every row is reported (index, field, reason); one bad row refuses the batch.

pub mod capped;
pub mod customer;
pub mod order;
mod row;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

pub use row::{FieldError, Row};

/// The most records one request may carry.
pub const MAX_BATCH: usize = 10_000;

/// What a batch or an import holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Customers,
    Orders,
}

impl RecordKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Customers => "customers",
            Self::Orders => "orders",
        }
    }
}

impl TryFrom<String> for RecordKind {
    type Error = crate::text_enum::UnknownText;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        match text.as_str() {
            "customers" => Ok(Self::Customers),
            "orders" => Ok(Self::Orders),
            _ => Err(crate::text_enum::UnknownText {
                type_name: "RecordKind",
                text,
            }),
        }
    }
}

crate::text_enum!(
    /// What became of an accepted batch: `queued` until a consumer has processed it, `pending` while
    /// some of its orders wait for their customer, `completed` when every row is persisted, unchanged
    /// or rejected, `failed` when it never reached the queue.
    IngestionStatus {
        Queued = "queued",
        Pending = "pending",
        Completed = "completed",
        Failed = "failed",
    }
);

crate::text_enum!(
    /// A CSV import: `receiving` while the file streams in, `accepted` when every batch of valid rows
    /// is published, `failed` when it stopped midway (what was published before stays accepted).
    ImportStatus {
        Receiving = "receiving",
        Accepted = "accepted",
        Failed = "failed",
    }
);

/// Declares `$batch`, the schema of an ingestion's body (the type is only that): one `$record`, or an
/// array of 1 to `MAX_BATCH` of them.
macro_rules! batch_schema {
    ($batch:ident, $record:ident) => {
        #[doc = concat!("The schema of a batch of `", stringify!($record), "`: one, or an array.")]
        pub struct $batch;

        impl utoipa::PartialSchema for $batch {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
                $crate::ingest::one_or_many(&<$record as utoipa::ToSchema>::name())
            }
        }

        impl utoipa::ToSchema for $batch {
            fn schemas(
                schemas: &mut Vec<(String, utoipa::openapi::RefOr<utoipa::openapi::Schema>)>,
            ) {
                let name = <$record as utoipa::ToSchema>::name().into_owned();
                schemas.push((name, <$record as utoipa::PartialSchema>::schema()));
                <$record as utoipa::ToSchema>::schemas(schemas);
            }
        }
    };
}
pub(crate) use batch_schema;

/// One of the schema `name`, or an array of 1 to `MAX_BATCH` of them.
pub fn one_or_many(name: &str) -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    use utoipa::openapi::schema::{ArrayBuilder, OneOfBuilder, Ref};
    let one = Ref::from_schema_name(name);
    let many = ArrayBuilder::new()
        .items(one.clone())
        .min_items(Some(1))
        .max_items(Some(MAX_BATCH));
    OneOfBuilder::new()
        .item(one)
        .item(many)
        .description(Some(format!(
            "One record, or an array of 1 to {MAX_BATCH}. One bad field refuses the batch whole."
        )))
        .into()
}

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

/// A client's rows, parsed into records one at a time as they are serialised (as the `records` of a
/// [`BatchOut`]): each record is written and dropped in turn, so a batch's records are never all in
/// memory beside its text and its message. A bad row writes nothing and its errors are kept; once one
/// row is bad, no more are written and [`ParsedRows::finish`] refuses the batch with every error.
pub struct ParsedRows<'a, T> {
    rows: Vec<&'a RawValue>,
    ctx: &'a Context,
    errors: std::cell::RefCell<Vec<FieldError>>,
    written: std::cell::Cell<usize>,
    record: std::marker::PhantomData<T>,
}

impl<'a, T: Record> ParsedRows<'a, T> {
    /// The rows of one object or an array of up to `MAX_BATCH` objects, not yet parsed.
    pub fn new(body: &'a [u8], ctx: &'a Context) -> Result<Self, BatchError> {
        Ok(Self {
            rows: split_rows(body)?,
            ctx,
            errors: Default::default(),
            written: Default::default(),
            record: std::marker::PhantomData,
        })
    }

    /// After the rows were serialised: how many records were written, or every bad field.
    pub fn finish(self) -> Result<usize, BatchError> {
        let errors = self.errors.into_inner();
        match (errors.is_empty(), self.written.get()) {
            (true, n) if n == self.rows.len() => Ok(n),
            (true, _) => Err(BatchError::Malformed(
                "the records were not all written".into(),
            )),
            (false, _) => Err(BatchError::Invalid(errors)),
        }
    }
}

impl<T: Record + Serialize> Serialize for ParsedRows<'_, T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut list = serializer.serialize_seq(Some(self.rows.len()))?;
        for (index, raw) in self.rows.iter().enumerate() {
            let mut row = Row::new(index);
            let record = T::parse(&mut row, raw, self.ctx);
            let mut errors = self.errors.borrow_mut();
            errors.extend(row.into_errors());
            if let (Some(record), true) = (record, errors.is_empty()) {
                list.serialize_element(&record)?;
                self.written.set(self.written.get() + 1);
            }
        }
        list.end()
    }
}

/// Parses one object or an array of up to `MAX_BATCH` objects into typed records, or says why not.
pub fn parse_batch<T: Record>(body: &[u8], ctx: &Context) -> Result<Vec<T>, BatchError> {
    let rows = split_rows(body)?;
    let mut records = Vec::with_capacity(rows.len());
    let mut errors = Vec::new();
    for (index, raw) in rows.iter().enumerate() {
        let mut row = Row::new(index);
        let record = T::parse(&mut row, raw, ctx);
        errors.extend(row.into_errors());
        records.extend(record);
    }
    if errors.is_empty() {
        Ok(records)
    } else {
        Err(BatchError::Invalid(errors))
    }
}

/// The rows of a batch as raw JSON. Past `MAX_BATCH` rows are only counted (see `capped`), so an
/// oversized batch is refused for what it holds without costing memory for each of its rows.
fn split_rows(body: &[u8]) -> Result<Vec<&RawValue>, BatchError> {
    let malformed = |e: serde_json::Error| BatchError::Malformed(e.to_string());
    let text = std::str::from_utf8(body)
        .map_err(|e| BatchError::Malformed(format!("the body is not UTF-8: {e}")))?;
    let first = text.bytes().find(|b| !b.is_ascii_whitespace());
    let rows = match first {
        Some(b'[') => capped::list(text, MAX_BATCH).map_err(malformed)?,
        Some(b'{') => {
            let row: &RawValue = serde_json::from_str(text).map_err(malformed)?;
            capped::Capped {
                kept: vec![row],
                total: 1,
            }
        }
        Some(_) => {
            serde_json::from_str::<serde::de::IgnoredAny>(text).map_err(malformed)?;
            return Err(BatchError::NotObjectOrArray);
        }
        None => return Err(BatchError::Malformed("the body is empty".into())),
    };
    match rows.total {
        0 => Err(BatchError::Empty),
        n if n > MAX_BATCH => Err(BatchError::TooMany(n)),
        _ => Ok(rows.kept),
    }
}

#[cfg(test)]
mod tests;
