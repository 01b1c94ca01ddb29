//! minicrm's storage: one interface over SQLite and PostgreSQL.
//!
//! `Db` holds native sqlx pools for the backend chosen by the URL's scheme; every query is written once
//! and compiled for both backends through the `on_read!` / `on_tx!` macros, so the two cannot drift.
//! Times are BIGINT milliseconds since the epoch (UTC) and money is BIGINT minor units on both.
#![deny(unsafe_code)] // allowed in `fold` alone: SQLite's function API through sqlx's raw handle

pub mod api_keys;
pub mod campaigns;
mod connect;
pub mod customers;
mod error;
mod fold;
pub mod imports;
pub mod ingestions;
pub mod insights;
pub mod messages;
pub mod orders;
pub mod overview;
pub mod parked;
pub mod people;
pub mod queue;
pub mod scratch;
pub mod secret;
pub mod seed;
pub mod segments;
pub mod sessions;
mod sql;

pub use connect::{without_password, Backend, DbOptions};
pub use error::StoreError;
pub use fold::fold_function;

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
    ///
    /// The begin runs to its end in a task of its own. sqlx (0.8) returns a connection to the pool
    /// still inside a transaction when a begin is dropped midway — on SQLite between the custom
    /// `BEGIN` and the transaction's creation, on PostgreSQL before it counts the depth (sqlx#4385) —
    /// and a caller is dropped whenever a client hangs up or a timeout fires. SQLite's one writer then
    /// refused every later begin (seen under load: the queue stopped for good); on PostgreSQL the next
    /// borrower would run inside the stale transaction. Awaited through a task, a begin whose caller
    /// has gone completes, and its transaction is dropped whole: rolled back.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        let db = self.clone();
        tokio::spawn(async move { db.begin_here().await })
            .await
            .map_err(|e| StoreError::Unavailable(format!("a transaction could not begin: {e}")))?
    }

    async fn begin_here(&self) -> Result<Tx, StoreError> {
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

#[cfg(test)]
mod tests;
