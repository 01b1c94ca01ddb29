//! The compiler: a rule tree to a sea-query condition over `customers`.
//!
//! Semantics that the reference evaluator must share: text compares case-insensitively; the negative
//! operators (`!=`, `not_contains`, `not_in`, `not_between`) also match a missing value; a customer who
//! never ordered matches `older_than_days` and never `within_last_days`; `bought_*` with a negative
//! operator means "never bought"; windows count and sum completed orders only. Every condition is
//! two-valued (a positive test on a missing value is false, not NULL), so that `not` on a group is the
//! plain negation a marketer expects.

use crate::tables::{Customers, OrderItems, Orders};
use minicrm_domain::rules::{
    Combinator, Condition, Field, Group, Kind, Operand, Operator, Rule, Subject,
};
use minicrm_domain::Timestamp;
use minicrm_store::{fold_function, Backend};
use sea_query::extension::postgres::PgExpr;
use sea_query::{Alias, Cond, Expr, Func, LikeExpr, Query, SimpleExpr};

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

    /// The customers whose completed orders in the window pass the test: one range scan of the window's
    /// orders, grouped by customer. A customer with no order in the window has a count and a sum of 0,
    /// so where the test passes at 0 the condition selects everyone except those who fail it.
    fn window(&self, field: Field, op: Operator, operand: &Operand) -> SimpleExpr {
        let Operand::Window { days, operand } = operand else {
            unreachable!("windows carry their days")
        };
        let measure: SimpleExpr = match field {
            Field::OrdersInLastDays => Func::count(Expr::col(Orders::Id)).into(),
            _ => Func::sum(Expr::col(Orders::Amount)).into(),
        };
        let test = number(measure, op, operand);
        let passes_at_zero = holds_at_zero(op, operand);
        let having = if passes_at_zero { test.not() } else { test };
        let customers = Query::select()
            .column(Orders::CustomerId)
            .from(Orders::Table)
            .and_where(Expr::col(Orders::Status).eq("completed"))
            .and_where(Expr::col(Orders::OrderedAt).gte(self.days_ago(*days)))
            .group_by_col(Orders::CustomerId)
            .and_having(having)
            .to_owned();
        let id = Expr::col((Customers::Table, Customers::Id));
        if passes_at_zero {
            id.not_in_subquery(customers)
        } else {
            id.in_subquery(customers)
        }
    }

    /// Whether any completed order line matches; the negative operators mean "never bought".
    fn bought(&self, field: Field, op: Operator, operand: &Operand) -> SimpleExpr {
        let column = match field {
            Field::BoughtSku => OrderItems::Sku,
            _ => OrderItems::Category,
        };
        let positive = match op {
            Operator::Ne => Operator::Eq,
            Operator::NotContains => Operator::Contains,
            Operator::NotIn => Operator::In,
            Operator::IsNull | Operator::IsNotNull => Operator::IsNotNull,
            other => other,
        };
        let (i, o) = (Alias::new("i"), Alias::new("o"));
        let lines = Query::select()
            .expr(Expr::val(1))
            .from_as(OrderItems::Table, i.clone())
            .join_as(
                sea_query::JoinType::InnerJoin,
                Orders::Table,
                o.clone(),
                Expr::col((o.clone(), Orders::Id)).equals((i.clone(), OrderItems::OrderId)),
            )
            .and_where(
                Expr::col((o.clone(), Orders::CustomerId))
                    .equals((Customers::Table, Customers::Id)),
            )
            .and_where(Expr::col((o, Orders::Status)).eq("completed"))
            .and_where(text(
                self.backend,
                Expr::col((i, column)).into(),
                false,
                positive,
                operand,
            ))
            .to_owned();
        let exists = Expr::exists(lines);
        match op {
            Operator::Ne | Operator::NotContains | Operator::NotIn | Operator::IsNull => {
                exists.not()
            }
            _ => exists,
        }
    }
}

