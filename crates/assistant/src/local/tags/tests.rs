use super::*;
use minicrm_domain::{rules, Currency};
use serde_json::json;

fn group(v: serde_json::Value) -> Group {
    rules::parse(&v, Currency::INR).unwrap()
}

#[test]
fn rules_and_objectives_earn_tags() {
    let g = group(json!({"combinator": "and", "rules": [
        {"field": "last_order_at", "operator": "older_than_days", "value": 180},
        {"field": "total_spend", "operator": ">", "value": 20000},
        {"field": "city", "operator": "in", "value": ["Pune", "Mumbai"]}
    ]}));
    assert_eq!(
        tags(&g, Some("Diwali sale"), 100),
        ["win-back", "high-value", "city-targeted", "festive"]
    );
    let g = group(json!({"combinator": "or", "rules": [
        {"field": "order_count", "operator": "=", "value": 1},
        {"field": "attributes.tier", "operator": "=", "value": "Gold"}
    ]}));
    assert_eq!(tags(&g, None, 100), ["one-time-buyers", "high-value"]);
    let negated = group(json!({"combinator": "and", "not": true, "rules": [
        {"field": "last_order_at", "operator": "older_than_days", "value": 30}
    ]}));
    assert!(
        tags(&negated, None, 100).is_empty(),
        "a negated condition earns nothing"
    );
    let low = group(
        json!({"combinator": "and", "rules": [{"field": "total_spend", "operator": ">", "value": 500}]}),
    );
    assert!(tags(&low, Some("a newsletter"), 100).is_empty());
}
