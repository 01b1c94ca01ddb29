//! `messages`: the communication log's moves, each guarded by the status it leaves — written once per
//! (campaign, customer), claimed only when queued or left `sending` too long, handed over, released,
//! renewed, settled, finished by receipts — each returning the counter change of exactly the rows it
//! moved.

mod claims;
mod counters;
mod moves;
mod receipts;

use minicrm_domain::campaign::MessageStatus;
use minicrm_store::messages::{self, MessageRow};
use minicrm_store::Db;
use std::collections::HashMap;

/// The campaign's log rows by customer external id.
pub async fn rows(db: &Db, campaign: &str) -> HashMap<String, MessageRow> {
    let page = messages::page(db, campaign, None, 0, 1000).await.unwrap();
    page.into_iter()
        .map(|r| (r.customer_external_id.clone(), r))
        .collect()
}

pub async fn statuses(db: &Db, campaign: &str) -> Vec<(String, MessageStatus)> {
    let mut all: Vec<_> = rows(db, campaign)
        .await
        .into_values()
        .map(|r| (r.customer_external_id, r.status))
        .collect();
    all.sort_by(|a, b| a.0.cmp(&b.0));
    all
}

pub fn st(pairs: &[(&str, MessageStatus)]) -> Vec<(String, MessageStatus)> {
    pairs.iter().map(|(c, s)| (c.to_string(), *s)).collect()
}
