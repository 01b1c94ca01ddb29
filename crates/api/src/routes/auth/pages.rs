//! The pages a person at a browser sees when signing in goes wrong: plain HTML, no scripts.

use crate::auth::oidc::SignInError;
use crate::html::escape;
use crate::ApiError;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};

pub(super) fn too_many(e: ApiError) -> Response {
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

pub(super) fn refused(e: SignInError) -> Response {
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

/// A plain page for a person at a browser (no scripts, so it fits the strictest CSP).
pub(super) fn page(
    status: StatusCode,
    title: &str,
    message: &str,
    action: Option<(&str, &str)>,
) -> Response {
    let action = action
        .map(|(href, label)| format!(r#"<p><a href="{}">{}</a></p>"#, escape(href), escape(label)))
        .unwrap_or_default();
    let body = format!("<p>{}</p>{action}", escape(message));
    document(status, title, &body)
}

/// A page titled `title` around `body`, which is HTML already escaped.
pub(super) fn document(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{title} · minicrm</title>
<style>body{{font-family:system-ui,sans-serif;max-width:34rem;margin:4rem auto;padding:0 1rem;line-height:1.5;color:#1f2933}}h1{{font-size:1.4rem}}a{{color:#1c64f2}}button{{font:inherit;padding:.5rem 1.25rem;border:0;border-radius:.375rem;background:#1c64f2;color:#fff;cursor:pointer}}</style></head>
<body><main><h1>{title}</h1>{body}</main></body></html>"#,
        title = escape(title),
    );
    (status, [(header::CACHE_CONTROL, "no-store")], Html(html)).into_response()
}
