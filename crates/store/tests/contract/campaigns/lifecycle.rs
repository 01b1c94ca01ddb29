//! A campaign's life: made `scheduled`, started once when due, cancelled or failed only before it has
//! ended, its audience fixed once; and the listing.

use super::{snapshot, start_due, status};
use crate::fixtures::{campaign, T0};
use crate::harness::on_each_backend;
use minicrm_domain::campaign::{CampaignStatus, Channel};
use minicrm_store::{campaigns, StoreError};
use serde_json::json;
use CampaignStatus::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_campaign_is_kept_scheduled_and_reads_back_typed() {
    on_each_backend(|db| async move {
        let row = campaign(&db, "K-1", T0 + 60_000).await;
        assert_eq!((row.status, row.channel), (Scheduled, Channel::Sms));
        assert_eq!(row.rules.0, json!({"combinator": "and", "rules": []}));
        assert!(row.tags.0.is_empty());
        assert_eq!(
            (row.send_at, row.created_at, row.started_at),
            (T0 + 60_000, T0, None)
        );
        let counters = (
            row.queued,
            row.sent,
            row.delivered,
            row.failed,
            row.cancelled,
        );
        assert_eq!(counters, (0, 0, 0, 0, 0));
        assert_eq!((row.audience, row.chunks, row.chunks_done), (None, None, 0));
        assert!(matches!(
            campaigns::get(&db, "K-2").await,
            Err(StoreError::NotFound)
        ));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn due_campaigns_start_once_earliest_first() {
    on_each_backend(|db| async move {
        campaign(&db, "K-late", T0 + 20).await;
        campaign(&db, "K-early", T0 + 10).await;
        campaign(&db, "K-future", T0 + 31).await;
        assert!(start_due(&db, T0 + 9, 10).await.is_empty());
        assert_eq!(start_due(&db, T0 + 30, 1).await, ["K-early"]);
        assert_eq!(start_due(&db, T0 + 30, 10).await, ["K-late"]);
        assert!(start_due(&db, T0 + 30, 10).await.is_empty(), "started once");
        let row = campaigns::get(&db, "K-late").await.unwrap();
        assert_eq!((row.status, row.started_at), (Running, Some(T0 + 30)));
        assert_eq!(status(&db, "K-future").await, Scheduled);
        // A cancelled campaign is not started when its time comes.
        assert!(campaigns::cancel(&db, "K-future", T0 + 31).await.unwrap());
        assert!(start_due(&db, T0 + 40, 10).await.is_empty());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_and_fail_move_only_a_campaign_that_has_not_ended() {
    on_each_backend(|db| async move {
        for id in ["K-sched", "K-run", "K-failed", "K-done"] {
            campaign(&db, id, if id == "K-sched" { T0 + 99 } else { T0 }).await;
        }
        start_due(&db, T0, 10).await;
        campaigns::fail(&db, "K-sched", "no", T0).await.unwrap();
        assert_eq!(
            status(&db, "K-sched").await,
            Scheduled,
            "fail: running only"
        );
        campaigns::fail(&db, "K-failed", "the vendor refused the key", T0 + 5)
            .await
            .unwrap();
        let failed = campaigns::get(&db, "K-failed").await.unwrap();
        assert_eq!((failed.status, failed.failed_at), (Failed, Some(T0 + 5)));
        assert_eq!(
            failed.failure.as_deref(),
            Some("the vendor refused the key")
        );
        snapshot(&db, "K-done", 0, 0, T0).await;
        let mut tx = db.begin().await.unwrap();
        campaigns::complete_if_done(&mut tx, "K-done", T0 + 1)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(status(&db, "K-done").await, Completed);

        assert!(campaigns::cancel(&db, "K-sched", T0 + 7).await.unwrap());
        assert!(campaigns::cancel(&db, "K-run", T0 + 8).await.unwrap());
        let run = campaigns::get(&db, "K-run").await.unwrap();
        assert_eq!((run.status, run.cancelled_at), (Cancelled, Some(T0 + 8)));
        for ended in ["K-sched", "K-run", "K-failed", "K-done"] {
            assert!(
                !campaigns::cancel(&db, ended, T0 + 9).await.unwrap(),
                "{ended}"
            );
        }
        campaigns::fail(&db, "K-run", "late", T0 + 9).await.unwrap();
        assert_eq!(status(&db, "K-run").await, Cancelled);
        assert_eq!(status(&db, "K-done").await, Completed);
        assert!(!campaigns::cancel(&db, "K-none", T0).await.unwrap());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_started_campaign_without_its_audience_is_unlaunched_until_the_snapshot() {
    on_each_backend(|db| async move {
        campaign(&db, "K-1", T0).await;
        campaign(&db, "K-2", T0 + 50).await;
        assert!(
            campaigns::unlaunched(&db, T0 + 100)
                .await
                .unwrap()
                .is_empty(),
            "not started"
        );
        start_due(&db, T0, 10).await;
        start_due(&db, T0 + 50, 10).await;
        assert_eq!(campaigns::unlaunched(&db, T0 + 50).await.unwrap(), ["K-1"]);
        snapshot(&db, "K-1", 3, 1, T0 + 60).await;
        snapshot(&db, "K-1", 9, 9, T0 + 70).await;
        let row = campaigns::get(&db, "K-1").await.unwrap();
        assert_eq!(
            (row.audience, row.chunks, row.snapshot_at),
            (Some(3), Some(1), Some(T0 + 60))
        );
        assert_eq!(campaigns::unlaunched(&db, T0 + 100).await.unwrap(), ["K-2"]);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn campaigns_list_newest_first_by_status_and_cursor() {
    on_each_backend(|db| async move {
        for (id, send_at) in [("K-1", T0), ("K-2", T0 + 99), ("K-3", T0), ("K-4", T0 + 99)] {
            campaign(&db, id, send_at).await;
        }
        start_due(&db, T0, 10).await;
        let listed = |status: Option<CampaignStatus>, before: Option<&'static str>, limit| {
            let db = db.clone();
            async move {
                let rows = campaigns::list(&db, status, before, limit).await.unwrap();
                rows.into_iter().map(|r| r.id).collect::<Vec<_>>()
            }
        };
        assert_eq!(listed(None, None, 10).await, ["K-4", "K-3", "K-2", "K-1"]);
        assert_eq!(listed(None, Some("K-3"), 1).await, ["K-2"]);
        assert_eq!(listed(Some(Running), None, 10).await, ["K-3", "K-1"]);
        assert_eq!(listed(Some(Scheduled), Some("K-4"), 10).await, ["K-2"]);
        assert!(listed(Some(Failed), None, 10).await.is_empty());
    })
    .await;
}
