//! CSV imports: `POST /imports?kind=customers|orders` streams a `text/csv` file through the same edge as
//! `POST /customers` and `/orders`. Its header names the columns; each row becomes the JSON object a
//! client would have sent and is parsed by the same record parser; valid rows go out in batches of
//! `BATCH_ROWS`, each an ordinary ingestion published durably, while bad rows are recorded with their
//! line number and never stop the others. `GET /imports/{id}` adds the progress of its ingestions.
//!
//! The file is never held whole: the body's chunks feed a CSV reader on a blocking thread through a
//! small channel, and the reader hands over one batch at a time, so a slow bus slows the upload down.

use super::{ingest, page_limit};
use crate::openapi::{
    examples, BadRequest, Forbidden, NotFound, PayloadTooLarge, UnprocessableEntity,
    UnsupportedMediaType,
};
use crate::output::{iso, iso_opt, trim_page, Page};
use crate::params::{ApiPath, ApiQuery};
use crate::{ApiError, AppState, Caller};
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures::StreamExt;
use minicrm_bus::{queues, Envelope};
use minicrm_domain::campaign::Problem;
use minicrm_domain::ingest::{Context, Record, Row};
use minicrm_domain::{NewCustomer, NewOrder, RecordKind, Scope, Timestamp};
use minicrm_store::imports::{self, ImportError, ImportRow, Tally, MAX_ERRORS};
use minicrm_store::ingestions;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::io;
use tokio::sync::mpsc;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(read))
}

/// Valid rows per batch (per ingestion).
const BATCH_ROWS: usize = 1000;

/// The longest row: far more than the largest record (50 attributes, 500 line items) takes, and a
/// bound on what a quote left open makes the reader hold.
const MAX_ROW_BYTES: u64 = 4 * 1024 * 1024;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct CreateParams {
    /// What the file holds.
    #[param(value_type = RecordKind, required = true, example = "customers")]
    kind: Option<String>,
    /// The file's name (else Content-Disposition's `filename`), for the record.
    name: Option<String>,
}

/// Import a CSV file.
///
/// Takes a CSV file of customers or orders. Answers 202 with the import once every batch of valid rows
/// is durably published; bad rows are listed in `errors` with their line (the header is line 1).
/// The header names the columns: customers take `external_id`, `name`, `email`, `phone`, `city`,
/// `created_at`, `updated_at` and `attributes.<key>`; orders take `external_id`,
/// `customer_external_id`, `amount`, `currency`, `status`, `ordered_at`. Needs the `ingest` scope.
#[utoipa::path(post, path = "/imports", tag = "imports", operation_id = "create_import",
    params(CreateParams),
    request_body(description = "A CSV file in UTF-8 with a header row.", content = String, content_type = "text/csv",
        example = examples::customers_csv),
    responses(
        (status = 202, description = "The import, every batch of valid rows published.", body = ImportOut,
            headers(("Location" = String, description = "The import: `/api/v1/imports/{id}`."))),
        (status = 400, response = BadRequest),
        (status = 403, response = Forbidden),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = UnprocessableEntity),
    ))]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(p): ApiQuery<CreateParams>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    caller.require(Scope::Ingest)?;
    let kind = match p.kind.as_deref().map(str::trim) {
        Some("customers") => RecordKind::Customers,
        Some("orders") => RecordKind::Orders,
        Some(other) => {
            return Err(ApiError::bad_field(
                "kind",
                format!("'{other}' is not a kind of import: customers or orders"),
            ))
        }
        None => {
            return Err(ApiError::bad_field(
                "kind",
                "say what the file holds: ?kind=customers or ?kind=orders",
            ))
        }
    };
    csv_content_type(&headers)?;
    let file_name = p
        .name
        .as_deref()
        .or(disposition_file_name(&headers).as_deref())
        .and_then(clean_file_name);
    let limit = state.settings.import_max_bytes;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(ApiError::TooLarge(limit));
    }
    let job = Job {
        state: state.clone(),
        kind,
        file_name,
        api_key_id: caller.id(),
        created_by: caller.label(),
        limit,
        ctx: Context {
            now: Timestamp::now(),
            currency: state.settings.currency,
        },
    };
    // Its own task: a client that goes away mid-file stops the body, and the import is recorded as
    // failed (with what was taken) instead of being dropped half-way through a batch.
    let id = tokio::spawn(run(job, body))
        .await
        .map_err(anyhow::Error::from)??;
    let out = load(&state, &id).await?;
    let location = format!("/api/v1/imports/{id}");
    Ok((
        StatusCode::ACCEPTED,
        [(header::LOCATION, location)],
        Json(out),
    )
        .into_response())
}

