//! `imports`: a CSV import's tally, batches and row errors advance together, it finishes once, and its
//! progress is the sum of its batches' ingestions.

use crate::fixtures::T0;
use crate::harness::on_each_backend;
use minicrm_domain::{ImportStatus, RecordKind};
use minicrm_store::imports::{self, Batch, ImportError, NewImport, Progress, Tally};
use minicrm_store::ingestions::{self, Counts, NewIngestion};
use minicrm_store::{Db, StoreError};

async fn create(db: &Db, id: &str) {
    let new = NewImport {
        id,
        kind: RecordKind::Customers,
        file_name: Some("people.csv"),
        created_by: "ana@example.com",
        created_at: T0,
    };
    imports::create(db, &new).await.unwrap();
}

fn tally(rows_total: i64, rows_valid: i64) -> Tally {
    Tally {
        rows_total,
        rows_valid,
        rows_rejected: rows_total - rows_valid,
        errors_total: rows_total - rows_valid,
    }
}

fn batch(seq: i64, ingestion_id: &str, first_line: i64, last_line: i64) -> Batch<'_> {
    Batch {
        seq,
        ingestion_id,
        rows: last_line - first_line + 1,
        first_line,
        last_line,
    }
}

fn error(line: i64, field: Option<&str>) -> ImportError {
    ImportError {
        line,
        field: field.map(str::to_owned),
        reason: format!("line {line} is bad"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_advances_with_its_batches_and_errors() {
    on_each_backend(|db| async move {
        create(&db, "M-1").await;
        let row = imports::get(&db, "M-1").await.unwrap();
        assert_eq!(
            (row.kind, row.status),
            (RecordKind::Customers, ImportStatus::Receiving)
        );
        assert_eq!(
            (row.rows_total, row.rows_accepted, row.accepted_through_line),
            (0, 0, None)
        );
        assert_eq!(row.file_name.as_deref(), Some("people.csv"));

        let first = batch(0, "I-a", 2, 11);
        let errors = [error(7, Some("email")), error(4, None)];
        imports::advance(&db, "M-1", tally(12, 10), Some(&first), &errors)
            .await
            .unwrap();
        imports::advance(&db, "M-1", tally(15, 12), None, &[error(14, None)])
            .await
            .unwrap();
        let second = batch(1, "I-b", 12, 16);
        imports::advance(&db, "M-1", tally(16, 13), Some(&second), &[])
            .await
            .unwrap();

        let row = imports::get(&db, "M-1").await.unwrap();
        let counted = (
            row.rows_total,
            row.rows_valid,
            row.rows_rejected,
            row.errors_total,
        );
        assert_eq!(counted, (16, 13, 3, 3), "the latest tally");
        assert_eq!(
            (row.rows_accepted, row.accepted_through_line),
            (15, Some(16))
        );
        assert_eq!(
            imports::ingestion_ids(&db, "M-1").await.unwrap(),
            ["I-a", "I-b"]
        );
        let all = imports::errors(&db, "M-1", 10).await.unwrap();
        assert_eq!(
            all,
            [error(4, None), error(7, Some("email")), error(14, None)]
        );
        assert_eq!(
            imports::errors(&db, "M-1", 1).await.unwrap(),
            [error(4, None)]
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_advance_that_fails_leaves_nothing_behind() {
    on_each_backend(|db| async move {
        create(&db, "M-1").await;
        imports::advance(&db, "M-1", tally(5, 5), Some(&batch(0, "I-a", 2, 6)), &[])
            .await
            .unwrap();
        // The same batch again (seq 0): refused whole, the tally and errors with it.
        let (repeat, errors) = (batch(0, "I-b", 7, 9), [error(8, None)]);
        let again = imports::advance(&db, "M-1", tally(9, 8), Some(&repeat), &errors).await;
        assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
        let row = imports::get(&db, "M-1").await.unwrap();
        assert_eq!((row.rows_total, row.rows_accepted), (5, 5));
        assert!(imports::errors(&db, "M-1", 10).await.unwrap().is_empty());
        assert_eq!(imports::ingestion_ids(&db, "M-1").await.unwrap(), ["I-a"]);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_finishes_once() {
    on_each_backend(|db| async move {
        create(&db, "M-1").await;
        create(&db, "M-2").await;
        imports::finish(&db, "M-1", ImportStatus::Accepted, None, T0 + 9)
            .await
            .unwrap();
        imports::finish(&db, "M-1", ImportStatus::Failed, Some("late"), T0 + 10)
            .await
            .unwrap();
        let row = imports::get(&db, "M-1").await.unwrap();
        assert_eq!(
            (row.status, row.failure, row.finished_at),
            (ImportStatus::Accepted, None, Some(T0 + 9))
        );
        imports::finish(
            &db,
            "M-2",
            ImportStatus::Failed,
            Some("the upload stopped"),
            T0 + 3,
        )
        .await
        .unwrap();
        let row = imports::get(&db, "M-2").await.unwrap();
        assert_eq!(row.status, ImportStatus::Failed);
        assert_eq!(row.failure.as_deref(), Some("the upload stopped"));
        assert!(matches!(
            imports::get(&db, "M-3").await,
            Err(StoreError::NotFound)
        ));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_sums_the_ingestions_of_the_import_batches() {
    on_each_backend(|db| async move {
        create(&db, "M-1").await;
        create(&db, "M-2").await;
        assert_eq!(
            imports::progress(&db, "M-1").await.unwrap(),
            Progress::default()
        );
        let mut tx = db.begin().await.unwrap();
        for (id, delta) in [
            ("I-a", (5, 1, 0, 2)),
            ("I-b", (2, 0, 3, 0)),
            ("I-x", (50, 0, 0, 0)),
        ] {
            let new = NewIngestion {
                id,
                kind: RecordKind::Customers,
                accepted: 10,
                api_key_id: None,
                request_hash: None,
                created_at: T0,
            };
            ingestions::create(&mut tx, &new).await.unwrap();
            let (persisted, unchanged, pending, rejected) = delta;
            let counts = Counts {
                persisted,
                unchanged,
                pending,
                rejected,
            };
            ingestions::record(&mut tx, id, counts, T0).await.unwrap();
        }
        tx.commit().await.unwrap();
        // I-c is published but no consumer has recorded it yet; I-x belongs to another import.
        for (seq, id) in [(0, "I-a"), (1, "I-b"), (2, "I-c")] {
            let b = batch(seq, id, 2 + seq * 10, 11 + seq * 10);
            imports::advance(&db, "M-1", tally(0, 0), Some(&b), &[])
                .await
                .unwrap();
        }
        imports::advance(&db, "M-2", tally(0, 0), Some(&batch(0, "I-x", 2, 3)), &[])
            .await
            .unwrap();
        let expected = Progress {
            batches: 3,
            batches_completed: 1,
            persisted: 7,
            unchanged: 1,
            pending: 3,
            rejected: 2,
        };
        assert_eq!(imports::progress(&db, "M-1").await.unwrap(), expected);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imports_list_newest_first_before_a_cursor() {
    on_each_backend(|db| async move {
        let ids: Vec<String> = (0..4).map(|_| uuid::Uuid::now_v7().to_string()).collect();
        for id in &ids {
            create(&db, id).await;
        }
        let listed = |before: Option<String>, limit| {
            let db = db.clone();
            async move {
                let rows = imports::list(&db, before.as_deref(), limit).await.unwrap();
                rows.into_iter().map(|r| r.id).collect::<Vec<_>>()
            }
        };
        let newest: Vec<String> = ids.iter().rev().cloned().collect();
        assert_eq!(listed(None, 10).await, newest);
        assert_eq!(listed(None, 2).await, newest[..2]);
        assert_eq!(listed(Some(newest[1].clone()), 10).await, newest[2..]);
    })
    .await;
}
