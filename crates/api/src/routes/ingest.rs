//! Ingestion: `POST /customers` and `POST /orders` (one record or up to 10,000) validate at the edge and
//! answer 202 only once the bus holds the batch; `GET /ingestions/{id}` says what became of it.

use crate::body::BatchBody;
use crate::openapi::{examples, BadRequest, Conflict, Forbidden, NotFound, UnprocessableEntity};
use crate::params::ApiPath;
use crate::{ApiError, AppState, Caller};
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use minicrm_bus::ingestions;
use minicrm_bus::{queues, Envelope};
use minicrm_domain::ingest::customer::CustomerBatch;
use minicrm_domain::ingest::order::OrderBatch;
use minicrm_domain::ingest::{BatchOut, Context, ParsedRows, Record};
use minicrm_domain::{IngestionStatus, NewCustomer, NewOrder, RecordKind, Scope, Timestamp};
use minicrm_store::ingestions::{IngestionRow, NewIngestion};
use serde::Serialize;
use sha2::Digest;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(customers))
        .routes(routes!(orders))
        .routes(routes!(ingestion))
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

const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// The optional header that makes a retry safe.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)]
struct IdempotencyKey {
    /// Makes a retry safe: the same key with the same body is the same ingestion (answered again,
    /// never applied twice); with another body, a 409. 1 to 255 visible ASCII characters.
    #[param(
        rename = "Idempotency-Key",
        value_type = String,
        required = false,
        min_length = 1,
        max_length = 255,
        pattern = "^[!-~]+$"
    )]
    idempotency_key: Option<String>,
}

/// What the answer to an accepted batch says.
#[derive(Serialize, utoipa::ToSchema)]
struct Accepted {
    /// Records taken.
    accepted: usize,
    /// Where to follow the batch: `GET /api/v1/ingestions/{ingestion_id}`.
    ingestion_id: String,
    /// True when an earlier request under the same `Idempotency-Key` was taken already.
    replayed: bool,
}

/// The optional `Idempotency-Key` header: 1 to 255 visible ASCII characters.
fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get(IDEMPOTENCY_KEY) else {
        return Ok(None);
    };
    match value.to_str() {
        Ok(key) if (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic()) => {
            Ok(Some(key.to_owned()))
        }
        _ => Err(ApiError::bad_field(
            "Idempotency-Key",
            "the Idempotency-Key header must be 1 to 255 visible ASCII characters",
        )),
    }
}

/// Ingestion ids under an idempotency key are UUIDv5 in this namespace, over the API key, the kind and
/// the client's key: a retry maps to the same ingestion and the same message id, which consumers apply
/// once.
const IDEMPOTENCY_NAMESPACE: uuid::Uuid = uuid::uuid!("5b0f6c8e-2d7a-4b39-9a51-3f0c1e8d7a24");

