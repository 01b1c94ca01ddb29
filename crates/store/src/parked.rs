//! Parked orders: orders that arrived before their customer. They wait here, durably, and are applied
//! when the customer arrives or on a retry, or rejected with their reason once the retry window is over.

use crate::{on_tx, sql, Backend, StoreError, Tx};
use minicrm_domain::NewOrder;

#[derive(Debug, Clone)]
pub struct ParkedOrder {
    pub id: i64,
    pub ingestion_id: String,
    pub row_index: i64,
    pub attempts: i64,
    pub parked_at: i64,
    pub order: NewOrder,
}

#[derive(sqlx::FromRow)]
struct ParkedRow {
    id: i64,
    ingestion_id: String,
    row_index: i64,
    attempts: i64,
    parked_at: i64,
    payload: String,
}

impl TryFrom<ParkedRow> for ParkedOrder {
    type Error = StoreError;
    fn try_from(r: ParkedRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: r.id,
            ingestion_id: r.ingestion_id,
            row_index: r.row_index,
            attempts: r.attempts,
            parked_at: r.parked_at,
            order: serde_json::from_str(&r.payload)?,
        })
    }
}

const COLUMNS: &str = "id, ingestion_id, row_index, attempts, parked_at, payload";

/// Parks orders `(row index, order)` of an ingestion; an order already parked stays as it was.
/// Returns how many were newly parked.
pub async fn park(
    tx: &mut Tx,
    ingestion_id: &str,
    orders: &[(usize, &NewOrder)],
    now: i64,
    retry_at: i64,
) -> Result<usize, StoreError> {
    let mut parked = 0;
    for chunk in orders.chunks(sql::rows_per_statement(7)) {
        let statement = format!(
            "INSERT INTO parked_orders (external_id, customer_external_id, ingestion_id, row_index, payload, \
             parked_at, next_attempt_at) VALUES {} ON CONFLICT (external_id) DO NOTHING",
            sql::values(tx.backend(), chunk.len(), 7)
        );
        let payloads: Vec<String> = chunk
            .iter()
            .map(|(_, o)| serde_json::to_string(o))
            .collect::<Result<_, _>>()?;
        let done = on_tx!(tx, c => {
            let mut q = sqlx::query(&statement);
            for ((index, o), payload) in chunk.iter().zip(&payloads) {
                q = q.bind(o.external_id.as_str()).bind(o.customer_external_id.as_str()).bind(ingestion_id)
                    .bind(*index as i64).bind(payload.as_str()).bind(now).bind(retry_at);
            }
            q.execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
        parked += done as usize;
    }
    Ok(parked)
}

/// Parked orders waiting for any of these customers.
pub async fn for_customers(
    tx: &mut Tx,
    customer_external_ids: &[String],
) -> Result<Vec<ParkedOrder>, StoreError> {
    let mut found = Vec::new();
    for chunk in customer_external_ids.chunks(1000) {
        let statement = format!(
            "SELECT {COLUMNS} FROM parked_orders WHERE customer_external_id IN ({}) ORDER BY id",
            sql::list(tx.backend(), chunk.len())
        );
        let rows: Vec<ParkedRow> = on_tx!(tx, c => {
            let mut q = sqlx::query_as(&statement);
            for id in chunk {
                q = q.bind(id.as_str());
            }
            q.fetch_all(&mut *c).await
        })?;
        for r in rows {
            found.push(r.try_into()?);
        }
    }
    Ok(found)
}

/// Parked orders whose next attempt is due, oldest first; on PostgreSQL rows another sweeper holds are
/// skipped.
pub async fn due(tx: &mut Tx, now: i64, limit: i64) -> Result<Vec<ParkedOrder>, StoreError> {
    let lock = if tx.backend() == Backend::Postgres {
        " FOR UPDATE SKIP LOCKED"
    } else {
        ""
    };
    let statement = format!(
        "SELECT {COLUMNS} FROM parked_orders WHERE next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2{lock}"
    );
    let rows: Vec<ParkedRow> =
        on_tx!(tx, c => sqlx::query_as(&statement).bind(now).bind(limit).fetch_all(&mut *c).await)?;
    rows.into_iter().map(TryInto::try_into).collect()
}

pub async fn remove(tx: &mut Tx, ids: &[i64]) -> Result<(), StoreError> {
    for chunk in ids.chunks(1000) {
        let statement = format!(
            "DELETE FROM parked_orders WHERE id IN ({})",
            sql::list(tx.backend(), chunk.len())
        );
        on_tx!(tx, c => {
            let mut q = sqlx::query(&statement);
            for id in chunk {
                q = q.bind(*id);
            }
            q.execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

pub async fn reschedule(tx: &mut Tx, id: i64, next_attempt_at: i64) -> Result<(), StoreError> {
    on_tx!(tx, c => sqlx::query("UPDATE parked_orders SET attempts = attempts + 1, next_attempt_at = $2 WHERE id = $1")
        .bind(id).bind(next_attempt_at).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}
