//! The local parser: exact rules for the phrasings it must understand, what it reports as not
//! understood, its explanations, and that everything it produces is a valid rule tree.

use super::*;
use serde_json::json;

/// Monday 15 June 2026, noon in India.
fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-06-15T12:00:00+05:30")
        .unwrap()
        .with_timezone(&Utc)
}

fn valid(rules: &Value) {
    if let Err(e) = minicrm_domain::rules::parse(rules, minicrm_domain::Currency::INR) {
        panic!("{rules} is not a valid rule tree: {e:?}");
    }
}

/// The prompt's rules, checked valid, with nothing left unrecognised.
fn rules(prompt: &str) -> Value {
    let parsed = parse(prompt, now());
    assert!(
        parsed.unrecognised.is_empty(),
        "{prompt:?} left {:?} unrecognised",
        parsed.unrecognised
    );
    let rules = parsed
        .rules
        .unwrap_or_else(|| panic!("{prompt:?} gave no rules"));
    valid(&rules);
    assert!(
        !parsed.explanation.is_empty(),
        "{prompt:?} was not explained"
    );
    rules
}

/// The rules of a prompt that reads as one condition.
fn one(prompt: &str) -> Value {
    let rules = rules(prompt);
    let list = rules["rules"].as_array().unwrap();
    assert_eq!(
        (rules["combinator"].as_str(), list.len(), rules.get("not")),
        (Some("and"), 1, None),
        "{prompt:?} gave {rules}"
    );
    list[0].clone()
}

fn check(prompt: &str, expected: Value) {
    assert_eq!(one(prompt), expected, "{prompt:?}");
}

fn check_all(prompts: &[&str], expected: Value) {
    for prompt in prompts {
        check(prompt, expected.clone());
    }
}

fn all(conditions: Value) -> Value {
    json!({"combinator": "and", "rules": conditions})
}

fn any(conditions: Value) -> Value {
    json!({"combinator": "or", "rules": conditions})
}

fn c(field: &str, operator: &str, value: Value) -> Value {
    json!({"field": field, "operator": operator, "value": value})
}

// ---- spend ---------------------------------------------------------------------------------

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

// ---- counts --------------------------------------------------------------------------------

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

// ---- recency -------------------------------------------------------------------------------

#[test]
fn no_recent_order() {
    let older = |days: u32| c("last_order_at", "older_than_days", json!(days));
    check("haven't shopped in 6 months", older(180));
    check("customers who haven't ordered in a year", older(365));
    check("inactive for 90 days", older(90));
    check("inactive for more than 45 days", older(45));
    check("no purchase in the last 2 months", older(60));
    check("customers with no orders in the last fortnight", older(14));
    check_all(&["lapsed", "lapsed customers", "dormant users"], older(90));
    check("last purchase more than 90 days ago", older(90));
    check(
        "customers who last bought something over a year ago",
        older(365),
    );
    check(
        "customers who haven't purchased in over 3 months",
        older(90),
    );
    check(
        "customers who bought nothing in the last 6 months",
        older(180),
    );
    check("customers with no activity for 90 days", older(90));
    check(
        "customers who haven't bought anything in the last quarter",
        older(90),
    );
}

#[test]
fn recent_orders() {
    let within = |days: u32| c("last_order_at", "within_last_days", json!(days));
    check("bought in the last 2 weeks", within(14));
    check("ordered recently", within(30));
    check("active in the past month", within(30));
    check("ordered in the last 2 quarters", within(180));
    check(
        "customers who bought something in the last 3 weeks",
        within(21),
    );
    check(
        "customers who ordered this month",
        c("last_order_at", ">=", json!("2026-06-01")),
    );
}

#[test]
fn when_customers_joined() {
    check(
        "joined this month",
        c("created_at", ">=", json!("2026-06-01")),
    );
    check(
        "joined in the last 10 days",
        c("created_at", "within_last_days", json!(10)),
    );
    check(
        "new customers",
        c("created_at", "within_last_days", json!(30)),
    );
    check(
        "new signups in the last 2 weeks",
        c("created_at", "within_last_days", json!(14)),
    );
    check(
        "joined before 2025-01-01",
        c("created_at", "<", json!("2025-01-01")),
    );
    check(
        "customers for over a year",
        c("created_at", "older_than_days", json!(365)),
    );
    assert_eq!(
        rules("customers who joined last month"),
        all(json!([
            c("created_at", ">=", json!("2026-05-01")),
            c("created_at", "<", json!("2026-06-01"))
        ]))
    );
}

