//! `ApiError`: every failure a client can see, rendered once as RFC 9457 `application/problem+json` with
//! a stable `type`, a readable `detail` and, where one is to blame, the field's JSON pointer.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use minicrm_domain::BatchError;

mod body;

pub use body::{Problem, ProblemError};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    Batch(#[from] BatchError),
    #[error("{} problem(s) with the rules", .0.len())]
    Rules(Vec<minicrm_domain::rules::RuleError>),
    #[error("{}", .0.first().map(|p| format!("{}: {}", p.field, p.reason)).unwrap_or_default())]
    Invalid(Vec<minicrm_domain::campaign::Problem>),
    #[error("{detail}")]
    BadRequest {
        detail: String,
        field: Option<String>,
    },
    #[error("send the body as application/json")]
    UnsupportedMediaType,
    /// A body of another media type than the one named.
    #[error("send the body as {0}")]
    MediaType(&'static str),
    #[error("the body is larger than {0} bytes")]
    TooLarge(usize),
    /// A list in the body with more members than the route takes.
    #[error("{detail}")]
    TooManyItems { field: &'static str, detail: String },
    #[error("sign in, or send a valid API key as 'Authorization: Bearer <key>'")]
    Unauthorized,
    /// A real key whose maker is disabled: it works again when they are enabled.
    #[error(
        "this API key is suspended because the person who made it is disabled: an admin can enable \
         them again, or revoke the key and make another"
    )]
    KeySuspended,
    /// A cookie-authenticated unsafe request without the session's CSRF token.
    #[error("send the session's CSRF token (from GET /api/v1/me) in the X-CSRF-Token header")]
    Csrf,
    #[error("too many requests: try again in {retry_after_secs} s")]
    TooManyRequests { retry_after_secs: u64 },
    /// A vendor callback whose signature is missing, wrong or stale.
    #[error("the receipt signature is not valid: {0}")]
    BadSignature(String),
    #[error("{0}")]
    Forbidden(String),
    /// Forbidden because of one field of the request (a scope the caller may not grant).
    #[error("{detail}")]
    ForbiddenField { detail: String, field: String },
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Unavailable(String),
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn bad_field(field: &str, detail: impl Into<String>) -> Self {
        Self::BadRequest {
            detail: detail.into(),
            field: Some(field.to_owned()),
        }
    }

    fn parts(&self) -> (StatusCode, &'static str, &'static str) {
        use ApiError::*;
        match self {
            Batch(BatchError::Invalid(_)) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation",
                "Invalid records",
            ),
            Batch(BatchError::Malformed(_)) => {
                (StatusCode::BAD_REQUEST, "malformed-json", "Malformed JSON")
            }
            Batch(BatchError::TooMany(_)) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "too-many-records",
                "Too many records",
            ),
            Batch(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation",
                "Invalid request body",
            ),
            Rules(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid-rules",
                "Invalid segment rules",
            ),
            Invalid(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation",
                "Invalid request body",
            ),
            BadRequest { .. } => (StatusCode::BAD_REQUEST, "bad-request", "Bad request"),
            UnsupportedMediaType | MediaType(_) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "Unsupported media type",
            ),
            TooLarge(_) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "body-too-large",
                "Body too large",
            ),
            TooManyItems { .. } => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "too-many-records",
                "Too many records",
            ),
            Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized", "Unauthorized"),
            KeySuspended => (
                StatusCode::UNAUTHORIZED,
                "key-suspended",
                "API key suspended",
            ),
            BadSignature(_) => (StatusCode::UNAUTHORIZED, "bad-signature", "Bad signature"),
            Forbidden(_) | ForbiddenField { .. } => {
                (StatusCode::FORBIDDEN, "forbidden", "Forbidden")
            }
            Csrf => (StatusCode::FORBIDDEN, "csrf", "Missing or wrong CSRF token"),
            TooManyRequests { .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate-limited",
                "Too many requests",
            ),
            NotFound(_) => (StatusCode::NOT_FOUND, "not-found", "Not found"),
            Conflict(_) => (StatusCode::CONFLICT, "conflict", "Conflict"),
            Unavailable(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "Service unavailable",
            ),
            Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Internal error",
            ),
        }
    }
}

/// The stable problem type URI of a problem name.
pub fn problem_type(name: &str) -> String {
    format!("urn:minicrm:problem:{name}")
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(e) = &self {
            tracing::error!(error = %format!("{e:#}"), "request failed");
        }
        let (status, _, _) = self.parts();
        let mut response = (status, axum::Json(self.problem())).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        match self {
            ApiError::Unauthorized | ApiError::KeySuspended => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            ApiError::Unavailable(_) => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            }
            ApiError::TooManyRequests { retry_after_secs } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            }
            _ => {}
        }
        response
    }
}

impl From<minicrm_store::StoreError> for ApiError {
    fn from(e: minicrm_store::StoreError) -> Self {
        use minicrm_store::StoreError::*;
        match e {
            NotFound => ApiError::NotFound("the resource".into()),
            Conflict(detail) => ApiError::Conflict(detail),
            Unavailable(detail) => {
                ApiError::Unavailable(format!("the database is unavailable: {detail}"))
            }
            other => ApiError::Internal(other.into()),
        }
    }
}
