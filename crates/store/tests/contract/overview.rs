//! `overview`: the dashboard's totals (customers, completed orders and revenue, active campaigns, the
//! window's campaigns' outcomes) and its days (new customers, completed orders and revenue, messages
//! delivered and failed), each counted in the day it happened.

use crate::fixtures::{campaign, customer, insert_orders, launched, order, upsert, Fate, DAY, T0};
use crate::harness::on_each_backend;
use minicrm_domain::{OrderStatus, Timestamp};
use minicrm_store::customers;
use minicrm_store::overview::{self, Day};
use OrderStatus::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_overview_counts_each_thing_once_in_its_day() {
    on_each_backend(|db| async move {
        // Made just before the window, on its first and second days, and as it ends.
        let made = [
            ("X1", T0 - 1),
            ("X2", T0),
            ("X3", T0 + DAY + 5),
            ("X4", T0 + 3 * DAY),
        ];
        for (name, at) in made {
            let mut c = customer(name, T0);
            c.created_at = Timestamp::from_millis(at);
            upsert(&db, &[c]).await;
        }
        let orders = [
            order("O-1", "X1", 100, Completed, T0 + 10),
            order("O-2", "X2", 200, Completed, T0 + 2 * DAY),
            order("O-3", "X3", 300, Completed, T0 + 3 * DAY - 1),
            order("O-4", "X1", 7_000, Pending, T0 + DAY),
            order("O-5", "X2", 4_000, Completed, T0 - 1),
            order("O-6", "X4", 8_000, Completed, T0 + 3 * DAY),
            order("O-7", "X4", 9_000, Refunded, T0 + 2 * DAY),
        ];
        insert_orders(&db, &orders).await;
        let id = |name: &'static str| {
            let db = db.clone();
            async move { customers::get(&db, name).await.unwrap().id }
        };
        let (x1, x2, x3) = (id("X1").await, id("X2").await, id("X3").await);
        // Made on day 0 with its outcomes on day 1; made before the window with one on day 2; one
        // still running; one scheduled.
        let fates = [(x1, Fate::Delivered), (x2, Fate::Failed("blocked"))];
        launched(&db, "K-a", T0 + 10, &fates, T0 + DAY + 10).await;
        launched(
            &db,
            "K-b",
            T0 - 10 * DAY,
            &[(x3, Fate::Delivered)],
            T0 + 2 * DAY + 1,
        )
        .await;
        launched(
            &db,
            "K-r",
            T0 + 2 * DAY,
            &[(x1, Fate::Queued)],
            T0 + 2 * DAY,
        )
        .await;
        campaign(&db, "K-s", T0 + 100 * DAY).await;

        let seen = overview::overview(&db, T0, 3).await.unwrap();
        assert_eq!(seen.customers, 4);
        assert_eq!(
            (seen.orders, seen.revenue),
            (5, 12_600),
            "completed orders, whenever"
        );
        assert_eq!(seen.active_campaigns, 2);
        assert_eq!(
            (seen.delivered, seen.failed),
            (1, 1),
            "of the campaigns made in the window"
        );
        let day = |new_customers, orders, revenue, delivered, failed| Day {
            new_customers,
            orders,
            revenue,
            delivered,
            failed,
        };
        assert_eq!(
            seen.days,
            [
                day(1, 1, 100, 0, 0),
                day(1, 0, 0, 1, 1),
                day(0, 2, 500, 1, 0)
            ]
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_store_has_an_empty_overview_of_as_many_days_as_asked() {
    on_each_backend(|db| async move {
        let seen = overview::overview(&db, T0, 7).await.unwrap();
        assert_eq!(seen.days, vec![Day::default(); 7]);
        assert_eq!(
            (
                seen.customers,
                seen.orders,
                seen.revenue,
                seen.active_campaigns
            ),
            (0, 0, 0, 0)
        );
    })
    .await;
}
