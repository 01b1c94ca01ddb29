//! Rows are written once per (campaign, customer); a claim takes the rows queued and those left
//! `sending` too long; release and renew touch only rows still `sending`; stale rows are taken once.

use super::{rows, st, statuses};
use crate::fixtures::{customers, launched, Fate, T0};
use crate::harness::on_each_backend;
use minicrm_domain::campaign::MessageStatus as S;
use minicrm_store::campaigns::Counts;
use minicrm_store::messages::{self, NewMessage};
use Fate::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_are_written_once_and_counted_by_status() {
    on_each_backend(|db| async move {
        let ids = customers(&db, &["C-0", "C-1", "C-2", "C-3", "C-4"]).await;
        launched(&db, "K-1", T0, &[], T0).await;
        let row = |i: usize, status, failure_reason| NewMessage {
            customer_id: ids[i],
            recipient: Some(format!("+91980000000{i}")),
            message: format!("Hello {i}"),
            status,
            failure_reason,
        };
        let first = [
            row(0, S::Queued, None),
            row(1, S::Queued, None),
            row(2, S::Failed, Some("no phone number")),
            row(3, S::Cancelled, None),
        ];
        let mut tx = db.begin().await.unwrap();
        let counts = messages::insert(&mut tx, "K-1", &first, T0 + 5)
            .await
            .unwrap();
        let expected = Counts {
            queued: 2,
            failed: 1,
            cancelled: 1,
            ..Default::default()
        };
        assert_eq!(counts, expected);
        let again = [row(0, S::Failed, Some("x")), row(4, S::Queued, None)];
        let counts = messages::insert(&mut tx, "K-1", &again, T0 + 6)
            .await
            .unwrap();
        assert_eq!(
            counts,
            Counts {
                queued: 1,
                ..Default::default()
            },
            "C-0 was written before"
        );
        tx.commit().await.unwrap();

        let log = rows(&db, "K-1").await;
        let c0 = &log["C-0"];
        assert_eq!(
            (c0.status, c0.queued_at, c0.failed_at, c0.attempts),
            (S::Queued, T0 + 5, None, 0)
        );
        assert_eq!(
            (c0.message.as_str(), c0.recipient.as_deref()),
            ("Hello 0", Some("+919800000000"))
        );
        assert_eq!(c0.campaign_name, "Campaign K-1");
        let c2 = &log["C-2"];
        assert_eq!((c2.status, c2.failed_at), (S::Failed, Some(T0 + 5)));
        assert_eq!(c2.failure_reason.as_deref(), Some("no phone number"));
        assert_eq!(log["C-3"].status, S::Cancelled);
        assert_eq!(log.len(), 5);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_claim_takes_queued_rows_and_rows_left_sending_too_long() {
    on_each_backend(|db| async move {
        let ids = customers(&db, &["C-0", "C-1", "C-2"]).await;
        let queued: Vec<_> = ids.iter().map(|c| (*c, Queued)).collect();
        launched(&db, "K-1", T0, &queued, T0).await;
        launched(&db, "K-2", T0, &queued, T0).await;
        let claimed = messages::claim(&db, "K-1", &ids[..2], T0 + 10, T0 + 10)
            .await
            .unwrap();
        let customers: Vec<i64> = claimed.iter().map(|c| c.customer_id).collect();
        assert_eq!(customers, ids[..2], "the named customers, in row order");
        assert!(claimed.windows(2).all(|w| w[0].id < w[1].id));
        assert_eq!(claimed[0].message, format!("Hello {}", ids[0]));
        let log = rows(&db, "K-1").await;
        assert_eq!((log["C-0"].status, log["C-0"].attempts), (S::Sending, 1));
        assert_eq!(log["C-2"].status, S::Queued);
        assert!(
            statuses(&db, "K-2").await.iter().all(|s| s.1 == S::Queued),
            "another campaign's rows"
        );

        // Claimed at T0 + 10: not stale for a claim that counts as stale only what is older.
        let again = messages::claim(&db, "K-1", &ids[..2], T0 + 11, T0 + 10)
            .await
            .unwrap();
        assert!(again.is_empty());
        let stale = messages::claim(&db, "K-1", &ids, T0 + 12, T0 + 11)
            .await
            .unwrap();
        assert_eq!(stale.len(), 3, "two stale and one queued");
        assert_eq!(rows(&db, "K-1").await["C-0"].attempts, 2);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn release_and_renew_change_only_rows_still_sending() {
    on_each_backend(|db| async move {
        let ids = customers(&db, &["C-0", "C-1", "C-2"]).await;
        launched(
            &db,
            "K-1",
            T0,
            &[(ids[0], Sent), (ids[1], Sending), (ids[2], Sending)],
            T0,
        )
        .await;
        let log = rows(&db, "K-1").await;
        messages::release(&db, &[log["C-0"].id, log["C-1"].id])
            .await
            .unwrap();
        let expected = st(&[("C-0", S::Sent), ("C-1", S::Queued), ("C-2", S::Sending)]);
        assert_eq!(statuses(&db, "K-1").await, expected);
        messages::renew(&db, &[log["C-2"].id], T0 + 50)
            .await
            .unwrap();
        assert!(messages::take_stale(&db, T0 + 50, T0 + 60, 10)
            .await
            .unwrap()
            .is_empty());
        let stale = messages::take_stale(&db, T0 + 51, T0 + 60, 10)
            .await
            .unwrap();
        assert_eq!(stale, [("K-1".to_owned(), ids[2])]);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_rows_are_taken_once_oldest_first() {
    on_each_backend(|db| async move {
        let ids = customers(&db, &["C-0", "C-1", "C-2", "C-3"]).await;
        let queued: Vec<_> = ids.iter().map(|c| (*c, Queued)).collect();
        launched(&db, "K-1", T0, &queued, T0).await;
        for (i, id) in ids.iter().enumerate() {
            let at = T0 + 10 * i as i64;
            assert_eq!(
                messages::claim(&db, "K-1", &[*id], at, at)
                    .await
                    .unwrap()
                    .len(),
                1
            );
        }
        let log = rows(&db, "K-1").await;
        let mut tx = db.begin().await.unwrap();
        messages::mark_sent(&mut tx, &[(log["C-0"].id, "v-0".into())], T0 + 1)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let taken = |before, limit| {
            let db = db.clone();
            async move {
                let mut rows = messages::take_stale(&db, before, T0 + 100, limit)
                    .await
                    .unwrap();
                rows.sort();
                rows.into_iter().map(|(_, c)| c).collect::<Vec<_>>()
            }
        };
        assert_eq!(
            taken(T0 + 35, 2).await,
            [ids[1], ids[2]],
            "the oldest, never a sent row"
        );
        assert_eq!(taken(T0 + 35, 10).await, [ids[3]]);
        assert!(
            taken(T0 + 35, 10).await.is_empty(),
            "taken once: their claims are renewed"
        );
        assert_eq!(taken(T0 + 101, 10).await.len(), 3);
        // The job that hands them out again may claim them.
        let reclaimed = messages::claim(&db, "K-1", &ids, T0 + 101, T0 + 101)
            .await
            .unwrap();
        assert_eq!(reclaimed.len(), 3);
    })
    .await;
}
