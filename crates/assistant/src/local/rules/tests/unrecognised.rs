//! What the parser does not understand is reported verbatim; filler is not.

use super::{all, c, now, parse, valid};
use serde_json::{json, Value};

fn unrecognised(prompt: &str) -> (Option<Value>, Vec<String>) {
    let parsed = parse(prompt, now());
    if let Some(rules) = &parsed.rules {
        valid(rules);
    }
    (parsed.rules, parsed.unrecognised)
}

#[test]
fn reports_what_it_does_not_understand_verbatim() {
    let (rules, unknown) = unrecognised("show me all customers who love cricket and spent over 5k");
    assert_eq!(
        rules,
        Some(all(json!([c("total_spend", ">", json!(5000))])))
    );
    assert_eq!(unknown, ["love cricket"]);

    let (rules, unknown) = unrecognised("customers interested in cricket");
    assert_eq!(
        (rules, unknown),
        (None, vec!["interested in cricket".to_owned()])
    );

    let (rules, unknown) = unrecognised("VIP customers in Mumbai, aged over 30");
    assert_eq!(rules, Some(all(json!([c("city", "=", json!("Mumbai"))]))));
    assert_eq!(unknown, ["VIP", "aged over 30"]);

    // A negation with nothing understood after it goes with the text.
    let (_, unknown) = unrecognised("gold members not loving cricket");
    assert_eq!(unknown, ["not loving cricket"]);

    // Half a condition is not a condition.
    let (rules, unknown) = unrecognised("spent over");
    assert_eq!((rules, unknown), (None, vec!["spent over".to_owned()]));

    // There is no rule for a category bought within a window: the window is reported.
    let (rules, unknown) = unrecognised("customers who bought electronics in the last 30 days");
    assert_eq!(
        rules,
        Some(all(json!([c(
            "bought_category",
            "=",
            json!("electronics")
        )])))
    );
    assert_eq!(unknown, ["in the last 30 days"]);

    // More than a rule can hold (₹1 crore) is reported, not clamped.
    let (rules, unknown) = unrecognised("spent more than 2 crore");
    assert_eq!(
        (rules, unknown),
        (None, vec!["spent more than 2 crore".to_owned()])
    );

    let (_, unknown) = unrecognised("customers spending above 5k per month");
    assert_eq!(unknown, ["per month"]);

    let (_, unknown) = unrecognised("customers who are not");
    assert_eq!(unknown, ["not"]);

    // How often is not a category.
    let (rules, unknown) = unrecognised("customers who shop frequently");
    assert_eq!(rules, Some(all(json!([c("order_count", ">=", json!(1))]))));
    assert_eq!(unknown, ["frequently"]);
}

#[test]
fn filler_is_not_reported() {
    for prompt in [
        "show me all the customers",
        "find people",
        "",
        "   ",
        "users who have",
        "?!",
    ] {
        assert_eq!(unrecognised(prompt), (None, Vec::new()), "{prompt:?}");
    }
    let parsed = parse(
        "Please show me all the people who are customers that have spent over 5k",
        now(),
    );
    assert!(parsed.unrecognised.is_empty(), "{:?}", parsed.unrecognised);
}
