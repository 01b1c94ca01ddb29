//! What the API shows of an import: its counts, its row errors and the progress of its ingestions.

use crate::output::{iso, iso_opt};
use crate::{ApiError, AppState};
use minicrm_domain::{ImportStatus as Stored, RecordKind};
use minicrm_store::imports::{self, ImportError, ImportRow, MAX_ERRORS};
use serde::Serialize;
use utoipa::ToSchema;

/// A CSV import and its progress.
#[derive(Serialize, ToSchema)]
pub(super) struct ImportOut {
    id: String,
    kind: RecordKind,
    /// `receiving`, `accepted` (every batch published), `completed` (every batch's ingestion
    /// completed) or `failed` (stopped midway; `failure` says why and `rows_accepted` what was taken).
    #[schema(value_type = ImportStatus)]
    status: &'static str,
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
    pub(super) fn new(
        row: ImportRow,
        progress: imports::Progress,
        errors: Option<Vec<ImportError>>,
        ingestion_ids: Option<Vec<String>>,
    ) -> Self {
        let completed =
            row.status == Stored::Accepted && progress.batches_completed == progress.batches;
        Self {
            id: row.id,
            kind: row.kind,
            status: if completed {
                "completed"
            } else {
                row.status.as_str()
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
pub(super) async fn load(state: &AppState, id: &str) -> Result<ImportOut, ApiError> {
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