#[test]
fn calendar_words_use_the_indian_calendar() {
    // 20:00 UTC on 31 May is 01:30 on 1 June in India.
    let late = DateTime::parse_from_rfc3339("2026-05-31T20:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    let parsed = parse("joined this month", late);
    assert_eq!(
        parsed.rules,
        Some(all(json!([c("created_at", ">=", json!("2026-06-01"))])))
    );
}

#[test]
fn first_orders() {
    check(
        "first order more than a year ago",
        c("first_order_at", "older_than_days", json!(365)),
    );
    check(
        "customers whose first purchase was in the last 30 days",
        c("first_order_at", "within_last_days", json!(30)),
    );
    check(
        "customers who made their first purchase this month",
        c("first_order_at", ">=", json!("2026-06-01")),
    );
}

// ---- places --------------------------------------------------------------------------------

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

// ---- attributes ----------------------------------------------------------------------------

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

// ---- name, email, phone --------------------------------------------------------------------

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

// ---- products ------------------------------------------------------------------------------

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

// ---- negation ------------------------------------------------------------------------------

#[test]
fn negation() {
    check(
        "excluding gold tier",
        c("attributes.tier", "!=", json!("gold")),
    );
    check(
        "except those who ordered in the last week",
        c("last_order_at", "older_than_days", json!(7)),
    );
    check(
        "customers who are not repeat customers",
        c("order_count", "<", json!(2)),
    );
    check(
        "customers not acquired through ads",
        c("attributes.acquisition", "!=", json!("ads")),
    );
    check(
        "not from Mumbai or Pune",
        c("city", "not_in", json!(["Mumbai", "Pune"])),
    );
    check("not not gold", c("attributes.tier", "=", json!("gold")));
    // No operator says "does not end with": a negated group does.
    assert_eq!(
        rules("not gmail users"),
        json!({"combinator": "and", "not": true, "rules": [c("email", "ends_with", json!("@gmail.com"))]})
    );
    // An order date before a day is not the opposite of one after it (never-ordered customers
    // have none), so that too is a negated group.
    assert_eq!(
        rules("customers who haven't ordered since 2026-01-01"),
        json!({"combinator": "and", "not": true, "rules": [c("last_order_at", ">=", json!("2026-01-01"))]})
    );
    assert_eq!(
        rules("customers who bought from beauty but not from apparel"),
        all(json!([
            c("bought_category", "=", json!("beauty")),
            c("bought_category", "!=", json!("apparel"))
        ]))
    );
    assert_eq!(
        rules("ordered in the last 30 days but not in the last 7 days"),
        all(json!([
            c("last_order_at", "within_last_days", json!(30)),
            c("last_order_at", "older_than_days", json!(7))
        ]))
    );
}

// ---- and / or ------------------------------------------------------------------------------

#[test]
fn grouping() {
    let mumbai_pune = c("city", "in", json!(["Mumbai", "Pune"]));
    let spend = c("total_spend", ">", json!(5000));
    let gold = c("attributes.tier", "=", json!("gold"));
    let delhi = c("city", "=", json!("Delhi"));
    assert_eq!(
        rules("(from Mumbai or Pune) and spent over 5k"),
        all(json!([mumbai_pune, spend]))
    );
    assert_eq!(
        rules("from Mumbai or Pune who spent over 5k"),
        all(json!([mumbai_pune, spend]))
    );
    // AND binds tighter than OR...
    assert_eq!(
        rules("gold tier or spent over 5k and from Delhi"),
        any(json!([gold, all(json!([spend, delhi]))]))
    );
    // ...unless parentheses say otherwise.
    assert_eq!(
        rules("(gold tier or spent over 5k) and from Delhi"),
        all(json!([any(json!([gold, spend])), delhi]))
    );
    assert_eq!(
        rules("either from Mumbai or spent over 5k, and ordered recently"),
        all(json!([
            any(json!([c("city", "=", json!("Mumbai")), spend])),
            c("last_order_at", "within_last_days", json!(30))
        ]))
    );
    assert_eq!(
        rules("women in Delhi or men in Mumbai"),
        any(json!([
            all(json!([c("attributes.gender", "=", json!("female")), delhi])),
            all(json!([
                c("attributes.gender", "=", json!("male")),
                c("city", "=", json!("Mumbai"))
            ]))
        ]))
    );
    assert_eq!(
        rules("NOT (gold tier and from Delhi)"),
        json!({"combinator": "and", "not": true, "rules": [gold, delhi]})
    );
    assert_eq!(
        rules("not either gold tier or from Delhi"),
        json!({"combinator": "or", "not": true, "rules": [gold, delhi]})
    );
    assert_eq!(
        rules("neither gold nor silver members"),
        all(json!([
            c("attributes.tier", "!=", json!("gold")),
            c("attributes.tier", "!=", json!("silver"))
        ]))
    );
    assert_eq!(
        rules("customers with no phone number or no email"),
        any(json!([
            c("phone", "is_null", Value::Null),
            c("email", "is_null", Value::Null)
        ]))
    );
    assert_eq!(
        rules("Gold members in Mumbai who haven't ordered in 2 months, with an AOV above ₹2,000"),
        all(json!([
            gold,
            c("city", "=", json!("Mumbai")),
            c("last_order_at", "older_than_days", json!(60)),
            c("avg_order_value", ">", json!(2000))
        ]))
    );
}

// ---- what is not understood ----------------------------------------------------------------

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

// ---- explanations --------------------------------------------------------------------------

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
    assert_eq!(rupees(1499 * SCALE + SCALE / 2), "₹1,499.50");
}

