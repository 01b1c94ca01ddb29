//! A campaign's performance summary: the facts (reach, delivery, the slices of recipients that did
//! notably better or worse, failure reasons, earlier campaigns) and a text written only from them —
//! every number in the text is one of the facts, formatted the same way.
//!
//! A slice is notable when it has at least `MIN_SLICE` recipients with an outcome, its rate differs from
//! the rest of the campaign's by at least `MIN_POINTS` percentage points, and a two-proportion z-test
//! puts that difference at |z| ≥ 2 (about 95 % confidence that it is not chance).

use serde::{Deserialize, Serialize};

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

fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| round1(part as f64 * 100.0 / whole as f64))
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The facts, from the campaign's counters, its buckets, its failure reasons and earlier campaigns.
pub fn facts(
    campaign: &Campaign,
    buckets: &[Bucket],
    reasons: &[(String, i64)],
    earlier: &[Earlier],
) -> Facts {
    let outcome = campaign.delivered + campaign.failed;
    let mut better = Vec::new();
    let mut worse = Vec::new();
    for b in buckets {
        let n1 = b.delivered + b.failed;
        let n0 = outcome - n1;
        if n1 < MIN_SLICE || n0 < MIN_SLICE {
            continue;
        }
        let p1 = b.delivered as f64 / n1 as f64;
        let p0 = (campaign.delivered - b.delivered) as f64 / n0 as f64;
        let pooled = campaign.delivered as f64 / outcome as f64;
        let se = (pooled * (1.0 - pooled) * (1.0 / n1 as f64 + 1.0 / n0 as f64)).sqrt();
        if se == 0.0 {
            continue;
        }
        let z = (p1 - p0) / se;
        let rate = round1(p1 * 100.0);
        let rest_rate = round1(p0 * 100.0);
        let difference = round1(rate - rest_rate);
        if z.abs() < MIN_Z || difference.abs() < MIN_POINTS {
            continue;
        }
        let slice = NotableSlice {
            dimension: b.dimension.to_owned(),
            key: b.key.clone(),
            label: b.label.clone(),
            recipients: b.recipients,
            delivered: b.delivered,
            failed: b.failed,
            rate,
            rest_rate,
            difference,
            z: round2(z),
        };
        if z > 0.0 {
            better.push(slice);
        } else {
            worse.push(slice);
        }
    }
    better.sort_by(|a, b| b.difference.total_cmp(&a.difference));
    worse.sort_by(|a, b| a.difference.total_cmp(&b.difference));
    let failures: i64 = reasons.iter().map(|(_, n)| n).sum();
    let failure_reasons = reasons
        .iter()
        .map(|(reason, count)| Reason {
            reason: reason.clone(),
            count: *count,
            share: percent(*count, failures).unwrap_or(0.0),
        })
        .collect();
    let delivery_rate = percent(campaign.delivered, outcome);
    let earlier_delivered: i64 = earlier.iter().map(|e| e.delivered).sum();
    let earlier_outcome: i64 = earlier.iter().map(|e| e.delivered + e.failed).sum();
    let earlier = match (percent(earlier_delivered, earlier_outcome), delivery_rate) {
        (Some(rate), Some(ours)) => Some(Comparison {
            campaigns: earlier.len(),
            rate,
            difference: round1(ours - rate),
        }),
        _ => None,
    };
    Facts {
        name: campaign.name.clone(),
        channel: campaign.channel.clone(),
        status: campaign.status.clone(),
        audience: campaign.audience,
        sent: campaign.sent,
        delivered: campaign.delivered,
        failed: campaign.failed,
        pending: campaign.pending,
        delivery_rate,
        better,
        worse,
        failure_reasons,
        earlier,
    }
}

