//! `insights`: a campaign's recipients sliced by spend tier, city, recency and order count (each
//! bucket with its label and its delivery), its failures by reason, earlier campaigns to compare
//! with, and its timeline.

use crate::fixtures::{customer, insert_orders, launched, order, upsert, Fate, DAY, T0};
use crate::harness::on_each_backend;
use minicrm_domain::campaign::Channel;
use minicrm_domain::{Currency, OrderStatus};
use minicrm_store::customers;
use minicrm_store::insights::{self, SpendTiers, DIMENSIONS};
use minicrm_store::Db;
use Fate::*;

/// The campaign's start.
const S: i64 = T0 + 400 * DAY;

/// A customer: name, city, and completed orders (rupees, days before `S`).
type Person = (&'static str, Option<&'static str>, &'static [(i64, i64)]);

/// Customers A–F: their city, and their completed orders (rupees, days before `S`).
async fn audience(db: &Db) -> Vec<i64> {
    let people: [Person; 6] = [
        ("A", Some("Pune"), &[]),
        ("B", Some("Pune"), &[(1_500, 10)]),
        ("C", None, &[(2_000, 60), (4_000, 40)]),
        (
            "D",
            Some("Delhi"),
            &[
                (6_000, 100),
                (6_000, 101),
                (6_000, 102),
                (6_000, 103),
                (6_000, 104),
            ],
        ),
        ("E", Some("Delhi"), &[(10, 200)]),
        ("F", Some("Pune"), &[]),
    ];
    let mut ids = Vec::new();
    for (name, city, orders) in people {
        let mut c = customer(name, T0);
        c.city = city.map(str::to_owned);
        upsert(db, &[c]).await;
        let new: Vec<_> = orders
            .iter()
            .enumerate()
            .map(|(i, (rupees, days))| {
                let id = format!("{name}-{i}");
                order(
                    &id,
                    name,
                    rupees * 100,
                    OrderStatus::Completed,
                    S - days * DAY,
                )
            })
            .collect();
        insert_orders(db, &new).await;
        ids.push(customers::get(db, name).await.unwrap().id);
    }
    // A pending order counts for nothing.
    insert_orders(
        db,
        &[order("A-p", "A", 9_000_000, OrderStatus::Pending, S - DAY)],
    )
    .await;
    ids
}

/// `(key, label, recipients, delivered, failed)` of each bucket, largest first, then by key.
async fn slices(db: &Db, dimension: usize) -> Vec<(String, String, i64, i64, i64)> {
    let tiers = SpendTiers::of(Currency::INR);
    let d = &DIMENSIONS[dimension];
    let rows = insights::slices(db, "K-1", d, S, &tiers).await.unwrap();
    assert!(
        rows.windows(2).all(|w| w[0].recipients >= w[1].recipients),
        "{} largest first",
        d.name
    );
    let mut rows: Vec<_> = rows
        .into_iter()
        .map(|r| (r.key, r.label, r.recipients, r.delivered, r.failed))
        .collect();
    rows.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    rows
}

fn bucket(
    key: &str,
    label: &str,
    recipients: i64,
    delivered: i64,
    failed: i64,
) -> (String, String, i64, i64, i64) {
    (
        key.to_owned(),
        label.to_owned(),
        recipients,
        delivered,
        failed,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recipients_are_sliced_into_labelled_buckets() {
    on_each_backend(|db| async move {
        let ids = audience(&db).await;
        let fates = [
            Delivered,
            Failed("invalid_number"),
            Delivered,
            Queued,
            Failed("blocked"),
            Failed("invalid_number"),
        ];
        let rows: Vec<_> = ids.iter().copied().zip(fates).collect();
        launched(&db, "K-1", S, &rows, S + 1000).await;
        assert_eq!(
            DIMENSIONS.map(|d| d.name),
            ["spend_tier", "city", "recency", "order_count"]
        );
        assert_eq!(
            slices(&db, 0).await,
            [
                bucket("a", "spend under ₹1,000", 3, 1, 2),
                bucket("b", "spend ₹1,000–₹4,999", 1, 0, 1),
                bucket("c", "spend ₹5,000–₹24,999", 1, 1, 0),
                bucket("d", "spend ₹25,000 and over", 1, 0, 0),
            ]
        );
        assert_eq!(
            slices(&db, 1).await,
            [
                bucket("Pune", "Pune", 3, 1, 2),
                bucket("Delhi", "Delhi", 2, 0, 1),
                bucket("", "no city", 1, 1, 0),
            ]
        );
        assert_eq!(
            slices(&db, 2).await,
            [
                bucket("never", "never ordered", 2, 1, 1),
                bucket("a", "last order under 30 days before", 1, 0, 1),
                bucket("b", "last order 30–89 days before", 1, 1, 0),
                bucket("c", "last order 90–179 days before", 1, 0, 0),
                bucket("d", "last order 180 days or more before", 1, 0, 1),
            ]
        );
        assert_eq!(
            slices(&db, 3).await,
            [
                bucket("a", "no orders", 2, 1, 1),
                bucket("b", "one order", 2, 0, 2),
                bucket("c", "2–4 orders", 1, 1, 0),
                bucket("d", "5 or more orders", 1, 0, 0),
            ]
        );
        let reasons = insights::failure_reasons(&db, "K-1").await.unwrap();
        assert_eq!(
            reasons,
            [("invalid_number".to_owned(), 2), ("blocked".to_owned(), 1)]
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn earlier_campaigns_are_those_before_with_outcomes_newest_first() {
    on_each_backend(|db| async move {
        let ids = audience(&db).await;
        let (a, b) = (ids[0], ids[1]);
        launched(
            &db,
            "K-old",
            S - 3 * DAY,
            &[(a, Failed("x")), (b, Delivered)],
            S,
        )
        .await;
        launched(&db, "K-quiet", S - 2 * DAY, &[(a, Queued), (b, Sent)], S).await;
        launched(&db, "K-prev", S - DAY, &[(a, Delivered)], S).await;
        launched(&db, "K-1", S, &[(a, Delivered)], S).await;
        launched(&db, "K-next", S + DAY, &[(a, Delivered)], S + DAY).await;
        let earlier = insights::earlier(&db, "K-1", S, 10).await.unwrap();
        let seen: Vec<_> = earlier
            .iter()
            .map(|e| (e.id.as_str(), e.channel, e.delivered, e.failed))
            .collect();
        assert_eq!(
            seen,
            [
                ("K-prev", Channel::Sms, 1, 0),
                ("K-old", Channel::Sms, 1, 1)
            ]
        );
        assert_eq!(earlier[0].name, "Campaign K-prev");
        assert_eq!(insights::earlier(&db, "K-1", S, 1).await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_timeline_counts_each_outcome_in_its_bucket() {
    on_each_backend(|db| async move {
        let ids = audience(&db).await;
        let rows = [
            (ids[0], Refused("no phone number")),
            (ids[1], Delivered),
            (ids[2], Failed("blocked")),
            (ids[3], Sending),
            (ids[4], Sent),
        ];
        launched(&db, "K-1", S, &rows, S + 2_500).await;
        let mut timeline = insights::timeline(&db, "K-1", S - 5_000, 1_000)
            .await
            .unwrap();
        timeline.sort();
        let expected = [
            ("delivered", 7, 1),
            ("failed", 5, 1),
            ("failed", 7, 1),
            ("sent", 5, 1),
            ("sent", 7, 3),
        ];
        let expected: Vec<_> = expected
            .iter()
            .map(|(k, b, n)| (k.to_string(), *b, *n))
            .collect();
        assert_eq!(timeline, expected);
        let coarse = insights::timeline(&db, "K-1", S, 0).await.unwrap();
        assert!(
            !coarse.is_empty(),
            "a zero bucket is taken as one millisecond"
        );
    })
    .await;
}
