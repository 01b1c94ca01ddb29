//! A narrow door for the fuzzer (`fuzz/`): the CSV importer's reader and row handling run over a file
//! in memory, without HTTP, database or bus. Not an API; it may change with the importer.

use super::reader::BodyReader;
use super::rows::{parse, Event};
use axum::body::Bytes;
use minicrm_domain::ingest::Context;
use minicrm_domain::{NewCustomer, NewOrder, RecordKind};
use minicrm_store::imports::{ImportError, Tally};
use tokio::sync::mpsc;

/// How the reader ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    /// The end of the file, every row counted.
    Done,
    /// The header (or an empty file) was refused.
    Refused(String),
    /// The body could not be read to its end.
    Unreadable(String),
}

/// A batch of valid rows as the publisher would have received it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Batch {
    pub rows: usize,
    pub first_line: i64,
    pub last_line: i64,
}

/// Everything the reader handed to the publisher, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub end: End,
    /// The last tally it sent (they are running totals).
    pub tally: Tally,
    pub batches: Vec<Batch>,
    /// The row errors of every event, in file order.
    pub errors: Vec<ImportError>,
}

/// Reads `chunks` (the body as it arrived) as an import of `kind`.
pub fn import(kind: RecordKind, chunks: &[&[u8]], ctx: Context) -> Outcome {
    let (chunks_tx, chunks_rx) = mpsc::channel(chunks.len() + 1);
    for chunk in chunks {
        chunks_tx
            .try_send(Ok(Bytes::copy_from_slice(chunk)))
            .expect("the channel holds every chunk");
    }
    drop(chunks_tx);
    // Room for every event (a batch takes a thousand rows), so the reader runs here to its end.
    let bytes: usize = chunks.iter().map(|c| c.len()).sum();
    let (events_tx, mut events_rx) = mpsc::channel(bytes + 2);
    let reader = BodyReader::new(chunks_rx);
    match kind {
        RecordKind::Customers => {
            parse::<NewCustomer>(reader, kind, ctx, "fuzz", "fuzz".into(), events_tx)
        }
        RecordKind::Orders => {
            parse::<NewOrder>(reader, kind, ctx, "fuzz", "fuzz".into(), events_tx)
        }
    }
    let mut outcome = Outcome {
        end: End::Unreadable("the reader stopped without an end".into()),
        tally: Tally::default(),
        batches: Vec::new(),
        errors: Vec::new(),
    };
    while let Ok(event) = events_rx.try_recv() {
        outcome.end = match event {
            Event::Batch(b) => {
                outcome.tally = b.tally;
                outcome.errors.extend(b.errors);
                outcome.batches.push(Batch {
                    rows: b.rows,
                    first_line: b.first_line,
                    last_line: b.last_line,
                });
                continue;
            }
            Event::Done { tally, errors } => {
                outcome.tally = tally;
                outcome.errors.extend(errors);
                End::Done
            }
            Event::Refused(e) => End::Refused(e.to_string()),
            Event::Unreadable(e) => End::Unreadable(e.to_string()),
        };
    }
    outcome
}
