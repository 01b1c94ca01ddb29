//! The dashboard's overview: totals, and a window of days bucketed by integer arithmetic on the
//! millisecond columns (`(t - start) / 86400000`), so one statement serves both databases whatever the
//! time zone of the days (the caller picks `start`, a midnight there).
//!
//! Totals come from the customers' aggregates (kept exact with every completed order in the order's own
//! transaction), so one scan of the customers gives the customer count, the completed orders and the
//! revenue without reading the orders; the window's orders come from a scan of the covering
//! `orders_customer` index; campaigns through their indexes. The statements run at once, each on a
//! connection of its own.

use crate::{on_read, Db, StoreError};
use minicrm_domain::campaign::{CampaignStatus, MessageStatus};

pub const DAY_MS: i64 = 86_400_000;

/// How long after a campaign ended its receipts are still looked for: a late `delivered` may replace a
/// `failed` for as long as the vendor keeps sending receipts (seconds, in practice).
const LATE_RECEIPTS_MS: i64 = 7 * DAY_MS;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overview {
    pub customers: i64,
    /// Completed orders.
    pub orders: i64,
    /// Of completed orders, in minor units.
    pub revenue: i64,
    /// Scheduled or running.
    pub active_campaigns: i64,
    /// Messages delivered and failed, of the campaigns created in the window.
    pub delivered: i64,
    pub failed: i64,
    /// One per day of the window, oldest first.
    pub days: Vec<Day>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Day {
    pub new_customers: i64,
    pub orders: i64,
    pub revenue: i64,
    pub delivered: i64,
    pub failed: i64,
}

#[derive(sqlx::FromRow)]
struct CustomerBucket {
    day: i64,
    customers: i64,
}

#[derive(sqlx::FromRow)]
struct OrderBucket {
    day: i64,
    orders: i64,
    revenue: i64,
}

#[derive(sqlx::FromRow)]
struct DeliveryBucket {
    day: i64,
    delivered: i64,
    failed: i64,
}

/// The overview of the `days` days from `start` (milliseconds; a midnight in the caller's zone).
pub async fn overview(db: &Db, start: i64, days: i64) -> Result<Overview, StoreError> {
    let end = start + days * DAY_MS;
    let (totals, customers, orders, deliveries, campaigns) = futures::try_join!(
        totals(db),
        customer_buckets(db, start, end),
        order_buckets(db, start, end),
        delivery_buckets(db, start, end),
        campaign_totals(db, start, end),
    )?;
    let (active_campaigns, delivered, failed) = campaigns;
    let mut out = Overview {
        customers: totals.0,
        orders: totals.1,
        revenue: totals.2,
        active_campaigns,
        delivered,
        failed,
        days: vec![Day::default(); days as usize],
    };
    fn day(days: &mut [Day], d: i64) -> Option<&mut Day> {
        usize::try_from(d).ok().and_then(|d| days.get_mut(d))
    }
    for b in customers {
        if let Some(day) = day(&mut out.days, b.day) {
            day.new_customers = b.customers;
        }
    }
    for b in orders {
        if let Some(day) = day(&mut out.days, b.day) {
            day.orders = b.orders;
            day.revenue = b.revenue;
        }
    }
    for b in deliveries {
        if let Some(day) = day(&mut out.days, b.day) {
            day.delivered = b.delivered;
            day.failed = b.failed;
        }
    }
    Ok(out)
}

/// Customers, their completed orders and their spend: one scan of the customers.
async fn totals(db: &Db) -> Result<(i64, i64, i64), StoreError> {
    let sql = "SELECT COUNT(*), CAST(COALESCE(SUM(order_count), 0) AS BIGINT), \
        CAST(COALESCE(SUM(total_spend), 0) AS BIGINT) FROM customers";
    Ok(on_read!(db, p => sqlx::query_as::<_, (i64, i64, i64)>(sql).fetch_one(p).await)?)
}

/// Customers created per day of the window: a scan too (an index on `created_at` would cost every
/// upsert), but only the window's customers are grouped.
async fn customer_buckets(
    db: &Db,
    start: i64,
    end: i64,
) -> Result<Vec<CustomerBucket>, StoreError> {
    let sql = "SELECT (created_at - $1) / 86400000 AS day, COUNT(*) AS customers \
        FROM customers WHERE created_at >= $1 AND created_at < $2 GROUP BY 1";
    Ok(on_read!(db, p => sqlx::query_as::<_, CustomerBucket>(sql)
        .bind(start).bind(end).fetch_all(p).await)?)
}

/// Completed orders per day of the window. `+ordered_at` keeps the time range off the
/// `orders_ordered_at` index: through it, every order of the window is a lookup in the table (orders
/// lie in the table in arrival order, often a customer's together), which on SQLite costs four times a
/// scan of the covering `orders_customer` index (customer, time, status, amount) for a 365-day window
/// and twice for 30 days. PostgreSQL reads the table in parallel instead, as it does for long windows
/// anyway.
async fn order_buckets(db: &Db, start: i64, end: i64) -> Result<Vec<OrderBucket>, StoreError> {
    let sql = "SELECT (ordered_at - $1) / 86400000 AS day, COUNT(*) AS orders, \
        CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS revenue \
        FROM orders WHERE +ordered_at >= $1 AND +ordered_at < $2 AND status = $3 GROUP BY 1";
    Ok(on_read!(db, p => sqlx::query_as::<_, OrderBucket>(sql)
        .bind(start).bind(end).bind("completed").fetch_all(p).await)?)
}

/// Messages delivered (by `delivered_at`) and failed (by `failed_at`) per day of the window. Only the
/// campaigns that can have had one then are read, through the log's (campaign, customer) key: those
/// created before the window's end and not ended long before its start.
async fn delivery_buckets(
    db: &Db,
    start: i64,
    end: i64,
) -> Result<Vec<DeliveryBucket>, StoreError> {
    let sql = "SELECT CASE WHEN l.status = $3 THEN (l.delivered_at - $1) / 86400000 \
          ELSE (l.failed_at - $1) / 86400000 END AS day, \
        COALESCE(SUM(CASE WHEN l.status = $3 THEN 1 ELSE 0 END), 0) AS delivered, \
        COALESCE(SUM(CASE WHEN l.status = $4 THEN 1 ELSE 0 END), 0) AS failed \
        FROM communication_log l \
        WHERE l.campaign_id IN (SELECT c.id FROM campaigns c WHERE c.created_at < $2 \
            AND COALESCE(c.completed_at, c.cancelled_at, c.failed_at, $2) >= $1 - $5) \
          AND ((l.status = $3 AND l.delivered_at >= $1 AND l.delivered_at < $2) \
            OR (l.status = $4 AND l.failed_at >= $1 AND l.failed_at < $2)) \
        GROUP BY 1";
    Ok(on_read!(db, p => sqlx::query_as::<_, DeliveryBucket>(sql)
        .bind(start).bind(end)
        .bind(MessageStatus::Delivered.as_str()).bind(MessageStatus::Failed.as_str())
        .bind(LATE_RECEIPTS_MS)
        .fetch_all(p).await)?)
}

/// Campaigns scheduled or running now, and the messages delivered and failed of those created in the
/// window.
async fn campaign_totals(db: &Db, start: i64, end: i64) -> Result<(i64, i64, i64), StoreError> {
    let active: i64 = on_read!(db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM campaigns WHERE status IN ($1, $2)")
        .bind(CampaignStatus::Scheduled.as_str()).bind(CampaignStatus::Running.as_str())
        .fetch_one(p).await)?;
    let (delivered, failed): (i64, i64) = on_read!(db, p => sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(delivered), 0) AS BIGINT), CAST(COALESCE(SUM(failed), 0) AS BIGINT) \
         FROM campaigns WHERE created_at >= $1 AND created_at < $2")
        .bind(start).bind(end).fetch_one(p).await)?;
    Ok((active, delivered, failed))
}