/// Get an import.
///
/// An import with its row errors (the first 1,000), its ingestions and its progress. Needs the `read`
/// or `ingest` scope.
#[utoipa::path(get, path = "/imports/{id}", tag = "imports", operation_id = "read_import",
    params(("id" = String, Path, description = "The import's id.")),
    responses(
        (status = 200, description = "The import.", body = ImportOut),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
async fn read(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ImportOut>, ApiError> {
    caller.require_any(&[Scope::Read, Scope::Ingest])?;
    Ok(Json(load(&state, &id).await?))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ListParams {
    /// Imports per page.
    #[param(minimum = 1, maximum = 500, default = 50)]
    limit: Option<i64>,
    /// The `next_cursor` of the page before.
    cursor: Option<String>,
}

/// List imports.
///
/// Imports, newest first, without their row errors and ingestion ids (`GET /imports/{id}` has them).
/// Needs the `read` or `ingest` scope.
#[utoipa::path(get, path = "/imports", tag = "imports", operation_id = "list_imports",
    params(ListParams),
    responses(
        (status = 200, description = "Imports, newest first.", body = Page<ImportOut>),
        (status = 400, response = BadRequest),
        (status = 403, response = Forbidden),
    ))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(p): ApiQuery<ListParams>,
) -> Result<Json<Page<ImportOut>>, ApiError> {
    caller.require_any(&[Scope::Read, Scope::Ingest])?;
    let limit = page_limit(p.limit)?;
    let mut rows = imports::list(&state.db, p.cursor.as_deref(), limit + 1).await?;
    let next_cursor = trim_page(&mut rows, limit, |r| r.id.clone());
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        let progress = imports::progress(&state.db, &row.id).await?;
        items.push(ImportOut::new(row, progress, None, None));
    }
    Ok(Json(Page { items, next_cursor }))
}

/// A CSV import and its progress.
#[derive(Serialize, ToSchema)]
struct ImportOut {
    id: String,
    #[schema(value_type = RecordKind)]
    kind: String,
    /// `receiving`, `accepted` (every batch published), `completed` (every batch's ingestion
    /// completed) or `failed` (stopped midway; `failure` says why and `rows_accepted` what was taken).
    #[schema(value_type = ImportStatus)]
    status: String,
    /// The file's name, if the client gave it.
    name: Option<String>,
    /// Rows read (the header not counted).
    rows_total: i64,
    rows_valid: i64,
    rows_rejected: i64,
    /// Valid rows published.
    rows_accepted: i64,
    /// The last line of the last published batch.
    accepted_through_line: Option<i64>,
    errors_total: i64,
    /// The first 1,000 bad rows (not in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<Vec<ErrorOut>>,
    /// One ingestion per batch (not in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    ingestion_ids: Option<Vec<String>>,
    batches: i64,
    batches_completed: i64,
    /// Of the batches' records: written, unchanged, waiting, refused by the consumer.
    persisted: i64,
    unchanged: i64,
    pending: i64,
    rejected_by_consumer: i64,
    /// Why the import stopped, when it failed.
    failure: Option<String>,
    created_by: String,
    #[schema(format = DateTime)]
    created_at: String,
    #[schema(format = DateTime)]
    finished_at: Option<String>,
}

#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
enum ImportStatus {
    Receiving,
    Accepted,
    Completed,
    Failed,
}

/// A bad row.
#[derive(Serialize, ToSchema)]
struct ErrorOut {
    /// Its line in the file (the header is line 1).
    line: i64,
    /// The column to blame, if one is.
    field: Option<String>,
    reason: String,
}

