//! A campaign's counters move by exactly the changes they are given, and a running campaign completes
//! when its audience is written and no row waits for the vendor.

use super::{add, snapshot, start_due, status};
use crate::fixtures::{campaign, T0};
use crate::harness::on_each_backend;
use minicrm_domain::campaign::CampaignStatus::*;
use minicrm_store::campaigns::{self, Counts};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counters_move_by_their_changes_and_complete_the_campaign_when_done() {
    on_each_backend(|db| async move {
        campaign(&db, "K-1", T0).await;
        start_due(&db, T0, 10).await;
        snapshot(&db, "K-1", 3, 2, T0).await;
        add(
            &db,
            "K-1",
            Counts {
                queued: 2,
                failed: 1,
                chunks_done: 1,
                ..Default::default()
            },
            T0,
        )
        .await;
        add(
            &db,
            "K-1",
            Counts {
                queued: -2,
                sent: 2,
                ..Default::default()
            },
            T0,
        )
        .await;
        add(
            &db,
            "K-1",
            Counts {
                sent: -2,
                delivered: 1,
                failed: 1,
                ..Default::default()
            },
            T0,
        )
        .await;
        let row = campaigns::get(&db, "K-1").await.unwrap();
        assert_eq!(row.status, Running, "one chunk of two is written");
        assert_eq!(
            (row.queued, row.sent, row.delivered, row.failed),
            (0, 0, 1, 2)
        );
        add(&db, "K-1", Counts::default(), T0 + 1).await;
        assert_eq!(status(&db, "K-1").await, Running);
        add(
            &db,
            "K-1",
            Counts {
                cancelled: 1,
                chunks_done: 1,
                ..Default::default()
            },
            T0 + 2,
        )
        .await;
        let row = campaigns::get(&db, "K-1").await.unwrap();
        assert_eq!((row.status, row.completed_at), (Completed, Some(T0 + 2)));
        assert_eq!((row.cancelled, row.chunks_done), (1, 2));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_campaign_completes_only_running_with_its_audience_and_nothing_waiting() {
    on_each_backend(|db| async move {
        let done = |id: &'static str, at| {
            let db = db.clone();
            async move {
                let mut tx = db.begin().await.unwrap();
                campaigns::complete_if_done(&mut tx, id, at).await.unwrap();
                tx.commit().await.unwrap();
                status(&db, id).await
            }
        };
        campaign(&db, "K-1", T0).await;
        snapshot(&db, "K-1", 0, 0, T0).await;
        assert_eq!(done("K-1", T0).await, Scheduled, "not started");
        start_due(&db, T0, 10).await;
        campaign(&db, "K-2", T0).await;
        start_due(&db, T0, 10).await;
        assert_eq!(done("K-2", T0).await, Running, "no audience yet");
        add(
            &db,
            "K-1",
            Counts {
                queued: 1,
                ..Default::default()
            },
            T0,
        )
        .await;
        assert_eq!(done("K-1", T0).await, Running, "a row is queued");
        add(
            &db,
            "K-1",
            Counts {
                queued: -1,
                sent: 1,
                ..Default::default()
            },
            T0,
        )
        .await;
        assert_eq!(done("K-1", T0).await, Running, "a row awaits its receipt");
        add(
            &db,
            "K-1",
            Counts {
                sent: -1,
                delivered: 1,
                ..Default::default()
            },
            T0 + 3,
        )
        .await;
        assert_eq!(status(&db, "K-1").await, Completed);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_for_many_campaigns_apply_each_to_its_own() {
    on_each_backend(|db| async move {
        for id in ["K-a", "K-b", "K-c"] {
            campaign(&db, id, T0).await;
        }
        start_due(&db, T0, 10).await;
        let changes = [
            (
                "K-c".to_owned(),
                Counts {
                    queued: 3,
                    ..Default::default()
                },
            ),
            (
                "K-a".to_owned(),
                Counts {
                    sent: 1,
                    failed: 2,
                    ..Default::default()
                },
            ),
        ];
        let mut tx = db.begin().await.unwrap();
        campaigns::add_counts_in_order(&mut tx, changes, T0)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let counters = |id: &'static str| {
            let db = db.clone();
            async move {
                let r = campaigns::get(&db, id).await.unwrap();
                (r.queued, r.sent, r.failed)
            }
        };
        assert_eq!(counters("K-a").await, (0, 1, 2));
        assert_eq!(counters("K-b").await, (0, 0, 0));
        assert_eq!(counters("K-c").await, (3, 0, 0));
    })
    .await;
}
