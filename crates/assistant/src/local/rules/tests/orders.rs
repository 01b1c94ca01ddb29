//! Orders: how many, how many in a window, and what was bought.

use super::{all, c, check, check_all, rules};
use serde_json::json;

#[test]
fn numbers_of_orders() {
    check("fewer than 3 orders", c("order_count", "<", json!(3)));
    check("ordered at least twice", c("order_count", ">=", json!(2)));
    check("ordered exactly thrice", c("order_count", "=", json!(3)));
    check("5+ orders", c("order_count", ">=", json!(5)));
    check(
        "with a dozen or more orders",
        c("order_count", ">=", json!(12)),
    );
    check("with at most two orders", c("order_count", "<=", json!(2)));
    check("placed more than 3 orders", c("order_count", ">", json!(3)));
    check(
        "ordered 3 to 5 times",
        c("order_count", "between", json!([3, 5])),
    );
    check("order count >= 5", c("order_count", ">=", json!(5)));
    check_all(
        &[
            "one-time buyers",
            "one time customers",
            "customers who ordered only once",
        ],
        c("order_count", "=", json!(1)),
    );
    check_all(
        &["repeat customers", "returning buyers"],
        c("order_count", ">=", json!(2)),
    );
    check_all(
        &[
            "never ordered",
            "never purchased",
            "customers who haven't bought anything",
            "customers with no orders",
            "customers with zero orders",
            "customers who never placed an order",
        ],
        c("order_count", "=", json!(0)),
    );
}

#[test]
fn numbers_of_orders_in_a_window() {
    check(
        "more than three orders in the last 60 days",
        c("orders_in_last_days", ">", json!({"days": 60, "value": 3})),
    );
    check(
        "ordered at least twice in the last month",
        c("orders_in_last_days", ">=", json!({"days": 30, "value": 2})),
    );
    check(
        "ordered 5 or more times in the past year",
        c(
            "orders_in_last_days",
            ">=",
            json!({"days": 365, "value": 5}),
        ),
    );
}

#[test]
fn what_was_bought() {
    check_all(
        &[
            "bought from electronics",
            "customers who purchased from the electronics category",
            "electronics buyers",
        ],
        c("bought_category", "=", json!("electronics")),
    );
    check(
        "bought category footwear",
        c("bought_category", "=", json!("footwear")),
    );
    check(
        "bought from apparel or footwear",
        c("bought_category", "in", json!(["apparel", "footwear"])),
    );
    check_all(
        &["bought SKU TSHIRT-01", "anyone who purchased TSHIRT-01"],
        c("bought_sku", "=", json!("TSHIRT-01")),
    );
    check(
        "customers who never bought from grocery",
        c("bought_category", "!=", json!("grocery")),
    );
    // Bought both: one condition each.
    assert_eq!(
        rules("customers who bought shoes and bags"),
        all(json!([
            c("bought_category", "=", json!("shoes")),
            c("bought_category", "=", json!("bags"))
        ]))
    );
}
