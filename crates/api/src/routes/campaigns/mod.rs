//! Campaigns: create (now or at a time), list newest first with delivery stats, read with timings and
//! failures by reason, cancel; the communication log is in `log`, the summary and timeline in
//! `performance`. Vendor receipts arrive in `routes::receipts`.
//!
//! Creating and cancelling need the `admin` scope until people have roles; reading needs `read`.

use super::page_limit;
use crate::body::JsonBody;
use crate::openapi::{examples, BadRequest, Conflict, Forbidden, NotFound, UnprocessableEntity};
use crate::output::{iso as time, trim_page, Page};
use crate::params::{ApiPath, ApiQuery};
use crate::{ApiError, AppState, Caller};
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use minicrm_domain::campaign::{
    Audience, CampaignIn, CampaignStatus, Channel, NewCampaign, Problem,
};
use minicrm_domain::rules::RuleGroup;
use minicrm_domain::{Scope, Timestamp};
use minicrm_store::campaigns::{self, CampaignRow, NewCampaignRow};
use minicrm_store::messages;
use minicrm_store::{segments, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

mod log;
mod performance;

pub(super) use log::MessageOut;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(read))
        .routes(routes!(cancel))
        .routes(routes!(variables))
        .merge(log::router())
        .merge(performance::router())
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

pub(super) fn not_found(id: &str) -> impl FnOnce(StoreError) -> ApiError + '_ {
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

pub(super) fn status_param<T>(
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
