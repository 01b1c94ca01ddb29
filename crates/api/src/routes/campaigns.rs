//! Campaigns: create (now or at a time), list newest first with delivery stats, read with timings and
//! failures by reason, cancel, and page the communication log. Vendor receipts arrive in `receipts`.
//!
//! Creating and cancelling need the `admin` scope until people have roles; reading needs `read`.

use super::page_limit;
use crate::body::JsonBody;
use crate::openapi::{examples, BadRequest, Conflict, Forbidden, NotFound, UnprocessableEntity};
use crate::output::{cursor_param, encode_cursor, iso as time, trim_page, Page};
use crate::params::{ApiPath, ApiQuery};
use crate::{ApiError, AppState, Caller};
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use minicrm_domain::campaign::{
    Audience, CampaignIn, CampaignStatus, Channel, MessageStatus, NewCampaign, Problem,
};
use minicrm_domain::rules::RuleGroup;
use minicrm_domain::{Scope, Timestamp};
use minicrm_store::campaigns::{self, CampaignRow, NewCampaignRow};
use minicrm_store::messages::{self, MessageRow};
use minicrm_store::{segments, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(read))
        .routes(routes!(cancel))
        .routes(routes!(log))
        .routes(routes!(summary))
        .routes(routes!(timeline))
        .routes(routes!(variables))
}

/// Delivery counts: one per recipient, by the state of their message.
#[derive(Serialize, ToSchema)]
pub struct Stats {
    /// Recipients, once the audience is fixed; null before.
    pub audience: Option<i64>,
    pub queued: i64,
    pub sent: i64,
    pub delivered: i64,
    pub failed: i64,
    pub cancelled: i64,
    /// Delivered among those with a final vendor outcome (delivered or failed); null before any.
    pub delivery_rate: Option<f64>,
}

/// A campaign with its delivery stats.
#[derive(Serialize, ToSchema)]
struct CampaignOut {
    id: String,
    name: String,
    status: CampaignStatus,
    channel: Channel,
    /// The saved segment the audience came from, if it did.
    segment_id: Option<String>,
    /// The audience's rules (a segment's are copied in).
    #[schema(value_type = RuleGroup)]
    rules: Value,
    /// E-mail only.
    subject: Option<String>,
    /// The message template.
    message: String,
    objective: Option<String>,
    /// The campaign's own tags, then those earned from its audience and objective.
    tags: Vec<String>,
    /// `api-key:<name>` or `user:<email>`.
    created_by: String,
    #[schema(format = DateTime)]
    created_at: String,
    #[schema(format = DateTime)]
    send_at: String,
    #[schema(format = DateTime)]
    started_at: Option<String>,
    /// When the audience was snapshotted into the communication log.
    #[schema(format = DateTime)]
    audience_fixed_at: Option<String>,
    #[schema(format = DateTime)]
    completed_at: Option<String>,
    #[schema(format = DateTime)]
    cancelled_at: Option<String>,
    #[schema(format = DateTime)]
    failed_at: Option<String>,
    /// Why the campaign failed, when it did.
    failure: Option<String>,
    stats: Stats,
    /// Failed messages by reason (one campaign only, not in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    failures_by_reason: Option<Vec<ReasonCount>>,
}

#[derive(Serialize, ToSchema)]
struct ReasonCount {
    reason: String,
    count: i64,
}

impl From<CampaignRow> for CampaignOut {
    fn from(c: CampaignRow) -> Self {
        let finished = c.delivered + c.failed;
        Self {
            stats: Stats {
                audience: c.audience,
                queued: c.queued,
                sent: c.sent,
                delivered: c.delivered,
                failed: c.failed,
                cancelled: c.cancelled,
                delivery_rate: (finished > 0).then(|| c.delivered as f64 / finished as f64),
            },
            id: c.id,
            name: c.name,
            status: c.status,
            channel: c.channel,
            segment_id: c.segment_id,
            rules: c.rules.0,
            subject: c.subject,
            message: c.message,
            objective: c.objective,
            tags: c.tags.0,
            created_by: c.created_by,
            created_at: time(c.created_at),
            send_at: time(c.send_at),
            started_at: c.started_at.map(time),
            audience_fixed_at: c.snapshot_at.map(time),
            completed_at: c.completed_at.map(time),
            cancelled_at: c.cancelled_at.map(time),
            failed_at: c.failed_at.map(time),
            failure: c.failure,
            failures_by_reason: None,
        }
    }
}

fn not_found(id: &str) -> impl FnOnce(StoreError) -> ApiError + '_ {
    move |e| match e {
        StoreError::NotFound => ApiError::NotFound(format!("campaign '{id}'")),
        other => other.into(),
    }
}

