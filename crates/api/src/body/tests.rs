use super::*;

#[test]
fn a_nul_character_is_refused_and_an_escaped_backslash_is_not() {
    assert!(refuse_nul(br#"{"name": "a\u0000b"}"#).is_err());
    assert!(refuse_nul(br#"{"name": "a\\u0000b"}"#).is_ok());
    assert!(refuse_nul(br#"{"name": "a\u0000"#).is_ok(), "not JSON");
}

fn request(body: Vec<u8>, length: Option<usize>) -> Request {
    let mut builder = Request::builder().method("POST").uri("/");
    if let Some(n) = length {
        builder = builder.header(header::CONTENT_LENGTH, n);
    }
    builder.body(Body::from(body)).unwrap()
}

#[tokio::test]
async fn a_body_over_its_limit_is_refused_whether_declared_or_not() {
    let gate = BodyGate::new(1, Duration::from_secs(1));
    let declared = read(request(vec![b' '; 10], Some(10)), 9, &gate).await;
    assert!(matches!(declared, Err(ApiError::TooLarge(9))));
    let undeclared = read(request(vec![b' '; 10], None), 9, &gate).await;
    assert!(matches!(undeclared, Err(ApiError::TooLarge(9))));
    let fits = read(request(vec![b' '; 9], None), 9, &gate).await.unwrap();
    assert_eq!(fits.bytes.len(), 9);
    assert!(fits.place.is_none(), "a small body takes no place");
}

#[tokio::test]
async fn large_bodies_wait_for_a_place_and_give_up_in_time() {
    let gate = BodyGate::new(1, Duration::from_millis(100));
    let large = LARGE_BODY_BYTES + 1;
    let first = read(request(vec![b' '; large], Some(large)), large, &gate)
        .await
        .unwrap();
    assert!(first.place.is_some());
    let second = read(request(vec![b' '; large], None), large, &gate).await;
    assert!(matches!(second, Err(ApiError::Unavailable(_))));
    drop(first);
    let third = read(request(vec![b' '; large], None), large, &gate).await;
    assert!(third.is_ok(), "the place is free again");
}