impl ImportOut {
    fn new(
        row: ImportRow,
        progress: imports::Progress,
        errors: Option<Vec<ImportError>>,
        ingestion_ids: Option<Vec<String>>,
    ) -> Self {
        let completed = row.status == imports::status::ACCEPTED
            && progress.batches_completed == progress.batches;
        Self {
            id: row.id,
            kind: row.kind,
            status: if completed {
                ingestions::status::COMPLETED.to_owned()
            } else {
                row.status
            },
            name: row.file_name,
            rows_total: row.rows_total,
            rows_valid: row.rows_valid,
            rows_rejected: row.rows_rejected,
            rows_accepted: row.rows_accepted,
            accepted_through_line: row.accepted_through_line,
            errors_total: row.errors_total,
            errors: errors.map(|errors| {
                errors
                    .into_iter()
                    .map(|e| ErrorOut {
                        line: e.line,
                        field: e.field,
                        reason: e.reason,
                    })
                    .collect()
            }),
            ingestion_ids,
            batches: progress.batches,
            batches_completed: progress.batches_completed,
            persisted: progress.persisted,
            unchanged: progress.unchanged,
            pending: progress.pending,
            rejected_by_consumer: progress.rejected,
            failure: row.failure,
            created_by: row.created_by,
            created_at: iso(row.created_at),
            finished_at: iso_opt(row.finished_at),
        }
    }
}

/// An import with its errors, batches and progress.
async fn load(state: &AppState, id: &str) -> Result<ImportOut, ApiError> {
    let row = imports::get(&state.db, id).await.map_err(|e| match e {
        minicrm_store::StoreError::NotFound => ApiError::NotFound(format!("import '{id}'")),
        other => other.into(),
    })?;
    let (errors, ingestion_ids, progress) = futures::try_join!(
        imports::errors(&state.db, id, MAX_ERRORS as i64),
        imports::ingestion_ids(&state.db, id),
        imports::progress(&state.db, id),
    )?;
    Ok(ImportOut::new(
        row,
        progress,
        Some(errors),
        Some(ingestion_ids),
    ))
}

/// `text/csv` (or `application/csv`), in UTF-8.
fn csv_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let value = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let mut parts = value.split(';').map(str::trim);
    let essence = parts.next().unwrap_or("");
    if essence != "text/csv" && essence != "application/csv" {
        return Err(ApiError::MediaType("text/csv"));
    }
    let charset = parts.find_map(|p| p.strip_prefix("charset="));
    match charset.map(|c| c.trim_matches('"')) {
        None | Some("utf-8") | Some("utf8") | Some("us-ascii") => Ok(()),
        Some(_) => Err(ApiError::MediaType("text/csv in UTF-8")),
    }
}

/// The `filename` (or `filename*`) of a Content-Disposition header.
fn disposition_file_name(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_DISPOSITION)?.to_str().ok()?;
    let mut plain = None;
    for param in value.split(';').map(str::trim) {
        let Some((key, v)) = param.split_once('=') else {
            continue;
        };
        match key.trim().to_ascii_lowercase().as_str() {
            "filename*" => {
                // RFC 5987: charset'language'percent-encoded
                let encoded = v.trim().splitn(3, '\'').nth(2)?;
                return percent_decode(encoded);
            }
            "filename" => plain = Some(v.trim().trim_matches('"').to_owned()),
            _ => {}
        }
    }
    plain
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A file name as it is kept: its last path component, without control characters, at most 255
/// characters; nothing if that leaves nothing.
fn clean_file_name(name: &str) -> Option<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let clean: String = base.chars().filter(|c| !c.is_control()).take(255).collect();
    let clean = clean.trim();
    (!clean.is_empty()).then(|| clean.to_owned())
}

/// What an import needs beyond the body.
struct Job {
    state: AppState,
    kind: RecordKind,
    file_name: Option<String>,
    api_key_id: String,
    created_by: String,
    limit: usize,
    ctx: Context,
}

impl Job {
    fn queue(&self) -> &'static str {
        match self.kind {
            RecordKind::Customers => queues::INGEST_CUSTOMERS,
            RecordKind::Orders => queues::INGEST_ORDERS,
        }
    }
}

/// Why the body could not be read to its end.
#[derive(Debug, thiserror::Error)]
enum ReadFailure {
    #[error("the file is larger than {0} bytes")]
    TooLarge(usize),
    #[error("the upload was cut off: {0}")]
    Interrupted(String),
    #[error("the row from line {line} runs past {limit} bytes: is a quote left open?")]
    RowTooLong { line: u64, limit: u64 },
}

/// What the CSV reader hands to the publisher, in file order.
enum Event {
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

struct BatchEvent {
    ingestion_id: String,
    envelope: Envelope,
    rows: usize,
    first_line: i64,
    last_line: i64,
    tally: Tally,
    errors: Vec<ImportError>,
}

/// Runs an import to its end and gives its id: the body is read into a channel, parsed on a blocking
/// thread and published batch by batch here.
async fn run(job: Job, body: Body) -> Result<String, ApiError> {
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
        let _ = imports::finish(
            &job.state.db,
            id,
            imports::status::FAILED,
            Some(&e.to_string()),
            now,
        )
        .await;
    }
    taken
}

