//! Negation, and / or, parentheses and `either … or …`.

use super::{all, any, c, check, rules};
use serde_json::{json, Value};

#[test]
fn negation() {
    check(
        "excluding gold tier",
        c("attributes.tier", "!=", json!("gold")),
    );
    check(
        "except those who ordered in the last week",
        c("last_order_at", "older_than_days", json!(7)),
    );
    check(
        "customers who are not repeat customers",
        c("order_count", "<", json!(2)),
    );
    check(
        "customers not acquired through ads",
        c("attributes.acquisition", "!=", json!("ads")),
    );
    check(
        "not from Mumbai or Pune",
        c("city", "not_in", json!(["Mumbai", "Pune"])),
    );
    check("not not gold", c("attributes.tier", "=", json!("gold")));
    // No operator says "does not end with": a negated group does.
    assert_eq!(
        rules("not gmail users"),
        json!({"combinator": "and", "not": true, "rules": [c("email", "ends_with", json!("@gmail.com"))]})
    );
    // An order date before a day is not the opposite of one after it (never-ordered customers
    // have none), so that too is a negated group.
    assert_eq!(
        rules("customers who haven't ordered since 2026-01-01"),
        json!({"combinator": "and", "not": true, "rules": [c("last_order_at", ">=", json!("2026-01-01"))]})
    );
    assert_eq!(
        rules("customers who bought from beauty but not from apparel"),
        all(json!([
            c("bought_category", "=", json!("beauty")),
            c("bought_category", "!=", json!("apparel"))
        ]))
    );
    assert_eq!(
        rules("ordered in the last 30 days but not in the last 7 days"),
        all(json!([
            c("last_order_at", "within_last_days", json!(30)),
            c("last_order_at", "older_than_days", json!(7))
        ]))
    );
}

#[test]
fn grouping() {
    let mumbai_pune = c("city", "in", json!(["Mumbai", "Pune"]));
    let spend = c("total_spend", ">", json!(5000));
    let gold = c("attributes.tier", "=", json!("gold"));
    let delhi = c("city", "=", json!("Delhi"));
    assert_eq!(
        rules("(from Mumbai or Pune) and spent over 5k"),
        all(json!([mumbai_pune, spend]))
    );
    assert_eq!(
        rules("from Mumbai or Pune who spent over 5k"),
        all(json!([mumbai_pune, spend]))
    );
    // AND binds tighter than OR...
    assert_eq!(
        rules("gold tier or spent over 5k and from Delhi"),
        any(json!([gold, all(json!([spend, delhi]))]))
    );
    // ...unless parentheses say otherwise.
    assert_eq!(
        rules("(gold tier or spent over 5k) and from Delhi"),
        all(json!([any(json!([gold, spend])), delhi]))
    );
    assert_eq!(
        rules("either from Mumbai or spent over 5k, and ordered recently"),
        all(json!([
            any(json!([c("city", "=", json!("Mumbai")), spend])),
            c("last_order_at", "within_last_days", json!(30))
        ]))
    );
    assert_eq!(
        rules("women in Delhi or men in Mumbai"),
        any(json!([
            all(json!([c("attributes.gender", "=", json!("female")), delhi])),
            all(json!([
                c("attributes.gender", "=", json!("male")),
                c("city", "=", json!("Mumbai"))
            ]))
        ]))
    );
    assert_eq!(
        rules("NOT (gold tier and from Delhi)"),
        json!({"combinator": "and", "not": true, "rules": [gold, delhi]})
    );
    assert_eq!(
        rules("not either gold tier or from Delhi"),
        json!({"combinator": "or", "not": true, "rules": [gold, delhi]})
    );
    assert_eq!(
        rules("neither gold nor silver members"),
        all(json!([
            c("attributes.tier", "!=", json!("gold")),
            c("attributes.tier", "!=", json!("silver"))
        ]))
    );
    assert_eq!(
        rules("customers with no phone number or no email"),
        any(json!([
            c("phone", "is_null", Value::Null),
            c("email", "is_null", Value::Null)
        ]))
    );
    assert_eq!(
        rules("Gold members in Mumbai who haven't ordered in 2 months, with an AOV above ₹2,000"),
        all(json!([
            gold,
            c("city", "=", json!("Mumbai")),
            c("last_order_at", "older_than_days", json!(60)),
            c("avg_order_value", ">", json!(2000))
        ]))
    );
}
