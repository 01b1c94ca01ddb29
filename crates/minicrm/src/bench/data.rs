//! Deterministic benchmark records, as JSON request bodies built before the clock starts.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};

/// One order of the benchmark, kept to compute the expected aggregates and feed the baseline.
#[derive(Debug, Clone)]
pub struct Order {
    pub external_id: String,
    pub customer: usize,
    /// Paise.
    pub amount: i64,
    /// Milliseconds since the epoch.
    pub ordered_at: i64,
}

pub fn customer_id(i: usize) -> String {
    format!("BC{i:07}")
}

pub fn customers(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| json!({"external_id": customer_id(i), "name": format!("Bench Customer {i}"), "email": format!("bench{i}@example.com"), "city": "Mumbai"}))
        .collect()
}

pub fn orders(n: usize, customers: usize, seed: u64) -> Vec<Order> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let start = 1_700_000_000_000_i64;
    (0..n)
        .map(|i| Order {
            external_id: format!("BO{i:08}"),
            customer: rng.gen_range(0..customers),
            amount: rng.gen_range(100..500_000),
            ordered_at: start + rng.gen_range(0..60_000_000_000),
        })
        .collect()
}

pub fn order_json(o: &Order) -> Value {
    let amount = format!("{}.{:02}", o.amount / 100, o.amount % 100);
    let at = minicrm_domain::Timestamp::from_millis(o.ordered_at).to_rfc3339();
    json!({"external_id": o.external_id, "customer_external_id": customer_id(o.customer), "amount": amount, "ordered_at": at})
}

/// Request bodies of `batch` records each.
pub fn bodies(records: &[Value], batch: usize) -> Vec<Vec<u8>> {
    records
        .chunks(batch)
        .map(|c| serde_json::to_vec(c).expect("JSON"))
        .collect()
}
