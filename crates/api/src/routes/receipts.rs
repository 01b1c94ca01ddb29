//! Vendor receipts: `POST /receipts`, public because the vendor's HMAC signature over the timestamp
//! and body is the credential; checked, then queued for the receipt consumer.

use crate::body::JsonBody;
use crate::openapi::{examples, BadRequest, ServiceUnavailable, Unauthorized};
use crate::{ApiError, AppState};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use minicrm_bus::{queues, Envelope};
use minicrm_domain::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

/// Needs no session or key: the signature is the credential.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(receipts))
}

/// The body of a receipts callback: one receipt or a list (the vendor sends lists).
#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum ReceiptsIn {
    One(minicrm_vendor::Receipt),
    Many(Vec<minicrm_vendor::Receipt>),
}

/// What the answer to taken receipts says.
#[derive(Serialize, ToSchema)]
struct ReceiptsAccepted {
    /// Receipts queued.
    accepted: usize,
}

/// The `minicrm-signature` header of a receipt.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)]
struct Signature {
    /// `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" under the shared secret>`; at most
    /// five minutes old.
    #[param(rename = "minicrm-signature")]
    signature: String,
}

/// Take delivery receipts from the vendor.
///
/// Vendor receipts: the signature over the timestamp and body must match and be fresh; then the
/// receipts are queued for the receipt consumer and the vendor gets 202. Public: the signature is
/// the credential.
#[utoipa::path(post, path = "/receipts", tag = "receipts", operation_id = "receive_receipts",
    params(Signature),
    request_body(content = ReceiptsIn, content_type = "application/json", example = examples::receipts),
    responses(
        (status = 202, description = "The receipts are queued.", body = ReceiptsAccepted),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 503, response = ServiceUnavailable),
    ))]
async fn receipts(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let signature = headers
        .get(minicrm_vendor::SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .ok_or(ApiError::BadSignature(
            "the minicrm-signature header is missing".into(),
        ))?;
    let now = Timestamp::now();
    minicrm_vendor::verify(
        &state.settings.receipt_secret,
        signature,
        &body,
        now.millis() / 1000,
        state.settings.receipt_max_age,
    )
    .map_err(|e| ApiError::BadSignature(e.to_string()))?;
    let receipts: Vec<minicrm_vendor::Receipt> = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Array(_)) => serde_json::from_slice(&body),
        Ok(_) => serde_json::from_slice::<minicrm_vendor::Receipt>(&body).map(|r| vec![r]),
        Err(e) => Err(e),
    }
    .map_err(|e| {
        ApiError::bad_field(
            "receipts",
            format!("not a receipt or a list of receipts: {e}"),
        )
    })?;
    let count = receipts.len();
    let envelope =
        Envelope::new(queues::DELIVERY_RECEIPTS, 1, &receipts).map_err(anyhow::Error::from)?;
    state
        .bus
        .publish(queues::DELIVERY_RECEIPTS, &envelope)
        .await
        .map_err(|e| {
            ApiError::Unavailable(format!("the receipts were not taken, send them again: {e}"))
        })?;
    Ok((
        StatusCode::ACCEPTED,
        Json(ReceiptsAccepted { accepted: count }),
    )
        .into_response())
}
