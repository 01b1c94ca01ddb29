//! `NewOrder`: an order as accepted for ingestion (with optional line items), and its parsing.

use super::row::{number_text, text, Row};
use super::{Context, Record};
use crate::money::Decimal;
use crate::{Currency, ExternalId, Money, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewOrder {
    pub external_id: ExternalId,
    pub customer_external_id: ExternalId,
    pub amount: Money,
    pub status: OrderStatus,
    pub ordered_at: Timestamp,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<LineItem>,
}

/// An order's state. Only `completed` orders count towards a customer's spend and order count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Completed,
    Pending,
    Cancelled,
    Refunded,
}

impl TryFrom<String> for OrderStatus {
    type Error = crate::text_enum::UnknownText;

    /// Reads the text the store keeps: exactly [`Self::as_str`], unlike the lenient [`Self::parse`].
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
            .ok_or(crate::text_enum::UnknownText {
                type_name: "OrderStatus",
                text,
            })
    }
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 4] = [
        Self::Completed,
        Self::Pending,
        Self::Cancelled,
        Self::Refunded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Completed => "completed",
            Self::Pending => "pending",
            Self::Cancelled => "cancelled",
            Self::Refunded => "refunded",
        }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let wanted = text.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == wanted)
            .ok_or_else(|| {
                format!("'{text}' is not one of completed, pending, cancelled, refunded")
            })
    }

    pub fn counts_towards_aggregates(self) -> bool {
        self == Self::Completed
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineItem {
    pub sku: String,
    pub name: String,
    pub category: Option<String>,
    pub quantity: i64,
    /// Unit price in the order's minor units.
    pub price: i64,
}

/// The most line items one order may carry.
pub const MAX_ITEMS: usize = 500;

/// An order as a client sends it. Texts are trimmed; null is the same as absent.
// Each field is kept raw here and read by `NewOrder::parse`, so that every bad field is reported; the
// schema says what that parse accepts.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderIn<'a> {
    /// The order's id in the client's systems; the same id again is the same order.
    #[serde(borrow)]
    #[schema(value_type = String, required = true, min_length = 1, max_length = 128, example = "O-5001")]
    external_id: Option<&'a RawValue>,
    /// The customer's `external_id`; the customer may arrive later.
    #[serde(borrow)]
    #[schema(value_type = String, required = true, min_length = 1, max_length = 128, example = "C-1001")]
    customer_external_id: Option<&'a RawValue>,
    #[serde(borrow)]
    #[schema(value_type = Decimal, required = true)]
    amount: Option<&'a RawValue>,
    /// ISO 4217; it must be the store's currency (INR unless configured). Absent: the store's.
    #[serde(borrow)]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 8, example = "INR")]
    currency: Option<&'a RawValue>,
    /// Absent: `completed`. Only completed orders count towards a customer's aggregates.
    #[serde(borrow)]
    #[schema(value_type = Option<OrderStatus>)]
    status: Option<&'a RawValue>,
    /// RFC 3339; not before 1970 nor in the future.
    #[serde(borrow)]
    #[schema(value_type = String, required = true, format = DateTime)]
    ordered_at: Option<&'a RawValue>,
    /// Up to 500 lines.
    #[serde(borrow)]
    #[schema(value_type = Option<Vec<LineItemIn>>, max_items = 500)]
    items: Option<&'a RawValue>,
}

/// An order's line as a client sends it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineItemIn<'a> {
    #[serde(borrow)]
    #[schema(value_type = String, required = true, min_length = 1, max_length = 100)]
    sku: Option<&'a RawValue>,
    #[serde(borrow)]
    #[schema(value_type = String, required = true, min_length = 1, max_length = 200)]
    name: Option<&'a RawValue>,
    #[serde(borrow)]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 100)]
    category: Option<&'a RawValue>,
    #[serde(borrow)]
    #[schema(value_type = i64, required = true, minimum = 1, maximum = 100000)]
    quantity: Option<&'a RawValue>,
    /// The unit price.
    #[serde(borrow)]
    #[schema(value_type = Decimal, required = true)]
    price: Option<&'a RawValue>,
}

super::batch_schema!(OrderBatch, OrderIn);

impl Record for NewOrder {
    fn parse(row: &mut Row, raw: &RawValue, ctx: &Context) -> Option<Self> {
        let r: OrderIn = row.shape(raw)?;
        let id = |v: &RawValue| ExternalId::parse(&text(v, 200)?);
        let external_id = row.required("external_id", r.external_id, id);
        let customer = row.required("customer_external_id", r.customer_external_id, id);
        let currency = row
            .optional("currency", r.currency, |v| store_currency(v, ctx))
            .unwrap_or(ctx.currency);
        let amount = row.required("amount", r.amount, |v| {
            Money::parse_major(&number_text(v)?, currency)
        });
        let status = row.optional("status", r.status, |v| OrderStatus::parse(&text(v, 32)?));
        let ordered_at = row.required("ordered_at", r.ordered_at, |v| {
            Timestamp::parse_sane(&text(v, 64)?, ctx.now)
        });
        let items = match r.items {
            Some(raw) if raw.get() != "null" => items(row, raw, currency),
            _ => Some(Vec::new()),
        };
        if row.has_errors() {
            return None;
        }
        Some(Self {
            external_id: external_id?,
            customer_external_id: customer?,
            amount: amount?,
            status: status.unwrap_or(OrderStatus::Completed),
            ordered_at: ordered_at?,
            items: items?,
        })
    }
}

/// A known ISO currency that is also the store's own: aggregates are sums, and sums need one currency.
fn store_currency(raw: &RawValue, ctx: &Context) -> Result<Currency, String> {
    let currency = Currency::parse(&text(raw, 8)?)?;
    if currency != ctx.currency {
        return Err(format!(
            "this store keeps its accounts in {}; {} is not accepted",
            ctx.currency.code(),
            currency.code()
        ));
    }
    Ok(currency)
}

fn items(row: &mut Row, raw: &RawValue, currency: Currency) -> Option<Vec<LineItem>> {
    let Ok(list) = super::capped::list(raw.get(), MAX_ITEMS) else {
        row.error("items", "must be an array of line items");
        return None;
    };
    if list.over() {
        row.error(
            "items",
            format!("has {} items; at most {MAX_ITEMS} are allowed", list.total),
        );
        return None;
    }
    let parsed: Vec<_> = list
        .kept
        .iter()
        .enumerate()
        .map(|(i, raw)| row.nested(&format!("items[{i}]."), |row| item(row, raw, currency)))
        .collect();
    parsed.into_iter().collect()
}

fn item(row: &mut Row, raw: &RawValue, currency: Currency) -> Option<LineItem> {
    let r: LineItemIn = row.shape(raw)?;
    let sku = row.required("sku", r.sku, |v| text(v, 100));
    let name = row.required("name", r.name, |v| text(v, 200));
    let category = row.optional("category", r.category, |v| text(v, 100));
    let quantity = row.required("quantity", r.quantity, quantity);
    let price = row.required("price", r.price, |v| {
        Money::parse_major(&number_text(v)?, currency)
    });
    Some(LineItem {
        sku: sku?,
        name: name?,
        category,
        quantity: quantity?,
        price: price?.minor,
    })
}

fn quantity(raw: &RawValue) -> Result<i64, String> {
    match serde_json::from_str::<i64>(raw.get()) {
        Ok(q) if (1..=100_000).contains(&q) => Ok(q),
        Ok(_) => Err("must be between 1 and 100000".into()),
        Err(_) => Err("must be a whole number".into()),
    }
}

#[cfg(test)]
mod tests;
