//! People who sign in: one row per verified e-mail address, with a role. The first person to sign in
//! through OpenID Connect becomes an admin; the local one-time link always signs in the local admin.

use crate::{on_read, on_tx, Db, StoreError, Tx};
use minicrm_domain::Role;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// `oidc` or `local`.
    pub provider: String,
    pub created_at: i64,
    pub last_login_at: Option<i64>,
    pub disabled_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct Row {
    id: String,
    email: String,
    name: String,
    role: String,
    provider: String,
    created_at: i64,
    last_login_at: Option<i64>,
    disabled_at: Option<i64>,
}

impl Row {
    pub(crate) fn into_user(self) -> Result<User, StoreError> {
        Ok(User {
            role: Role::parse(&self.role).map_err(StoreError::Corrupt)?,
            id: self.id,
            email: self.email,
            name: self.name,
            provider: self.provider,
            created_at: self.created_at,
            last_login_at: self.last_login_at,
            disabled_at: self.disabled_at,
        })
    }
}

pub(crate) const COLUMNS: &str =
    "id, email, name, role, provider, created_at, last_login_at, disabled_at";

/// Who an identity provider vouched for.
#[derive(Debug, Clone)]
pub struct Identity {
    /// Verified, lower-cased.
    pub email: String,
    pub name: String,
    /// `oidc` or `local`.
    pub provider: &'static str,
    /// The issuer's subject identifier, where there is one.
    pub subject: Option<String>,
}

pub const LOCAL_PROVIDER: &str = "local";
pub const OIDC_PROVIDER: &str = "oidc";
/// The person the local one-time link signs in.
pub const LOCAL_EMAIL: &str = "admin@localhost";

async fn by_email(tx: &mut Tx, email: &str) -> Result<Option<User>, StoreError> {
    let statement = format!("SELECT {COLUMNS} FROM users WHERE email = $1");
    let row: Option<Row> =
        on_tx!(tx, c => sqlx::query_as(&statement).bind(email).fetch_optional(&mut *c).await)?;
    row.map(Row::into_user).transpose()
}

/// Records a sign-in: the person's row, made on first sign-in with the first OpenID Connect user as an
/// admin and everyone after with `default_role`. A disabled person is returned as such, unchanged.
pub async fn sign_in(
    db: &Db,
    identity: &Identity,
    default_role: Role,
    now: i64,
) -> Result<User, StoreError> {
    let mut tx = db.begin().await?;
    if let Tx::Postgres(t) = &mut tx {
        // Two first sign-ins at once must not both become the first admin.
        sqlx::query("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE")
            .execute(&mut **t)
            .await?;
    }
    let user = match by_email(&mut tx, &identity.email).await? {
        Some(user) if user.disabled_at.is_some() => user,
        Some(user) => {
            on_tx!(&mut tx, c => sqlx::query(
                "UPDATE users SET name = CASE WHEN $2 = '' THEN name ELSE $2 END, subject = COALESCE($3, subject), last_login_at = $4 WHERE id = $1")
                .bind(&user.id).bind(&identity.name).bind(&identity.subject).bind(now)
                .execute(&mut *c).await.map(|r| r.rows_affected()))?;
            User {
                last_login_at: Some(now),
                name: if identity.name.is_empty() {
                    user.name
                } else {
                    identity.name.clone()
                },
                ..user
            }
        }
        None => {
            let role = match identity.provider {
                LOCAL_PROVIDER => Role::Admin,
                _ => {
                    let others: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(
                        "SELECT COUNT(*) FROM users WHERE provider = $1")
                        .bind(OIDC_PROVIDER).fetch_one(&mut *c).await)?;
                    if others == 0 {
                        Role::Admin
                    } else {
                        default_role
                    }
                }
            };
            let user = User {
                id: uuid::Uuid::now_v7().to_string(),
                email: identity.email.clone(),
                name: identity.name.clone(),
                role,
                provider: identity.provider.to_owned(),
                created_at: now,
                last_login_at: Some(now),
                disabled_at: None,
            };
            on_tx!(&mut tx, c => sqlx::query(
                "INSERT INTO users (id, email, name, role, provider, subject, created_at, last_login_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)")
                .bind(&user.id).bind(&user.email).bind(&user.name).bind(role.as_str()).bind(&user.provider)
                .bind(&identity.subject).bind(now)
                .execute(&mut *c).await.map(|r| r.rows_affected()))?;
            tracing::info!(email = %user.email, role = role.as_str(), "a new person signed in");
            user
        }
    };
    tx.commit().await?;
    Ok(user)
}

pub async fn get(db: &Db, id: &str) -> Result<User, StoreError> {
    let statement = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
    let row: Option<Row> =
        on_read!(db, p => sqlx::query_as(&statement).bind(id).fetch_optional(p).await)?;
    row.ok_or(StoreError::NotFound)?.into_user()
}

/// Everyone, oldest first.
pub async fn list(db: &Db) -> Result<Vec<User>, StoreError> {
    let statement = format!("SELECT {COLUMNS} FROM users ORDER BY created_at, id");
    let rows: Vec<Row> = on_read!(db, p => sqlx::query_as(&statement).fetch_all(p).await)?;
    rows.into_iter().map(Row::into_user).collect()
}

/// What an admin may change about a person.
#[derive(Debug, Clone, Default)]
pub struct Change {
    pub role: Option<Role>,
    pub disabled: Option<bool>,
}

/// Changes a person's role or access. Disabling ends their sessions at once; the last active admin
/// can be neither demoted nor disabled. The API keys they made follow without a write of their own:
/// a key is read with its maker's role and access (`api_keys`), so it is suspended while they are
/// disabled and limited to what their role allows, from the next request on.
pub async fn update(db: &Db, id: &str, change: &Change, now: i64) -> Result<User, StoreError> {
    let mut tx = db.begin().await?;
    if let Tx::Postgres(t) = &mut tx {
        sqlx::query("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE")
            .execute(&mut **t)
            .await?;
    }
    let statement = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
    let row: Option<Row> =
        on_tx!(&mut tx, c => sqlx::query_as(&statement).bind(id).fetch_optional(&mut *c).await)?;
    let user = row.ok_or(StoreError::NotFound)?.into_user()?;
    let role = change.role.unwrap_or(user.role);
    let disabled_at = match change.disabled {
        Some(true) => user.disabled_at.or(Some(now)),
        Some(false) => None,
        None => user.disabled_at,
    };
    let stays_admin = role == Role::Admin && disabled_at.is_none();
    if user.role == Role::Admin && user.disabled_at.is_none() && !stays_admin {
        let admins: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL AND id <> $1")
            .bind(id).fetch_one(&mut *c).await)?;
        if admins == 0 {
            return Err(StoreError::Conflict(
                "this is the last active admin: make someone else an admin first".into(),
            ));
        }
    }
    on_tx!(&mut tx, c => sqlx::query("UPDATE users SET role = $2, disabled_at = $3 WHERE id = $1")
        .bind(id).bind(role.as_str()).bind(disabled_at)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    if disabled_at.is_some() {
        on_tx!(&mut tx, c => sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(id).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    }
    tx.commit().await?;
    Ok(User {
        role,
        disabled_at,
        ..user
    })
}
