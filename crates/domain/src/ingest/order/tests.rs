use super::*;
use crate::ingest::{parse_batch, BatchError};

fn ctx() -> Context {
    Context {
        now: Timestamp::parse("2025-01-01T00:00:00Z").unwrap(),
        currency: Currency::INR,
    }
}

fn errors(body: &str) -> Vec<(usize, String, String)> {
    match parse_batch::<NewOrder>(body.as_bytes(), &ctx()) {
        Err(BatchError::Invalid(e)) => e
            .into_iter()
            .map(|e| (e.index, e.field, e.reason))
            .collect(),
        other => panic!("expected field errors, got {other:?}"),
    }
}

#[test]
fn parses_a_full_order() {
    let body = r#"{"external_id":"o1","customer_external_id":"c1","amount":"1499.50","currency":"inr",
            "status":"pending","ordered_at":"2024-12-31T10:00:00+05:30",
            "items":[{"sku":"S1","name":"Kurta","category":"apparel","quantity":2,"price":749.75}]}"#;
    let order = parse_batch::<NewOrder>(body.as_bytes(), &ctx())
        .unwrap()
        .remove(0);
    assert_eq!(order.amount.minor, 149_950);
    assert_eq!(order.status, OrderStatus::Pending);
    assert_eq!(order.items[0].price, 74_975);
    assert_eq!(order.ordered_at.to_rfc3339(), "2024-12-31T04:30:00.000Z");
}

#[test]
fn names_each_bad_field() {
    let got = errors(
        r#"[{"external_id":"o1","customer_external_id":"c1","amount":-5,"currency":"USD","ordered_at":"2030-01-01T00:00:00Z","items":[{"sku":"a","name":"b","quantity":0,"price":1}],"colour":1}]"#,
    );
    assert_eq!(got, vec![(0, "colour".to_owned(), got[0].2.clone())]);
    let got = errors(
        r#"[{"external_id":"o1","customer_external_id":"c1","amount":-5,"currency":"USD","ordered_at":"2030-01-01T00:00:00Z","items":[{"sku":"a","name":"b","quantity":0,"price":1}]}]"#,
    );
    let fields: Vec<_> = got.iter().map(|e| e.1.as_str()).collect();
    assert_eq!(
        fields,
        vec!["currency", "amount", "ordered_at", "items[0].quantity"]
    );
    assert!(got[1].2.contains("negative"));
}

#[test]
fn requires_identity_amount_and_time() {
    let got = errors(r#"{"amount":null}"#);
    let fields: Vec<_> = got.iter().map(|e| e.1.as_str()).collect();
    assert_eq!(
        fields,
        vec![
            "external_id",
            "customer_external_id",
            "amount",
            "ordered_at"
        ]
    );
}
