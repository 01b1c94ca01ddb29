//! Campaigns to run the campaign consumers on: a running campaign over a city's customers, its jobs
//! as the consumers hand them to each other, a bus in the same database, and its log read back.

use super::{deliver, now};
use minicrm_bus::dbqueue::DbQueue;
use minicrm_bus::{Bus, ConsumerOptions, Envelope};
use minicrm_domain::campaign::{Channel, MessageStatus};
use minicrm_domain::Currency;
use minicrm_store::campaigns::{self, CampaignRow, NewCampaignRow};
use minicrm_store::messages::{self, MessageRow};
use minicrm_store::{queue, Db};
use minicrm_workers::snapshot::SnapshotBatch;
use serde_json::json;
use std::sync::Arc;

/// A WhatsApp number the simulator delivers to, and one it always fails (`invalid_number`: a +91
/// number must start with 6–9).
pub const GOOD_PHONE: &str = "+919876543210";
pub const BAD_PHONE: &str = "+915123456789";

/// A database queue in the data database itself, so what a consumer publishes commits with it.
pub fn bus(db: &Db) -> Arc<DbQueue> {
    Arc::new(DbQueue::new(db.clone(), ConsumerOptions::default()))
}

pub fn inr() -> Currency {
    Currency::parse("INR").unwrap()
}

/// A WhatsApp campaign to the customers of `city`, created and started; its id.
pub async fn running_campaign(db: &Db, city: &str) -> String {
    let id = uuid::Uuid::now_v7().to_string();
    let rules =
        json!({"combinator": "and", "rules": [{"field": "city", "operator": "=", "value": city}]});
    let now = now();
    campaigns::create(
        db,
        &NewCampaignRow {
            id: &id,
            name: "Diwali",
            segment_id: None,
            rules: &rules,
            channel: Channel::Whatsapp,
            subject: None,
            message: "Hi {{first_name}}",
            objective: None,
            tags: &[],
            send_at: now,
            created_by: "test",
            created_at: now,
        },
    )
    .await
    .unwrap();
    let mut tx = db.begin().await.unwrap();
    let started = campaigns::start_due(&mut tx, now, 100).await.unwrap();
    tx.commit().await.unwrap();
    assert!(started.contains(&id), "the campaign started");
    id
}

/// A job of `kind` (`campaign.snapshot`, `delivery.send`) for a batch of a campaign's recipients,
/// under the id its producer gives it.
pub fn job(kind: &str, campaign_id: &str, chunk: usize, customer_ids: &[i64]) -> Envelope {
    let step = kind.rsplit('.').next().unwrap();
    let payload = json!({"campaign_id": campaign_id, "chunk": chunk, "customer_ids": customer_ids});
    Envelope::with_id(format!("{step}:{campaign_id}:{chunk}"), kind, 1, &payload).unwrap()
}

/// Writes the log rows of `customer_ids` (chunk 0) as the snapshot consumer does, and fixes the
/// audience so the campaign can complete. The send job it publishes is taken away: the tests hand
/// their send jobs to the sender themselves.
pub async fn snapshot(db: &Db, campaign_id: &str, customer_ids: &[i64]) {
    let mut tx = db.begin().await.unwrap();
    let audience = customer_ids.len() as i64;
    campaigns::record_snapshot(&mut tx, campaign_id, audience, 1, now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let bus: Arc<dyn Bus> = bus(db);
    let handler = SnapshotBatch::new(bus, db.clone(), inr());
    let envelope = job("campaign.snapshot", campaign_id, 0, customer_ids);
    deliver(db, &handler, &envelope).await.unwrap();
    let lease = "taken-by-the-test";
    let jobs = queue::claim(db, "delivery.send", lease, now(), 60_000, 100)
        .await
        .unwrap();
    queue::ack(db, &jobs, lease, false).await.unwrap();
}

pub async fn campaign(db: &Db, id: &str) -> CampaignRow {
    campaigns::get(db, id).await.unwrap()
}

/// The campaign's log, in row order.
pub async fn log(db: &Db, campaign_id: &str) -> Vec<MessageRow> {
    messages::page(db, campaign_id, None, 0, 1_000)
        .await
        .unwrap()
}

/// The statuses of the campaign's log, in row order.
pub async fn statuses(db: &Db, campaign_id: &str) -> Vec<MessageStatus> {
    log(db, campaign_id)
        .await
        .iter()
        .map(|r| r.status)
        .collect()
}

/// A running campaign whose log holds two queued rows (one the vendor will fail) and a failed one
/// (no number); its id and the customers' ids.
pub async fn ready_to_send(db: &Db) -> (String, Vec<i64>) {
    let ids = super::customers(
        db,
        json!([
            {"external_id": "P1", "name": "Asha", "city": "Pune", "phone": GOOD_PHONE},
            {"external_id": "P2", "name": "Ravi", "city": "Pune", "phone": BAD_PHONE},
            {"external_id": "P3", "name": "Meera", "city": "Pune"},
        ]),
    )
    .await;
    let id = running_campaign(db, "Pune").await;
    snapshot(db, &id, &ids).await;
    (id, ids)
}
