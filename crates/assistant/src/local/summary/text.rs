//! The summary's text, written from the facts alone, with counts grouped the Indian way.

use super::{Facts, NotableSlice, MIN_POINTS, MIN_SLICE};

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
