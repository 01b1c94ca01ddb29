//! The explanation: one plain-English line per condition, amounts with Indian digit grouping.

use super::{now, parse};

fn explain(prompt: &str) -> Vec<String> {
    parse(prompt, now()).explanation
}

#[test]
fn explanations_are_plain_english_with_indian_grouping() {
    assert_eq!(
        explain("spent at least 1.5 lakh"),
        ["total spend at least ₹1,50,000"]
    );
    assert_eq!(
        explain("spent over ₹5K in the last 30 days, from Mumbai or Pune"),
        [
            "spent over ₹5,000 in the last 30 days",
            "city is Mumbai or Pune"
        ]
    );
    assert_eq!(
        explain("spent ₹12,34,567.5 or more"),
        ["total spend at least ₹12,34,567.50"]
    );
    assert_eq!(
        explain("haven't shopped in 6 months"),
        ["no order in the last 180 days (including those who never ordered)"]
    );
    assert_eq!(
        explain("gold tier or spent over 5k and from Delhi"),
        [
            "tier is gold",
            "or (total spend over ₹5,000",
            "and city is Delhi)"
        ]
    );
    assert_eq!(explain("never ordered"), ["never ordered"]);
    assert_eq!(
        explain("joined this month"),
        ["joined on or after 1 Jun 2026"]
    );
}
