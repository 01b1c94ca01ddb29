//! Amounts: total spend, average order value, spend in a window, in every way Indian prompts write
//! them.

use super::{c, check, check_all};
use serde_json::{json, Value};

#[test]
fn spend_in_every_way_it_is_written() {
    check(
        "customers who spent over ₹5K",
        c("total_spend", ">", json!(5000)),
    );
    check("5,000 rupees", c("total_spend", ">=", json!(5000)));
    check(
        "spent more than Rs. 2000",
        c("total_spend", ">", json!(2000)),
    );
    check("spent at least INR 3k", c("total_spend", ">=", json!(3000)));
    check("spent over 1.5 lakh", c("total_spend", ">", json!(150_000)));
    check(
        "spent more than 2 lac",
        c("total_spend", ">", json!(200_000)),
    );
    check(
        "spent under 1 crore",
        c("total_spend", "<", json!(10_000_000)),
    );
    check("more than 10k", c("total_spend", ">", json!(10_000)));
    check(
        "customers with 50K+ total spend",
        c("total_spend", ">=", json!(50_000)),
    );
    check(
        "spent more than twenty five thousand rupees",
        c("total_spend", ">", json!(25_000)),
    );
    check(
        "spent ₹1,499.50 or less",
        c("total_spend", "<=", json!(1499.5)),
    );
    check(
        "with a total spend of at most Rs. 999",
        c("total_spend", "<=", json!(999)),
    );
    check("spend > 10000", c("total_spend", ">", json!(10_000)));
    check(
        "bought more than ₹5000 worth",
        c("total_spend", ">", json!(5000)),
    );
}

#[test]
fn spend_ranges_and_averages() {
    check_all(
        &[
            "between 2k and 5k",
            "spent between ₹2,000 and ₹5,000",
            "total spend 2k-5k",
            "spent from 2k to 5k",
        ],
        c("total_spend", "between", json!([2000, 5000])),
    );
    check(
        "average order value above 1000",
        c("avg_order_value", ">", json!(1000)),
    );
    check(
        "an AOV of at least 2.5k",
        c("avg_order_value", ">=", json!(2500)),
    );
    check(
        "average basket size under ₹800",
        c("avg_order_value", "<", json!(800)),
    );
}

#[test]
fn spend_in_a_window() {
    let window = |days: u32, value: Value| json!({"days": days, "value": value});
    check(
        "spent more than 2000 in the last 30 days",
        c("spend_in_last_days", ">", window(30, json!(2000))),
    );
    check(
        "spent at least ₹20,000 in the past year",
        c("spend_in_last_days", ">=", window(365, json!(20_000))),
    );
    check(
        "spent over 10k in the last quarter",
        c("spend_in_last_days", ">", window(90, json!(10_000))),
    );
    // This month, on the 15th: the last 15 days.
    check(
        "spent more than 2000 this month",
        c("spend_in_last_days", ">", window(15, json!(2000))),
    );
}
