//! `campaigns`: a campaign is kept `scheduled`, started once when due, cancelled or failed only while
//! it runs (or waits), and completed when its audience is written and no row waits for the vendor; its
//! counters move by exactly the changes they are given.

mod counters;
mod lifecycle;

use minicrm_domain::campaign::CampaignStatus;
use minicrm_store::campaigns::{self, Counts};
use minicrm_store::Db;

pub async fn start_due(db: &Db, now: i64, limit: i64) -> Vec<String> {
    let mut tx = db.begin().await.unwrap();
    let started = campaigns::start_due(&mut tx, now, limit).await.unwrap();
    tx.commit().await.unwrap();
    started
}

pub async fn add(db: &Db, id: &str, counts: Counts, now: i64) {
    let mut tx = db.begin().await.unwrap();
    campaigns::add_counts(&mut tx, id, counts, now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

pub async fn snapshot(db: &Db, id: &str, audience: i64, chunks: i64, now: i64) {
    let mut tx = db.begin().await.unwrap();
    campaigns::record_snapshot(&mut tx, id, audience, chunks, now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

pub async fn status(db: &Db, id: &str) -> CampaignStatus {
    campaigns::get(db, id).await.unwrap().status
}
