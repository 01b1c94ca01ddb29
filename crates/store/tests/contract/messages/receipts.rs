//! `apply_receipts`: a receipt changes only the row it proves it is about — the campaign and
//! row of the reference and the vendor's message id, on a row handed to the vendor — once; a repeat
//! changes nothing and is counted as one, a receipt about no such row as unmatched.

use crate::fixtures::{assert_counters_match_log, customers, launched, vendor_id, Fate, T0};
use crate::harness::on_each_backend;
use minicrm_domain::campaign::MessageStatus;
use minicrm_store::campaigns::{self, Counts};
use minicrm_store::messages::{self, MessageRow, ReceiptUpdate, ReceiptsApplied};
use minicrm_store::Db;
use std::collections::HashMap;
use Fate::*;
use MessageStatus as S;

async fn row(db: &Db, campaign: &str, customer: &str) -> MessageRow {
    let page = messages::page(db, campaign, None, 0, 1000).await.unwrap();
    page.into_iter()
        .find(|r| r.customer_external_id == customer)
        .unwrap()
}

fn receipt(row: &MessageRow, vendor: &str, reason: Option<&str>, at: i64) -> ReceiptUpdate {
    ReceiptUpdate {
        log_id: row.id,
        campaign_id: row.campaign_id.clone(),
        vendor_message_id: vendor.to_owned(),
        delivered: reason.is_none(),
        reason: reason.map(str::to_owned),
        at,
    }
}

/// Applies receipts with their counter changes, as the receipts consumer does, in one transaction.
async fn apply(db: &Db, receipts: &[ReceiptUpdate]) -> ReceiptsApplied {
    let mut tx = db.begin().await.unwrap();
    let applied = messages::apply_receipts(&mut tx, receipts).await.unwrap();
    let changes = applied.by_campaign.clone();
    campaigns::add_counts_in_order(&mut tx, changes, T0 + 1000)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    applied
}

