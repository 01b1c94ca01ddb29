//! The communication log: one row per campaign recipient, unique per (campaign, customer), moving
//! queued → sending → sent → delivered | failed (or cancelled before it was sent). Every move is guarded
//! by the status it leaves, and returns the campaigns of the rows it moved, so counters move exactly
//! with the rows however often a step is repeated.

use crate::campaigns::Counts;
use crate::{on_read, on_tx, sql, Db, StoreError, Tx};
use minicrm_domain::campaign::MessageStatus;
use std::collections::HashMap;

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

/// A row handed to a sender.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Claimed {
    pub id: i64,
    pub customer_id: i64,
    pub recipient: Option<String>,
    pub message: String,
}

/// Claims a batch's rows for sending: those queued, and those left `sending` by a sender that stopped
/// before `stale_before` (they go to the vendor again under the same reference, which it recognises).
pub async fn claim(
    db: &Db,
    campaign_id: &str,
    customer_ids: &[i64],
    now: i64,
    stale_before: i64,
) -> Result<Vec<Claimed>, StoreError> {
    let mut claimed = Vec::with_capacity(customer_ids.len());
    let mut tx = db.begin().await?;
    for chunk in customer_ids.chunks(sql::rows_per_statement(1)) {
        let statement = format!(
            "UPDATE communication_log SET status = ?, attempts = attempts + 1, claimed_at = ? \
             WHERE campaign_id = ? AND (status = ? OR (status = ? AND claimed_at < ?)) AND customer_id IN ({}) \
             RETURNING id, customer_id, recipient, message",
            sql::list(crate::Backend::Sqlite, chunk.len())
        );
        let statement = sql::numbered(tx.backend(), &statement);
        let rows: Vec<Claimed> = on_tx!(&mut tx, c => {
            let mut q = sqlx::query_as(&statement)
                .bind(MessageStatus::Sending.as_str()).bind(now).bind(campaign_id)
                .bind(MessageStatus::Queued.as_str()).bind(MessageStatus::Sending.as_str()).bind(stale_before);
            for id in chunk {
                q = q.bind(*id);
            }
            q.fetch_all(&mut *c).await
        })?;
        claimed.extend(rows);
    }
    tx.commit().await?;
    claimed.sort_by_key(|c| c.id);
    Ok(claimed)
}

/// Hands claimed rows back (`sending` → `queued`) when their request could not be made.
pub async fn release(db: &Db, ids: &[i64]) -> Result<(), StoreError> {
    while_sending(db, ids, Set::Status(MessageStatus::Queued)).await
}

/// Renews the claim on rows still `sending` while their sender keeps retrying the vendor, so that the
/// sweeper, which hands out again the rows of senders that died, leaves them alone.
pub async fn renew(db: &Db, ids: &[i64], now: i64) -> Result<(), StoreError> {
    while_sending(db, ids, Set::ClaimedAt(now)).await
}

/// What `while_sending` changes.
#[derive(Clone, Copy)]
enum Set {
    Status(MessageStatus),
    ClaimedAt(i64),
}

/// Changes rows that are still `sending`.
async fn while_sending(db: &Db, ids: &[i64], set: Set) -> Result<(), StoreError> {
    let column = match set {
        Set::Status(_) => "status",
        Set::ClaimedAt(_) => "claimed_at",
    };
    let mut tx = db.begin().await?;
    for chunk in ids.chunks(sql::rows_per_statement(1)) {
        let statement = sql::numbered(
            tx.backend(),
            &format!(
                "UPDATE communication_log SET {column} = ? WHERE status = ? AND id IN ({})",
                sql::list(crate::Backend::Sqlite, chunk.len())
            ),
        );
        on_tx!(&mut tx, c => {
            let q = sqlx::query(&statement);
            let mut q = match set {
                Set::Status(status) => q.bind(status.as_str()),
                Set::ClaimedAt(at) => q.bind(at),
            }
            .bind(MessageStatus::Sending.as_str());
            for id in chunk {
                q = q.bind(*id);
            }
            q.execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
    }
    tx.commit().await
}

/// Takes rows claimed before `before` and still `sending` — their sender died — for handing out again:
/// renews their claim to `now` in the same statement, so that the next sweep (here or in another
/// worker) leaves them to the job it publishes. `(campaign_id, customer_id)`.
pub async fn take_stale(
    db: &Db,
    before: i64,
    now: i64,
    limit: i64,
) -> Result<Vec<(String, i64)>, StoreError> {
    let mut tx = db.begin().await?;
    let rows = on_tx!(&mut tx, c => sqlx::query_as(
        "UPDATE communication_log SET claimed_at = $2 WHERE id IN \
         (SELECT id FROM communication_log WHERE status = 'sending' AND claimed_at < $1 ORDER BY claimed_at LIMIT $3) \
         AND status = 'sending' RETURNING campaign_id, customer_id")
        .bind(before).bind(now).bind(limit).fetch_all(&mut *c).await)?;
    tx.commit().await?;
    Ok(rows)
}

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
