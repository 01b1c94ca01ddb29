//! A campaign's communication log (`GET /campaigns/{id}/messages`): one row per recipient, in the
//! order it was queued, paged by cursor and filtered by status.

use super::{not_found, status_param};
use crate::openapi::{BadRequest, Forbidden, NotFound};
use crate::output::{cursor_param, encode_cursor, iso as time, trim_page, Page};
use crate::params::{ApiPath, ApiQuery};
use crate::routes::page_limit;
use crate::{ApiError, AppState, Caller};
use axum::extract::State;
use axum::Json;
use minicrm_domain::campaign::MessageStatus;
use minicrm_domain::Scope;
use minicrm_store::campaigns;
use minicrm_store::messages::{self, MessageRow};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(log))
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
