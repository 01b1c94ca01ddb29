//! `minicrm bench segments`: on a seeded database, the audience preview of three typical rules —
//! (a) three conditions over aggregates, (b) a nested AND/OR of six, (c) a 90-day order window — timed
//! over HTTP, against the same count and sample written by hand in SQL on the same database.

use super::{server, BenchBackend};
use minicrm_domain::{Scope, Timestamp};
use minicrm_store::{api_keys, on_read, Db};
use serde_json::{json, Value};
use std::time::Instant;

#[derive(clap::Args, Debug, Clone)]
pub struct SegmentArgs {
    #[arg(long, value_enum, default_value = "sqlite")]
    pub backend: BenchBackend,
    #[arg(long, default_value_t = 1_000_000)]
    pub customers: u64,
    #[arg(long, default_value_t = 5_000_000)]
    pub orders: u64,
    /// Timed runs of each query (after one warm-up).
    #[arg(long, default_value_t = 20)]
    pub runs: usize,
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    pub postgres_url: String,
}

struct Case {
    label: &'static str,
    rules: Value,
    /// The hand-written count and ten-customer sample; `$1` is "now minus the window", `$2` a year ago.
    count: &'static str,
    sample: &'static str,
    days: i64,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            label: "(a) three conditions over aggregates",
            rules: json!({"combinator": "and", "rules": [
                {"field": "total_spend", "operator": ">", "value": 10000},
                {"field": "order_count", "operator": ">=", "value": 3},
                {"field": "last_order_at", "operator": "within_last_days", "value": 180}]}),
            count: "SELECT COUNT(*) FROM customers WHERE total_spend > 1000000 AND order_count >= 3 AND last_order_at >= $1",
            sample: "SELECT * FROM customers WHERE total_spend > 1000000 AND order_count >= 3 AND last_order_at >= $1 \
                     ORDER BY id DESC LIMIT 10",
            days: 180,
        },
        Case {
            label: "(b) nested AND/OR of six conditions",
            rules: json!({"combinator": "and", "rules": [
                {"combinator": "or", "rules": [
                    {"field": "city", "operator": "in", "value": ["mumbai", "pune"]},
                    {"field": "attributes.tier", "operator": "=", "value": "gold"}]},
                {"combinator": "or", "rules": [
                    {"field": "total_spend", "operator": ">", "value": 20000},
                    {"field": "order_count", "operator": ">=", "value": 5}]},
                {"field": "created_at", "operator": "older_than_days", "value": 365},
                {"field": "last_order_at", "operator": "within_last_days", "value": 90}]}),
            count: "SELECT COUNT(*) FROM customers WHERE (lower(city) IN ('mumbai', 'pune') OR tier_is_gold) \
                    AND (total_spend > 2000000 OR order_count >= 5) AND created_at < $2 AND last_order_at >= $1",
            sample: "SELECT * FROM customers WHERE (lower(city) IN ('mumbai', 'pune') OR tier_is_gold) \
                     AND (total_spend > 2000000 OR order_count >= 5) AND created_at < $2 AND last_order_at >= $1 \
                     ORDER BY id DESC LIMIT 10",
            days: 90,
        },
        Case {
            label: "(c) a 90-day order window",
            rules: json!({"combinator": "and", "rules": [
                {"field": "orders_in_last_days", "operator": ">=", "value": {"days": 90, "value": 2}}]}),
            count: "SELECT COUNT(*) FROM (SELECT customer_id FROM orders WHERE status = 'completed' AND ordered_at >= $1 \
                    GROUP BY customer_id HAVING COUNT(*) >= 2) AS recent",
            sample: "SELECT c.* FROM customers c WHERE c.id IN (SELECT customer_id FROM orders WHERE status = 'completed' \
                     AND ordered_at >= $1 GROUP BY customer_id HAVING COUNT(*) >= 2) ORDER BY c.id DESC LIMIT 10",
            days: 90,
        },
    ]
}

