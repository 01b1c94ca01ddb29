//! Opening the database named by a URL (`sqlite://…` or `postgres://…`) and applying its migrations.

use crate::{Db, StoreError};
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct DbOptions {
    pub url: String,
    /// Connections in the pool (PostgreSQL), or readers beside the one writer (SQLite).
    pub max_connections: u32,
}

/// Without the URL's password: options are printed in logs and errors.
impl std::fmt::Debug for DbOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DbOptions")
            .field("url", &without_password(&self.url))
            .field("max_connections", &self.max_connections)
            .finish()
    }
}

/// A connection URL without its credentials (`postgres://…@db:5432/crm`), for what is printed.
pub fn without_password(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://…@{}", &url[..s], &url[at + 1..]),
        _ => url.to_owned(),
    }
}

impl DbOptions {
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            max_connections: 8,
        }
    }
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Db {
    /// Opens the database (creating a SQLite file if missing) without migrating it.
    pub async fn connect(options: &DbOptions) -> Result<Db, StoreError> {
        let url = options.url.as_str();
        if url.starts_with("sqlite:") {
            connect_sqlite(url, options.max_connections).await
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            // Custom plans always: the statements bind lists of ids and statuses whose best plan
            // depends on the values (a generic plan of the log's claim scanned the whole table).
            // No JIT: compiling costs ~25 ms a statement and pays off only for long analytical
            // queries (a 90-day-window preview on 5M orders ran in 540 ms without it, 700 with).
            let connect = sqlx::postgres::PgConnectOptions::from_str(url)?
                .options([("plan_cache_mode", "force_custom_plan"), ("jit", "off")]);
            let pool = PgPoolOptions::new()
                .max_connections(options.max_connections)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(connect)
                .await?;
            Ok(Db::Postgres(pool))
        } else {
            Err(StoreError::Unavailable(format!(
                "DATABASE_URL must start with sqlite:// or postgres://, not '{}'",
                url.split(':').next().unwrap_or_default()
            )))
        }
    }

    /// Applies the embedded migrations of this backend.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self {
            Db::Sqlite { write, .. } => SQLITE_MIGRATIONS.run(write).await?,
            Db::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }
}

/// How much of the database file a reader maps (SQLite's own ceiling is 2 GiB).
const READER_MMAP_BYTES: u64 = 2 << 30;

async fn connect_sqlite(url: &str, readers: u32) -> Result<Db, StoreError> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(30))
        .foreign_keys(true)
        .pragma("temp_store", "memory");
    // Each connection has its own page cache: a large one for the one writer, smaller ones for the
    // readers (the operating system caches the file for all of them), so memory stays bounded. The
    // readers map the file instead of copying pages through read(2): a segment preview scans the
    // customers table, and mapped reads take a third off that scan (pages stay the kernel's, shared
    // and reclaimable).
    let write = SqlitePoolOptions::new()
        .max_connections(1)
        .after_connect(|conn, _| Box::pin(crate::fold::register(conn)))
        .acquire_timeout(Duration::from_secs(60))
        .connect_with(options.clone().pragma("cache_size", "-65536"))
        .await?;
    let read = SqlitePoolOptions::new()
        .max_connections(readers.max(1))
        .after_connect(|conn, _| Box::pin(crate::fold::register(conn)))
        .acquire_timeout(Duration::from_secs(30))
        .connect_with(
            options
                .pragma("cache_size", "-8192")
                .pragma("mmap_size", READER_MMAP_BYTES.to_string()),
        )
        .await?;
    Ok(Db::Sqlite { read, write })
}
