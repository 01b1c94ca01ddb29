//! Handing rows to senders: claiming a batch's rows, handing them back or renewing the claim while the
//! vendor is retried, and taking again the rows of a sender that died.

use crate::{on_tx, sql, Db, StoreError};
use minicrm_domain::campaign::MessageStatus;

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
