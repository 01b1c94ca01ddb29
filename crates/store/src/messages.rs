//! The communication log: one row per campaign recipient, unique per (campaign, customer), moving
//! queued → sending → sent → delivered | failed (or cancelled before it was sent). Every move is guarded
//! by the status it leaves, and returns the campaigns of the rows it moved, so counters move exactly
//! with the rows however often a step is repeated.

use crate::campaigns::Counts;
use crate::{on_tx, sql, StoreError, Tx};
use minicrm_domain::campaign::MessageStatus;

mod claims;
mod reading;
mod receipts;
mod settle;

pub use claims::{claim, release, renew, take_stale, Claimed};
pub use reading::{failures_by_reason, for_customer, page, MessageRow};
pub use receipts::{apply_receipts, ReceiptUpdate, ReceiptsApplied};
pub use settle::{fail_sending, mark_sent, settle_queued};

/// A row to write at launch.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub customer_id: i64,
    pub recipient: Option<String>,
    pub message: String,
    pub status: MessageStatus,
    pub failure_reason: Option<&'static str>,
}

const NEW_COLS: usize = 8;

/// Writes a batch of a campaign's rows, skipping those written before, and returns the counts of the
/// rows it wrote by status.
pub async fn insert(
    tx: &mut Tx,
    campaign_id: &str,
    rows: &[NewMessage],
    now: i64,
) -> Result<Counts, StoreError> {
    let mut counts = Counts::default();
    for chunk in rows.chunks(sql::rows_per_statement(NEW_COLS)) {
        let statement = format!(
            "INSERT INTO communication_log (campaign_id, customer_id, recipient, message, status, failure_reason, \
             queued_at, failed_at) VALUES {} ON CONFLICT (campaign_id, customer_id) DO NOTHING RETURNING status",
            sql::values(tx.backend(), chunk.len(), NEW_COLS)
        );
        let statuses: Vec<String> = on_tx!(tx, c => {
            let mut q = sqlx::query_scalar(&statement);
            for m in chunk {
                let failed_at = (m.status == MessageStatus::Failed).then_some(now);
                q = q.bind(campaign_id).bind(m.customer_id).bind(m.recipient.as_deref()).bind(&m.message)
                    .bind(m.status.as_str()).bind(m.failure_reason).bind(now).bind(failed_at);
            }
            q.fetch_all(&mut *c).await
        })?;
        for status in statuses {
            match MessageStatus::parse(&status) {
                Some(MessageStatus::Queued) => counts.queued += 1,
                Some(MessageStatus::Failed) => counts.failed += 1,
                Some(MessageStatus::Cancelled) => counts.cancelled += 1,
                _ => {}
            }
        }
    }
    Ok(counts)
}
