//! API keys for machines: `mcrm_<prefix>_<secret>`. Only a SHA-256 of the whole key is stored (keys are
//! 190 random bits, so a slow hash buys nothing); the prefix finds the row.
//!
//! A key made by a person answers to them, its maker: it never does more than their current role
//! allows, and it is suspended while they are disabled. Both are computed from the person's row each
//! time the key is read, so enabling or promoting them again restores what the role allows. A key made
//! by a key answers to that key's maker; a key made on the command line answers to no one.

use crate::secret::{constant_time_eq, hash, random};
use crate::{on_read, on_tx, Db, StoreError};
use minicrm_domain::{scope, Role, Scope};

#[derive(Debug, Clone)]
pub struct ApiKey {
    pub id: String,
    pub name: String,
    pub prefix: String,
    /// The scopes it was made with; `effective_scopes` says what it may do now.
    pub scopes: Vec<Scope>,
    /// Who made it, for the record: `user:<email>`, `api-key:<name>`, `cli`, …
    pub created_by: Option<String>,
    /// The person it answers to; none for keys made on the command line.
    pub maker: Option<Maker>,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// The person a key answers to, as they are now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Maker {
    pub id: String,
    pub email: String,
    pub role: Role,
    pub disabled_at: Option<i64>,
}

/// Whether a key works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyStatus {
    Active,
    /// Its maker is disabled; it works again once they are enabled.
    Suspended,
    /// For good.
    Revoked,
}

impl ApiKey {
    pub fn status(&self) -> KeyStatus {
        if self.revoked_at.is_some() {
            KeyStatus::Revoked
        } else if self.maker.as_ref().is_some_and(|m| m.disabled_at.is_some()) {
            KeyStatus::Suspended
        } else {
            KeyStatus::Active
        }
    }

    /// What the key may do now: its scopes as far as its maker's current role allows them, and
    /// nothing while it is suspended or once it is revoked.
    pub fn effective_scopes(&self) -> Vec<Scope> {
        match (self.status(), &self.maker) {
            (KeyStatus::Active, Some(maker)) => maker.role.limit(&self.scopes),
            (KeyStatus::Active, None) => self.scopes.clone(),
            _ => Vec::new(),
        }
    }
}

/// A presented key that exists and is not revoked.
#[derive(Debug, Clone)]
pub enum Verified {
    /// It works, within its effective scopes.
    Live(ApiKey),
    /// Its maker is disabled: it may do nothing until they are enabled again.
    Suspended(ApiKey),
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
    maker_id: Option<String>,
    maker_email: Option<String>,
    maker_role: Option<String>,
    maker_disabled_at: Option<i64>,
}

impl Row {
    fn maker(&self) -> Result<Option<Maker>, StoreError> {
        let Some(id) = &self.maker_id else {
            return Ok(None);
        };
        let (Some(email), Some(role)) = (&self.maker_email, &self.maker_role) else {
            // The foreign key keeps the person's row; were it gone all the same, the key would answer
            // to no one and act unbounded. It is suspended instead, as if its maker were disabled.
            return Ok(Some(Maker {
                id: id.clone(),
                email: String::new(),
                role: Role::Viewer,
                disabled_at: Some(0),
            }));
        };
        Ok(Some(Maker {
            id: id.clone(),
            email: email.clone(),
            role: Role::parse(role).map_err(StoreError::Corrupt)?,
            disabled_at: self.maker_disabled_at,
        }))
    }

    fn into_key(self) -> Result<ApiKey, StoreError> {
        Ok(ApiKey {
            maker: self.maker()?,
            id: self.id,
            name: self.name,
            prefix: self.prefix,
            scopes: Scope::parse_list(&self.scopes).unwrap_or_default(),
            created_by: self.created_by,
            created_at: self.created_at,
            last_used_at: self.last_used_at,
            revoked_at: self.revoked_at,
        })
    }
}

/// A key's columns with its maker's, for `FROM api_keys k LEFT JOIN users u ON u.id = k.maker_id`.
const SELECT: &str = "SELECT k.id, k.name, k.prefix, k.secret_hash, k.scopes, k.created_by, \
    k.created_at, k.last_used_at, k.revoked_at, k.maker_id, u.email AS maker_email, \
    u.role AS maker_role, u.disabled_at AS maker_disabled_at \
    FROM api_keys k LEFT JOIN users u ON u.id = k.maker_id";

/// A fresh 32-character secret (for deployments that make their own).
pub fn random_secret() -> String {
    random(32)
}

/// Creates a key that answers to no one (the command line, benchmarks, tests) and returns it with
/// its secret, which is never shown again.
pub async fn create(
    db: &Db,
    name: &str,
    scopes: &[Scope],
    created_by: &str,
    now: i64,
) -> Result<(ApiKey, String), StoreError> {
    create_made_by(db, name, scopes, created_by, None, now).await
}

/// Creates a key that answers to the person `maker_id` (when there is one), and returns it with its
/// secret, which is never shown again.
pub async fn create_made_by(
    db: &Db,
    name: &str,
    scopes: &[Scope],
    created_by: &str,
    maker_id: Option<&str>,
    now: i64,
) -> Result<(ApiKey, String), StoreError> {
    let prefix = random(10);
    let secret = format!("mcrm_{prefix}_{}", random(32));
    let id = uuid::Uuid::now_v7().to_string();
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO api_keys (id, name, prefix, secret_hash, scopes, created_by, maker_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(&id).bind(name).bind(&prefix).bind(hash(&secret)).bind(scope::join(scopes)).bind(created_by)
        .bind(maker_id).bind(now)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    let statement = format!("{SELECT} WHERE k.id = $1");
    let row: Row =
        on_tx!(&mut tx, c => sqlx::query_as(&statement).bind(&id).fetch_one(&mut *c).await)?;
    tx.commit().await?;
    Ok((row.into_key()?, secret))
}

/// The unrevoked key that `presented` is, if any: live, or suspended while its maker is disabled.
pub async fn verify(db: &Db, presented: &str) -> Result<Option<Verified>, StoreError> {
    let Some(prefix) = presented
        .strip_prefix("mcrm_")
        .and_then(|r| r.split('_').next())
    else {
        return Ok(None);
    };
    let statement = format!("{SELECT} WHERE k.prefix = $1 AND k.revoked_at IS NULL");
    let row: Option<Row> =
        on_read!(db, p => sqlx::query_as(&statement).bind(prefix).fetch_optional(p).await)?;
    let Some(row) =
        row.filter(|r| constant_time_eq(r.secret_hash.as_bytes(), hash(presented).as_bytes()))
    else {
        return Ok(None);
    };
    let key = row.into_key()?;
    Ok(Some(match key.status() {
        KeyStatus::Active => Verified::Live(key),
        _ => Verified::Suspended(key),
    }))
}

pub async fn touch(db: &Db, id: &str, now: i64) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, c => sqlx::query("UPDATE api_keys SET last_used_at = $2 WHERE id = $1").bind(id).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    tx.commit().await
}

/// Every key, newest first, with its maker as they are now.
pub async fn list(db: &Db) -> Result<Vec<ApiKey>, StoreError> {
    let statement = format!("{SELECT} ORDER BY k.created_at DESC, k.id DESC");
    let rows: Vec<Row> = on_read!(db, p => sqlx::query_as(&statement).fetch_all(p).await)?;
    rows.into_iter().map(Row::into_key).collect()
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
