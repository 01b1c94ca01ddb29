//! A campaign's performance summary: the facts (reach, delivery, the slices of recipients that did
//! notably better or worse, failure reasons, earlier campaigns) and a text written only from them —
//! every number in the text is one of the facts, formatted the same way.
//!
//! A slice is notable when it has at least `MIN_SLICE` recipients with an outcome, its rate differs from
//! the rest of the campaign's by at least `MIN_POINTS` percentage points, and a two-proportion z-test
//! puts that difference at |z| ≥ 2 (about 95 % confidence that it is not chance).

use serde::{Deserialize, Serialize};

mod check;
mod facts;
mod text;

pub use check::{fact_numbers, numbers_in, unfounded};
pub use facts::facts;
pub use text::{count, text};

pub const MIN_SLICE: i64 = 30;
pub const MIN_POINTS: f64 = 3.0;
pub const MIN_Z: f64 = 2.0;

/// Delivery of one bucket of recipients.
#[derive(Debug, Clone)]
pub struct Bucket {
    pub dimension: &'static str,
    pub key: String,
    /// How people read the bucket: "spend ₹5,000–₹25,000", "Pune", "last order 30–90 days before".
    pub label: String,
    pub recipients: i64,
    pub delivered: i64,
    pub failed: i64,
}

#[derive(Debug, Clone)]
pub struct Campaign {
    pub name: String,
    pub channel: String,
    pub status: String,
    pub audience: i64,
    pub sent: i64,
    pub delivered: i64,
    pub failed: i64,
    pub pending: i64,
}

#[derive(Debug, Clone)]
pub struct Earlier {
    pub name: String,
    pub delivered: i64,
    pub failed: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NotableSlice {
    pub dimension: String,
    pub key: String,
    pub label: String,
    pub recipients: i64,
    pub delivered: i64,
    pub failed: i64,
    /// Delivered among those with an outcome, in percent (one decimal).
    pub rate: f64,
    /// The rest of the campaign's rate, in percent.
    pub rest_rate: f64,
    /// `rate - rest_rate`, in points.
    pub difference: f64,
    pub z: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Reason {
    pub reason: String,
    pub count: i64,
    /// Share of the failures, in percent.
    pub share: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Comparison {
    pub campaigns: usize,
    /// Their delivery rate taken together, in percent.
    pub rate: f64,
    /// This campaign's rate minus theirs, in points.
    pub difference: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Facts {
    pub name: String,
    pub channel: String,
    pub status: String,
    pub audience: i64,
    pub sent: i64,
    pub delivered: i64,
    pub failed: i64,
    /// Still waiting for a final outcome.
    pub pending: i64,
    /// Delivered among those with an outcome, in percent; null before any.
    pub delivery_rate: Option<f64>,
    pub better: Vec<NotableSlice>,
    pub worse: Vec<NotableSlice>,
    pub failure_reasons: Vec<Reason>,
    pub earlier: Option<Comparison>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Summary {
    pub text: String,
    pub facts: Facts,
    pub provider: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback: Option<String>,
}

#[cfg(test)]
mod tests;
