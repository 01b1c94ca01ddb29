//! `/healthz` (the process answers) and `/readyz` (the database and the bus answer too). Public.

use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
}

/// The process answers.
#[derive(Serialize, ToSchema)]
struct Health {
    /// Always `ok`.
    status: &'static str,
}

/// Whether the process can serve: its database and its bus answer.
#[derive(Serialize, ToSchema)]
struct Readiness {
    /// `ok` or `unavailable`.
    status: &'static str,
    /// `ok`, or what is wrong.
    database: String,
    /// `ok`, or what is wrong.
    bus: String,
    /// `database` (the built-in queue) or `rabbitmq`.
    bus_kind: &'static str,
}

/// Liveness.
///
/// The process answers.
#[utoipa::path(get, path = "/healthz", tag = "operations", operation_id = "healthz",
    responses((status = 200, description = "Alive.", body = Health)))]
async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// Readiness.
///
/// The database and the bus answer too.
#[utoipa::path(get, path = "/readyz", tag = "operations", operation_id = "readyz",
    responses(
        (status = 200, description = "Ready.", body = Readiness),
        (status = 503, description = "Not ready: the database or the bus does not answer.", body = Readiness),
    ))]
async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Readiness>) {
    let db = state.db.ping().await.map_err(|e| e.to_string());
    let bus = state.bus.ready().await.map_err(|e| e.to_string());
    let ok = db.is_ok() && bus.is_ok();
    let show = |r: Result<(), String>| r.err().unwrap_or_else(|| "ok".into());
    let body = Readiness {
        status: if ok { "ok" } else { "unavailable" },
        database: show(db),
        bus: show(bus),
        bus_kind: state.bus.name(),
    };
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body))
}
