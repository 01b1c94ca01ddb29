//! The field catalogue: every field a segment rule may test, its type and the operators that type
//! allows. It is closed — a rule naming anything else is refused — and the API serves it so that the UI
//! builds its pickers from it.

use super::Operator::{self, *};
use serde::Serialize;

/// What kind of value a field holds, which decides its operators and how its values are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Compared case-insensitively.
    Text,
    /// A whole number.
    Count,
    /// Major units of the store's currency, as a number or decimal string.
    Money,
    /// A time: ISO 8601 (`2025-01-31` or `2025-01-31T10:00:00Z`), or a number of days for the relative
    /// operators.
    Date,
    /// A count over the last N days: the value is `{"days": N, "value": …}`.
    CountInWindow,
    /// A sum of money over the last N days: the value is `{"days": N, "value": …}`.
    MoneyInWindow,
}

impl Kind {
    pub fn operators(self) -> &'static [Operator] {
        match self {
            Kind::Text => &[
                Eq,
                Ne,
                Contains,
                NotContains,
                BeginsWith,
                EndsWith,
                In,
                NotIn,
                IsNull,
                IsNotNull,
            ],
            Kind::Count | Kind::Money => &[Eq, Ne, Lt, Le, Gt, Ge, Between, NotBetween, In, NotIn],
            Kind::Date => &[
                Lt,
                Le,
                Gt,
                Ge,
                Between,
                NotBetween,
                WithinLastDays,
                OlderThanDays,
                IsNull,
                IsNotNull,
            ],
            Kind::CountInWindow | Kind::MoneyInWindow => {
                &[Eq, Ne, Lt, Le, Gt, Ge, Between, NotBetween]
            }
        }
    }
}

/// A field of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Name,
    Email,
    Phone,
    City,
    CreatedAt,
    TotalSpend,
    OrderCount,
    AvgOrderValue,
    FirstOrderAt,
    LastOrderAt,
    OrdersInLastDays,
    SpendInLastDays,
    BoughtSku,
    BoughtCategory,
}

/// How the catalogue describes a field to clients.
#[derive(Debug, Clone, Serialize)]
pub struct FieldSpec {
    pub name: &'static str,
    pub label: &'static str,
    #[serde(rename = "type")]
    pub kind: Kind,
    pub operators: &'static [Operator],
    /// What a client should know to read rules on this field right.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'static str>,
}

const NEVER_ORDERED: &str =
    "A customer who never ordered has no order time: older_than_days is true and \
    within_last_days false for them, for any number of days.";

impl Field {
    pub const ALL: [Field; 14] = [
        Field::Name,
        Field::Email,
        Field::Phone,
        Field::City,
        Field::CreatedAt,
        Field::TotalSpend,
        Field::OrderCount,
        Field::AvgOrderValue,
        Field::FirstOrderAt,
        Field::LastOrderAt,
        Field::OrdersInLastDays,
        Field::SpendInLastDays,
        Field::BoughtSku,
        Field::BoughtCategory,
    ];

    pub fn spec(self) -> FieldSpec {
        let (name, label, kind, note) = match self {
            Field::Name => ("name", "Name", Kind::Text, None),
            Field::Email => ("email", "E-mail", Kind::Text, None),
            Field::Phone => ("phone", "Phone", Kind::Text, None),
            Field::City => ("city", "City", Kind::Text, None),
            Field::CreatedAt => ("created_at", "Customer since", Kind::Date, None),
            Field::TotalSpend => (
                "total_spend",
                "Total spend",
                Kind::Money,
                Some("Completed orders only."),
            ),
            Field::OrderCount => (
                "order_count",
                "Number of orders",
                Kind::Count,
                Some("Completed orders only."),
            ),
            Field::AvgOrderValue => (
                "avg_order_value",
                "Average order value",
                Kind::Money,
                Some("0 for a customer who never ordered."),
            ),
            Field::FirstOrderAt => (
                "first_order_at",
                "First order",
                Kind::Date,
                Some(NEVER_ORDERED),
            ),
            Field::LastOrderAt => (
                "last_order_at",
                "Last order",
                Kind::Date,
                Some(NEVER_ORDERED),
            ),
            Field::OrdersInLastDays => (
                "orders_in_last_days",
                "Orders in the last N days",
                Kind::CountInWindow,
                None,
            ),
            Field::SpendInLastDays => (
                "spend_in_last_days",
                "Spent in the last N days",
                Kind::MoneyInWindow,
                None,
            ),
            Field::BoughtSku => (
                "bought_sku",
                "Bought product (SKU)",
                Kind::Text,
                Some("True when any order line has the SKU."),
            ),
            Field::BoughtCategory => (
                "bought_category",
                "Bought from category",
                Kind::Text,
                Some("True when any order line is in the category."),
            ),
        };
        FieldSpec {
            name,
            label,
            kind,
            operators: kind.operators(),
            note,
        }
    }

    pub fn kind(self) -> Kind {
        self.spec().kind
    }

    pub fn parse(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.spec().name == name)
    }
}

/// Custom attributes are fields too: `attributes.<key>`, compared as text.
pub const ATTRIBUTE_PREFIX: &str = "attributes.";

/// The whole catalogue, in the order a picker shows it.
pub fn catalogue() -> Vec<FieldSpec> {
    Field::ALL.into_iter().map(Field::spec).collect()
}
