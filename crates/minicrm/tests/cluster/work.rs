//! The work the cluster tests put through a deployment — customers, their orders, a campaign — and the
//! checks that afterwards nothing is lost and nothing is doubled, read from the database itself.

use crate::harness::Cluster;
use minicrm_store::on_read;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::time::{Duration, Instant};

/// Every order is ₹10.50.
pub const ORDER_MINOR: i64 = 1050;

/// One request's worth of records, under its idempotency key.
#[derive(Clone)]
pub struct Batch {
    /// `customers` or `orders`.
    pub kind: &'static str,
    pub key: String,
    pub body: Value,
}

/// Batches of customers `{prefix}C{i}` (every one reachable by SMS).
pub fn customer_batches(prefix: &str, batches: usize, per_batch: usize) -> Vec<Batch> {
    (0..batches)
        .map(|b| {
            let body = (0..per_batch)
                .map(|i| {
                    let n = b * per_batch + i;
                    json!({"external_id": format!("{prefix}C{n}"), "name": format!("Asha {n}"),
                           "phone": format!("+9198{n:08}"), "city": if n.is_multiple_of(2) { "Pune" } else { "Mumbai" }})
                })
                .collect();
            Batch {
                kind: "customers",
                key: format!("{prefix}-customers-{b}"),
                body,
            }
        })
        .collect()
}

/// `per_customer` orders for each of the first `customers` customers, in batches of `per_batch`.
pub fn order_batches(
    prefix: &str,
    customers: usize,
    per_customer: usize,
    per_batch: usize,
) -> Vec<Batch> {
    let all: Vec<Value> = (0..customers)
        .flat_map(|c| {
            (0..per_customer).map(move |k| {
                json!({"external_id": format!("{prefix}O{c}-{k}"), "customer_external_id": format!("{prefix}C{c}"),
                       "amount": "10.50", "ordered_at": format!("2026-0{}-1{}T10:00:00Z", 1 + k % 9, c % 10)})
            })
        })
        .collect();
    all.chunks(per_batch)
        .enumerate()
        .map(|(b, chunk)| Batch {
            kind: "orders",
            key: format!("{prefix}-orders-{b}"),
            body: Value::Array(chunk.to_vec()),
        })
        .collect()
}

/// A client of the ingestion API that outlives the processes it talks to.
#[derive(Clone)]
pub struct Poster {
    pub client: reqwest::Client,
    pub key: String,
    /// Every API's base URL, by index.
    pub apis: Vec<String>,
}

/// How a try that did not get a 202 ended.
#[derive(Debug, Default, Clone, Copy)]
pub struct Refusals {
    /// No connection: the process was not there.
    pub refused: usize,
    /// The connection broke or the answer never came: the request was cut off mid-way.
    pub cut: usize,
    /// 503: the API could not take it now.
    pub unavailable: usize,
}

