//! Where the data lives: the database URL (the SQLite queue file is named after it) and the pool.
//! A PostgreSQL URL may carry a password, so these settings print the URL without it.

use clap::Args;
use minicrm_store::DbOptions;

#[derive(Args, Clone)]
pub struct StorageArgs {
    /// The database: sqlite://path (created if missing; the queue goes beside it in path.queue.db) or
    /// postgres://user@host/db.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://minicrm.db",
        global = true
    )]
    pub database_url: String,
    /// Database connections per process (SQLite: readers beside the one writer).
    #[arg(
        long,
        env = "MINICRM_DB_MAX_CONNECTIONS",
        default_value_t = 8,
        global = true
    )]
    pub db_max_connections: u32,
}

impl StorageArgs {
    pub fn db(&self) -> DbOptions {
        DbOptions {
            url: self.database_url.clone(),
            max_connections: self.db_max_connections,
        }
    }
}

impl std::fmt::Debug for StorageArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StorageArgs")
            .field("database_url", &without_password(&self.database_url))
            .field("db_max_connections", &self.db_max_connections)
            .finish()
    }
}

/// The URL without its password, for messages (the store's rule, which its own options follow).
pub use minicrm_store::without_password;
