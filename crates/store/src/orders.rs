//! Orders: the insert that ingestion uses (idempotent by external id) together with the customer's
//! aggregates, in the caller's transaction; and the order listings.

use crate::{on_read, on_tx, sql, Db, StoreError, Tx};
use minicrm_domain::{NewOrder, OrderStatus};
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrderRow {
    pub id: i64,
    pub external_id: String,
    pub customer_external_id: String,
    pub amount: i64,
    pub currency: String,
    #[sqlx(try_from = "String")]
    pub status: OrderStatus,
    pub ordered_at: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ItemRow {
    pub order_id: i64,
    pub sku: String,
    pub name: String,
    pub category: Option<String>,
    pub quantity: i64,
    pub price: i64,
}

const ORDER_COLS: usize = 8;
const ITEM_COLS: usize = 6;
const AGG_COLS: usize = 5;

/// Inserts orders whose customers exist (`customer_id` beside each) and adds the new ones to their
/// customers' aggregates. An order whose external id is already stored changes nothing, nor does a
/// later record of an external id within `orders`: the first is the order. Returns how many were new.
pub async fn insert(
    tx: &mut Tx,
    orders: &[(i64, &NewOrder)],
    ingestion_id: &str,
) -> Result<usize, StoreError> {
    let orders = first_of_each(orders);
    let mut new_orders: Vec<(i64, &NewOrder)> = Vec::with_capacity(orders.len());
    let mut counted: Vec<(i64, &NewOrder)> = Vec::with_capacity(orders.len());
    for chunk in orders.chunks(sql::rows_per_statement(ORDER_COLS)) {
        let inserted = insert_chunk(tx, chunk, ingestion_id).await?;
        let by_ext: HashMap<&str, &(i64, &NewOrder)> = chunk
            .iter()
            .map(|o| (o.1.external_id.as_str(), o))
            .collect();
        for (order_id, ext) in inserted {
            if let Some((customer_id, order)) = by_ext.get(ext.as_str()) {
                new_orders.push((order_id, order));
                counted.push((*customer_id, order));
            }
        }
    }
    insert_items(tx, &new_orders).await?;
    add_to_aggregates(tx, counted.into_iter()).await?;
    Ok(new_orders.len())
}

/// The first record of each external id, in their order. A statement stores the first and skips the
/// later ones, which may differ in status, amount or customer: counting any record but the one stored
/// would leave the aggregates inexact.
fn first_of_each<'a>(orders: &[(i64, &'a NewOrder)]) -> Vec<(i64, &'a NewOrder)> {
    let mut seen = HashSet::with_capacity(orders.len());
    orders
        .iter()
        .filter(|(_, o)| seen.insert(o.external_id.as_str()))
        .copied()
        .collect()
}

async fn insert_chunk(
    tx: &mut Tx,
    chunk: &[(i64, &NewOrder)],
    ingestion_id: &str,
) -> Result<Vec<(i64, String)>, StoreError> {
    let statement = format!(
        "INSERT INTO orders (external_id, customer_id, customer_external_id, amount, currency, status, \
         ordered_at, ingestion_id) VALUES {} ON CONFLICT (external_id) DO NOTHING RETURNING id, external_id",
        sql::values(tx.backend(), chunk.len(), ORDER_COLS)
    );
    Ok(on_tx!(tx, c => {
        let mut q = sqlx::query_as(&statement);
        for (customer_id, o) in chunk {
            q = q
                .bind(o.external_id.as_str())
                .bind(*customer_id)
                .bind(o.customer_external_id.as_str())
                .bind(o.amount.minor)
                .bind(o.amount.currency.code())
                .bind(o.status.as_str())
                .bind(o.ordered_at.millis())
                .bind(ingestion_id);
        }
        q.fetch_all(&mut *c).await
    })?)
}

