//! Customers: the upsert that ingestion uses (the newest `updated_at` wins), lookups and search.

use crate::{on_read, on_tx, sql, Db, StoreError, Tx};
use minicrm_domain::NewCustomer;
use serde_json::{Map, Value};
use sqlx::types::Json;
use std::collections::HashMap;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CustomerRow {
    pub id: i64,
    pub external_id: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub city: Option<String>,
    pub attributes: Json<Map<String, Value>>,
    pub created_at: i64,
    pub updated_at: i64,
    pub total_spend: i64,
    pub order_count: i64,
    pub first_order_at: Option<i64>,
    pub last_order_at: Option<i64>,
}

/// The columns of a `CustomerRow`, in its order.
pub const COLUMNS: &str =
    "id, external_id, name, email, phone, city, attributes, created_at, updated_at, \
    total_spend, order_count, first_order_at, last_order_at";

const UPSERT_COLS: usize = 8;

/// Inserts or updates customers (one record per external id) and returns the external ids that changed:
/// new ones, and existing ones whose stored `updated_at` was older and whose data differs (a record sent
/// again unchanged is not an update, even though its default `updated_at` is its arrival time).
pub async fn upsert(tx: &mut Tx, customers: &[NewCustomer]) -> Result<Vec<String>, StoreError> {
    let mut changed = Vec::with_capacity(customers.len());
    for chunk in customers.chunks(sql::rows_per_statement(UPSERT_COLS)) {
        let statement = format!(
            "INSERT INTO customers (external_id, name, email, phone, city, attributes, created_at, updated_at) \
             VALUES {} ON CONFLICT (external_id) DO UPDATE SET name = excluded.name, email = excluded.email, \
             phone = excluded.phone, city = excluded.city, attributes = excluded.attributes, \
             created_at = CASE WHEN excluded.created_at < customers.created_at \
                 THEN excluded.created_at ELSE customers.created_at END, \
             updated_at = excluded.updated_at \
             WHERE excluded.updated_at > customers.updated_at AND (customers.name IS DISTINCT FROM excluded.name \
                 OR customers.email IS DISTINCT FROM excluded.email OR customers.phone IS DISTINCT FROM excluded.phone \
                 OR customers.city IS DISTINCT FROM excluded.city OR customers.attributes IS DISTINCT FROM excluded.attributes \
                 OR excluded.created_at < customers.created_at) \
             RETURNING external_id",
            sql::values(tx.backend(), chunk.len(), UPSERT_COLS)
        );
        let ids: Vec<String> = on_tx!(tx, c => {
            let mut q = sqlx::query_scalar(&statement);
            for cu in chunk {
                q = q
                    .bind(cu.external_id.as_str())
                    .bind(cu.name.as_str())
                    .bind(cu.email.as_ref().map(|e| e.as_str()))
                    .bind(cu.phone.as_ref().map(|p| p.as_str()))
                    .bind(cu.city.as_deref())
                    .bind(Json(&cu.attributes))
                    .bind(cu.created_at.millis())
                    .bind(cu.updated_at.millis());
            }
            q.fetch_all(&mut *c).await
        })?;
        changed.extend(ids);
    }
    Ok(changed)
}

/// Maps external ids to internal ids for the customers that exist.
pub async fn ids_by_external_id(
    tx: &mut Tx,
    external_ids: &[&str],
) -> Result<HashMap<String, i64>, StoreError> {
    let mut found = HashMap::with_capacity(external_ids.len());
    for chunk in external_ids.chunks(1000) {
        let statement = format!(
            "SELECT external_id, id FROM customers WHERE external_id IN ({})",
            sql::list(tx.backend(), chunk.len())
        );
        let rows: Vec<(String, i64)> = on_tx!(tx, c => {
            let mut q = sqlx::query_as(&statement);
            for id in chunk {
                q = q.bind(*id);
            }
            q.fetch_all(&mut *c).await
        })?;
        found.extend(rows);
    }
    Ok(found)
}

pub async fn get(db: &Db, external_id: &str) -> Result<CustomerRow, StoreError> {
    let statement = format!("SELECT {COLUMNS} FROM customers WHERE external_id = $1");
    let row = on_read!(db, p => sqlx::query_as::<_, CustomerRow>(&statement).bind(external_id).fetch_optional(p).await)?;
    row.ok_or(StoreError::NotFound)
}

/// A page of customers, newest first.
#[derive(Debug, Default, Clone)]
pub struct CustomerQuery {
    /// Part of a name, an e-mail address or a phone number, matched case-insensitively.
    pub q: Option<String>,
    pub city: Option<String>,
    pub min_spend: Option<i64>,
    pub max_spend: Option<i64>,
    pub min_orders: Option<i64>,
    pub max_orders: Option<i64>,
    /// Only customers with an id below this (the cursor of the previous page).
    pub before_id: Option<i64>,
    pub limit: i64,
}

