//! Comparisons by kind of value: text (case-insensitive, a missing value failing a positive test),
//! numbers, and the columns numbers and dates are read from.

use crate::tables::Customers;
use minicrm_domain::rules::{Field, Operand, Operator};
use minicrm_store::{fold_function, Backend};
use sea_query::{Alias, Expr, Func, LikeExpr, SimpleExpr};

/// A text comparison on the column folded to lower case (`fold_function`: SQLite's own `lower`
/// folds ASCII only); the operand is already lower-cased by Rust's Unicode rules. A missing value
/// fails a positive test and passes a negative one. A `computed` column (a JSON attribute) is tested
/// under `COALESCE(test, FALSE)`, so that it is extracted once per row rather than twice.
pub(super) fn text(
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

pub(super) fn number(column: SimpleExpr, op: Operator, operand: &Operand) -> SimpleExpr {
    match (op, operand) {
        (op, Operand::Number(v)) => compare(column, op, *v),
        (op, Operand::Range(low, high)) => between(column, op, *low, *high),
        (Operator::In, Operand::Numbers(vs)) => Expr::expr(column).is_in(vs.iter().copied()),
        (Operator::NotIn, Operand::Numbers(vs)) => Expr::expr(column).is_not_in(vs.iter().copied()),
        _ => unreachable!("the parser pairs number operators with number operands"),
    }
}

pub(super) fn compare(column: SimpleExpr, op: Operator, value: i64) -> SimpleExpr {
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

pub(super) fn between(column: SimpleExpr, op: Operator, low: i64, high: i64) -> SimpleExpr {
    match op {
        Operator::Between => Expr::expr(column).between(low, high),
        _ => Expr::expr(column.clone())
            .is_null()
            .or(Expr::expr(column).not_between(low, high)),
    }
}

pub(super) fn number_column(field: Field) -> SimpleExpr {
    match field {
        Field::TotalSpend => Expr::col(Customers::TotalSpend).into(),
        Field::OrderCount => Expr::col(Customers::OrderCount).into(),
        // Rounded as the API shows it; the expression is ours, with no value in it.
        _ => Expr::cust("(CASE WHEN order_count > 0 THEN (total_spend + order_count / 2) / order_count ELSE 0 END)"),
    }
}

pub(super) fn date_column(field: Field) -> SimpleExpr {
    match field {
        Field::CreatedAt => Expr::col(Customers::CreatedAt).into(),
        Field::FirstOrderAt => Expr::col(Customers::FirstOrderAt).into(),
        _ => Expr::col(Customers::LastOrderAt).into(),
    }
}
