//! The web UI: the built single-page app from a folder (`MINICRM_WEB_DIR`, `web/dist` by default), any
//! path that is not a file answered with its `index.html` so that the app's own routes work on reload.
//! `/api/…` and `/auth/…` never fall through to the app: an unknown one is a problem+json 404. When the
//! UI is not built, `/` says how to build it.

use crate::ApiError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use std::convert::Infallible;
use std::path::PathBuf;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

/// Answers whatever no route took.
pub async fn fallback(dir: Option<PathBuf>, request: Request) -> Result<Response, Infallible> {
    let path = request.uri().path();
    let is_api = path.starts_with("/api/") || path == "/api" || path.starts_with("/auth/");
    if is_api || !matches!(*request.method(), Method::GET | Method::HEAD) {
        return Ok(ApiError::NotFound("no such route".into()).into_response());
    }
    let Some(dir) = dir.filter(|d| d.join("index.html").is_file()) else {
        return Ok(not_built(path));
    };
    let hashed = path.starts_with("/assets/");
    let index = ServeFile::new(dir.join("index.html"));
    let mut response = ServeDir::new(&dir)
        .append_index_html_on_directories(true)
        .fallback(index)
        .oneshot(request)
        .await
        .map(|r| r.map(Body::new))
        .unwrap_or_else(|e| match e {});
    let cache = if hashed && response.status() == StatusCode::OK {
        // Vite names assets by their content hash: they never change under one name.
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    Ok(response)
}

fn not_built(path: &str) -> Response {
    if path != "/" {
        return ApiError::NotFound("no such page (the web UI is not built)".into()).into_response();
    }
    (
        StatusCode::OK,
        Html(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>minicrm</title></head>\
             <body style=\"font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem\">\
             <h1>minicrm is running</h1><p>The web UI is not built. From the repository, run</p>\
             <pre>cd web &amp;&amp; npm ci &amp;&amp; npm run build</pre><p>and reload, or start minicrm with \
             <code>./scripts/run</code>, which builds it first. The API is at <code>/api/v1</code>; its \
             description at <a href=\"/api/openapi.json\">/api/openapi.json</a>.</p></body></html>",
        ),
    )
        .into_response()
}
