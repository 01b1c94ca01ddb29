//! API keys for machines: `mcrm_<prefix>_<secret>`. Only a SHA-256 of the whole key is stored (keys are
//! 190 random bits, so a slow hash buys nothing); the prefix finds the row.

use crate::secret::{constant_time_eq, hash, random};
use crate::{on_read, on_tx, Db, StoreError};
use minicrm_domain::{scope, Scope};

#[derive(Debug, Clone)]
pub struct ApiKey {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub scopes: Vec<Scope>,
    /// Who made it: `user:<email>`, `cli`, …
    pub created_by: Option<String>,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    name: String,
    prefix: String,
    secret_hash: String,
    scopes: String,
    created_by: Option<String>,
    created_at: i64,
    last_used_at: Option<i64>,
    revoked_at: Option<i64>,
}

impl Row {
    fn into_key(self) -> ApiKey {
        ApiKey {
            id: self.id,
            name: self.name,
            prefix: self.prefix,
            scopes: Scope::parse_list(&self.scopes).unwrap_or_default(),
            created_by: self.created_by,
            created_at: self.created_at,
            last_used_at: self.last_used_at,
            revoked_at: self.revoked_at,
        }
    }
}

const COLUMNS: &str =
    "id, name, prefix, secret_hash, scopes, created_by, created_at, last_used_at, revoked_at";

/// A fresh 32-character secret (for deployments that make their own).
pub fn random_secret() -> String {
    random(32)
}

/// Creates a key and returns it with its secret, which is never shown again.
pub async fn create(
    db: &Db,
    name: &str,
    scopes: &[Scope],
    created_by: &str,
    now: i64,
) -> Result<(ApiKey, String), StoreError> {
    let prefix = random(10);
    let secret = format!("mcrm_{prefix}_{}", random(32));
    let id = uuid::Uuid::now_v7().to_string();
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO api_keys (id, name, prefix, secret_hash, scopes, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(&id).bind(name).bind(&prefix).bind(hash(&secret)).bind(scope::join(scopes)).bind(created_by).bind(now)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    tx.commit().await?;
    let key = ApiKey {
        id,
        name: name.into(),
        prefix,
        scopes: scopes.to_vec(),
        created_by: Some(created_by.to_owned()),
        created_at: now,
        last_used_at: None,
        revoked_at: None,
    };
    Ok((key, secret))
}

/// The live key that `presented` is, if any.
pub async fn verify(db: &Db, presented: &str) -> Result<Option<ApiKey>, StoreError> {
    let Some(prefix) = presented
        .strip_prefix("mcrm_")
        .and_then(|r| r.split('_').next())
    else {
        return Ok(None);
    };
    let statement =
        format!("SELECT {COLUMNS} FROM api_keys WHERE prefix = $1 AND revoked_at IS NULL");
    let row: Option<Row> =
        on_read!(db, p => sqlx::query_as(&statement).bind(prefix).fetch_optional(p).await)?;
    Ok(row
        .filter(|r| constant_time_eq(r.secret_hash.as_bytes(), hash(presented).as_bytes()))
        .map(Row::into_key))
}

pub async fn touch(db: &Db, id: &str, now: i64) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, c => sqlx::query("UPDATE api_keys SET last_used_at = $2 WHERE id = $1").bind(id).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    tx.commit().await
}

pub async fn list(db: &Db) -> Result<Vec<ApiKey>, StoreError> {
    let statement = format!("SELECT {COLUMNS} FROM api_keys ORDER BY created_at DESC");
    let rows: Vec<Row> = on_read!(db, p => sqlx::query_as(&statement).fetch_all(p).await)?;
    Ok(rows.into_iter().map(Row::into_key).collect())
}

pub async fn revoke(db: &Db, id: &str, now: i64) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    let done = on_tx!(&mut tx, c => sqlx::query("UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
        .bind(id).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    tx.commit().await?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}
