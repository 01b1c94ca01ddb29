//! Reads the CSV row by row: each row becomes the JSON object a client would have sent, is parsed by
//! the same record parser as `POST /customers` and `/orders`, and valid rows are handed to the publisher
//! in batches of `BATCH_ROWS` (as `Event`s); bad rows are kept with their line.

use super::columns::{problem, Columns};
use super::reader::{BodyReader, ReadFailure};
use crate::routes::ingest;
use crate::ApiError;
use minicrm_bus::Envelope;
use minicrm_domain::ingest::{Context, Record, Row};
use minicrm_domain::RecordKind;
use minicrm_store::imports::{ImportError, Tally, MAX_ERRORS};
use serde::Serialize;
use serde_json::Value;
use tokio::sync::mpsc;

/// Valid rows per batch (per ingestion).
pub(super) const BATCH_ROWS: usize = 1000;

/// What the CSV reader hands to the publisher, in file order.
pub(super) enum Event {
    /// A batch of valid rows, ready to publish, with the rows read and the errors found since the last
    /// event.
    Batch(Box<BatchEvent>),
    /// The end of the file: the last rows' tally and errors.
    Done {
        tally: Tally,
        errors: Vec<ImportError>,
    },
    /// The header (or an empty file) is refused; nothing was taken.
    Refused(ApiError),
    /// The body stopped before its end.
    Unreadable(ReadFailure),
}

pub(super) struct BatchEvent {
    pub(super) ingestion_id: String,
    pub(super) envelope: Envelope,
    pub(super) rows: usize,
    pub(super) first_line: i64,
    pub(super) last_line: i64,
    pub(super) tally: Tally,
    pub(super) errors: Vec<ImportError>,
}

