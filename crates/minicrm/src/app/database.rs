//! Opening the databases: the data, migrated, and the queue's, beside it on SQLite.

use super::AppConfig;
use anyhow::Context;
use minicrm_bus::dbqueue::DbQueue;
use minicrm_store::{Db, DbOptions};

/// The database queue: in a SQLite file of its own beside the data (SQLite has one writer per file, and
/// accepting a batch must not wait for a consumer's transaction), in the data database on PostgreSQL.
pub(super) async fn database_queue(db: &Db, config: &AppConfig) -> anyhow::Result<DbQueue> {
    match queue_database_url(&config.db.url) {
        Some(url) => {
            let queue_db = open_db(&DbOptions {
                url,
                max_connections: 4,
            })
            .await
            .context("cannot open the queue database")?;
            Ok(DbQueue::with_queue_db(
                db.clone(),
                queue_db,
                config.consumer.clone(),
            ))
        }
        None => Ok(DbQueue::new(db.clone(), config.consumer.clone())),
    }
}

/// `sqlite://data/minicrm.db` → `sqlite://data/minicrm.queue.db`; `None` for PostgreSQL.
pub fn queue_database_url(url: &str) -> Option<String> {
    let rest = url.strip_prefix("sqlite:")?;
    let (path, query) = rest
        .split_once('?')
        .map_or((rest, None), |(p, q)| (p, Some(q)));
    let queue_path = match path.strip_suffix(".db") {
        Some(stem) => format!("{stem}.queue.db"),
        None => format!("{path}.queue"),
    };
    Some(format!(
        "sqlite:{queue_path}{}",
        query.map(|q| format!("?{q}")).unwrap_or_default()
    ))
}

/// Opens the database named in the settings and applies its migrations.
pub async fn open_db(options: &DbOptions) -> anyhow::Result<Db> {
    let db = Db::connect(options)
        .await
        .context("cannot open the database")?;
    db.migrate().await.context("cannot migrate the database")?;
    Ok(db)
}
