//! Campaigns end to end: fan-out to every customer of a segment exactly once, the vendor simulator's
//! receipts, counters that equal the log, cancelling, faults at the vendor and a worker killed
//! mid-campaign.

use crate::common::handed_over;
use crate::helpers::{spawn_app, spawn_app_with, start, test_config, Backend, TestApp};
use minicrm::Roles;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::Duration;

crate::on_every_backend!(
    a_campaign_reaches_every_customer_once_and_completes,
    campaigns_are_checked_before_they_are_kept,
    a_segment_in_use_cannot_be_deleted,
    a_scheduled_campaign_waits_and_can_be_cancelled,
    a_rate_limit_storm_and_an_outage_still_complete,
    cancelling_mid_send_stops_further_sends,
    a_vendor_refusing_our_credentials_fails_the_campaign,
);

/// `n` customers in Pune and Mumbai; every tenth has an invalid number, every 25th none.
pub(crate) fn customers(prefix: &str, n: usize) -> Value {
    (0..n)
        .map(|i| {
            let phone = match i {
                _ if i % 25 == 0 => Value::Null,
                _ if i % 10 == 0 => json!(format!("+9112345{i:05}")),
                _ => json!(format!("+9198{i:08}")),
            };
            json!({"external_id": format!("{prefix}{i}"), "name": format!("Asha {prefix}{i}"), "phone": phone,
                   "city": if i % 2 == 0 { "Pune" } else { "Mumbai" }})
        })
        .collect()
}

pub(crate) async fn ingest_customers(app: &TestApp, prefix: &str, n: usize) {
    let id = app.ingest("customers", &customers(prefix, n)).await;
    app.wait_for(&id, "completed").await;
}

pub(crate) fn everyone() -> Value {
    json!({"combinator": "and", "rules": [{"field": "name", "operator": "contains", "value": "asha"}]})
}

pub(crate) async fn create(app: &TestApp, body: Value) -> Value {
    let response = app
        .post_json("/api/v1/campaigns", &app.admin_key, &body)
        .await;
    let status = response.status();
    let json: Value = response.json().await.unwrap();
    assert_eq!(status, 201, "{json}");
    json
}

pub(crate) async fn wait_until(app: &TestApp, id: &str, done: impl Fn(&Value) -> bool) -> Value {
    let mut last = Value::Null;
    for _ in 0..600 {
        last = app.get_json(&format!("/api/v1/campaigns/{id}")).await;
        if done(&last) {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the campaign never got there: {last}");
}

pub(crate) async fn wait_for_status(app: &TestApp, id: &str, status: &str) -> Value {
    wait_until(app, id, |c| c["status"] == status).await
}

/// Every log row of a campaign, paged through the API.
pub(crate) async fn log(app: &TestApp, id: &str) -> Vec<Value> {
    let mut rows = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = app
            .get_json(&format!(
                "/api/v1/campaigns/{id}/messages?limit=500{cursor}"
            ))
            .await;
        rows.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = format!("&cursor={c}"),
            None => return rows,
        }
    }
}

/// The stats agree with the log, row for row, and every row is final.
pub(crate) async fn assert_settled(app: &TestApp, campaign: &Value, audience: usize) -> Vec<Value> {
    let id = campaign["id"].as_str().unwrap();
    let rows = log(app, id).await;
    assert_eq!(rows.len(), audience, "one row per recipient");
    let mut by_status: HashMap<String, i64> = HashMap::new();
    let mut customers = std::collections::HashSet::new();
    for row in &rows {
        *by_status
            .entry(row["status"].as_str().unwrap().to_owned())
            .or_default() += 1;
        assert!(
            customers.insert(row["customer_external_id"].clone()),
            "a customer twice: {row}"
        );
    }
    let stats = &campaign["stats"];
    assert_eq!(stats["audience"], audience as i64, "{campaign}");
    for status in ["queued", "sent", "delivered", "failed", "cancelled"] {
        assert_eq!(
            stats[status].as_i64().unwrap(),
            by_status.get(status).copied().unwrap_or(0),
            "{status}: {campaign}"
        );
    }
    assert_eq!(by_status.get("sending"), None);
    rows
}

