use super::*;

#[test]
fn emails() {
    assert_eq!(
        Email::parse(" Asha@Example.COM ").unwrap().as_str(),
        "Asha@example.com"
    );
    for bad in [
        "asha",
        "asha@",
        "@example.com",
        "asha@localhost",
        "a b@example.com",
    ] {
        assert!(Email::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn phones() {
    assert_eq!(
        Phone::parse("98765 43210").unwrap().as_str(),
        "+919876543210"
    );
    assert_eq!(
        Phone::parse("098765-43210").unwrap().as_str(),
        "+919876543210"
    );
    assert_eq!(
        Phone::parse("+44 20 7946 0958").unwrap().as_str(),
        "+442079460958"
    );
    for bad in [
        "12345",
        "phone",
        "+0123456789",
        "+1234567890123456",
        "98765x43210",
    ] {
        assert!(Phone::parse(bad).is_err(), "{bad}");
    }
}
