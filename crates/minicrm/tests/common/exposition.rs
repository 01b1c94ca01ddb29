//! A strict reader of the Prometheus text format (0.0.4), so the tests can hold `/metrics` to it: every
//! line a `# HELP`, a `# TYPE` or a well-formed sample of a typed family, label values unescaped, and
//! every histogram's buckets cumulative up to `+Inf`, which equals its `_count`.

// Each test binary that includes `common` uses part of this reader.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone)]
pub struct Sample {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub value: f64,
}

#[derive(Debug, Default)]
pub struct Exposition {
    pub samples: Vec<Sample>,
    /// Family name → counter, gauge, histogram, summary or untyped.
    pub types: HashMap<String, String>,
}

impl Exposition {
    /// The samples named `name` whose labels include `labels`.
    pub fn matching<'a>(
        &'a self,
        name: &'a str,
        labels: &'a [(&'a str, &'a str)],
    ) -> impl Iterator<Item = &'a Sample> + 'a {
        self.samples.iter().filter(move |s| {
            s.name == name
                && labels
                    .iter()
                    .all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))
        })
    }

    /// The sum of the samples named `name` whose labels include `labels`; 0 when there is none.
    pub fn sum(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.matching(name, labels).map(|s| s.value).sum()
    }

    pub fn has(&self, name: &str, labels: &[(&str, &str)]) -> bool {
        self.matching(name, labels).next().is_some()
    }
}

/// Reads a whole exposition, or says which line breaks the format and how.
pub fn parse(text: &str) -> Result<Exposition, String> {
    let mut out = Exposition::default();
    for (n, line) in text.lines().enumerate() {
        let at = |e: String| format!("line {}: {e}: {line:?}", n + 1);
        if line.is_empty() {
            continue;
        }
        match line.strip_prefix("# ") {
            Some(comment) => comment_line(comment, &mut out.types).map_err(at)?,
            None => out.samples.push(sample(line).map_err(at)?),
        }
    }
    for s in &out.samples {
        family_type(&out.types, &s.name).ok_or_else(|| format!("no # TYPE for {}", s.name))?;
    }
    check_histograms(&out)?;
    Ok(out)
}

fn comment_line(comment: &str, types: &mut HashMap<String, String>) -> Result<(), String> {
    let mut words = comment.splitn(3, ' ');
    let (kind, name, rest) = (words.next(), words.next(), words.next());
    let name = name
        .filter(|n| is_metric_name(n))
        .ok_or("a bad metric name")?;
    match (kind, rest) {
        (Some("HELP"), Some(_)) => Ok(()),
        (Some("TYPE"), Some(t @ ("counter" | "gauge" | "histogram" | "summary" | "untyped"))) => {
            match types.insert(name.to_owned(), t.to_owned()) {
                None => Ok(()),
                Some(_) => Err("a second # TYPE".into()),
            }
        }
        _ => Err("a comment that is neither # HELP nor # TYPE".into()),
    }
}

fn is_metric_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

fn is_label_name(name: &str) -> bool {
    is_metric_name(name) && !name.contains(':')
}

fn sample(line: &str) -> Result<Sample, String> {
    let end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(line.len());
    let name = &line[..end];
    if !is_metric_name(name) {
        return Err("a bad metric name".into());
    }
    let mut rest = &line[end..];
    let mut labels = BTreeMap::new();
    if let Some(inner) = rest.strip_prefix('{') {
        rest = label_set(inner, &mut labels)?;
    }
    let rest = rest.strip_prefix(' ').ok_or("no space before the value")?;
    let mut fields = rest.split(' ');
    let value = number(fields.next().unwrap_or_default())?;
    if let Some(timestamp) = fields.next() {
        timestamp.parse::<i64>().map_err(|_| "a bad timestamp")?;
    }
    if fields.next().is_some() {
        return Err("text after the timestamp".into());
    }
    Ok(Sample {
        name: name.to_owned(),
        labels,
        value,
    })
}