/// Whether a count or sum of zero passes a comparison.
fn holds_at_zero(op: Operator, operand: &Operand) -> bool {
    match (op, operand) {
        (Operator::Eq, Operand::Number(n)) => *n == 0,
        (Operator::Ne, Operand::Number(n)) => *n != 0,
        (Operator::Lt, Operand::Number(n)) => 0 < *n,
        (Operator::Le, Operand::Number(n)) => 0 <= *n,
        (Operator::Gt, Operand::Number(n)) => 0 > *n,
        (Operator::Ge, Operand::Number(n)) => 0 >= *n,
        (Operator::Between, Operand::Range(l, h)) => *l <= 0 && 0 <= *h,
        (Operator::NotBetween, Operand::Range(l, h)) => !(*l <= 0 && 0 <= *h),
        (Operator::In, Operand::Numbers(ns)) => ns.contains(&0),
        (Operator::NotIn, Operand::Numbers(ns)) => !ns.contains(&0),
        _ => false,
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

/// A text comparison on the column folded to lower case (`fold_function`: SQLite's own `lower`
/// folds ASCII only); the operand is already lower-cased by Rust's Unicode rules. A missing value
/// fails a positive test and passes a negative one. A `computed` column (a JSON attribute) is tested
/// under `COALESCE(test, FALSE)`, so that it is extracted once per row rather than twice.
fn text(
    backend: Backend,
    column: SimpleExpr,
    computed: bool,
    op: Operator,
    operand: &Operand,
) -> SimpleExpr {
    let operands = match operand {
        Operand::Text(v) => std::slice::from_ref(v),
        Operand::Texts(vs) => vs.as_slice(),
        _ => &[],
    };
    let fold = fold_function(backend, operands.iter().map(String::as_str));
    let lower = || -> SimpleExpr { Func::cust(Alias::new(fold)).arg(column.clone()).into() };
    let like = |pattern: String| Expr::expr(lower()).like(LikeExpr::new(pattern).escape('\\'));
    let (test, negative) = match (op, operand) {
        (Operator::IsNull, _) => return Expr::expr(column).is_null(),
        (Operator::IsNotNull, _) => return Expr::expr(column).is_not_null(),
        (Operator::Eq | Operator::Ne, Operand::Text(v)) => {
            (Expr::expr(lower()).eq(v.as_str()), op == Operator::Ne)
        }
        (Operator::Contains | Operator::NotContains, Operand::Text(v)) => (
            like(format!("%{}%", escape_like(v))),
            op == Operator::NotContains,
        ),
        (Operator::BeginsWith, Operand::Text(v)) => (like(format!("{}%", escape_like(v))), false),
        (Operator::EndsWith, Operand::Text(v)) => (like(format!("%{}", escape_like(v))), false),
        (Operator::In | Operator::NotIn, Operand::Texts(vs)) => (
            Expr::expr(lower()).is_in(vs.iter().map(String::as_str)),
            op == Operator::NotIn,
        ),
        _ => unreachable!("the parser pairs text operators with text operands"),
    };
    match (computed, negative) {
        (true, _) => {
            let held: SimpleExpr = Func::coalesce([test, Expr::val(false).into()]).into();
            if negative {
                held.not()
            } else {
                held
            }
        }
        (false, false) => Expr::expr(column).is_not_null().and(test),
        (false, true) => Expr::expr(column).is_null().or(test.not()),
    }
}

/// LIKE's wildcards in user text match themselves.
fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

fn number(column: SimpleExpr, op: Operator, operand: &Operand) -> SimpleExpr {
    match (op, operand) {
        (op, Operand::Number(v)) => compare(column, op, *v),
        (op, Operand::Range(low, high)) => between(column, op, *low, *high),
        (Operator::In, Operand::Numbers(vs)) => Expr::expr(column).is_in(vs.iter().copied()),
        (Operator::NotIn, Operand::Numbers(vs)) => Expr::expr(column).is_not_in(vs.iter().copied()),
        _ => unreachable!("the parser pairs number operators with number operands"),
    }
}

fn compare(column: SimpleExpr, op: Operator, value: i64) -> SimpleExpr {
    let c = Expr::expr(column.clone());
    match op {
        Operator::Eq => c.eq(value),
        Operator::Ne => Expr::expr(column).is_null().or(c.ne(value)),
        Operator::Lt => c.lt(value),
        Operator::Le => c.lte(value),
        Operator::Gt => c.gt(value),
        Operator::Ge => c.gte(value),
        _ => unreachable!("only comparisons reach here"),
    }
}

fn between(column: SimpleExpr, op: Operator, low: i64, high: i64) -> SimpleExpr {
    match op {
        Operator::Between => Expr::expr(column).between(low, high),
        _ => Expr::expr(column.clone())
            .is_null()
            .or(Expr::expr(column).not_between(low, high)),
    }
}

fn number_column(field: Field) -> SimpleExpr {
    match field {
        Field::TotalSpend => Expr::col(Customers::TotalSpend).into(),
        Field::OrderCount => Expr::col(Customers::OrderCount).into(),
        // Rounded as the API shows it; the expression is ours, with no value in it.
        _ => Expr::cust("(CASE WHEN order_count > 0 THEN (total_spend + order_count / 2) / order_count ELSE 0 END)"),
    }
}

fn date_column(field: Field) -> SimpleExpr {
    match field {
        Field::CreatedAt => Expr::col(Customers::CreatedAt).into(),
        Field::FirstOrderAt => Expr::col(Customers::FirstOrderAt).into(),
        _ => Expr::col(Customers::LastOrderAt).into(),
    }
}
