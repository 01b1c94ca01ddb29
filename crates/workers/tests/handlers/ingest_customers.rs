//! `ingest.customers`: a batch is upserted and counted, the orders that waited for its customers land,
//! a redelivery changes nothing, and a message that is not a customer batch is refused.

use crate::harness::{deliver, envelope, ingestion, refused, State};
use minicrm_domain::{IngestionStatus, NewCustomer, NewOrder};
use minicrm_store::{customers, ingestions, Db};
use minicrm_workers::ingest_customers::IngestCustomers;
use minicrm_workers::ingest_orders::IngestOrders;
use minicrm_workers::IngestSettings;
use serde_json::json;

crate::on_both_backends!(
    a_batch_is_stored_and_counted,
    the_orders_that_waited_for_a_customer_land_with_it,
    a_redelivered_batch_changes_nothing,
    a_message_that_is_not_a_customer_batch_is_refused,
);

fn two_customers() -> serde_json::Value {
    json!([
        {"external_id": "C1", "name": "Asha Rao", "city": "Pune", "phone": "+919876543210"},
        {"external_id": "C2", "name": "Ravi Iyer", "email": "ravi@example.com"},
    ])
}

async fn a_batch_is_stored_and_counted(db: &Db) {
    let message = ingestion::<NewCustomer>("ingest.customers", two_customers());
    deliver(db, &IngestCustomers, &message).await.unwrap();

    let asha = customers::get(db, "C1").await.unwrap();
    assert_eq!(
        (asha.name.as_str(), asha.city.as_deref()),
        ("Asha Rao", Some("Pune"))
    );
    assert_eq!(asha.phone.as_deref(), Some("+919876543210"));
    let ravi = customers::get(db, "C2").await.unwrap();
    assert_eq!(ravi.email.as_deref(), Some("ravi@example.com"));
    let record = ingestions::get(db, &message.id).await.unwrap();
    assert_eq!(record.status, IngestionStatus::Completed);
    assert_eq!(
        (record.accepted, record.persisted, record.unchanged),
        (2, 2, 0)
    );
}

async fn the_orders_that_waited_for_a_customer_land_with_it(db: &Db) {
    let orders = IngestOrders {
        settings: IngestSettings::default(),
    };
    let early = json!([{"external_id": "O1", "customer_external_id": "C1", "amount": "250.50",
        "ordered_at": "2025-01-02T10:00:00Z"}]);
    let early = ingestion::<NewOrder>("ingest.orders", early);
    deliver(db, &orders, &early).await.unwrap();
    let parked = ingestions::get(db, &early.id).await.unwrap();
    assert_eq!(
        (parked.status, parked.pending),
        (IngestionStatus::Pending, 1)
    );

    let message = ingestion::<NewCustomer>("ingest.customers", two_customers());
    deliver(db, &IngestCustomers, &message).await.unwrap();

    let asha = customers::get(db, "C1").await.unwrap();
    assert_eq!((asha.order_count, asha.total_spend), (1, 25_050));
    let landed = ingestions::get(db, &early.id).await.unwrap();
    assert_eq!(landed.status, IngestionStatus::Completed);
    assert_eq!((landed.persisted, landed.pending), (1, 0));
}

async fn a_redelivered_batch_changes_nothing(db: &Db) {
    let message = ingestion::<NewCustomer>("ingest.customers", two_customers());
    deliver(db, &IngestCustomers, &message).await.unwrap();
    let once = State::of(db).await;
    deliver(db, &IngestCustomers, &message).await.unwrap();
    assert_eq!(State::of(db).await, once);

    // The same records under a new message (a client's retry) are one record each, counted unchanged.
    let again = ingestion::<NewCustomer>("ingest.customers", two_customers());
    deliver(db, &IngestCustomers, &again).await.unwrap();
    let record = ingestions::get(db, &again.id).await.unwrap();
    assert_eq!((record.persisted, record.unchanged), (0, 2));
    assert_eq!(customers::count(db).await.unwrap(), 2);
}

async fn a_message_that_is_not_a_customer_batch_is_refused(db: &Db) {
    let good = ingestion::<NewCustomer>("ingest.customers", two_customers());
    let batch = good.payload::<serde_json::Value>().unwrap();
    let other_kind = ingestion::<NewOrder>(
        "ingest.orders",
        json!([{"external_id": "O1", "customer_external_id": "C1", "amount": 1,
            "ordered_at": "2025-01-02T10:00:00Z"}]),
    );
    let newer = minicrm_bus::Envelope::new("ingest.customers", 2, &batch).unwrap();
    let misfiled = minicrm_bus::Envelope::new("ingest.orders", 1, &batch).unwrap();
    let unreadable = envelope("ingest.customers", &json!({"records": "none"}));
    for poison in [other_kind, newer, misfiled, unreadable] {
        refused(db, &IngestCustomers, &poison).await;
    }
}
