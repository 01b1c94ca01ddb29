//! Vendor receipts: signed, fresh, at most 500 a callback, and applied only to the message they prove
//! they are about — a forged or replayed receipt changes nothing and is counted.

use crate::campaigns::{
    assert_settled, create, everyone, ingest_customers, log, wait_for_status, wait_until,
};
use crate::common::exposition;
use crate::helpers::{spawn_app_with, Backend, TestApp};
use serde_json::{json, Value};
use std::time::Duration;

crate::on_every_backend!(
    receipts_need_a_fresh_signature_and_apply_once,
    receipts_change_only_the_messages_they_prove,
    a_callback_carries_at_most_500_receipts,
);

use secrecy::ExposeSecret;

fn signed(secret: &str, body: &[u8], at: i64) -> String {
    minicrm_messaging::sign(secret, at, body)
}

async fn post_receipts(app: &TestApp, body: &Value, signature: Option<String>) -> u16 {
    let bytes = serde_json::to_vec(body).unwrap();
    let mut request = app
        .client
        .post(format!("{}/api/v1/receipts", app.address))
        .header("content-type", "application/json");
    if let Some(s) = signature {
        request = request.header(minicrm_messaging::SIGNATURE_HEADER, s);
    }
    request.body(bytes).send().await.unwrap().status().as_u16()
}