/// The hand-written count and sample of a backend (the JSON attribute test differs).
fn hand_sql(case: &Case, db: &Db) -> (String, String) {
    let gold = match db.backend() {
        minicrm_store::Backend::Sqlite => "lower(json_extract(attributes, '$.tier')) = 'gold'",
        minicrm_store::Backend::Postgres => "lower(attributes ->> 'tier') = 'gold'",
    };
    (
        case.count.replace("tier_is_gold", gold),
        case.sample.replace("tier_is_gold", gold),
    )
}

pub async fn run(args: &SegmentArgs) -> anyhow::Result<()> {
    let (target, db, now, seeded) = server::seeded_target(
        args.backend,
        &args.postgres_url,
        None,
        args.customers,
        args.orders,
    )
    .await?;
    println!("bench segments: backend {:?}; {seeded}", args.backend);
    let (_, key) = api_keys::create(&db, "bench", &[Scope::Read], "bench", now.millis()).await?;
    let api = server::start(&target, "api").await?;
    let client = reqwest::Client::new();
    for case in cases() {
        let (preview, audience) =
            time(args.runs, || preview(&client, &api.base, &key, &case.rules)).await?;
        let (count, sample) = hand_sql(&case, &db);
        let (hand, by_hand) =
            time(args.runs, || hand_written(&db, &count, &sample, case.days)).await?;
        // Relative windows move between the two (an order leaves the window): a hair's difference.
        anyhow::ensure!(
            (audience - by_hand).abs() <= audience / 1000,
            "{}: the preview counts {audience}, the query by hand {by_hand}",
            case.label
        );
        println!(
            "{} ({audience} customers): preview p50 {:.1} ms, p95 {:.1} ms; by hand p50 {:.1} ms; ratio {:.2}x",
            case.label,
            preview.0,
            preview.1,
            hand.0,
            preview.0 / hand.0
        );
    }
    api.stop().await;
    Ok(())
}

/// p50 and p95 in milliseconds of `runs` timed calls after one warm-up, with the warm-up's answer.
async fn time<F, Fut>(runs: usize, mut call: F) -> anyhow::Result<((f64, f64), i64)>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<i64>>,
{
    let answer = call().await?;
    let mut ms = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        call().await?;
        ms.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    ms.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| ms[((ms.len() - 1) as f64 * q).round() as usize];
    Ok(((at(0.5), at(0.95)), answer))
}

async fn preview(
    client: &reqwest::Client,
    base: &str,
    key: &str,
    rules: &Value,
) -> anyhow::Result<i64> {
    let response = client
        .post(format!("{base}/api/v1/segments/preview"))
        .bearer_auth(key)
        .json(&json!({"rules": rules}))
        .send()
        .await?;
    anyhow::ensure!(
        response.status().is_success(),
        "preview answered {}: {}",
        response.status(),
        response.text().await?
    );
    let body: Value = response.json().await?;
    body["count"]
        .as_i64()
        .ok_or_else(|| anyhow::anyhow!("the preview has no count: {body}"))
}

/// The count and the ten-customer sample, as a person would write them.
async fn hand_written(
    db: &Db,
    count_sql: &str,
    sample_sql: &str,
    days: i64,
) -> anyhow::Result<i64> {
    let now = Timestamp::now().millis();
    let (since, year_ago) = (now - days * 86_400_000, now - 365 * 86_400_000);
    let uses_year = count_sql.contains("$2");
    let count: i64 = on_read!(db, p => {
        let q = sqlx::query_scalar(count_sql).bind(since);
        if uses_year { q.bind(year_ago).fetch_one(p).await } else { q.fetch_one(p).await }
    })?;
    on_read!(db, p => {
        let q = sqlx::query(sample_sql).bind(since);
        if uses_year { q.bind(year_ago).fetch_all(p).await.map(|r| r.len()) } else { q.fetch_all(p).await.map(|r| r.len()) }
    })?;
    Ok(count)
}
