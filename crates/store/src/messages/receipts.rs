//! Delivery receipts: each finishes the row it proves it is about, and only from a status it may leave.

use crate::campaigns::Counts;
use crate::{on_tx, sql, StoreError, Tx};
use minicrm_domain::campaign::MessageStatus;
use std::collections::HashMap;

/// A delivery receipt, matched to its row by the row's id and campaign (the reference the sender gave
/// the vendor) and by the vendor's message id.
#[derive(Debug, Clone)]
pub struct ReceiptUpdate {
    pub log_id: i64,
    pub campaign_id: String,
    pub vendor_message_id: String,
    pub delivered: bool,
    pub reason: Option<String>,
    pub at: i64,
}

/// What a batch of receipts changed.
#[derive(Debug, Default)]
pub struct ReceiptsApplied {
    /// The counter changes by campaign.
    pub by_campaign: HashMap<String, Counts>,
    /// Rows the receipts moved to `delivered`, and to `failed`.
    pub delivered: usize,
    pub failed: usize,
    /// Receipts for a row they match that change nothing: a repeat, or one the row is already past.
    pub repeats: usize,
    /// Receipts that match no row handed to the vendor: an unknown row, another campaign, another
    /// vendor message id, or a row that never left us (failed or skipped here).
    pub unmatched: usize,
}

/// A log row as a receipt finds it.
struct Found {
    campaign_id: String,
    status: MessageStatus,
    vendor_message_id: Option<String>,
}

impl Found {
    /// Whether `receipt` is about this row as the vendor has it: the same campaign, and the vendor's
    /// id of the message it took — or, while the row is `sending`, the id the sender has yet to record.
    fn proves(&self, receipt: &ReceiptUpdate) -> bool {
        self.campaign_id == receipt.campaign_id
            && match &self.vendor_message_id {
                Some(id) => *id == receipt.vendor_message_id,
                None => self.status == MessageStatus::Sending,
            }
    }
}

/// Applies receipts, each only to the row it proves it is about (see `Found::proves`): a `failed`
/// receipt finishes a row that is `sending` or `sent`; a `delivered` one a row that is `sending`,
/// `sent` or `failed` by an earlier receipt (the handset's confirmation outweighs a failure report).
/// Anything else changes nothing and is counted as a repeat or as unmatched. The rows are read first
/// (locked, on PostgreSQL) so each moves from a known status, then moved in at most two statements.
pub async fn apply_receipts(
    tx: &mut Tx,
    receipts: &[ReceiptUpdate],
) -> Result<ReceiptsApplied, StoreError> {
    use MessageStatus::*;
    let mut ids: Vec<i64> = receipts.iter().map(|r| r.log_id).collect();
    // One order for every locker, so two can never wait on each other.
    ids.sort_unstable();
    ids.dedup();
    let found = rows_for_receipts(tx, &ids).await?;
    let mut applied = ReceiptsApplied::default();
    // One outcome per row: a delivered receipt wins over a failed one in the same batch.
    let mut outcome: HashMap<i64, &ReceiptUpdate> = HashMap::new();
    for r in receipts {
        if !found.get(&r.log_id).is_some_and(|row| row.proves(r)) {
            applied.unmatched += 1;
            continue;
        }
        match outcome.get(&r.log_id) {
            Some(kept) if kept.delivered || !r.delivered => applied.repeats += 1,
            Some(_) => {
                applied.repeats += 1;
                outcome.insert(r.log_id, r);
            }
            None => {
                outcome.insert(r.log_id, r);
            }
        }
    }
    let (mut delivered, mut failed) = (Vec::new(), Vec::new());
    for (id, receipt) in outcome {
        let row = &found[&id];
        let to = match (receipt.delivered, row.status) {
            (true, Sending | Sent | Failed) => Delivered,
            (false, Sending | Sent) => Failed,
            _ => {
                applied.repeats += 1;
                continue;
            }
        };
        let c = applied
            .by_campaign
            .entry(row.campaign_id.clone())
            .or_default();
        match row.status {
            Sending => c.queued -= 1,
            Sent => c.sent -= 1,
            _ => c.failed -= 1,
        }
        match to {
            Delivered => {
                c.delivered += 1;
                delivered.push(receipt);
            }
            _ => {
                c.failed += 1;
                failed.push(receipt);
            }
        }
    }
    finish(tx, &delivered, Delivered).await?;
    finish(tx, &failed, Failed).await?;
    applied.delivered = delivered.len();
    applied.failed = failed.len();
    Ok(applied)
}

/// The campaign, status and vendor message id of each row of `ids` that exists, locked until the
/// transaction ends.
async fn rows_for_receipts(tx: &mut Tx, ids: &[i64]) -> Result<HashMap<i64, Found>, StoreError> {
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(sql::rows_per_statement(1)) {
        let lock = match tx.backend() {
            crate::Backend::Postgres => " FOR UPDATE",
            crate::Backend::Sqlite => "",
        };
        let statement = format!(
            "SELECT id, campaign_id, status, vendor_message_id FROM communication_log WHERE id IN ({}) ORDER BY id{lock}",
            sql::list(tx.backend(), chunk.len())
        );
        let rows: Vec<(i64, String, String, Option<String>)> = on_tx!(tx, c => {
            let mut q = sqlx::query_as(&statement);
            for id in chunk {
                q = q.bind(*id);
            }
            q.fetch_all(&mut *c).await
        })?;
        for (id, campaign_id, status, vendor_message_id) in rows {
            let status = MessageStatus::parse(&status).ok_or_else(|| {
                StoreError::Corrupt(format!("log row {id} has status '{status}'"))
            })?;
            out.insert(
                id,
                Found {
                    campaign_id,
                    status,
                    vendor_message_id,
                },
            );
        }
    }
    Ok(out)
}

const RECEIPT_COLS: usize = 4;

/// Moves the rows of `receipts` to `to`; the caller has read and locked them.
async fn finish(
    tx: &mut Tx,
    receipts: &[&ReceiptUpdate],
    to: MessageStatus,
) -> Result<(), StoreError> {
    for chunk in receipts.chunks(sql::rows_per_statement(RECEIPT_COLS)) {
        let set = if to == MessageStatus::Delivered {
            "delivered_at = v.column4, failure_reason = NULL, failed_at = NULL"
        } else {
            "failed_at = v.column4, failure_reason = v.column3"
        };
        let statement = sql::numbered(
            tx.backend(),
            &format!(
                "UPDATE communication_log SET status = ?, {set}, \
                 vendor_message_id = COALESCE(communication_log.vendor_message_id, v.column2), \
                 sent_at = COALESCE(communication_log.sent_at, v.column4) \
                 FROM (VALUES {}) AS v WHERE communication_log.id = v.column1",
                sql::values(crate::Backend::Sqlite, chunk.len(), RECEIPT_COLS)
            ),
        );
        on_tx!(tx, c => {
            let mut q = sqlx::query(&statement).bind(to.as_str());
            for r in chunk {
                q = q.bind(r.log_id).bind(r.vendor_message_id.as_str()).bind(r.reason.as_deref()).bind(r.at);
            }
            q.execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}
