//! `GET /ingestions/{id}`: what became of an accepted batch.

use crate::openapi::{Forbidden, NotFound};
use crate::params::ApiPath;
use crate::{ApiError, AppState, Caller};
use axum::extract::State;
use axum::Json;
use minicrm_bus::ingestions;
use minicrm_domain::{IngestionStatus, RecordKind, Scope};
use minicrm_store::ingestions::IngestionRow;
use serde::Serialize;

/// What became of an accepted batch.
#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct IngestionOut {
    id: String,
    kind: RecordKind,
    /// `queued` until a consumer has processed the batch, `pending` while some of its orders wait for
    /// their customer, `completed` when every record is persisted, unchanged or rejected, `failed`
    /// when it never reached the queue.
    status: IngestionStatus,
    /// Records taken.
    accepted: i64,
    /// Records written (new or changed).
    persisted: i64,
    /// Records that changed nothing (an older or identical version).
    unchanged: i64,
    /// Records not yet applied.
    pending: i64,
    /// Records the consumer refused; `rejections` says why.
    rejected: i64,
    /// The first 1,000 refused records.
    rejections: Vec<RejectionOut>,
    #[schema(format = DateTime)]
    created_at: String,
    #[schema(format = DateTime)]
    processed_at: Option<String>,
    #[schema(format = DateTime)]
    completed_at: Option<String>,
}

/// A record the consumer refused.
#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct RejectionOut {
    /// Its position in the batch.
    index: i64,
    external_id: String,
    reason: String,
    #[schema(format = DateTime)]
    rejected_at: String,
}

/// An ingestion from the data database or, while its message still waits, from the bus's outbox. The
/// outbox forgets it only after the data database has it, so a miss in both means a look at the data
/// database once more.
pub(super) async fn find_ingestion(state: &AppState, id: &str) -> Result<IngestionRow, ApiError> {
    ingestions::find(state.bus.as_ref(), &state.db, id)
        .await
        .map_err(|e| match e {
            minicrm_store::StoreError::NotFound => ApiError::NotFound(format!("ingestion '{id}'")),
            other => other.into(),
        })
}

/// What became of a batch.
///
/// What became of an accepted batch: persisted, unchanged, pending and rejected records, and why.
/// Needs the `read` or `ingest` scope.
#[utoipa::path(get, path = "/ingestions/{id}", tag = "ingestion", operation_id = "read_ingestion",
    params(("id" = String, Path, description = "The `ingestion_id` of the 202.")),
    responses(
        (status = 200, description = "The ingestion.", body = IngestionOut),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
pub(super) async fn ingestion(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<IngestionOut>, ApiError> {
    caller.require_any(&[Scope::Read, Scope::Ingest])?;
    let row = find_ingestion(&state, &id).await?;
    let rejections = minicrm_store::ingestions::rejections(&state.db, &id, 1000).await?;
    let time = crate::output::iso;
    Ok(Json(IngestionOut {
        rejections: rejections
            .into_iter()
            .map(|r| RejectionOut {
                index: r.row_index,
                external_id: r.external_id,
                reason: r.reason,
                rejected_at: time(r.rejected_at),
            })
            .collect(),
        id: row.id,
        kind: row.kind,
        status: row.status,
        accepted: row.accepted,
        persisted: row.persisted,
        unchanged: row.unchanged,
        pending: row.pending,
        rejected: row.rejected,
        created_at: time(row.created_at),
        processed_at: row.processed_at.map(time),
        completed_at: row.completed_at.map(time),
    }))
}
