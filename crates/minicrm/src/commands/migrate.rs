//! `minicrm migrate`: apply the migrations of the data database and, on SQLite, of the queue's file
//! beside it, then exit.

use crate::app::{open_db, queue_database_url};
use crate::config::without_password;
use minicrm_store::DbOptions;

pub async fn run(db: &DbOptions) -> anyhow::Result<()> {
    open_db(db).await?.close().await;
    if let Some(url) = queue_database_url(&db.url) {
        open_db(&DbOptions::new(url)).await?.close().await;
    }
    println!("migrations applied to {}", without_password(&db.url));
    Ok(())
}
