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
            Err(e) => Err(rejected(e.body_text())),
        }
    }
}

/// Path parameters read into `T` (a `String` for one).
pub(crate) struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let raw = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|e| rejected(e.body_text()))?;
        if let Some((name, _)) = raw.iter().find(|(_, value)| value.contains('\0')) {
            return Err(nul_in(name));
        }
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(ApiPath(value)),
            Err(e) => Err(rejected(e.body_text())),
        }
    }
}

/// The problem of axum's rejection `detail`, naming the parameter it is about when it says.
fn rejected(detail: String) -> ApiError {
    ApiError::BadRequest {
        field: parameter_of(&detail),
        detail,
    }
}

/// The parameter an extractor's message is about: serde's path (`…query string: limit: invalid
/// digit`) or a name in backticks (`duplicate field \`limit\``, `Invalid UTF-8 in \`id\``).
fn parameter_of(detail: &str) -> Option<String> {
    let message = detail
        .split_once("query string: ")
        .map_or(detail, |(_, m)| m);
    if let Some((path, _)) = message.split_once(": ") {
        if !path.is_empty()
            && path
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
        {
            return Some(path.to_owned());
        }
    }
    let quoted = message.split('`').nth(1)?;
    (!quoted.is_empty()).then(|| quoted.to_owned())
}

/// The problem of a parameter that holds a NUL character.
pub(crate) fn nul_in(field: &str) -> ApiError {
    ApiError::bad_field(field, format!("{field} must not contain a NUL character"))
}

#[cfg(test)]
mod tests;
