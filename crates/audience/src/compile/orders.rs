//! The conditions over a customer's orders: a count or sum of completed orders in a window, and
//! whether they ever bought a SKU or a category. Each is a sub-query, tested last in a group.

use super::values::{number, text};
use super::Compiler;
use crate::tables::{Customers, OrderItems, Orders};
use minicrm_domain::rules::{Field, Operand, Operator};
use sea_query::{Alias, Expr, Func, Query, SimpleExpr};

impl Compiler {
    /// The customers whose completed orders in the window pass the test: one range scan of the window's
    /// orders, grouped by customer. A customer with no order in the window has a count and a sum of 0,
    /// so where the test passes at 0 the condition selects everyone except those who fail it.
    pub(super) fn window(&self, field: Field, op: Operator, operand: &Operand) -> SimpleExpr {
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
    pub(super) fn bought(&self, field: Field, op: Operator, operand: &Operand) -> SimpleExpr {
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
