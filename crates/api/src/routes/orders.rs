//! Orders: newest first, optionally of one customer, with cursor paging.

use super::page_limit;
use crate::openapi::{BadRequest, Forbidden};
use crate::output::{cursor_param, encode_cursor, trim_page, OrderOut, Page};
use crate::params::ApiQuery;
use crate::{ApiError, AppState, Caller};
use axum::extract::State;
use axum::Json;
use minicrm_domain::Scope;
use minicrm_store::orders::{self, OrderQuery};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ListParams {
    /// Only this customer's orders (their `external_id`).
    customer: Option<String>,
    /// Orders per page.
    #[param(minimum = 1, maximum = 500, default = 50)]
    limit: Option<i64>,
    /// The `next_cursor` of the page before (opaque, base64url).
    #[param(value_type = String, required = false, pattern = "^[A-Za-z0-9_-]+$")]
    cursor: Option<String>,
}

/// List orders.
///
/// Orders, newest first. Needs the `read` scope.
#[utoipa::path(get, path = "/orders", tag = "orders", operation_id = "list_orders",
    params(ListParams),
    responses(
        (status = 200, description = "A page of orders.", body = Page<OrderOut>),
        (status = 400, response = BadRequest),
        (status = 403, response = Forbidden),
    ))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(p): ApiQuery<ListParams>,
) -> Result<Json<Page<OrderOut>>, ApiError> {
    caller.require(Scope::Read)?;
    let before = cursor_param(p.cursor.as_deref(), 2)?.map(|v| (v[0], v[1]));
    let limit = page_limit(p.limit)?;
    let query = OrderQuery {
        customer: p.customer,
        before,
        limit: limit + 1,
    };
    let mut rows = orders::list(&state.db, &query).await?;
    let next_cursor = trim_page(&mut rows, limit, |r| encode_cursor(&[r.ordered_at, r.id]));
    let items = orders::items_of(&state.db, &rows.iter().map(|o| o.id).collect::<Vec<_>>()).await?;
    let exponent = state.settings.currency.exponent();
    Ok(Json(Page {
        items: rows
            .into_iter()
            .map(|o| OrderOut::new(o, &items, exponent))
            .collect(),
        next_cursor,
    }))
}
