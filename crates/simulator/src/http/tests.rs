use super::*;

#[test]
fn bearer_parsing() {
    let with = |value: &str| {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        authorized(&headers, "k3y")
    };
    assert!(with("Bearer k3y"));
    assert!(with("bearer k3y"));
    assert!(!with("Bearer k3"));
    assert!(!with("Bearer k3yy"));
    assert!(!with("Basic k3y"));
    assert!(!with("k3y"));
    assert!(!authorized(&HeaderMap::new(), "k3y"));
}

#[test]
fn message_checks() {
    let mut message = OutboundMessage {
        to: "+14155550100".into(),
        channel: minicrm_messaging::Channel::Sms,
        body: "hi".into(),
        reference: "r1".into(),
        callback_url: Some("https://crm.example.com/hooks".into()),
    };
    assert_eq!(check(&message), Ok(()));
    message.callback_url = Some("ftp://x".into());
    assert!(check(&message).is_err());
    message.callback_url = Some("not a url".into());
    assert!(check(&message).is_err());
    message.callback_url = None;
    message.reference = " ".into();
    assert!(check(&message).is_err());
    message.reference = "x".repeat(MAX_REFERENCE_LEN + 1);
    assert!(check(&message).is_err());
}
