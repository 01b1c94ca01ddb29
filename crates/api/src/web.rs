//! The web UI: the single-page app built into the binary (`web/dist` as it was when the binary was
//! compiled), or, for work on the UI, the one in a folder (`MINICRM_WEB_DIR`). A path that names no file
//! is answered with the app's `index.html`, so that its own routes work on reload. `/api/…` and
//! `/auth/…` never fall through to the app: an unknown one is a problem+json 404. Assets under
//! `/assets/` are named by their content hash and cached for good; everything else is revalidated. When
//! there is no UI, `/` says so, and how to build one.

use crate::html::escape;
use crate::ApiError;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use std::borrow::Cow;
use std::convert::Infallible;
use std::path::{Path, PathBuf};
use tower::ServiceExt;
use tower_http::services::ServeFile;

/// The built UI, embedded at compile time (in debug builds too: `debug-embed`). build.rs makes the
/// folder when the UI has not been built, and makes cargo compile again when it is.
#[derive(rust_embed::Embed)]
#[folder = "../../web/dist/"]
#[allow_missing = true]
struct Dist;

const INDEX: &str = "index.html";
/// Vite names assets by their content hash: they never change under one name.
const FOREVER: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

/// Whether this binary holds a built web UI.
pub fn embedded() -> bool {
    Dist::get(INDEX).is_some()
}

/// Answers whatever no route took: from `dir` when one is given, else from the UI in the binary.
pub async fn fallback(dir: Option<PathBuf>, request: Request) -> Result<Response, Infallible> {
    let path = request.uri().path();
    let is_api = path.starts_with("/api/") || path == "/api" || path.starts_with("/auth/");
    if is_api || !matches!(*request.method(), Method::GET | Method::HEAD) {
        return Ok(ApiError::NotFound("no such route".into()).into_response());
    }
    let file = file_name(path);
    Ok(match dir {
        Some(dir) => from_folder(&dir, file, request).await,
        None => from_binary(file, request.headers(), path),
    })
}

/// The file a request path names in the app (`index.html` for a folder), or None when it cannot name
/// one: not UTF-8 once decoded, `.` or `..` in it, or hidden (web-build's stamp, `.source-hash`).
fn file_name(path: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()?;
    let mut name = decoded.trim_start_matches('/').to_owned();
    if name.is_empty() || name.ends_with('/') {
        name.push_str(INDEX);
    }
    let fair = name
        .split('/')
        .all(|part| !part.is_empty() && !part.starts_with('.') && !part.contains('\\'));
    fair.then_some(name)
}

/// Cached for good when it is a hashed asset itself, not the app standing in for a missing one.
fn cache_control(file: &str, found: bool) -> HeaderValue {
    let hashed = found && file.starts_with("assets/");
    HeaderValue::from_static(if hashed { FOREVER } else { REVALIDATE })
}

async fn is_file(path: PathBuf) -> bool {
    tokio::fs::metadata(path).await.is_ok_and(|m| m.is_file())
}

async fn from_folder(dir: &Path, file: Option<String>, request: Request) -> Response {
    if !is_file(dir.join(INDEX)).await {
        return not_built(request.uri().path(), Missing::Folder(dir));
    }
    let found = match file {
        Some(f) if is_file(dir.join(&f)).await => Some(f),
        _ => None,
    };
    let served = found.as_deref().unwrap_or(INDEX);
    let mut response = ServeFile::new(dir.join(served))
        .oneshot(request)
        .await
        .map(|r| r.map(Body::new))
        .unwrap_or_else(|e| match e {});
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        cache_control(served, found.is_some()),
    );
    response
}

fn from_binary(file: Option<String>, headers: &HeaderMap, path: &str) -> Response {
    let requested = file.and_then(|f| Some((Dist::get(&f)?, f)));
    let found = requested.is_some();
    let Some((asset, served)) = requested.or_else(|| Some((Dist::get(INDEX)?, INDEX.to_owned())))
    else {
        return not_built(path, Missing::Binary);
    };
    let etag = format!("\"{}\"", hex::encode(asset.metadata.sha256_hash()));
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let (status, body) = if fresh {
        (StatusCode::NOT_MODIFIED, Body::empty())
    } else {
        (StatusCode::OK, Body::from(bytes(asset.data)))
    };
    let mut response = (status, body).into_response();
    let out = response.headers_mut();
    if let Ok(etag) = HeaderValue::from_str(&etag) {
        out.insert(header::ETAG, etag);
    }
    out.insert(header::CACHE_CONTROL, cache_control(&served, found));
    if let Ok(mime) = HeaderValue::from_str(asset.metadata.mimetype()) {
        out.insert(header::CONTENT_TYPE, mime);
    }
    response
}

fn bytes(data: Cow<'static, [u8]>) -> Bytes {
    match data {
        Cow::Borrowed(b) => Bytes::from_static(b),
        Cow::Owned(v) => Bytes::from(v),
    }
}

/// Where a UI was looked for and not found.
enum Missing<'a> {
    Binary,
    Folder(&'a Path),
}

fn not_built(path: &str, missing: Missing) -> Response {
    if path != "/" {
        return ApiError::NotFound("no such page (the web UI is not built)".into()).into_response();
    }
    let why = match missing {
        Missing::Binary => "<p>This binary was built without its web UI: <code>web/dist</code> had not been \
            built when it was compiled. From the repository, <code>./scripts/run</code> builds the UI and \
            then the binary with the UI inside; or build the UI yourself with</p>\
            <pre>cd web &amp;&amp; npm ci &amp;&amp; npm run build</pre><p>and then minicrm again \
            (<code>cargo build</code>). To serve a built UI from a folder instead, set \
            <code>MINICRM_WEB_DIR</code>.</p>"
            .to_owned(),
        Missing::Folder(dir) => format!(
            "<p>There is no built web UI in <code>{}</code> (<code>MINICRM_WEB_DIR</code>). Build it with</p>\
             <pre>cd web &amp;&amp; npm ci &amp;&amp; npm run build</pre><p>and reload, or unset \
             <code>MINICRM_WEB_DIR</code> to use the UI built into the binary.</p>",
            escape(&dir.display().to_string())
        ),
    };
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>minicrm</title></head>\
         <body style=\"font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem\">\
         <h1>minicrm is running</h1>{why}<p>The API is at <code>/api/v1</code>; its description at \
         <a href=\"/api/openapi.json\">/api/openapi.json</a>.</p></body></html>"
    );
    let mut response = (StatusCode::OK, Html(page)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(REVALIDATE));
    response
}
