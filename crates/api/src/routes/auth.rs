//! Signing people in and out: `/auth/login` → the issuer → `/auth/callback` (OpenID Connect), or the
//! local mode's one-time `/auth/link` (its page, then its button: `link`); `/auth/logout`;
//! `/api/v1/me`. A refused sign-in gets a page that says why, not a bare status.

mod link;

use crate::auth::limits::ClientIp;
use crate::auth::oidc::SignInError;
use crate::auth::{cookies, csrf_matches, Caller, Principal};
use crate::openapi::{Forbidden, ServiceUnavailable};
use crate::{ApiError, AppState};
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use minicrm_domain::{Role, Scope};
use minicrm_store::people::{self, Identity};
use minicrm_store::secret::constant_time_eq;
use minicrm_store::sessions;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// What a sign-in page's form can weigh: a token and a nonce. These routes are public, so a body is
/// held to what they use.
const FORM_BODY_BYTES: usize = 4 * 1024;

/// `/auth/*`, outside the JSON API.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(config))
        .routes(routes!(login))
        .routes(routes!(callback))
        .routes(routes!(link::open, link::sign_in))
        .routes(routes!(logout))
        .layer(axum::extract::DefaultBodyLimit::max(FORM_BODY_BYTES))
}

/// `/api/v1/me`.
pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(me))
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

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct LoginQuery {
    /// A path on this site to return to once signed in (anything else returns to `/`).
    return_to: Option<String>,
}

/// Only a path on this site: never another origin (`//host`, `/\host`), so that no one can use the
/// sign-in to send people elsewhere.
fn safe_return(path: Option<&str>) -> String {
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
async fn login(
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
struct CallbackQuery {
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
async fn callback(
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

/// Records the sign-in and starts a new session (never reusing one the browser already had).
async fn start_session(
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
async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
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

/// The caller: a signed-in person or an API key.
#[derive(Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Me {
    User {
        id: String,
        email: String,
        name: String,
        role: Role,
        provider: String,
        /// What the role allows.
        scopes: Vec<Scope>,
        /// Send it as `X-CSRF-Token` with every POST, PUT, PATCH and DELETE.
        csrf_token: String,
        #[schema(format = DateTime)]
        session_expires_at: String,
    },
    ApiKey {
        id: String,
        name: String,
        /// What it may do now: its scopes as far as the role of the person who made it allows.
        scopes: Vec<Scope>,
    },
}

/// Who is calling.
///
/// Who is calling: a person (with their role and the session's CSRF token) or an API key.
#[utoipa::path(get, path = "/me", tag = "auth", operation_id = "me",
    responses((status = 200, description = "The caller.", body = Me)))]
async fn me(caller: Caller) -> Json<Me> {
    let scopes = caller.scopes();
    Json(match caller.principal {
        Principal::Person(session) => Me::User {
            id: session.user.id,
            email: session.user.email,
            name: session.user.name,
            role: session.user.role,
            provider: session.user.provider,
            scopes,
            csrf_token: session.csrf_token,
            session_expires_at: crate::output::iso(session.expires_at),
        },
        Principal::Key(key) => Me::ApiKey {
            id: key.id,
            name: key.name,
            scopes,
        },
    })
}

fn too_many(e: ApiError) -> Response {
    let mut response = page(
        StatusCode::TOO_MANY_REQUESTS,
        "Too many sign-in attempts",
        "Please wait a minute before trying again.",
        None,
    );
    if let ApiError::TooManyRequests { retry_after_secs } = e {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, retry_after_secs.into());
    }
    response
}

fn refused(e: SignInError) -> Response {
    let (status, title) = match &e {
        SignInError::Unreachable(_) => (StatusCode::BAD_GATEWAY, "Sign-in is unavailable"),
        SignInError::NotAllowed(_) | SignInError::Disabled(_) | SignInError::Unverified => {
            (StatusCode::FORBIDDEN, "Not allowed in")
        }
        _ => (StatusCode::BAD_REQUEST, "Sign-in failed"),
    };
    if e.is_upstream() {
        tracing::warn!(error = %e, "sign-in failed upstream");
    } else {
        tracing::info!(error = %e, "sign-in refused");
    }
    page(
        status,
        title,
        &e.to_string(),
        Some(("/auth/login", "Start again")),
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// A plain page for a person at a browser (no scripts, so it fits the strictest CSP).
fn page(status: StatusCode, title: &str, message: &str, action: Option<(&str, &str)>) -> Response {
    let action = action
        .map(|(href, label)| format!(r#"<p><a href="{}">{}</a></p>"#, escape(href), escape(label)))
        .unwrap_or_default();
    let body = format!("<p>{}</p>{action}", escape(message));
    document(status, title, &body)
}

/// A page titled `title` around `body`, which is HTML already escaped.
fn document(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{title} · minicrm</title>
<style>body{{font-family:system-ui,sans-serif;max-width:34rem;margin:4rem auto;padding:0 1rem;line-height:1.5;color:#1f2933}}h1{{font-size:1.4rem}}a{{color:#1c64f2}}button{{font:inherit;padding:.5rem 1.25rem;border:0;border-radius:.375rem;background:#1c64f2;color:#fff;cursor:pointer}}</style></head>
<body><main><h1>{title}</h1>{body}</main></body></html>"#,
        title = escape(title),
    );
    (status, [(header::CACHE_CONTROL, "no-store")], Html(html)).into_response()
}

#[cfg(test)]
mod tests;
