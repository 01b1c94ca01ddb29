//! Query and path parameters read into typed values. A bad one is a 400 problem that names it, never
//! axum's plain-text rejection; so is one holding a NUL character, which PostgreSQL can neither store
//! nor compare (it would fail the query: a 500).

use crate::ApiError;
use axum::extract::{FromRequestParts, Path, Query, RawPathParams};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

/// A query string read into `T`.
pub(crate) struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or_default();
        let nul = url::form_urlencoded::parse(query.as_bytes())
            .find(|(key, value)| key.contains('\0') || value.contains('\0'));
        if let Some((key, _)) = nul {
            return Err(nul_in(&key));
        }
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(ApiQuery(value)),
            Err(e) => Err(ApiError::BadRequest {
                detail: e.body_text(),
                field: None,
            }),
        }
    }
}

/// Path parameters read into `T` (a `String` for one).
pub(crate) struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let bad = |detail: String| ApiError::BadRequest {
            detail,
            field: None,
        };
        let raw = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|e| bad(e.body_text()))?;
        if let Some((name, _)) = raw.iter().find(|(_, value)| value.contains('\0')) {
            return Err(nul_in(name));
        }
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(ApiPath(value)),
            Err(e) => Err(bad(e.body_text())),
        }
    }
}

/// The problem of a parameter that holds a NUL character.
pub(crate) fn nul_in(field: &str) -> ApiError {
    ApiError::bad_field(field, format!("{field} must not contain a NUL character"))
}
