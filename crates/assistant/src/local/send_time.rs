//! The best time to send, from when an audience actually orders: a day-of-week × hour histogram in the
//! customers' time zone, smoothed over neighbouring hours, its strongest slots (on different days or
//! hours apart), and a confidence that falls with few orders and with a flat week.

use chrono::{DateTime, Datelike, Duration, FixedOffset, TimeZone, Utc};
use serde::Serialize;

pub const DAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Orders by (day of week, Monday first) × hour, in the customers' time zone.
pub type Histogram = [[u64; 24]; 7];

/// Below this many orders the audience's own week says too little: the whole base is used instead.
pub const MIN_ORDERS: u64 = 200;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Slot {
    pub day: &'static str,
    pub hour: u32,
    /// Share of the (smoothed) orders that fall in this hour of the week.
    pub share: f64,
    /// The next time this slot comes round, at least 15 minutes from now (RFC 3339, in the zone).
    #[schema(format = DateTime)]
    pub next_at: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SendTime {
    /// Up to three slots, best first.
    pub recommended: Vec<Slot>,
    /// The histogram the slots come from: 7 rows (Monday first) of 24 hours.
    #[schema(value_type = Vec<Vec<u64>>)]
    pub histogram: Histogram,
    /// 0..1: how far to trust the recommendation.
    pub confidence: f64,
    /// `audience`, or `all_customers` when the audience ordered too little.
    pub basis: &'static str,
    /// Orders behind the histogram.
    pub orders: u64,
    /// Orders of the audience itself.
    pub audience_orders: u64,
    pub timezone: String,
    /// One line that says what the numbers mean.
    pub explanation: String,
}

/// Folds counts by hour-of-week counted from Thursday 00:00 (the epoch's weekday; what
/// `(local_seconds / 3600) % 168` gives) into a Monday-first histogram.
pub fn from_epoch_slots(slots: &[(i64, u64)]) -> Histogram {
    let mut histogram = [[0u64; 24]; 7];
    for &(slot, count) in slots {
        let slot = slot.rem_euclid(168) as usize;
        let day = (slot / 24 + 3) % 7;
        histogram[day][slot % 24] += count;
    }
    histogram
}

fn total(h: &Histogram) -> u64 {
    h.iter().flatten().sum()
}

/// Each hour with half of each neighbouring hour (round the week), so that one noisy hour does not win.
fn smoothed(h: &Histogram) -> [f64; 168] {
    let flat: Vec<f64> = h.iter().flatten().map(|&c| c as f64).collect();
    let mut out = [0.0; 168];
    for (i, o) in out.iter_mut().enumerate() {
        *o = flat[i] + 0.5 * (flat[(i + 167) % 168] + flat[(i + 1) % 168]);
    }
    out
}

/// The recommendation for an audience, falling back to the whole base's week when the audience
/// ordered fewer than `MIN_ORDERS` times.
pub fn recommend(
    audience: Histogram,
    everyone: impl FnOnce() -> Histogram,
    now: DateTime<Utc>,
    zone: FixedOffset,
    zone_name: &str,
) -> SendTime {
    let audience_orders = total(&audience);
    let (histogram, basis) = if audience_orders >= MIN_ORDERS {
        (audience, "audience")
    } else {
        (everyone(), "all_customers")
    };
    let orders = total(&histogram);
    let weights = smoothed(&histogram);
    let weight_sum: f64 = weights.iter().sum();
    let mut order: Vec<usize> = (0..168).collect();
    order.sort_by(|&a, &b| weights[b].total_cmp(&weights[a]).then(a.cmp(&b)));
    let mut chosen: Vec<usize> = Vec::new();
    for i in order {
        if chosen.len() == 3 || weights[i] <= 0.0 {
            break;
        }
        // Another slot must be another day, or at least three hours from the ones chosen.
        let apart = chosen.iter().all(|&c| {
            let gap = (i as i64 - c as i64).rem_euclid(168);
            let gap = gap.min(168 - gap);
            c / 24 != i / 24 || gap >= 3
        });
        if apart {
            chosen.push(i);
        }
    }
    let recommended: Vec<Slot> = chosen
        .iter()
        .map(|&i| Slot {
            day: DAYS[i / 24],
            hour: (i % 24) as u32,
            share: round3(weights[i] / weight_sum.max(1.0)),
            next_at: next_occurrence(now, zone, i / 24, (i % 24) as u32).to_rfc3339(),
        })
        .collect();
    let confidence = confidence(orders, &weights, basis);
    let explanation = match recommended.first() {
        None => "No orders yet to learn a rhythm from.".to_owned(),
        Some(best) => format!(
            "From {orders} orders of {}, in {zone_name}: {} around {:02}:00 is the busiest hour of the week \
             ({:.1} % of orders near it, against {:.1} % for an average hour).",
            if basis == "audience" { "this audience" } else { "all customers (this audience ordered too little)" },
            capitalise(best.day),
            best.hour,
            best.share * 100.0,
            100.0 / 168.0,
        ),
    };
    SendTime {
        recommended,
        histogram,
        confidence,
        basis,
        orders,
        audience_orders,
        timezone: zone_name.to_owned(),
        explanation,
    }
}

/// Grows with the number of orders and with how much the best hour stands out; lower when borrowed
/// from the whole base.
fn confidence(orders: u64, weights: &[f64; 168], basis: &str) -> f64 {
    let sum: f64 = weights.iter().sum();
    if orders == 0 || sum <= 0.0 {
        return 0.0;
    }
    let peak = weights.iter().cloned().fold(0.0, f64::max) / sum;
    // 1 for a flat week; 3× an average hour or more counts as a clear peak.
    let prominence = ((peak * 168.0 - 1.0) / 2.0).clamp(0.0, 1.0);
    let n = orders as f64;
    let sample = n / (n + 300.0);
    let borrowed = if basis == "audience" { 1.0 } else { 0.6 };
    round3(sample * (0.4 + 0.6 * prominence) * borrowed)
}

/// The next start of `hour` on `day` (Monday = 0) in `zone`, at least 15 minutes after `now`.
pub fn next_occurrence(
    now: DateTime<Utc>,
    zone: FixedOffset,
    day: usize,
    hour: u32,
) -> DateTime<FixedOffset> {
    let local = now.with_timezone(&zone);
    let today = local.weekday().num_days_from_monday() as i64;
    let mut days_ahead = (day as i64 - today).rem_euclid(7);
    loop {
        let date = local.date_naive() + Duration::days(days_ahead);
        let candidate = zone
            .from_local_datetime(&date.and_hms_opt(hour, 0, 0).expect("an hour of the day"))
            .single()
            .expect("a fixed offset has no gaps");
        if candidate >= local + Duration::minutes(15) {
            return candidate;
        }
        days_ahead += 7;
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn capitalise(day: &str) -> String {
    let mut c = day.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// Asia/Kolkata: +05:30 all year.
pub fn india() -> FixedOffset {
    FixedOffset::east_opt(5 * 3600 + 1800).expect("a valid offset")
}

/// Seconds to add to UTC seconds for the zone (for the SQL that buckets order times).
pub fn offset_seconds(zone: FixedOffset) -> i64 {
    zone.local_minus_utc() as i64
}

#[cfg(test)]
mod tests;
