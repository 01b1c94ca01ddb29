//! The router: every resource's routes, the docs page, and a problem+json 404 for anything else. Routes
//! are added through utoipa's `OpenApiRouter`, so the OpenAPI document is the router's own list of
//! routes.

mod ai;
mod api_keys;
mod auth;
mod campaigns;
mod customers;
mod health;
pub(crate) mod imports;
mod ingest;
mod orders;
mod overview;
mod people;
mod receipts;
mod segments;

use crate::{ApiError, AppState};
use axum::extract::DefaultBodyLimit;
use axum::{Json, Router};
use utoipa::openapi::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

/// Every documented route.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    let api = OpenApiRouter::new()
        .merge(ingest::router())
        .merge(imports::router())
        .merge(overview::router())
        .merge(customers::router())
        .merge(orders::router())
        .merge(segments::router())
        .merge(campaigns::router())
        .merge(receipts::router())
        .merge(auth::api_router())
        .merge(people::router())
        .merge(api_keys::router())
        .merge(ai::router())
        .layer(DefaultBodyLimit::disable());
    OpenApiRouter::with_openapi(<crate::openapi::Document as utoipa::OpenApi>::openapi())
        .nest("/api/v1", api)
        .nest("/auth", auth::router())
        .merge(operations())
        .routes(routes!(document))
}

/// Health checks and metrics: on the API, and alone on a worker's operations listener.
fn operations() -> OpenApiRouter<AppState> {
    health::router().merge(crate::metrics::router())
}

/// The operations routes alone, with a problem+json 404 for anything else.
pub fn operations_router() -> Router<AppState> {
    operations()
        .split_for_parts()
        .0
        .fallback(|| async { ApiError::NotFound("no such route".into()) })
}

/// The router; what no route takes goes to the web UI (or a problem+json 404 under /api and /auth).
pub fn router(web_dir: Option<std::path::PathBuf>) -> Router<AppState> {
    routes()
        .split_for_parts()
        .0
        .merge(crate::openapi::docs::router())
        .fallback(move |request| crate::web::fallback(web_dir.clone(), request))
}

/// This OpenAPI document.
///
/// OpenAPI 3.1, generated from the code.
#[utoipa::path(get, path = "/api/openapi.json", tag = "operations", operation_id = "openapi",
    responses((status = 200, description = "The OpenAPI document.", body = Object)))]
async fn document() -> Json<&'static OpenApi> {
    Json(crate::openapi::openapi())
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