impl Poster {
    /// What a client that keeps trying does with one batch: posts it under its idempotency key to
    /// the APIs `order` in turn until one answers 202 — after a refused connection, a cut-off request
    /// or a 503 it cannot know whether the batch was taken, so it sends it again, and the key makes
    /// that the same ingestion. Returns the ingestion id and the failed tries.
    pub async fn until_accepted(&self, order: &[usize], batch: &Batch) -> (String, Refusals) {
        let Batch { kind, key, body } = batch;
        let deadline = Instant::now() + Duration::from_secs(120);
        let mut refusals = Refusals::default();
        for attempt in 0.. {
            assert!(Instant::now() < deadline, "batch {key} was never accepted");
            let api = &self.apis[order[attempt % order.len()]];
            let sent = self
                .client
                .post(format!("{api}/api/v1/{kind}"))
                .bearer_auth(&self.key)
                .header("idempotency-key", key)
                .json(body)
                .send()
                .await;
            match sent {
                Ok(r) if r.status() == 202 => {
                    let json: Value = r.json().await.unwrap();
                    return (json["ingestion_id"].as_str().unwrap().to_owned(), refusals);
                }
                Ok(r) if r.status() == 503 => refusals.unavailable += 1,
                Ok(r) => panic!("unexpected {}: {}", r.status(), r.text().await.unwrap()),
                Err(e) if e.is_connect() => refusals.refused += 1,
                Err(_) => refusals.cut += 1,
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        unreachable!()
    }
}

/// Posts every batch, `parallel` at a time (in order within each lane; lane `i` tries the APIs of
/// `order` starting from its `i`-th), and waits for all of them to be accepted: the ingestion ids,
/// the sizes and the failed tries summed.
pub async fn post_all(
    poster: &Poster,
    order: &[usize],
    batches: &[Batch],
    parallel: usize,
) -> (Vec<String>, Vec<usize>, Refusals) {
    let lanes = (0..parallel).map(|lane| async move {
        let mut order = order.to_vec();
        let turn = lane % order.len();
        order.rotate_left(turn);
        let mut out = Vec::new();
        for batch in batches.iter().skip(lane).step_by(parallel) {
            let (id, r) = poster.until_accepted(&order, batch).await;
            out.push((id, batch.body.as_array().map_or(1, Vec::len), r));
        }
        out
    });
    let mut ids = Vec::new();
    let mut sizes = Vec::new();
    let mut total = Refusals::default();
    for (id, size, r) in futures::future::join_all(lanes).await.into_iter().flatten() {
        ids.push(id);
        sizes.push(size);
        total.refused += r.refused;
        total.cut += r.cut;
        total.unavailable += r.unavailable;
    }
    (ids, sizes, total)
}

/// Customers `{prefix}C0…` in batches of 500, persisted before this returns.
pub async fn ingest_customers(cluster: &Cluster, prefix: &str, n: usize) {
    let batches = customer_batches(prefix, n.div_ceil(500), 500.min(n));
    let (ids, sizes, _) = post_all(&cluster.poster(), &[0], &batches, 2).await;
    assert_ingestions_completed(cluster, &ids, &sizes).await;
}

/// Waits until every ingestion is completed, each with every record persisted once.
pub async fn assert_ingestions_completed(cluster: &Cluster, ids: &[String], per_batch: &[usize]) {
    let deadline = Instant::now() + Duration::from_secs(180);
    for (id, expected) in ids.iter().zip(per_batch) {
        loop {
            let ingestion = cluster
                .get_json(0, &format!("/api/v1/ingestions/{id}"))
                .await;
            if ingestion["status"] == "completed" {
                assert_eq!(
                    (
                        ingestion["accepted"].as_u64(),
                        ingestion["persisted"].as_u64(),
                        ingestion["rejected"].as_u64()
                    ),
                    (Some(*expected as u64), Some(*expected as u64), Some(0)),
                    "{ingestion}"
                );
                break;
            }
            assert!(
                Instant::now() < deadline,
                "ingestion never completed: {ingestion}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

pub async fn scalar(cluster: &Cluster, sql: &str) -> i64 {
    on_read!(&cluster.db, p => sqlx::query_scalar::<_, i64>(sql).fetch_one(p).await)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Exactly `customers` customers and `orders` orders, and every customer's aggregates equal to its own
/// orders: an order applied twice would count twice there even though its row is unique.
pub async fn assert_records_exact(cluster: &Cluster, customers: i64, orders: i64) {
    assert_eq!(
        scalar(cluster, "SELECT COUNT(*) FROM customers").await,
        customers
    );
    assert_eq!(scalar(cluster, "SELECT COUNT(*) FROM orders").await, orders);
    assert_eq!(
        scalar(cluster, "SELECT COUNT(*) FROM parked_orders").await,
        0,
        "orders still waiting"
    );
    let drifted = scalar(
        cluster,
        "SELECT COUNT(*) FROM customers c WHERE c.order_count <> \
           (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id) \
         OR c.total_spend <> (SELECT COALESCE(SUM(o.amount), 0) FROM orders o WHERE o.customer_id = c.id)",
    )
    .await;
    assert_eq!(
        drifted, 0,
        "customers whose aggregates miss or double orders"
    );
    assert_eq!(
        scalar(
            cluster,
            "SELECT CAST(COALESCE(SUM(total_spend), 0) AS BIGINT) FROM customers"
        )
        .await,
        orders * ORDER_MINOR
    );
}

/// Launches a campaign to every customer whose name contains "asha", through `api`.
pub async fn launch_campaign(cluster: &Cluster, api: usize, name: &str) -> String {
    let body = json!({"name": name, "channel": "sms", "message": "Hi {{first_name}}, 20% off today",
        "rules": {"combinator": "and", "rules": [{"field": "name", "operator": "contains", "value": "asha"}]}});
    let response = cluster.post(api, "/api/v1/campaigns", &body).await;
    let status = response.status();
    let json: Value = response.json().await.unwrap();
    assert_eq!(status, 201, "{json}");
    json["id"].as_str().unwrap().to_owned()
}

pub async fn campaign(cluster: &Cluster, id: &str) -> Value {
    cluster
        .get_json(0, &format!("/api/v1/campaigns/{id}"))
        .await
}

pub async fn wait_campaign(
    cluster: &Cluster,
    id: &str,
    limit: Duration,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = Instant::now() + limit;
    loop {
        let c = campaign(cluster, id).await;
        if done(&c) {
            return c;
        }
        assert!(
            Instant::now() < deadline,
            "the campaign never got there: {c}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The campaign completed with one log row per recipient, each final (delivered or failed) and handed
/// to the vendor once: the vendor accepted exactly `audience` distinct messages and sent a receipt for
/// each, and the counters equal the log.
pub async fn assert_campaign_exact(cluster: &Cluster, id: &str, audience: i64) {
    let done = wait_campaign(cluster, id, Duration::from_secs(180), |c| {
        c["status"] == "completed"
    })
    .await;
    let in_log = |filter: &str| {
        format!("SELECT COUNT(*) FROM communication_log WHERE campaign_id = '{id}' {filter}")
    };
    assert_eq!(scalar(cluster, &in_log("")).await, audience, "one row each");
    assert_eq!(
        scalar(
            cluster,
            &in_log("AND status NOT IN ('delivered', 'failed')")
        )
        .await,
        0,
        "every recipient has a final status"
    );
    assert_eq!(
        scalar(
            cluster,
            &format!(
                "SELECT COUNT(DISTINCT vendor_message_id) FROM communication_log WHERE campaign_id = '{id}'"
            )
        )
        .await,
        audience,
        "each recipient handed to the vendor once"
    );
    let stats = &done["stats"];
    let delivered = scalar(cluster, &in_log("AND status = 'delivered'")).await;
    assert_eq!(stats["audience"], audience, "{done}");
    assert_eq!(stats["delivered"], delivered, "{done}");
    assert_eq!(stats["failed"], audience - delivered, "{done}");
    assert_eq!(
        (stats["queued"].as_i64(), stats["sent"].as_i64()),
        (Some(0), Some(0))
    );
    let vendor = cluster.vendor_stats().await;
    assert_eq!(
        vendor["accepted"], audience,
        "one message per recipient: {vendor}"
    );
    assert_eq!(
        vendor["delivered"].as_i64().unwrap() + vendor["failed"].as_i64().unwrap(),
        audience,
        "{vendor}"
    );
    assert_eq!(vendor["delivered"], delivered, "{vendor}");
}

/// Ids of distinct ingestions: a retried batch must come back as the same one.
pub fn distinct(ids: &[String]) -> usize {
    ids.iter().collect::<HashSet<_>>().len()
}
