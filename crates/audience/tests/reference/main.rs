//! Property test: on random customers, orders and rule trees, the audience the compiled SQL counts is
//! the audience the reference evaluator finds — on SQLite always, on PostgreSQL when
//! MINICRM_TEST_DATABASE_URL names a server.

mod evaluator;

use evaluator::{Customer, Order, DAY_MS};
use minicrm_domain::ingest::order::LineItem;
use minicrm_domain::rules;
use minicrm_domain::{
    Currency, Email, ExternalId, Money, NewCustomer, NewOrder, OrderStatus, Timestamp,
};
use minicrm_store::{customers, on_tx, orders, Db, DbOptions};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{json, Value};

/// The moment every case is evaluated at: 2026-06-01T00:00:00Z.
const NOW: i64 = 1_780_272_000_000;

fn customer() -> impl Strategy<Value = Customer> {
    let name = prop::sample::select(vec![
        "Asha Rao",
        "Ravi Kumar",
        "ravi k",
        "Meera",
        "Zoya_Ali",
        "Om",
        // Letters beyond ASCII: SQLite's own lower() leaves "É" as it is.
        "Élodie Ørsted",
        "ÉLODIE",
    ]);
    let city = prop::option::of(prop::sample::select(vec![
        "Mumbai", "mumbai", "Pune", "Delhi", "Zürich", "ZÜRICH",
    ]));
    let tier = prop::option::of(prop::sample::select(vec![
        "gold", "Silver", "bronze", "ÉLITE",
    ]));
    (
        name,
        any::<bool>(),
        city,
        tier,
        1..800i64,
        prop::collection::vec(order(), 0..5),
    )
        .prop_map(|(name, email, city, tier, age, orders)| Customer {
            email: email.then(|| {
                let local = if name.is_ascii() {
                    name.replace(' ', ".")
                } else {
                    "intl".into()
                };
                format!("{}@example.com", local.to_lowercase())
            }),
            name: name.to_owned(),
            city: city.map(str::to_owned),
            tier: tier.map(str::to_owned),
            created_at: NOW - age * DAY_MS,
            orders,
        })
}

fn order() -> impl Strategy<Value = Order> {
    let category = prop::option::of(prop::sample::select(vec![
        "apparel",
        "Footwear",
        "home",
        "ÉPICERIE",
    ]));
    (
        1..3000i64,
        prop::bool::weighted(0.8),
        0..500i64,
        category,
        1..4u8,
    )
        .prop_map(|(major, completed, age, category, sku)| Order {
            amount: major * 100,
            completed,
            ordered_at: NOW - age * DAY_MS - 3_600_000,
            category: category.map(str::to_owned),
            sku: format!("SKU-{sku}"),
        })
}

fn condition() -> impl Strategy<Value = Value> {
    let texts = prop::sample::select(vec![
        "mumbai",
        "Pune",
        "a",
        "ravi",
        "gold",
        "apparel",
        "sku-2",
        "om",
        "@example",
        "é",
        "Élodie",
        "zürich",
        "ÉLITE",
        "épicerie",
        "ø",
    ]);
    let text_field = prop::sample::select(vec![
        "name",
        "email",
        "city",
        "attributes.tier",
        "bought_category",
        "bought_sku",
    ]);
    let text_op = prop::sample::select(vec![
        "=",
        "!=",
        "contains",
        "not_contains",
        "begins_with",
        "ends_with",
        "in",
        "not_in",
        "is_null",
        "is_not_null",
    ]);
    let text = (text_field, text_op, prop::collection::vec(texts, 1..3)).prop_map(|(f, op, vs)| {
        let value = if op.ends_with("in") {
            json!(vs)
        } else {
            json!(vs[0])
        };
        json!({"field": f, "operator": op, "value": value})
    });
    let number_field = prop::sample::select(vec!["total_spend", "order_count", "avg_order_value"]);
    let number_op = prop::sample::select(vec![
        "=",
        "!=",
        "<",
        "<=",
        ">",
        ">=",
        "between",
        "not_between",
        "in",
        "not_in",
    ]);
    let number = (number_field, number_op, 0..4000i64, 0..4000i64).prop_map(|(f, op, a, b)| {
        let (a, b) = if f == "order_count" {
            (a % 5, b % 5)
        } else {
            (a, b)
        };
        json!({"field": f, "operator": op, "value": value_for(op, a, b)})
    });
    let date_field = prop::sample::select(vec!["created_at", "first_order_at", "last_order_at"]);
    let date_op = prop::sample::select(vec![
        "<",
        ">=",
        "between",
        "not_between",
        "within_last_days",
        "older_than_days",
        "is_null",
        "is_not_null",
    ]);
    let date = (date_field, date_op, 1..600i64, 1..600i64).prop_map(|(f, op, a, b)| {
        let day = |n: i64| Timestamp::from_millis(NOW - n * DAY_MS).to_rfc3339();
        let value = match op {
            "within_last_days" | "older_than_days" => json!(a),
            "between" | "not_between" => json!([day(a.max(b)), day(a.min(b))]),
            _ => json!(day(a)),
        };
        json!({"field": f, "operator": op, "value": value})
    });
    let window_field = prop::sample::select(vec!["orders_in_last_days", "spend_in_last_days"]);
    let window_op = prop::sample::select(vec!["=", "!=", "<", ">=", "between", "not_between"]);
    let window = (window_field, window_op, 1..500i64, 0..4000i64, 0..4000i64).prop_map(|(f, op, days, a, b)| {
        let (a, b) = if f == "orders_in_last_days" { (a % 4, b % 4) } else { (a, b) };
        json!({"field": f, "operator": op, "value": {"days": days, "value": value_for(op, a, b)}})
    });
    prop_oneof![text, number, date, window]
}

