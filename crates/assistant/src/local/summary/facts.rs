//! The facts of a summary, from the campaign's counters: the rates, the notable slices by a
//! two-proportion z-test, the failure reasons and the comparison with earlier campaigns.

use super::{
    Bucket, Campaign, Comparison, Earlier, Facts, NotableSlice, Reason, MIN_POINTS, MIN_SLICE,
    MIN_Z,
};

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
