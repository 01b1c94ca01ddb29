//! `/healthz` (the process answers) and `/readyz` (the database and the bus answer too). Public.

use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
}

#[utoipa::path(get, path = "/healthz", tag = "operations")]
async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

#[utoipa::path(get, path = "/readyz", tag = "operations")]
async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let db = state.db.ping().await.map_err(|e| e.to_string());
    let bus = state.bus.ready().await.map_err(|e| e.to_string());
    let ok = db.is_ok() && bus.is_ok();
    let show = |r: &Result<(), String>| match r {
        Ok(()) => json!("ok"),
        Err(e) => json!(e),
    };
    let body = json!({"status": if ok {"ok"} else {"unavailable"}, "database": show(&db), "bus": show(&bus), "bus_kind": state.bus.name()});
    (
        if ok {
            StatusCode::OK
        } else {
            StatusCode::SERVICE_UNAVAILABLE
        },
        Json(body),
    )
}
