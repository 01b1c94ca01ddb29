//! Campaigns and their counters. The counters are the communication log's rows by status (`queued`
//! counts rows queued or being handed to the vendor), moved by the same transaction that moves the rows.

use crate::{on_read, on_tx, Db, StoreError, Tx};
use minicrm_domain::campaign::{CampaignStatus, Channel};
use serde_json::Value;
use sqlx::types::Json;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CampaignRow {
    pub id: String,
    pub name: String,
    pub segment_id: Option<String>,
    pub rules: Json<Value>,
    #[sqlx(try_from = "String")]
    pub channel: Channel,
    pub subject: Option<String>,
    pub message: String,
    pub objective: Option<String>,
    pub tags: Json<Vec<String>>,
    #[sqlx(try_from = "String")]
    pub status: CampaignStatus,
    pub send_at: i64,
    pub created_by: String,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub snapshot_at: Option<i64>,
    pub completed_at: Option<i64>,
    pub cancelled_at: Option<i64>,
    pub failed_at: Option<i64>,
    pub failure: Option<String>,
    pub audience: Option<i64>,
    pub chunks: Option<i64>,
    pub chunks_done: i64,
    pub queued: i64,
    pub sent: i64,
    pub delivered: i64,
    pub failed: i64,
    pub cancelled: i64,
}

const COLUMNS: &str = "id, name, segment_id, rules, channel, subject, message, objective, tags, status, \
    send_at, created_by, created_at, started_at, snapshot_at, completed_at, cancelled_at, failed_at, failure, \
    audience, chunks, chunks_done, queued, sent, delivered, failed, cancelled";

/// A campaign to keep: checked by the domain, its audience's rules resolved.
#[derive(Debug, Clone)]
pub struct NewCampaignRow<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub segment_id: Option<&'a str>,
    pub rules: &'a Value,
    pub channel: Channel,
    pub subject: Option<&'a str>,
    pub message: &'a str,
    pub objective: Option<&'a str>,
    pub tags: &'a [String],
    pub send_at: i64,
    pub created_by: &'a str,
    pub created_at: i64,
}

/// Keeps a new campaign as `scheduled`; the scheduler starts it at `send_at`.
pub async fn create(db: &Db, new: &NewCampaignRow<'_>) -> Result<CampaignRow, StoreError> {
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO campaigns (id, name, segment_id, rules, channel, subject, message, objective, tags, status, \
         send_at, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)")
        .bind(new.id).bind(new.name).bind(new.segment_id).bind(Json(new.rules)).bind(new.channel.as_str())
        .bind(new.subject).bind(new.message).bind(new.objective).bind(Json(new.tags))
        .bind(CampaignStatus::Scheduled.as_str()).bind(new.send_at).bind(new.created_by).bind(new.created_at)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    tx.commit().await?;
    get(db, new.id).await
}

pub async fn get(db: &Db, id: &str) -> Result<CampaignRow, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM campaigns WHERE id = $1");
    let row =
        on_read!(db, p => sqlx::query_as::<_, CampaignRow>(&sql).bind(id).fetch_optional(p).await)?;
    row.ok_or(StoreError::NotFound)
}

/// The campaign in the caller's transaction (a consumer's view, with its own writes).
pub async fn get_in(tx: &mut Tx, id: &str) -> Result<CampaignRow, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM campaigns WHERE id = $1");
    let row = on_tx!(tx, c => sqlx::query_as::<_, CampaignRow>(&sql).bind(id).fetch_optional(&mut *c).await)?;
    row.ok_or(StoreError::NotFound)
}

/// A page of campaigns, newest first (ids are time-ordered); `before` is the previous page's last id.
pub async fn list(
    db: &Db,
    status: Option<CampaignStatus>,
    before: Option<&str>,
    limit: i64,
) -> Result<Vec<CampaignRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM campaigns WHERE ($1 IS NULL OR status = $1) AND ($2 IS NULL OR id < $2) \
         ORDER BY id DESC LIMIT $3"
    );
    let status = status.map(|s| s.as_str());
    Ok(on_read!(db, p => sqlx::query_as::<_, CampaignRow>(&sql)
        .bind(status).bind(before).bind(limit).fetch_all(p).await)?)
}

