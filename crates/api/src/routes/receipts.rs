//! Vendor receipts: `POST /receipts`, public because the vendor's HMAC signature over the timestamp
//! and body is the credential. The body is read within what a callback can weigh, its signature is
//! checked on the raw bytes, and only then is it parsed (at most 500 receipts) and queued for the
//! receipt consumer.

use crate::body;
use crate::openapi::{examples, BadRequest, PayloadTooLarge, ServiceUnavailable, Unauthorized};
use crate::{ApiError, AppState};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use minicrm_bus::{queues, Envelope};
use minicrm_domain::ingest::capped;
use minicrm_domain::Timestamp;
use minicrm_messaging::{Receipt, MAX_RECEIPTS_PER_CALLBACK};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

/// The largest receipt callback: 500 receipts of a few hundred bytes each, with room to spare.
const RECEIPTS_BODY_BYTES: usize = 256 * 1024;

/// Needs no session or key: the signature is the credential.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(receipts))
}

/// The body of a receipts callback: one receipt or a list of at most 500 (the vendor sends lists).
#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum ReceiptsIn {
    One(Receipt),
    /// At most 500.
    Many(Vec<Receipt>),
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
        (status = 413, response = PayloadTooLarge),
        (status = 503, response = ServiceUnavailable),
    ))]
async fn receipts(State(state): State<AppState>, request: Request) -> Result<Response, ApiError> {
    let signature = signature_of(request.headers())?;
    body::require_json(request.headers())?;
    let body = body::read(request, RECEIPTS_BODY_BYTES, &state.bodies)
        .await?
        .bytes;
    // The signature is checked on the bytes as they came, before anything reads them as JSON.
    minicrm_messaging::verify(
        secrecy::ExposeSecret::expose_secret(&state.settings.receipt_secret),
        &signature,
        &body,
        Timestamp::now().millis() / 1000,
        state.settings.receipt_max_age,
    )
    .map_err(|e| ApiError::BadSignature(e.to_string()))?;
    body::refuse_nul(&body)?;
    let receipts = parse(&body)?;
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

/// The signature header, required before the body is read.
fn signature_of(headers: &HeaderMap) -> Result<String, ApiError> {
    headers
        .get(minicrm_messaging::SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .ok_or(ApiError::BadSignature(
            "the minicrm-signature header is missing".into(),
        ))
}

/// One receipt or a list of at most `MAX_RECEIPTS_PER_CALLBACK`; past that they are counted, not read.
fn parse(body: &[u8]) -> Result<Vec<Receipt>, ApiError> {
    let text = std::str::from_utf8(body)
        .map_err(|_| ApiError::bad_field("receipts", "the body is not UTF-8"))?;
    let bad = |field: String, e: serde_json::Error| {
        ApiError::bad_field(&field, format!("not a receipt or a list of receipts: {e}"))
    };
    if !text.trim_start().starts_with('[') {
        let one: Receipt = serde_json::from_str(text).map_err(|e| bad("receipts".into(), e))?;
        check(&one, "receipts")?;
        return Ok(vec![one]);
    }
    let list =
        capped::list(text, MAX_RECEIPTS_PER_CALLBACK).map_err(|e| bad("receipts".into(), e))?;
    if list.over() {
        return Err(ApiError::TooManyItems {
            field: "receipts",
            detail: format!(
                "a callback carries at most {MAX_RECEIPTS_PER_CALLBACK} receipts; this one has {}",
                list.total
            ),
        });
    }
    let mut receipts = Vec::with_capacity(list.kept.len());
    for (i, raw) in list.kept.into_iter().enumerate() {
        let field = format!("receipts[{i}]");
        let receipt: Receipt =
            serde_json::from_str(raw.get()).map_err(|e| bad(field.clone(), e))?;
        check(&receipt, &field)?;
        receipts.push(receipt);
    }
    Ok(receipts)
}

/// The texts of a receipt are ids of ours and the vendor's: short, printable.
fn check(receipt: &Receipt, field: &str) -> Result<(), ApiError> {
    let texts = [
        ("id", &receipt.id),
        ("message_id", &receipt.message_id),
        ("reference", &receipt.reference),
        ("occurred_at", &receipt.occurred_at),
    ];
    for (name, text) in texts {
        if text.is_empty() || text.len() > 200 || text.chars().any(char::is_control) {
            return Err(ApiError::bad_field(
                &format!("{field}.{name}"),
                "must be 1 to 200 printable characters",
            ));
        }
    }
    Ok(())
}
