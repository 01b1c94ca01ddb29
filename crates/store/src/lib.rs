//! minicrm's storage: one interface over SQLite and PostgreSQL.
//!
//! `Db` holds native sqlx pools for the backend chosen by the URL's scheme; every query is written once
//! and compiled for both backends through the `on_read!` / `on_tx!` macros, so the two cannot drift.
//! Times are BIGINT milliseconds since the epoch (UTC) and money is BIGINT minor units on both.
#![forbid(unsafe_code)]

pub mod api_keys;
pub mod campaigns;
mod connect;
pub mod customers;
mod error;
pub mod imports;
pub mod ingestions;
pub mod insights;
pub mod messages;
pub mod orders;
pub mod overview;
pub mod parked;
pub mod people;
pub mod queue;
pub mod secret;
pub mod seed;
pub mod segments;
pub mod sessions;
mod sql;

pub use connect::{Backend, DbOptions};
pub use error::StoreError;

use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};

/// The database: a pool per backend. SQLite keeps one writer connection (writes queue behind it instead
/// of spinning on SQLITE_BUSY) beside a pool of readers.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite { read: SqlitePool, write: SqlitePool },
    Postgres(PgPool),
}

/// A write transaction on either backend. Handlers receive one so their effects commit with the ack.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Runs `$body` with `$p` bound to a pool for reading; the body is compiled once per backend.
#[macro_export]
macro_rules! on_read {
    ($db:expr, $p:ident => $body:expr) => {
        match $db {
            $crate::Db::Sqlite { read: $p, .. } => $body,
            $crate::Db::Postgres($p) => $body,
        }
    };
}

/// Runs `$body` with `$c` bound to the transaction's connection; use `&mut *$c` as the executor.
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, $c:ident => $body:expr) => {
        match $tx {
            $crate::Tx::Sqlite(t) => {
                let $c = &mut **t;
                $body
            }
            $crate::Tx::Postgres(t) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}

impl Db {
    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite { .. } => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Starts a write transaction (on SQLite `BEGIN IMMEDIATE`, so it never has to upgrade a read lock).
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            Db::Sqlite { write, .. } => Tx::Sqlite(write.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// Checks that the database answers (for `/readyz`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        on_read!(self, p => sqlx::query("SELECT 1").execute(p).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite { read, write } => {
                write.close().await;
                read.close().await;
            }
            Db::Postgres(pool) => pool.close().await,
        }
    }
}

impl Tx {
    pub async fn commit(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }

    pub async fn rollback(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(t) => t.rollback().await?,
            Tx::Postgres(t) => t.rollback().await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        match self {
            Tx::Sqlite(_) => Backend::Sqlite,
            Tx::Postgres(_) => Backend::Postgres,
        }
    }
}
