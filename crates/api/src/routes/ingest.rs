//! Ingestion: `POST /customers` and `POST /orders` (one record or up to 10,000) validate at the edge and
//! answer 202 only once the bus holds the batch; `GET /ingestions/{id}` says what became of it.

use crate::body::JsonBody;
use crate::{ApiError, AppState, Caller};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use minicrm_bus::{queues, Envelope};
use minicrm_domain::ingest::{parse_batch, Context, Record};
use minicrm_domain::{Batch, NewCustomer, NewOrder, RecordKind, Scope, Timestamp};
use minicrm_store::ingestions;
use serde::Serialize;
use serde_json::json;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/customers", post(customers))
        .route("/orders", post(orders))
        .route("/ingestions/{id}", get(ingestion))
}

async fn customers(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    caller.require(Scope::Ingest)?;
    accept::<NewCustomer>(
        &state,
        &caller,
        RecordKind::Customers,
        queues::INGEST_CUSTOMERS,
        body,
    )
    .await
}

async fn orders(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    caller.require(Scope::Ingest)?;
    accept::<NewOrder>(
        &state,
        &caller,
        RecordKind::Orders,
        queues::INGEST_ORDERS,
        body,
    )
    .await
}

/// Parses the batch off the async threads, records the ingestion, and publishes it durably.
#[tracing::instrument(skip_all, fields(kind = kind.as_str(), records, ingestion_id))]
async fn accept<T>(
    state: &AppState,
    caller: &Caller,
    kind: RecordKind,
    queue: &'static str,
    body: axum::body::Bytes,
) -> Result<Response, ApiError>
where
    T: Record + Serialize + Send + 'static,
{
    let ctx = Context {
        now: Timestamp::now(),
        currency: state.settings.currency,
    };
    let ingestion_id = uuid::Uuid::now_v7().to_string();
    let id = ingestion_id.clone();
    let api_key_id = Some(caller.key.id.clone());
    let (count, envelope) = tokio::task::spawn_blocking(move || -> Result<_, ApiError> {
        let records = parse_batch::<T>(&body, &ctx)?;
        let count = records.len();
        let batch = Batch {
            ingestion_id: id.clone(),
            api_key_id,
            records,
        };
        let envelope = Envelope::with_id(id, queue, 1, &batch).map_err(anyhow::Error::from)?;
        Ok((count, envelope))
    })
    .await
    .map_err(anyhow::Error::from)??;
    tracing::Span::current()
        .record("records", count)
        .record("ingestion_id", ingestion_id.as_str());
    let refused = |e: minicrm_bus::BusError| {
        ApiError::Unavailable(format!("the batch was not accepted, send it again: {e}"))
    };
    // The record travels with the message: where the bus keeps its messages in a database, both commit
    // together there; otherwise the record commits first and the message is published after.
    let mut tx = state.bus.outbox().unwrap_or(&state.db).begin().await?;
    ingestions::create(
        &mut tx,
        &ingestion_id,
        kind,
        count,
        Some(&caller.key.id),
        ctx.now.millis(),
    )
    .await?;
    let published = state
        .bus
        .publish_in(&mut tx, queue, &envelope)
        .await
        .map_err(refused)?;
    tx.commit().await?;
    if !published {
        if let Err(e) = state.bus.publish(queue, &envelope).await {
            tracing::error!(error = %e, "could not publish an accepted batch");
            let _ = ingestions::mark_failed(&state.db, &ingestion_id).await;
            return Err(refused(e));
        }
    }
    let location = format!("/api/v1/ingestions/{ingestion_id}");
    let body = Json(json!({"accepted": count, "ingestion_id": ingestion_id}));
    Ok((StatusCode::ACCEPTED, [(header::LOCATION, location)], body).into_response())
}

#[derive(Serialize)]
struct IngestionOut {
    id: String,
    kind: String,
    status: String,
    accepted: i64,
    persisted: i64,
    unchanged: i64,
    pending: i64,
    rejected: i64,
    rejections: Vec<RejectionOut>,
    created_at: String,
    processed_at: Option<String>,
    completed_at: Option<String>,
}

#[derive(Serialize)]
struct RejectionOut {
    index: i64,
    external_id: String,
    reason: String,
    rejected_at: String,
}

/// An ingestion from the data database or, while its message still waits, from the bus's outbox. The
/// outbox forgets it only after the data database has it, so a miss in both means a look at the data
/// database once more.
async fn find_ingestion(state: &AppState, id: &str) -> Result<ingestions::IngestionRow, ApiError> {
    use minicrm_store::StoreError::NotFound;
    let found = match (ingestions::get(&state.db, id).await, state.bus.outbox()) {
        (Err(NotFound), Some(outbox)) => match ingestions::get(outbox, id).await {
            Err(NotFound) => ingestions::get(&state.db, id).await,
            other => other,
        },
        (found, _) => found,
    };
    found.map_err(|e| match e {
        NotFound => ApiError::NotFound(format!("ingestion '{id}'")),
        other => other.into(),
    })
}

async fn ingestion(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<IngestionOut>, ApiError> {
    caller.require_any(&[Scope::Read, Scope::Ingest])?;
    let row = find_ingestion(&state, &id).await?;
    let rejections = ingestions::rejections(&state.db, &id, 1000).await?;
    let time = |ms: i64| Timestamp::from_millis(ms).to_rfc3339();
    Ok(Json(IngestionOut {
        rejections: rejections
            .into_iter()
            .map(|r| RejectionOut {
                index: r.row_index,
                external_id: r.external_id,
                reason: r.reason,
                rejected_at: time(r.rejected_at),
            })
            .collect(),
        id: row.id,
        kind: row.kind,
        status: row.status,
        accepted: row.accepted,
        persisted: row.persisted,
        unchanged: row.unchanged,
        pending: row.pending,
        rejected: row.rejected,
        created_at: time(row.created_at),
        processed_at: row.processed_at.map(time),
        completed_at: row.completed_at.map(time),
    }))
}
