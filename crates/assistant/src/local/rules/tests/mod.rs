//! The local parser end to end: exact rules for the phrasings it must understand, what it reports
//! as not understood, its explanations, and that everything it produces is a valid rule tree. The
//! helpers here read a prompt as of one fixed moment; each file covers one kind of phrase.

mod explanations;
mod grouping;
mod orders;
mod people;
mod recency;
mod robustness;
mod spend;
mod unrecognised;

use super::parse;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

/// Monday 15 June 2026, noon in India.
fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-06-15T12:00:00+05:30")
        .unwrap()
        .with_timezone(&Utc)
}

fn valid(rules: &Value) {
    if let Err(e) = minicrm_domain::rules::parse(rules, minicrm_domain::Currency::INR) {
        panic!("{rules} is not a valid rule tree: {e:?}");
    }
}

/// The prompt's rules, checked valid, with nothing left unrecognised.
fn rules(prompt: &str) -> Value {
    let parsed = parse(prompt, now());
    assert!(
        parsed.unrecognised.is_empty(),
        "{prompt:?} left {:?} unrecognised",
        parsed.unrecognised
    );
    let rules = parsed
        .rules
        .unwrap_or_else(|| panic!("{prompt:?} gave no rules"));
    valid(&rules);
    assert!(
        !parsed.explanation.is_empty(),
        "{prompt:?} was not explained"
    );
    rules
}

/// The rules of a prompt that reads as one condition.
fn one(prompt: &str) -> Value {
    let rules = rules(prompt);
    let list = rules["rules"].as_array().unwrap();
    assert_eq!(
        (rules["combinator"].as_str(), list.len(), rules.get("not")),
        (Some("and"), 1, None),
        "{prompt:?} gave {rules}"
    );
    list[0].clone()
}

fn check(prompt: &str, expected: Value) {
    assert_eq!(one(prompt), expected, "{prompt:?}");
}

fn check_all(prompts: &[&str], expected: Value) {
    for prompt in prompts {
        check(prompt, expected.clone());
    }
}

fn all(conditions: Value) -> Value {
    json!({"combinator": "and", "rules": conditions})
}

fn any(conditions: Value) -> Value {
    json!({"combinator": "or", "rules": conditions})
}

fn c(field: &str, operator: &str, value: Value) -> Value {
    json!({"field": field, "operator": operator, "value": value})
}