// ---- the lexer -----------------------------------------------------------------------------

fn numbers(text: &str) -> Vec<(i128, bool)> {
    lex(text)
        .into_iter()
        .filter_map(|t| match t.kind {
            T::Num(n) => Some((n.v / SCALE, n.money)),
            _ => None,
        })
        .collect()
}

#[test]
fn lexes_amounts_as_written_in_india() {
    assert_eq!(numbers("₹5K"), [(5000, true)]);
    assert_eq!(numbers("Rs. 2000"), [(2000, true)]);
    assert_eq!(numbers("Rs.2000"), [(2000, true)]);
    assert_eq!(numbers("INR 3k"), [(3000, true)]);
    assert_eq!(numbers("INR3000"), [(3000, true)]);
    assert_eq!(numbers("5,000 rupees"), [(5000, true)]);
    assert_eq!(numbers("5000/-"), [(5000, true)]);
    assert_eq!(numbers("1,50,000"), [(150_000, false)]);
    assert_eq!(numbers("1.5 lakh"), [(150_000, false)]);
    assert_eq!(numbers("2.5L"), [(250_000, false)]);
    assert_eq!(numbers("2 crore"), [(20_000_000, false)]);
    assert_eq!(numbers("2cr"), [(20_000_000, false)]);
    assert_eq!(numbers("five thousand"), [(5000, false)]);
    assert_eq!(numbers("twenty five"), [(25, false)]);
    assert_eq!(numbers("twenty-five"), [(25, false)]);
    assert_eq!(numbers("two hundred fifty"), [(250, false)]);
    assert_eq!(numbers("a dozen"), [(12, false)]);
    assert_eq!(numbers("a lakh"), [(100_000, false)]);
    assert_eq!(numbers("twice"), [(2, false)]);
    assert_eq!(numbers("Mumbai, 2 orders"), [(2, false)]);
    // Not numbers: a quantity word alone, "one of", "one-time".
    assert!(numbers("a phone one of one-time").is_empty());
}

#[test]
fn lexes_dates_words_and_punctuation() {
    let kinds: Vec<T> = lex("joined 2025-01-31 or 31/01/2025 (SKU TSHIRT-01), e-mail haven’t >= 5")
        .into_iter()
        .map(|t| t.kind)
        .collect();
    let date = NaiveDate::from_ymd_opt(2025, 1, 31).unwrap();
    let word = |w: &str| T::Word(w.into());
    assert_eq!(
        kinds,
        vec![
            word("joined"),
            T::Date(date),
            word("or"),
            T::Date(date),
            T::Open,
            word("sku"),
            word("tshirt-01"),
            T::Close,
            T::Comma,
            word("e-mail"),
            word("haven't"),
            T::Sym(Op::Ge),
            T::Num(Num {
                v: 5 * SCALE,
                money: false,
                times: false
            }),
        ]
    );
}

// ---- every rule tree produced is valid -----------------------------------------------------

/// Phrases to combine with connectors, negations and parentheses.
const PHRASES: &[&str] = &[
    "spent over ₹5K",
    "spent between 2k and 5k",
    "average order value above 1000",
    "spent more than 2000 in the last 30 days",
    "fewer than 3 orders",
    "ordered at least twice",
    "one-time buyers",
    "repeat customers",
    "never ordered",
    "more than three orders in the last 60 days",
    "haven't shopped in 6 months",
    "inactive for 90 days",
    "lapsed",
    "bought in the last 2 weeks",
    "joined this month",
    "joined last month",
    "new customers",
    "first order more than a year ago",
    "from Mumbai or Pune",
    "outside Delhi",
    "gold tier",
    "women",
    "acquired through ads",
    "with plan premium",
    "with no email",
    "gmail users",
    "named Asha",
    "bought from electronics",
    "bought SKU TSHIRT-01",
    "love cricket",
    "spent more than 2 crore",
    "customers who haven't ordered since 2026-01-01",
];

