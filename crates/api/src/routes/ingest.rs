//! Ingestion: `POST /customers` and `POST /orders` (one record or up to 10,000) validate at the edge and
//! answer 202 only once the bus holds the batch; `GET /ingestions/{id}` says what became of it.

use crate::body::BatchBody;
use crate::openapi::{examples, BadRequest, Conflict, Forbidden, UnprocessableEntity};
use crate::{ApiError, AppState, Caller};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use minicrm_bus::ingestions;
use minicrm_bus::{queues, Envelope};
use minicrm_domain::ingest::customer::CustomerBatch;
use minicrm_domain::ingest::order::OrderBatch;
use minicrm_domain::ingest::{BatchOut, Context, ParsedRows, Record};
use minicrm_domain::{IngestionStatus, NewCustomer, NewOrder, RecordKind, Scope, Timestamp};
use minicrm_store::ingestions::NewIngestion;
use serde::Serialize;
use sha2::Digest;
use utoipa_axum::{router::OpenApiRouter, routes};

mod idempotency;
mod publish;
mod status;

use idempotency::{earlier_attempt, idempotency_key, keyed_ingestion_id, IdempotencyKey};
use publish::{accepted, refused, Accepted};
pub(crate) use publish::{batch_envelope, publish};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(customers))
        .routes(routes!(orders))
        .routes(routes!(status::ingestion))
}

/// Send customers.
///
/// Takes customers: one or a batch of up to 10,000, refused whole if any field is bad. 202 once the
/// batch is durably queued; `GET /ingestions/{id}` says what became of it. Needs the `ingest` scope.
#[utoipa::path(post, path = "/customers", tag = "ingestion", operation_id = "ingest_customers",
    params(IdempotencyKey),
    request_body(content = CustomerBatch, content_type = "application/json", example = examples::customers),
    responses(
        (status = 202, description = "The batch is queued.", body = Accepted, headers(
            ("Location" = String, description = "The ingestion: `/api/v1/ingestions/{id}`."),
            ("Idempotent-Replayed" = String, description = "`true` when an earlier request under the same key was taken already."))),
        (status = 400, response = BadRequest),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 422, response = UnprocessableEntity),
    ))]
async fn customers(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: BatchBody,
) -> Result<Response, ApiError> {
    caller.require(Scope::Ingest)?;
    let key = idempotency_key(&headers)?;
    accept::<NewCustomer>(
        &state,
        &caller,
        RecordKind::Customers,
        queues::INGEST_CUSTOMERS,
        key,
        body,
    )
    .await
}

/// Send orders.
///
/// Takes orders: one or a batch of up to 10,000, refused whole if any field is bad; a customer's
/// aggregates follow. 202 once the batch is durably queued. Needs the `ingest` scope.
#[utoipa::path(post, path = "/orders", tag = "ingestion", operation_id = "ingest_orders",
    params(IdempotencyKey),
    request_body(content = OrderBatch, content_type = "application/json", example = examples::orders),
    responses(
        (status = 202, description = "The batch is queued.", body = Accepted, headers(
            ("Location" = String, description = "The ingestion: `/api/v1/ingestions/{id}`."),
            ("Idempotent-Replayed" = String, description = "`true` when an earlier request under the same key was taken already."))),
        (status = 400, response = BadRequest),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 422, response = UnprocessableEntity),
    ))]
async fn orders(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: BatchBody,
) -> Result<Response, ApiError> {
    caller.require(Scope::Ingest)?;
    let key = idempotency_key(&headers)?;
    accept::<NewOrder>(
        &state,
        &caller,
        RecordKind::Orders,
        queues::INGEST_ORDERS,
        key,
        body,
    )
    .await
}

/// Parses the batch off the async threads, records the ingestion, and publishes it durably. Under an
/// idempotency key, a batch already taken is answered again without a second message (or, where its
/// publish may have failed, published again under the same message id).
#[tracing::instrument(skip_all, fields(kind = kind.as_str(), records, ingestion_id))]
async fn accept<T>(
    state: &AppState,
    caller: &Caller,
    kind: RecordKind,
    queue: &'static str,
    idempotency_key: Option<String>,
    body: BatchBody,
) -> Result<Response, ApiError>
where
    T: Record + Serialize + Send + 'static,
{
    let ctx = Context {
        now: Timestamp::now(),
        currency: state.settings.currency,
    };
    let ingestion_id = match &idempotency_key {
        Some(key) => keyed_ingestion_id(&caller.id(), kind, key),
        None => uuid::Uuid::now_v7().to_string(),
    };
    let id = ingestion_id.clone();
    let api_key_id = caller.id();
    let keyed = idempotency_key.is_some();
    // A large body's place at the gate is held until its message is published: until then it is in
    // memory, as text or as the message.
    let BatchBody {
        bytes,
        place: _place,
    } = body;
    // The records are parsed as they are written into the message, one at a time: at most the text and
    // the message are in memory together, and the text goes as soon as the message is made.
    let (count, hash, envelope) = tokio::task::spawn_blocking(move || -> Result<_, ApiError> {
        let hash = keyed.then(|| hex::encode(sha2::Sha256::digest(&bytes)));
        let rows = ParsedRows::<T>::new(&bytes, &ctx)?;
        let payload = BatchOut {
            ingestion_id: &id,
            api_key_id: Some(&api_key_id),
            request_hash: hash.as_deref(),
            records: &rows,
        };
        // A record takes about as much room in the message as in the request.
        let envelope = Envelope::sized(id.clone(), queue, 1, &payload, bytes.len() + 64 * 1024)
            .map_err(anyhow::Error::from)?;
        let count = rows.finish()?;
        drop(bytes);
        Ok((count, hash, envelope))
    })
    .await
    .map_err(anyhow::Error::from)??;
    tracing::Span::current()
        .record("records", count)
        .record("ingestion_id", ingestion_id.as_str());
    let replay = match &hash {
        Some(hash) => earlier_attempt(state, &ingestion_id, hash).await?,
        None => None,
    };
    if let Some(earlier) = replay {
        // Taken before; its message may not have reached the bus (see `ingestions::publish_again`).
        let bus = state.bus.as_ref();
        let again = ingestions::publish_again(bus, &state.db, &earlier, queue, &envelope)
            .await
            .map_err(refused)?;
        if again && earlier.status == IngestionStatus::Failed {
            minicrm_metrics::ingest::accepted(kind.as_str(), count);
        }
        return Ok(accepted(count, &ingestion_id, true));
    }
    let record = NewIngestion {
        id: &ingestion_id,
        kind,
        accepted: count,
        api_key_id: Some(&caller.id()),
        request_hash: hash.as_deref(),
        created_at: ctx.now.millis(),
    };
    let fresh = publish(state, &record, queue, &envelope).await?;
    Ok(accepted(count, &ingestion_id, !fresh))
}
