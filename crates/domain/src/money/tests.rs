use super::*;
use proptest::prelude::*;

#[test]
fn parses_exact_minor_units() {
    let inr = Currency::INR;
    assert_eq!(Money::parse_major("1499.50", inr).unwrap().minor, 149_950);
    assert_eq!(Money::parse_major("0.29", inr).unwrap().minor, 29);
    assert_eq!(Money::parse_major("7", inr).unwrap().minor, 700);
    assert_eq!(Money::parse_major("7.5", inr).unwrap().minor, 750);
    let jpy = Currency::parse("jpy").unwrap();
    assert_eq!(Money::parse_major("1200", jpy).unwrap().minor, 1200);
    assert!(Money::parse_major("1200.5", jpy).is_err());
}

#[test]
fn refuses_bad_amounts() {
    for bad in [
        "-1",
        "1.234",
        "1e3",
        "abc",
        "",
        ".5",
        "5.",
        "1,000",
        "99999999999",
    ] {
        assert!(Money::parse_major(bad, Currency::INR).is_err(), "{bad}");
    }
}

#[test]
fn currencies() {
    assert_eq!(Currency::parse("inr").unwrap(), Currency::INR);
    assert!(Currency::parse("XYZ").is_err());
    assert_eq!(Currency::parse("KWD").unwrap().exponent(), 3);
}

proptest! {
    #[test]
    fn major_text_round_trips(minor in 0_i64..1_000_000_000) {
        let text = format_minor(minor, 2);
        prop_assert_eq!(Money::parse_major(&text, Currency::INR).unwrap().minor, minor);
    }
}
