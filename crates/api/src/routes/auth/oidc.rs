//! Signing in through OpenID Connect: `/auth/login` sends the browser to the issuer, `/auth/callback`
//! verifies what it sends back and starts the session.

use super::{now_ms, page, refused, start_session, too_many};
use crate::auth::cookies;
use crate::auth::limits::ClientIp;
use crate::auth::oidc::SignInError;
use crate::openapi::ServiceUnavailable;
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use minicrm_store::secret::constant_time_eq;
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct LoginQuery {
    /// A path on this site to return to once signed in (anything else returns to `/`).
    return_to: Option<String>,
}

/// Only a path on this site: never another origin (`//host`, `/\host`), so that no one can use the
/// sign-in to send people elsewhere.
pub(super) fn safe_return(path: Option<&str>) -> String {
    match path {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.starts_with("/\\")
                && p.len() <= 512
                && !p.chars().any(char::is_control) =>
        {
            p.to_owned()
        }
        _ => "/".to_owned(),
    }
}

/// Start signing in.
///
/// Starts an OpenID Connect sign-in: a redirect to the issuer. For a person at a browser: answers
/// are pages, not JSON.
#[utoipa::path(get, path = "/login", tag = "auth", operation_id = "sign_in",
    params(LoginQuery),
    responses(
        (status = 200, description = "The local mode: a page that says how to sign in.", body = String, content_type = "text/html"),
        (status = 303, description = "To the issuer.", headers(("Location" = String))),
        (status = 400, description = "Refused: a page that says why.", body = String, content_type = "text/html"),
        (status = 429, description = "Too many sign-in attempts from this address: a page.", body = String, content_type = "text/html",
            headers(("Retry-After" = i64))),
        (status = 502, description = "The issuer cannot be reached: a page.", body = String, content_type = "text/html"),
        (status = 503, response = ServiceUnavailable),
    ))]
pub(super) async fn login(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Query(query): Query<LoginQuery>,
) -> Response {
    let auth = &state.settings.auth;
    let Some(oidc) = &state.auth.oidc else {
        return page(
            StatusCode::OK,
            "Local mode",
            "This minicrm signs people in with one-time links: open the link the server printed when it \
             started, or run `minicrm login-link` on the server for a new one.",
            None,
        );
    };
    if let Err(e) = state.auth.limits.check_sign_in(client) {
        return too_many(e);
    }
    let return_to = safe_return(query.return_to.as_deref());
    match oidc.begin(&state.db, &return_to, now_ms()).await {
        Ok((url, sign_in_state)) => (
            StatusCode::SEE_OTHER,
            [
                (header::LOCATION, url),
                (header::CACHE_CONTROL, "no-store".into()),
            ],
            [(
                header::SET_COOKIE,
                cookies::set_sign_in(sign_in_state, auth),
            )],
        )
            .into_response(),
        Err(e) => refused(e),
    }
}

/// What the issuer sends back (OpenID Connect).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// Finish an OpenID Connect sign-in.
///
/// Where the issuer sends the browser back: verifies everything, then starts a session.
#[utoipa::path(get, path = "/callback", tag = "auth", operation_id = "sign_in_callback",
    params(CallbackQuery),
    responses(
        (status = 303, description = "Signed in: the session cookie is set.", headers(("Location" = String), ("Set-Cookie" = String))),
        (status = 400, description = "Refused: a page that says why.", body = String, content_type = "text/html"),
        (status = 403, description = "Not allowed in: a page that says why.", body = String, content_type = "text/html"),
        (status = 404, description = "No OpenID Connect issuer is configured: a page.", body = String, content_type = "text/html"),
        (status = 429, description = "Too many sign-in attempts from this address: a page.", body = String, content_type = "text/html",
            headers(("Retry-After" = i64))),
        (status = 502, description = "The issuer cannot be reached: a page.", body = String, content_type = "text/html"),
        (status = 503, response = ServiceUnavailable),
    ))]
pub(super) async fn callback(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    Query(query): Query<CallbackQuery>,
) -> Response {
    let auth = &state.settings.auth;
    let Some(oidc) = &state.auth.oidc else {
        return page(
            StatusCode::NOT_FOUND,
            "No sign-in provider",
            "This minicrm has no OpenID Connect provider configured.",
            None,
        );
    };
    if let Err(e) = state.auth.limits.check_sign_in(client) {
        return too_many(e);
    }
    if let Some(error) = query.error {
        return refused(SignInError::Provider(
            query.error_description.unwrap_or(error),
        ));
    }
    let (Some(code), Some(returned_state)) = (query.code, query.state) else {
        return refused(SignInError::State);
    };
    let matches_cookie = cookies::sign_in_state(&headers)
        .is_some_and(|c| constant_time_eq(c.as_bytes(), returned_state.as_bytes()));
    if !matches_cookie {
        return refused(SignInError::State);
    }
    let now = now_ms();
    let (identity, return_to) = match oidc
        .finish(&state.db, auth, &returned_state, &code, now)
        .await
    {
        Ok(found) => found,
        Err(e) => return refused(e),
    };
    start_session(&state, &headers, &identity, &return_to, now).await
}