const PROMPTS: &[&str] = &[
    "5,000 rupees",
    "Rs. 2000",
    "INR 3k",
    "1.5 lakh",
    "2 crore",
    "more than 10k",
    "5+ orders",
    "no purchase in the last 2 months",
    "ordered recently",
    "active in the past month",
    "joined in the last 10 days",
    "in Delhi",
    "customers in Bengaluru, Chennai and Hyderabad",
    "not in Mumbai",
    "silver members",
    "tier is bronze",
    "men",
    "referral customers",
    "organic",
    "without a phone number",
    "with an email",
    "bought category footwear",
    "excluding gold tier",
    "except those who ordered in the last week",
    "either gold tier in Bengaluru or silver tier in Mumbai",
    "customers who joined between 2025-01-01 and 2025-06-30",
    "customers who signed up in March",
    "customers who signed up in January 2026",
    "customers whose last order was on 2026-06-01",
    "customers whose last order was before 01/01/2026",
    "customers with no order since January",
    "customers inactive since March",
    "customers who ordered yesterday",
    "customers who ordered today",
    "customers who placed 2 orders this week",
    "customers with at least 2 orders this year",
    "neither gold nor silver members",
    "((((((((((((((gold))))))))))))))",
    "not not not not not gold",
    "(((gold or silver) and (Mumbai or (Pune and women))) or (spent over 5k and (not lapsed)))",
    "spent over 5k or",
    "and or not",
    ") gold (",
    "either",
    "either gold or",
    "customers who spent 99999999999999999999999",
    "customers with more than 99999999999999999999 orders",
    "inactive for 500 years",
    "customers who ordered more than 2.5 times",
    "customers who spent ₹0.001",
    "customers who joined 31/02/2025",
    "city in (Mumbai, Pune",
    "name is",
    "tier is",
    "customers with email ending in",
    "customers whose phone starts with",
    "spent between 5k and 2k",
    "ordered between 5 and 2 times",
    "customers from São Paulo",
    "customers in 'Navi Mumbai'",
    "customers named ''",
    "“gold”",
    "₹₹₹",
    "rs rs rs 5",
    "- + : / & , . ; ?",
    "joined this year, this quarter, this week, today",
    "orders this quarter at least 3",
    "spent over 5k since 1 Jan 2026",
    "customers who ordered last year",
    "customers who ordered in 2024",
    "last order in March 2025",
];

#[test]
fn every_rule_tree_produced_is_valid() {
    let mut prompts: Vec<String> = PROMPTS
        .iter()
        .chain(PHRASES)
        .map(|p| (*p).to_owned())
        .collect();
    for a in PHRASES {
        for b in PHRASES {
            prompts.push(format!("{a} and {b}"));
            prompts.push(format!("{a} or {b}"));
            prompts.push(format!("{a} but not {b}"));
            prompts.push(format!("({a} or {b}), {a}"));
            prompts.push(format!("either {a} or not {b}"));
        }
    }
    let mut understood = 0;
    for prompt in &prompts {
        let parsed = parse(prompt, now());
        if let Some(rules) = &parsed.rules {
            valid(rules);
            understood += 1;
        }
    }
    assert!(
        understood * 10 > prompts.len() * 9,
        "{understood} of {}",
        prompts.len()
    );
}

/// Deterministic word soup from the parser's own vocabulary: no panic, and anything it makes of
/// it is valid.
#[test]
fn word_soup_never_breaks_it() {
    let vocabulary: Vec<&str> = KEYWORDS
        .iter()
        .chain(NEGATORS)
        .chain(FILLERS.iter().take(40))
        .chain(TIERS)
        .chain(KNOWN_CITIES.iter().take(10))
        .copied()
        .chain([
            "5",
            "5k",
            "₹",
            "2.5",
            "1,50,000",
            "lakh",
            "crore",
            "(",
            ")",
            ",",
            "days",
            "months",
            "2025-01-01",
            "\"",
            "'",
            "+",
            "-",
            "/",
            ">=",
            "<",
            "=",
            "TSHIRT-01",
            "twice",
            "a",
            "dozen",
            "twenty",
            "five",
        ])
        .collect();
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    for _ in 0..3000 {
        let len = 1 + next(14);
        let prompt: Vec<&str> = (0..len)
            .map(|_| vocabulary[next(vocabulary.len())])
            .collect();
        let prompt = prompt.join(" ");
        let parsed = parse(&prompt, now());
        if let Some(rules) = &parsed.rules {
            valid(rules);
        }
        for part in &parsed.unrecognised {
            assert!(
                prompt.contains(part.as_str()),
                "{part:?} is not in {prompt:?}"
            );
        }
    }
}