pub async fn search(db: &Db, query: &CustomerQuery) -> Result<Vec<CustomerRow>, StoreError> {
    let lower = crate::fold_function(
        db.backend(),
        [&query.q, &query.city]
            .into_iter()
            .flatten()
            .map(String::as_str),
    );
    let statement = format!(
        "SELECT {COLUMNS} FROM customers WHERE \
         ($1 IS NULL OR {lower}(name) LIKE $1 ESCAPE '\\' OR {lower}(email) LIKE $1 ESCAPE '\\' OR phone LIKE $1 ESCAPE '\\') \
         AND ($2 IS NULL OR {lower}(city) = $2) \
         AND ($3 IS NULL OR total_spend >= $3) AND ($4 IS NULL OR total_spend <= $4) \
         AND ($5 IS NULL OR order_count >= $5) AND ($6 IS NULL OR order_count <= $6) \
         AND ($7 IS NULL OR id < $7) ORDER BY id DESC LIMIT $8"
    );
    let pattern = query.q.as_deref().map(like_pattern);
    let city = query.city.as_deref().map(|c| c.trim().to_lowercase());
    let rows = on_read!(db, p => sqlx::query_as::<_, CustomerRow>(&statement)
        .bind(pattern.as_deref())
        .bind(city.as_deref())
        .bind(query.min_spend)
        .bind(query.max_spend)
        .bind(query.min_orders)
        .bind(query.max_orders)
        .bind(query.before_id)
        .bind(query.limit)
        .fetch_all(p)
        .await)?;
    Ok(rows)
}

/// `%text%`, lower-cased, with LIKE's own wildcards escaped so user text matches literally.
fn like_pattern(text: &str) -> String {
    let escaped = text
        .trim()
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

pub async fn count(db: &Db) -> Result<i64, StoreError> {
    Ok(on_read!(db, p => sqlx::query_scalar("SELECT COUNT(*) FROM customers").fetch_one(p).await)?)
}

/// The most common cities, with how many customers live in each (for the rule builder's pickers).
pub async fn top_cities(db: &Db, limit: i64) -> Result<Vec<(String, i64)>, StoreError> {
    Ok(on_read!(db, p => sqlx::query_as(
        "SELECT city, COUNT(*) AS n FROM customers WHERE city IS NOT NULL GROUP BY city ORDER BY n DESC, city LIMIT $1")
        .bind(limit).fetch_all(p).await)?)
}

/// The custom attribute keys in use among the `sample` most recent customers.
pub async fn attribute_keys(db: &Db, sample: i64) -> Result<Vec<String>, StoreError> {
    let statement = match db.backend() {
        crate::Backend::Sqlite => "SELECT DISTINCT j.key FROM (SELECT attributes FROM customers ORDER BY id DESC LIMIT $1) AS c, \
            json_each(c.attributes) AS j ORDER BY j.key",
        crate::Backend::Postgres => "SELECT DISTINCT k FROM (SELECT attributes FROM customers ORDER BY id DESC LIMIT $1) AS c, \
            jsonb_object_keys(c.attributes) AS k ORDER BY k",
    };
    Ok(on_read!(db, p => sqlx::query_scalar(statement).bind(sample).fetch_all(p).await)?)
}

/// What a campaign message needs of a customer.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RecipientRow {
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub city: Option<String>,
    pub total_spend: i64,
    pub order_count: i64,
    pub last_order_at: Option<i64>,
}

const RECIPIENT_SELECT: &str =
    "SELECT id, name, email, phone, city, total_spend, order_count, last_order_at FROM customers WHERE id IN";

/// The customers of `ids` (those that exist), read outside any transaction.
pub async fn recipients_read(db: &Db, ids: &[i64]) -> Result<Vec<RecipientRow>, StoreError> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(crate::sql::rows_per_statement(1)) {
        let statement = format!(
            "{RECIPIENT_SELECT} ({}) ORDER BY id",
            crate::sql::list(db.backend(), chunk.len())
        );
        let rows: Vec<RecipientRow> = on_read!(db, p => {
            let mut q = sqlx::query_as(&statement);
            for id in chunk {
                q = q.bind(*id);
            }
            q.fetch_all(p).await
        })?;
        out.extend(rows);
    }
    Ok(out)
}

/// The customers of `ids` (those that exist), in the caller's transaction.
pub async fn recipients(tx: &mut Tx, ids: &[i64]) -> Result<Vec<RecipientRow>, StoreError> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(crate::sql::rows_per_statement(1)) {
        let statement = format!(
            "{RECIPIENT_SELECT} ({}) ORDER BY id",
            crate::sql::list(tx.backend(), chunk.len())
        );
        let rows: Vec<RecipientRow> = on_tx!(tx, c => {
            let mut q = sqlx::query_as(&statement);
            for id in chunk {
                q = q.bind(*id);
            }
            q.fetch_all(&mut *c).await
        })?;
        out.extend(rows);
    }
    Ok(out)
}
