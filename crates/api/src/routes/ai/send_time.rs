//! `POST /ai/send-time`: when an audience usually orders, as the hour and day to send at.

use crate::body::JsonBody;
use crate::openapi::{examples, BadRequest, Forbidden, UnprocessableEntity};
use crate::{ApiError, AppState, Caller};
use axum::extract::State;
use axum::Json;
use minicrm_assistant::local::send_time::{self, SendTime};
use minicrm_domain::rules::{self, Group, RuleGroup};
use minicrm_domain::{Scope, Timestamp};
use minicrm_store::{segments, StoreError};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

/// How far back the send-time histogram looks: a year of orders, so every season counts once.
const SEND_TIME_WINDOW_MS: i64 = 365 * 86_400_000;

/// The audience to time: a saved segment, or rules (`segment_id` wins when both are sent).
#[derive(serde::Deserialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub(super) enum SendTimeIn {
    Segment { segment_id: String },
    Rules { rules: RuleGroup },
}

/// The recommendation, and who made it.
#[derive(Serialize, ToSchema)]
pub(super) struct SendTimeOut {
    #[serde(flatten)]
    recommendation: SendTime,
    /// Always `local`: computed from the audience's own orders.
    provider: &'static str,
}

/// The best time to send to an audience.
///
/// `{rules}` or `{segment_id}` → the best hours of the week to reach that audience, from when it
/// orders (Asia/Kolkata), with the histogram and a confidence; the whole base stands in for an
/// audience with few orders. Each slot's `next_at` can be a campaign's `send_at` as it is. Needs the
/// `read` scope.
#[utoipa::path(post, path = "/ai/send-time", tag = "ai", operation_id = "ai_send_time",
    request_body(content = SendTimeIn, content_type = "application/json", example = examples::send_time),
    responses(
        (status = 200, description = "Recommended slots, the histogram, a confidence.", body = SendTimeOut),
        (status = 400, response = BadRequest),
        (status = 403, response = Forbidden),
        (status = 422, response = UnprocessableEntity),
    ))]
pub(super) async fn send_time(
    State(state): State<AppState>,
    caller: Caller,
    body: JsonBody,
) -> Result<Json<SendTimeOut>, ApiError> {
    caller.require(Scope::Read)?;
    let value = body.value()?;
    let audience: Group = match value.get("segment_id") {
        Some(Value::String(id)) => {
            let segment = segments::get(&state.db, id).await.map_err(|e| match e {
                StoreError::NotFound => {
                    ApiError::bad_field("segment_id", format!("no segment '{id}'"))
                }
                other => other.into(),
            })?;
            rules::parse(&segment.rules.0, state.settings.currency).map_err(ApiError::Rules)?
        }
        Some(_) => return Err(ApiError::bad_field("segment_id", "segment_id is a text")),
        None => crate::routes::segments::read_rules(&value, &state)?,
    };
    Ok(Json(SendTimeOut {
        recommendation: recommend(&state, Some(&audience)).await?,
        provider: "local",
    }))
}

/// The send-time recommendation for an audience (or everyone), now.
pub(crate) async fn recommend(
    state: &AppState,
    audience: Option<&Group>,
) -> Result<SendTime, ApiError> {
    let now = Timestamp::now();
    let zone = send_time::india();
    let offset = send_time::offset_seconds(zone);
    let since = now.millis() - SEND_TIME_WINDOW_MS;
    let slots = minicrm_audience::order_slots(&state.db, audience, now, since, offset).await?;
    let histogram = send_time::from_epoch_slots(&as_counts(&slots));
    let everyone =
        if histogram.iter().flatten().sum::<u64>() < send_time::MIN_ORDERS && audience.is_some() {
            let all = minicrm_audience::order_slots(&state.db, None, now, since, offset).await?;
            send_time::from_epoch_slots(&as_counts(&all))
        } else {
            histogram
        };
    let utc = chrono::DateTime::from_timestamp_millis(now.millis()).expect("now is a time");
    Ok(send_time::recommend(
        histogram,
        || everyone,
        utc,
        zone,
        "Asia/Kolkata",
    ))
}

fn as_counts(slots: &[(i64, i64)]) -> Vec<(i64, u64)> {
    slots.iter().map(|&(s, n)| (s, n.max(0) as u64)).collect()
}