/// Cancels a scheduled or running campaign; false when it had ended already. Rows still queued are
/// cancelled by the senders as they come to them.
pub async fn cancel(db: &Db, id: &str, now: i64) -> Result<bool, StoreError> {
    let mut tx = db.begin().await?;
    let changed = on_tx!(&mut tx, c => sqlx::query(
        "UPDATE campaigns SET status = $2, cancelled_at = $3 WHERE id = $1 AND status IN ($4, $5)")
        .bind(id).bind(CampaignStatus::Cancelled.as_str()).bind(now)
        .bind(CampaignStatus::Scheduled.as_str()).bind(CampaignStatus::Running.as_str())
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(changed == 1)
}

/// Starts scheduled campaigns whose time has come, and returns their ids. Each is started once, however
/// many schedulers race for it.
pub async fn start_due(tx: &mut Tx, now: i64, limit: i64) -> Result<Vec<String>, StoreError> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "UPDATE campaigns SET status = $2, started_at = $3 WHERE id IN \
         (SELECT id FROM campaigns WHERE status = $1 AND send_at <= $3 ORDER BY send_at LIMIT $4) \
         AND status = $1 RETURNING id")
        .bind(CampaignStatus::Scheduled.as_str()).bind(CampaignStatus::Running.as_str()).bind(now).bind(limit)
        .fetch_all(&mut *c).await)?)
}

/// Running campaigns started before `before` whose audience is not fixed yet: their launch message may
/// have been lost between the start and the publish.
pub async fn unlaunched(db: &Db, before: i64) -> Result<Vec<String>, StoreError> {
    Ok(on_read!(db, p => sqlx::query_scalar(
        "SELECT id FROM campaigns WHERE status = $1 AND snapshot_at IS NULL AND started_at < $2")
        .bind(CampaignStatus::Running.as_str()).bind(before).fetch_all(p).await)?)
}

/// Fixes the audience at launch: its size, the number of snapshot batches, and the rules as launched.
pub async fn record_snapshot(
    tx: &mut Tx,
    id: &str,
    audience: i64,
    chunks: i64,
    now: i64,
) -> Result<(), StoreError> {
    on_tx!(tx, c => sqlx::query(
        "UPDATE campaigns SET audience = $2, chunks = $3, snapshot_at = $4 WHERE id = $1 AND snapshot_at IS NULL")
        .bind(id).bind(audience).bind(chunks).bind(now)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Changes to a campaign's counters.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub queued: i64,
    pub sent: i64,
    pub delivered: i64,
    pub failed: i64,
    pub cancelled: i64,
    pub chunks_done: i64,
}

impl Counts {
    pub fn is_zero(&self) -> bool {
        *self == Counts::default()
    }
}

/// Adds `delta` to a campaign's counters, then completes it if every row has a final status.
pub async fn add_counts(tx: &mut Tx, id: &str, d: Counts, now: i64) -> Result<(), StoreError> {
    if d.is_zero() {
        return Ok(());
    }
    on_tx!(tx, c => sqlx::query(
        "UPDATE campaigns SET queued = queued + $2, sent = sent + $3, delivered = delivered + $4, \
         failed = failed + $5, cancelled = cancelled + $6, chunks_done = chunks_done + $7 WHERE id = $1")
        .bind(id).bind(d.queued).bind(d.sent).bind(d.delivered).bind(d.failed).bind(d.cancelled).bind(d.chunks_done)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    complete_if_done(tx, id, now).await
}

/// Adds each campaign's counter changes, in campaign-id order: two transactions that change the
/// counters of the same campaigns lock their rows in the same order, so they cannot deadlock.
pub async fn add_counts_in_order(
    tx: &mut Tx,
    changes: impl IntoIterator<Item = (String, Counts)>,
    now: i64,
) -> Result<(), StoreError> {
    let mut changes: Vec<_> = changes.into_iter().collect();
    changes.sort_by(|a, b| a.0.cmp(&b.0));
    for (campaign, counts) in changes {
        add_counts(tx, &campaign, counts, now).await?;
    }
    Ok(())
}

/// A running campaign is complete when its audience is written and no row waits for the vendor.
pub async fn complete_if_done(tx: &mut Tx, id: &str, now: i64) -> Result<(), StoreError> {
    on_tx!(tx, c => sqlx::query(
        "UPDATE campaigns SET status = $2, completed_at = $3 WHERE id = $1 AND status = $4 \
         AND snapshot_at IS NOT NULL AND chunks_done >= chunks AND queued = 0 AND sent = 0")
        .bind(id).bind(CampaignStatus::Completed.as_str()).bind(now).bind(CampaignStatus::Running.as_str())
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Ends a running campaign as failed, with the reason (its rows still queued are failed by the senders).
pub async fn fail(db: &Db, id: &str, reason: &str, now: i64) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, c => sqlx::query(
        "UPDATE campaigns SET status = $2, failed_at = $3, failure = $4 WHERE id = $1 AND status = $5")
        .bind(id).bind(CampaignStatus::Failed.as_str()).bind(now).bind(reason).bind(CampaignStatus::Running.as_str())
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    tx.commit().await
}

/// Whether any campaign uses the saved segment (which may then not be deleted).
pub async fn uses_segment(db: &Db, segment_id: &str) -> Result<bool, StoreError> {
    let n: i64 = on_read!(db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT 1 FROM campaigns WHERE segment_id = $1 LIMIT 1) AS used")
        .bind(segment_id).fetch_one(p).await)?;
    Ok(n > 0)
}
