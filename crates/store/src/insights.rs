//! What a campaign's performance summary is made of: delivery by slices of its recipients (spend tier,
//! city, recency, order count — customers' aggregates as they are now), failure reasons, and earlier
//! campaigns to compare with. Every slice's bucket is a fixed SQL expression beside its label; nothing
//! here takes text from a client.

use crate::{on_read, Db, StoreError};
use minicrm_domain::campaign::{format_amount, Channel};
use minicrm_domain::Currency;

/// Delivery of the recipients in one bucket of one dimension.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SliceRow {
    pub key: String,
    /// How people read the bucket: "spend ₹5,000–₹24,999", "Pune", "last order 30–89 days before".
    #[sqlx(skip)]
    pub label: String,
    pub recipients: i64,
    pub delivered: i64,
    pub failed: i64,
}

/// The spend tiers' lower bounds in minor units (₹1,000, ₹5,000, ₹25,000 in the workspace currency).
#[derive(Debug, Clone, Copy)]
pub struct SpendTiers {
    currency: Currency,
    thresholds: [i64; 3],
}

impl SpendTiers {
    pub fn of(currency: Currency) -> Self {
        let unit = 10i64.pow(currency.exponent());
        Self {
            currency,
            thresholds: [1_000 * unit, 5_000 * unit, 25_000 * unit],
        }
    }

    fn money(&self, minor: i64) -> String {
        format_amount(minor, self.currency)
    }

    /// The amount one unit below `minor` (the top of the tier beneath it).
    fn below(&self, minor: i64) -> String {
        self.money(minor - 10i64.pow(self.currency.exponent()))
    }
}

/// A dimension a campaign is sliced by: its name, the bucket of each recipient as a fixed SQL
/// expression over `c` (customers) with the campaign's start as `$2` and the spend tiers' bounds as
/// `$3…$5`, and how each bucket reads — side by side, so a bucket and its label cannot drift apart.
pub struct Dimension {
    pub name: &'static str,
    bucket: &'static str,
    label: fn(&str, &SpendTiers) -> String,
}

pub const DIMENSIONS: [Dimension; 4] = [
    Dimension {
        name: "spend_tier",
        bucket: "CASE WHEN c.total_spend < $3 THEN 'a' WHEN c.total_spend < $4 THEN 'b' \
                 WHEN c.total_spend < $5 THEN 'c' ELSE 'd' END",
        label: |key, tiers| {
            let [a, b, c] = tiers.thresholds;
            match key {
                "a" => format!("spend under {}", tiers.money(a)),
                "b" => format!("spend {}–{}", tiers.money(a), tiers.below(b)),
                "c" => format!("spend {}–{}", tiers.money(b), tiers.below(c)),
                _ => format!("spend {} and over", tiers.money(c)),
            }
        },
    },
    Dimension {
        name: "city",
        bucket: "COALESCE(c.city, '')",
        label: |key, _| match key {
            "" => "no city".to_owned(),
            city => city.to_owned(),
        },
    },
    Dimension {
        name: "recency",
        bucket: "CASE WHEN c.last_order_at IS NULL THEN 'never' WHEN $2 - c.last_order_at < 2592000000 THEN 'a' \
                 WHEN $2 - c.last_order_at < 7776000000 THEN 'b' WHEN $2 - c.last_order_at < 15552000000 THEN 'c' ELSE 'd' END",
        label: |key, _| {
            match key {
                "never" => "never ordered",
                "a" => "last order under 30 days before",
                "b" => "last order 30–89 days before",
                "c" => "last order 90–179 days before",
                _ => "last order 180 days or more before",
            }
            .to_owned()
        },
    },
    Dimension {
        name: "order_count",
        bucket: "CASE WHEN c.order_count = 0 THEN 'a' WHEN c.order_count = 1 THEN 'b' \
                 WHEN c.order_count < 5 THEN 'c' ELSE 'd' END",
        label: |key, _| {
            match key {
                "a" => "no orders",
                "b" => "one order",
                "c" => "2–4 orders",
                _ => "5 or more orders",
            }
            .to_owned()
        },
    },
];