async fn insert_items(tx: &mut Tx, orders: &[(i64, &NewOrder)]) -> Result<(), StoreError> {
    let items: Vec<_> = orders
        .iter()
        .flat_map(|(id, o)| o.items.iter().map(move |i| (*id, i)))
        .collect();
    for chunk in items.chunks(sql::rows_per_statement(ITEM_COLS)) {
        let statement = format!(
            "INSERT INTO order_items (order_id, sku, name, category, quantity, price) VALUES {}",
            sql::values(tx.backend(), chunk.len(), ITEM_COLS)
        );
        on_tx!(tx, c => {
            let mut q = sqlx::query(&statement);
            for (order_id, i) in chunk {
                q = q.bind(*order_id).bind(i.sku.as_str()).bind(i.name.as_str()).bind(i.category.as_deref()).bind(i.quantity).bind(i.price);
            }
            q.execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// Per customer: spend, count, first and last order time of a set of newly stored orders.
#[derive(Debug, Clone, Copy)]
struct Delta {
    spend: i64,
    count: i64,
    first: i64,
    last: i64,
}

async fn add_to_aggregates<'a>(
    tx: &mut Tx,
    orders: impl Iterator<Item = (i64, &'a NewOrder)>,
) -> Result<(), StoreError> {
    let mut deltas: HashMap<i64, Delta> = HashMap::new();
    for (customer_id, o) in orders.filter(|(_, o)| o.status.counts_towards_aggregates()) {
        let t = o.ordered_at.millis();
        let d = deltas.entry(customer_id).or_insert(Delta {
            spend: 0,
            count: 0,
            first: t,
            last: t,
        });
        d.spend += o.amount.minor;
        d.count += 1;
        d.first = d.first.min(t);
        d.last = d.last.max(t);
    }
    let deltas: Vec<_> = deltas.into_iter().collect();
    for chunk in deltas.chunks(sql::rows_per_statement(AGG_COLS)) {
        let statement = format!(
            "UPDATE customers SET total_spend = customers.total_spend + v.column2, \
             order_count = customers.order_count + v.column3, \
             first_order_at = CASE WHEN customers.first_order_at IS NULL OR v.column4 < customers.first_order_at \
                 THEN v.column4 ELSE customers.first_order_at END, \
             last_order_at = CASE WHEN customers.last_order_at IS NULL OR v.column5 > customers.last_order_at \
                 THEN v.column5 ELSE customers.last_order_at END \
             FROM (VALUES {}) AS v WHERE customers.id = v.column1",
            sql::values(tx.backend(), chunk.len(), AGG_COLS)
        );
        on_tx!(tx, c => {
            let mut q = sqlx::query(&statement);
            for (id, d) in chunk {
                q = q.bind(*id).bind(d.spend).bind(d.count).bind(d.first).bind(d.last);
            }
            q.execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// A page of orders, newest first; `customer` narrows to one customer's external id.
#[derive(Debug, Default, Clone)]
pub struct OrderQuery {
    pub customer: Option<String>,
    /// Only orders before this `(ordered_at, id)` (the cursor of the previous page).
    pub before: Option<(i64, i64)>,
    pub limit: i64,
}

pub async fn list(db: &Db, query: &OrderQuery) -> Result<Vec<OrderRow>, StoreError> {
    let statement =
        "SELECT id, external_id, customer_external_id, amount, currency, status, ordered_at \
        FROM orders WHERE ($1 IS NULL OR customer_id = (SELECT id FROM customers WHERE external_id = $1)) \
        AND ($2 IS NULL OR ordered_at < $2 OR (ordered_at = $2 AND id < $3)) \
        ORDER BY ordered_at DESC, id DESC LIMIT $4";
    let (at, id) = query.before.unzip();
    Ok(on_read!(db, p => sqlx::query_as::<_, OrderRow>(statement)
        .bind(query.customer.as_deref())
        .bind(at)
        .bind(id)
        .bind(query.limit)
        .fetch_all(p)
        .await)?)
}

pub async fn items_of(db: &Db, order_ids: &[i64]) -> Result<Vec<ItemRow>, StoreError> {
    if order_ids.is_empty() {
        return Ok(Vec::new());
    }
    let statement = format!(
        "SELECT order_id, sku, name, category, quantity, price FROM order_items WHERE order_id IN ({}) ORDER BY id",
        sql::list(db.backend(), order_ids.len())
    );
    Ok(on_read!(db, p => {
        let mut q = sqlx::query_as::<_, ItemRow>(&statement);
        for id in order_ids {
            q = q.bind(*id);
        }
        q.fetch_all(p).await
    })?)
}

pub async fn count(db: &Db) -> Result<i64, StoreError> {
    Ok(on_read!(db, p => sqlx::query_scalar("SELECT COUNT(*) FROM orders").fetch_one(p).await)?)
}