/// Feeds the body's chunks to the parser, up to `limit` bytes.
async fn forward(body: Body, chunks: mpsc::Sender<io::Result<Bytes>>, limit: usize) {
    let mut stream = body.into_data_stream();
    let mut total = 0usize;
    while let Some(chunk) = stream.next().await {
        let chunk = match chunk {
            Ok(bytes) => {
                total += bytes.len();
                if total > limit {
                    Err(io::Error::other(ReadFailure::TooLarge(limit)))
                } else {
                    Ok(bytes)
                }
            }
            Err(e) => Err(io::Error::other(ReadFailure::Interrupted(e.to_string()))),
        };
        let last = chunk.is_err();
        if chunks.send(chunk).await.is_err() || last {
            return;
        }
    }
}

/// The body as `std::io::Read`, for the CSV reader on its blocking thread.
/// It remembers how much it gave and its last three bytes, so the reader of the CSV can tell a last row
/// that ends the file without a newline of its own, and where the row being read began, so that a row
/// cannot grow past `max_row` bytes.
struct BodyReader {
    chunks: mpsc::Receiver<io::Result<Bytes>>,
    current: Bytes,
    given: u64,
    last: [Option<u8>; 3],
    ended: bool,
    started: bool,
    /// The byte and line where the row being read began.
    row: (u64, u64),
    max_row: u64,
}

impl BodyReader {
    fn new(chunks: mpsc::Receiver<io::Result<Bytes>>) -> Self {
        Self {
            chunks,
            current: Bytes::new(),
            given: 0,
            last: [None; 3],
            ended: false,
            started: false,
            row: (0, 1),
            max_row: MAX_ROW_BYTES,
        }
    }

    /// The next row begins at this byte and line.
    fn row_begins(&mut self, position: &csv::Position) {
        self.row = (position.byte(), position.line());
    }

    /// Whether a record whose end is at byte `offset` ended the file without a newline of its own: the
    /// file does not end with one, or that newline is in the record's last cell (a quote left open)
    /// rather than after a closing quote. A cell that ends with a newline and is closed ends the file
    /// with newline, quote, newline; a quote after anything else is the second of an escaped pair.
    fn ends_unterminated(&self, offset: u64, last_cell_ends_with_newline: bool) -> bool {
        if !self.ended || offset != self.given {
            return false;
        }
        match self.last {
            [_, _, Some(b'\n')] if !last_cell_ends_with_newline => false,
            [before, Some(b'"'), Some(b'\n')] => before != Some(b'\n'),
            _ => true,
        }
    }
}

impl io::Read for BodyReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if !self.started {
            // UTF-8 byte order marks go here, every one (a file saved twice has two): the CSV reader
            // drops one only when it comes whole in its first read, and takes a first read of nothing
            // else for the end of the file.
            self.started = true;
            loop {
                while self.current.len() < 3 {
                    match self.chunks.blocking_recv() {
                        Some(chunk) => {
                            self.current = [&self.current[..], &chunk?[..]].concat().into()
                        }
                        None => break,
                    }
                }
                if !self.current.starts_with(b"\xef\xbb\xbf") {
                    break;
                }
                self.current = self.current.slice(3..);
            }
        }
        // The CSV reader reads ahead no more than its buffer, so this is the row's length, give or take.
        if self.given - self.row.0 > self.max_row {
            return Err(io::Error::other(ReadFailure::RowTooLong {
                line: self.row.1,
                limit: self.max_row,
            }));
        }
        while self.current.is_empty() {
            match self.chunks.blocking_recv() {
                Some(chunk) => self.current = chunk?,
                None => {
                    self.ended = true;
                    return Ok(0);
                }
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current[..n]);
        self.current = self.current.slice(n..);
        self.given += n as u64;
        for &b in &buf[n.saturating_sub(3)..n] {
            self.last = [self.last[1], self.last[2], Some(b)];
        }
        Ok(n)
    }
}

