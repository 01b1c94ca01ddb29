//! Customers: search with filters and cursor paging, and one customer's detail with recent orders.

use super::page_limit;
use crate::openapi::{BadRequest, Forbidden, NotFound};
use crate::output::{cursor_param, encode_cursor, trim_page, CustomerOut, OrderOut, Page};
use crate::params::{ApiPath, ApiQuery};
use crate::{ApiError, AppState, Caller};
use axum::extract::State;
use axum::Json;
use minicrm_domain::money::Decimal;
use minicrm_domain::{Money, Scope};
use minicrm_store::customers::{self, CustomerQuery};
use minicrm_store::orders::{self, OrderQuery};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(detail))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ListParams {
    /// Part of a name, an e-mail address or a phone number (any case).
    q: Option<String>,
    /// Customers of this city (any case).
    city: Option<String>,
    /// Total spend at least this, in major units (`1499.50`).
    #[param(value_type = Option<Decimal>)]
    min_spend: Option<String>,
    /// Total spend at most this, in major units.
    #[param(value_type = Option<Decimal>)]
    max_spend: Option<String>,
    /// At least this many completed orders.
    min_orders: Option<i64>,
    /// At most this many completed orders.
    max_orders: Option<i64>,
    /// Customers per page.
    #[param(minimum = 1, maximum = 500, default = 50)]
    limit: Option<i64>,
    /// The `next_cursor` of the page before (opaque, base64url).
    #[param(value_type = String, required = false, pattern = "^[A-Za-z0-9_-]+$")]
    cursor: Option<String>,
}

/// Search customers.
///
/// Customers, newest first, searched and filtered. Needs the `read` scope.
#[utoipa::path(get, path = "/customers", tag = "customers", operation_id = "list_customers",
    params(ListParams),
    responses(
        (status = 200, description = "A page of customers.", body = Page<CustomerOut>),
        (status = 400, response = BadRequest),
        (status = 403, response = Forbidden),
    ))]
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

/// A customer with their recent orders and messages.
#[derive(Serialize, ToSchema)]
struct CustomerDetail {
    #[serde(flatten)]
    customer: CustomerOut,
    /// The newest orders, up to 10.
    recent_orders: Vec<OrderOut>,
    /// The newest campaign messages sent to the customer, up to 20.
    messages: Vec<super::campaigns::MessageOut>,
}

const RECENT_ORDERS: i64 = 10;
const RECENT_MESSAGES: i64 = 20;

/// Get a customer.
///
/// One customer with their aggregates, recent orders and messages. Needs the `read` scope.
#[utoipa::path(get, path = "/customers/{external_id}", tag = "customers", operation_id = "read_customer",
    params(("external_id" = String, Path, description = "The customer's id in the client's systems.")),
    responses(
        (status = 200, description = "The customer.", body = CustomerDetail),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
async fn detail(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(external_id): ApiPath<String>,
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
