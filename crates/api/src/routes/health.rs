//! `/healthz` (the process answers) and `/readyz` (the database and the bus answer too). Public.

use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

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
