//! Rules → plain words: one line per condition ("total spend over ₹5,000"), amounts with Indian
//! digit grouping, nested groups in parentheses.

use super::tree::{Condition, Group, Rule, Value};
use chrono::NaiveDate;
use minicrm_domain::rules::{Combinator, Field, Operator, Subject};
use minicrm_domain::Money;

/// One line per condition of the tree; inside nested groups the lines say how they join.
pub(super) fn explain(root: &Group) -> Vec<String> {
    group_lines(root, false)
}

fn lines(rule: &Rule, nested: bool) -> Vec<String> {
    match rule {
        Rule::Condition(c) => vec![describe(c)],
        Rule::Group(g) => group_lines(g, nested),
    }
}

fn group_lines(g: &Group, nested: bool) -> Vec<String> {
    let or = g.combinator == Combinator::Or;
    let joiner = if or { "or " } else { "and " };
    let mut out: Vec<String> = Vec::new();
    for (i, rule) in g.rules.iter().enumerate() {
        let mut lines = lines(rule, true);
        if i > 0 && (or || nested || g.not) {
            lines[0] = format!("{joiner}{}", lines[0]);
        }
        out.extend(lines);
    }
    if (nested || g.not) && out.len() > 1 {
        out[0] = format!("({}", out[0]);
        let last = out.len() - 1;
        out[last].push(')');
    }
    if g.not {
        out[0] = format!("not {}", out[0]);
    }
    out
}

/// One condition in plain words.
fn describe(c: &Condition) -> String {
    use Operator::{Eq, Ge, IsNotNull, IsNull, OlderThanDays, WithinLastDays};
    let (op, value) = (c.operator, &c.operand);
    let field = match &c.subject {
        Subject::Field(field) => *field,
        Subject::Attribute(key) => return labelled(key, op, value),
    };
    match (field, op, value) {
        (Field::TotalSpend, ..) => format!("total spend {}", money_phrase(op, value)),
        (Field::AvgOrderValue, ..) => format!("average order value {}", money_phrase(op, value)),
        (Field::SpendInLastDays, _, Value::Window { days, value }) => {
            format!(
                "spent {} in the last {}",
                money_phrase(op, value),
                days_text(*days)
            )
        }
        (Field::OrderCount, Eq, Value::Count(0)) => "never ordered".into(),
        (Field::OrderCount, Ge, Value::Count(1)) => "ordered at least once".into(),
        (Field::OrderCount, ..) => count_phrase(op, value),
        (Field::OrdersInLastDays, _, Value::Window { days, value }) => {
            format!(
                "{} in the last {}",
                count_phrase(op, value),
                days_text(*days)
            )
        }
        (
            Field::CreatedAt | Field::FirstOrderAt | Field::LastOrderAt,
            WithinLastDays | OlderThanDays,
            Value::Days(days),
        ) => relative_date(field, op == WithinLastDays, *days),
        (Field::CreatedAt | Field::FirstOrderAt | Field::LastOrderAt, _, Value::Date(day)) => {
            calendar_date(field, op, *day)
        }
        (Field::City, ..) => format!("city {}", text_phrase(op, value)),
        (Field::Email | Field::Phone, IsNull | IsNotNull, _) => {
            contact_presence(field == Field::Email, op == IsNull)
        }
        (Field::BoughtCategory, ..) => match op {
            Operator::Ne | Operator::NotIn => {
                format!("never bought from the {} category", or_list(value))
            }
            _ => format!("bought from the {} category", or_list(value)),
        },
        (Field::BoughtSku, ..) => match op {
            Operator::Ne | Operator::NotIn => format!("never bought SKU {}", or_list(value)),
            _ => format!("bought SKU {}", or_list(value)),
        },
        _ => labelled(field.spec().name, op, value),
    }
}

/// A field or attribute by its name: "plan is premium", "name contains “asha”".
pub(super) fn labelled(name: &str, op: Operator, value: &Value) -> String {
    format!("{} {}", name.replace('_', " "), text_phrase(op, value))
}

/// A date field within (or not within) the last N days.
fn relative_date(field: Field, within: bool, days: u32) -> String {
    let days = days_text(days);
    match (field, within) {
        (Field::LastOrderAt, true) => format!("ordered in the last {days}"),
        (Field::LastOrderAt, false) => {
            format!("no order in the last {days} (including those who never ordered)")
        }
        (Field::FirstOrderAt, true) => format!("first order in the last {days}"),
        (Field::FirstOrderAt, false) => {
            format!("first order more than {days} ago (or no order at all)")
        }
        (_, true) => format!("joined in the last {days}"),
        (_, false) => format!("joined more than {days} ago"),
    }
}