fn tally(a: &ReceiptsApplied) -> (usize, usize, usize, usize) {
    (a.delivered, a.failed, a.repeats, a.unmatched)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receipt_finishes_the_row_it_proves_once() {
    on_each_backend(|db| async move {
        let ids = customers(&db, &["C-0", "C-1"]).await;
        launched(&db, "K-1", T0, &[(ids[0], Sent), (ids[1], Sent)], T0).await;
        let (r0, r1) = (row(&db, "K-1", "C-0").await, row(&db, "K-1", "C-1").await);
        let first = [
            receipt(&r0, &vendor_id(r0.id), None, T0 + 5),
            receipt(&r1, &vendor_id(r1.id), Some("invalid_number"), T0 + 6),
        ];
        let applied = apply(&db, &first).await;
        assert_eq!(tally(&applied), (1, 1, 0, 0));
        let change = Counts {
            sent: -2,
            delivered: 1,
            failed: 1,
            ..Default::default()
        };
        assert_eq!(
            applied.by_campaign,
            HashMap::from([("K-1".to_owned(), change)])
        );
        let r0 = row(&db, "K-1", "C-0").await;
        assert_eq!(
            (r0.status, r0.delivered_at, r0.sent_at),
            (S::Delivered, Some(T0 + 5), Some(T0))
        );
        let r1 = row(&db, "K-1", "C-1").await;
        assert_eq!((r1.status, r1.failed_at), (S::Failed, Some(T0 + 6)));
        assert_eq!(r1.failure_reason.as_deref(), Some("invalid_number"));

        let applied = apply(&db, &first).await;
        assert_eq!(tally(&applied), (0, 0, 2, 0), "a repeat changes nothing");
        assert!(applied.by_campaign.is_empty());
        assert_eq!(row(&db, "K-1", "C-0").await.delivered_at, Some(T0 + 5));
        assert_counters_match_log(&db, "K-1").await;
        assert_eq!(
            campaigns::get(&db, "K-1").await.unwrap().status,
            minicrm_domain::campaign::CampaignStatus::Completed
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receipt_about_no_row_handed_to_the_vendor_is_unmatched() {
    on_each_backend(|db| async move {
        let ids = customers(&db, &["C-0", "C-1", "C-2", "C-3", "C-4"]).await;
        let fates = [
            (ids[0], Sent),
            (ids[1], Queued),
            (ids[2], Refused("no phone number")),
            (ids[3], Cancelled),
            (ids[4], Sent),
        ];
        launched(&db, "K-1", T0, &fates, T0).await;
        launched(&db, "K-2", T0, &[(ids[0], Sent)], T0).await;
        let sent = row(&db, "K-1", "C-0").await;
        let other = row(&db, "K-2", "C-0").await;
        let mut wrong_campaign = receipt(&sent, &vendor_id(sent.id), None, T0 + 1);
        wrong_campaign.campaign_id = "K-2".into();
        let mut unknown_row = receipt(&sent, "v-x", None, T0 + 1);
        unknown_row.log_id = 999_999;
        let mut never_handed = Vec::new();
        for c in ["C-1", "C-2", "C-3"] {
            let r = row(&db, "K-1", c).await;
            never_handed.push(receipt(&r, &vendor_id(r.id), None, T0 + 1));
        }
        let mut all = vec![
            receipt(&sent, "v-someone-else", None, T0 + 1),
            wrong_campaign,
            receipt(&other, &vendor_id(sent.id), Some("x"), T0 + 1),
            unknown_row,
        ];
        all.extend(never_handed);
        let before = messages::page(&db, "K-1", None, 0, 100).await.unwrap();
        let applied = apply(&db, &all).await;
        assert_eq!(tally(&applied), (0, 0, 0, 7));
        assert!(applied.by_campaign.is_empty());
        let after = messages::page(&db, "K-1", None, 0, 100).await.unwrap();
        let seen = |rows: &[MessageRow]| {
            rows.iter()
                .map(|r| (r.status, r.vendor_message_id.clone(), r.delivered_at))
                .collect::<Vec<_>>()
        };
        assert_eq!(seen(&after), seen(&before));
        assert_eq!(row(&db, "K-2", "C-0").await.status, S::Sent);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receipt_may_overtake_the_hand_over() {
    on_each_backend(|db| async move {
        let ids = customers(&db, &["C-0"]).await;
        launched(&db, "K-1", T0, &[(ids[0], Sending)], T0).await;
        let r = row(&db, "K-1", "C-0").await;
        let applied = apply(&db, &[receipt(&r, "v-early", Some("blocked"), T0 + 3)]).await;
        assert_eq!(tally(&applied), (0, 1, 0, 0));
        assert_eq!(
            applied.by_campaign["K-1"],
            Counts {
                queued: -1,
                failed: 1,
                ..Default::default()
            }
        );
        let r = row(&db, "K-1", "C-0").await;
        assert_eq!(
            (r.status, r.vendor_message_id.as_deref(), r.sent_at),
            (S::Failed, Some("v-early"), Some(T0 + 3))
        );
        let mut tx = db.begin().await.unwrap();
        let late = messages::mark_sent(&mut tx, &[(r.id, "v-early".into())], T0 + 4)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert!(late.is_empty(), "the hand-over finds the row finished");
        assert_eq!(row(&db, "K-1", "C-0").await.status, S::Failed);
        // Once the row knows its vendor id, only that id proves a receipt.
        let other = apply(&db, &[receipt(&r, "v-other", None, T0 + 5)]).await;
        assert_eq!(tally(&other), (0, 0, 0, 1));
        assert_counters_match_log(&db, "K-1").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delivered_outweighs_failed_and_nothing_outweighs_delivered() {
    on_each_backend(|db| async move {
        let ids = customers(&db, &["C-0"]).await;
        launched(&db, "K-1", T0, &[(ids[0], Sent)], T0).await;
        let r = row(&db, "K-1", "C-0").await;
        let (failed, delivered) = (
            receipt(&r, &vendor_id(r.id), Some("timeout"), T0 + 1),
            receipt(&r, &vendor_id(r.id), None, T0 + 2),
        );
        assert_eq!(
            tally(&apply(&db, std::slice::from_ref(&failed)).await),
            (0, 1, 0, 0)
        );
        let applied = apply(&db, std::slice::from_ref(&delivered)).await;
        assert_eq!(tally(&applied), (1, 0, 0, 0));
        assert_eq!(
            applied.by_campaign["K-1"],
            Counts {
                failed: -1,
                delivered: 1,
                ..Default::default()
            }
        );
        let after = row(&db, "K-1", "C-0").await;
        assert_eq!(
            (after.status, after.delivered_at),
            (S::Delivered, Some(T0 + 2))
        );
        assert_eq!(
            (after.failure_reason, after.failed_at),
            (None, None),
            "the failure is withdrawn"
        );
        assert_eq!(tally(&apply(&db, &[failed]).await), (0, 0, 1, 0));
        assert_eq!(row(&db, "K-1", "C-0").await.status, S::Delivered);
        assert_counters_match_log(&db, "K-1").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_one_batch_a_row_moves_once_and_delivered_wins() {
    on_each_backend(|db| async move {
        let ids = customers(&db, &["C-0", "C-1", "C-2"]).await;
        launched(
            &db,
            "K-1",
            T0,
            &[(ids[0], Sent), (ids[1], Sent), (ids[2], Sent)],
            T0,
        )
        .await;
        let mut batch = Vec::new();
        for (c, reasons) in [
            ("C-0", [Some("x"), None]),
            ("C-1", [None, Some("x")]),
            ("C-2", [Some("x"), Some("y")]),
        ] {
            let r = row(&db, "K-1", c).await;
            batch.extend(reasons.map(|reason| receipt(&r, &vendor_id(r.id), reason, T0 + 1)));
        }
        let applied = apply(&db, &batch).await;
        assert_eq!(tally(&applied), (2, 1, 3, 0));
        assert_eq!(
            applied.by_campaign["K-1"],
            Counts {
                sent: -3,
                delivered: 2,
                failed: 1,
                ..Default::default()
            }
        );
        assert_eq!(row(&db, "K-1", "C-0").await.status, S::Delivered);
        assert_eq!(row(&db, "K-1", "C-1").await.status, S::Delivered);
        let c2 = row(&db, "K-1", "C-2").await;
        assert_eq!(
            (c2.status, c2.failure_reason.as_deref()),
            (S::Failed, Some("x")),
            "the first failure"
        );
        assert_counters_match_log(&db, "K-1").await;
    })
    .await;
}
