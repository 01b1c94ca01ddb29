//! A session's start, once a sign-in is proved, and its end at `/auth/logout`.

use super::{now_ms, refused};
use crate::auth::oidc::SignInError;
use crate::auth::{cookies, csrf_matches};
use crate::openapi::{Forbidden, ServiceUnavailable};
use crate::{ApiError, AppState};
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use minicrm_store::people::{self, Identity};
use minicrm_store::sessions;

/// Records the sign-in and starts a new session (never reusing one the browser already had).
pub(super) async fn start_session(
    state: &AppState,
    headers: &HeaderMap,
    identity: &Identity,
    return_to: &str,
    now: i64,
) -> Response {
    let auth = &state.settings.auth;
    let result = async {
        let user = people::sign_in(&state.db, identity, auth.default_role, now).await?;
        if user.disabled_at.is_some() {
            return Ok(Err(SignInError::Disabled(user.email)));
        }
        if let Some(old) = cookies::session_token(headers, auth) {
            sessions::end(&state.db, &old).await?;
        }
        sessions::purge(
            &state.db,
            auth.idle_ms(),
            cookies::SIGN_IN_MAX_AGE.as_millis() as i64,
            now,
        )
        .await?;
        let agent = headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok());
        let (token, _) = sessions::create(
            &state.db,
            &user,
            auth.session_lifetime.as_millis() as i64,
            agent,
            now,
        )
        .await?;
        Ok::<_, minicrm_store::StoreError>(Ok(token))
    }
    .await;
    match result {
        Ok(Ok(token)) => {
            let mut response = (
                StatusCode::SEE_OTHER,
                [
                    (header::LOCATION, return_to.to_owned()),
                    (header::CACHE_CONTROL, "no-store".into()),
                ],
            )
                .into_response();
            let set = response.headers_mut();
            set.append(header::SET_COOKIE, cookies::set_session(token, auth));
            set.append(header::SET_COOKIE, cookies::clear_sign_in(auth));
            response
        }
        Ok(Err(refusal)) => refused(refusal),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// Sign out.
///
/// Ends the browser's session on the server and clears its cookie; harmless without one.
#[utoipa::path(post, path = "/logout", tag = "auth", operation_id = "sign_out",
    responses(
        (status = 204, description = "Signed out.", headers(("Set-Cookie" = String))),
        (status = 403, response = Forbidden),
        (status = 503, response = ServiceUnavailable),
    ))]
pub(super) async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let auth = &state.settings.auth;
    if let Some(token) = cookies::session_token(&headers, auth) {
        if let Some(session) = sessions::find(&state.db, &token, auth.idle_ms(), now_ms()).await? {
            if !csrf_matches(&headers, &session) {
                return Err(ApiError::Csrf);
            }
        }
        sessions::end(&state.db, &token).await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, cookies::clear_session(auth))],
    )
        .into_response())
}
