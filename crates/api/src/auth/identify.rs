//! Finding the caller of a request: an API key in `Authorization`, or a session cookie with, on every
//! unsafe method, the session's CSRF token.

use super::activity::ACTIVITY_RESOLUTION_MS;
use super::{cookies, Caller, Principal, CSRF_HEADER};
use crate::{ApiError, AppState};
use axum::extract::FromRequestParts;
use axum::http::{header, request::Parts, Method};
use minicrm_store::api_keys::{self, Verified};
use minicrm_store::secret::constant_time_eq;
use minicrm_store::sessions::{self, Session};

fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(str::trim)
}

/// Whether a request carries the session's CSRF token (compared in constant time).
pub fn csrf_matches(headers: &axum::http::HeaderMap, session: &Session) -> bool {
    let sent = headers
        .get(CSRF_HEADER)
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    constant_time_eq(sent, session.csrf_token.as_bytes())
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let now = chrono::Utc::now().timestamp_millis();
        if parts.headers.contains_key(header::AUTHORIZATION) {
            let presented = bearer(parts).ok_or(ApiError::Unauthorized)?;
            let key = match api_keys::verify(&state.db, presented).await? {
                Some(Verified::Live(key)) => key,
                Some(Verified::Suspended(_)) => return Err(ApiError::KeySuspended),
                None => return Err(ApiError::Unauthorized),
            };
            state.auth.limits.check_key(&key.id)?;
            state
                .auth
                .activity
                .record(&key.id, now, ACTIVITY_RESOLUTION_MS, || {
                    api_keys::touch(&state.db, &key.id, now)
                })
                .await;
            return Ok(Caller {
                principal: Principal::Key(Box::new(key)),
            });
        }
        let settings = &state.settings.auth;
        let token =
            cookies::session_token(&parts.headers, settings).ok_or(ApiError::Unauthorized)?;
        let idle = settings.idle_ms();
        let session = sessions::find(&state.db, &token, idle, now)
            .await?
            .ok_or(ApiError::Unauthorized)?;
        if !is_safe(&parts.method) && !csrf_matches(&parts.headers, &session) {
            return Err(ApiError::Csrf);
        }
        state
            .auth
            .activity
            .record(
                &session.token_hash,
                now,
                (idle / 4).min(ACTIVITY_RESOLUTION_MS),
                || sessions::touch(&state.db, &session.token_hash, now),
            )
            .await;
        Ok(Caller {
            principal: Principal::Person(Box::new(session)),
        })
    }
}
