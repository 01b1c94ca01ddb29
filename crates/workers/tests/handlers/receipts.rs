//! `delivery.receipts`, with the receipts the real vendor simulator signed and posted back: they
//! finish the rows they prove; receipts that prove no row (another vendor id, another campaign, a row
//! that never left us, a reference not ours) change nothing; a receipt again changes nothing; poison
//! is refused.

use crate::harness::campaign::{campaign, job, ready_to_send, running_campaign, statuses};
use crate::harness::vendor::TestVendor;
use crate::harness::{deliver, envelope, handle_alone, refused, State};
use minicrm_bus::Envelope;
use minicrm_domain::campaign::{CampaignStatus, MessageStatus::*};
use minicrm_messaging::Receipt;
use minicrm_store::{messages, Db};
use minicrm_workers::receipts::ApplyReceipts;
use minicrm_workers::send::SendBatch;
use serde_json::json;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

crate::on_both_backends!(
    signed_receipts_finish_the_rows_they_prove,
    receipts_that_prove_no_row_change_nothing,
    a_receipt_again_changes_nothing,
    a_message_that_is_not_receipts_is_refused,
);

const SECRET: &str = "receipt-secret";

/// A campaign whose two rows with a number were sent (P1 to be delivered, P2 to fail) and whose third
/// failed here; its id, and the vendor's receipts, checked as the API checks them.
async fn sent_with_receipts(db: &Db) -> (String, Vec<Receipt>) {
    let vendor = TestVendor::start(SECRET).await;
    let (id, ids) = ready_to_send(db).await;
    let send = SendBatch::new(
        db.clone(),
        vendor.settings(&vendor.url),
        CancellationToken::new(),
    );
    deliver(db, &send.unwrap(), &job("delivery.send", &id, 0, &ids))
        .await
        .unwrap();
    let mut receipts = Vec::new();
    while receipts.len() < 2 {
        let (signature, body) = vendor.callback().await;
        let now = chrono::Utc::now().timestamp();
        minicrm_messaging::verify(SECRET, &signature, &body, now, Duration::from_secs(300))
            .expect("signed by the vendor");
        receipts.extend(serde_json::from_slice::<Vec<Receipt>>(&body).unwrap());
    }
    (id, receipts)
}

fn callback(receipts: &[Receipt]) -> Envelope {
    envelope("delivery.receipts", &receipts)
}

async fn signed_receipts_finish_the_rows_they_prove(db: &Db) {
    let (id, receipts) = sent_with_receipts(db).await;
    deliver(db, &ApplyReceipts, &callback(&receipts))
        .await
        .unwrap();

    assert_eq!(statuses(db, &id).await, [Delivered, Failed, Failed]);
    let rows = crate::harness::campaign::log(db, &id).await;
    assert_eq!(rows[1].failure_reason.as_deref(), Some("invalid_number"));
    assert!(rows[0].delivered_at.is_some());
    let counters = campaign(db, &id).await;
    assert_eq!(
        (counters.sent, counters.delivered, counters.failed),
        (0, 1, 2)
    );
    assert_eq!(counters.status, CampaignStatus::Completed);
}

async fn receipts_that_prove_no_row_change_nothing(db: &Db) {
    let (id, receipts) = sent_with_receipts(db).await;
    let other = running_campaign(db, "Pune").await;
    let good = receipts[0].clone();
    let (_, row) = good.reference.rsplit_once(':').unwrap();
    let rows = crate::harness::campaign::log(db, &id).await;
    let with = |message_id: &str, reference: String| Receipt {
        message_id: message_id.into(),
        reference,
        ..good.clone()
    };
    let forged = [
        with("vm_0000000000000001", good.reference.clone()),
        with(&good.message_id, format!("{other}:{row}")),
        with(&good.message_id, format!("{id}:{}", rows[2].id)),
        with(&good.message_id, "not-ours".into()),
    ];
    let before = State::of(db).await;
    deliver(db, &ApplyReceipts, &callback(&forged))
        .await
        .unwrap();
    let after = State::of(db).await;
    assert_eq!(
        after.without("processed_messages"),
        before.without("processed_messages")
    );
    assert_eq!(statuses(db, &id).await, [Sent, Sent, Failed]);
}

async fn a_receipt_again_changes_nothing(db: &Db) {
    let (id, receipts) = sent_with_receipts(db).await;
    let first = callback(&receipts);
    deliver(db, &ApplyReceipts, &first).await.unwrap();
    let once = State::of(db).await;
    deliver(db, &ApplyReceipts, &first).await.unwrap();
    assert_eq!(State::of(db).await, once);
    // The vendor posts a callback again (its answer was lost): a new message, with no inbox to help.
    handle_alone(db, &ApplyReceipts, &callback(&receipts))
        .await
        .unwrap();
    assert_eq!(State::of(db).await, once);
    let rows = messages::page(db, &id, Some(Delivered), 0, 10)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
}

async fn a_message_that_is_not_receipts_is_refused(db: &Db) {
    let (_, receipts) = sent_with_receipts(db).await;
    let poison = [
        envelope("delivery.send", &receipts),
        Envelope::new("delivery.receipts", 2, &receipts).unwrap(),
        envelope("delivery.receipts", &json!({"receipts": receipts})),
        envelope("delivery.receipts", &json!([{"reference": "x"}])),
    ];
    for envelope in poison {
        refused(db, &ApplyReceipts, &envelope).await;
    }
}