/// Reads the CSV, validates each row with the record parser and hands valid rows over in batches. Runs
/// on a blocking thread; stops when the publisher stops listening.
pub(super) fn parse<T: Record + Serialize>(
    reader: BodyReader,
    kind: RecordKind,
    ctx: Context,
    queue: &'static str,
    api_key_id: String,
    events: mpsc::Sender<Event>,
) {
    let send = |event: Event| events.blocking_send(event).is_ok();
    let unreadable = |e: csv::Error| match e.into_kind() {
        csv::ErrorKind::Io(e) => {
            match e.into_inner().map(|inner| inner.downcast::<ReadFailure>()) {
                Some(Ok(failure)) => Event::Unreadable(*failure),
                Some(Err(other)) => Event::Unreadable(ReadFailure::Interrupted(other.to_string())),
                None => Event::Unreadable(ReadFailure::Interrupted("the body ended early".into())),
            }
        }
        other => Event::Unreadable(ReadFailure::Interrupted(format!("{other:?}"))),
    };
    // Records end at '\n' only, so that each consumes its own newline and lines can be counted; a '\r'
    // before it is blanks at the end of the last cell, trimmed like any other.
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(reader);
    let mut record = csv::ByteRecord::new();
    match csv.read_byte_record(&mut record) {
        Ok(true) => {}
        Ok(false) => {
            send(Event::Refused(ApiError::Invalid(vec![problem(
                "file",
                "the file is empty: it needs a header row naming its columns".into(),
            )])));
            return;
        }
        Err(e) => {
            send(unreadable(e));
            return;
        }
    }
    let columns = match Columns::new(kind, &record, &ctx) {
        Ok(columns) => columns,
        Err(e) => {
            send(Event::Refused(e));
            return;
        }
    };
    let position = csv.position().clone();
    csv.get_mut().row_begins(&position);
    let mut tally = Tally::default();
    let mut errors: Vec<ImportError> = Vec::new();
    let mut kept_errors = 0usize;
    let mut batch: Vec<T> = Vec::with_capacity(BATCH_ROWS);
    let mut lines = (0i64, 0i64);
    loop {
        match csv.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                send(unreadable(e));
                return;
            }
        }
        let position = csv.position().clone();
        csv.get_mut().row_begins(&position);
        // Lines of nothing but separators (spreadsheets leave them at the end) are no rows.
        if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue;
        }
        // The row's lines: the reader has counted every newline up to the end of the row (its own
        // included, unless it ends the file); the row starts as many lines before as it holds.
        let after = csv.position();
        let newline_last = record
            .iter()
            .next_back()
            .is_some_and(|c| c.ends_with(b"\n"));
        let unterminated = csv.get_ref().ends_unterminated(after.byte(), newline_last);
        let last_line = after.line() as i64 - i64::from(!unterminated);
        let inner = record.iter().flatten().filter(|b| **b == b'\n').count() as i64;
        let line = last_line - inner;
        tally.rows_total += 1;
        let mut row_errors = Vec::new();
        if record.len() != columns.names.len() {
            let mut reason = format!(
                "the row has {} field{}; the header has {}",
                record.len(),
                if record.len() == 1 { "" } else { "s" },
                columns.names.len()
            );
            if unterminated && last_line > line {
                reason.push_str(" (it runs to the end of the file: is a quote left open?)");
            } else if last_line > line {
                reason.push_str(&format!(
                    " (it runs over lines {line}–{last_line}: is a quote left open?)"
                ));
            }
            row_errors.push(ImportError {
                line,
                field: None,
                reason,
            });
        } else {
            let mut cells: Vec<&str> = Vec::with_capacity(columns.names.len());
            for (i, raw) in record.iter().enumerate() {
                match std::str::from_utf8(raw) {
                    Ok(text) => cells.push(text),
                    Err(_) => {
                        row_errors.push(ImportError {
                            line,
                            field: Some(columns.names[i].clone()),
                            reason: "is not valid UTF-8".into(),
                        });
                        cells.push("");
                    }
                }
            }
            if row_errors.is_empty() {
                match parse_row::<T>(&columns.object(&cells), &ctx) {
                    Ok(parsed) => {
                        if batch.is_empty() {
                            lines.0 = line;
                        }
                        lines.1 = line;
                        batch.push(parsed);
                    }
                    Err(field_errors) => {
                        row_errors.extend(field_errors.into_iter().map(|e| ImportError {
                            line,
                            field: (!e.field.is_empty()).then_some(e.field),
                            reason: e.reason,
                        }))
                    }
                }
            }
        }
        if row_errors.is_empty() {
            tally.rows_valid += 1;
        } else {
            tally.rows_rejected += 1;
            tally.errors_total += row_errors.len() as i64;
            for e in row_errors {
                if kept_errors < MAX_ERRORS {
                    kept_errors += 1;
                    errors.push(e);
                }
            }
        }
        if batch.len() == BATCH_ROWS {
            let records = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_ROWS));
            let event = batch_event(
                records,
                lines,
                tally,
                std::mem::take(&mut errors),
                queue,
                &api_key_id,
            );
            if !send(event) {
                return;
            }
        }
    }
    if !batch.is_empty() {
        let event = batch_event(
            batch,
            lines,
            tally,
            std::mem::take(&mut errors),
            queue,
            &api_key_id,
        );
        if !send(event) {
            return;
        }
    }
    send(Event::Done { tally, errors });
}

/// One row's object through the record parser, as `POST /customers` or `/orders` parses each record.
pub(super) fn parse_row<T: Record>(
    object: &Value,
    ctx: &Context,
) -> Result<T, Vec<minicrm_domain::FieldError>> {
    let raw = serde_json::value::to_raw_value(object).expect("a JSON object serialises");
    let mut row = Row::new(0);
    let record = T::parse(&mut row, &raw, ctx);
    let errors = row.into_errors();
    match record {
        Some(record) if errors.is_empty() => Ok(record),
        _ => Err(errors),
    }
}

pub(super) fn batch_event<T: Serialize>(
    records: Vec<T>,
    (first_line, last_line): (i64, i64),
    tally: Tally,
    errors: Vec<ImportError>,
    queue: &'static str,
    api_key_id: &str,
) -> Event {
    let ingestion_id = uuid::Uuid::now_v7().to_string();
    let rows = records.len();
    match ingest::batch_envelope(
        ingestion_id.clone(),
        queue,
        Some(api_key_id.to_owned()),
        None,
        records,
    ) {
        Ok(envelope) => Event::Batch(Box::new(BatchEvent {
            ingestion_id,
            envelope,
            rows,
            first_line,
            last_line,
            tally,
            errors,
        })),
        Err(e) => Event::Refused(e),
    }
}
