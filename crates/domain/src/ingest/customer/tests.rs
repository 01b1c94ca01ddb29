use crate::ingest::{parse_batch, BatchError, Context};
use crate::{Currency, NewCustomer, Timestamp};

#[test]
fn attribute_texts_hold_no_control_characters() {
    let ctx = Context {
        now: Timestamp::parse("2025-01-01T00:00:00Z").unwrap(),
        currency: Currency::INR,
    };
    let ok =
        br#"{"external_id": "c1", "name": "A", "attributes": {"note": "two\nlines\tand a tab"}}"#;
    assert!(parse_batch::<NewCustomer>(ok, &ctx).is_ok());
    for bad in [r#""nul\u0000""#, r#""bell\u0007""#] {
        let body =
            format!(r#"{{"external_id": "c1", "name": "A", "attributes": {{"note": {bad}}}}}"#);
        let Err(BatchError::Invalid(errors)) = parse_batch::<NewCustomer>(body.as_bytes(), &ctx)
        else {
            panic!("{bad} was taken")
        };
        assert_eq!(errors[0].field, "attributes");
    }
}
