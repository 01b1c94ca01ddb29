//! The compiler: a rule tree to a sea-query condition over `customers`.
//!
//! Semantics that the reference evaluator must share: text compares case-insensitively; the negative
//! operators (`!=`, `not_contains`, `not_in`, `not_between`) also match a missing value; a customer who
//! never ordered matches `older_than_days` and never `within_last_days`; `bought_*` with a negative
//! operator means "never bought"; windows count and sum completed orders only. Every condition is
//! two-valued (a positive test on a missing value is false, not NULL), so that `not` on a group is the
//! plain negation a marketer expects.

use crate::tables::Customers;
use minicrm_domain::rules::{
    Combinator, Condition, Field, Group, Kind, Operand, Operator, Rule, Subject,
};
use minicrm_domain::Timestamp;
use minicrm_store::Backend;
use sea_query::{Alias, Cond, Expr, Func, SimpleExpr};

mod orders;
mod values;

use sea_query::extension::postgres::PgExpr;
use values::{between, compare, date_column, number, number_column, text};

const DAY_MS: i64 = 86_400_000;

/// The condition that selects the customers `group` describes, with relative times taken from `now`.
pub fn condition(group: &Group, backend: Backend, now: Timestamp) -> Cond {
    Compiler { backend, now }.group(group)
}

struct Compiler {
    backend: Backend,
    now: Timestamp,
}

impl Compiler {
    fn group(&self, group: &Group) -> Cond {
        let base = match group.combinator {
            Combinator::And => Cond::all(),
            Combinator::Or => Cond::any(),
        };
        let mut rules: Vec<&Rule> = group.rules.iter().collect();
        rules.sort_by_key(|r| cost(r));
        let cond = rules.into_iter().fold(base, |cond, rule| match rule {
            Rule::Group(g) => cond.add(self.group(g)),
            Rule::Condition(c) => cond.add(self.condition(c)),
        });
        if group.not {
            cond.not()
        } else {
            cond
        }
    }

    fn condition(&self, c: &Condition) -> SimpleExpr {
        match (&c.subject, c.subject.kind()) {
            (Subject::Field(f @ (Field::BoughtSku | Field::BoughtCategory)), _) => {
                self.bought(*f, c.operator, &c.operand)
            }
            (subject, Kind::Text) => text(
                self.backend,
                self.text_column(subject),
                matches!(subject, Subject::Attribute(_)),
                c.operator,
                &c.operand,
            ),
            (Subject::Field(f), Kind::Count | Kind::Money) => {
                number(number_column(*f), c.operator, &c.operand)
            }
            (Subject::Field(f), Kind::Date) => self.date(date_column(*f), c.operator, &c.operand),
            (Subject::Field(f), Kind::CountInWindow | Kind::MoneyInWindow) => {
                self.window(*f, c.operator, &c.operand)
            }
            (Subject::Attribute(_), _) => unreachable!("attributes are text"),
        }
    }

    fn text_column(&self, subject: &Subject) -> SimpleExpr {
        match subject {
            Subject::Field(Field::Name) => Expr::col(Customers::Name).into(),
            Subject::Field(Field::Email) => Expr::col(Customers::Email).into(),
            Subject::Field(Field::Phone) => Expr::col(Customers::Phone).into(),
            Subject::Field(_) => Expr::col(Customers::City).into(),
            Subject::Attribute(key) => match self.backend {
                Backend::Sqlite => Func::cust(Alias::new("json_extract"))
                    .arg(Expr::col(Customers::Attributes))
                    .arg(format!("$.{key}"))
                    .into(),
                Backend::Postgres => Expr::col(Customers::Attributes).cast_json_field(key.as_str()),
            },
        }
    }

    fn date(&self, column: SimpleExpr, op: Operator, operand: &Operand) -> SimpleExpr {
        let present = |test: SimpleExpr| Expr::expr(column.clone()).is_not_null().and(test);
        match (op, operand) {
            (Operator::WithinLastDays, Operand::Days(n)) => {
                present(Expr::expr(column.clone()).gte(self.days_ago(*n)))
            }
            (Operator::OlderThanDays, Operand::Days(n)) => Expr::expr(column.clone())
                .is_null()
                .or(Expr::expr(column).lt(self.days_ago(*n))),
            (Operator::IsNull, _) => Expr::expr(column).is_null(),
            (Operator::IsNotNull, _) => Expr::expr(column).is_not_null(),
            (Operator::NotBetween, Operand::TimeRange(low, high)) => {
                between(column, Operator::NotBetween, low.millis(), high.millis())
            }
            (op, Operand::Time(t)) => present(compare(column.clone(), op, t.millis())),
            (op, Operand::TimeRange(low, high)) => {
                present(between(column.clone(), op, low.millis(), high.millis()))
            }
            _ => unreachable!("the parser pairs date operators with date operands"),
        }
    }

    fn days_ago(&self, days: u32) -> i64 {
        self.now.millis() - i64::from(days) * DAY_MS
    }
}

/// Whether testing `group` runs a sub-query over orders (a window or a purchase).
pub(crate) fn has_subquery(group: &Group) -> bool {
    group.rules.iter().any(|rule| cost(rule) >= 2)
}

/// How expensive a rule is to test per customer, so that a group tests cheap rules first and
/// short-circuits before the costly ones: columns, then JSON attributes, then sub-queries.
fn cost(rule: &Rule) -> u32 {
    match rule {
        Rule::Group(g) => g.rules.iter().map(cost).max().unwrap_or(0),
        Rule::Condition(c) => match (&c.subject, c.subject.kind()) {
            (Subject::Attribute(_), _) => 1,
            (Subject::Field(Field::BoughtSku | Field::BoughtCategory), _) => 3,
            (_, Kind::CountInWindow | Kind::MoneyInWindow) => 2,
            _ => 0,
        },
    }
}