fn value_for(op: &str, a: i64, b: i64) -> Value {
    match op {
        "between" | "not_between" => json!([a.min(b), a.max(b)]),
        "in" | "not_in" => json!([a, b]),
        _ => json!(a),
    }
}

fn rule_tree() -> impl Strategy<Value = Value> {
    let group = |rules: Vec<Value>, or: bool, not: bool| json!({"combinator": if or { "or" } else { "and" }, "not": not, "rules": rules});
    let tree = condition().prop_recursive(3, 16, 4, move |inner| {
        (
            prop::collection::vec(inner, 1..4),
            any::<bool>(),
            prop::bool::weighted(0.25),
        )
            .prop_map(move |(rules, or, not)| group(rules, or, not))
    });
    (
        prop::collection::vec(tree, 1..3),
        any::<bool>(),
        prop::bool::weighted(0.2),
    )
        .prop_map(move |(rules, or, not)| group(rules, or, not))
}

async fn load(db: &Db, people: &[Customer]) {
    let mut tx = db.begin().await.unwrap();
    on_tx!(&mut tx, c => {
        for table in ["order_items", "orders", "customers"] {
            sqlx::query(&format!("DELETE FROM {table}")).execute(&mut *c).await.unwrap();
        }
    });
    let records: Vec<NewCustomer> = people
        .iter()
        .enumerate()
        .map(|(i, p)| NewCustomer {
            external_id: ExternalId::parse(&format!("C{i}")).unwrap(),
            name: p.name.clone(),
            email: p.email.as_deref().map(|e| Email::parse(e).unwrap()),
            phone: None,
            city: p.city.clone(),
            attributes: p
                .tier
                .iter()
                .map(|t| ("tier".to_owned(), json!(t)))
                .collect(),
            created_at: Timestamp::from_millis(p.created_at),
            updated_at: Timestamp::from_millis(p.created_at),
        })
        .collect();
    customers::upsert(&mut tx, &records).await.unwrap();
    let ids = customers::ids_by_external_id(
        &mut tx,
        &records
            .iter()
            .map(|r| r.external_id.as_str())
            .collect::<Vec<_>>(),
    )
    .await
    .unwrap();
    let new_orders: Vec<(i64, NewOrder)> = people
        .iter()
        .enumerate()
        .flat_map(|(i, p)| {
            let id = ids[&format!("C{i}")];
            p.orders.iter().enumerate().map(move |(k, o)| {
                (
                    id,
                    NewOrder {
                        external_id: ExternalId::parse(&format!("O{i}-{k}")).unwrap(),
                        customer_external_id: ExternalId::parse(&format!("C{i}")).unwrap(),
                        amount: Money {
                            minor: o.amount,
                            currency: Currency::INR,
                        },
                        status: if o.completed {
                            OrderStatus::Completed
                        } else {
                            OrderStatus::Cancelled
                        },
                        ordered_at: Timestamp::from_millis(o.ordered_at),
                        items: vec![LineItem {
                            sku: o.sku.clone(),
                            name: "item".into(),
                            category: o.category.clone(),
                            quantity: 1,
                            price: o.amount,
                        }],
                    },
                )
            })
        })
        .collect();
    let refs: Vec<(i64, &NewOrder)> = new_orders.iter().map(|(id, o)| (*id, o)).collect();
    orders::insert(&mut tx, &refs, "test").await.unwrap();
    tx.commit().await.unwrap();
}

async fn agree(db: &Db, people: &[Customer], trees: &[Value]) -> Result<(), TestCaseError> {
    load(db, people).await;
    for tree in trees {
        let group = rules::parse(tree, Currency::INR)
            .map_err(|e| TestCaseError::fail(format!("{tree} did not parse: {e:?}")))?;
        let sql = minicrm_audience::count(db, &group, Timestamp::from_millis(NOW))
            .await
            .unwrap();
        let reference = people
            .iter()
            .filter(|p| evaluator::matches(&group, p, NOW))
            .count() as i64;
        prop_assert_eq!(sql, reference, "rules {}", tree);
    }
    Ok(())
}

fn check(db: Db, cases: u32) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let strategy = (
        prop::collection::vec(customer(), 0..25),
        prop::collection::vec(rule_tree(), 1..8),
    );
    let result = TestRunner::new(config).run(&strategy, |(people, trees)| {
        runtime.block_on(agree(&db, &people, &trees))
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

fn open(url: String) -> Db {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let db = Db::connect(&DbOptions::new(url)).await.unwrap();
        db.migrate().await.unwrap();
        db
    })
}

#[test]
fn sql_agrees_with_the_reference_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    check(
        open(format!("sqlite://{}", dir.path().join("ref.db").display())),
        150,
    );
}

#[test]
fn sql_agrees_with_the_reference_on_postgresql() {
    let Ok(server) = std::env::var("MINICRM_TEST_DATABASE_URL") else {
        eprintln!("skipped: MINICRM_TEST_DATABASE_URL is not set");
        return;
    };
    let name = format!("minicrm_test_{}", std::process::id());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect(&server).await.unwrap();
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
            .execute(&mut conn)
            .await
            .unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .unwrap();
    });
    let base = server
        .rsplit_once('/')
        .map_or(server.as_str(), |(b, _)| b)
        .to_owned();
    check(open(format!("{base}/{name}")), 60);
}