async fn receipts_need_a_fresh_signature_and_apply_once(backend: Backend) {
    // A vendor that never answers by itself: the test plays it.
    let app = spawn_app_with(&backend, |c| {
        c.vendor.latency = Duration::from_secs(3600)..=Duration::from_secs(3600);
    })
    .await;
    ingest_customers(&app, "R", 12).await;
    let campaign = create(
        &app,
        json!({"name": "R", "rules": everyone(), "channel": "sms", "message": "Hi"}),
    )
    .await;
    let id = campaign["id"].as_str().unwrap();
    let sent = wait_until(&app, id, |c| c["stats"]["sent"] == 11).await;
    assert_eq!(
        sent["stats"]["failed"], 1,
        "R0 has no phone; R10's number is invalid, but the vendor has not said so yet: {sent}"
    );
    let rows = log(&app, id).await;
    let sent_rows: Vec<&Value> = rows.iter().filter(|r| r["status"] == "sent").collect();
    let receipt = |row: &Value, status: &str, reason: Option<&str>, at: &str| {
        json!({"id": format!("vr_{}", row["id"]), "message_id": row["vendor_message_id"],
               "reference": format!("{id}:{}", row["id"]), "status": status, "reason": reason, "occurred_at": at})
    };
    let secret = app.config.api.receipt_secret.expose_secret().to_owned();
    let now = chrono::Utc::now().timestamp();
    let body = json!([
        receipt(sent_rows[0], "delivered", None, "2026-01-01T00:00:01Z"),
        receipt(
            sent_rows[1],
            "failed",
            Some("expired"),
            "2026-01-01T00:00:01Z"
        ),
        receipt(
            sent_rows[2],
            "failed",
            Some("carrier_rejected"),
            "2026-01-01T00:00:01Z"
        ),
    ]);
    let bytes = serde_json::to_vec(&body).unwrap();

    // Refused, and nothing applied: no signature, a wrong one, a stale one.
    assert_eq!(post_receipts(&app, &body, None).await, 401);
    assert_eq!(
        post_receipts(&app, &body, Some(signed("wrong", &bytes, now))).await,
        401
    );
    assert_eq!(
        post_receipts(&app, &body, Some(signed(&secret, &bytes, now - 3600))).await,
        401
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let c = app.get_json(&format!("/api/v1/campaigns/{id}")).await;
    assert_eq!(
        (
            c["stats"]["delivered"].as_i64(),
            c["stats"]["sent"].as_i64()
        ),
        (Some(0), Some(11))
    );

    // Accepted twice (a redelivery): applied once.
    for _ in 0..2 {
        assert_eq!(
            post_receipts(&app, &body, Some(signed(&secret, &bytes, now))).await,
            202
        );
    }
    // Out of order: a late "delivered" after "failed" wins; a late "failed" after "delivered" does not.
    let late = json!([
        receipt(sent_rows[1], "delivered", None, "2026-01-01T00:00:02Z"),
        receipt(
            sent_rows[0],
            "failed",
            Some("expired"),
            "2026-01-01T00:00:02Z"
        ),
    ]);
    let late_bytes = serde_json::to_vec(&late).unwrap();
    assert_eq!(
        post_receipts(&app, &late, Some(signed(&secret, &late_bytes, now))).await,
        202
    );
    let c = wait_until(&app, id, |c| c["stats"]["delivered"] == 2).await;
    assert_eq!(c["stats"]["failed"], 2, "{c}");
    assert_eq!(c["stats"]["sent"], 8, "{c}");
    assert_eq!(c["status"], "running");
    assert_settled(&app, &c, 12).await;
    let rows = log(&app, id).await;
    let row = |wanted: &Value| {
        rows.iter()
            .find(|r| r["id"] == wanted["id"])
            .unwrap()
            .clone()
    };
    assert_eq!(row(sent_rows[0])["status"], "delivered");
    assert_eq!(row(sent_rows[1])["status"], "delivered");
    assert_eq!(row(sent_rows[1])["failure_reason"], Value::Null);
    assert_eq!(row(sent_rows[2])["failure_reason"], "carrier_rejected");

    // The rest arrive: the campaign completes.
    let rest: Vec<Value> = sent_rows[3..]
        .iter()
        .map(|r| receipt(r, "delivered", None, "2026-01-01T00:00:03Z"))
        .collect();
    let rest = Value::Array(rest);
    let rest_bytes = serde_json::to_vec(&rest).unwrap();
    assert_eq!(
        post_receipts(&app, &rest, Some(signed(&secret, &rest_bytes, now))).await,
        202
    );
    let done = wait_for_status(&app, id, "completed").await;
    assert_settled(&app, &done, 12).await;
    app.stop().await;
}

/// A vendor that never answers by itself (the test plays it), and a campaign of 12 customers: P0 has
/// no phone (failed here, never sent), the other 11 are with the vendor.
async fn campaign_awaiting_receipts(backend: &Backend) -> (TestApp, String, Vec<Value>) {
    let app = spawn_app_with(backend, |c| {
        c.vendor.latency = Duration::from_secs(3600)..=Duration::from_secs(3600);
    })
    .await;
    ingest_customers(&app, "P", 12).await;
    let campaign = create(
        &app,
        json!({"name": "P", "rules": everyone(), "channel": "sms", "message": "Hi"}),
    )
    .await;
    let id = campaign["id"].as_str().unwrap().to_owned();
    wait_until(&app, &id, |c| c["stats"]["sent"] == 11).await;
    let rows = log(&app, &id).await;
    (app, id, rows)
}

fn receipt(reference: String, message_id: &Value, status: &str) -> Value {
    json!({"id": format!("vr_{reference}"), "message_id": message_id, "reference": reference,
           "status": status, "occurred_at": "2026-01-01T00:00:01Z"})
}

async fn post_signed(app: &TestApp, body: &Value) -> u16 {
    let bytes = serde_json::to_vec(body).unwrap();
    let now = chrono::Utc::now().timestamp();
    let signature = signed(app.config.api.receipt_secret.expose_secret(), &bytes, now);
    post_receipts(app, body, Some(signature)).await
}

/// The receipt counter of `status`, as `/metrics` has it now.
async fn receipts_counted(app: &TestApp, status: &str) -> f64 {
    let text = app
        .get("/metrics", &app.read_key)
        .await
        .text()
        .await
        .unwrap();
    let metrics = exposition::parse(&text).unwrap();
    metrics.sum("minicrm_delivery_receipts_total", &[("status", status)])
}

async fn counted_until(app: &TestApp, status: &str, wanted: f64) {
    for _ in 0..100 {
        if receipts_counted(app, status).await == wanted {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "{status} receipts: {} counted, {wanted} wanted",
        receipts_counted(app, status).await
    );
}

async fn receipts_change_only_the_messages_they_prove(backend: Backend) {
    let (app, id, rows) = campaign_awaiting_receipts(&backend).await;
    let failed_here = rows.iter().find(|r| r["status"] == "failed").unwrap();
    assert_eq!(
        failed_here["vendor_message_id"],
        Value::Null,
        "{failed_here}"
    );
    let sent: Vec<&Value> = rows.iter().filter(|r| r["status"] == "sent").collect();
    let reference = |row: &Value| format!("{id}:{}", row["id"]);

    // Signed, yet about no message handed to the vendor: each is ignored and counted.
    let other_campaign = uuid::Uuid::now_v7();
    let forged = json!([
        // A message that failed here (no phone number), never sent.
        receipt(reference(failed_here), &json!("vm_made_up"), "delivered"),
        // A sent message, under another vendor message id.
        receipt(reference(sent[0]), &json!("vm_other"), "delivered"),
        // A sent message's vendor id, under another campaign's reference.
        receipt(
            format!("{other_campaign}:{}", sent[1]["id"]),
            &sent[1]["vendor_message_id"],
            "failed"
        ),
        // No such row.
        receipt(
            format!("{id}:999999999"),
            &sent[2]["vendor_message_id"],
            "delivered"
        ),
    ]);
    assert_eq!(post_signed(&app, &forged).await, 202);
    counted_until(&app, "unmatched", 4.0).await;
    let c = app.get_json(&format!("/api/v1/campaigns/{id}")).await;
    assert_eq!(
        (
            &c["stats"]["delivered"],
            &c["stats"]["sent"],
            &c["stats"]["failed"]
        ),
        (&json!(0), &json!(11), &json!(1)),
        "{c}"
    );
    let after = log(&app, &id).await;
    assert_eq!(after, rows, "no row changed");

    // The true receipt applies; the same receipt again changes nothing and counts as a repeat.
    let genuine = json!([receipt(
        reference(sent[0]),
        &sent[0]["vendor_message_id"],
        "delivered"
    )]);
    assert_eq!(post_signed(&app, &genuine).await, 202);
    wait_until(&app, &id, |c| c["stats"]["delivered"] == 1).await;
    counted_until(&app, "delivered", 1.0).await;
    assert_eq!(post_signed(&app, &genuine).await, 202);
    counted_until(&app, "repeat", 1.0).await;
    // A failure report after the delivery is a repeat too: the message is past it.
    let late = json!([receipt(
        reference(sent[0]),
        &sent[0]["vendor_message_id"],
        "failed"
    )]);
    assert_eq!(post_signed(&app, &late).await, 202);
    counted_until(&app, "repeat", 2.0).await;
    let c = app.get_json(&format!("/api/v1/campaigns/{id}")).await;
    assert_eq!(
        (&c["stats"]["delivered"], &c["stats"]["failed"]),
        (&json!(1), &json!(1)),
        "{c}"
    );
    assert_settled(&app, &c, 12).await;
    app.stop().await;
}

async fn a_callback_carries_at_most_500_receipts(backend: Backend) {
    let (app, id, rows) = campaign_awaiting_receipts(&backend).await;
    let sent = rows.iter().find(|r| r["status"] == "sent").unwrap();
    let one = receipt(
        format!("{id}:{}", sent["id"]),
        &sent["vendor_message_id"],
        "delivered",
    );
    let too_many = Value::Array(vec![one.clone(); 501]);
    let bytes = serde_json::to_vec(&too_many).unwrap();
    let now = chrono::Utc::now().timestamp();
    let response = app
        .client
        .post(format!("{}/api/v1/receipts", app.address))
        .header("content-type", "application/json")
        .header(
            minicrm_messaging::SIGNATURE_HEADER,
            signed(app.config.api.receipt_secret.expose_secret(), &bytes, now),
        )
        .body(bytes)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["field"], "receipts", "{problem}");
    assert!(
        problem["detail"].as_str().unwrap().contains("at most 500"),
        "{problem}"
    );

    // A body larger than any callback is refused by its size, signed or not, before it is read.
    let big = json!([{"padding": "x".repeat(300 * 1024)}]);
    assert_eq!(post_signed(&app, &big).await, 413);
    assert_eq!(
        post_receipts(&app, &big, None).await,
        401,
        "unsigned: refused first"
    );

    // Exactly 500 are taken, and the one receipt they repeat applies once.
    assert_eq!(post_signed(&app, &Value::Array(vec![one; 500])).await, 202);
    wait_until(&app, &id, |c| c["stats"]["delivered"] == 1).await;
    counted_until(&app, "repeat", 499.0).await;
    let c = wait_for_status(&app, &id, "running").await;
    assert_eq!(c["stats"]["delivered"], 1, "{c}");
    app.stop().await;
}
