//! CSV imports: a file streamed into ingestion batches. An import records its row counts, the
//! ingestion of each batch it published (in order) and the first `MAX_ERRORS` row errors; its progress
//! is its ingestions' progress, summed.

use crate::{on_read, on_tx, Db, StoreError};
use minicrm_domain::{ImportStatus, IngestionStatus, RecordKind};

/// The row errors an import keeps (every one is counted).
pub const MAX_ERRORS: usize = 1000;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ImportRow {
    pub id: String,
    #[sqlx(try_from = "String")]
    pub kind: RecordKind,
    /// What became of the file; `failure` says why when it `failed`.
    #[sqlx(try_from = "String")]
    pub status: ImportStatus,
    pub file_name: Option<String>,
    pub rows_total: i64,
    pub rows_valid: i64,
    pub rows_rejected: i64,
    pub rows_accepted: i64,
    pub errors_total: i64,
    /// The last line of the last batch published.
    pub accepted_through_line: Option<i64>,
    pub failure: Option<String>,
    pub created_by: String,
    pub created_at: i64,
    pub finished_at: Option<i64>,
}

/// One bad row: its line in the file (the header is line 1), the field if one is to blame, and why.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ImportError {
    pub line: i64,
    pub field: Option<String>,
    pub reason: String,
}

/// How far an import has got: its rows so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub rows_total: i64,
    pub rows_valid: i64,
    pub rows_rejected: i64,
    pub errors_total: i64,
}

/// A batch of valid rows, published as an ingestion.
#[derive(Debug, Clone)]
pub struct Batch<'a> {
    pub seq: i64,
    pub ingestion_id: &'a str,
    pub rows: i64,
    pub first_line: i64,
    pub last_line: i64,
}

/// What the consumers have made of an import's batches so far, summed over its ingestions. A batch
/// whose ingestion the data database does not have yet is still on its way to a consumer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct Progress {
    pub batches: i64,
    pub batches_completed: i64,
    pub persisted: i64,
    pub unchanged: i64,
    pub pending: i64,
    pub rejected: i64,
}

const COLUMNS: &str =
    "id, kind, status, file_name, rows_total, rows_valid, rows_rejected, rows_accepted, \
    errors_total, accepted_through_line, failure, created_by, created_at, finished_at";

pub struct NewImport<'a> {
    pub id: &'a str,
    pub kind: RecordKind,
    pub file_name: Option<&'a str>,
    pub created_by: &'a str,
    pub created_at: i64,
}

/// Records an import as `receiving`.
pub async fn create(db: &Db, new: &NewImport<'_>) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO imports (id, kind, status, file_name, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(new.id).bind(new.kind.as_str()).bind(ImportStatus::Receiving.as_str()).bind(new.file_name)
        .bind(new.created_by).bind(new.created_at)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    tx.commit().await
}

/// Records how far an import has got, with the batch it has just published (if any) and its next row
/// errors (the caller keeps to `MAX_ERRORS`), in one transaction.
pub async fn advance(
    db: &Db,
    id: &str,
    tally: Tally,
    batch: Option<&Batch<'_>>,
    errors: &[ImportError],
) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, c => sqlx::query(
        "UPDATE imports SET rows_total = $2, rows_valid = $3, rows_rejected = $4, errors_total = $5 WHERE id = $1")
        .bind(id).bind(tally.rows_total).bind(tally.rows_valid).bind(tally.rows_rejected).bind(tally.errors_total)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    if let Some(b) = batch {
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO import_batches (import_id, seq, ingestion_id, row_count, first_line, last_line) \
             VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(id).bind(b.seq).bind(b.ingestion_id).bind(b.rows).bind(b.first_line).bind(b.last_line)
            .execute(&mut *c).await.map(|r| r.rows_affected()))?;
        on_tx!(&mut tx, c => sqlx::query(
            "UPDATE imports SET rows_accepted = rows_accepted + $2, accepted_through_line = $3 WHERE id = $1")
            .bind(id).bind(b.rows).bind(b.last_line)
            .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    }
    for e in errors {
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO import_errors (import_id, line, field, reason) VALUES ($1, $2, $3, $4)")
            .bind(id).bind(e.line).bind(e.field.as_deref()).bind(&e.reason)
            .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    }
    tx.commit().await
}

/// Ends a `receiving` import as `accepted` or `failed` (with why).
pub async fn finish(
    db: &Db,
    id: &str,
    to: ImportStatus,
    failure: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, c => sqlx::query(
        "UPDATE imports SET status = $3, failure = $4, finished_at = $5 WHERE id = $1 AND status = $2")
        .bind(id).bind(ImportStatus::Receiving.as_str()).bind(to.as_str()).bind(failure).bind(now)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    tx.commit().await
}

pub async fn get(db: &Db, id: &str) -> Result<ImportRow, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM imports WHERE id = $1");
    let row =
        on_read!(db, p => sqlx::query_as::<_, ImportRow>(&sql).bind(id).fetch_optional(p).await)?;
    row.ok_or(StoreError::NotFound)
}

/// Imports newest first (ids are UUIDv7), before the id `before` if given.
pub async fn list(db: &Db, before: Option<&str>, limit: i64) -> Result<Vec<ImportRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM imports WHERE ($1 IS NULL OR id < $1) ORDER BY id DESC LIMIT $2"
    );
    Ok(on_read!(db, p => sqlx::query_as::<_, ImportRow>(&sql)
        .bind(before).bind(limit).fetch_all(p).await)?)
}

/// The first `limit` row errors of an import, by line.
pub async fn errors(db: &Db, id: &str, limit: i64) -> Result<Vec<ImportError>, StoreError> {
    Ok(on_read!(db, p => sqlx::query_as::<_, ImportError>(
        "SELECT line, field, reason FROM import_errors WHERE import_id = $1 ORDER BY line, id LIMIT $2")
        .bind(id).bind(limit).fetch_all(p).await)?)
}

/// The ingestion ids of an import's batches, in order.
pub async fn ingestion_ids(db: &Db, id: &str) -> Result<Vec<String>, StoreError> {
    Ok(on_read!(db, p => sqlx::query_scalar::<_, String>(
        "SELECT ingestion_id FROM import_batches WHERE import_id = $1 ORDER BY seq")
        .bind(id).fetch_all(p).await)?)
}

/// The progress of an import's batches, summed over their ingestions in the data database.
pub async fn progress(db: &Db, id: &str) -> Result<Progress, StoreError> {
    let sql = "SELECT COUNT(*) AS batches, \
        COALESCE(SUM(CASE WHEN i.status = $2 THEN 1 ELSE 0 END), 0) AS batches_completed, \
        CAST(COALESCE(SUM(i.persisted), 0) AS BIGINT) AS persisted, \
        CAST(COALESCE(SUM(i.unchanged), 0) AS BIGINT) AS unchanged, \
        CAST(COALESCE(SUM(i.pending), 0) AS BIGINT) AS pending, \
        CAST(COALESCE(SUM(i.rejected), 0) AS BIGINT) AS rejected \
        FROM import_batches b LEFT JOIN ingestions i ON i.id = b.ingestion_id WHERE b.import_id = $1";
    Ok(on_read!(db, p => sqlx::query_as::<_, Progress>(sql)
        .bind(id).bind(IngestionStatus::Completed.as_str()).fetch_one(p).await)?)
}
