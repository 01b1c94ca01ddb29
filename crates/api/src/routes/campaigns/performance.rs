//! How a campaign did: its performance summary (`GET /campaigns/{id}/summary`: the facts by slice of
//! recipients, failure reasons and earlier campaigns, and the assistant's text from them) and its
//! delivery over time (`GET /campaigns/{id}/timeline`).

use super::not_found;
use crate::openapi::{Forbidden, NotFound};
use crate::output::iso as time;
use crate::params::ApiPath;
use crate::{ApiError, AppState, Caller};
use axum::extract::State;
use axum::Json;
use minicrm_domain::{Scope, Timestamp};
use minicrm_store::campaigns;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(summary))
        .routes(routes!(timeline))
}

/// A campaign's performance summary.
///
/// The campaign's performance: reached, delivered, failed and the rate; the slices of recipients that
/// did notably better or worse (spend tier, city, recency, order count); failure reasons; a comparison
/// with the campaigns before it. A text, and the facts every number in it comes from.
/// Needs the `read` scope.
#[utoipa::path(get, path = "/campaigns/{id}/summary", tag = "campaigns", operation_id = "campaign_summary",
    params(("id" = String, Path, description = "The campaign's id.")),
    responses(
        (status = 200, description = "The text and its facts.", body = minicrm_assistant::local::summary::Summary),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
async fn summary(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<minicrm_assistant::local::summary::Summary>, ApiError> {
    use minicrm_assistant::local::summary::{self, Bucket, Campaign, Earlier};
    use minicrm_store::insights;
    caller.require(Scope::Read)?;
    let row = campaigns::get(&state.db, &id)
        .await
        .map_err(not_found(&id))?;
    let tiers = insights::SpendTiers::of(state.settings.currency);
    let started = row.started_at.unwrap_or(row.created_at);
    let mut buckets = Vec::new();
    for dimension in &insights::DIMENSIONS {
        for slice in insights::slices(&state.db, &id, dimension, started, &tiers).await? {
            buckets.push(Bucket {
                dimension: dimension.name,
                key: slice.key,
                label: slice.label,
                recipients: slice.recipients,
                delivered: slice.delivered,
                failed: slice.failed,
            });
        }
    }
    let reasons = insights::failure_reasons(&state.db, &id).await?;
    let earlier: Vec<Earlier> = insights::earlier(&state.db, &id, row.created_at, 5)
        .await?
        .into_iter()
        .map(|e| Earlier {
            name: e.name,
            delivered: e.delivered,
            failed: e.failed,
        })
        .collect();
    let campaign = Campaign {
        name: row.name,
        channel: row.channel.as_str().to_owned(),
        status: row.status.as_str().to_owned(),
        audience: row.audience.unwrap_or(0),
        sent: row.sent + row.delivered + row.failed,
        delivered: row.delivered,
        failed: row.failed,
        pending: row.queued + row.sent,
    };
    let facts = summary::facts(&campaign, &buckets, &reasons, &earlier);
    Ok(Json(state.assistant.summary(facts).await))
}

/// How many buckets a timeline has at most.
const TIMELINE_BUCKETS: i64 = 60;

/// Running totals over a campaign's life.
#[derive(Serialize, ToSchema)]
struct TimelineOut {
    /// When the campaign started; null (with no points) before it has.
    #[schema(format = DateTime)]
    start: Option<String>,
    bucket_seconds: Option<i64>,
    points: Vec<PointOut>,
}

/// The totals at the end of a bucket.
#[derive(Serialize, ToSchema)]
struct PointOut {
    #[schema(format = DateTime)]
    at: String,
    sent: i64,
    delivered: i64,
    failed: i64,
}

/// A campaign's delivery over time.
///
/// Sent, delivered and failed so far over the campaign's life, as running totals in up to 60 equal
/// buckets from its start. Needs the `read` scope.
#[utoipa::path(get, path = "/campaigns/{id}/timeline", tag = "campaigns", operation_id = "campaign_timeline",
    params(("id" = String, Path, description = "The campaign's id.")),
    responses(
        (status = 200, description = "Running totals over time.", body = TimelineOut),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
async fn timeline(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<TimelineOut>, ApiError> {
    caller.require(Scope::Read)?;
    let row = campaigns::get(&state.db, &id)
        .await
        .map_err(not_found(&id))?;
    let Some(start) = row.started_at else {
        return Ok(Json(TimelineOut {
            start: None,
            bucket_seconds: None,
            points: Vec::new(),
        }));
    };
    let end = [row.completed_at, row.cancelled_at, row.failed_at]
        .into_iter()
        .flatten()
        .max()
        .filter(|_| row.queued + row.sent == 0)
        .unwrap_or_else(|| Timestamp::now().millis())
        .max(start + 1_000);
    // Whole seconds per bucket, so that the points fall on readable times.
    let bucket_ms = ((end - start) / TIMELINE_BUCKETS / 1_000 + 1) * 1_000;
    let counts = minicrm_store::insights::timeline(&state.db, &id, start, bucket_ms).await?;
    let buckets = ((end - start) / bucket_ms + 1).min(TIMELINE_BUCKETS + 1) as usize;
    Ok(Json(TimelineOut {
        start: Some(time(start)),
        bucket_seconds: Some(bucket_ms / 1_000),
        points: running_totals(&counts, buckets, start, bucket_ms),
    }))
}

/// Counts per (kind, bucket) as running totals at the end of each of `buckets` buckets.
fn running_totals(
    counts: &[(String, i64, i64)],
    buckets: usize,
    start: i64,
    bucket_ms: i64,
) -> Vec<PointOut> {
    let mut per = vec![[0i64; 3]; buckets];
    for (kind, bucket, n) in counts {
        let slot = ((*bucket).max(0) as usize).min(buckets - 1);
        let column = match kind.as_str() {
            "sent" => 0,
            "delivered" => 1,
            _ => 2,
        };
        per[slot][column] += n;
    }
    let mut totals = [0i64; 3];
    per.iter()
        .enumerate()
        .map(|(i, counts)| {
            for (total, n) in totals.iter_mut().zip(counts) {
                *total += n;
            }
            PointOut {
                at: time(start + (i as i64 + 1) * bucket_ms),
                sent: totals[0],
                delivered: totals[1],
                failed: totals[2],
            }
        })
        .collect()
}
