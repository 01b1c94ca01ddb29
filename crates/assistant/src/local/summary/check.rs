//! Checking a text against its facts: every number it writes must be one of theirs.

use super::{Facts, MIN_POINTS, MIN_SLICE};

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
