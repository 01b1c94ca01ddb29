use super::*;

#[test]
fn a_body_is_cut_into_parts_on_character_boundaries() {
    assert_eq!(body_parts("").collect::<Vec<_>>(), vec![""]);
    assert_eq!(body_parts("{}").collect::<Vec<_>>(), vec!["{}"]);
    let body = format!(
        "{}é{}",
        "a".repeat(BODY_PART_BYTES - 1),
        "b".repeat(BODY_PART_BYTES + 5)
    );
    let parts: Vec<&str> = body_parts(&body).collect();
    assert_eq!(parts.len(), 3);
    assert_eq!(parts[0].len(), BODY_PART_BYTES - 1, "é is not split");
    assert!(parts.iter().all(|p| p.len() <= BODY_PART_BYTES));
    assert_eq!(parts.concat(), body);
}
