//! `ApiError`: every failure a client can see, rendered once as RFC 9457 `application/problem+json` with
//! a stable `type`, a readable `detail` and, where one is to blame, the field's JSON pointer.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use minicrm_domain::{BatchError, FieldError};
use serde::Serialize;
use utoipa::ToSchema;

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

/// The body of every error answer (RFC 9457 problem details).
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// The kind of problem, stable for clients to match on: `urn:minicrm:problem:<name>`.
    #[serde(rename = "type")]
    #[schema(
        pattern = "^urn:minicrm:problem:[a-z-]+$",
        example = "urn:minicrm:problem:bad-request"
    )]
    pub kind: String,
    /// The kind of problem, for a human.
    pub title: String,
    /// The HTTP status, repeated.
    #[schema(minimum = 400, maximum = 599)]
    pub status: u16,
    /// What went wrong with this request, for a human.
    pub detail: String,
    /// The request's field to blame (a body field, a query parameter or a header), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Every bad field, for a body with several (records of a batch, a campaign, segment rules).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<ProblemError>>,
}

/// One bad field of a request body.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemError {
    /// The record's position in a batch (ingestion only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
    /// The field's path within the record or the body (`items[2].price`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The field's JSON pointer (RFC 6901) into the request body.
    pub pointer: String,
    /// What is wrong with it.
    pub reason: String,
}

impl ProblemError {
    fn of_record(e: &FieldError) -> Self {
        Self {
            index: Some(e.index),
            field: Some(e.field.clone()),
            pointer: e.pointer(),
            reason: e.reason.clone(),
        }
    }

    fn of_request(p: &minicrm_domain::campaign::Problem) -> Self {
        let path = p.field.replace('[', "/").replace(']', "").replace('.', "/");
        Self {
            index: None,
            field: Some(p.field.clone()),
            pointer: format!("/{path}"),
            reason: p.reason.clone(),
        }
    }

    fn of_rule(e: &minicrm_domain::rules::RuleError) -> Self {
        Self {
            index: None,
            field: None,
            pointer: format!("/rules{}", e.path.trim_end_matches('/')),
            reason: e.reason.clone(),
        }
    }
}

impl ApiError {
    /// The body of this error's answer.
    fn problem(&self) -> Problem {
        let (status, name, title) = self.parts();
        let (field, errors) = match self {
            ApiError::Batch(BatchError::Invalid(errors)) => (
                None,
                Some(errors.iter().map(ProblemError::of_record).collect()),
            ),
            ApiError::BadRequest { field: Some(f), .. } => (Some(f.clone()), None),
            ApiError::ForbiddenField { field, .. } => (Some(field.clone()), None),
            ApiError::TooManyItems { field, .. } => (Some((*field).to_owned()), None),
            ApiError::Invalid(problems) => (
                problems.first().map(|p| p.field.clone()),
                Some(problems.iter().map(ProblemError::of_request).collect()),
            ),
            ApiError::Rules(errors) => (
                None,
                Some(errors.iter().map(ProblemError::of_rule).collect()),
            ),
            _ => (None, None),
        };
        Problem {
            kind: problem_type(name),
            title: title.to_owned(),
            status: status.as_u16(),
            detail: self.to_string(),
            field,
            errors,
        }
    }
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
