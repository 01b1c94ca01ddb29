//! Server-side sessions, the local mode's one-time sign-in links, and OpenID Connect sign-ins in
//! progress. The client holds the secret; the database holds its SHA-256, so a copy of the database
//! signs no one in.

use crate::people::{self, User};
use crate::secret::{hash, random};
use crate::{on_read, on_tx, Db, StoreError};

/// A signed-in person's session, as the API sees it on each request.
#[derive(Debug, Clone)]
pub struct Session {
    /// The SHA-256 of the cookie's secret: the row's key.
    pub token_hash: String,
    /// Sent back by the browser in `X-CSRF-Token` on every unsafe request.
    pub csrf_token: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub user: User,
}

/// Starts a session for `user_id`: returns the cookie's secret (never stored) and the session.
pub async fn create(
    db: &Db,
    user: &User,
    lifetime_ms: i64,
    user_agent: Option<&str>,
    now: i64,
) -> Result<(String, Session), StoreError> {
    let token = random(43);
    let session = Session {
        token_hash: hash(&token),
        csrf_token: random(32),
        created_at: now,
        last_seen_at: now,
        expires_at: now + lifetime_ms,
        user: user.clone(),
    };
    let user_agent = user_agent.map(|a| a.chars().take(300).collect::<String>());
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, user_agent) VALUES ($1, $2, $3, $4, $4, $5, $6)")
        .bind(&session.token_hash).bind(&user.id).bind(&session.csrf_token).bind(now)
        .bind(session.expires_at).bind(user_agent)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok((token, session))
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    token_hash: String,
    csrf_token: String,
    s_created_at: i64,
    last_seen_at: i64,
    expires_at: i64,
    #[sqlx(flatten)]
    user: people::Row,
}

/// The live session whose cookie is `token`: not past its end, not idle longer than `idle_ms`, and of
/// a person who is not disabled.
pub async fn find(
    db: &Db,
    token: &str,
    idle_ms: i64,
    now: i64,
) -> Result<Option<Session>, StoreError> {
    let user_columns = people::COLUMNS
        .split(", ")
        .map(|c| format!("u.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let statement = format!(
        "SELECT s.token_hash, s.csrf_token, s.created_at AS s_created_at, s.last_seen_at, s.expires_at, {user_columns} \
         FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 AND u.disabled_at IS NULL"
    );
    let row: Option<SessionRow> = on_read!(db, p => sqlx::query_as(&statement)
        .bind(hash(token)).bind(now).bind(now - idle_ms).fetch_optional(p).await)?;
    row.map(|r| {
        Ok(Session {
            token_hash: r.token_hash,
            csrf_token: r.csrf_token,
            created_at: r.s_created_at,
            last_seen_at: r.last_seen_at,
            expires_at: r.expires_at,
            user: r.user.into_user()?,
        })
    })
    .transpose()
}

/// Records activity on a session (callers throttle this, so that authentication stays a read).
pub async fn touch(db: &Db, token_hash: &str, now: i64) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, c => sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1 AND last_seen_at < $2")
        .bind(token_hash).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    tx.commit().await
}

/// Ends the session whose cookie is `token`, if there is one.
pub async fn end(db: &Db, token: &str) -> Result<bool, StoreError> {
    let mut tx = db.begin().await?;
    let gone = on_tx!(&mut tx, c => sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(hash(token)).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(gone > 0)
}

/// Deletes what can no longer be used: ended and idle sessions, spent or stale links and sign-ins.
pub async fn purge(
    db: &Db,
    idle_ms: i64,
    request_max_age_ms: i64,
    now: i64,
) -> Result<u64, StoreError> {
    let mut tx = db.begin().await?;
    let mut gone = on_tx!(&mut tx, c => sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2")
        .bind(now).bind(now - idle_ms).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    gone += on_tx!(&mut tx, c => sqlx::query("DELETE FROM login_links WHERE expires_at <= $1 OR used_at IS NOT NULL")
        .bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    gone += on_tx!(&mut tx, c => sqlx::query("DELETE FROM auth_requests WHERE created_at <= $1")
        .bind(now - request_max_age_ms).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(gone)
}

/// A fresh one-time sign-in link's secret, good once within `ttl_ms`.
pub async fn create_link(db: &Db, ttl_ms: i64, now: i64) -> Result<String, StoreError> {
    let token = random(43);
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, c => sqlx::query("INSERT INTO login_links (token_hash, created_at, expires_at) VALUES ($1, $2, $3)")
        .bind(hash(&token)).bind(now).bind(now + ttl_ms)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(token)
}

/// Whether a one-time link exists, is unused and has not expired, without spending it: opening a
/// link only shows the page whose button spends it.
pub async fn link_usable(db: &Db, token: &str, now: i64) -> Result<bool, StoreError> {
    let found: i64 = on_read!(db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM login_links WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2")
        .bind(hash(token)).bind(now).fetch_one(p).await)?;
    Ok(found > 0)
}

/// Spends a one-time link: true once, for a link that exists and has not expired; false ever after.
pub async fn use_link(db: &Db, token: &str, now: i64) -> Result<bool, StoreError> {
    let mut tx = db.begin().await?;
    let spent = on_tx!(&mut tx, c => sqlx::query(
        "UPDATE login_links SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2")
        .bind(hash(token)).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(spent == 1)
}

/// What a sign-in through an issuer must find again when the browser comes back.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuthRequest {
    pub nonce: String,
    pub pkce_verifier: String,
    pub return_to: String,
    pub created_at: i64,
}

pub async fn begin_request(db: &Db, state: &str, request: &AuthRequest) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO auth_requests (state_hash, nonce, pkce_verifier, return_to, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(hash(state)).bind(&request.nonce).bind(&request.pkce_verifier).bind(&request.return_to)
        .bind(request.created_at)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    tx.commit().await
}

/// Takes the sign-in begun under `state`: once, and only within `max_age_ms`.
pub async fn take_request(
    db: &Db,
    state: &str,
    max_age_ms: i64,
    now: i64,
) -> Result<Option<AuthRequest>, StoreError> {
    let mut tx = db.begin().await?;
    let taken: Option<AuthRequest> = on_tx!(&mut tx, c => sqlx::query_as(
        "DELETE FROM auth_requests WHERE state_hash = $1 RETURNING nonce, pkce_verifier, return_to, created_at")
        .bind(hash(state)).fetch_optional(&mut *c).await)?;
    tx.commit().await?;
    Ok(taken.filter(|r| r.created_at > now - max_age_ms))
}
