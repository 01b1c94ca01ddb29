//! The tables behind the database queue (messages leased with a visibility timeout, dead letters) and
//! the inbox that makes a broker's redeliveries harmless.

use crate::{on_read, on_tx, Backend, Db, StoreError, Tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Claimed {
    pub id: i64,
    pub message_id: String,
    pub body: String,
    pub attempts: i64,
}

pub async fn enqueue(
    db: &Db,
    queue: &str,
    message_id: &str,
    body: &str,
    now: i64,
) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    enqueue_in(&mut tx, queue, message_id, body, now).await?;
    tx.commit().await
}

/// Enqueues inside the caller's transaction: the message exists exactly when the caller's writes do.
/// A message id already waiting is not enqueued twice.
pub async fn enqueue_in(
    tx: &mut Tx,
    queue: &str,
    message_id: &str,
    body: &str,
    now: i64,
) -> Result<(), StoreError> {
    for (part, text) in body_parts(body).enumerate() {
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO queue_body_parts (message_id, part, body) VALUES ($1, $2, $3) ON CONFLICT (message_id, part) DO NOTHING")
            .bind(message_id).bind(part as i64).bind(text).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    }
    on_tx!(tx, c => sqlx::query("INSERT INTO queue_messages (queue, message_id, visible_at, enqueued_at) VALUES ($1, $2, $3, $3) \
                     ON CONFLICT (message_id) DO NOTHING")
            .bind(queue).bind(message_id).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The most bytes of a body one row holds: a database copies a value on its way in, so a large body
/// goes in parts (see migration 0008).
const BODY_PART_BYTES: usize = 1024 * 1024;

/// `body` cut into parts of at most `BODY_PART_BYTES`, each ending on a character boundary.
fn body_parts(body: &str) -> impl Iterator<Item = &str> {
    let mut rest = body;
    let mut first = true;
    std::iter::from_fn(move || {
        if rest.is_empty() && !std::mem::take(&mut first) {
            return None;
        }
        first = false;
        let mut end = rest.len().min(BODY_PART_BYTES);
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        let (part, tail) = rest.split_at(end);
        rest = tail;
        Some(part)
    })
}

/// A message's body, put together from its parts.
async fn body_of(tx: &mut Tx, message_id: &str) -> Result<String, StoreError> {
    let parts: Vec<String> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT body FROM queue_body_parts WHERE message_id = $1 ORDER BY part")
        .bind(message_id).fetch_all(&mut *c).await)?;
    match parts.len() {
        0 => Err(StoreError::NotFound),
        1 => Ok(parts.into_iter().next().unwrap_or_default()),
        _ => Ok(parts.concat()),
    }
}

/// Leases up to `limit` of the oldest visible messages of `queue` until `now + visibility_ms` under
/// `lease`, counting the attempt. The lease commits at once, so a crash while handling still counts
/// towards dead-lettering. Oldest first.
pub async fn claim(
    db: &Db,
    queue: &str,
    lease: &str,
    now: i64,
    visibility_ms: i64,
    limit: i64,
) -> Result<Vec<Claimed>, StoreError> {
    let lock = if db.backend() == Backend::Postgres {
        " FOR UPDATE SKIP LOCKED"
    } else {
        ""
    };
    let statement = format!(
        "UPDATE queue_messages SET lease = $1, attempts = attempts + 1, visible_at = $2 \
         WHERE id IN (SELECT id FROM queue_messages WHERE queue = $3 AND visible_at <= $4 \
                      ORDER BY visible_at, id LIMIT $5{lock}) \
         RETURNING id, message_id, attempts"
    );
    let mut tx = db.begin().await?;
    let mut leased: Vec<(i64, String, i64)> = on_tx!(&mut tx, c => sqlx::query_as(&statement)
        .bind(lease).bind(now + visibility_ms).bind(queue).bind(now).bind(limit).fetch_all(&mut *c).await)?;
    leased.sort_by_key(|m| m.0);
    let mut claimed = Vec::with_capacity(leased.len());
    for (id, message_id, attempts) in leased {
        let body = body_of(&mut tx, &message_id).await?;
        claimed.push(Claimed {
            id,
            message_id,
            body,
            attempts,
        });
    }
    tx.commit().await?;
    Ok(claimed)
}

/// Acknowledges handled messages: deletes them (and, where the queue has its own database, the
/// ingestion records that travelled with them). A message whose lease was lost is left to the consumer
/// that holds it now, which will find it in the inbox and acknowledge it in turn.
pub async fn ack(
    db: &Db,
    messages: &[Claimed],
    lease: &str,
    forget_ingestions: bool,
) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    for message in messages {
        let deleted = on_tx!(&mut tx, c => sqlx::query("DELETE FROM queue_messages WHERE id = $1 AND lease = $2")
            .bind(message.id).bind(lease).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        if deleted == 0 {
            continue;
        }
        on_tx!(&mut tx, c => sqlx::query("DELETE FROM queue_body_parts WHERE message_id = $1")
            .bind(&message.message_id).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        if forget_ingestions {
            on_tx!(&mut tx, c => sqlx::query("DELETE FROM ingestions WHERE id = $1")
                .bind(&message.message_id).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        }
    }
    tx.commit().await
}

/// Keeps a lease alive while its messages are being handled: they stay invisible to other consumers
/// until `visible_at`. Returns whether the lease still held any message.
pub async fn extend(db: &Db, lease: &str, visible_at: i64) -> Result<bool, StoreError> {
    let mut tx = db.begin().await?;
    let updated = on_tx!(&mut tx, c => sqlx::query(
        "UPDATE queue_messages SET visible_at = $2 WHERE lease = $1")
        .bind(lease).bind(visible_at).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(updated > 0)
}

/// Makes a failed message visible again at `visible_at`, keeping the error for operators.
pub async fn release(
    db: &Db,
    id: i64,
    lease: &str,
    visible_at: i64,
    error: &str,
) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, c => sqlx::query(
        "UPDATE queue_messages SET lease = NULL, visible_at = $3, last_error = $4 WHERE id = $1 AND lease = $2")
        .bind(id).bind(lease).bind(visible_at).bind(error).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    tx.commit().await
}

/// Moves a message that failed too often to `dead_letters`.
pub async fn dead_letter(
    db: &Db,
    message: &Claimed,
    lease: &str,
    error: &str,
    now: i64,
) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, c => {
        sqlx::query("INSERT INTO dead_letters (queue, message_id, body, attempts, error, dead_at) \
                     SELECT q.queue, q.message_id, $5, q.attempts, $3, $4 FROM queue_messages q \
                     WHERE q.id = $1 AND q.lease = $2")
            .bind(message.id).bind(lease).bind(error).bind(now).bind(&message.body).execute(&mut *c).await?;
        sqlx::query("DELETE FROM queue_messages WHERE id = $1 AND lease = $2")
            .bind(message.id).bind(lease).execute(&mut *c).await?;
        sqlx::query("DELETE FROM queue_body_parts WHERE message_id = $1")
            .bind(&message.message_id).execute(&mut *c).await.map(|r| r.rows_affected())
    })?;
    tx.commit().await
}

/// Messages waiting in `queue` (visible or leased).
pub async fn depth(db: &Db, queue: &str) -> Result<i64, StoreError> {
    Ok(
        on_read!(db, p => sqlx::query_scalar("SELECT COUNT(*) FROM queue_messages WHERE queue = $1").bind(queue).fetch_one(p).await)?,
    )
}

/// Messages of `queue` visible now, counted up to `limit`.
pub async fn ready(db: &Db, queue: &str, now: i64, limit: i64) -> Result<i64, StoreError> {
    Ok(on_read!(db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT 1 FROM queue_messages WHERE queue = $1 AND visible_at <= $2 LIMIT $3) AS ready")
        .bind(queue).bind(now).bind(limit).fetch_one(p).await)?)
}

pub async fn dead_letters(db: &Db, queue: &str) -> Result<i64, StoreError> {
    Ok(
        on_read!(db, p => sqlx::query_scalar("SELECT COUNT(*) FROM dead_letters WHERE queue = $1").bind(queue).fetch_one(p).await)?,
    )
}

/// Records in the handler's transaction that `message_id` has taken effect. `false`: it already had,
/// so this delivery is a duplicate and must change nothing.
pub async fn mark_processed(tx: &mut Tx, message_id: &str, now: i64) -> Result<bool, StoreError> {
    let done = on_tx!(tx, c => sqlx::query(
        "INSERT INTO processed_messages (message_id, processed_at) VALUES ($1, $2) ON CONFLICT (message_id) DO NOTHING")
        .bind(message_id).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(done == 1)
}

/// Forgets inbox entries older than `before`: no broker or lease redelivers a message that late.
pub async fn forget_processed(db: &Db, before: i64) -> Result<u64, StoreError> {
    let mut tx = db.begin().await?;
    let n = on_tx!(&mut tx, c => sqlx::query("DELETE FROM processed_messages WHERE processed_at < $1")
        .bind(before).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(n)
}

#[cfg(test)]
mod tests;
