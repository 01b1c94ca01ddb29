//! `delivery.send`, against the real vendor simulator: queued rows are sent once and marked sent; a
//! redelivered job sends nothing again; a job whose answers were lost is sent again under the same
//! references, which the vendor recognises; a cancelled campaign sends nothing; poison is refused.

use crate::harness::campaign::{campaign, job, log, ready_to_send, statuses};
use crate::harness::vendor::{LossyProxy, TestVendor};
use crate::harness::{deliver, envelope, now, refused, State};
use minicrm_bus::Envelope;
use minicrm_domain::campaign::MessageStatus::*;
use minicrm_store::{campaigns, Db};
use minicrm_workers::send::SendBatch;
use minicrm_workers::DeliverySettings;
use serde_json::json;
use std::collections::HashSet;
use tokio_util::sync::CancellationToken;

crate::on_both_backends!(
    queued_rows_are_sent_once_and_marked_sent,
    a_redelivered_job_sends_nothing_again,
    a_job_whose_answers_were_lost_sends_nothing_twice,
    a_cancelled_campaign_sends_nothing,
    rows_a_dead_sender_left_in_a_campaign_cancelled_since_are_resolved,
    a_message_that_is_not_a_send_job_is_refused,
);

fn sender(db: &Db, settings: DeliverySettings) -> SendBatch {
    SendBatch::new(db.clone(), settings, CancellationToken::new()).unwrap()
}

/// The vendor ids of the campaign's rows, which must all differ.
async fn vendor_ids(db: &Db, campaign_id: &str) -> Vec<String> {
    let ids: Vec<String> = log(db, campaign_id)
        .await
        .into_iter()
        .filter_map(|r| r.vendor_message_id)
        .collect();
    assert_eq!(
        ids.iter().collect::<HashSet<_>>().len(),
        ids.len(),
        "{ids:?}"
    );
    ids
}

async fn queued_rows_are_sent_once_and_marked_sent(db: &Db) {
    let vendor = TestVendor::start("secret").await;
    let (id, ids) = ready_to_send(db).await;
    let send = sender(db, vendor.settings(&vendor.url));
    deliver(db, &send, &job("delivery.send", &id, 0, &ids))
        .await
        .unwrap();

    assert_eq!(statuses(db, &id).await, [Sent, Sent, Failed]);
    assert_eq!(vendor_ids(db, &id).await.len(), 2);
    assert_eq!(vendor.vendor.stats().accepted, 2);
    let counters = campaign(db, &id).await;
    assert_eq!((counters.queued, counters.sent, counters.failed), (0, 2, 1));
}

async fn a_redelivered_job_sends_nothing_again(db: &Db) {
    let vendor = TestVendor::start("secret").await;
    let (id, ids) = ready_to_send(db).await;
    let send = sender(db, vendor.settings(&vendor.url));
    let envelope = job("delivery.send", &id, 0, &ids);
    deliver(db, &send, &envelope).await.unwrap();
    let once = State::of(db).await;
    // `prepare` runs on every delivery, the inbox notwithstanding; the same job under another id too.
    deliver(db, &send, &envelope).await.unwrap();
    let another = Envelope::new(
        "delivery.send",
        1,
        &envelope.payload::<serde_json::Value>().unwrap(),
    );
    deliver(db, &send, &another.unwrap()).await.unwrap();

    let after = State::of(db).await;
    let inbox = |state: &State| state.rows("processed_messages").len();
    assert_eq!(
        inbox(&after),
        inbox(&once) + 1,
        "only the new id is recorded"
    );
    assert_eq!(
        after.without("processed_messages"),
        once.without("processed_messages")
    );
    let stats = vendor.vendor.stats();
    assert_eq!((stats.accepted, stats.duplicates), (2, 0));
}

