use super::*;

const AGE: Duration = Duration::from_secs(300);

#[test]
fn round_trip_and_known_shape() {
    let header = sign("s3cret", 1_700_000_000, b"[]");
    assert!(header.starts_with("t=1700000000,v1="));
    assert_eq!(header.len(), "t=1700000000,v1=".len() + 64);
    assert_eq!(verify("s3cret", &header, b"[]", 1_700_000_100, AGE), Ok(()));
}

#[test]
fn rejections() {
    let header = sign("s3cret", 1_700_000_000, b"body");
    let now = 1_700_000_000;
    assert_eq!(
        verify("s3cret", &header, b"bodY", now, AGE),
        Err(SignatureError::Mismatch)
    );
    assert_eq!(
        verify("other", &header, b"body", now, AGE),
        Err(SignatureError::Mismatch)
    );
    assert_eq!(
        verify("s3cret", &header, b"body", now + 301, AGE),
        Err(SignatureError::Stale)
    );
    assert_eq!(
        verify("s3cret", &header, b"body", now - 301, AGE),
        Err(SignatureError::Stale)
    );
    for bad in [
        "",
        "t=1",
        "v1=00",
        "t=abc,v1=".to_owned().as_str(),
        &header.replace("v1=", "v1=zz"),
        &format!("{header},t=5"),
        &header[..header.len() - 2],
        "t=+5,v1=0000000000000000000000000000000000000000000000000000000000000000",
    ] {
        assert_eq!(
            verify("s3cret", bad, b"body", now, AGE),
            Err(SignatureError::Malformed),
            "{bad:?}"
        );
    }
}

#[test]
fn tolerates_spaces_unknown_keys_and_several_tags() {
    let header = sign("k", 10, b"x");
    let tag = header.split_once("v1=").unwrap().1;
    let wrong = "0".repeat(64);
    let relaxed = format!("v0=abc, v1={wrong}, t=10, v1={tag}");
    assert_eq!(verify("k", &relaxed, b"x", 10, AGE), Ok(()));
}
