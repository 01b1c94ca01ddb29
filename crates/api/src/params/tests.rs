use super::parameter_of;

#[test]
fn rejections_name_their_parameter() {
    let cases = [
        (
            "Failed to deserialize query string: limit: invalid digit found in string",
            Some("limit"),
        ),
        (
            "Failed to deserialize query string: foo: unknown field `foo`, expected one of `q`",
            Some("foo"),
        ),
        (
            "Failed to deserialize query string: duplicate field `limit`",
            Some("limit"),
        ),
        ("Invalid UTF-8 in `id`", Some("id")),
        (
            "Failed to deserialize query string: expected a sequence",
            None,
        ),
    ];
    for (detail, field) in cases {
        assert_eq!(parameter_of(detail).as_deref(), field, "{detail}");
    }
}
