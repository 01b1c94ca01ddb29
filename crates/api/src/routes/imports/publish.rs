//! Runs an import: the body is read into a channel, parsed on a blocking thread (`rows`) and each
//! batch of valid rows published here, in file order, as an ordinary ingestion; the import's record
//! follows along.

use super::reader::{forward, BodyReader, ReadFailure};
use super::rows::{parse, Event};
use crate::routes::ingest;
use crate::{ApiError, AppState};
use axum::body::{Body, Bytes};
use minicrm_bus::queues;
use minicrm_domain::campaign::Problem;
use minicrm_domain::ingest::Context;
use minicrm_domain::{ImportStatus as Stored, NewCustomer, NewOrder, RecordKind, Timestamp};
use minicrm_store::imports;
use minicrm_store::ingestions;
use std::io;
use tokio::sync::mpsc;

/// What an import needs beyond the body.
pub(super) struct Job {
    pub(super) state: AppState,
    pub(super) kind: RecordKind,
    pub(super) file_name: Option<String>,
    pub(super) api_key_id: String,
    pub(super) created_by: String,
    pub(super) limit: usize,
    pub(super) ctx: Context,
}

impl Job {
    pub(super) fn queue(&self) -> &'static str {
        match self.kind {
            RecordKind::Customers => queues::INGEST_CUSTOMERS,
            RecordKind::Orders => queues::INGEST_ORDERS,
        }
    }
}

/// Runs an import to its end and gives its id: the body is read into a channel, parsed on a blocking
/// thread and published batch by batch here.
pub(super) async fn run(job: Job, body: Body) -> Result<String, ApiError> {
    let (chunks_tx, chunks_rx) = mpsc::channel::<io::Result<Bytes>>(8);
    let (events_tx, events_rx) = mpsc::channel::<Event>(1);
    let reader = BodyReader::new(chunks_rx);
    let (kind, ctx, queue, api_key_id) = (job.kind, job.ctx, job.queue(), job.api_key_id.clone());
    let parser = tokio::task::spawn_blocking(move || match kind {
        RecordKind::Customers => {
            parse::<NewCustomer>(reader, kind, ctx, queue, api_key_id, events_tx)
        }
        RecordKind::Orders => parse::<NewOrder>(reader, kind, ctx, queue, api_key_id, events_tx),
    });
    let mut import = None;
    // When `take` stops early it drops the events' receiver, which stops the parser, which drops the
    // chunks' receiver, which stops `forward`.
    let ((), taken) = tokio::join!(
        forward(body, chunks_tx, job.limit),
        take(&job, events_rx, &mut import)
    );
    if let Err(e) = parser.await {
        tracing::error!(error = %e, "the CSV parser panicked");
    }
    if let (Err(e), Some(id)) = (&taken, &import) {
        // A no-op where the failure is recorded already.
        let now = Timestamp::now().millis();
        let _ = imports::finish(&job.state.db, id, Stored::Failed, Some(&e.to_string()), now).await;
    }
    taken
}

/// Publishes the parser's batches in order and records the import as it goes; gives the import's id.
/// The import is recorded at its first batch or at the end of the file, so a refused header or a file
/// without rows leaves nothing behind.
pub(super) async fn take(
    job: &Job,
    mut events: mpsc::Receiver<Event>,
    import: &mut Option<String>,
) -> Result<String, ApiError> {
    let db = &job.state.db;
    let mut seq = 0;
    let mut accepted: (i64, Option<i64>) = (0, None);
    while let Some(event) = events.recv().await {
        match event {
            Event::Refused(e) => return Err(e),
            Event::Batch(batch) => {
                let id = open(job, import).await?;
                let record = ingestions::NewIngestion {
                    id: &batch.ingestion_id,
                    kind: job.kind,
                    accepted: batch.rows,
                    api_key_id: Some(&job.api_key_id),
                    request_hash: None,
                    created_at: Timestamp::now().millis(),
                };
                if let Err(e) =
                    ingest::publish(&job.state, &record, job.queue(), &batch.envelope).await
                {
                    let taken = match accepted {
                        (0, _) | (_, None) => "no rows were accepted".to_owned(),
                        (rows, Some(line)) => {
                            format!("the {rows} valid rows up to line {line} were accepted")
                        }
                    };
                    let failure = format!(
                        "the batch from line {} could not be published ({e}); {taken}, the rest was not",
                        batch.first_line
                    );
                    let now = Timestamp::now().millis();
                    imports::finish(db, &id, Stored::Failed, Some(&failure), now).await?;
                    return Err(ApiError::Unavailable(format!(
                        "import {id} stopped: {failure}. Send the file again: rows already taken are not duplicated"
                    )));
                }
                seq += 1;
                let published = imports::Batch {
                    seq,
                    ingestion_id: &batch.ingestion_id,
                    rows: batch.rows as i64,
                    first_line: batch.first_line,
                    last_line: batch.last_line,
                };
                imports::advance(db, &id, batch.tally, Some(&published), &batch.errors).await?;
                accepted = (accepted.0 + batch.rows as i64, Some(batch.last_line));
            }
            Event::Done { tally, errors } => {
                if import.is_none() && tally.rows_total == 0 {
                    return Err(ApiError::Invalid(vec![Problem {
                        field: "file".into(),
                        reason: "the file has no rows after its header".into(),
                    }]));
                }
                let id = open(job, import).await?;
                imports::advance(db, &id, tally, None, &errors).await?;
                let now = Timestamp::now().millis();
                imports::finish(db, &id, Stored::Accepted, None, now).await?;
                return Ok(id);
            }
            Event::Unreadable(failure) => {
                if let Some(id) = import.as_deref() {
                    let taken = match accepted {
                        (rows, Some(line)) if rows > 0 => {
                            format!("the {rows} valid rows up to line {line} were accepted")
                        }
                        _ => "no rows were accepted".to_owned(),
                    };
                    let text = format!("{failure}; {taken}");
                    let now = Timestamp::now().millis();
                    imports::finish(db, id, Stored::Failed, Some(&text), now).await?;
                }
                return Err(match failure {
                    ReadFailure::TooLarge(limit) => ApiError::TooLarge(limit),
                    ReadFailure::Interrupted(_) => ApiError::BadRequest {
                        detail: failure.to_string(),
                        field: None,
                    },
                    ReadFailure::RowTooLong { .. } => ApiError::Invalid(vec![Problem {
                        field: "file".into(),
                        reason: failure.to_string(),
                    }]),
                });
            }
        }
    }
    Err(ApiError::Internal(anyhow::anyhow!(
        "the CSV parser stopped before the end of the file"
    )))
}

/// The import's id, recording it first if it is not yet.
pub(super) async fn open(job: &Job, import: &mut Option<String>) -> Result<String, ApiError> {
    if let Some(id) = import {
        return Ok(id.clone());
    }
    let id = uuid::Uuid::now_v7().to_string();
    imports::create(
        &job.state.db,
        &imports::NewImport {
            id: &id,
            kind: job.kind,
            file_name: job.file_name.as_deref(),
            created_by: &job.created_by,
            created_at: job.ctx.now.millis(),
        },
    )
    .await?;
    *import = Some(id.clone());
    Ok(id)
}
