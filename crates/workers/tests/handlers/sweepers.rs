//! The sweepers: a parked order waits out its window and is then rejected with its reason, one whose
//! customer has arrived lands; rows a dead sender left `sending` are handed out again (and only those).

use crate::harness::campaign::{bus, running_campaign, snapshot, statuses, BAD_PHONE, GOOD_PHONE};
use crate::harness::vendor::TestVendor;
use crate::harness::{customers, deliver, ingestion, now, State};
use minicrm_bus::dbqueue::Outcome;
use minicrm_bus::Bus;
use minicrm_domain::campaign::MessageStatus::*;
use minicrm_domain::{IngestionStatus, NewOrder};
use minicrm_store::{customers as stored, ingestions, messages, Db};
use minicrm_workers::ingest_orders::IngestOrders;
use minicrm_workers::send::SendBatch;
use minicrm_workers::{sweepers, IngestSettings};
use serde_json::json;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

crate::on_both_backends!(
    a_parked_order_is_rejected_once_its_window_is_over,
    a_parked_order_whose_customer_arrived_lands,
    rows_left_sending_by_a_dead_sender_are_handed_out_again,
);

const WINDOW: Duration = Duration::from_millis(400);

fn settings() -> IngestSettings {
    IngestSettings {
        order_retry_window: WINDOW,
        first_retry: Duration::ZERO,
        sweep_interval: Duration::from_millis(20),
    }
}

/// An order of customer C9, who has not arrived: parked. Its ingestion's id.
async fn parked_order(db: &Db) -> String {
    let rows = json!([{"external_id": "O9", "customer_external_id": "C9", "amount": "12.50",
        "ordered_at": "2025-01-02T10:00:00Z"}]);
    let message = ingestion::<NewOrder>("ingest.orders", rows);
    let handler = IngestOrders {
        settings: settings(),
    };
    deliver(db, &handler, &message).await.unwrap();
    message.id
}

async fn a_parked_order_is_rejected_once_its_window_is_over(db: &Db) {
    let ingestion_id = parked_order(db).await;
    sweepers::sweep_once(db, &settings()).await.unwrap();
    let waiting = ingestions::get(db, &ingestion_id).await.unwrap();
    assert_eq!(
        (waiting.status, waiting.pending),
        (IngestionStatus::Pending, 1)
    );
    assert_eq!(State::of(db).await.rows("parked_orders").len(), 1);

    tokio::time::sleep(WINDOW).await;
    sweepers::sweep_once(db, &settings()).await.unwrap();
    let done = ingestions::get(db, &ingestion_id).await.unwrap();
    assert_eq!(done.status, IngestionStatus::Completed);
    assert_eq!((done.pending, done.rejected, done.persisted), (0, 1, 0));
    let rejections = ingestions::rejections(db, &ingestion_id, 10).await.unwrap();
    assert_eq!(rejections.len(), 1);
    assert_eq!(rejections[0].external_id, "O9");
    assert!(
        rejections[0].reason.contains("'C9' does not exist"),
        "{}",
        rejections[0].reason
    );
    let swept = State::of(db).await;
    assert!(swept.rows("parked_orders").is_empty());

    sweepers::sweep_once(db, &settings()).await.unwrap();
    assert_eq!(State::of(db).await, swept, "a second sweep changes nothing");
}

async fn a_parked_order_whose_customer_arrived_lands(db: &Db) {
    let ingestion_id = parked_order(db).await;
    customers(db, json!([{"external_id": "C9", "name": "Late"}])).await;
    sweepers::sweep_once(db, &settings()).await.unwrap();

    let late = stored::get(db, "C9").await.unwrap();
    assert_eq!((late.order_count, late.total_spend), (1, 1_250));
    let done = ingestions::get(db, &ingestion_id).await.unwrap();
    assert_eq!(done.status, IngestionStatus::Completed);
    assert_eq!((done.pending, done.persisted, done.rejected), (0, 1, 0));
    assert!(State::of(db).await.rows("parked_orders").is_empty());
}

async fn rows_left_sending_by_a_dead_sender_are_handed_out_again(db: &Db) {
    let vendor = TestVendor::start("secret").await;
    let ids = customers(
        db,
        json!([
            {"external_id": "P1", "name": "Asha", "city": "Pune", "phone": GOOD_PHONE},
            {"external_id": "P2", "name": "Ravi", "city": "Pune", "phone": BAD_PHONE},
        ]),
    )
    .await;
    let (dead, alive) = (
        running_campaign(db, "Pune").await,
        running_campaign(db, "Pune").await,
    );
    snapshot(db, &dead, &ids).await;
    snapshot(db, &alive, &ids).await;
    let long_ago = now() - 600_000;
    messages::claim(db, &dead, &ids, long_ago, i64::MIN)
        .await
        .unwrap();
    messages::claim(db, &alive, &ids, now(), i64::MIN)
        .await
        .unwrap();

    let bus = bus(db);
    let stop = CancellationToken::new();
    let delivery = vendor.settings(&vendor.url);
    let sweeper = tokio::spawn(sweepers::stale_sends(
        bus.clone(),
        db.clone(),
        minicrm_workers::DeliverySettings {
            sweep_interval: Duration::from_millis(20),
            ..delivery.clone()
        },
        stop.clone(),
    ));
    for _ in 0..200 {
        if bus.depth("delivery.send").await.unwrap() > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    stop.cancel();
    sweeper.await.unwrap().unwrap();
    assert_eq!(
        bus.depth("delivery.send").await.unwrap(),
        1,
        "one job, once"
    );

    let send = SendBatch::new(db.clone(), delivery, CancellationToken::new()).unwrap();
    let handled = bus.process_next("delivery.send", &send).await.unwrap();
    assert_eq!(handled, Outcome::Handled);
    assert_eq!(statuses(db, &dead).await, [Sent, Sent]);
    assert_eq!(
        statuses(db, &alive).await,
        [Sending, Sending],
        "a live sender's rows stay its own"
    );
    assert_eq!(vendor.vendor.stats().accepted, 2);
}
