//! `ingest.orders`: orders land with their customer's aggregates, an order whose customer has not
//! arrived is parked, a redelivery changes nothing, and a message that is not an order batch is refused.

use crate::harness::{customers, deliver, envelope, ingestion, refused, State};
use minicrm_domain::{IngestionStatus, NewCustomer, NewOrder};
use minicrm_store::{customers as stored, ingestions, Db};
use minicrm_workers::ingest_orders::IngestOrders;
use minicrm_workers::IngestSettings;
use serde_json::{json, Value};

crate::on_both_backends!(
    orders_land_with_their_customers_aggregates,
    an_order_whose_customer_has_not_arrived_is_parked,
    a_redelivered_batch_changes_nothing,
    a_message_that_is_not_an_order_batch_is_refused,
);

fn handler() -> IngestOrders {
    IngestOrders {
        settings: IngestSettings::default(),
    }
}

fn orders() -> Value {
    json!([
        {"external_id": "O1", "customer_external_id": "C1", "amount": "100.25", "ordered_at": "2025-01-02T10:00:00Z"},
        {"external_id": "O2", "customer_external_id": "C1", "amount": 50, "ordered_at": "2025-03-04T10:00:00Z"},
        {"external_id": "O3", "customer_external_id": "C1", "amount": 999, "status": "cancelled",
         "ordered_at": "2025-03-05T10:00:00Z"},
    ])
}

async fn orders_land_with_their_customers_aggregates(db: &Db) {
    customers(db, json!([{"external_id": "C1", "name": "Asha"}])).await;
    let message = ingestion::<NewOrder>("ingest.orders", orders());
    deliver(db, &handler(), &message).await.unwrap();

    let asha = stored::get(db, "C1").await.unwrap();
    assert_eq!(
        (asha.order_count, asha.total_spend),
        (2, 15_025),
        "a cancelled order does not count"
    );
    let last = chrono::DateTime::parse_from_rfc3339("2025-03-04T10:00:00Z").unwrap();
    assert_eq!(asha.last_order_at, Some(last.timestamp_millis()));
    let record = ingestions::get(db, &message.id).await.unwrap();
    assert_eq!(record.status, IngestionStatus::Completed);
    assert_eq!(
        (record.accepted, record.persisted, record.pending),
        (3, 3, 0)
    );
}

async fn an_order_whose_customer_has_not_arrived_is_parked(db: &Db) {
    customers(db, json!([{"external_id": "C1", "name": "Asha"}])).await;
    let rows = json!([
        {"external_id": "O1", "customer_external_id": "C1", "amount": 10, "ordered_at": "2025-01-02T10:00:00Z"},
        {"external_id": "O9", "customer_external_id": "C9", "amount": 10, "ordered_at": "2025-01-02T10:00:00Z"},
    ]);
    let message = ingestion::<NewOrder>("ingest.orders", rows);
    deliver(db, &handler(), &message).await.unwrap();

    let record = ingestions::get(db, &message.id).await.unwrap();
    assert_eq!(record.status, IngestionStatus::Pending);
    assert_eq!((record.persisted, record.pending), (1, 1));
    assert!(
        stored::get(db, "C9").await.is_err(),
        "no customer is made up"
    );
    let parked = State::of(db).await;
    assert!(
        parked.rows("parked_orders")[0].starts_with("O9|"),
        "{parked:?}"
    );
}

async fn a_redelivered_batch_changes_nothing(db: &Db) {
    customers(db, json!([{"external_id": "C1", "name": "Asha"}])).await;
    let message = ingestion::<NewOrder>("ingest.orders", orders());
    deliver(db, &handler(), &message).await.unwrap();
    let once = State::of(db).await;
    deliver(db, &handler(), &message).await.unwrap();
    assert_eq!(State::of(db).await, once);

    // The same orders in a new message (a client's retry): one order each, the aggregates unmoved.
    let again = ingestion::<NewOrder>("ingest.orders", orders());
    deliver(db, &handler(), &again).await.unwrap();
    let asha = stored::get(db, "C1").await.unwrap();
    assert_eq!((asha.order_count, asha.total_spend), (2, 15_025));
    let record = ingestions::get(db, &again.id).await.unwrap();
    assert_eq!((record.persisted, record.unchanged), (0, 3));
}

async fn a_message_that_is_not_an_order_batch_is_refused(db: &Db) {
    customers(db, json!([{"external_id": "C1", "name": "Asha"}])).await;
    let good = ingestion::<NewOrder>("ingest.orders", orders());
    let batch = good.payload::<Value>().unwrap();
    let customers_batch = ingestion::<NewCustomer>(
        "ingest.customers",
        json!([{"external_id": "C2", "name": "Ravi"}]),
    );
    let newer = minicrm_bus::Envelope::new("ingest.orders", 2, &batch).unwrap();
    let misfiled = minicrm_bus::Envelope::new("campaign.launch", 1, &batch).unwrap();
    let unreadable = envelope(
        "ingest.orders",
        &json!({"ingestion_id": 7, "records": [{}]}),
    );
    for poison in [customers_batch, newer, misfiled, unreadable] {
        refused(db, &handler(), &poison).await;
    }
}
