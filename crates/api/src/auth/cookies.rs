//! The cookies of a browser: the session (HttpOnly, SameSite=Lax, Secure and `__Host-` under https),
//! the short-lived state of a sign-in in progress, which ties the issuer's answer to the browser that
//! asked, and the nonce of a one-time link's page, which ties its POST to the browser that was shown
//! the page.

use super::AuthSettings;
use axum::http::{header, HeaderMap, HeaderValue};
use cookie::{Cookie, SameSite};
use std::time::Duration;

const SESSION: &str = "minicrm_session";
const SECURE_SESSION: &str = "__Host-minicrm_session";
const SIGN_IN: &str = "minicrm_sign_in";
const LINK_NONCE: &str = "minicrm_link_nonce";
/// The one-time link's page and its POST, the only path the link's nonce is sent to.
const LINK_PATH: &str = "/auth/link";

fn session_name(settings: &AuthSettings) -> &'static str {
    if settings.secure() {
        SECURE_SESSION
    } else {
        SESSION
    }
}

/// The value of cookie `name` in the request's `Cookie` headers.
fn find(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

pub fn session_token(headers: &HeaderMap, settings: &AuthSettings) -> Option<String> {
    find(headers, session_name(settings)).filter(|t| !t.is_empty())
}

pub fn sign_in_state(headers: &HeaderMap) -> Option<String> {
    find(headers, SIGN_IN).filter(|t| !t.is_empty())
}

pub fn link_nonce(headers: &HeaderMap) -> Option<String> {
    find(headers, LINK_NONCE).filter(|t| !t.is_empty())
}

fn build(
    name: &'static str,
    value: String,
    path: &'static str,
    max_age: Duration,
    settings: &AuthSettings,
) -> HeaderValue {
    build_with(name, value, path, max_age, SameSite::Lax, settings)
}

fn build_with(
    name: &'static str,
    value: String,
    path: &'static str,
    max_age: Duration,
    same_site: SameSite,
    settings: &AuthSettings,
) -> HeaderValue {
    let cookie = Cookie::build((name, value))
        .http_only(true)
        .secure(settings.secure())
        .same_site(same_site)
        .path(path)
        .max_age(cookie::time::Duration::seconds(max_age.as_secs() as i64))
        .build();
    HeaderValue::from_str(&cookie.to_string()).expect("a cookie is a header value")
}

/// Sets the session cookie; it lives as long as the session can.
pub fn set_session(token: String, settings: &AuthSettings) -> HeaderValue {
    build(
        session_name(settings),
        token,
        "/",
        settings.session_lifetime,
        settings,
    )
}

pub fn clear_session(settings: &AuthSettings) -> HeaderValue {
    build(
        session_name(settings),
        String::new(),
        "/",
        Duration::ZERO,
        settings,
    )
}

/// How long a sign-in may take between leaving for the issuer and coming back.
pub const SIGN_IN_MAX_AGE: Duration = Duration::from_secs(600);

pub fn set_sign_in(state: String, settings: &AuthSettings) -> HeaderValue {
    build(SIGN_IN, state, "/auth", SIGN_IN_MAX_AGE, settings)
}

pub fn clear_sign_in(settings: &AuthSettings) -> HeaderValue {
    build(SIGN_IN, String::new(), "/auth", Duration::ZERO, settings)
}

/// How long a one-time link's page stays good for its button.
pub const LINK_PAGE_MAX_AGE: Duration = Duration::from_secs(600);

/// Sets the nonce of a one-time link's page. Strict: only a POST from this site carries it back, so a
/// form elsewhere cannot use a link of its own to sign this browser in.
pub fn set_link_nonce(nonce: String, settings: &AuthSettings) -> HeaderValue {
    build_with(
        LINK_NONCE,
        nonce,
        LINK_PATH,
        LINK_PAGE_MAX_AGE,
        SameSite::Strict,
        settings,
    )
}

pub fn clear_link_nonce(settings: &AuthSettings) -> HeaderValue {
    build_with(
        LINK_NONCE,
        String::new(),
        LINK_PATH,
        Duration::ZERO,
        SameSite::Strict,
        settings,
    )
}