/// A count as people read it: digits grouped the Indian way (12,34,567).
pub fn count(n: i64) -> String {
    let digits = n.abs().to_string();
    let (head, tail) = digits.split_at(digits.len().saturating_sub(3));
    let mut groups = Vec::new();
    let mut rest = head;
    while rest.len() > 2 {
        let (a, b) = rest.split_at(rest.len() - 2);
        groups.push(b);
        rest = a;
    }
    if !rest.is_empty() {
        groups.push(rest);
    }
    groups.reverse();
    let mut out = groups.join(",");
    if !out.is_empty() {
        out.push(',');
    }
    out.push_str(tail);
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

fn pct(x: f64) -> String {
    format!("{x:.1} %")
}

fn points(x: f64) -> String {
    format!("{:.1} points", x.abs())
}

/// The text, from the facts alone.
pub fn text(f: &Facts) -> String {
    let mut out = Vec::new();
    let channel = match f.channel.as_str() {
        "sms" => "SMS",
        "email" => "e-mail",
        "whatsapp" => "WhatsApp",
        other => other,
    };
    out.push(format!(
        "“{}” ({channel}, {}) reached {} of its audience of {}: {} delivered and {} failed{}.",
        f.name,
        f.status,
        count(f.sent),
        count(f.audience),
        count(f.delivered),
        count(f.failed),
        if f.pending > 0 {
            format!(", {} still awaiting a receipt", count(f.pending))
        } else {
            String::new()
        },
    ));
    match f.delivery_rate {
        Some(rate) => out.push(format!("The delivery rate is {}.", pct(rate))),
        None => out.push("No delivery outcomes have arrived yet.".into()),
    }
    let describe = |s: &NotableSlice| {
        format!(
            "{} ({} recipients, {} against {} for the rest)",
            s.label,
            count(s.recipients),
            pct(s.rate),
            pct(s.rest_rate)
        )
    };
    if !f.better.is_empty() {
        let list: Vec<String> = f.better.iter().take(3).map(describe).collect();
        out.push(format!("Did notably better: {}.", list.join("; ")));
    }
    if !f.worse.is_empty() {
        let list: Vec<String> = f.worse.iter().take(3).map(describe).collect();
        out.push(format!("Did notably worse: {}.", list.join("; ")));
    }
    if f.better.is_empty() && f.worse.is_empty() && f.delivery_rate.is_some() {
        out.push(format!(
            "No group of at least {} recipients differed from the rest by {} or more with confidence.",
            count(MIN_SLICE),
            points(MIN_POINTS)
        ));
    }
    if let Some(top) = f.failure_reasons.first() {
        let mut reasons = format!(
            "Most failures were “{}” ({}, {} of failures)",
            top.reason,
            count(top.count),
            pct(top.share)
        );
        if let Some(next) = f.failure_reasons.get(1) {
            reasons.push_str(&format!(", then “{}” ({})", next.reason, count(next.count)));
        }
        reasons.push('.');
        out.push(reasons);
    }
    if let Some(c) = &f.earlier {
        let direction = if c.difference > 0.0 {
            "above"
        } else if c.difference < 0.0 {
            "below"
        } else {
            "level with"
        };
        out.push(if c.difference == 0.0 {
            format!(
                "That is level with the {} campaigns before it ({}).",
                count(c.campaigns as i64),
                pct(c.rate)
            )
        } else {
            format!(
                "That is {} {direction} the {} campaigns before it ({}).",
                points(c.difference),
                count(c.campaigns as i64),
                pct(c.rate)
            )
        });
    }
    out.join(" ")
}

/// Every number written in `text` (digits, with grouping commas and a decimal point), as numbers.
pub fn numbers_in(text: &str) -> Vec<f64> {
    let mut found = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let inside_number = c.is_ascii_digit()
            || ((c == ',' || c == '.')
                && !current.is_empty()
                && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit()));
        if inside_number {
            if c != ',' {
                current.push(c);
            }
        } else if !current.is_empty() {
            found.push(current.parse().unwrap_or(f64::NAN));
            current.clear();
        }
    }
    if !current.is_empty() {
        found.push(current.parse().unwrap_or(f64::NAN));
    }
    found
}

/// Every number the facts hold (and the thresholds the text may quote), for checking a text.
pub fn fact_numbers(f: &Facts) -> Vec<f64> {
    let mut n = vec![
        f.audience as f64,
        f.sent as f64,
        f.delivered as f64,
        f.failed as f64,
        f.pending as f64,
    ];
    n.extend(f.delivery_rate);
    for s in f.better.iter().chain(&f.worse) {
        n.extend([
            s.recipients as f64,
            s.delivered as f64,
            s.failed as f64,
            s.rate,
            s.rest_rate,
            s.difference.abs(),
            s.z,
        ]);
        n.extend(numbers_in(&s.label));
    }
    for r in &f.failure_reasons {
        n.extend([r.count as f64, r.share]);
        n.extend(numbers_in(&r.reason));
    }
    if let Some(c) = &f.earlier {
        n.extend([c.campaigns as f64, c.rate, c.difference.abs()]);
    }
    n.extend([MIN_SLICE as f64, MIN_POINTS]);
    n.extend(numbers_in(&f.name));
    n
}

/// The numbers of `text` that are not among the facts (an empty list for a faithful text).
pub fn unfounded(text: &str, f: &Facts) -> Vec<f64> {
    let known = fact_numbers(f);
    numbers_in(text)
        .into_iter()
        .filter(|x| !known.iter().any(|k| (k - x).abs() < 1e-9))
        .collect()
}

#[cfg(test)]
mod tests;
