//! `parked`: orders waiting for their customer are kept once, found by customer or by when they are
//! due, rescheduled with their attempts counted, and removed by id.

use crate::fixtures::{order, T0};
use crate::harness::on_each_backend;
use minicrm_domain::{LineItem, NewOrder, OrderStatus};
use minicrm_store::parked::{self, ParkedOrder};
use minicrm_store::Db;

/// Parks `(row index, order)` rows of ingestion `I-1` in a transaction of their own.
async fn park(db: &Db, rows: &[(usize, &NewOrder)], now: i64, retry_at: i64) -> usize {
    let mut tx = db.begin().await.unwrap();
    let parked = parked::park(&mut tx, "I-1", rows, now, retry_at)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    parked
}

async fn due(db: &Db, now: i64, limit: i64) -> Vec<ParkedOrder> {
    let mut tx = db.begin().await.unwrap();
    let due = parked::due(&mut tx, now, limit).await.unwrap();
    tx.commit().await.unwrap();
    due
}

fn ids(orders: &[ParkedOrder]) -> Vec<&str> {
    orders
        .iter()
        .map(|p| p.order.external_id.as_str())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_is_parked_once_and_kept_as_it_came() {
    on_each_backend(|db| async move {
        let mut o1 = order("O-1", "C-1", 1_999, OrderStatus::Pending, T0 - 5);
        o1.items = vec![LineItem {
            sku: "S".into(),
            name: "Socks".into(),
            category: None,
            quantity: 2,
            price: 999,
        }];
        let o2 = order("O-2", "C-2", 5, OrderStatus::Completed, T0 - 4);
        assert_eq!(park(&db, &[(3, &o1), (4, &o2)], T0, T0 + 10).await, 2);
        let mut again = o1.clone();
        again.amount.minor = 1;
        assert_eq!(park(&db, &[(7, &again)], T0 + 1, T0 + 99).await, 0);
        let waiting = due(&db, T0 + 10, 10).await;
        assert_eq!(ids(&waiting), ["O-1", "O-2"]);
        let first = &waiting[0];
        assert_eq!(first.order, o1, "the payload reads back whole");
        assert_eq!(first.ingestion_id, "I-1");
        assert_eq!(
            (first.row_index, first.attempts, first.parked_at),
            (3, 0, T0)
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_are_found_by_the_customer_they_wait_for() {
    on_each_backend(|db| async move {
        let o1 = order("O-1", "C-1", 1, OrderStatus::Completed, T0);
        let o2 = order("O-2", "C-2", 1, OrderStatus::Completed, T0);
        let o3 = order("O-3", "C-1", 1, OrderStatus::Completed, T0);
        park(&db, &[(0, &o1), (1, &o2), (2, &o3)], T0, T0).await;
        let mut tx = db.begin().await.unwrap();
        let wanted = ["C-1".to_owned(), "C-9".to_owned()];
        let found = parked::for_customers(&mut tx, &wanted).await.unwrap();
        assert_eq!(ids(&found), ["O-1", "O-3"]);
        assert!(parked::for_customers(&mut tx, &[])
            .await
            .unwrap()
            .is_empty());
        tx.rollback().await.unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn due_gives_the_earliest_due_first_up_to_the_limit() {
    on_each_backend(|db| async move {
        let orders: Vec<_> = (0..4)
            .map(|i| order(&format!("O-{i}"), "C-1", 1, OrderStatus::Completed, T0))
            .collect();
        // O-0 due last, O-3 not due yet; O-1 and O-2 due together (their ids break the tie).
        park(&db, &[(0, &orders[0])], T0, T0 + 30).await;
        park(&db, &[(1, &orders[1]), (2, &orders[2])], T0, T0 + 20).await;
        park(&db, &[(3, &orders[3])], T0, T0 + 41).await;
        assert_eq!(ids(&due(&db, T0 + 40, 10).await), ["O-1", "O-2", "O-0"]);
        assert_eq!(ids(&due(&db, T0 + 40, 2).await), ["O-1", "O-2"]);
        assert_eq!(
            ids(&due(&db, T0 + 30, 10).await),
            ["O-1", "O-2", "O-0"],
            "due at"
        );
        assert!(due(&db, T0 + 19, 10).await.is_empty());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reschedule_counts_an_attempt_and_remove_takes_only_the_named() {
    on_each_backend(|db| async move {
        let o1 = order("O-1", "C-1", 1, OrderStatus::Completed, T0);
        let o2 = order("O-2", "C-1", 1, OrderStatus::Completed, T0);
        park(&db, &[(0, &o1), (1, &o2)], T0, T0 + 10).await;
        let waiting = due(&db, T0 + 10, 10).await;
        let (one, two) = (waiting[0].id, waiting[1].id);
        let mut tx = db.begin().await.unwrap();
        parked::reschedule(&mut tx, one, T0 + 100).await.unwrap();
        parked::reschedule(&mut tx, one, T0 + 200).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(ids(&due(&db, T0 + 199, 10).await), ["O-2"]);
        let later = due(&db, T0 + 200, 10).await;
        assert_eq!(ids(&later), ["O-2", "O-1"]);
        assert_eq!((later[0].attempts, later[1].attempts), (0, 2));

        let mut tx = db.begin().await.unwrap();
        parked::remove(&mut tx, &[two]).await.unwrap();
        parked::remove(&mut tx, &[]).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(ids(&due(&db, T0 + 200, 10).await), ["O-1"]);
        // Once removed, the same order may be parked again (a later batch).
        assert_eq!(park(&db, &[(5, &o2)], T0 + 300, T0 + 300).await, 1);
    })
    .await;
}
