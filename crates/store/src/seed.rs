//! Bulk writes for `minicrm seed`: customers with their aggregates already computed, then their orders
//! and line items, in multi-row statements inside the caller's transaction.
//!
//! Unlike ingestion, nothing here is idempotent or merged: the seed writes into tables it has checked
//! are empty, so a clash of external ids is an error (`StoreError::Conflict`).

mod indexes;

pub use indexes::{create_indexes, drop_secondary_indexes, refresh_statistics, DroppedIndexes};

use crate::{on_tx, sql, StoreError, Tx};
use minicrm_domain::{LineItem, Money, OrderStatus};
use serde_json::{Map, Value};
use sqlx::types::Json;

/// A customer as the seed stores it: the aggregates must match its completed orders exactly.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedCustomer {
    pub external_id: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub city: Option<String>,
    pub attributes: Map<String, Value>,
    pub created_at: i64,
    pub updated_at: i64,
    pub total_spend: i64,
    pub order_count: i64,
    pub first_order_at: Option<i64>,
    pub last_order_at: Option<i64>,
}

/// An order as the seed stores it, with its line items (whose prices add up to `amount`). It finds its
/// customer by external id, so the customers go first.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedOrder {
    pub external_id: String,
    pub customer_external_id: String,
    pub amount: Money,
    pub status: OrderStatus,
    pub ordered_at: i64,
    pub items: Vec<LineItem>,
}

const CUSTOMER_COLS: usize = 12;
const ORDER_COLS: usize = 6;
const ITEM_COLS: usize = 6;

/// Inserts new customers; returns how many were written.
pub async fn insert_customers(tx: &mut Tx, customers: &[SeedCustomer]) -> Result<u64, StoreError> {
    let mut written = 0;
    for chunk in customers.chunks(sql::rows_per_statement(CUSTOMER_COLS)) {
        let statement = format!(
            "INSERT INTO customers (external_id, name, email, phone, city, attributes, created_at, updated_at, \
             total_spend, order_count, first_order_at, last_order_at) VALUES {}",
            sql::values(tx.backend(), chunk.len(), CUSTOMER_COLS)
        );
        written += on_tx!(tx, c => {
            let mut q = sqlx::query(&statement);
            for cu in chunk {
                q = q
                    .bind(cu.external_id.as_str())
                    .bind(cu.name.as_str())
                    .bind(cu.email.as_deref())
                    .bind(cu.phone.as_deref())
                    .bind(cu.city.as_deref())
                    .bind(Json(&cu.attributes))
                    .bind(cu.created_at)
                    .bind(cu.updated_at)
                    .bind(cu.total_spend)
                    .bind(cu.order_count)
                    .bind(cu.first_order_at)
                    .bind(cu.last_order_at);
            }
            q.execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(written)
}

/// Inserts new orders of stored customers, then their line items; returns how many orders and how
/// many items were written. An order whose customer is missing fails the NOT NULL on its customer.
///
/// Rows find their parents by external id in SQL, one unique-index lookup per row, rather than by
/// ids sent back with RETURNING (on SQLite each row sent back costs far more than the lookup). A
/// scalar subquery rather than a join: PostgreSQL would hash-join a whole table for every statement.
pub async fn insert_orders(tx: &mut Tx, orders: &[SeedOrder]) -> Result<(u64, u64), StoreError> {
    let mut written = 0;
    for chunk in orders.chunks(sql::rows_per_statement(ORDER_COLS)) {
        written += insert_order_chunk(tx, chunk).await?;
    }
    let items: Vec<(&str, &LineItem)> = orders
        .iter()
        .flat_map(|o| o.items.iter().map(move |i| (o.external_id.as_str(), i)))
        .collect();
    let mut items_written = 0;
    for chunk in items.chunks(sql::rows_per_statement(ITEM_COLS)) {
        items_written += insert_item_chunk(tx, chunk).await?;
    }
    Ok((written, items_written))
}

async fn insert_order_chunk(tx: &mut Tx, chunk: &[SeedOrder]) -> Result<u64, StoreError> {
    let statement = format!(
        "INSERT INTO orders (external_id, customer_id, customer_external_id, amount, currency, status, \
         ordered_at) SELECT v.column1, (SELECT c.id FROM customers c WHERE c.external_id = v.column2), \
         v.column2, v.column3, v.column4, v.column5, v.column6 FROM (VALUES {}) AS v",
        sql::values(tx.backend(), chunk.len(), ORDER_COLS)
    );
    Ok(on_tx!(tx, c => {
        let mut q = sqlx::query(&statement);
        for o in chunk {
            q = q
                .bind(o.external_id.as_str())
                .bind(o.customer_external_id.as_str())
                .bind(o.amount.minor)
                .bind(o.amount.currency.code())
                .bind(o.status.as_str())
                .bind(o.ordered_at);
        }
        q.execute(&mut *c).await.map(|r| r.rows_affected())
    })?)
}

async fn insert_item_chunk(tx: &mut Tx, chunk: &[(&str, &LineItem)]) -> Result<u64, StoreError> {
    let statement = format!(
        "INSERT INTO order_items (order_id, sku, name, category, quantity, price) \
         SELECT (SELECT o.id FROM orders o WHERE o.external_id = v.column1), \
         v.column2, v.column3, v.column4, v.column5, v.column6 FROM (VALUES {}) AS v",
        sql::values(tx.backend(), chunk.len(), ITEM_COLS)
    );
    Ok(on_tx!(tx, c => {
        let mut q = sqlx::query(&statement);
        for (order, i) in chunk {
            q = q
                .bind(*order)
                .bind(i.sku.as_str())
                .bind(i.name.as_str())
                .bind(i.category.as_deref())
                .bind(i.quantity)
                .bind(i.price);
        }
        q.execute(&mut *c).await.map(|r| r.rows_affected())
    })?)
}

#[cfg(test)]
mod tests;
