//! `POST /campaigns`: a campaign for a saved segment or rules, sent now or at a time, with the tags it
//! earns from its audience and objective.

use super::CampaignOut;
use crate::body::JsonBody;
use crate::openapi::{examples, BadRequest, Forbidden, UnprocessableEntity};
use crate::{ApiError, AppState, Caller};
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use minicrm_domain::campaign::{Audience, CampaignIn, NewCampaign, Problem};
use minicrm_domain::{Scope, Timestamp};
use minicrm_store::campaigns::{self, NewCampaignRow};
use minicrm_store::{segments, StoreError};

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
pub(super) async fn create(
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
