//! Prometheus: `GET /metrics` for a caller with the `read` scope (the queues' depths are read as it is
//! scraped), and the middleware that measures every HTTP request by its route template.

use crate::{ApiError, AppState, Caller};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use minicrm_bus::{queues, Bus};
use minicrm_domain::Scope;
use minicrm_metrics::http::{method_label, ABORTED, UNMATCHED};
use std::time::{Duration, Instant};
use utoipa_axum::{router::OpenApiRouter, routes};

/// How long a scrape waits for a queue's depth: a slow broker must not hang it.
const DEPTH_TIMEOUT: Duration = Duration::from_secs(2);

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(metrics))
}

/// This process's metrics, in the Prometheus text format.
#[utoipa::path(get, path = "/metrics", tag = "operations", responses(
    (status = 200, description = "the metrics (Prometheus text format 0.0.4)", content_type = "text/plain", body = String),
    (status = 403, response = crate::openapi::Forbidden)))]
async fn metrics(caller: Caller, State(state): State<AppState>) -> Result<Response, ApiError> {
    caller.require(Scope::Read)?;
    sample_depths(state.bus.as_ref()).await;
    let body = minicrm_metrics::render();
    Ok((
        [(header::CONTENT_TYPE, minicrm_metrics::CONTENT_TYPE)],
        body,
    )
        .into_response())
}

/// Reads every queue's depth at once, each within `DEPTH_TIMEOUT`; one that does not answer keeps its
/// last value and counts an error.
async fn sample_depths(bus: &dyn Bus) {
    let reads = queues::ALL.map(|queue| async move {
        let error = match tokio::time::timeout(DEPTH_TIMEOUT, bus.depth(queue)).await {
            Ok(Ok(depth)) => return minicrm_metrics::queue::depth(queue, depth),
            Ok(Err(e)) => e.to_string(),
            Err(_) => format!("no answer within {DEPTH_TIMEOUT:?}"),
        };
        tracing::warn!(queue, %error, "cannot read the queue's depth");
        minicrm_metrics::queue::depth_unknown(queue);
    });
    futures::future::join_all(reads).await;
}

/// Measures a request by its route template — never its raw path, which would make a series per
/// customer — and its answer's status.
pub(crate) async fn track(request: Request, next: Next) -> Response {
    let mut measure = Measure {
        method: method_label(request.method().as_str()),
        route: request.extensions().get::<MatchedPath>().cloned(),
        started: Instant::now(),
        status: None,
    };
    let response = next.run(request).await;
    measure.status = Some(response.status());
    response
}

/// Records when dropped, so that a request cut short (the client went away, the server's time
/// limit) still counts, as `aborted`.
struct Measure {
    method: &'static str,
    route: Option<MatchedPath>,
    started: Instant,
    status: Option<StatusCode>,
}

impl Drop for Measure {
    fn drop(&mut self) {
        let route = self.route.as_ref().map_or(UNMATCHED, MatchedPath::as_str);
        let status = self.status.map(|s| s.as_u16().to_string());
        let status = status.as_deref().unwrap_or(ABORTED);
        minicrm_metrics::http::request(self.method, route, status, self.started.elapsed());
    }
}
