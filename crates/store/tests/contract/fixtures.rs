//! What the tests are made of: customers, orders and campaigns as the store receives them, at fixed
//! times, and the few steps that put them in a database.

use minicrm_domain::campaign::Channel;
use minicrm_domain::{
    Currency, Email, ExternalId, Money, NewCustomer, NewOrder, OrderStatus, Timestamp,
};
use minicrm_store::campaigns::{self, CampaignRow, NewCampaignRow};
use minicrm_store::{customers, orders, Db};
use serde_json::{json, Map};

/// An instant to count from (2023-11-14, UTC), in milliseconds.
pub const T0: i64 = 1_700_000_000_000;
pub const DAY: i64 = 86_400_000;

pub fn ext(text: &str) -> ExternalId {
    ExternalId::parse(text).expect("an external id")
}

/// A customer as ingestion hands it over, named after its external id.
pub fn customer(external_id: &str, updated_at: i64) -> NewCustomer {
    NewCustomer {
        external_id: ext(external_id),
        name: format!("Name of {external_id}"),
        email: Some(Email::parse(&format!("{external_id}@example.com")).expect("an address")),
        phone: None,
        city: None,
        attributes: Map::new(),
        created_at: Timestamp::from_millis(T0),
        updated_at: Timestamp::from_millis(updated_at),
    }
}

/// An order in rupees' minor units, without line items.
pub fn order(
    external_id: &str,
    customer: &str,
    minor: i64,
    status: OrderStatus,
    at: i64,
) -> NewOrder {
    NewOrder {
        external_id: ext(external_id),
        customer_external_id: ext(customer),
        amount: Money {
            minor,
            currency: Currency::INR,
        },
        status,
        ordered_at: Timestamp::from_millis(at),
        items: Vec::new(),
    }
}

/// Upserts customers in a transaction of their own; the external ids that changed.
pub async fn upsert(db: &Db, records: &[NewCustomer]) -> Vec<String> {
    let mut tx = db.begin().await.unwrap();
    let changed = customers::upsert(&mut tx, records).await.unwrap();
    tx.commit().await.unwrap();
    changed
}

/// Stores customers named by their external ids, all at `T0`; their internal ids, in that order.
pub async fn customers(db: &Db, external_ids: &[&str]) -> Vec<i64> {
    let records: Vec<_> = external_ids.iter().map(|e| customer(e, T0)).collect();
    upsert(db, &records).await;
    let mut ids = Vec::new();
    for e in external_ids {
        ids.push(customers::get(db, e).await.unwrap().id);
    }
    ids
}

/// Inserts orders whose customers exist, in a transaction of their own; how many were new.
pub async fn insert_orders(db: &Db, new: &[NewOrder]) -> usize {
    let mut tx = db.begin().await.unwrap();
    let wanted: Vec<&str> = new
        .iter()
        .map(|o| o.customer_external_id.as_str())
        .collect();
    let ids = customers::ids_by_external_id(&mut tx, &wanted)
        .await
        .unwrap();
    let rows: Vec<(i64, &NewOrder)> = new
        .iter()
        .map(|o| (ids[o.customer_external_id.as_str()], o))
        .collect();
    let inserted = orders::insert(&mut tx, &rows, "ingestion-1").await.unwrap();
    tx.commit().await.unwrap();
    inserted
}

/// A scheduled SMS campaign to everyone, made at `created_at` to be sent at `send_at`.
pub async fn campaign_at(db: &Db, id: &str, created_at: i64, send_at: i64) -> CampaignRow {
    let rules = json!({"combinator": "and", "rules": []});
    let new = NewCampaignRow {
        id,
        name: &format!("Campaign {id}"),
        segment_id: None,
        rules: &rules,
        channel: Channel::Sms,
        subject: None,
        message: "Hello {{ name }}",
        objective: None,
        tags: &[],
        send_at,
        created_by: "test",
        created_at,
    };
    campaigns::create(db, &new).await.unwrap()
}

/// A scheduled SMS campaign made at `T0` to be sent at `send_at`.
pub async fn campaign(db: &Db, id: &str, send_at: i64) -> CampaignRow {
    campaign_at(db, id, T0, send_at).await
}

mod log;
pub use log::{assert_counters_match_log, launched, vendor_id, Fate};
