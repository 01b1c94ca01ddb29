//! The recipient variables: the closed set a template may name, and a recipient's values for them as
//! Liquid reads them (a missing value is nil).

use super::format_amount;
use crate::money::Currency;
use liquid::model::{KString, Object, Value};

/// A personalisation variable: its name in templates, what it holds, and an example value.
#[derive(Debug, Clone, Copy, serde::Serialize, utoipa::ToSchema)]
pub struct Variable {
    pub name: &'static str,
    pub description: &'static str,
    pub example: &'static str,
}

/// Every variable a template may use. A missing value (no city, no orders) is nil, so that
/// `{{city | default: "your city"}}` falls back.
pub const VARIABLES: &[Variable] = &[
    Variable {
        name: "first_name",
        description: "the first word of the customer's name",
        example: "Asha",
    },
    Variable {
        name: "name",
        description: "the customer's full name",
        example: "Asha Verma",
    },
    Variable {
        name: "city",
        description: "the customer's city",
        example: "Pune",
    },
    Variable {
        name: "total_spend",
        description: "completed orders' total, with the currency symbol",
        example: "₹12,450",
    },
    Variable {
        name: "order_count",
        description: "completed orders",
        example: "4",
    },
    Variable {
        name: "last_order_date",
        description: "the day of the last completed order, such as 3 Mar 2025",
        example: "3 Mar 2025",
    },
    Variable {
        name: "email",
        description: "the customer's e-mail address",
        example: "asha@example.com",
    },
];

/// A recipient's values for rendering, as the store holds them.
#[derive(Debug, Clone, Default)]
pub struct Recipient<'a> {
    pub name: &'a str,
    pub city: Option<&'a str>,
    pub email: Option<&'a str>,
    pub total_spend_minor: i64,
    pub currency: Option<Currency>,
    pub order_count: i64,
    pub last_order_at: Option<i64>,
}

fn text(value: Option<&str>) -> Value {
    match value.map(str::trim) {
        Some(v) if !v.is_empty() => Value::scalar(v.to_owned()),
        _ => Value::Nil,
    }
}

pub(super) fn globals(r: &Recipient<'_>) -> Object {
    let mut o = Object::new();
    let first = r.name.split_whitespace().next();
    o.insert(KString::from_static("first_name"), text(first));
    o.insert(KString::from_static("name"), text(Some(r.name)));
    o.insert(KString::from_static("city"), text(r.city));
    o.insert(KString::from_static("email"), text(r.email));
    let spend = r
        .currency
        .map(|c| Value::scalar(format_amount(r.total_spend_minor, c)))
        .unwrap_or(Value::Nil);
    o.insert(KString::from_static("total_spend"), spend);
    o.insert(
        KString::from_static("order_count"),
        Value::scalar(r.order_count),
    );
    let last = r.last_order_at.and_then(|ms| {
        chrono::DateTime::from_timestamp_millis(ms).map(|t| t.format("%-d %b %Y").to_string())
    });
    o.insert(
        KString::from_static("last_order_date"),
        last.map(Value::scalar).unwrap_or(Value::Nil),
    );
    o
}
