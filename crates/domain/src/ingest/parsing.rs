//! Parsing a client's batch body into records, row by row, every bad field of every row reported.

use super::{capped, BatchError, Context, FieldError, Record, Row, MAX_BATCH};
use serde::Serialize;
use serde_json::value::RawValue;

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
