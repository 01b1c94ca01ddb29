//! The JSON shapes clients rely on: customers with aggregates, orders, pages with cursors, and amounts
//! as exact decimal numbers in major units.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use minicrm_domain::{money::format_minor, Timestamp};
use minicrm_store::customers::CustomerRow;
use minicrm_store::orders::{ItemRow, OrderRow};
use serde::{Serialize, Serializer};
use serde_json::{value::RawValue, Map, Value};
use utoipa::openapi::{ObjectBuilder, RefOr, Schema, Type};
use utoipa::ToSchema;

/// An amount in minor units, written as an exact JSON number in major units (`149950` → `1499.50`).
#[derive(Debug, Clone, Copy)]
pub struct Amount {
    pub minor: i64,
    pub exponent: u32,
}

impl utoipa::PartialSchema for Amount {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Number)
            .description(Some(
                "An exact amount in major units of the store's currency, as many decimals as the \
                 currency has (`1499.50`).",
            ))
            .examples([serde_json::json!(1499.5)])
            .into()
    }
}

impl ToSchema for Amount {}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let raw = RawValue::from_string(format_minor(self.minor, self.exponent))
            .map_err(serde::ser::Error::custom)?;
        raw.serialize(s)
    }
}

/// A stored time (milliseconds since the epoch) as RFC 3339 UTC.
pub fn iso(ms: i64) -> String {
    Timestamp::from_millis(ms).to_rfc3339()
}

/// An optional stored time as RFC 3339 UTC, or null.
pub fn iso_opt(ms: Option<i64>) -> Option<String> {
    ms.map(iso)
}

/// A customer with the aggregates of their completed orders.
#[derive(Serialize, ToSchema)]
pub struct CustomerOut {
    pub external_id: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub city: Option<String>,
    #[schema(value_type = minicrm_domain::ingest::customer::Attributes)]
    pub attributes: Map<String, Value>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
    /// Of completed orders.
    pub total_spend: Amount,
    /// Completed orders.
    pub order_count: i64,
    /// Null for a customer who never ordered.
    pub avg_order_value: Option<Amount>,
    #[schema(format = DateTime)]
    pub first_order_at: Option<String>,
    #[schema(format = DateTime)]
    pub last_order_at: Option<String>,
}

impl CustomerOut {
    pub fn new(c: CustomerRow, exponent: u32) -> Self {
        let avg = (c.order_count > 0).then(|| Amount {
            minor: (c.total_spend + c.order_count / 2) / c.order_count,
            exponent,
        });
        Self {
            external_id: c.external_id,
            name: c.name,
            email: c.email,
            phone: c.phone,
            city: c.city,
            attributes: c.attributes.0,
            created_at: iso(c.created_at),
            updated_at: iso(c.updated_at),
            total_spend: Amount {
                minor: c.total_spend,
                exponent,
            },
            order_count: c.order_count,
            avg_order_value: avg,
            first_order_at: c.first_order_at.map(iso),
            last_order_at: c.last_order_at.map(iso),
        }
    }
}

/// An order's line.
#[derive(Serialize, ToSchema)]
pub struct ItemOut {
    pub sku: String,
    pub name: String,
    pub category: Option<String>,
    pub quantity: i64,
    /// The unit price.
    pub price: Amount,
}

#[derive(Serialize, ToSchema)]
pub struct OrderOut {
    pub external_id: String,
    pub customer_external_id: String,
    pub amount: Amount,
    /// ISO 4217.
    #[schema(example = "INR")]
    pub currency: String,
    pub status: minicrm_domain::OrderStatus,
    #[schema(format = DateTime)]
    pub ordered_at: String,
    pub items: Vec<ItemOut>,
}

impl OrderOut {
    pub fn new(o: OrderRow, items: &[ItemRow], exponent: u32) -> Self {
        let items = items
            .iter()
            .filter(|i| i.order_id == o.id)
            .map(|i| ItemOut {
                sku: i.sku.clone(),
                name: i.name.clone(),
                category: i.category.clone(),
                quantity: i.quantity,
                price: Amount {
                    minor: i.price,
                    exponent,
                },
            })
            .collect();
        Self {
            external_id: o.external_id,
            customer_external_id: o.customer_external_id,
            amount: Amount {
                minor: o.amount,
                exponent,
            },
            currency: o.currency,
            status: o.status,
            ordered_at: iso(o.ordered_at),
            items,
        }
    }
}

/// A page of a list: `{"items": [...], "next_cursor": "..." | null}`.
#[derive(Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` for the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// Trims rows fetched with `limit + 1` to `limit`, and gives the cursor of the last kept row when
/// there was more.
pub fn trim_page<T>(
    rows: &mut Vec<T>,
    limit: i64,
    cursor_of: impl Fn(&T) -> String,
) -> Option<String> {
    if rows.len() as i64 <= limit {
        return None;
    }
    rows.truncate(limit as usize);
    rows.last().map(cursor_of)
}

/// Cursors are opaque to clients: the keyset position, base64url-encoded.
pub fn encode_cursor(parts: &[i64]) -> String {
    let text = parts
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(":");
    URL_SAFE_NO_PAD.encode(text)
}

/// The keyset position of a `cursor` query parameter of `parts` numbers, or a 400 that names it.
pub fn cursor_param(
    cursor: Option<&str>,
    parts: usize,
) -> Result<Option<Vec<i64>>, crate::ApiError> {
    cursor
        .map(|c| {
            decode_cursor(c, parts).ok_or_else(|| {
                crate::ApiError::bad_field("cursor", "the cursor is not one this server gave")
            })
        })
        .transpose()
}

pub fn decode_cursor(cursor: &str, parts: usize) -> Option<Vec<i64>> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let values: Vec<i64> = std::str::from_utf8(&bytes)
        .ok()?
        .split(':')
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    (values.len() == parts).then_some(values)
}

#[cfg(test)]
mod tests;
