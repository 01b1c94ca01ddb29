//! The `Idempotency-Key` header: what makes a retry safe. A key maps to one ingestion id, and a batch
//! sent again under it is answered as before (a different body, a 409).

use super::status::find_ingestion;
use crate::{ApiError, AppState};
use axum::http::HeaderMap;
use minicrm_domain::RecordKind;
use minicrm_store::ingestions::IngestionRow;

const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// The optional header that makes a retry safe.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)]
pub(super) struct IdempotencyKey {
    /// Makes a retry safe: the same key with the same body is the same ingestion (answered again,
    /// never applied twice); with another body, a 409. 1 to 255 visible ASCII characters.
    #[param(
        rename = "Idempotency-Key",
        value_type = String,
        required = false,
        min_length = 1,
        max_length = 255,
        pattern = "^[!-~]+$"
    )]
    idempotency_key: Option<String>,
}

/// The optional `Idempotency-Key` header: 1 to 255 visible ASCII characters.
pub(super) fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get(IDEMPOTENCY_KEY) else {
        return Ok(None);
    };
    match value.to_str() {
        Ok(key) if (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic()) => {
            Ok(Some(key.to_owned()))
        }
        _ => Err(ApiError::bad_field(
            "Idempotency-Key",
            "the Idempotency-Key header must be 1 to 255 visible ASCII characters",
        )),
    }
}

/// Ingestion ids under an idempotency key are UUIDv5 in this namespace, over the API key, the kind and
/// the client's key: a retry maps to the same ingestion and the same message id, which consumers apply
/// once.
const IDEMPOTENCY_NAMESPACE: uuid::Uuid = uuid::uuid!("5b0f6c8e-2d7a-4b39-9a51-3f0c1e8d7a24");

pub(super) fn keyed_ingestion_id(api_key_id: &str, kind: RecordKind, key: &str) -> String {
    let name = format!("{api_key_id}\n{}\n{key}", kind.as_str());
    uuid::Uuid::new_v5(&IDEMPOTENCY_NAMESPACE, name.as_bytes()).to_string()
}

/// The ingestion an earlier request under the same idempotency key made, if any; a different body under
/// the same key is a conflict.
pub(super) async fn earlier_attempt(
    state: &AppState,
    id: &str,
    hash: &str,
) -> Result<Option<IngestionRow>, ApiError> {
    match find_ingestion(state, id).await {
        Ok(row) if row.request_hash.as_deref() == Some(hash) => Ok(Some(row)),
        Ok(_) => Err(ApiError::Conflict(
            "this Idempotency-Key was used before with a different body; use a new key for a new batch"
                .into(),
        )),
        Err(ApiError::NotFound(_)) => Ok(None),
        Err(e) => Err(e),
    }
}