/// Reads `name="value",…}` and returns what follows the `}`.
fn label_set<'a>(
    mut rest: &'a str,
    labels: &mut BTreeMap<String, String>,
) -> Result<&'a str, String> {
    loop {
        if let Some(after) = rest.strip_prefix('}') {
            return Ok(after);
        }
        let (name, after) = rest.split_once('=').ok_or("a label without '='")?;
        if !is_label_name(name) {
            return Err(format!("a bad label name {name:?}"));
        }
        let after = after.strip_prefix('"').ok_or("an unquoted label value")?;
        let (value, after) = quoted(after)?;
        if labels.insert(name.to_owned(), value).is_some() {
            return Err(format!("the label {name} twice"));
        }
        rest = match after.strip_prefix(',') {
            Some(more) => more,
            None if after.starts_with('}') => after,
            None => return Err("labels not separated by ','".into()),
        };
    }
}

/// Reads an escaped label value up to its closing quote; returns it and what follows the quote.
fn quoted(text: &str) -> Result<(String, &str), String> {
    let mut value = String::new();
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((value, &text[i + 1..])),
            '\\' => match chars.next().map(|(_, c)| c) {
                Some('n') => value.push('\n'),
                Some('\\') => value.push('\\'),
                Some('"') => value.push('"'),
                other => return Err(format!("a bad escape \\{other:?}")),
            },
            '\n' => return Err("a raw line break in a label value".into()),
            c => value.push(c),
        }
    }
    Err("an unterminated label value".into())
}

fn number(text: &str) -> Result<f64, String> {
    match text {
        "+Inf" => Ok(f64::INFINITY),
        "-Inf" => Ok(f64::NEG_INFINITY),
        "NaN" => Ok(f64::NAN),
        _ if text
            .chars()
            .any(|c| c.is_ascii_alphabetic() && c != 'e' && c != 'E') =>
        {
            Err(format!("a bad value {text:?}"))
        }
        _ => text.parse().map_err(|_| format!("a bad value {text:?}")),
    }
}

/// The type of the family a sample belongs to (a histogram's `_bucket`, `_sum` and `_count` belong to
/// the histogram).
fn family_type<'a>(types: &'a HashMap<String, String>, name: &str) -> Option<&'a str> {
    if let Some(t) = types.get(name) {
        return Some(t);
    }
    ["_bucket", "_sum", "_count"].iter().find_map(|suffix| {
        let family = name.strip_suffix(suffix)?;
        types
            .get(family)
            .filter(|t| matches!(t.as_str(), "histogram" | "summary"))
            .map(String::as_str)
    })
}

fn check_histograms(exposition: &Exposition) -> Result<(), String> {
    let histograms = exposition.types.iter().filter(|(_, t)| *t == "histogram");
    for (family, _) in histograms {
        let bucket_name = format!("{family}_bucket");
        let mut series: BTreeMap<BTreeMap<String, String>, Vec<(f64, f64)>> = BTreeMap::new();
        for s in exposition.samples.iter().filter(|s| s.name == bucket_name) {
            let mut labels = s.labels.clone();
            let le = labels.remove("le").ok_or("a bucket without le")?;
            series
                .entry(labels)
                .or_default()
                .push((number(&le)?, s.value));
        }
        for (labels, mut buckets) in series {
            buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
            let cumulative = buckets.windows(2).all(|w| w[0].1 <= w[1].1);
            let top = buckets.last().filter(|b| b.0 == f64::INFINITY);
            let count = exposition
                .samples
                .iter()
                .find(|s| s.name == format!("{family}_count") && s.labels == labels);
            match (cumulative, top, count) {
                (true, Some(top), Some(count)) if top.1 == count.value => {}
                _ => {
                    return Err(format!(
                        "{family}{labels:?}: buckets not cumulative up to +Inf = _count"
                    ))
                }
            }
        }
    }
    Ok(())
}
