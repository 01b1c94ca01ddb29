//! Reading the log as the API shows it: a campaign's rows, a customer's messages, failures by reason.

use crate::{on_read, Db, StoreError};
use minicrm_domain::campaign::MessageStatus;

/// A log row as the API shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MessageRow {
    pub id: i64,
    pub campaign_id: String,
    pub campaign_name: String,
    pub customer_external_id: String,
    pub recipient: Option<String>,
    pub message: String,
    #[sqlx(try_from = "String")]
    pub status: MessageStatus,
    pub attempts: i64,
    pub vendor_message_id: Option<String>,
    pub failure_reason: Option<String>,
    pub queued_at: i64,
    pub sent_at: Option<i64>,
    pub delivered_at: Option<i64>,
    pub failed_at: Option<i64>,
}

const ROW_SELECT: &str = "SELECT l.id, l.campaign_id, c.name AS campaign_name, cu.external_id AS customer_external_id, \
    l.recipient, l.message, l.status, l.attempts, l.vendor_message_id, l.failure_reason, l.queued_at, l.sent_at, \
    l.delivered_at, l.failed_at FROM communication_log l JOIN campaigns c ON c.id = l.campaign_id \
    JOIN customers cu ON cu.id = l.customer_id";

/// A page of a campaign's log in row order, optionally of one status, after the row `after`.
pub async fn page(
    db: &Db,
    campaign_id: &str,
    status: Option<MessageStatus>,
    after: i64,
    limit: i64,
) -> Result<Vec<MessageRow>, StoreError> {
    let sql = format!(
        "{ROW_SELECT} WHERE l.campaign_id = $1 AND ($2 IS NULL OR l.status = $2) AND l.id > $3 \
         ORDER BY l.id LIMIT $4"
    );
    let status = status.map(|s| s.as_str());
    Ok(on_read!(db, p => sqlx::query_as::<_, MessageRow>(&sql)
        .bind(campaign_id).bind(status).bind(after).bind(limit).fetch_all(p).await)?)
}

/// The newest messages sent to a customer.
pub async fn for_customer(
    db: &Db,
    customer_id: i64,
    limit: i64,
) -> Result<Vec<MessageRow>, StoreError> {
    let sql = format!("{ROW_SELECT} WHERE l.customer_id = $1 ORDER BY l.id DESC LIMIT $2");
    Ok(on_read!(db, p => sqlx::query_as::<_, MessageRow>(&sql)
        .bind(customer_id).bind(limit).fetch_all(p).await)?)
}

/// A campaign's failures by reason, most frequent first.
pub async fn failures_by_reason(
    db: &Db,
    campaign_id: &str,
) -> Result<Vec<(String, i64)>, StoreError> {
    Ok(on_read!(db, p => sqlx::query_as::<_, (String, i64)>(
        "SELECT COALESCE(failure_reason, 'unknown'), COUNT(*) AS n FROM communication_log \
         WHERE campaign_id = $1 AND status = $2 GROUP BY 1 ORDER BY n DESC, 1")
        .bind(campaign_id).bind(MessageStatus::Failed.as_str()).fetch_all(p).await)?)
}
