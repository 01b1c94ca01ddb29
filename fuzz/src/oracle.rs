//! The oracle for a parsed rule tree: it compiles for both backends, each statement binds exactly the
//! values it names, SQLite runs it, and the count is the reference evaluator's.

use crate::evaluator::{self, Customer, Order, DAY_MS};
use crate::sqlite::Fixture;
use crate::NOW;
use minicrm_domain::rules::{Group, Rule, Subject};
use minicrm_domain::Timestamp;
use minicrm_store::Backend;
use sea_query::{Alias, Asterisk, Expr, Func, PostgresQueryBuilder, Query};

/// Checks `group` against `people`, who must be loaded in `fixture`.
pub fn check(fixture: &Fixture, group: &Group, people: &[Customer]) {
    postgres_binds_every_value(group);
    let now = Timestamp::from_millis(NOW);
    let sql = fixture.count(group, now);
    if !comparable(group) {
        return;
    }
    let reference = people
        .iter()
        .filter(|p| evaluator::matches(group, p, NOW))
        .count() as i64;
    assert_eq!(
        sql, reference,
        "the compiled SQL counts {sql}, the reference evaluator {reference}: {group:#?}"
    );
}

/// The PostgreSQL statement builds and numbers its placeholders `$1..$n` for its `n` values.
fn postgres_binds_every_value(group: &Group) {
    let (sql, values) = Query::select()
        .expr(Func::count(Expr::col(Asterisk)))
        .from(Alias::new("customers"))
        .cond_where(minicrm_audience::condition(
            group,
            Backend::Postgres,
            Timestamp::from_millis(NOW),
        ))
        .build(PostgresQueryBuilder);
    let highest = sql
        .split('$')
        .skip(1)
        .filter_map(|rest| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse::<usize>().ok()
        })
        .max()
        .unwrap_or(0);
    assert_eq!(
        highest,
        values.0.len(),
        "placeholders and values differ: {sql}"
    );
}

/// The evaluator reads every custom attribute as the tier (the only one its customers have).
fn comparable(group: &Group) -> bool {
    group.rules.iter().all(|rule| match rule {
        Rule::Group(g) => comparable(g),
        Rule::Condition(c) => match &c.subject {
            Subject::Attribute(key) => key == "tier",
            Subject::Field(_) => true,
        },
    })
}

/// A fixed audience for targets whose input is only a rule: cases, LIKE's wildcards in the data, no
/// orders, cancelled orders only, old and recent orders.
pub fn sample_people() -> Vec<Customer> {
    let day = |n: i64| NOW - n * DAY_MS;
    let order = |amount: i64, completed: bool, age: i64, category: Option<&str>, sku: &str| Order {
        amount,
        completed,
        ordered_at: day(age) - 3_600_000,
        category: category.map(str::to_owned),
        sku: sku.to_owned(),
    };
    let person = |name: &str,
                  email: Option<&str>,
                  city: Option<&str>,
                  tier: Option<&str>,
                  age: i64,
                  orders: Vec<Order>| Customer {
        name: name.to_owned(),
        email: email.map(str::to_owned),
        city: city.map(str::to_owned),
        tier: tier.map(str::to_owned),
        created_at: day(age),
        orders,
    };
    vec![
        person(
            "Asha Rao",
            Some("asha@gmail.com"),
            Some("Mumbai"),
            Some("gold"),
            400,
            vec![
                order(550_000, true, 10, Some("apparel"), "SKU-1"),
                order(120_000, true, 200, Some("Footwear"), "SKU-2"),
            ],
        ),
        person("Ravi Kumar", None, Some("pune"), Some("Silver"), 30, vec![]),
        person(
            "ravi k",
            Some("ravi_k@example.com"),
            None,
            None,
            5,
            vec![order(9_900, false, 2, Some("home"), "SKU-3")],
        ),
        person(
            "Zoya_Ali",
            Some("zoya%ali@example.com"),
            Some("Delhi"),
            Some("bronze"),
            900,
            vec![
                order(100, true, 0, None, "sku-1"),
                order(250_000, true, 45, Some("Home"), "SKU_9"),
                order(75_000, true, 800, Some("apparel"), "a%b"),
            ],
        ),
        person(
            "Om",
            Some("om@EXAMPLE.com"),
            Some("back\\slash"),
            Some("gold"),
            1,
            vec![order(
                1_000_000_000,
                true,
                364,
                Some("electronics"),
                "TV-55",
            )],
        ),
        person("", None, Some(""), Some(""), 0, vec![]),
        person(
            "Meera Iyer",
            Some("meera@yahoo.co.in"),
            Some("Mumbai "),
            None,
            3650,
            vec![
                order(49_950, true, 30, Some("beauty"), "SKU-1"),
                order(49_950, false, 29, Some("beauty"), "SKU-1"),
            ],
        ),
    ]
}
