//! What an order holds: a long-tailed rupee amount, a status, and for some orders the line items that
//! make up the amount.

use super::rhythm::DAY_MS;
use super::sample::{log_normal, normal, pick_weighted};
use super::tables::{Product, PRODUCTS};
use minicrm_domain::{LineItem, OrderStatus};
use rand::Rng;

/// Median order value in rupees; with a log spread of ~1 the tail passes ₹50,000.
const MEDIAN_RUPEES: f64 = 1_100.0;
const SPREAD: f64 = 1.0;
const MIN_RUPEES: f64 = 49.0;
const MAX_RUPEES: f64 = 300_000.0;
const WITH_ITEMS: f64 = 0.3;
/// Orders younger than this may still be pending.
const PENDING_AGE_MS: i64 = 10 * DAY_MS;

/// An order amount in paise. `taste` scales the customer's typical basket (1.0 = everyone's median).
/// Prices mostly end in 9 (₹1,499), some carry paise (groceries by weight).
pub fn amount(rng: &mut impl Rng, taste: f64) -> i64 {
    let rupees =
        log_normal(rng, MEDIAN_RUPEES * taste, SPREAD).clamp(MIN_RUPEES, MAX_RUPEES) as i64;
    if rng.gen_bool(0.15) {
        rupees * 100 + rng.gen_range(0..100)
    } else if rupees >= 100 && rng.gen_bool(0.7) {
        ((rupees + 5) / 10 * 10 - 1) * 100
    } else {
        rupees * 100
    }
}

/// Mostly completed; recent orders may be pending, older ones sometimes cancelled or refunded.
pub fn status(rng: &mut impl Rng, age_ms: i64) -> OrderStatus {
    if age_ms < PENDING_AGE_MS && rng.gen_bool(0.3) {
        return OrderStatus::Pending;
    }
    match pick_weighted(rng, &[920, 50, 30]) {
        0 => OrderStatus::Completed,
        1 => OrderStatus::Cancelled,
        _ => OrderStatus::Refunded,
    }
}

/// For about a third of orders, one to three products (quantity 1) whose prices add up to `amount`.
pub fn items(rng: &mut impl Rng, amount: i64) -> Vec<LineItem> {
    if !rng.gen_bool(WITH_ITEMS) {
        return Vec::new();
    }
    let n = pick_weighted(rng, &[50, 35, 15]) + 1;
    split(rng, amount, n)
        .into_iter()
        .map(|price| line(rng, price))
        .collect()
}

/// `amount` cut into `n` non-negative parts that sum to it exactly; all but the last in whole rupees.
fn split(rng: &mut impl Rng, amount: i64, n: usize) -> Vec<i64> {
    let shares: Vec<f64> = (0..n).map(|_| rng.gen_range(0.2..1.0)).collect();
    let total: f64 = shares.iter().sum();
    let mut parts: Vec<i64> = shares
        .iter()
        .map(|s| (amount as f64 * s / total / 100.0) as i64 * 100)
        .collect();
    let assigned: i64 = parts.iter().sum();
    if let Some(last) = parts.last_mut() {
        *last += amount - assigned;
    }
    parts
}

/// A line at `price` (paise), for a product whose usual price is near it: a ₹150 line is kajal, not
/// a laptop.
fn line(rng: &mut impl Rng, price: i64) -> LineItem {
    let target = (price.max(100) as f64 / 100.0).ln() + 0.5 * normal(rng);
    let distance = |p: &&Product| (f64::from(p.3).ln() - target).abs();
    let (sku, name, category, _) = *PRODUCTS
        .iter()
        .min_by(|a, b| distance(a).total_cmp(&distance(b)))
        .unwrap_or(&PRODUCTS[0]);
    LineItem {
        sku: sku.into(),
        name: name.into(),
        category: Some(category.into()),
        quantity: 1,
        price,
    }
}

#[cfg(test)]
mod tests;
