//! `JsonBody`: the raw bytes of a JSON request body, refused early when the content type is wrong or the
//! body exceeds the configured limit. Parsing happens in the domain, row by row.

use crate::{ApiError, AppState};
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;

pub struct JsonBody(pub Bytes);

impl FromRequest<AppState> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let essence = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if essence != "application/json" && !essence.ends_with("+json") {
            return Err(ApiError::UnsupportedMediaType);
        }
        let limit = state.settings.max_body_bytes;
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
        if declared.is_some_and(|n| n > limit) {
            return Err(ApiError::TooLarge(limit));
        }
        axum::body::to_bytes(req.into_body(), limit)
            .await
            .map(JsonBody)
            .map_err(|_| ApiError::TooLarge(limit))
    }
}

impl JsonBody {
    /// The body as one JSON value, for small request objects the handler reads field by field.
    pub fn value(&self) -> Result<serde_json::Value, ApiError> {
        json(&self.0)
    }
}

/// `bytes` as one JSON value; not JSON is a 400 that says why.
pub fn json(bytes: &[u8]) -> Result<serde_json::Value, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| ApiError::BadRequest {
        detail: format!("the body is not valid JSON: {e}"),
        field: None,
    })
}
