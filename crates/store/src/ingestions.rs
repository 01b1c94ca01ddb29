//! Ingestions: what became of each accepted batch — persisted, unchanged, pending and rejected rows.

use crate::{on_read, on_tx, Db, StoreError, Tx};
use minicrm_domain::{IngestionStatus, RecordKind};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct IngestionRow {
    pub id: String,
    #[sqlx(try_from = "String")]
    pub kind: RecordKind,
    #[sqlx(try_from = "String")]
    pub status: IngestionStatus,
    pub accepted: i64,
    pub persisted: i64,
    pub unchanged: i64,
    pub pending: i64,
    pub rejected: i64,
    pub request_hash: Option<String>,
    pub created_at: i64,
    pub processed_at: Option<i64>,
    pub completed_at: Option<i64>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RejectionRow {
    pub row_index: i64,
    pub external_id: String,
    pub reason: String,
    pub rejected_at: i64,
}

/// An accepted batch as the API records it.
#[derive(Debug, Clone, Copy)]
pub struct NewIngestion<'a> {
    pub id: &'a str,
    pub kind: RecordKind,
    pub accepted: usize,
    pub api_key_id: Option<&'a str>,
    /// SHA-256 of the request body, kept when the client sent an `Idempotency-Key`.
    pub request_hash: Option<&'a str>,
    pub created_at: i64,
}

/// Records an accepted batch as `queued`, in the caller's transaction, and says whether it is new.
/// Idempotent: the consumer calls it again in the data database for a record that travelled with its
/// message from the queue's own, and a client's retry under the same idempotency key finds it there.
pub async fn create(tx: &mut Tx, new: &NewIngestion<'_>) -> Result<bool, StoreError> {
    let inserted = on_tx!(tx, c => sqlx::query(
        "INSERT INTO ingestions (id, kind, status, accepted, api_key_id, request_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING")
        .bind(new.id).bind(new.kind.as_str()).bind(IngestionStatus::Queued.as_str()).bind(new.accepted as i64)
        .bind(new.api_key_id).bind(new.request_hash).bind(new.created_at)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(inserted == 1)
}

/// Marks an ingestion `queued` again after a failed publish was retried and taken.
pub async fn mark_requeued(db: &Db, id: &str) -> Result<(), StoreError> {
    set_status(db, id, IngestionStatus::Failed, IngestionStatus::Queued).await
}

/// Marks a `queued` ingestion `failed`: its message never reached the bus.
pub async fn mark_failed(db: &Db, id: &str) -> Result<(), StoreError> {
    set_status(db, id, IngestionStatus::Queued, IngestionStatus::Failed).await
}

/// Moves an ingestion from one status to another; a consumer that got there first wins.
async fn set_status(
    db: &Db,
    id: &str,
    from: IngestionStatus,
    to: IngestionStatus,
) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, c => sqlx::query("UPDATE ingestions SET status = $3 WHERE id = $1 AND status = $2")
        .bind(id).bind(from.as_str()).bind(to.as_str()).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    tx.commit().await
}

/// Changes to an ingestion's row counts.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub persisted: i64,
    pub unchanged: i64,
    pub pending: i64,
    pub rejected: i64,
}

/// Adds `delta` to an ingestion's counts, marks it processed and derives its status. Parking happens in
/// the batch's own first pass, so a batch is never `pending` before it is processed.
pub async fn record(tx: &mut Tx, id: &str, delta: Counts, now: i64) -> Result<(), StoreError> {
    let statement = "UPDATE ingestions SET persisted = persisted + $2, unchanged = unchanged + $3, \
        pending = pending + $4, rejected = rejected + $5, processed_at = COALESCE(processed_at, $6), \
        status = CASE WHEN pending + $4 > 0 THEN $7 ELSE $8 END, \
        completed_at = CASE WHEN pending + $4 > 0 THEN NULL ELSE COALESCE(completed_at, $6) END \
        WHERE id = $1";
    on_tx!(tx, c => sqlx::query(statement)
        .bind(id).bind(delta.persisted).bind(delta.unchanged).bind(delta.pending).bind(delta.rejected).bind(now)
        .bind(IngestionStatus::Pending.as_str()).bind(IngestionStatus::Completed.as_str())
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn reject(
    tx: &mut Tx,
    id: &str,
    row_index: i64,
    external_id: &str,
    reason: &str,
    now: i64,
) -> Result<(), StoreError> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO ingestion_rejections (ingestion_id, row_index, external_id, reason, rejected_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(id).bind(row_index).bind(external_id).bind(reason).bind(now)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn get(db: &Db, id: &str) -> Result<IngestionRow, StoreError> {
    let row = on_read!(db, p => sqlx::query_as::<_, IngestionRow>(
        "SELECT id, kind, status, accepted, persisted, unchanged, pending, rejected, request_hash, created_at, \
         processed_at, completed_at FROM ingestions WHERE id = $1").bind(id).fetch_optional(p).await)?;
    row.ok_or(StoreError::NotFound)
}

pub async fn rejections(db: &Db, id: &str, limit: i64) -> Result<Vec<RejectionRow>, StoreError> {
    Ok(on_read!(db, p => sqlx::query_as::<_, RejectionRow>(
        "SELECT row_index, external_id, reason, rejected_at FROM ingestion_rejections WHERE ingestion_id = $1 \
         ORDER BY row_index LIMIT $2").bind(id).bind(limit).fetch_all(p).await)?)
}

/// Ingestions completed (for the benchmark's waiting).
pub async fn completed(db: &Db) -> Result<i64, StoreError> {
    Ok(
        on_read!(db, p => sqlx::query_scalar("SELECT COUNT(*) FROM ingestions WHERE status = $1").bind(IngestionStatus::Completed.as_str()).fetch_one(p).await)?,
    )
}
