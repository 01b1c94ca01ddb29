//! A campaign as the API shows it: its fields, its delivery stats and, when read alone, its failures
//! by reason.

use crate::output::iso as time;
use minicrm_domain::campaign::{CampaignStatus, Channel};
use minicrm_domain::rules::RuleGroup;
use minicrm_store::campaigns::CampaignRow;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

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
pub(super) struct CampaignOut {
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
    pub(super) failures_by_reason: Option<Vec<ReasonCount>>,
}

#[derive(Serialize, ToSchema)]
pub(super) struct ReasonCount {
    pub(super) reason: String,
    pub(super) count: i64,
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
