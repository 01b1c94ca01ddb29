//! The HTTP face of the simulator: routes, the fault and authentication guard, error answers.

use crate::{Counters, Vendor, BODY_LIMIT};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use minicrm_messaging::MAX_BATCH;
use minicrm_messaging::{BatchAccepted, BatchRequest, ErrorBody, OutboundMessage};
use serde::de::DeserializeOwned;

/// The longest `reference` accepted, in bytes.
const MAX_REFERENCE_LEN: usize = 256;

pub(crate) fn router(vendor: Vendor) -> Router {
    // The counters need the key too (they tell what a deployment sent), but no simulated fault, so
    // that a test can read them in the middle of an outage.
    let stats = Router::new()
        .route("/v1/stats", get(stats))
        .route_layer(middleware::from_fn_with_state(vendor.clone(), require_key));
    Router::new()
        .route("/v1/messages", post(send_one))
        .route("/v1/messages/batch", post(send_batch))
        .route_layer(middleware::from_fn_with_state(vendor.clone(), guard))
        .merge(stats)
        .route("/healthz", get(healthz))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(vendor)
}

/// An error answer: a status and an [`ErrorBody`].
#[derive(Debug)]
struct Problem {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl Problem {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: self.code.to_owned(),
            message: self.message,
        };
        (self.status, Json(body)).into_response()
    }
}

fn error(status: StatusCode, code: &'static str, message: impl Into<String>) -> Response {
    Problem::new(status, code, message).into_response()
}

/// Simulated faults first (outage, then rate limit), then the bearer key.
async fn guard(State(vendor): State<Vendor>, request: Request, next: Next) -> Response {
    let inner = &vendor.inner;
    if let Some(remaining) = inner.outage_remaining() {
        Counters::add(&inner.counters.outage_refused, 1);
        let mut response = error(
            StatusCode::SERVICE_UNAVAILABLE,
            "outage",
            "the service is temporarily unavailable; try again later",
        );
        let seconds = remaining.as_secs() + u64::from(remaining.subsec_nanos() > 0);
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
        return response;
    }
    if inner.rate_limited() {
        Counters::add(&inner.counters.rate_limited, 1);
        let mut response = error(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "too many requests; retry after the number of seconds in Retry-After",
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return response;
    }
    require_key(State(vendor), request, next).await
}

/// The bearer key, and nothing else.
async fn require_key(State(vendor): State<Vendor>, request: Request, next: Next) -> Response {
    if !authorized(
        request.headers(),
        secrecy::ExposeSecret::expose_secret(&vendor.inner.config.api_key),
    ) {
        let mut response = error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "send a valid API key as 'Authorization: Bearer <key>'",
        );
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return response;
    }
    next.run(request).await
}

fn authorized(headers: &HeaderMap, api_key: &str) -> bool {
    let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let Some((scheme, token)) = value.split_once(' ') else {
        return false;
    };
    scheme.eq_ignore_ascii_case("bearer")
        && constant_time_eq(token.trim().as_bytes(), api_key.as_bytes())
}

/// Compares without an early exit, so that the time taken does not reveal how much of a key matched.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Reads and parses a JSON body, or answers why it cannot.
fn parse<T: DeserializeOwned>(
    body: Result<Bytes, BytesRejection>,
    what: &str,
) -> Result<T, Problem> {
    let body = body.map_err(|rejection| {
        let status = rejection.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            Problem::new(
                status,
                "body_too_large",
                format!("the body is larger than {BODY_LIMIT} bytes"),
            )
        } else {
            Problem::new(status, "unreadable_body", rejection.body_text())
        }
    })?;
    serde_json::from_slice(&body).map_err(|e| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_json",
            format!("the body is not a valid {what}: {e}"),
        )
    })
}

/// Checks what serde cannot: a usable reference and callback URL.
fn check(message: &OutboundMessage) -> Result<(), String> {
    if message.reference.trim().is_empty() {
        return Err("`reference` must not be empty".into());
    }
    if message.reference.len() > MAX_REFERENCE_LEN {
        return Err(format!(
            "`reference` must be at most {MAX_REFERENCE_LEN} bytes"
        ));
    }
    if let Some(url) = &message.callback_url {
        match reqwest::Url::parse(url) {
            Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => {}
            Ok(_) => return Err("`callback_url` must be an http or https URL".into()),
            Err(e) => return Err(format!("`callback_url` is not a valid URL: {e}")),
        }
    }
    Ok(())
}

/// `POST /v1/messages`: one [`OutboundMessage`] → 202 [`Accepted`](crate::Accepted).
async fn send_one(State(vendor): State<Vendor>, body: Result<Bytes, BytesRejection>) -> Response {
    let message: OutboundMessage = match parse(body, "message") {
        Ok(message) => message,
        Err(problem) => return problem.into_response(),
    };
    if let Err(problem) = check(&message) {
        return error(StatusCode::BAD_REQUEST, "invalid_message", problem);
    }
    let mut results = vendor.inner.accept(vec![message]);
    let accepted = results.pop().expect("one answer per message");
    (StatusCode::ACCEPTED, Json(accepted)).into_response()
}

/// `POST /v1/messages/batch`: a [`BatchRequest`] → 202 [`BatchAccepted`], all or nothing.
async fn send_batch(State(vendor): State<Vendor>, body: Result<Bytes, BytesRejection>) -> Response {
    let batch: BatchRequest = match parse(body, "batch") {
        Ok(batch) => batch,
        Err(problem) => return problem.into_response(),
    };
    if batch.messages.is_empty() {
        return error(
            StatusCode::BAD_REQUEST,
            "empty_batch",
            "`messages` must hold at least one message",
        );
    }
    if batch.messages.len() > MAX_BATCH {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_many_messages",
            format!(
                "a batch holds at most {MAX_BATCH} messages; this one has {}",
                batch.messages.len()
            ),
        );
    }
    for (index, message) in batch.messages.iter().enumerate() {
        if let Err(problem) = check(message) {
            return error(
                StatusCode::BAD_REQUEST,
                "invalid_message",
                format!("messages[{index}]: {problem}"),
            );
        }
    }
    let results = vendor.inner.accept(batch.messages);
    (StatusCode::ACCEPTED, Json(BatchAccepted { results })).into_response()
}

/// `GET /v1/stats`.
async fn stats(State(vendor): State<Vendor>) -> Response {
    Json(vendor.stats()).into_response()
}

/// `GET /healthz`.
async fn healthz() -> &'static str {
    "ok"
}

#[cfg(test)]
mod tests;
