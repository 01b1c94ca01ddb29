//! Who customers are: places, tiers, genders, acquisition channels, attributes by name, contact
//! details and names.

use super::{all, any, c, check, check_all, rules};
use serde_json::{json, Value};

#[test]
fn places() {
    check("in Delhi", c("city", "=", json!("Delhi")));
    check(
        "customers based in hyderabad",
        c("city", "=", json!("Hyderabad")),
    );
    check("Pune customers", c("city", "=", json!("Pune")));
    check(
        "customers from navi mumbai",
        c("city", "=", json!("Navi Mumbai")),
    );
    check("city is Surat", c("city", "=", json!("Surat")));
    check_all(
        &[
            "from Mumbai or Pune",
            "customers from Mumbai/Pune",
            "from Mumbai or from Pune",
            "customers in (Mumbai, Pune)",
        ],
        c("city", "in", json!(["Mumbai", "Pune"])),
    );
    check(
        "customers in Bengaluru, Chennai and Hyderabad",
        c("city", "in", json!(["Bengaluru", "Chennai", "Hyderabad"])),
    );
    check_all(
        &[
            "outside Mumbai",
            "not in Mumbai",
            "not from Mumbai",
            "city is not Mumbai",
        ],
        c("city", "!=", json!("Mumbai")),
    );
    check(
        "customers who live outside Mumbai",
        c("city", "!=", json!("Mumbai")),
    );
    check(
        "everyone outside Delhi and Bengaluru",
        c("city", "not_in", json!(["Delhi", "Bengaluru"])),
    );
}

#[test]
fn tiers_genders_and_acquisition() {
    check_all(
        &[
            "gold tier",
            "gold members",
            "tier is gold",
            "in the gold tier",
        ],
        c("attributes.tier", "=", json!("gold")),
    );
    check("silver members", c("attributes.tier", "=", json!("silver")));
    check("tier is bronze", c("attributes.tier", "=", json!("bronze")));
    check(
        "gold or silver members",
        c("attributes.tier", "in", json!(["gold", "silver"])),
    );
    check_all(
        &["female customers", "women", "gender is female"],
        c("attributes.gender", "=", json!("female")),
    );
    check("men", c("attributes.gender", "=", json!("male")));
    check_all(
        &["acquired through ads", "customers from ads"],
        c("attributes.acquisition", "=", json!("ads")),
    );
    check(
        "referral customers",
        c("attributes.acquisition", "=", json!("referral")),
    );
    check(
        "organic",
        c("attributes.acquisition", "=", json!("organic")),
    );
    check(
        "customers who signed up via instagram",
        c("attributes.acquisition", "=", json!("instagram")),
    );
    assert_eq!(
        rules("customers who joined via referral in the last 30 days"),
        all(json!([
            c("attributes.acquisition", "=", json!("referral")),
            c("created_at", "within_last_days", json!(30))
        ]))
    );
}

#[test]
fn attributes_by_name() {
    check(
        "with plan premium",
        c("attributes.plan", "=", json!("premium")),
    );
    check(
        "preferred language is Hindi",
        c("attributes.preferred_language", "=", json!("hindi")),
    );
    check(
        "customers whose plan is not free",
        c("attributes.plan", "!=", json!("free")),
    );
    check(
        "customers whose plan is premium or pro",
        c("attributes.plan", "in", json!(["premium", "pro"])),
    );
    check(
        "attributes.tier = gold",
        c("attributes.tier", "=", json!("gold")),
    );
}

#[test]
fn contact_details_and_names() {
    check_all(
        &[
            "with no email",
            "without an email",
            "customers whose email is missing",
        ],
        c("email", "is_null", Value::Null),
    );
    check_all(
        &["without a phone number", "customers with no mobile number"],
        c("phone", "is_null", Value::Null),
    );
    check("with an email", c("email", "is_not_null", Value::Null));
    check_all(
        &["gmail users", "customers with a gmail address"],
        c("email", "ends_with", json!("@gmail.com")),
    );
    check(
        "customers with email ending in acme.com",
        c("email", "ends_with", json!("@acme.com")),
    );
    check(
        "customers whose phone starts with +91",
        c("phone", "begins_with", json!("+91")),
    );
    check_all(
        &["named Asha", "customers with name containing Asha"],
        c("name", "contains", json!("asha")),
    );
    assert_eq!(
        rules("customers called Priya or Neha"),
        any(json!([
            c("name", "contains", json!("priya")),
            c("name", "contains", json!("neha"))
        ]))
    );
    check(
        "customers named \"Asha Verma\"",
        c("name", "contains", json!("asha verma")),
    );
}
