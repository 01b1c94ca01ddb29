//! Signing people in and out: `/auth/login` → the issuer → `/auth/callback` (OpenID Connect), or the
//! local mode's one-time `/auth/link` (its page, then its button: `link`); `/auth/logout`;
//! `/api/v1/me`. A refused sign-in gets a page that says why, not a bare status.

use crate::AppState;
use axum::extract::State;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

mod link;
mod me;
mod oidc;
mod pages;
mod session;

use pages::{document, page, refused, too_many};
use session::start_session;

/// What a sign-in page's form can weigh: a token and a nonce. These routes are public, so a body is
/// held to what they use.
const FORM_BODY_BYTES: usize = 4 * 1024;

/// `/auth/*`, outside the JSON API.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(config))
        .routes(routes!(oidc::login))
        .routes(routes!(oidc::callback))
        .routes(routes!(link::open, link::sign_in))
        .routes(routes!(session::logout))
        .layer(axum::extract::DefaultBodyLimit::max(FORM_BODY_BYTES))
}

/// `/api/v1/me`.
pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(me::me))
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// How this server signs people in.
#[derive(Serialize, ToSchema)]
struct AuthConfig {
    /// `oidc` (an OpenID Connect issuer) or `local` (one-time links printed by the server).
    #[schema(value_type = SignInMode)]
    mode: &'static str,
    /// Where a browser starts signing in; null in the local mode.
    login_url: Option<&'static str>,
    issuer: Option<String>,
}

#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
enum SignInMode {
    Oidc,
    Local,
}

/// How people sign in.
///
/// How this server signs people in, for the sign-in page.
#[utoipa::path(get, path = "/config", tag = "auth", operation_id = "sign_in_config",
    responses((status = 200, description = "The sign-in mode.", body = AuthConfig)))]
async fn config(State(state): State<AppState>) -> Json<AuthConfig> {
    let auth = &state.settings.auth;
    Json(match &auth.oidc {
        Some(oidc) => AuthConfig {
            mode: "oidc",
            login_url: Some("/auth/login"),
            issuer: Some(oidc.issuer.clone()),
        },
        None => AuthConfig {
            mode: "local",
            login_url: None,
            issuer: None,
        },
    })
}

#[cfg(test)]
mod tests;
