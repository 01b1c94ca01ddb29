//! Customers: search with filters and cursor paging, and one customer's detail with recent orders.

use super::{page_limit, ApiQuery};
use crate::output::{cursor_param, encode_cursor, trim_page, CustomerOut, OrderOut, Page};
use crate::{ApiError, AppState, Caller};
use axum::extract::{Path, State};
use axum::Json;
use minicrm_domain::{Money, Scope};
use minicrm_store::customers::{self, CustomerQuery};
use minicrm_store::orders::{self, OrderQuery};
use serde::{Deserialize, Serialize};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(detail))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListParams {
    q: Option<String>,
    city: Option<String>,
    min_spend: Option<String>,
    max_spend: Option<String>,
    min_orders: Option<i64>,
    max_orders: Option<i64>,
    limit: Option<i64>,
    cursor: Option<String>,
}

#[utoipa::path(get, path = "/customers", tag = "customers")]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(p): ApiQuery<ListParams>,
) -> Result<Json<Page<CustomerOut>>, ApiError> {
    caller.require(Scope::Read)?;
    let currency = state.settings.currency;
    let spend = |field: &str, v: &Option<String>| -> Result<Option<i64>, ApiError> {
        v.as_deref()
            .map(|t| {
                Money::parse_major(t, currency)
                    .map(|m| m.minor)
                    .map_err(|e| ApiError::bad_field(field, format!("{field}: {e}")))
            })
            .transpose()
    };
    let before_id = cursor_param(p.cursor.as_deref(), 1)?.map(|v| v[0]);
    let limit = page_limit(p.limit)?;
    let query = CustomerQuery {
        q: p.q.filter(|q| !q.trim().is_empty()),
        city: p.city.filter(|c| !c.trim().is_empty()),
        min_spend: spend("min_spend", &p.min_spend)?,
        max_spend: spend("max_spend", &p.max_spend)?,
        min_orders: p.min_orders,
        max_orders: p.max_orders,
        before_id,
        limit: limit + 1,
    };
    let mut rows = customers::search(&state.db, &query).await?;
    let next_cursor = trim_page(&mut rows, limit, |r| encode_cursor(&[r.id]));
    let exponent = currency.exponent();
    Ok(Json(Page {
        items: rows
            .into_iter()
            .map(|r| CustomerOut::new(r, exponent))
            .collect(),
        next_cursor,
    }))
}

#[derive(Serialize)]
struct CustomerDetail {
    #[serde(flatten)]
    customer: CustomerOut,
    recent_orders: Vec<OrderOut>,
    /// The newest campaign messages sent to the customer.
    messages: Vec<super::campaigns::MessageOut>,
}

const RECENT_ORDERS: i64 = 10;
const RECENT_MESSAGES: i64 = 20;

#[utoipa::path(get, path = "/customers/{external_id}", tag = "customers")]
async fn detail(
    State(state): State<AppState>,
    caller: Caller,
    Path(external_id): Path<String>,
) -> Result<Json<CustomerDetail>, ApiError> {
    caller.require(Scope::Read)?;
    let row = customers::get(&state.db, &external_id)
        .await
        .map_err(|e| match e {
            minicrm_store::StoreError::NotFound => {
                ApiError::NotFound(format!("customer '{external_id}'"))
            }
            other => other.into(),
        })?;
    let query = OrderQuery {
        customer: Some(external_id),
        before: None,
        limit: RECENT_ORDERS,
    };
    let orders = orders::list(&state.db, &query).await?;
    let items =
        orders::items_of(&state.db, &orders.iter().map(|o| o.id).collect::<Vec<_>>()).await?;
    let messages =
        minicrm_store::messages::for_customer(&state.db, row.id, RECENT_MESSAGES).await?;
    let exponent = state.settings.currency.exponent();
    Ok(Json(CustomerDetail {
        messages: messages.into_iter().map(Into::into).collect(),
        customer: CustomerOut::new(row, exponent),
        recent_orders: orders
            .into_iter()
            .map(|o| OrderOut::new(o, &items, exponent))
            .collect(),
    }))
}
