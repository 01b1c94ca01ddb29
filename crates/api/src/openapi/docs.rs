//! The docs page: Swagger UI (built into the binary, so it works offline) at `/api/docs`, reading
//! `/api/openapi.json`. Public, like the document it shows.

use crate::{ApiError, AppState};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Router;
use utoipa_swagger_ui::{Config, SwaggerUi};

/// Where the page is; it redirects to the same path with a trailing slash, where its assets sit.
pub const PATH: &str = "/api/docs";

pub fn router() -> Router<AppState> {
    // No validator: it would send the document to validator.swagger.io, which the CSP (and a machine
    // without network) refuses anyway.
    let config = Config::from("/api/openapi.json")
        .validator_url("none")
        .try_it_out_enabled(true);
    Router::from(SwaggerUi::new(PATH).config(config))
        .layer(axum::middleware::map_response(missing_as_problem))
}

/// Swagger UI answers a file it does not have with an empty 404; like every error, a problem.
async fn missing_as_problem(response: Response) -> Response {
    if response.status() == StatusCode::NOT_FOUND {
        return ApiError::NotFound("no such file of the docs page".into()).into_response();
    }
    response
}