/// The campaign's recipients by the buckets of `dimension`, each with its label, largest first.
pub async fn slices(
    db: &Db,
    campaign_id: &str,
    dimension: &Dimension,
    started_at: i64,
    tiers: &SpendTiers,
) -> Result<Vec<SliceRow>, StoreError> {
    let bucket = dimension.bucket;
    // Every parameter appears in every statement (`$n = $n`), whichever ones the bucket uses, so that
    // both backends take the same five binds.
    let statement = format!(
        "SELECT {bucket} AS key, COUNT(*) AS recipients, \
         SUM(CASE WHEN l.status = 'delivered' THEN 1 ELSE 0 END) AS delivered, \
         SUM(CASE WHEN l.status = 'failed' THEN 1 ELSE 0 END) AS failed \
         FROM communication_log l JOIN customers c ON c.id = l.customer_id \
         WHERE l.campaign_id = $1 AND $2 = $2 AND $3 = $3 AND $4 = $4 AND $5 = $5 \
         GROUP BY 1 ORDER BY 2 DESC"
    );
    let [a, b, c] = tiers.thresholds;
    let mut rows: Vec<SliceRow> = on_read!(db, p => sqlx::query_as(&statement)
        .bind(campaign_id).bind(started_at).bind(a).bind(b).bind(c)
        .fetch_all(p).await)?;
    for row in &mut rows {
        row.label = (dimension.label)(&row.key, tiers);
    }
    Ok(rows)
}

/// Failed messages by reason, most common first.
pub async fn failure_reasons(db: &Db, campaign_id: &str) -> Result<Vec<(String, i64)>, StoreError> {
    let rows: Vec<(Option<String>, i64)> = on_read!(db, p => sqlx::query_as(
        "SELECT failure_reason, COUNT(*) FROM communication_log WHERE campaign_id = $1 AND status = 'failed' \
         GROUP BY failure_reason ORDER BY 2 DESC, 1")
        .bind(campaign_id).fetch_all(p).await)?;
    Ok(rows
        .into_iter()
        .map(|(r, n)| (r.unwrap_or_else(|| "unknown".into()), n))
        .collect())
}

/// An earlier campaign's delivery, for comparison.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EarlierRow {
    pub id: String,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub channel: Channel,
    pub delivered: i64,
    pub failed: i64,
}

/// Up to `limit` campaigns created before `created_at` that had final outcomes, newest first.
pub async fn earlier(
    db: &Db,
    campaign_id: &str,
    created_at: i64,
    limit: i64,
) -> Result<Vec<EarlierRow>, StoreError> {
    let rows: Vec<EarlierRow> = on_read!(db, p => sqlx::query_as(
        "SELECT id, name, channel, delivered, failed FROM campaigns \
         WHERE id <> $1 AND created_at <= $2 AND delivered + failed > 0 \
         ORDER BY created_at DESC, id DESC LIMIT $3")
        .bind(campaign_id).bind(created_at).bind(limit).fetch_all(p).await)?;
    Ok(rows)
}

/// How many of a campaign's messages were sent, delivered and failed in each `bucket_ms` from `start`:
/// `(kind, bucket, count)` with kind `sent`, `delivered` or `failed`. A message that failed before it
/// was handed over (no phone number) counts as sent when it failed, as the campaign's stats count it.
pub async fn timeline(
    db: &Db,
    campaign_id: &str,
    start: i64,
    bucket_ms: i64,
) -> Result<Vec<(String, i64, i64)>, StoreError> {
    let bucket_ms = bucket_ms.max(1);
    let rows: Vec<(String, i64, i64)> = on_read!(db, p => sqlx::query_as(
        "SELECT 'sent', (COALESCE(sent_at, failed_at) - $2) / $3, COUNT(*) FROM communication_log \
           WHERE campaign_id = $1 AND COALESCE(sent_at, failed_at) IS NOT NULL GROUP BY 2 \
         UNION ALL SELECT 'delivered', (delivered_at - $2) / $3, COUNT(*) FROM communication_log \
           WHERE campaign_id = $1 AND delivered_at IS NOT NULL GROUP BY 2 \
         UNION ALL SELECT 'failed', (failed_at - $2) / $3, COUNT(*) FROM communication_log \
           WHERE campaign_id = $1 AND failed_at IS NOT NULL GROUP BY 2")
        .bind(campaign_id).bind(start).bind(bucket_ms).fetch_all(p).await)?;
    Ok(rows)
}
