use super::*;

#[test]
fn pointers_follow_the_field_path() {
    let e = FieldError {
        index: 3,
        field: "items[2].price".into(),
        reason: String::new(),
    };
    assert_eq!(e.pointer(), "/3/items/2/price");
    let e = FieldError {
        index: 0,
        field: "email".into(),
        reason: String::new(),
    };
    assert_eq!(e.pointer(), "/0/email");
}
