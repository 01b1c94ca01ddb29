use super::*;
use minicrm_domain::Currency;

#[test]
fn indian_digit_grouping() {
    let cases = [
        (0, "0"),
        (999, "999"),
        (1000, "1,000"),
        (99_999, "99,999"),
        (150_000, "1,50,000"),
        (1_234_567, "12,34,567"),
        (10_000_000, "1,00,00,000"),
    ];
    for (n, text) in cases {
        assert_eq!(indian_grouping(n), text);
    }
    let amount = Money {
        minor: 149_950,
        currency: Currency::INR,
    };
    assert_eq!(rupees(amount), "₹1,499.50");
}
