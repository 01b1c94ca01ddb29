use super::*;
use crate::{Currency, NewCustomer, Timestamp};

fn ctx() -> Context {
    Context {
        now: Timestamp::parse("2025-01-01T00:00:00Z").unwrap(),
        currency: Currency::INR,
    }
}

#[test]
fn rows_parsed_as_they_are_written_make_the_batch_a_consumer_reads() {
    let body =
        br#"[{"external_id":"c1","name":"Asha"},{"external_id":"c2","name":"Ravi","city":"Pune"}]"#;
    let ctx = ctx();
    let rows = ParsedRows::<NewCustomer>::new(body, &ctx).unwrap();
    let out = BatchOut {
        ingestion_id: "i-1",
        api_key_id: Some("k"),
        request_hash: None,
        records: &rows,
    };
    let json = serde_json::to_string(&out).unwrap();
    assert_eq!(rows.finish(), Ok(2));
    let batch: Batch<NewCustomer> = serde_json::from_str(&json).unwrap();
    assert_eq!(batch.ingestion_id, "i-1");
    assert_eq!(batch.api_key_id.as_deref(), Some("k"));
    assert_eq!(batch.request_hash, None);
    assert_eq!(
        batch.records,
        parse_batch::<NewCustomer>(body, &ctx).unwrap()
    );
}

#[test]
fn rows_parsed_as_they_are_written_refuse_the_batch_with_every_error() {
    let body = br#"[{"external_id":"c1"},{"external_id":"c2","name":"Ravi"},{"name":"x"}]"#;
    let ctx = ctx();
    let rows = ParsedRows::<NewCustomer>::new(body, &ctx).unwrap();
    serde_json::to_string(&rows).unwrap();
    let Err(BatchError::Invalid(errors)) = rows.finish() else {
        panic!("refused")
    };
    let places: Vec<_> = errors.iter().map(|e| (e.index, e.field.as_str())).collect();
    assert_eq!(places, vec![(0, "name"), (2, "external_id")]);
    let unwritten = ParsedRows::<NewCustomer>::new(body, &ctx).unwrap();
    assert!(matches!(unwritten.finish(), Err(BatchError::Malformed(_))));
}

#[test]
fn one_object_or_an_array() {
    let one = br#"{"external_id":"c1","name":"Asha"}"#;
    assert_eq!(parse_batch::<NewCustomer>(one, &ctx()).unwrap().len(), 1);
    let many = br#"[{"external_id":"c1","name":"Asha"},{"external_id":"c2","name":"Ravi"}]"#;
    assert_eq!(parse_batch::<NewCustomer>(many, &ctx()).unwrap().len(), 2);
}

#[test]
fn refuses_shapes_that_are_not_records() {
    let parse = |b: &[u8]| parse_batch::<NewCustomer>(b, &ctx()).unwrap_err();
    assert!(matches!(parse(b"{"), BatchError::Malformed(_)));
    assert!(matches!(parse(b""), BatchError::Malformed(_)));
    assert_eq!(parse(b"[]"), BatchError::Empty);
    assert_eq!(parse(b"42"), BatchError::NotObjectOrArray);
    assert!(matches!(parse(b"[1]"), BatchError::Invalid(_)));
    let big = format!(
        "[{}]",
        vec![r#"{"external_id":"c","name":"n"}"#; MAX_BATCH + 1].join(",")
    );
    assert_eq!(parse(big.as_bytes()), BatchError::TooMany(MAX_BATCH + 1));
}

#[test]
fn reports_every_bad_row_with_index_and_field() {
    let body = br#"[{"external_id":"c1","name":"Asha"},{"name":"","email":"nope"},{"external_id":"c3","name":"R","phone":"12"}]"#;
    let BatchError::Invalid(errors) = parse_batch::<NewCustomer>(body, &ctx()).unwrap_err() else {
        panic!("expected invalid")
    };
    let got: Vec<_> = errors.iter().map(|e| (e.index, e.field.as_str())).collect();
    assert_eq!(
        got,
        vec![(1, "external_id"), (1, "name"), (1, "email"), (2, "phone")]
    );
}
