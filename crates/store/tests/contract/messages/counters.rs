//! A campaign's counters are its log's rows by status after any sequence of the log's moves, each
//! applied with the counter change it returns — however often a step is repeated, in whatever order —
//! and a delivered row stays delivered.

use crate::fixtures::{assert_counters_match_log, customers, launched, vendor_id, Fate, T0};
use crate::harness::{on_each_backend, property};
use minicrm_domain::campaign::MessageStatus;
use minicrm_store::campaigns;
use minicrm_store::messages::{self, MessageRow, ReceiptUpdate};
use minicrm_store::Db;
use proptest::prelude::*;
use std::collections::{HashMap, HashSet};

/// One move of the log: which step, on which of the five rows (a bit each), and a flag (a stale claim,
/// a delivered receipt, a cancel rather than a failure).
type Step = (u8, u8, bool);

fn steps() -> impl Strategy<Value = Vec<Step>> {
    proptest::collection::vec((0u8..7, 1u8..32, any::<bool>()), 1..24)
}

async fn rows(db: &Db, campaign: &str) -> Vec<MessageRow> {
    messages::page(db, campaign, None, 0, 100).await.unwrap()
}

async fn take(db: &Db, campaign: &str, (kind, mask, flag): Step, now: i64) {
    let log = rows(db, campaign).await;
    let chosen: Vec<&MessageRow> = log
        .iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0)
        .map(|(_, r)| r)
        .collect();
    let ids: Vec<i64> = chosen.iter().map(|r| r.id).collect();
    let customers: Vec<i64> = rows_customers(db, &chosen).await;
    match kind {
        0 => {
            let stale_before = if flag { now } else { now - 1_000 };
            messages::claim(db, campaign, &customers, now, stale_before)
                .await
                .unwrap();
        }
        1..=3 | 5 => move_in_tx(db, campaign, (kind, flag), &chosen, &customers, now).await,
        4 => messages::release(db, &ids).await.unwrap(),
        _ => {
            messages::take_stale(db, now - 15, now, 10).await.unwrap();
        }
    }
}

/// The moves made in the caller's transaction, with their counter changes.
async fn move_in_tx(
    db: &Db,
    campaign: &str,
    (kind, flag): (u8, bool),
    chosen: &[&MessageRow],
    customers: &[i64],
    now: i64,
) {
    let ids: Vec<i64> = chosen.iter().map(|r| r.id).collect();
    let mut tx = db.begin().await.unwrap();
    let changes = match kind {
        1 => {
            let sent: Vec<_> = ids.iter().map(|id| (*id, vendor_id(*id))).collect();
            messages::mark_sent(&mut tx, &sent, now).await.unwrap()
        }
        2 => messages::fail_sending(&mut tx, &ids, "refused", now)
            .await
            .unwrap(),
        3 => {
            let receipts: Vec<_> = chosen
                .iter()
                .map(|r| ReceiptUpdate {
                    log_id: r.id,
                    campaign_id: campaign.to_owned(),
                    vendor_message_id: r.vendor_message_id.clone().unwrap_or(vendor_id(r.id)),
                    delivered: flag,
                    reason: (!flag).then(|| "failed".to_owned()),
                    at: now,
                })
                .collect();
            messages::apply_receipts(&mut tx, &receipts)
                .await
                .unwrap()
                .by_campaign
        }
        _ => {
            let to = if flag {
                MessageStatus::Cancelled
            } else {
                MessageStatus::Failed
            };
            let counts = messages::settle_queued(&mut tx, campaign, customers, to, None, now)
                .await
                .unwrap();
            HashMap::from([(campaign.to_owned(), counts)])
        }
    };
    campaigns::add_counts_in_order(&mut tx, changes, now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// The internal customer ids of log rows (the log shows their external ids).
async fn rows_customers(db: &Db, rows: &[&MessageRow]) -> Vec<i64> {
    let mut ids = Vec::new();
    for r in rows {
        ids.push(
            minicrm_store::customers::get(db, &r.customer_external_id)
                .await
                .unwrap()
                .id,
        );
    }
    ids
}

async fn check(db: &Db, run: usize, audience: &[i64], steps: &[Step]) {
    let campaign = format!("K-{run:04}");
    let queued: Vec<_> = audience.iter().map(|c| (*c, Fate::Queued)).collect();
    launched(db, &campaign, T0, &queued, T0).await;
    let mut delivered = HashSet::new();
    for (n, step) in steps.iter().enumerate() {
        take(db, &campaign, *step, T0 + 10 * n as i64).await;
        assert_counters_match_log(db, &campaign).await;
        let log = rows(db, &campaign).await;
        for r in &log {
            if delivered.contains(&r.id) {
                assert_eq!(
                    r.status,
                    MessageStatus::Delivered,
                    "step {n}: delivered stays"
                );
            }
        }
        delivered.extend(
            log.iter()
                .filter(|r| r.status == MessageStatus::Delivered)
                .map(|r| r.id),
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counters_follow_the_log_through_any_sequence_of_moves() {
    on_each_backend(|db| async move {
        let audience = customers(&db, &["C-0", "C-1", "C-2", "C-3", "C-4"]).await;
        let (db, audience) = (&db, &audience);
        property(32, steps(), |run, steps| async move {
            check(db, run, audience, &steps).await
        });
    })
    .await;
}
