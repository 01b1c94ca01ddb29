//! `campaign.launch`: the audience is fixed and split into snapshot jobs published with the launch; a
//! redelivered launch changes nothing; a campaign not started yet, or a poison message, is refused.

use crate::harness::campaign::{bus, campaign, inr, running_campaign};
use crate::harness::{customers, deliver, handle_alone, now, refused, State};
use minicrm_bus::{Bus, Envelope};
use minicrm_store::campaigns::{self, NewCampaignRow};
use minicrm_store::{queue, Db};
use minicrm_workers::launch::LaunchCampaign;
use serde_json::{json, Value};
use std::sync::Arc;

crate::on_both_backends!(
    the_audience_is_fixed_and_split_into_snapshot_jobs,
    a_redelivered_launch_changes_nothing,
    a_campaign_not_started_yet_is_not_launched,
    a_message_that_is_not_a_launch_is_refused,
);

fn handler(db: &Db) -> LaunchCampaign {
    let bus: Arc<dyn Bus> = bus(db);
    LaunchCampaign {
        bus,
        currency: inr(),
        snapshot_batch: 2,
    }
}

fn launch(campaign_id: &str) -> Envelope {
    let payload = json!({"campaign_id": campaign_id});
    Envelope::with_id(
        format!("launch:{campaign_id}"),
        "campaign.launch",
        1,
        &payload,
    )
    .unwrap()
}

async fn pune_and_delhi(db: &Db) -> Vec<i64> {
    customers(
        db,
        json!([
            {"external_id": "P1", "name": "A", "city": "Pune"},
            {"external_id": "D1", "name": "B", "city": "Delhi"},
            {"external_id": "P2", "name": "C", "city": "Pune"},
            {"external_id": "P3", "name": "D", "city": "Pune"},
        ]),
    )
    .await
}

async fn the_audience_is_fixed_and_split_into_snapshot_jobs(db: &Db) {
    let ids = pune_and_delhi(db).await;
    let id = running_campaign(db, "Pune").await;
    deliver(db, &handler(db), &launch(&id)).await.unwrap();

    let launched = campaign(db, &id).await;
    assert_eq!((launched.audience, launched.chunks), (Some(3), Some(2)));
    assert!(launched.snapshot_at.is_some());
    let jobs = queue::claim(db, "campaign.snapshot", "test", now(), 60_000, 10)
        .await
        .unwrap();
    let batches: Vec<(String, Value)> = jobs
        .iter()
        .map(|job| {
            let envelope = Envelope::from_json(job.body.as_bytes()).unwrap();
            let batch: Value = envelope.payload().unwrap();
            (job.message_id.clone(), batch["customer_ids"].clone())
        })
        .collect();
    let (p1, p2, p3) = (ids[0], ids[2], ids[3]);
    assert_eq!(
        batches,
        [
            (format!("snapshot:{id}:0"), json!([p1, p2])),
            (format!("snapshot:{id}:1"), json!([p3])),
        ]
    );
}

async fn a_redelivered_launch_changes_nothing(db: &Db) {
    pune_and_delhi(db).await;
    let id = running_campaign(db, "Pune").await;
    deliver(db, &handler(db), &launch(&id)).await.unwrap();
    let once = State::of(db).await;
    deliver(db, &handler(db), &launch(&id)).await.unwrap();
    assert_eq!(State::of(db).await, once);
    // Without the inbox too (the scheduler publishes a lost launch again): the audience stays fixed.
    customers(
        db,
        json!([{"external_id": "P4", "name": "E", "city": "Pune"}]),
    )
    .await;
    let later = State::of(db).await;
    handle_alone(db, &handler(db), &launch(&id)).await.unwrap();
    assert_eq!(State::of(db).await, later);
}

async fn a_campaign_not_started_yet_is_not_launched(db: &Db) {
    pune_and_delhi(db).await;
    let id = uuid::Uuid::now_v7().to_string();
    let rules = json!({"combinator": "and", "rules": [{"field": "city", "operator": "=", "value": "Pune"}]});
    let later = now() + 3_600_000;
    let new = NewCampaignRow {
        id: &id,
        name: "Later",
        segment_id: None,
        rules: &rules,
        channel: minicrm_domain::campaign::Channel::Sms,
        subject: None,
        message: "Hi",
        objective: None,
        tags: &[],
        send_at: later,
        created_by: "test",
        created_at: now(),
    };
    campaigns::create(db, &new).await.unwrap();
    // Published before the start committed: refused, so that it comes back once the start has.
    refused(db, &handler(db), &launch(&id)).await;
}

async fn a_message_that_is_not_a_launch_is_refused(db: &Db) {
    pune_and_delhi(db).await;
    let id = running_campaign(db, "Pune").await;
    let payload = json!({"campaign_id": id});
    let poison = [
        Envelope::new("campaign.snapshot", 1, &payload).unwrap(),
        Envelope::new("campaign.launch", 2, &payload).unwrap(),
        Envelope::new("campaign.launch", 1, &json!({"campaign": id})).unwrap(),
        Envelope::new(
            "campaign.launch",
            1,
            &json!({"campaign_id": "no-such-campaign"}),
        )
        .unwrap(),
    ];
    for envelope in poison {
        refused(db, &handler(db), &envelope).await;
    }
}
