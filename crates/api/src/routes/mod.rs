//! The router: every resource's routes, and a problem+json 404 for anything else.

mod campaigns;
mod customers;
mod health;
mod ingest;
mod orders;
mod saved_segments;
mod segments;

use crate::{ApiError, AppState};
use axum::extract::DefaultBodyLimit;
use axum::Router;

pub fn router() -> Router<AppState> {
    let api = Router::new()
        .merge(ingest::router())
        .merge(customers::router())
        .merge(orders::router())
        .merge(segments::router())
        .merge(saved_segments::router())
        .merge(campaigns::router())
        .merge(campaigns::public_router())
        .layer(DefaultBodyLimit::disable());
    Router::new()
        .nest("/api/v1", api)
        .merge(health::router())
        .fallback(|| async { ApiError::NotFound("no such route".into()) })
}

/// Reads `limit` with a default and a ceiling.
pub(crate) fn page_limit(limit: Option<i64>) -> Result<i64, ApiError> {
    match limit {
        None => Ok(50),
        Some(n) if (1..=500).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::bad_field(
            "limit",
            "limit must be between 1 and 500",
        )),
    }
}

/// A query string read into `T`; a bad one is a 400 problem that says what is wrong with it.
pub(crate) struct ApiQuery<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequestParts<S>
    for ApiQuery<T>
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, ApiError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(ApiQuery(value)),
            Err(e) => Err(ApiError::BadRequest {
                detail: e.body_text(),
                field: None,
            }),
        }
    }
}