async fn vendor_stats(app: &TestApp) -> Value {
    app.client
        .get(format!("{}/v1/stats", app.vendor))
        .bearer_auth(secrecy::ExposeSecret::expose_secret(
            &app.config.vendor.api_key,
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn a_campaign_reaches_every_customer_once_and_completes(backend: Backend) {
    let app = spawn_app(&backend).await;
    ingest_customers(&app, "C", 120).await;
    let segment: Value = app
        .post_json(
            "/api/v1/segments",
            &app.admin_key,
            &json!({"name": "Everyone", "rules": everyone()}),
        )
        .await
        .json()
        .await
        .unwrap();
    let campaign = create(
        &app,
        json!({"name": "Diwali", "segment_id": segment["id"], "channel": "sms", "objective": "festive sale",
               "message": "Hi {{first_name | default: \"there\"}} from {{city}}, 20% off!", "tags": ["festive"]}),
    )
    .await;
    assert_eq!(campaign["status"], "scheduled", "{campaign}");
    let id = campaign["id"].as_str().unwrap();
    let done = wait_for_status(&app, id, "completed").await;
    let rows = assert_settled(&app, &done, 120).await;

    // No phone: failed at once; an invalid number: the vendor fails it, always.
    let by_customer: HashMap<&str, &Value> = rows
        .iter()
        .map(|r| (r["customer_external_id"].as_str().unwrap(), r))
        .collect();
    assert_eq!(by_customer["C0"]["status"], "failed");
    assert_eq!(by_customer["C0"]["failure_reason"], "no phone number");
    assert_eq!(by_customer["C10"]["status"], "failed");
    assert_eq!(by_customer["C10"]["failure_reason"], "invalid_number");
    assert_eq!(
        by_customer["C3"]["message"],
        "Hi Asha from Mumbai, 20% off!"
    );
    assert!(by_customer["C3"]["vendor_message_id"]
        .as_str()
        .is_some_and(|v| v.starts_with("vm_")));
    let failures = done["failures_by_reason"].as_array().unwrap();
    assert!(failures
        .iter()
        .any(|f| f["reason"] == "no phone number" && f["count"] == 5));
    assert!(
        done["stats"]["delivery_rate"].as_f64().unwrap() > 0.5,
        "{done}"
    );
    assert!(done["completed_at"].is_string() && done["audience_fixed_at"].is_string());

    // The vendor took each reachable customer once.
    let vendor = vendor_stats(&app).await;
    assert_eq!(vendor["accepted"], 120 - 5, "{vendor}");
    assert_eq!(vendor["duplicates"], 0, "{vendor}");

    // History, newest first, and the customer's own messages.
    let second = create(
        &app,
        json!({"name": "Later", "rules": everyone(), "channel": "whatsapp", "message": "Hello {{name}}"}),
    )
    .await;
    let history = app.get_json("/api/v1/campaigns").await;
    assert_eq!(history["items"][0]["id"], second["id"]);
    assert_eq!(history["items"][1]["id"], id);
    // The second campaign may already have written its own message to C3 (newest first).
    let customer = app.customer("C3").await;
    assert!(
        customer["messages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["campaign_id"] == id),
        "{customer}"
    );
    let failed = app
        .get_json(&format!("/api/v1/campaigns/{id}/messages?status=failed"))
        .await;
    assert!(failed["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["status"] == "failed"));
    wait_for_status(&app, second["id"].as_str().unwrap(), "completed").await;
    app.stop().await;
}

async fn campaigns_are_checked_before_they_are_kept(backend: Backend) {
    let app = spawn_app(&backend).await;
    let cases = [
        (
            json!({"name": "x", "rules": everyone(), "channel": "sms", "message": "Hi {{coupon_code}}"}),
            "message",
            "coupon_code",
        ),
        (
            json!({"name": "x", "rules": everyone(), "channel": "email", "message": "Hi"}),
            "subject",
            "subject",
        ),
        (
            json!({"name": "x", "segment_id": "nope", "channel": "sms", "message": "Hi"}),
            "segment_id",
            "nope",
        ),
        (
            json!({"name": "x", "rules": {"combinator": "and", "rules": [{"field": "spend", "operator": "=", "value": 1}]}, "channel": "sms", "message": "Hi"}),
            "rules/rules/0/field",
            "spend",
        ),
        (
            json!({"name": "x", "rules": everyone(), "channel": "pigeon", "message": "Hi"}),
            "channel",
            "pigeon",
        ),
    ];
    for (body, field, mentions) in cases {
        let response = app
            .post_json("/api/v1/campaigns", &app.admin_key, &body)
            .await;
        assert_eq!(response.status(), 422, "{body}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["field"], field, "{problem}");
        assert!(problem.to_string().contains(mentions), "{problem}");
    }
    let forbidden = app
        .post_json(
            "/api/v1/campaigns",
            &app.read_key,
            &json!({"name": "x", "rules": everyone(), "channel": "sms", "message": "Hi"}),
        )
        .await;
    assert_eq!(forbidden.status(), 403);
    let list = app.get_json("/api/v1/campaigns").await;
    assert_eq!(list["items"], json!([]), "nothing was kept");
    app.stop().await;
}

async fn a_segment_in_use_cannot_be_deleted(backend: Backend) {
    let app = spawn_app(&backend).await;
    let segment: Value = app
        .post_json(
            "/api/v1/segments",
            &app.admin_key,
            &json!({"name": "All", "rules": everyone()}),
        )
        .await
        .json()
        .await
        .unwrap();
    let sid = segment["id"].as_str().unwrap();
    let later = (chrono::Utc::now() + chrono::Duration::days(30)).to_rfc3339();
    create(
        &app,
        json!({"name": "x", "segment_id": sid, "channel": "sms", "message": "Hi", "send_at": later}),
    )
    .await;
    let response = app
        .client
        .delete(format!("{}/api/v1/segments/{sid}", app.address))
        .bearer_auth(&app.admin_key)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 409);
    let problem: Value = response.json().await.unwrap();
    assert!(problem["detail"].as_str().unwrap().contains("campaign"));
    app.get_json(&format!("/api/v1/segments/{sid}")).await;
    app.stop().await;
}

async fn a_scheduled_campaign_waits_and_can_be_cancelled(backend: Backend) {
    let app = spawn_app(&backend).await;
    ingest_customers(&app, "S", 5).await;
    let at = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    let campaign = create(
        &app,
        json!({"name": "Tomorrow", "rules": everyone(), "channel": "sms", "message": "Hi", "send_at": at}),
    )
    .await;
    let id = campaign["id"].as_str().unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    let still = app.get_json(&format!("/api/v1/campaigns/{id}")).await;
    assert_eq!(still["status"], "scheduled");
    assert_eq!(still["stats"]["audience"], Value::Null);
    let cancel = |id: String| {
        let app = &app;
        async move {
            app.client
                .post(format!("{}/api/v1/campaigns/{id}/cancel", app.address))
                .bearer_auth(&app.admin_key)
                .send()
                .await
                .unwrap()
        }
    };
    let response = cancel(id.to_owned()).await;
    assert_eq!(response.status(), 200);
    let cancelled: Value = response.json().await.unwrap();
    assert_eq!(cancelled["status"], "cancelled");
    assert!(cancelled["cancelled_at"].is_string());
    assert_eq!(cancel(id.to_owned()).await.status(), 409);
    assert_eq!(cancel("no-such".into()).await.status(), 404);
    app.stop().await;
}

async fn a_rate_limit_storm_and_an_outage_still_complete(backend: Backend) {
    let app = spawn_app_with(&backend, |c| {
        c.vendor.rate_limit_share = 0.5;
        c.vendor.outages = vec![Duration::ZERO..Duration::from_secs(2)];
        c.delivery.request_batch = 10;
        c.delivery.snapshot_batch = 50;
        c.delivery.max_tries = 30;
    })
    .await;
    ingest_customers(&app, "F", 200).await;
    let campaign = create(
        &app,
        json!({"name": "Storm", "rules": everyone(), "channel": "sms", "message": "Hi {{name}}"}),
    )
    .await;
    let id = campaign["id"].as_str().unwrap();
    let done = wait_for_status(&app, id, "completed").await;
    assert_settled(&app, &done, 200).await;
    let vendor = vendor_stats(&app).await;
    assert!(vendor["rate_limited"].as_i64().unwrap() > 0, "{vendor}");
    assert!(vendor["outage_refused"].as_i64().unwrap() > 0, "{vendor}");
    assert_eq!(vendor["accepted"], 200 - 8, "{vendor}");
    assert_eq!(vendor["duplicates"], 0, "{vendor}");
    app.stop().await;
}

async fn cancelling_mid_send_stops_further_sends(backend: Backend) {
    let app = spawn_app_with(&backend, |c| {
        c.delivery.rate_per_second = 50;
        c.delivery.request_batch = 10;
        c.delivery.snapshot_batch = 50;
    })
    .await;
    ingest_customers(&app, "K", 300).await;
    let campaign = create(
        &app,
        json!({"name": "Stop", "rules": everyone(), "channel": "sms", "message": "Hi"}),
    )
    .await;
    let id = campaign["id"].as_str().unwrap();
    wait_until(&app, id, |c| handed_over(c) >= 20).await;
    let response = app
        .client
        .post(format!("{}/api/v1/campaigns/{id}/cancel", app.address))
        .bearer_auth(&app.admin_key)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let settled = wait_until(&app, id, |c| {
        c["stats"]["queued"] == 0 && c["stats"]["sent"] == 0 && c["stats"]["audience"] == 300
    })
    .await;
    let cancelled = settled["stats"]["cancelled"].as_i64().unwrap();
    assert!(cancelled > 100, "most were never sent: {settled}");
    assert_eq!(settled["status"], "cancelled");
    let rows = assert_settled(&app, &settled, 300).await;
    let vendor = vendor_stats(&app).await;
    let reached = rows
        .iter()
        .filter(|r| r["vendor_message_id"].is_string())
        .count();
    assert_eq!(
        vendor["accepted"].as_u64().unwrap() as usize,
        reached,
        "{vendor}"
    );
    app.stop().await;
}

async fn a_vendor_refusing_our_credentials_fails_the_campaign(backend: Backend) {
    let app = spawn_app_with(&backend, |c| {
        c.delivery.vendor_api_key = "not-our-key".into();
        c.delivery.request_batch = 10;
    })
    .await;
    ingest_customers(&app, "V", 40).await;
    let campaign = create(
        &app,
        json!({"name": "Refused", "rules": everyone(), "channel": "sms", "message": "Hi"}),
    )
    .await;
    let id = campaign["id"].as_str().unwrap();
    let done = wait_until(&app, id, |c| {
        c["status"] == "failed" && c["stats"]["queued"] == 0
    })
    .await;
    assert!(done["failure"].as_str().unwrap().contains("401"), "{done}");
    assert!(done["failed_at"].is_string());
    assert_eq!(done["stats"]["failed"], 40, "{done}");
    let rows = assert_settled(&app, &done, 40).await;
    assert!(rows.iter().all(|r| r["vendor_message_id"].is_null()));
    assert_eq!(vendor_stats(&app).await["accepted"], 0);
    app.stop().await;
}

/// A worker killed while it sends, and a new one started: every recipient gets one message and one
/// final status. The API and the vendor stay up, as separate processes would.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_mid_campaign_sends_nothing_twice() {
    for backend in [Some(Backend::Sqlite), Backend::postgres()]
        .into_iter()
        .flatten()
    {
        worker_killed_mid_campaign(backend).await;
    }
}

async fn worker_killed_mid_campaign(backend: Backend) {
    let (mut config, dir) = test_config(&backend).await;
    config.consumer.visibility_timeout = Duration::from_secs(1);
    config.delivery.rate_per_second = 400;
    config.delivery.request_batch = 20;
    config.delivery.snapshot_batch = 100;
    config.delivery.stale_after = Duration::from_secs(1);
    config.roles = Roles::VENDOR;
    let vendor = start(config.clone(), None).await;
    config.delivery.vendor_url = vendor.vendor.clone();
    config.roles = Roles::API;
    let api = start(config.clone(), dir).await;
    config.public_url = Some(api.address.clone());
    config.roles = Roles::WORKER;
    let worker = start(config.clone(), None).await;

    ingest_customers(&api, "W", 600).await;
    let campaign = create(
        &api,
        json!({"name": "Crash", "rules": everyone(), "channel": "sms", "message": "Hi {{first_name}}"}),
    )
    .await;
    let id = campaign["id"].as_str().unwrap();
    wait_until(&api, id, |c| handed_over(c) >= 100).await;
    worker.kill().await;
    let at_kill = api.get_json(&format!("/api/v1/campaigns/{id}")).await;
    assert_ne!(at_kill["status"], "completed", "killed too late: {at_kill}");
    let worker = start(config, None).await;
    let done = wait_for_status(&api, id, "completed").await;
    assert_settled(&api, &done, 600).await;
    let stats = vendor_stats(&vendor).await;
    assert_eq!(
        stats["accepted"],
        600 - 24,
        "each reachable customer once: {stats}"
    );
    assert_eq!(
        stats["delivered"].as_i64().unwrap() + stats["failed"].as_i64().unwrap(),
        600 - 24,
        "one receipt each: {stats}"
    );
    worker.stop().await;
    api.stop().await;
    vendor.stop().await;
}
