//! The local mode's one-time sign-in link, in two steps. Opening it (`GET /auth/link?token=…`) spends
//! nothing: link previews, mail scanners and `curl -I` open links as often as the person they were
//! for, so it only shows a page with a button (or says the link cannot be used). The page's POST spends
//! the link and starts the session. The form carries a nonce that must equal a short-lived cookie set
//! with the page, so that a form on another site cannot sign a browser in with a link of its own.

use super::{document, now_ms, page, start_session, too_many};
use crate::auth::cookies;
use crate::auth::limits::ClientIp;
use crate::html::escape;
use crate::openapi::ServiceUnavailable;
use crate::{ApiError, AppState};
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use minicrm_store::people::{Identity, LOCAL_EMAIL, LOCAL_PROVIDER};
use minicrm_store::secret::{constant_time_eq, random};
use minicrm_store::sessions;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct LinkQuery {
    /// The link's one-time token.
    token: Option<String>,
}

/// What the link's page posts.
#[derive(Deserialize, ToSchema)]
pub(super) struct LinkForm {
    /// The link's one-time token.
    token: Option<String>,
    /// The page's nonce: it must equal the cookie set with the page.
    nonce: Option<String>,
}

/// Open a one-time sign-in link.
///
/// The local mode's one-time sign-in link: a page with a button that signs in (its POST). Opening
/// the link spends nothing; a link that has expired or was used says so here already.
#[utoipa::path(get, path = "/link", tag = "auth", operation_id = "sign_in_link",
    params(LinkQuery),
    responses(
        (status = 200, description = "A page with the button that signs in; sets the page's nonce cookie.",
            body = String, content_type = "text/html", headers(("Set-Cookie" = String))),
        (status = 400, description = "An expired, used or unknown link: a page.", body = String, content_type = "text/html"),
        (status = 404, description = "Not the local mode: a page.", body = String, content_type = "text/html"),
        (status = 429, description = "Too many sign-in attempts from this address: a page.", body = String, content_type = "text/html",
            headers(("Retry-After" = i64))),
        (status = 503, response = ServiceUnavailable),
    ))]
pub(super) async fn open(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Query(query): Query<LinkQuery>,
) -> Response {
    if let Some(refusal) = refuse(&state, client) {
        return refusal;
    }
    let token = query.token.unwrap_or_default();
    match sessions::link_usable(&state.db, &token, now_ms()).await {
        Ok(true) => {}
        Ok(false) => return unusable(),
        Err(e) => return ApiError::from(e).into_response(),
    }
    let nonce = random(32);
    let mut response = form_page(&token, &nonce);
    let headers = response.headers_mut();
    // The page's own URL holds the token: it goes to no one, not even back to us with the POST.
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.append(
        header::SET_COOKIE,
        cookies::set_link_nonce(nonce, &state.settings.auth),
    );
    response
}

/// Sign in with a one-time link.
///
/// The button of the link's page: spends the link (once, while it is good) and starts a session.
/// Only with the page's nonce, equal to the cookie set with the page.
#[utoipa::path(post, path = "/link", tag = "auth", operation_id = "sign_in_with_link",
    request_body(content = LinkForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 303, description = "Signed in: the session cookie is set.", headers(("Location" = String), ("Set-Cookie" = String))),
        (status = 400, description = "An expired, used or unknown link, or an unreadable form: a page.", body = String, content_type = "text/html"),
        (status = 403, description = "Not from the link's page in this browser (no or another nonce), or the person's access is disabled: a page.",
            body = String, content_type = "text/html"),
        (status = 404, description = "Not the local mode: a page.", body = String, content_type = "text/html"),
        (status = 429, description = "Too many sign-in attempts from this address: a page.", body = String, content_type = "text/html",
            headers(("Retry-After" = i64))),
        (status = 503, response = ServiceUnavailable),
    ))]
pub(super) async fn sign_in(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    form: Result<Form<LinkForm>, FormRejection>,
) -> Response {
    if let Some(refusal) = refuse(&state, client) {
        return refusal;
    }
    let Ok(Form(form)) = form else {
        return page(
            StatusCode::BAD_REQUEST,
            "This sign-in cannot be read",
            "Open the sign-in link again and press its button.",
            None,
        );
    };
    if !nonce_matches(&headers, form.nonce.as_deref()) {
        return page(
            StatusCode::FORBIDDEN,
            "Open the link again",
            "This sign-in did not come from the link's page in this browser, or that page is more \
             than ten minutes old. Open the sign-in link again and press its button.",
            None,
        );
    }
    let now = now_ms();
    let token = form.token.unwrap_or_default();
    match sessions::use_link(&state.db, &token, now).await {
        Ok(true) => {}
        Ok(false) => return unusable(),
        Err(e) => return ApiError::from(e).into_response(),
    }
    let identity = Identity {
        email: LOCAL_EMAIL.into(),
        name: "Local admin".into(),
        provider: LOCAL_PROVIDER,
        subject: None,
    };
    let mut response = start_session(&state, &headers, &identity, "/", now).await;
    response.headers_mut().append(
        header::SET_COOKIE,
        cookies::clear_link_nonce(&state.settings.auth),
    );
    response
}

/// The answer for a server with a provider, or a client over its sign-in allowance; none otherwise.
fn refuse(state: &AppState, client: std::net::IpAddr) -> Option<Response> {
    if state.auth.oidc.is_some() {
        return Some(page(
            StatusCode::NOT_FOUND,
            "Sign in with your provider",
            "One-time links are for the local mode; this minicrm signs people in through its provider.",
            Some(("/auth/login", "Sign in")),
        ));
    }
    state.auth.limits.check_sign_in(client).err().map(too_many)
}

/// Whether the form's nonce is the one of the cookie set with the page (compared in constant time).
fn nonce_matches(headers: &HeaderMap, sent: Option<&str>) -> bool {
    match (cookies::link_nonce(headers), sent) {
        (Some(kept), Some(sent)) => constant_time_eq(kept.as_bytes(), sent.as_bytes()),
        _ => false,
    }
}

fn unusable() -> Response {
    page(
        StatusCode::BAD_REQUEST,
        "This link cannot be used",
        "A sign-in link works once and for a short while; this one has expired or was already used. \
         Run `minicrm login-link` on the server for a new one.",
        None,
    )
}

/// The page of a good link: one button, no script (the CSP allows none inline).
fn form_page(token: &str, nonce: &str) -> Response {
    let body = format!(
        r#"<p>This one-time link signs you in to minicrm as the local admin. It works once: press the button to use it.</p>
<form method="post" action="/auth/link"><input type="hidden" name="token" value="{token}"><input type="hidden" name="nonce" value="{nonce}"><button type="submit">Sign in</button></form>"#,
        token = escape(token),
        nonce = escape(nonce),
    );
    document(StatusCode::OK, "Sign in", &body)
}