/// Publishes the parser's batches in order and records the import as it goes; gives the import's id.
/// The import is recorded at its first batch or at the end of the file, so a refused header or a file
/// without rows leaves nothing behind.
async fn take(
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
                    imports::finish(db, &id, imports::status::FAILED, Some(&failure), now).await?;
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
                imports::finish(db, &id, imports::status::ACCEPTED, None, now).await?;
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
                    imports::finish(db, id, imports::status::FAILED, Some(&text), now).await?;
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
async fn open(job: &Job, import: &mut Option<String>) -> Result<String, ApiError> {
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

/// Where a column's cells go.
#[derive(Debug, Clone, PartialEq)]
enum Target {
    /// A field of the record.
    Field(&'static str),
    /// A custom attribute (customers).
    Attribute(String),
}

const CUSTOMER_FIELDS: &[&str] = &[
    "external_id",
    "name",
    "email",
    "phone",
    "city",
    "created_at",
    "updated_at",
];
const CUSTOMER_REQUIRED: &[&str] = &["external_id", "name"];
const ORDER_FIELDS: &[&str] = &[
    "external_id",
    "customer_external_id",
    "amount",
    "currency",
    "status",
    "ordered_at",
    "items",
];
const ORDER_REQUIRED: &[&str] = &[
    "external_id",
    "customer_external_id",
    "amount",
    "ordered_at",
];

/// The header: each column's name and target.
#[derive(Debug)]
struct Columns {
    names: Vec<String>,
    targets: Vec<Target>,
}

impl Columns {
    /// Reads the header row. Names are trimmed and matched case-insensitively; for customers any other
    /// column is a custom attribute (an `attributes.` prefix is dropped). A missing required column, a
    /// column twice, an unnamed one, an unknown one (orders) or an attribute key the record parser would
    /// refuse is a 422 naming it.
    fn new(kind: RecordKind, header: &csv::ByteRecord, ctx: &Context) -> Result<Self, ApiError> {
        let (fields, required) = match kind {
            RecordKind::Customers => (CUSTOMER_FIELDS, CUSTOMER_REQUIRED),
            RecordKind::Orders => (ORDER_FIELDS, ORDER_REQUIRED),
        };
        let mut problems = Vec::new();
        let mut names = Vec::with_capacity(header.len());
        let mut targets: Vec<Target> = Vec::with_capacity(header.len());
        for (i, raw) in header.iter().enumerate() {
            let Ok(text) = std::str::from_utf8(raw) else {
                problems.push(problem(
                    &format!("column {}", i + 1),
                    "the header is not valid UTF-8".into(),
                ));
                names.push(String::new());
                continue;
            };
            let name = text.trim_start_matches('\u{feff}').trim().to_owned();
            let lower = name.to_ascii_lowercase();
            let target = if name.is_empty() {
                problems.push(problem(
                    &format!("column {}", i + 1),
                    format!("column {} has no name", i + 1),
                ));
                None
            } else if let Some(field) = fields.iter().find(|f| **f == lower) {
                Some(Target::Field(field))
            } else if kind == RecordKind::Customers {
                let key = match lower.strip_prefix("attributes.") {
                    Some(_) => name["attributes.".len()..].trim().to_owned(),
                    None => name.clone(),
                };
                match attribute_key_problem(&key, ctx) {
                    Some(reason) => {
                        problems.push(problem(
                            &name,
                            format!("the column '{name}' cannot be a custom attribute: {reason}"),
                        ));
                        None
                    }
                    None => Some(Target::Attribute(key)),
                }
            } else {
                problems.push(problem(
                    &name,
                    format!(
                        "unknown column '{name}': an orders file has the columns {}",
                        fields.join(", ")
                    ),
                ));
                None
            };
            if let Some(target) = &target {
                if targets.contains(target) {
                    problems.push(problem(&name, format!("the column '{name}' appears twice")));
                }
            }
            names.push(name);
            targets.push(target.unwrap_or(Target::Field("")));
        }
        for column in required {
            if !targets.contains(&Target::Field(column)) {
                problems.push(problem(
                    column,
                    format!("the header lacks the required column '{column}'"),
                ));
            }
        }
        let attributes: Vec<String> = targets
            .iter()
            .filter_map(|t| match t {
                Target::Attribute(key) => Some(key.clone()),
                Target::Field(_) => None,
            })
            .collect();
        if problems.is_empty() && !attributes.is_empty() {
            if let Some(reason) = attributes_problem(&attributes, ctx) {
                problems.push(problem("attributes", reason));
            }
        }
        if problems.is_empty() {
            Ok(Self { names, targets })
        } else {
            Err(ApiError::Invalid(problems))
        }
    }

    /// The JSON object a client would have sent for this row: empty cells are absent, the custom
    /// attributes gathered under `attributes`, `items` read as JSON (else left as text, for the record
    /// parser to refuse).
    fn object(&self, cells: &[&str]) -> Value {
        let mut object = Map::new();
        let mut attributes = Map::new();
        for (target, cell) in self.targets.iter().zip(cells) {
            let cell = cell.trim();
            if cell.is_empty() {
                continue;
            }
            // A cell over several lines of a file written on Windows.
            let cell = match cell.contains('\r') {
                true => std::borrow::Cow::Owned(cell.replace("\r\n", "\n")),
                false => std::borrow::Cow::Borrowed(cell),
            };
            let cell = cell.as_ref();
            match target {
                Target::Field("items") => {
                    let items = serde_json::from_str::<Value>(cell)
                        .unwrap_or_else(|_| Value::String(cell.to_owned()));
                    object.insert("items".into(), items);
                }
                Target::Field(field) => {
                    object.insert((*field).to_owned(), Value::String(cell.to_owned()));
                }
                Target::Attribute(key) => {
                    attributes.insert(key.clone(), Value::String(cell.to_owned()));
                }
            }
        }
        if !attributes.is_empty() {
            object.insert("attributes".into(), Value::Object(attributes));
        }
        Value::Object(object)
    }
}

fn problem(field: &str, reason: String) -> Problem {
    Problem {
        field: field.to_owned(),
        reason,
    }
}

/// Why the record parser would refuse this custom attribute key, asked of the parser itself.
fn attribute_key_problem(key: &str, ctx: &Context) -> Option<String> {
    attributes_problem(&[key.to_owned()], ctx)
}

/// Why the record parser would refuse these custom attributes together (too many, a bad key).
fn attributes_problem(keys: &[String], ctx: &Context) -> Option<String> {
    let attributes: Map<String, Value> = keys
        .iter()
        .map(|k| (k.clone(), Value::String("x".into())))
        .collect();
    let probe = serde_json::json!({"external_id": "x", "name": "x", "attributes": attributes});
    let raw = serde_json::value::to_raw_value(&probe).ok()?;
    let mut row = Row::new(0);
    let _ = NewCustomer::parse(&mut row, &raw, ctx);
    row.into_errors()
        .into_iter()
        .find(|e| e.field == "attributes")
        .map(|e| e.reason)
}

/// Reads the CSV, validates each row with the record parser and hands valid rows over in batches. Runs
/// on a blocking thread; stops when the publisher stops listening.
fn parse<T: Record + Serialize>(
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
fn parse_row<T: Record>(
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

fn batch_event<T: Serialize>(
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

#[cfg(test)]
mod tests {
    use super::*;
    use minicrm_domain::Currency;

    fn ctx() -> Context {
        Context {
            now: Timestamp::parse("2025-06-01T00:00:00Z").unwrap(),
            currency: Currency::INR,
        }
    }

    fn header(names: &[&str]) -> csv::ByteRecord {
        csv::ByteRecord::from(names.to_vec())
    }

    fn fields(e: ApiError) -> Vec<String> {
        match e {
            ApiError::Invalid(problems) => problems.into_iter().map(|p| p.field).collect(),
            other => panic!("expected a 422, got {other:?}"),
        }
    }

    #[test]
    fn headers_match_trimmed_and_case_insensitively() {
        let h = header(&[
            " External_ID ",
            "NAME",
            "Email",
            "attributes.tier",
            "segment",
        ]);
        let c = Columns::new(RecordKind::Customers, &h, &ctx()).unwrap();
        assert_eq!(
            c.targets,
            vec![
                Target::Field("external_id"),
                Target::Field("name"),
                Target::Field("email"),
                Target::Attribute("tier".into()),
                Target::Attribute("segment".into()),
            ]
        );
        let object = c.object(&["C1", "Asha", "", " gold ", "vip"]);
        assert_eq!(
            object,
            serde_json::json!({"external_id": "C1", "name": "Asha", "attributes": {"tier": "gold", "segment": "vip"}})
        );
    }

    #[test]
    fn bad_headers_are_named() {
        let e = Columns::new(
            RecordKind::Customers,
            &header(&["external_id", "email"]),
            &ctx(),
        );
        assert_eq!(fields(e.unwrap_err()), vec!["name"]);
        let e = Columns::new(
            RecordKind::Customers,
            &header(&["external_id", "name", "Name"]),
            &ctx(),
        );
        assert_eq!(fields(e.unwrap_err()), vec!["Name"]);
        let e = Columns::new(
            RecordKind::Customers,
            &header(&["external_id", "name", "loyalty tier"]),
            &ctx(),
        );
        assert_eq!(fields(e.unwrap_err()), vec!["loyalty tier"]);
        let e = Columns::new(
            RecordKind::Orders,
            &header(&["external_id", "amount", "colour"]),
            &ctx(),
        );
        assert_eq!(
            fields(e.unwrap_err()),
            vec!["colour", "customer_external_id", "ordered_at"]
        );
        let many: Vec<String> = (0..51).map(|i| format!("a{i}")).collect();
        let mut names = vec!["external_id", "name"];
        names.extend(many.iter().map(String::as_str));
        let e = Columns::new(RecordKind::Customers, &header(&names), &ctx());
        assert_eq!(fields(e.unwrap_err()), vec!["attributes"]);
    }

    #[test]
    fn rows_go_through_the_record_parser() {
        let c = Columns::new(
            RecordKind::Orders,
            &header(&[
                "external_id",
                "customer_external_id",
                "amount",
                "ordered_at",
                "items",
            ]),
            &ctx(),
        )
        .unwrap();
        let items = r#"[{"sku":"K1","name":"Kurta","quantity":2,"price":100}]"#;
        let order: NewOrder = parse_row(
            &c.object(&["O1", "C1", "200", "2025-01-01T00:00:00Z", items]),
            &ctx(),
        )
        .unwrap();
        assert_eq!(order.items.len(), 1);
        let errors = parse_row::<NewOrder>(
            &c.object(&["O1", "C1", "1.234", "yesterday", "nope"]),
            &ctx(),
        )
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["amount", "ordered_at", "items"]);
    }

    /// Runs the reader over `file` in chunks of `chunk` bytes and gives its events.
    fn read(file: &[u8], chunk: usize) -> Vec<Event> {
        read_with(file, chunk, MAX_ROW_BYTES)
    }

    fn read_with(file: &[u8], chunk: usize, max_row: u64) -> Vec<Event> {
        let (chunks_tx, chunks_rx) = mpsc::channel(file.len() / chunk + 2);
        for c in file.chunks(chunk) {
            chunks_tx.try_send(Ok(Bytes::copy_from_slice(c))).unwrap();
        }
        drop(chunks_tx);
        let (events_tx, mut events_rx) = mpsc::channel(1);
        let mut reader = BodyReader::new(chunks_rx);
        reader.max_row = max_row;
        let parser = std::thread::spawn(move || {
            parse::<NewCustomer>(
                reader,
                RecordKind::Customers,
                ctx(),
                "q",
                "key".into(),
                events_tx,
            )
        });
        let mut events = Vec::new();
        while let Some(event) = events_rx.blocking_recv() {
            events.push(event);
        }
        parser.join().unwrap();
        events
    }

    fn done(events: &[Event]) -> (Tally, Vec<(i64, Option<String>, String)>) {
        let mut all = Vec::new();
        for event in events {
            match event {
                Event::Batch(b) => all.extend(b.errors.iter().cloned()),
                Event::Done { tally, errors } => {
                    all.extend(errors.iter().cloned());
                    let list = all
                        .into_iter()
                        .map(|e| (e.line, e.field, e.reason))
                        .collect();
                    return (*tally, list);
                }
                Event::Refused(e) => panic!("refused: {e}"),
                Event::Unreadable(e) => panic!("unreadable: {e}"),
            }
        }
        panic!("no end")
    }

    #[test]
    fn rows_are_counted_by_line_whatever_the_chunks() {
        let file = b"\xef\xbb\xbfexternal_id,name\r\nC1,A\r\n\r\n\"C2\",\"B\nwith a newline\"\nC3,C,extra\nC4,\n\"C5,E\nC6,F\nC7,G\n";
        for chunk in [1, 3, 64, 4096] {
            let events = read(file, chunk);
            let (tally, errors) = done(&events);
            assert_eq!(
                (tally.rows_total, tally.rows_valid, tally.rows_rejected),
                (5, 2, 3),
                "chunks of {chunk}"
            );
            assert_eq!(
                errors,
                vec![
                    (6, None, "the row has 3 fields; the header has 2".to_owned()),
                    (7, Some("name".to_owned()), "is required".to_owned()),
                    (
                        8,
                        None,
                        "the row has 1 field; the header has 2 (it runs to the end of the file: is a quote left open?)".to_owned()
                    ),
                ],
                "chunks of {chunk}"
            );
            let Event::Batch(batch) = &events[0] else {
                panic!("a batch first")
            };
            assert_eq!((batch.rows, batch.first_line, batch.last_line), (2, 2, 4));
        }
    }

    /// Found by fuzzing: a quote left open whose last cell ends with an escaped quote and a newline
    /// (`""` then `\n` at the end of the file) was taken for a closed cell and its row put on the
    /// header's line.
    #[test]
    fn an_escaped_quote_before_the_last_newline_leaves_the_quote_open() {
        let open = b"external_id,name\nC1,x,\"a\n\"\"\n";
        let closed = b"external_id,name\nC1,\"a\n\"\nC2,x,\"b\n\"\n";
        for chunk in [1, 2, 4096] {
            let (_, errors) = done(&read(open, chunk));
            let expected = "the row has 3 fields; the header has 2 (it runs to the end of the file: is a quote left open?)";
            assert_eq!(
                errors,
                vec![(2, None, expected.to_owned())],
                "chunks of {chunk}"
            );
            let (_, errors) = done(&read(closed, chunk));
            let expected = "the row has 3 fields; the header has 2 (it runs over lines 4–5: is a quote left open?)";
            assert_eq!(
                errors,
                vec![(4, None, expected.to_owned())],
                "chunks of {chunk}"
            );
        }
    }

    /// Found by fuzzing: with a second byte order mark in a chunk of its own, the CSV reader took the
    /// file for empty; whole, the same file was read.
    #[test]
    fn every_leading_byte_order_mark_is_dropped_whatever_the_chunks() {
        let file = b"\xef\xbb\xbf\xef\xbb\xbfexternal_id,name\nC1,A\n";
        for chunk in [1, 3, 6, 4096] {
            let (tally, errors) = done(&read(file, chunk));
            assert_eq!(
                (tally.rows_valid, errors.len()),
                (1, 0),
                "chunks of {chunk}"
            );
        }
    }

    #[test]
    fn a_quote_left_open_in_a_large_file_stops_it_at_the_row_limit() {
        let mut file = String::from("external_id,name\nC1,A\n\"C2,B\n");
        for i in 0..2000 {
            file.push_str(&format!("C{i},Name {i}\n"));
        }
        let events = read_with(file.as_bytes(), 512, 4096);
        match events.last() {
            Some(Event::Unreadable(ReadFailure::RowTooLong {
                line: 3,
                limit: 4096,
            })) => {}
            Some(Event::Unreadable(other)) => panic!("unexpected: {other}"),
            _ => panic!("the reader went on"),
        }
    }

    #[test]
    fn valid_rows_go_out_in_batches_of_a_thousand() {
        let mut file = String::from("external_id,name\n");
        for i in 0..2500 {
            file.push_str(&format!("C{i},Name {i}\n"));
        }
        // The row limit is per row, whatever the file's size.
        let events = read_with(file.as_bytes(), 8192, 4096);
        let batches: Vec<_> = events
            .iter()
            .filter_map(|e| match e {
                Event::Batch(b) => Some((b.rows, b.first_line, b.last_line, b.tally.rows_total)),
                _ => None,
            })
            .collect();
        assert_eq!(
            batches,
            vec![
                (1000, 2, 1001, 1000),
                (1000, 1002, 2001, 2000),
                (500, 2002, 2501, 2500)
            ]
        );
        assert_eq!(done(&events).0.rows_valid, 2500);
    }

    #[test]
    fn file_names_come_from_the_query_or_content_disposition() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"a b.csv\"".parse().unwrap(),
        );
        assert_eq!(disposition_file_name(&headers).as_deref(), Some("a b.csv"));
        headers.insert(
            header::CONTENT_DISPOSITION,
            "attachment; filename=x.csv; filename*=UTF-8''%E0%A4%95.csv"
                .parse()
                .unwrap(),
        );
        assert_eq!(disposition_file_name(&headers).as_deref(), Some("क.csv"));
        assert_eq!(
            clean_file_name("C:\\Users\\me\\shop.csv").as_deref(),
            Some("shop.csv")
        );
        assert_eq!(clean_file_name(" \u{7} ").as_deref(), None);
    }
}
