//! The dashboard's overview: `GET /overview?days=30` — totals, active campaigns, the delivery rate of
//! the window's campaigns, and a series per day of the window in India's time (+05:30), oldest first.

use crate::openapi::{BadRequest, Forbidden};
use crate::output::Amount;
use crate::params::ApiQuery;
use crate::{ApiError, AppState, Caller};
use axum::extract::State;
use axum::Json;
use chrono::NaiveDate;
use minicrm_domain::{Scope, Timestamp};
use minicrm_store::overview::{self, DAY_MS};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(read))
}

/// Asia/Kolkata: +05:30 all year.
const OFFSET_MS: i64 = (5 * 3600 + 30 * 60) * 1000;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct Params {
    /// The window, in days ending today (+05:30).
    #[param(minimum = 1, maximum = 365, default = 30)]
    days: Option<i64>,
}

/// The dashboard's numbers.
#[derive(Serialize, ToSchema)]
struct OverviewOut {
    customers: i64,
    /// Completed orders, all time.
    orders: i64,
    /// Of completed orders, all time, in major units.
    revenue: Amount,
    /// Scheduled or running.
    active_campaigns: i64,
    /// delivered / (delivered + failed) over the campaigns created in the window; null if none.
    delivery_rate: Option<f64>,
    days: i64,
    /// The window's first and last day.
    #[schema(format = Date)]
    from: String,
    #[schema(format = Date)]
    to: String,
    /// One entry per day of the window, oldest first.
    series: Vec<DayOut>,
    /// Delivery outcomes per day of the window, oldest first.
    campaigns: Vec<DeliveryDayOut>,
}

/// A day's new customers and completed orders.
#[derive(Serialize, ToSchema)]
struct DayOut {
    #[schema(format = Date)]
    date: String,
    new_customers: i64,
    orders: i64,
    revenue: Amount,
}

/// A day's delivery receipts.
#[derive(Serialize, ToSchema)]
struct DeliveryDayOut {
    #[schema(format = Date)]
    date: String,
    delivered: i64,
    failed: i64,
}

/// The first day of a window of `days` days that ends today, in +05:30, as milliseconds since the
/// epoch of its midnight, and that day's number since 1970-01-01.
fn window(now: Timestamp, days: i64) -> (i64, i64) {
    let today = (now.millis() + OFFSET_MS).div_euclid(DAY_MS);
    let first = today - days + 1;
    (first * DAY_MS - OFFSET_MS, first)
}

fn date(day: i64) -> String {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("a date");
    (epoch + chrono::Duration::days(day))
        .format("%Y-%m-%d")
        .to_string()
}

/// The dashboard's overview.
///
/// Totals, active campaigns, the delivery rate of the window's campaigns, and a series per day in
/// India's time. Needs the `read` scope.
#[utoipa::path(get, path = "/overview", tag = "overview", operation_id = "read_overview",
    params(Params),
    responses(
        (status = 200, description = "Totals and a series per day.", body = OverviewOut),
        (status = 400, response = BadRequest),
        (status = 403, response = Forbidden),
    ))]
async fn read(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(p): ApiQuery<Params>,
) -> Result<Json<OverviewOut>, ApiError> {
    caller.require(Scope::Read)?;
    let days = match p.days {
        None => 30,
        Some(d) if (1..=365).contains(&d) => d,
        Some(_) => {
            return Err(ApiError::bad_field(
                "days",
                "days must be between 1 and 365",
            ))
        }
    };
    let (start, first_day) = window(Timestamp::now(), days);
    let o = overview::overview(&state.db, start, days).await?;
    let exponent = state.settings.currency.exponent();
    let amount = |minor| Amount { minor, exponent };
    let rated = o.delivered + o.failed;
    Ok(Json(OverviewOut {
        customers: o.customers,
        orders: o.orders,
        revenue: amount(o.revenue),
        active_campaigns: o.active_campaigns,
        delivery_rate: (rated > 0).then(|| o.delivered as f64 / rated as f64),
        days,
        from: date(first_day),
        to: date(first_day + days - 1),
        series: o
            .days
            .iter()
            .enumerate()
            .map(|(i, d)| DayOut {
                date: date(first_day + i as i64),
                new_customers: d.new_customers,
                orders: d.orders,
                revenue: amount(d.revenue),
            })
            .collect(),
        campaigns: o
            .days
            .iter()
            .enumerate()
            .map(|(i, d)| DeliveryDayOut {
                date: date(first_day + i as i64),
                delivered: d.delivered,
                failed: d.failed,
            })
            .collect(),
    }))
}

#[cfg(test)]
mod tests;
