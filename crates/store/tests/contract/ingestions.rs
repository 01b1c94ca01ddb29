//! `ingestions`: an accepted batch is recorded once as `queued`; its counts add up; it is `pending`
//! while parked rows wait and `completed` when none do; `failed` and back only from the right status.

use crate::fixtures::T0;
use crate::harness::on_each_backend;
use minicrm_domain::{IngestionStatus, RecordKind};
use minicrm_store::ingestions::{self, Counts, NewIngestion};
use minicrm_store::{Db, StoreError};
use IngestionStatus::*;

fn new(id: &str, accepted: usize) -> NewIngestion<'_> {
    NewIngestion {
        id,
        kind: RecordKind::Orders,
        accepted,
        api_key_id: Some("key-1"),
        request_hash: Some("hash"),
        created_at: T0,
    }
}

async fn create(db: &Db, id: &str, accepted: usize) -> bool {
    let mut tx = db.begin().await.unwrap();
    let created = ingestions::create(&mut tx, &new(id, accepted))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    created
}

async fn record(db: &Db, id: &str, delta: Counts, now: i64) {
    let mut tx = db.begin().await.unwrap();
    ingestions::record(&mut tx, id, delta, now).await.unwrap();
    tx.commit().await.unwrap();
}

async fn status(db: &Db, id: &str) -> IngestionStatus {
    ingestions::get(db, id).await.unwrap().status
}

fn counts(persisted: i64, unchanged: i64, pending: i64, rejected: i64) -> Counts {
    Counts {
        persisted,
        unchanged,
        pending,
        rejected,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_is_recorded_once_as_queued() {
    on_each_backend(|db| async move {
        assert!(create(&db, "I-1", 3).await);
        assert!(!create(&db, "I-1", 9).await, "the retry finds it");
        let row = ingestions::get(&db, "I-1").await.unwrap();
        assert_eq!((row.kind, row.status), (RecordKind::Orders, Queued));
        assert_eq!(row.accepted, 3, "the first record stays");
        let counted = (row.persisted, row.unchanged, row.pending, row.rejected);
        assert_eq!(counted, (0, 0, 0, 0));
        assert_eq!(row.request_hash.as_deref(), Some("hash"));
        assert_eq!(
            (row.created_at, row.processed_at, row.completed_at),
            (T0, None, None)
        );
        assert!(matches!(
            ingestions::get(&db, "I-2").await,
            Err(StoreError::NotFound)
        ));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_without_parked_rows_is_completed_at_once() {
    on_each_backend(|db| async move {
        create(&db, "I-1", 4).await;
        record(&db, "I-1", counts(2, 1, 0, 1), T0 + 5).await;
        let row = ingestions::get(&db, "I-1").await.unwrap();
        assert_eq!(row.status, Completed);
        assert_eq!(
            (row.persisted, row.unchanged, row.pending, row.rejected),
            (2, 1, 0, 1)
        );
        assert_eq!(
            (row.processed_at, row.completed_at),
            (Some(T0 + 5), Some(T0 + 5))
        );
        assert_eq!(ingestions::completed(&db).await.unwrap(), 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_is_pending_until_its_last_parked_row_is_settled() {
    on_each_backend(|db| async move {
        create(&db, "I-1", 3).await;
        record(&db, "I-1", counts(1, 0, 2, 0), T0 + 1).await;
        let row = ingestions::get(&db, "I-1").await.unwrap();
        assert_eq!(
            (row.status, row.pending, row.completed_at),
            (Pending, 2, None)
        );
        record(&db, "I-1", counts(1, 0, -1, 0), T0 + 2).await;
        assert_eq!(status(&db, "I-1").await, Pending);
        assert_eq!(ingestions::completed(&db).await.unwrap(), 0);
        record(&db, "I-1", counts(0, 0, -1, 1), T0 + 3).await;
        let row = ingestions::get(&db, "I-1").await.unwrap();
        assert_eq!(row.status, Completed);
        assert_eq!((row.persisted, row.pending, row.rejected), (2, 0, 1));
        assert_eq!(row.processed_at, Some(T0 + 1), "processed once, first");
        assert_eq!(row.completed_at, Some(T0 + 3));
        record(&db, "I-1", counts(0, 1, 0, 0), T0 + 4).await;
        let row = ingestions::get(&db, "I-1").await.unwrap();
        assert_eq!(row.completed_at, Some(T0 + 3), "completed once");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_and_requeued_move_only_from_the_status_they_name() {
    on_each_backend(|db| async move {
        create(&db, "I-1", 1).await;
        ingestions::mark_requeued(&db, "I-1").await.unwrap();
        assert_eq!(
            status(&db, "I-1").await,
            Queued,
            "requeued only when failed"
        );
        ingestions::mark_failed(&db, "I-1").await.unwrap();
        assert_eq!(status(&db, "I-1").await, Failed);
        ingestions::mark_failed(&db, "I-1").await.unwrap();
        assert_eq!(status(&db, "I-1").await, Failed);
        ingestions::mark_requeued(&db, "I-1").await.unwrap();
        assert_eq!(status(&db, "I-1").await, Queued);

        // A consumer that got there first wins.
        record(&db, "I-1", counts(0, 0, 1, 0), T0).await;
        ingestions::mark_failed(&db, "I-1").await.unwrap();
        assert_eq!(status(&db, "I-1").await, Pending);
        record(&db, "I-1", counts(1, 0, -1, 0), T0).await;
        ingestions::mark_failed(&db, "I-1").await.unwrap();
        ingestions::mark_requeued(&db, "I-1").await.unwrap();
        assert_eq!(status(&db, "I-1").await, Completed);
        // Unknown ids change nothing and are no error.
        ingestions::mark_failed(&db, "I-9").await.unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejections_read_back_by_row_for_their_ingestion_only() {
    on_each_backend(|db| async move {
        create(&db, "I-1", 9).await;
        create(&db, "I-2", 9).await;
        let mut tx = db.begin().await.unwrap();
        for (id, row) in [("I-1", 5), ("I-1", 1), ("I-2", 0), ("I-1", 3)] {
            let reason = format!("row {row} is bad");
            ingestions::reject(&mut tx, id, row, &format!("O-{row}"), &reason, T0 + row)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        let rows = ingestions::rejections(&db, "I-1", 10).await.unwrap();
        let rows: Vec<_> = rows
            .iter()
            .map(|r| (r.row_index, r.external_id.as_str()))
            .collect();
        assert_eq!(rows, [(1, "O-1"), (3, "O-3"), (5, "O-5")]);
        let first = &ingestions::rejections(&db, "I-1", 1).await.unwrap()[0];
        assert_eq!(
            (first.reason.as_str(), first.rejected_at),
            ("row 1 is bad", T0 + 1)
        );
        assert_eq!(
            ingestions::rejections(&db, "I-1", 2).await.unwrap().len(),
            2
        );
    })
    .await;
}
