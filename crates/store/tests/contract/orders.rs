//! `orders`: an order is stored once by external id, and only what is stored moves its customer's
//! aggregates — completed orders alone, summed exactly, with the first and last order times.

use crate::fixtures::{customers, insert_orders, order, DAY, T0};
use crate::harness::{on_each_backend, property};
use minicrm_domain::{LineItem, OrderStatus};
use minicrm_store::customers::{self as store_customers, CustomerRow};
use minicrm_store::orders::{self, OrderQuery};
use minicrm_store::Db;
use proptest::prelude::*;
use std::collections::HashMap;
use OrderStatus::*;

async fn aggregates(db: &Db, customer: &str) -> (i64, i64, Option<i64>, Option<i64>) {
    let c: CustomerRow = store_customers::get(db, customer).await.unwrap();
    (
        c.total_spend,
        c.order_count,
        c.first_order_at,
        c.last_order_at,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_is_stored_once_and_counted_once() {
    on_each_backend(|db| async move {
        customers(&db, &["C-1"]).await;
        let o = order("O-1", "C-1", 149_950, Completed, T0 + DAY);
        assert_eq!(insert_orders(&db, std::slice::from_ref(&o)).await, 1);
        assert_eq!(insert_orders(&db, std::slice::from_ref(&o)).await, 0);
        let mut changed = o.clone();
        changed.amount.minor = 1;
        assert_eq!(insert_orders(&db, &[changed]).await, 0, "the first stays");
        let expected = (149_950, 1, Some(T0 + DAY), Some(T0 + DAY));
        assert_eq!(aggregates(&db, "C-1").await, expected);
        assert_eq!(orders::count(&db).await.unwrap(), 1);
        let query = OrderQuery {
            limit: 10,
            ..Default::default()
        };
        let listed = orders::list(&db, &query).await.unwrap();
        assert_eq!(listed[0].amount, 149_950);
        assert_eq!(listed[0].currency, "INR");
    })
    .await;
}

/// A client may send an order's states in one batch; the first record is the order, and the
/// aggregates count what is stored, not a later record of the same id.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_record_of_an_order_in_a_batch_is_the_one_stored_and_counted() {
    on_each_backend(|db| async move {
        customers(&db, &["C-1", "C-2"]).await;
        let batch = [
            order("O-1", "C-1", 500, Pending, T0),
            order("O-1", "C-1", 500, Completed, T0 + DAY),
            order("O-2", "C-1", 700, Completed, T0),
            order("O-2", "C-2", 900, Completed, T0 + 2 * DAY),
        ];
        assert_eq!(insert_orders(&db, &batch).await, 2);
        assert_eq!(aggregates(&db, "C-1").await, (700, 1, Some(T0), Some(T0)));
        assert_eq!(aggregates(&db, "C-2").await, (0, 0, None, None));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_completed_orders_count_and_every_status_reads_back() {
    on_each_backend(|db| async move {
        customers(&db, &["C-1"]).await;
        let all = [
            order("O-1", "C-1", 100, Pending, T0 - 3 * DAY),
            order("O-2", "C-1", 200, Cancelled, T0 - 2 * DAY),
            order("O-3", "C-1", 400, Refunded, T0 + 9 * DAY),
            order("O-4", "C-1", 800, Completed, T0),
            order("O-5", "C-1", 1_600, Completed, T0 + DAY),
        ];
        assert_eq!(insert_orders(&db, &all).await, 5);
        assert_eq!(
            aggregates(&db, "C-1").await,
            (2_400, 2, Some(T0), Some(T0 + DAY))
        );
        let query = OrderQuery {
            limit: 10,
            ..Default::default()
        };
        let mut listed: Vec<_> = orders::list(&db, &query).await.unwrap();
        listed.sort_by(|a, b| a.external_id.cmp(&b.external_id));
        let statuses: Vec<OrderStatus> = listed.iter().map(|o| o.status).collect();
        assert_eq!(
            statuses,
            [Pending, Cancelled, Refunded, Completed, Completed]
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn line_items_are_stored_with_a_new_order_only() {
    on_each_backend(|db| async move {
        customers(&db, &["C-1"]).await;
        let item = |sku: &str, quantity| LineItem {
            sku: sku.into(),
            name: format!("Item {sku}"),
            category: Some("shoes".into()),
            quantity,
            price: 500,
        };
        let mut o = order("O-1", "C-1", 1_500, Completed, T0);
        o.items = vec![item("A", 1), item("B", 2)];
        insert_orders(&db, std::slice::from_ref(&o)).await;
        o.items = vec![item("C", 9)];
        insert_orders(&db, &[o]).await;
        let query = OrderQuery {
            limit: 1,
            ..Default::default()
        };
        let id = orders::list(&db, &query).await.unwrap()[0].id;
        let items = orders::items_of(&db, &[id]).await.unwrap();
        let items: Vec<_> = items.iter().map(|i| (i.sku.as_str(), i.quantity)).collect();
        assert_eq!(items, [("A", 1), ("B", 2)]);
        assert!(orders::items_of(&db, &[]).await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listing_pages_newest_first_and_narrows_to_a_customer() {
    on_each_backend(|db| async move {
        customers(&db, &["C-1", "C-2"]).await;
        // Two orders at the same instant: the id breaks the tie.
        let new = [
            order("O-1", "C-1", 1, Completed, T0),
            order("O-2", "C-2", 1, Completed, T0 + DAY),
            order("O-3", "C-1", 1, Completed, T0 + DAY),
            order("O-4", "C-1", 1, Completed, T0 + 2 * DAY),
        ];
        insert_orders(&db, &new).await;
        let mut seen = Vec::new();
        let mut before = None;
        // At most as many pages as it takes, and one more: a cursor that repeats a row never ends.
        for _ in 0..3 {
            let query = OrderQuery {
                customer: None,
                before,
                limit: 2,
            };
            let page = orders::list(&db, &query).await.unwrap();
            let Some(last) = page.last() else { break };
            before = Some((last.ordered_at, last.id));
            seen.extend(page.iter().map(|o| o.external_id.clone()));
        }
        assert_eq!(seen, ["O-4", "O-3", "O-2", "O-1"]);
        let query = OrderQuery {
            customer: Some("C-1".into()),
            before: None,
            limit: 10,
        };
        let mine: Vec<_> = orders::list(&db, &query).await.unwrap();
        let mine: Vec<_> = mine
            .iter()
            .map(|o| o.customer_external_id.as_str())
            .collect();
        assert_eq!(mine, ["C-1"; 3]);
        let nobody = OrderQuery {
            customer: Some("C-9".into()),
            before: None,
            limit: 10,
        };
        assert!(orders::list(&db, &nobody).await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_larger_than_one_statement_keeps_the_aggregates_exact() {
    on_each_backend(|db| async move {
        customers(&db, &["C-0", "C-1", "C-2"]).await;
        let new: Vec<_> = (0..2_500i64)
            .map(|i| {
                let status = if i % 5 == 0 { Cancelled } else { Completed };
                let customer = format!("C-{}", i % 3);
                order(&format!("O-{i}"), &customer, i, status, T0 + i * 1000)
            })
            .collect();
        assert_eq!(insert_orders(&db, &new).await, 2_500);
        for c in 0..3i64 {
            let theirs: Vec<i64> = (0..2_500).filter(|i| i % 3 == c && i % 5 != 0).collect();
            let expected = (
                theirs.iter().sum::<i64>(),
                theirs.len() as i64,
                theirs.first().map(|i| T0 + i * 1000),
                theirs.last().map(|i| T0 + i * 1000),
            );
            assert_eq!(aggregates(&db, &format!("C-{c}")).await, expected, "C-{c}");
        }
    })
    .await;
}

/// One order of a generated case: (external id, customer, amount, status, day, batch).
type Case = Vec<(u8, u8, i64, u8, i64, u8)>;

fn cases() -> impl Strategy<Value = Case> {
    let one = (0u8..10, 0u8..3, 0i64..1_000_000, 0u8..4, 0i64..400, 0u8..3);
    proptest::collection::vec(one, 1..40)
}

/// Inserts a case's orders batch by batch (an external id may come again, in its batch or a later one,
/// with other values) and checks each customer's aggregates against the orders stored and against the
/// model: the first record of an external id is the order; its customer's aggregates count it if
/// completed.
async fn check(db: &Db, run: usize, case: &Case) {
    let name = |kind: &str, n: u8| format!("P{run}-{kind}{n}");
    let people: Vec<String> = (0..3).map(|c| name("C", c)).collect();
    customers(db, &people.iter().map(String::as_str).collect::<Vec<_>>()).await;
    let mut model: HashMap<String, minicrm_domain::NewOrder> = HashMap::new();
    for batch in 0..3 {
        let new: Vec<_> = case
            .iter()
            .filter(|o| o.5 == batch)
            .map(|&(e, c, amount, s, day, _)| {
                let status = OrderStatus::ALL[s as usize];
                order(&name("O", e), &name("C", c), amount, status, T0 + day * DAY)
            })
            .collect();
        let mut firsts = 0;
        for o in &new {
            if !model.contains_key(o.external_id.as_str()) {
                model.insert(o.external_id.to_string(), o.clone());
                firsts += 1;
            }
        }
        assert_eq!(
            insert_orders(db, &new).await,
            firsts,
            "new in batch {batch}"
        );
    }
    for c in 0..3 {
        let customer = name("C", c);
        let query = OrderQuery {
            customer: Some(customer.clone()),
            before: None,
            limit: 100,
        };
        let stored = orders::list(db, &query).await.unwrap();
        for s in &stored {
            let m = &model[&s.external_id];
            assert_eq!(
                (s.amount, s.status),
                (m.amount.minor, m.status),
                "{}",
                s.external_id
            );
        }
        let counted: Vec<_> = stored.iter().filter(|o| o.status == Completed).collect();
        let times = counted.iter().map(|o| o.ordered_at);
        let from_stored = (
            counted.iter().map(|o| o.amount).sum::<i64>(),
            counted.len() as i64,
            times.clone().min(),
            times.max(),
        );
        let theirs = model
            .values()
            .filter(|o| o.customer_external_id.as_str() == customer);
        let from_model = theirs.filter(|o| o.status == Completed).fold(
            (0, 0, None, None),
            |(s, n, f, l): (i64, i64, Option<i64>, Option<i64>), o| {
                let t = o.ordered_at.millis();
                (
                    s + o.amount.minor,
                    n + 1,
                    Some(f.map_or(t, |f| f.min(t))),
                    Some(l.map_or(t, |l| l.max(t))),
                )
            },
        );
        assert_eq!(
            from_stored, from_model,
            "{customer}: stored orders against the model"
        );
        assert_eq!(
            aggregates(db, &customer).await,
            from_model,
            "{customer}'s aggregates"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aggregates_are_the_sum_of_the_stored_completed_orders() {
    on_each_backend(|db| async move {
        let db = &db;
        property(40, cases(), |run, case| async move {
            check(db, run, &case).await
        });
    })
    .await;
}
