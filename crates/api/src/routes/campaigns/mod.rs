//! Campaigns: create (now or at a time), list newest first with delivery stats, read with timings and
//! failures by reason, cancel; the communication log is in `log`, the summary and timeline in
//! `performance`. Vendor receipts arrive in `routes::receipts`.
//!
//! Creating and cancelling need the `admin` scope until people have roles; reading needs `read`.

use super::page_limit;
use crate::openapi::{BadRequest, Conflict, Forbidden, NotFound};
use crate::output::{trim_page, Page};
use crate::params::{ApiPath, ApiQuery};
use crate::{ApiError, AppState, Caller};
use axum::extract::State;
use axum::Json;
use minicrm_domain::campaign::CampaignStatus;
use minicrm_domain::{Scope, Timestamp};
use minicrm_store::campaigns;
use minicrm_store::messages;
use minicrm_store::StoreError;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

mod campaign_out;
mod create;
mod log;
mod performance;

use campaign_out::{CampaignOut, ReasonCount};

pub(super) use log::MessageOut;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create::create))
        .routes(routes!(read))
        .routes(routes!(cancel))
        .routes(routes!(variables))
        .merge(log::router())
        .merge(performance::router())
}

pub(super) fn not_found(id: &str) -> impl FnOnce(StoreError) -> ApiError + '_ {
    move |e| match e {
        StoreError::NotFound => ApiError::NotFound(format!("campaign '{id}'")),
        other => other.into(),
    }
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
