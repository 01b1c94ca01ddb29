//! Handing an accepted batch to the bus: its message, the ingestion recorded with it, and the 202.

use crate::{ApiError, AppState};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use minicrm_bus::ingestions;
use minicrm_bus::Envelope;
use minicrm_domain::ingest::BatchOut;
use minicrm_store::ingestions::NewIngestion;
use serde::Serialize;

/// What the answer to an accepted batch says.
#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct Accepted {
    /// Records taken.
    accepted: usize,
    /// Where to follow the batch: `GET /api/v1/ingestions/{ingestion_id}`.
    ingestion_id: String,
    /// True when an earlier request under the same `Idempotency-Key` was taken already.
    replayed: bool,
}

/// The message of an accepted batch: its records, already validated, under the ingestion's id.
pub(crate) fn batch_envelope<T: Serialize>(
    ingestion_id: String,
    queue: &'static str,
    api_key_id: Option<String>,
    request_hash: Option<String>,
    records: Vec<T>,
) -> Result<Envelope, ApiError> {
    let batch = BatchOut {
        ingestion_id: &ingestion_id,
        api_key_id: api_key_id.as_deref(),
        request_hash: request_hash.as_deref(),
        records,
    };
    let envelope = Envelope::with_id(ingestion_id.clone(), queue, 1, &batch);
    Ok(envelope.map_err(anyhow::Error::from)?)
}

/// Records an ingestion and publishes its batch durably (where the record lives is
/// `minicrm_bus::ingestions`' decision); says whether the ingestion is new (`false`: a concurrent retry
/// under the same idempotency key got here first and published it). A bus that cannot take the batch
/// is a 503: nothing was accepted.
/// A batch the bus did not take: nothing was accepted (503); a store error is what it is.
pub(super) fn refused(e: ingestions::AcceptError) -> ApiError {
    match e {
        ingestions::AcceptError::Bus(e) => {
            ApiError::Unavailable(format!("the batch was not accepted, send it again: {e}"))
        }
        ingestions::AcceptError::Store(e) => e.into(),
    }
}

pub(crate) async fn publish(
    state: &AppState,
    record: &NewIngestion<'_>,
    queue: &'static str,
    envelope: &Envelope,
) -> Result<bool, ApiError> {
    let fresh = ingestions::accept(state.bus.as_ref(), &state.db, record, queue, envelope)
        .await
        .map_err(refused)?;
    if fresh {
        minicrm_metrics::ingest::accepted(record.kind.as_str(), record.accepted);
    }
    Ok(fresh)
}

/// The 202 for an accepted batch; `Idempotent-Replayed: true` when an earlier request under the same
/// idempotency key was taken already.
pub(super) fn accepted(count: usize, ingestion_id: &str, replayed: bool) -> Response {
    let location = format!("/api/v1/ingestions/{ingestion_id}");
    let body = Json(Accepted {
        accepted: count,
        ingestion_id: ingestion_id.to_owned(),
        replayed,
    });
    let mut response = (StatusCode::ACCEPTED, [(header::LOCATION, location)], body).into_response();
    if replayed {
        response.headers_mut().insert(
            "idempotent-replayed",
            header::HeaderValue::from_static("true"),
        );
    }
    response
}
