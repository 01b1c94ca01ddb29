use super::*;

#[test]
fn amounts_are_exact_numbers() {
    let json = serde_json::to_string(&Amount {
        minor: 149_950,
        exponent: 2,
    })
    .unwrap();
    assert_eq!(json, "1499.50");
}

#[test]
fn cursors_round_trip_and_reject_garbage() {
    assert_eq!(decode_cursor(&encode_cursor(&[5, 7]), 2), Some(vec![5, 7]));
    assert_eq!(decode_cursor("!!", 1), None);
    assert_eq!(decode_cursor(&encode_cursor(&[5]), 2), None);
}
