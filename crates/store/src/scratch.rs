//! Throwaway PostgreSQL databases, for tests and benchmarks: one made on a server under a fresh name,
//! and dropped by that name when done. The name is a prefix of ours and a UUID, never user text.

use crate::StoreError;
use sqlx::Connection;

/// A new, empty database on the server `server` names (a URL to any database on it), called
/// `<prefix>_<uuid>`; the URL of the new database, and its name.
pub async fn create(server: &str, prefix: &'static str) -> Result<(String, String), StoreError> {
    let name = format!("{prefix}_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::PgConnection::connect(server).await?;
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await?;
    let base = server.rsplit_once('/').map_or(server, |(base, _)| base);
    Ok((format!("{base}/{name}"), name))
}

/// Drops the database `name` that [`create`] made on `server`, closing whatever is still connected.
pub async fn drop(server: &str, name: &str) -> Result<(), StoreError> {
    let mut admin = sqlx::PgConnection::connect(server).await?;
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&mut admin)
        .await?;
    Ok(())
}
