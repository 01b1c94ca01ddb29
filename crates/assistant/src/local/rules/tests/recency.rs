//! When customers last ordered, first ordered and joined, with calendar words in the Indian calendar.

use super::{all, c, check, check_all, parse, rules};
use chrono::{DateTime, Utc};
use serde_json::json;

#[test]
fn no_recent_order() {
    let older = |days: u32| c("last_order_at", "older_than_days", json!(days));
    check("haven't shopped in 6 months", older(180));
    check("customers who haven't ordered in a year", older(365));
    check("inactive for 90 days", older(90));
    check("inactive for more than 45 days", older(45));
    check("no purchase in the last 2 months", older(60));
    check("customers with no orders in the last fortnight", older(14));
    check_all(&["lapsed", "lapsed customers", "dormant users"], older(90));
    check("last purchase more than 90 days ago", older(90));
    check(
        "customers who last bought something over a year ago",
        older(365),
    );
    check(
        "customers who haven't purchased in over 3 months",
        older(90),
    );
    check(
        "customers who bought nothing in the last 6 months",
        older(180),
    );
    check("customers with no activity for 90 days", older(90));
    check(
        "customers who haven't bought anything in the last quarter",
        older(90),
    );
}

#[test]
fn recent_orders() {
    let within = |days: u32| c("last_order_at", "within_last_days", json!(days));
    check("bought in the last 2 weeks", within(14));
    check("ordered recently", within(30));
    check("active in the past month", within(30));
    check("ordered in the last 2 quarters", within(180));
    check(
        "customers who bought something in the last 3 weeks",
        within(21),
    );
    check(
        "customers who ordered this month",
        c("last_order_at", ">=", json!("2026-06-01")),
    );
}

#[test]
fn when_customers_joined() {
    check(
        "joined this month",
        c("created_at", ">=", json!("2026-06-01")),
    );
    check(
        "joined in the last 10 days",
        c("created_at", "within_last_days", json!(10)),
    );
    check(
        "new customers",
        c("created_at", "within_last_days", json!(30)),
    );
    check(
        "new signups in the last 2 weeks",
        c("created_at", "within_last_days", json!(14)),
    );
    check(
        "joined before 2025-01-01",
        c("created_at", "<", json!("2025-01-01")),
    );
    check(
        "customers for over a year",
        c("created_at", "older_than_days", json!(365)),
    );
    assert_eq!(
        rules("customers who joined last month"),
        all(json!([
            c("created_at", ">=", json!("2026-05-01")),
            c("created_at", "<", json!("2026-06-01"))
        ]))
    );
}

#[test]
fn calendar_words_use_the_indian_calendar() {
    // 20:00 UTC on 31 May is 01:30 on 1 June in India.
    let late = DateTime::parse_from_rfc3339("2026-05-31T20:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    let parsed = parse("joined this month", late);
    assert_eq!(
        parsed.rules,
        Some(all(json!([c("created_at", ">=", json!("2026-06-01"))])))
    );
}

#[test]
fn first_orders() {
    check(
        "first order more than a year ago",
        c("first_order_at", "older_than_days", json!(365)),
    );
    check(
        "customers whose first purchase was in the last 30 days",
        c("first_order_at", "within_last_days", json!(30)),
    );
    check(
        "customers who made their first purchase this month",
        c("first_order_at", ">=", json!("2026-06-01")),
    );
}
