use super::*;

#[test]
fn strict_schemas_require_everything() {
    let schema = json!({"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "array", "items": {"type": "object", "properties": {"c": {"type": "integer"}}}}}});
    let s = strict(&schema);
    assert_eq!(s["required"], json!(["a", "b"]));
    assert_eq!(s["additionalProperties"], json!(false));
    assert_eq!(s["properties"]["b"]["items"]["required"], json!(["c"]));
}

#[test]
fn fences_are_stripped() {
    assert_eq!(strip_fences("```json\n{\"a\":1}\n```"), "{\"a\":1}");
    assert_eq!(strip_fences(" {\"a\":1} "), "{\"a\":1}");
}
