//! Settling rows a sender is done with: taken by the vendor, refused by it, or cancelled or failed while
//! still queued. Each returns the counter changes of the rows it moved.

use crate::campaigns::Counts;
use crate::{on_tx, sql, StoreError, Tx};
use minicrm_domain::campaign::MessageStatus;
use std::collections::HashMap;

/// Settles the campaign's rows of `customer_ids` still `queued` as `to` (`cancelled`, or `failed` with
/// `reason`: the campaign was cancelled or failed before they were sent) and returns the counter change.
pub async fn settle_queued(
    tx: &mut Tx,
    campaign_id: &str,
    customer_ids: &[i64],
    to: MessageStatus,
    reason: Option<&str>,
    now: i64,
) -> Result<Counts, StoreError> {
    let mut moved = 0;
    for chunk in customer_ids.chunks(sql::rows_per_statement(1)) {
        let statement = sql::numbered(
            tx.backend(),
            &format!(
                "UPDATE communication_log SET status = ?, failure_reason = ?, failed_at = ? \
                 WHERE campaign_id = ? AND status = ? AND customer_id IN ({})",
                sql::list(crate::Backend::Sqlite, chunk.len())
            ),
        );
        let failed_at = (to == MessageStatus::Failed).then_some(now);
        moved += on_tx!(tx, c => {
            let mut q = sqlx::query(&statement).bind(to.as_str()).bind(reason).bind(failed_at)
                .bind(campaign_id).bind(MessageStatus::Queued.as_str());
            for id in chunk {
                q = q.bind(*id);
            }
            q.execute(&mut *c).await.map(|r| r.rows_affected())
        })? as i64;
    }
    let mut counts = Counts {
        queued: -moved,
        ..Counts::default()
    };
    match to {
        MessageStatus::Cancelled => counts.cancelled = moved,
        _ => counts.failed = moved,
    }
    Ok(counts)
}

/// Rows the vendor took: `sending` → `sent` with its message id. Returns the counter changes by
/// campaign (rows a receipt finished first stay as the receipt left them).
pub async fn mark_sent(
    tx: &mut Tx,
    sent: &[(i64, String)],
    now: i64,
) -> Result<HashMap<String, Counts>, StoreError> {
    let mut by_campaign: HashMap<String, Counts> = HashMap::new();
    for chunk in sent.chunks(sql::rows_per_statement(2)) {
        let statement = format!(
            "UPDATE communication_log SET status = ?, vendor_message_id = v.column2, sent_at = ? \
             FROM (VALUES {}) AS v WHERE communication_log.id = v.column1 AND communication_log.status = ? \
             RETURNING communication_log.campaign_id",
            sql::values(crate::Backend::Sqlite, chunk.len(), 2)
        );
        // The VALUES placeholders come after the two SET values; the status guard binds last.
        let statement = sql::numbered(tx.backend(), &statement);
        let campaigns: Vec<String> = on_tx!(tx, c => {
            let mut q = sqlx::query_scalar(&statement).bind(MessageStatus::Sent.as_str()).bind(now);
            for (id, vendor_id) in chunk {
                q = q.bind(*id).bind(vendor_id.as_str());
            }
            q.bind(MessageStatus::Sending.as_str()).fetch_all(&mut *c).await
        })?;
        for campaign in campaigns {
            let c = by_campaign.entry(campaign).or_default();
            c.queued -= 1;
            c.sent += 1;
        }
    }
    Ok(by_campaign)
}

/// Rows the vendor refused for good (a 4xx for the request): `sending` → `failed` with the reason.
pub async fn fail_sending(
    tx: &mut Tx,
    ids: &[i64],
    reason: &str,
    now: i64,
) -> Result<HashMap<String, Counts>, StoreError> {
    let mut by_campaign: HashMap<String, Counts> = HashMap::new();
    for chunk in ids.chunks(sql::rows_per_statement(1)) {
        let statement = sql::numbered(
            tx.backend(),
            &format!(
                "UPDATE communication_log SET status = ?, failure_reason = ?, failed_at = ? \
                 WHERE status = ? AND id IN ({}) RETURNING campaign_id",
                sql::list(crate::Backend::Sqlite, chunk.len())
            ),
        );
        let campaigns: Vec<String> = on_tx!(tx, c => {
            let mut q = sqlx::query_scalar(&statement).bind(MessageStatus::Failed.as_str()).bind(reason)
                .bind(now).bind(MessageStatus::Sending.as_str());
            for id in chunk {
                q = q.bind(*id);
            }
            q.fetch_all(&mut *c).await
        })?;
        for campaign in campaigns {
            let c = by_campaign.entry(campaign).or_default();
            c.queued -= 1;
            c.failed += 1;
        }
    }
    Ok(by_campaign)
}
