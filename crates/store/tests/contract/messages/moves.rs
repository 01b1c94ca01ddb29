//! Settling queued rows, handing rows over or failing them at the vendor's refusal — each moves only
//! the rows in the status it leaves and counts them by campaign; and the log's pages.

use super::{rows, st, statuses};
use crate::fixtures::{customers, launched, Fate, T0};
use crate::harness::on_each_backend;
use minicrm_domain::campaign::MessageStatus as S;
use minicrm_store::campaigns::{self, Counts};
use minicrm_store::messages;
use std::collections::HashMap;
use Fate::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settling_moves_only_queued_rows_of_the_campaign() {
    on_each_backend(|db| async move {
        let ids = customers(&db, &["C-0", "C-1", "C-2", "C-3"]).await;
        let fates = [
            (ids[0], Queued),
            (ids[1], Queued),
            (ids[2], Sending),
            (ids[3], Sent),
        ];
        launched(&db, "K-1", T0, &fates, T0).await;
        launched(&db, "K-2", T0, &[(ids[0], Queued)], T0).await;
        let mut tx = db.begin().await.unwrap();
        let named = [ids[0], ids[2], ids[3]];
        let counts = messages::settle_queued(&mut tx, "K-1", &named, S::Cancelled, None, T0 + 5)
            .await
            .unwrap();
        assert_eq!(
            counts,
            Counts {
                queued: -1,
                cancelled: 1,
                ..Default::default()
            }
        );
        campaigns::add_counts(&mut tx, "K-1", counts, T0 + 5)
            .await
            .unwrap();
        let reason = Some("the campaign failed");
        let counts = messages::settle_queued(&mut tx, "K-1", &ids, S::Failed, reason, T0 + 6)
            .await
            .unwrap();
        assert_eq!(
            counts,
            Counts {
                queued: -1,
                failed: 1,
                ..Default::default()
            }
        );
        campaigns::add_counts(&mut tx, "K-1", counts, T0 + 6)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let expected = [
            ("C-0", S::Cancelled),
            ("C-1", S::Failed),
            ("C-2", S::Sending),
            ("C-3", S::Sent),
        ];
        assert_eq!(statuses(&db, "K-1").await, st(&expected));
        let c1 = &rows(&db, "K-1").await["C-1"];
        assert_eq!(
            (c1.failure_reason.as_deref(), c1.failed_at),
            (reason, Some(T0 + 6))
        );
        assert_eq!(statuses(&db, "K-2").await, st(&[("C-0", S::Queued)]));
        crate::fixtures::assert_counters_match_log(&db, "K-1").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handing_over_moves_sending_rows_and_counts_them_by_campaign() {
    on_each_backend(|db| async move {
        let ids = customers(&db, &["C-0", "C-1", "C-2"]).await;
        launched(
            &db,
            "K-1",
            T0,
            &[(ids[0], Sending), (ids[1], Sending), (ids[2], Sending)],
            T0,
        )
        .await;
        launched(&db, "K-2", T0, &[(ids[0], Sending), (ids[1], Queued)], T0).await;
        let (k1, k2) = (rows(&db, "K-1").await, rows(&db, "K-2").await);
        let sent = [
            (k1["C-0"].id, "v-a".to_owned()),
            (k1["C-1"].id, "v-b".to_owned()),
            (k2["C-0"].id, "v-c".to_owned()),
            (k2["C-1"].id, "v-d".to_owned()),
        ];
        let mut tx = db.begin().await.unwrap();
        let changes = messages::mark_sent(&mut tx, &sent, T0 + 7).await.unwrap();
        let expected = HashMap::from([
            (
                "K-1".to_owned(),
                Counts {
                    queued: -2,
                    sent: 2,
                    ..Default::default()
                },
            ),
            (
                "K-2".to_owned(),
                Counts {
                    queued: -1,
                    sent: 1,
                    ..Default::default()
                },
            ),
        ]);
        assert_eq!(changes, expected);
        campaigns::add_counts_in_order(&mut tx, changes, T0 + 7)
            .await
            .unwrap();
        assert!(
            messages::mark_sent(&mut tx, &sent, T0 + 8)
                .await
                .unwrap()
                .is_empty(),
            "once"
        );
        let refused = [k1["C-0"].id, k1["C-2"].id, k2["C-1"].id];
        let changes = messages::fail_sending(&mut tx, &refused, "bad request", T0 + 9)
            .await
            .unwrap();
        let expected = Counts {
            queued: -1,
            failed: 1,
            ..Default::default()
        };
        assert_eq!(changes, HashMap::from([("K-1".to_owned(), expected)]));
        campaigns::add_counts_in_order(&mut tx, changes, T0 + 9)
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let k1 = rows(&db, "K-1").await;
        let c0 = &k1["C-0"];
        assert_eq!(
            (c0.status, c0.vendor_message_id.as_deref(), c0.sent_at),
            (S::Sent, Some("v-a"), Some(T0 + 7))
        );
        let c2 = &k1["C-2"];
        assert_eq!(
            (c2.status, c2.failure_reason.as_deref(), c2.failed_at),
            (S::Failed, Some("bad request"), Some(T0 + 9))
        );
        let k2 = rows(&db, "K-2").await;
        assert_eq!(
            (k2["C-1"].status, k2["C-1"].vendor_message_id.clone()),
            (S::Queued, None)
        );
        crate::fixtures::assert_counters_match_log(&db, "K-1").await;
        crate::fixtures::assert_counters_match_log(&db, "K-2").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_pages_by_row_and_shows_each_customer_their_messages() {
    on_each_backend(|db| async move {
        let ids = customers(&db, &["C-0", "C-1", "C-2", "C-3", "C-4"]).await;
        let fates = [
            (ids[0], Delivered),
            (ids[1], Failed("invalid_number")),
            (ids[2], Refused("no phone number")),
            (ids[3], Failed("invalid_number")),
            (ids[4], Queued),
        ];
        launched(&db, "K-1", T0, &fates, T0).await;
        launched(&db, "K-2", T0 + 1, &[(ids[0], Queued)], T0 + 1).await;
        let failed = messages::page(&db, "K-1", Some(S::Failed), 0, 10)
            .await
            .unwrap();
        let names: Vec<_> = failed
            .iter()
            .map(|r| r.customer_external_id.as_str())
            .collect();
        assert_eq!(names, ["C-1", "C-2", "C-3"]);
        let after = messages::page(&db, "K-1", None, failed[0].id, 2)
            .await
            .unwrap();
        let names: Vec<_> = after
            .iter()
            .map(|r| r.customer_external_id.as_str())
            .collect();
        assert_eq!(names, ["C-2", "C-3"]);
        let reasons = messages::failures_by_reason(&db, "K-1").await.unwrap();
        assert_eq!(
            reasons,
            [
                ("invalid_number".to_owned(), 2),
                ("no phone number".to_owned(), 1)
            ]
        );
        let theirs = messages::for_customer(&db, ids[0], 10).await.unwrap();
        let theirs: Vec<_> = theirs
            .iter()
            .map(|r| (r.campaign_id.as_str(), r.status))
            .collect();
        assert_eq!(
            theirs,
            [("K-2", S::Queued), ("K-1", S::Delivered)],
            "newest first"
        );
        assert_eq!(
            messages::for_customer(&db, ids[0], 1).await.unwrap().len(),
            1
        );
    })
    .await;
}