fn keyed_ingestion_id(api_key_id: &str, kind: RecordKind, key: &str) -> String {
    let name = format!("{api_key_id}\n{}\n{key}", kind.as_str());
    uuid::Uuid::new_v5(&IDEMPOTENCY_NAMESPACE, name.as_bytes()).to_string()
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

/// The message of an accepted batch: its records, already validated, under the ingestion's id.
pub(crate) fn batch_envelope<T: Serialize>(
    ingestion_id: String,
    queue: &'static str,
    api_key_id: Option<String>,
    request_hash: Option<String>,
    records: Vec<T>,
) -> Result<Envelope, ApiError> {
    let batch = BatchOut {
        ingestion_id: &ingestion_id,
        api_key_id: api_key_id.as_deref(),
        request_hash: request_hash.as_deref(),
        records,
    };
    let envelope = Envelope::with_id(ingestion_id.clone(), queue, 1, &batch);
    Ok(envelope.map_err(anyhow::Error::from)?)
}

/// Records an ingestion and publishes its batch durably (where the record lives is
/// `minicrm_bus::ingestions`' decision); says whether the ingestion is new (`false`: a concurrent retry
/// under the same idempotency key got here first and published it). A bus that cannot take the batch
/// is a 503: nothing was accepted.
/// A batch the bus did not take: nothing was accepted (503); a store error is what it is.
fn refused(e: ingestions::AcceptError) -> ApiError {
    match e {
        ingestions::AcceptError::Bus(e) => {
            ApiError::Unavailable(format!("the batch was not accepted, send it again: {e}"))
        }
        ingestions::AcceptError::Store(e) => e.into(),
    }
}

pub(crate) async fn publish(
    state: &AppState,
    record: &NewIngestion<'_>,
    queue: &'static str,
    envelope: &Envelope,
) -> Result<bool, ApiError> {
    let fresh = ingestions::accept(state.bus.as_ref(), &state.db, record, queue, envelope)
        .await
        .map_err(refused)?;
    if fresh {
        minicrm_metrics::ingest::accepted(record.kind.as_str(), record.accepted);
    }
    Ok(fresh)
}

/// The 202 for an accepted batch; `Idempotent-Replayed: true` when an earlier request under the same
/// idempotency key was taken already.
fn accepted(count: usize, ingestion_id: &str, replayed: bool) -> Response {
    let location = format!("/api/v1/ingestions/{ingestion_id}");
    let body = Json(Accepted {
        accepted: count,
        ingestion_id: ingestion_id.to_owned(),
        replayed,
    });
    let mut response = (StatusCode::ACCEPTED, [(header::LOCATION, location)], body).into_response();
    if replayed {
        response.headers_mut().insert(
            "idempotent-replayed",
            header::HeaderValue::from_static("true"),
        );
    }
    response
}

/// The ingestion an earlier request under the same idempotency key made, if any; a different body under
/// the same key is a conflict.
async fn earlier_attempt(
    state: &AppState,
    id: &str,
    hash: &str,
) -> Result<Option<IngestionRow>, ApiError> {
    match find_ingestion(state, id).await {
        Ok(row) if row.request_hash.as_deref() == Some(hash) => Ok(Some(row)),
        Ok(_) => Err(ApiError::Conflict(
            "this Idempotency-Key was used before with a different body; use a new key for a new batch"
                .into(),
        )),
        Err(ApiError::NotFound(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// What became of an accepted batch.
#[derive(Serialize, utoipa::ToSchema)]
struct IngestionOut {
    id: String,
    kind: RecordKind,
    /// `queued` until a consumer has processed the batch, `pending` while some of its orders wait for
    /// their customer, `completed` when every record is persisted, unchanged or rejected, `failed`
    /// when it never reached the queue.
    status: IngestionStatus,
    /// Records taken.
    accepted: i64,
    /// Records written (new or changed).
    persisted: i64,
    /// Records that changed nothing (an older or identical version).
    unchanged: i64,
    /// Records not yet applied.
    pending: i64,
    /// Records the consumer refused; `rejections` says why.
    rejected: i64,
    /// The first 1,000 refused records.
    rejections: Vec<RejectionOut>,
    #[schema(format = DateTime)]
    created_at: String,
    #[schema(format = DateTime)]
    processed_at: Option<String>,
    #[schema(format = DateTime)]
    completed_at: Option<String>,
}

/// A record the consumer refused.
#[derive(Serialize, utoipa::ToSchema)]
struct RejectionOut {
    /// Its position in the batch.
    index: i64,
    external_id: String,
    reason: String,
    #[schema(format = DateTime)]
    rejected_at: String,
}

/// An ingestion from the data database or, while its message still waits, from the bus's outbox. The
/// outbox forgets it only after the data database has it, so a miss in both means a look at the data
/// database once more.
async fn find_ingestion(state: &AppState, id: &str) -> Result<IngestionRow, ApiError> {
    ingestions::find(state.bus.as_ref(), &state.db, id)
        .await
        .map_err(|e| match e {
            minicrm_store::StoreError::NotFound => ApiError::NotFound(format!("ingestion '{id}'")),
            other => other.into(),
        })
}

/// What became of a batch.
///
/// What became of an accepted batch: persisted, unchanged, pending and rejected records, and why.
/// Needs the `read` or `ingest` scope.
#[utoipa::path(get, path = "/ingestions/{id}", tag = "ingestion", operation_id = "read_ingestion",
    params(("id" = String, Path, description = "The `ingestion_id` of the 202.")),
    responses(
        (status = 200, description = "The ingestion.", body = IngestionOut),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
async fn ingestion(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<IngestionOut>, ApiError> {
    caller.require_any(&[Scope::Read, Scope::Ingest])?;
    let row = find_ingestion(&state, &id).await?;
    let rejections = minicrm_store::ingestions::rejections(&state.db, &id, 1000).await?;
    let time = crate::output::iso;
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