async fn a_job_whose_answers_were_lost_sends_nothing_twice(db: &Db) {
    let vendor = TestVendor::start("secret").await;
    let (id, ids) = ready_to_send(db).await;
    let tries = vendor.settings("").max_tries as usize;
    let proxy = LossyProxy::start(&vendor.url, tries).await;
    let send = sender(db, vendor.settings(&proxy.url));
    let envelope = job("delivery.send", &id, 0, &ids);

    let lost = deliver(db, &send, &envelope).await;
    assert!(lost.is_err(), "no answer came back, so the job fails");
    assert_eq!(
        statuses(db, &id).await,
        [Queued, Queued, Failed],
        "handed back"
    );
    assert_eq!(
        vendor.vendor.stats().accepted,
        2,
        "yet the vendor took them"
    );

    deliver(db, &send, &envelope).await.unwrap();
    assert_eq!(statuses(db, &id).await, [Sent, Sent, Failed]);
    assert_eq!(vendor_ids(db, &id).await.len(), 2);
    let stats = vendor.vendor.stats();
    assert_eq!(stats.accepted, 2, "each message reached the vendor once");
    assert_eq!(
        stats.duplicates,
        2 * tries as u64,
        "recognised by their references"
    );
}

async fn a_cancelled_campaign_sends_nothing(db: &Db) {
    let vendor = TestVendor::start("secret").await;
    let (id, ids) = ready_to_send(db).await;
    assert!(campaigns::cancel(db, &id, now()).await.unwrap());
    let send = sender(db, vendor.settings(&vendor.url));
    deliver(db, &send, &job("delivery.send", &id, 0, &ids))
        .await
        .unwrap();

    assert_eq!(statuses(db, &id).await, [Cancelled, Cancelled, Failed]);
    assert_eq!(vendor.vendor.stats().accepted, 0);
    let counters = campaign(db, &id).await;
    assert_eq!((counters.queued, counters.cancelled), (0, 2));
}

/// A sender claimed the rows, posted them (or not) and died; the campaign was cancelled since. Its
/// rows must not stay `sending`: the sweeper would hand them out again every `stale_after`, forever.
/// They were in flight when the campaign stopped, so they are posted again under their references:
/// the vendor recognises those it took, and the log agrees with it.
async fn rows_a_dead_sender_left_in_a_campaign_cancelled_since_are_resolved(db: &Db) {
    let vendor = TestVendor::start("secret").await;
    let (id, ids) = ready_to_send(db).await;
    minicrm_store::messages::claim(db, &id, &ids, now() - 600_000, i64::MIN)
        .await
        .unwrap();
    assert!(campaigns::cancel(db, &id, now()).await.unwrap());
    let send = sender(db, vendor.settings(&vendor.url));
    deliver(db, &send, &job("delivery.send", &id, 0, &ids))
        .await
        .unwrap();

    assert_eq!(statuses(db, &id).await, [Sent, Sent, Failed]);
    assert_eq!(vendor.vendor.stats().accepted, 2);
    let stale = minicrm_store::messages::take_stale(db, now(), now(), 10)
        .await
        .unwrap();
    assert!(stale.is_empty(), "nothing left for the sweeper: {stale:?}");
}

async fn a_message_that_is_not_a_send_job_is_refused(db: &Db) {
    let vendor = TestVendor::start("secret").await;
    let (id, ids) = ready_to_send(db).await;
    let send = sender(db, vendor.settings(&vendor.url));
    let batch = json!({"campaign_id": id, "chunk": 0, "customer_ids": ids});
    let poison = [
        job("campaign.snapshot", &id, 0, &ids),
        Envelope::new("delivery.send", 2, &batch).unwrap(),
        envelope(
            "delivery.send",
            &json!({"campaign_id": id, "customer_ids": [ids[0]]}),
        ),
        envelope(
            "delivery.send",
            &json!({"campaign_id": "nope", "chunk": 0, "customer_ids": ids}),
        ),
    ];
    for envelope in poison {
        refused(db, &send, &envelope).await;
    }
    assert_eq!(vendor.vendor.stats().accepted, 0);
    assert_eq!(statuses(db, &id).await, [Queued, Queued, Failed]);
}