/// Create a campaign.
///
/// Creates a campaign for a saved segment or rules, sent now or at `send_at`. Every bad field is
/// listed in the 422. Needs the `write` scope.
#[utoipa::path(post, path = "/campaigns", tag = "campaigns", operation_id = "create_campaign",
    request_body(content = CampaignIn, content_type = "application/json", example = examples::campaign),
    responses(
        (status = 201, description = "The campaign, scheduled.", body = CampaignOut,
            headers(("Location" = String, description = "The campaign: `/api/v1/campaigns/{id}`."))),
        (status = 400, response = BadRequest),
        (status = 403, response = Forbidden),
        (status = 422, response = UnprocessableEntity),
    ))]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    caller.require(Scope::Write)?;
    let now = Timestamp::now();
    let campaign =
        NewCampaign::parse(&body, now, state.settings.currency).map_err(ApiError::Invalid)?;
    let (segment_id, rules, group) = match &campaign.audience {
        Audience::Rules(group, json) => (None, json.clone(), Some(group.clone())),
        Audience::Segment(id) => match segments::get(&state.db, id).await {
            Ok(segment) => {
                let group =
                    minicrm_domain::rules::parse(&segment.rules.0, state.settings.currency).ok();
                (Some(id.as_str()), segment.rules.0, group)
            }
            Err(StoreError::NotFound) => {
                return Err(ApiError::Invalid(vec![Problem {
                    field: "segment_id".into(),
                    reason: format!("no segment '{id}'"),
                }]))
            }
            Err(e) => return Err(e.into()),
        },
    };
    let id = uuid::Uuid::now_v7().to_string();
    let created_by = caller.label();
    let tags = with_auto_tags(
        &campaign.tags,
        group.as_ref(),
        campaign.objective.as_deref(),
        &state,
    );
    let row = campaigns::create(
        &state.db,
        &NewCampaignRow {
            id: &id,
            name: &campaign.name,
            segment_id,
            rules: &rules,
            channel: campaign.channel,
            subject: campaign.subject.as_deref(),
            message: &campaign.message,
            objective: campaign.objective.as_deref(),
            tags: &tags,
            send_at: campaign.send_at.unwrap_or(now).millis(),
            created_by: &created_by,
            created_at: now.millis(),
        },
    )
    .await?;
    let location = format!("/api/v1/campaigns/{id}");
    let out: CampaignOut = row.into();
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(out),
    )
        .into_response())
}

