//! Saved segments: a named rule tree (kept as the client sent it, after validation), who made it, and
//! its audience size with the time it was counted.

use crate::{on_read, on_tx, Backend, Db, StoreError, Tx};
use serde_json::Value;
use sqlx::types::Json;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SegmentRow {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub rules: Json<Value>,
    pub created_by: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub last_count: Option<i64>,
    pub last_count_at: Option<i64>,
}

const COLUMNS: &str =
    "id, name, description, rules, created_by, created_at, updated_at, last_count, last_count_at";

/// What a client may set on a segment; the count is the audience when it was saved.
#[derive(Debug, Clone)]
pub struct SegmentInput {
    pub name: String,
    pub description: Option<String>,
    pub rules: Value,
    pub count: i64,
}

fn name_taken(e: StoreError, name: &str) -> StoreError {
    match e {
        StoreError::Conflict(_) => {
            StoreError::Conflict(format!("a segment named '{name}' exists already"))
        }
        other => other,
    }
}

/// Refuses, on SQLite, a name another segment has in another case. The unique index on `lower(name)`
/// does this on PostgreSQL, whose `lower` folds all of Unicode; SQLite's folds ASCII only, so there the
/// index lets "Élan" stand beside "élan". No other writer can come between this check and the write:
/// a SQLite write transaction holds the one writer from its start.
async fn refuse_same_name(tx: &mut Tx, name: &str, id: &str) -> Result<(), StoreError> {
    if tx.backend() != Backend::Sqlite {
        return Ok(());
    }
    let statement = format!(
        "SELECT COUNT(*) FROM segments WHERE {}(name) = $1 AND id <> $2",
        crate::fold::SQLITE_FOLD
    );
    let same: i64 = on_tx!(tx, c => sqlx::query_scalar(&statement)
        .bind(name.to_lowercase()).bind(id).fetch_one(&mut *c).await)?;
    if same > 0 {
        return Err(name_taken(StoreError::Conflict(String::new()), name));
    }
    Ok(())
}

pub async fn create(
    db: &Db,
    input: &SegmentInput,
    created_by: &str,
    now: i64,
) -> Result<SegmentRow, StoreError> {
    let id = uuid::Uuid::now_v7().to_string();
    let mut tx = db.begin().await?;
    refuse_same_name(&mut tx, &input.name, &id).await?;
    let inserted = on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO segments (id, name, description, rules, created_by, created_at, updated_at, last_count, last_count_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $6)")
        .bind(&id).bind(&input.name).bind(&input.description).bind(Json(&input.rules)).bind(created_by).bind(now).bind(input.count)
        .execute(&mut *c).await.map(|r| r.rows_affected()));
    inserted.map_err(|e| name_taken(e.into(), &input.name))?;
    tx.commit().await?;
    get(db, &id).await
}

pub async fn update(
    db: &Db,
    id: &str,
    input: &SegmentInput,
    now: i64,
) -> Result<SegmentRow, StoreError> {
    let mut tx = db.begin().await?;
    refuse_same_name(&mut tx, &input.name, id).await?;
    let updated = on_tx!(&mut tx, c => sqlx::query(
        "UPDATE segments SET name = $2, description = $3, rules = $4, updated_at = $5, last_count = $6, last_count_at = $5 WHERE id = $1")
        .bind(id).bind(&input.name).bind(&input.description).bind(Json(&input.rules)).bind(now).bind(input.count)
        .execute(&mut *c).await.map(|r| r.rows_affected()));
    let updated = updated.map_err(|e| name_taken(e.into(), &input.name))?;
    tx.commit().await?;
    if updated == 0 {
        return Err(StoreError::NotFound);
    }
    get(db, id).await
}

pub async fn get(db: &Db, id: &str) -> Result<SegmentRow, StoreError> {
    let statement = format!("SELECT {COLUMNS} FROM segments WHERE id = $1");
    let row = on_read!(db, p => sqlx::query_as::<_, SegmentRow>(&statement).bind(id).fetch_optional(p).await)?;
    row.ok_or(StoreError::NotFound)
}

/// Segments newest first (ids are UUIDv7, so they sort by creation), after the previous page's last id.
pub async fn list(
    db: &Db,
    before: Option<&str>,
    limit: i64,
) -> Result<Vec<SegmentRow>, StoreError> {
    let statement = format!(
        "SELECT {COLUMNS} FROM segments WHERE ($1 IS NULL OR id < $1) ORDER BY id DESC LIMIT $2"
    );
    Ok(
        on_read!(db, p => sqlx::query_as::<_, SegmentRow>(&statement).bind(before).bind(limit).fetch_all(p).await)?,
    )
}

pub async fn delete(db: &Db, id: &str) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    let deleted = on_tx!(&mut tx, c => sqlx::query("DELETE FROM segments WHERE id = $1").bind(id).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    tx.commit().await?;
    if deleted == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}
