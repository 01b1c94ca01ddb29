//! Request bodies, read within a limit sized to the route and refused early: a wrong content type, a
//! declared or actual length over the limit, or a text holding a NUL character (`\u0000`, which
//! PostgreSQL can store in neither text nor JSON). What a body may cost is bounded twice: by its route's
//! limit, and — for bodies over [`LARGE_BODY_BYTES`] — by [`BodyGate`], which lets only a few of them be
//! read and parsed at once. Parsing happens in the domain, row by row.

mod nul;

use crate::{ApiError, AppState};
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderMap};
use futures::StreamExt;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The most a JSON object that a handler reads field by field may weigh (a campaign, rules, a prompt).
pub const SMALL_JSON_BYTES: usize = 1024 * 1024;

/// Bodies larger than this wait for a place at the [`BodyGate`] before they are read further.
pub const LARGE_BODY_BYTES: usize = 1024 * 1024;

/// A small JSON object (up to [`SMALL_JSON_BYTES`]), for handlers that read it field by field.
pub struct JsonBody(pub Bytes);

/// A batch of records (up to the configured `max_body_bytes`), with its place at the gate, held until
/// the batch is parsed and handed on.
pub struct BatchBody {
    pub bytes: Bytes,
    pub place: Option<OwnedSemaphorePermit>,
}

impl FromRequest<AppState> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        require_json(req.headers())?;
        let body = read(req, SMALL_JSON_BYTES, &state.bodies).await?;
        refuse_nul(&body.bytes)?;
        Ok(JsonBody(body.bytes))
    }
}

impl FromRequest<AppState> for BatchBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        require_json(req.headers())?;
        let body = read(req, state.settings.max_body_bytes, &state.bodies).await?;
        refuse_nul(&body.bytes)?;
        Ok(body)
    }
}

/// `application/json` or any `+json` type, or a 415.
pub fn require_json(headers: &HeaderMap) -> Result<(), ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match essence == "application/json" || essence.ends_with("+json") {
        true => Ok(()),
        false => Err(ApiError::UnsupportedMediaType),
    }
}

/// How many large bodies may be read and parsed at once, and how long one waits for its turn.
pub struct BodyGate {
    places: std::sync::Arc<Semaphore>,
    wait: Duration,
}

impl BodyGate {
    pub fn new(places: usize, wait: Duration) -> Self {
        Self {
            places: std::sync::Arc::new(Semaphore::new(places.max(1))),
            wait,
        }
    }

    /// A place for one large body; a 503 (send it again) when none frees up in time.
    async fn enter(&self) -> Result<OwnedSemaphorePermit, ApiError> {
        let acquire = self.places.clone().acquire_owned();
        match tokio::time::timeout(self.wait, acquire).await {
            Ok(Ok(place)) => Ok(place),
            _ => Err(ApiError::Unavailable(
                "the server is reading as many large requests as it takes at once; send it again"
                    .into(),
            )),
        }
    }
}

/// The declared `Content-Length`, if it is a number.
fn declared_length(headers: &HeaderMap) -> Option<usize> {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok())
}

/// Reads a body of at most `limit` bytes into one buffer, sized from its declared length so that it is
/// never copied whole: refused at once when the declared length is over the limit, and as soon as the
/// bytes that arrive pass it. A body past [`LARGE_BODY_BYTES`] takes a place at the gate first.
pub async fn read(req: Request, limit: usize, gate: &BodyGate) -> Result<BatchBody, ApiError> {
    let declared = declared_length(req.headers());
    if declared.is_some_and(|n| n > limit) {
        return Err(ApiError::TooLarge(limit));
    }
    let mut place = match declared {
        Some(n) if n > LARGE_BODY_BYTES => Some(gate.enter().await?),
        _ => None,
    };
    let mut buffer = Vec::with_capacity(declared.unwrap_or(0));
    let mut chunks = Body::into_data_stream(req.into_body());
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|e| ApiError::BadRequest {
            detail: format!("the body could not be read: {e}"),
            field: None,
        })?;
        let total = buffer.len() + chunk.len();
        if total > limit {
            return Err(ApiError::TooLarge(limit));
        }
        if total > LARGE_BODY_BYTES && place.is_none() {
            place = Some(gate.enter().await?);
        }
        buffer.extend_from_slice(&chunk);
    }
    Ok(BatchBody {
        bytes: Bytes::from(buffer),
        place,
    })
}

/// Refuses a body with a NUL character in a text or a key, naming its JSON pointer. NUL can only be
/// written as the escape `\u0000` in JSON, so most bodies are passed by a scan of their bytes; the rest
/// are walked token by token, never built into a tree.
pub fn refuse_nul(bytes: &[u8]) -> Result<(), ApiError> {
    if !bytes.windows(6).any(|w| w == b"\\u0000") {
        return Ok(());
    }
    match nul::pointer(bytes) {
        Some(pointer) if pointer.is_empty() => Err(crate::params::nul_in("the body")),
        Some(pointer) => Err(crate::params::nul_in(&pointer)),
        // Not JSON, or no NUL in a text: the handler says what is wrong, if anything.
        None => Ok(()),
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

#[cfg(test)]
mod tests;
