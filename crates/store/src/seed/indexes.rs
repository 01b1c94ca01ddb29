//! Bulk loading without the secondary indexes: dropping the plain indexes of the seeded tables before
//! the load and building them again after it, from their own definitions in the catalogue (so this
//! follows the migrations instead of repeating them). Building an index once from sorted data is
//! much cheaper than keeping it up to date row by row: it halves a large seed on SQLite.
//!
//! Unique indexes stay: they back constraints, and the load itself looks rows up through them.

use crate::{on_tx, Backend, StoreError, Tx};

/// The plain (non-unique) indexes of customers, orders and order_items: (name, CREATE statement).
const SQLITE_LIST: &str = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL \
    AND sql NOT LIKE 'CREATE UNIQUE%' AND tbl_name IN ('customers', 'orders', 'order_items') ORDER BY name";
const POSTGRES_LIST: &str = "SELECT i.relname::text, pg_get_indexdef(x.indexrelid) FROM pg_index x \
    JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid \
    WHERE t.relname IN ('customers', 'orders', 'order_items') \
    AND t.relnamespace = current_schema()::regnamespace AND NOT x.indisunique AND NOT x.indisprimary \
    ORDER BY 1";

/// Indexes taken away for a bulk load, with what it takes to build them again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DroppedIndexes(Vec<(String, String)>);

impl DroppedIndexes {
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(name, _)| name.as_str())
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Drops the plain indexes of the seeded tables, in the caller's transaction.
pub async fn drop_secondary_indexes(tx: &mut Tx) -> Result<DroppedIndexes, StoreError> {
    let list = match tx.backend() {
        Backend::Sqlite => SQLITE_LIST,
        Backend::Postgres => POSTGRES_LIST,
    };
    let indexes: Vec<(String, String)> =
        on_tx!(tx, c => sqlx::query_as(list).fetch_all(&mut *c).await)?;
    for (name, _) in &indexes {
        execute(tx, &format!("DROP INDEX {}", quoted(name))).await?;
    }
    Ok(DroppedIndexes(indexes))
}

/// After a bulk load, PostgreSQL's planner has no statistics and its visibility map is empty until
/// autovacuum comes round (never, where it is off): `VACUUM (ANALYZE)` gives the planner real row
/// counts and makes index-only scans possible. SQLite's planner picks the intended indexes without
/// statistics, so it is left as it is.
pub async fn refresh_statistics(db: &crate::Db) -> Result<(), StoreError> {
    if let crate::Db::Postgres(pool) = db {
        sqlx::query("VACUUM (ANALYZE) customers, orders, order_items")
            .execute(pool)
            .await?;
    }
    Ok(())
}

/// Builds the indexes again, in the caller's transaction.
pub async fn create_indexes(tx: &mut Tx, indexes: &DroppedIndexes) -> Result<(), StoreError> {
    for (_, definition) in &indexes.0 {
        execute(tx, definition).await?;
    }
    Ok(())
}

async fn execute(tx: &mut Tx, statement: &str) -> Result<u64, StoreError> {
    Ok(on_tx!(tx, c => sqlx::query(statement).execute(&mut *c).await.map(|r| r.rows_affected()))?)
}

/// A catalogue name as a quoted identifier (the same syntax on both backends).
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests;
