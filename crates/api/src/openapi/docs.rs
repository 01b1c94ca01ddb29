//! The docs page: Swagger UI (built into the binary, so it works offline) at `/api/docs`, reading
//! `/api/openapi.json`. Public, like the document it shows.

use crate::AppState;
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
    SwaggerUi::new(PATH).config(config).into()
}
