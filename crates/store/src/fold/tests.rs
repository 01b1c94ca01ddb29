use super::fold_bytes;

#[test]
fn folds_as_rust_does() {
    for (text, folded) in [
        ("Élodie ØRSTED", "élodie ørsted"),
        ("ZÜRICH", "zürich"),
        ("ΑΘΗΝΑ", "αθηνα"),
        ("plain ASCII", "plain ascii"),
        ("", ""),
    ] {
        assert_eq!(fold_bytes(text.as_bytes()), folded.as_bytes(), "{text}");
    }
    assert_eq!(fold_bytes(b"AB\xffC"), b"ab\xffc");
}
