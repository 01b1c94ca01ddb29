//! `campaign.snapshot`: a batch's log rows are written (a recipient without a number gets a failed
//! row with the reason) and its send job follows the commit; a redelivery changes nothing; a cancelled
//! campaign's rows are cancelled; a poison message is refused.

use crate::harness::campaign::{
    bus, campaign, inr, job, log, running_campaign, snapshot, GOOD_PHONE,
};
use crate::harness::{customers, deliver, envelope, now, refused, State};
use minicrm_bus::{Bus, Envelope};
use minicrm_domain::campaign::MessageStatus;
use minicrm_store::{campaigns, queue, Db};
use minicrm_workers::snapshot::SnapshotBatch;
use serde_json::json;
use std::sync::Arc;

crate::on_both_backends!(
    log_rows_are_written_and_the_send_job_follows,
    a_redelivered_snapshot_changes_nothing,
    a_cancelled_campaigns_rows_are_cancelled,
    a_message_that_is_not_a_snapshot_is_refused,
);

fn handler(db: &Db) -> SnapshotBatch {
    let bus: Arc<dyn Bus> = bus(db);
    SnapshotBatch::new(bus, db.clone(), inr())
}

/// Two customers of Pune, one without a phone number; their ids.
async fn recipients(db: &Db) -> Vec<i64> {
    customers(
        db,
        json!([
            {"external_id": "P1", "name": "Asha Rao", "city": "Pune", "phone": GOOD_PHONE},
            {"external_id": "P2", "name": "Ravi", "city": "Pune"},
        ]),
    )
    .await
}

async fn log_rows_are_written_and_the_send_job_follows(db: &Db) {
    let ids = recipients(db).await;
    let id = running_campaign(db, "Pune").await;
    let envelope = job("campaign.snapshot", &id, 0, &ids);
    deliver(db, &handler(db), &envelope).await.unwrap();

    let rows = log(db, &id).await;
    let seen: Vec<_> = rows
        .iter()
        .map(|r| {
            (
                r.customer_external_id.as_str(),
                r.status,
                r.message.as_str(),
                r.failure_reason.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("P1", MessageStatus::Queued, "Hi Asha", None),
            (
                "P2",
                MessageStatus::Failed,
                "Hi Ravi",
                Some("no phone number")
            ),
        ]
    );
    assert_eq!(rows[0].recipient.as_deref(), Some(GOOD_PHONE));
    let counters = campaign(db, &id).await;
    assert_eq!(
        (counters.queued, counters.failed, counters.chunks_done),
        (1, 1, 1)
    );
    let jobs = queue::claim(db, "delivery.send", "test", now(), 60_000, 10)
        .await
        .unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].message_id, format!("send:{id}:0"));
    let job = Envelope::from_json(jobs[0].body.as_bytes()).unwrap();
    assert_eq!(
        job.payload::<serde_json::Value>().unwrap()["customer_ids"],
        json!(ids)
    );
}

async fn a_redelivered_snapshot_changes_nothing(db: &Db) {
    let ids = recipients(db).await;
    let id = running_campaign(db, "Pune").await;
    let envelope = job("campaign.snapshot", &id, 0, &ids);
    deliver(db, &handler(db), &envelope).await.unwrap();
    let once = State::of(db).await;
    deliver(db, &handler(db), &envelope).await.unwrap();
    assert_eq!(
        State::of(db).await,
        once,
        "no second row, count or send job"
    );
}

async fn a_cancelled_campaigns_rows_are_cancelled(db: &Db) {
    let ids = recipients(db).await;
    let id = running_campaign(db, "Pune").await;
    assert!(campaigns::cancel(db, &id, now()).await.unwrap());
    snapshot(db, &id, &ids).await;
    let statuses: Vec<_> = log(db, &id).await.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [MessageStatus::Cancelled, MessageStatus::Cancelled]
    );
    assert_eq!(campaign(db, &id).await.cancelled, 2);
}

async fn a_message_that_is_not_a_snapshot_is_refused(db: &Db) {
    let ids = recipients(db).await;
    let id = running_campaign(db, "Pune").await;
    let batch = json!({"campaign_id": id, "chunk": 0, "customer_ids": ids});
    let poison = [
        job("delivery.send", &id, 0, &ids),
        Envelope::new("campaign.snapshot", 2, &batch).unwrap(),
        envelope(
            "campaign.snapshot",
            &json!({"campaign_id": id, "customer_ids": "all"}),
        ),
        envelope(
            "campaign.snapshot",
            &json!({"campaign_id": "nope", "chunk": 0, "customer_ids": ids}),
        ),
    ];
    for envelope in poison {
        refused(db, &handler(db), &envelope).await;
    }
}