/// The campaign's own tags, then those it earns from its audience and objective (up to 20 in all).
fn with_auto_tags(
    given: &[String],
    rules: Option<&minicrm_domain::rules::Group>,
    objective: Option<&str>,
    state: &AppState,
) -> Vec<String> {
    let mut tags = given.to_vec();
    let minor_per_major = 10i64.pow(state.settings.currency.exponent());
    let earned = match rules {
        Some(rules) => minicrm_assistant::local::tags::tags(rules, objective, minor_per_major),
        None => Vec::new(),
    };
    for tag in earned {
        if tags.len() < 20 && !tags.iter().any(|t| t.eq_ignore_ascii_case(&tag)) {
            tags.push(tag);
        }
    }
    tags
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ListParams {
    /// Campaigns per page.
    #[param(minimum = 1, maximum = 500, default = 50)]
    limit: Option<i64>,
    /// The `next_cursor` of the page before.
    cursor: Option<String>,
    /// Only campaigns in this state.
    #[param(value_type = Option<CampaignStatus>)]
    status: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct LogParams {
    /// Messages per page.
    #[param(minimum = 1, maximum = 500, default = 50)]
    limit: Option<i64>,
    /// The `next_cursor` of the page before (opaque, base64url).
    #[param(value_type = String, required = false, pattern = "^[A-Za-z0-9_-]+$")]
    cursor: Option<String>,
    /// Only messages in this state.
    #[param(value_type = Option<MessageStatus>)]
    status: Option<String>,
}

fn status_param<T>(
    text: Option<&str>,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>, ApiError> {
    text.map(|s| {
        parse(s).ok_or_else(|| ApiError::bad_field("status", format!("'{s}' is not a status")))
    })
    .transpose()
}

/// List campaigns.
///
/// Campaigns, newest first, with their delivery stats. Needs the `read` scope.
#[utoipa::path(get, path = "/campaigns", tag = "campaigns", operation_id = "list_campaigns",
    params(ListParams),
    responses(
        (status = 200, description = "A page of campaigns.", body = Page<CampaignOut>),
        (status = 400, response = BadRequest),
        (status = 403, response = Forbidden),
    ))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(p): ApiQuery<ListParams>,
) -> Result<Json<Page<CampaignOut>>, ApiError> {
    caller.require(Scope::Read)?;
    let limit = page_limit(p.limit)?;
    let status = status_param(p.status.as_deref(), CampaignStatus::parse)?;
    let mut rows = campaigns::list(&state.db, status, p.cursor.as_deref(), limit + 1).await?;
    let next_cursor = trim_page(&mut rows, limit, |r| r.id.clone());
    Ok(Json(Page {
        items: rows.into_iter().map(Into::into).collect(),
        next_cursor,
    }))
}

/// Get a campaign.
///
/// One campaign with its delivery stats and failures by reason. Needs the `read` scope.
#[utoipa::path(get, path = "/campaigns/{id}", tag = "campaigns", operation_id = "read_campaign",
    params(("id" = String, Path, description = "The campaign's id.")),
    responses(
        (status = 200, description = "The campaign.", body = CampaignOut),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
async fn read(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<CampaignOut>, ApiError> {
    caller.require(Scope::Read)?;
    let row = campaigns::get(&state.db, &id)
        .await
        .map_err(not_found(&id))?;
    let reasons = messages::failures_by_reason(&state.db, &id).await?;
    let mut out: CampaignOut = row.into();
    out.failures_by_reason = Some(
        reasons
            .into_iter()
            .map(|(reason, count)| ReasonCount { reason, count })
            .collect(),
    );
    Ok(Json(out))
}

/// Cancel a campaign.
///
/// Cancels a scheduled or running campaign: messages not yet sent are not sent. Needs the `write`
/// scope.
#[utoipa::path(post, path = "/campaigns/{id}/cancel", tag = "campaigns", operation_id = "cancel_campaign",
    params(("id" = String, Path, description = "The campaign's id.")),
    responses(
        (status = 200, description = "The campaign, cancelled.", body = CampaignOut),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
async fn cancel(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<CampaignOut>, ApiError> {
    caller.require(Scope::Write)?;
    let row = campaigns::get(&state.db, &id)
        .await
        .map_err(not_found(&id))?;
    if !campaigns::cancel(&state.db, &id, Timestamp::now().millis()).await? {
        return Err(ApiError::Conflict(format!(
            "campaign '{id}' is {} and can no longer be cancelled",
            row.status
        )));
    }
    Ok(Json(campaigns::get(&state.db, &id).await?.into()))
}

/// A row of the communication log: one campaign's message to one customer.
#[derive(Serialize, ToSchema)]
pub struct MessageOut {
    pub id: i64,
    pub campaign_id: String,
    pub campaign_name: String,
    pub customer_external_id: String,
    /// The phone number or e-mail address; null when the customer has none for the channel.
    pub recipient: Option<String>,
    /// The message as rendered for this customer.
    pub message: String,
    pub status: MessageStatus,
    /// Sends tried.
    pub attempts: i64,
    pub vendor_message_id: Option<String>,
    pub failure_reason: Option<String>,
    #[schema(format = DateTime)]
    pub queued_at: String,
    #[schema(format = DateTime)]
    pub sent_at: Option<String>,
    #[schema(format = DateTime)]
    pub delivered_at: Option<String>,
    #[schema(format = DateTime)]
    pub failed_at: Option<String>,
}

impl From<MessageRow> for MessageOut {
    fn from(m: MessageRow) -> Self {
        Self {
            id: m.id,
            campaign_id: m.campaign_id,
            campaign_name: m.campaign_name,
            customer_external_id: m.customer_external_id,
            recipient: m.recipient,
            message: m.message,
            status: m.status,
            attempts: m.attempts,
            vendor_message_id: m.vendor_message_id,
            failure_reason: m.failure_reason,
            queued_at: time(m.queued_at),
            sent_at: m.sent_at.map(time),
            delivered_at: m.delivered_at.map(time),
            failed_at: m.failed_at.map(time),
        }
    }
}

/// A campaign's communication log.
///
/// A campaign's communication log, in the order it was queued. Needs the `read` scope.
#[utoipa::path(get, path = "/campaigns/{id}/messages", tag = "campaigns", operation_id = "campaign_messages",
    params(("id" = String, Path, description = "The campaign's id."), LogParams),
    responses(
        (status = 200, description = "A page of messages.", body = Page<MessageOut>),
        (status = 400, response = BadRequest),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
async fn log(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(p): ApiQuery<LogParams>,
) -> Result<Json<Page<MessageOut>>, ApiError> {
    caller.require(Scope::Read)?;
    let limit = page_limit(p.limit)?;
    let status = status_param(p.status.as_deref(), MessageStatus::parse)?;
    let after = cursor_param(p.cursor.as_deref(), 1)?.map_or(0, |c| c[0]);
    campaigns::get(&state.db, &id)
        .await
        .map_err(not_found(&id))?;
    let mut rows = messages::page(&state.db, &id, status, after, limit + 1).await?;
    let next_cursor = trim_page(&mut rows, limit, |r| encode_cursor(&[r.id]));
    Ok(Json(Page {
        items: rows.into_iter().map(Into::into).collect(),
        next_cursor,
    }))
}

/// The personalisation variables a message may use.
#[derive(Serialize, ToSchema)]
struct VariablesOut {
    variables: &'static [minicrm_domain::campaign::template::Variable],
}

/// Personalisation variables.
///
/// The personalisation variables a message may use, with what each holds. Needs the `read` scope.
#[utoipa::path(get, path = "/campaigns/variables", tag = "campaigns", operation_id = "message_variables",
    responses(
        (status = 200, description = "The variables.", body = VariablesOut),
        (status = 403, response = Forbidden),
    ))]
async fn variables(caller: Caller) -> Result<Json<VariablesOut>, ApiError> {
    caller.require(Scope::Read)?;
    Ok(Json(VariablesOut {
        variables: minicrm_domain::campaign::VARIABLES,
    }))
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