/// A date field compared with a calendar day: "joined on or after 1 Jun 2026".
fn calendar_date(field: Field, op: Operator, day: NaiveDate) -> String {
    let what = match field {
        Field::CreatedAt => "joined",
        Field::FirstOrderAt => "first order",
        _ => "last order",
    };
    let when = match op {
        Operator::Ge => "on or after",
        Operator::Gt => "after",
        Operator::Lt => "before",
        Operator::Le => "on or before",
        _ => "on",
    };
    format!("{what} {when} {}", day.format("%-d %b %Y"))
}

/// "no email", "has a phone number".
fn contact_presence(email: bool, missing: bool) -> String {
    match (email, missing) {
        (true, true) => "no email".into(),
        (false, true) => "no phone number".into(),
        (true, false) => "has an email".into(),
        (false, false) => "has a phone number".into(),
    }
}

fn days_text(d: u32) -> String {
    if d == 1 {
        "day".into()
    } else {
        format!("{d} days")
    }
}

fn money_phrase(op: Operator, value: &Value) -> String {
    match (op, value) {
        (Operator::Between, Value::MoneyRange(low, high)) => {
            format!("between {} and {}", rupees(*low), rupees(*high))
        }
        (Operator::NotBetween, Value::MoneyRange(low, high)) => {
            format!("not between {} and {}", rupees(*low), rupees(*high))
        }
        (op, Value::Money(m)) => format!("{} {}", comparison_words(op, false), rupees(*m)),
        (op, value) => format!("{} {value:?}", symbol(op)),
    }
}

fn count_phrase(op: Operator, value: &Value) -> String {
    let orders = |n: i64| format!("{n} order{}", if n == 1 { "" } else { "s" });
    match (op, value) {
        (Operator::Between, Value::CountRange(low, high)) => {
            format!("between {low} and {high} orders")
        }
        (Operator::NotBetween, Value::CountRange(low, high)) => {
            format!("not between {low} and {high} orders")
        }
        (op, Value::Count(n)) => format!("{} {}", comparison_words(op, true), orders(*n)),
        (op, value) => format!("orders {} {value:?}", symbol(op)),
    }
}

/// "more than" a number of orders, "over" an amount.
fn comparison_words(op: Operator, counted: bool) -> &'static str {
    match (op, counted) {
        (Operator::Gt, true) => "more than",
        (Operator::Gt, false) => "over",
        (Operator::Ge, _) => "at least",
        (Operator::Lt, true) => "fewer than",
        (Operator::Lt, false) => "under",
        (Operator::Le, _) => "at most",
        (Operator::Eq, _) => "exactly",
        _ => "not exactly",
    }
}

fn text_phrase(op: Operator, value: &Value) -> String {
    use Operator::*;
    let quoted = |v: &Value| match v {
        Value::Text(s) => format!("“{s}”"),
        other => or_list(other),
    };
    match op {
        Eq | In => format!("is {}", or_list(value)),
        Ne => format!("is not {}", or_list(value)),
        NotIn => format!("is none of {}", or_list(value)),
        Contains => format!("contains {}", quoted(value)),
        NotContains => format!("does not contain {}", quoted(value)),
        BeginsWith => format!("starts with {}", quoted(value)),
        EndsWith => format!("ends with {}", quoted(value)),
        IsNull => "is empty".into(),
        IsNotNull => "is set".into(),
        other => format!("{} {value:?}", symbol(other)),
    }
}

fn or_list(value: &Value) -> String {
    match value {
        Value::Text(s) => s.clone(),
        Value::Texts(v) => match v.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            Some((last, _)) => last.clone(),
            None => String::new(),
        },
        other => format!("{other:?}"),
    }
}

/// The operator as the rule JSON writes it (`>=`), for a comparison with no words.
fn symbol(op: Operator) -> String {
    serde_json::to_value(op)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// An amount in rupees with Indian digit grouping: ₹1,50,000 or ₹1,499.50.
fn rupees(amount: Money) -> String {
    let whole = indian_grouping(amount.minor / 100);
    match amount.minor % 100 {
        0 => format!("₹{whole}"),
        p => format!("₹{whole}.{p:02}"),
    }
}

fn indian_grouping(n: i64) -> String {
    let digits = n.to_string();
    if digits.len() <= 3 {
        return digits;
    }
    let (head, tail) = digits.split_at(digits.len() - 3);
    let mut groups: Vec<&str> = Vec::new();
    let mut rest = head;
    while rest.len() > 2 {
        groups.push(&rest[rest.len() - 2..]);
        rest = &rest[..rest.len() - 2];
    }
    groups.push(rest);
    groups.reverse();
    format!("{},{tail}", groups.join(","))
}

#[cfg(test)]
mod tests;
