//! `/metrics`: guarded like every private route, in the Prometheus text format, and counting what
//! happened — records in and out, requests by route template, queues, the vendor and its receipts —
//! also on a worker's own operations listener.
//!
//! The recorder is one per process and nextest runs each test in a process of its own, so the
//! differences between two scrapes here are this test's doing.

use crate::common::exposition::{self, Exposition};
use crate::helpers::{spawn_app, start, test_config, Backend, TestApp};
use minicrm::Roles;
use minicrm_bus::{queues, Envelope};
use reqwest::{header::CONTENT_TYPE, StatusCode};
use serde_json::{json, Value};
use std::time::Duration;

crate::on_every_backend!(
    metrics_need_the_read_scope_and_speak_the_prometheus_format,
    records_are_counted_in_and_out_per_kind,
    requests_are_measured_by_route_template,
    a_campaign_is_measured_from_the_vendor_to_its_receipts,
    a_failing_message_counts_as_retried_then_dead_lettered_once,
    a_worker_is_scraped_on_its_operations_listener,
);

const ACCEPTED: &str = "minicrm_ingest_records_accepted_total";
const PROCESSED: &str = "minicrm_ingest_records_processed_total";
const QUEUE_MESSAGES: &str = "minicrm_queue_messages_total";

/// Scrapes `{base}/metrics` with `key`: it must answer 200 in the text format and parse strictly.
async fn scrape_at(app: &TestApp, base: &str, key: &str) -> Exposition {
    let response = app
        .client
        .get(format!("{base}/metrics"))
        .bearer_auth(key)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()[CONTENT_TYPE].to_str().unwrap();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    let text = response.text().await.unwrap();
    exposition::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

async fn scrape(app: &TestApp) -> Exposition {
    scrape_at(app, &app.address, &app.read_key).await
}

/// Scrapes until `check` holds (a consumer counts just after its commit, which a test may see first),
/// and fails with what last did not.
async fn eventually(
    app: &TestApp,
    check: impl Fn(&Exposition) -> Result<(), String>,
) -> Exposition {
    eventually_at(app, &app.address, &app.read_key, check).await
}

async fn eventually_at(
    app: &TestApp,
    base: &str,
    key: &str,
    check: impl Fn(&Exposition) -> Result<(), String>,
) -> Exposition {
    let mut last = String::new();
    for _ in 0..100 {
        let now = scrape_at(app, base, key).await;
        match check(&now) {
            Ok(()) => return now,
            Err(e) => last = e,
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the metrics never got there: {last}");
}

/// How much `name{labels}` grew between two scrapes.
fn grew(before: &Exposition, after: &Exposition, name: &str, labels: &[(&str, &str)]) -> f64 {
    after.sum(name, labels) - before.sum(name, labels)
}

/// `Ok` when `name{labels}` grew by exactly `by`.
fn grew_by(
    before: &Exposition,
    after: &Exposition,
    name: &str,
    labels: &[(&str, &str)],
    by: f64,
) -> Result<(), String> {
    match grew(before, after, name, labels) {
        d if d == by => Ok(()),
        d => Err(format!("{name}{labels:?} grew by {d}, not {by}")),
    }
}

async fn status_and_type(app: &TestApp, url: &str, key: Option<&str>) -> (StatusCode, String) {
    let mut request = app.client.get(url);
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    let response = request.send().await.unwrap();
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (response.status(), content_type)
}

async fn metrics_need_the_read_scope_and_speak_the_prometheus_format(backend: Backend) {
    let app = spawn_app(&backend).await;
    let url = format!("{}/metrics", app.address);
    let problem = "application/problem+json".to_owned();
    assert_eq!(
        status_and_type(&app, &url, None).await,
        (StatusCode::UNAUTHORIZED, problem.clone())
    );
    assert_eq!(
        status_and_type(&app, &url, Some(&app.ingest_key)).await,
        (StatusCode::FORBIDDEN, problem)
    );
    let scraped = scrape(&app).await;
    for queue in queues::ALL {
        assert!(
            scraped.has("minicrm_queue_depth", &[("queue", queue)]),
            "no depth for {queue}"
        );
    }
    assert_eq!(
        scraped.types.get("minicrm_http_request_duration_seconds"),
        Some(&"histogram".to_owned())
    );
    scrape_at(&app, &app.address, &app.admin_key).await;
    app.stop().await;
}

fn people(prefix: &str, n: usize) -> Value {
    (0..n)
        .map(|i| json!({"external_id": format!("{prefix}{i}"), "name": format!("Person {i}")}))
        .collect()
}

/// Accepted by the API (JSON and CSV) and processed by the workers, per kind: persisted, unchanged
/// when sent again, parked while an order waits for its customer.
async fn records_are_counted_in_and_out_per_kind(backend: Backend) {
    let app = spawn_app(&backend).await;
    let before = scrape(&app).await;
    let customers = people("K", 25);
    let first = app.ingest("customers", &customers).await;
    app.wait_for(&first, "completed").await;
    let again = app.ingest("customers", &customers).await;
    app.wait_for(&again, "completed").await;
    let csv = (0..12).fold("external_id,name\n".to_owned(), |csv, i| {
        csv + &format!("CSV{i},Csv {i}\n")
    });
    let response = app
        .post_raw(
            "/api/v1/imports?kind=customers",
            &app.ingest_key,
            "text/csv",
            csv.into_bytes(),
        )
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let import = response.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    wait_for_import(&app, &import).await;
    let mut orders: Vec<Value> = (0..10)
        .map(|i| {
            json!({"external_id": format!("KO{i}"), "customer_external_id": format!("K{i}"),
                        "amount": "10", "ordered_at": "2025-01-01T00:00:00Z"})
        })
        .collect();
    orders.push(
        json!({"external_id": "LATE-O", "customer_external_id": "LATE",
                       "amount": "10", "ordered_at": "2025-01-01T00:00:00Z"}),
    );
    let orders = app.ingest("orders", &Value::Array(orders)).await;
    app.wait_for(&orders, "pending").await;
    let late = app
        .ingest("customers", &json!({"external_id": "LATE", "name": "Late"}))
        .await;
    app.wait_for(&late, "completed").await;
    app.wait_for(&orders, "completed").await;

    let after = eventually(&app, |after| {
        let customers = [("kind", "customers")];
        let orders = [("kind", "orders")];
        grew_by(
            &before,
            after,
            ACCEPTED,
            &customers,
            25.0 + 25.0 + 12.0 + 1.0,
        )?;
        grew_by(&before, after, ACCEPTED, &orders, 11.0)?;
        let outcome = |kind, outcome| [("kind", kind), ("outcome", outcome)];
        let processed = |kind, o, by| grew_by(&before, after, PROCESSED, &outcome(kind, o), by);
        processed("customers", "persisted", 25.0 + 12.0 + 1.0)?;
        processed("customers", "unchanged", 25.0)?;
        processed("orders", "parked", 1.0)?;
        processed("orders", "persisted", 11.0)?;
        processed("orders", "rejected", 0.0)
    })
    .await;
    // Each message handled is one lag observed.
    let ok = [("queue", queues::INGEST_CUSTOMERS), ("outcome", "ok")];
    let handled = grew(&before, &after, QUEUE_MESSAGES, &ok);
    assert!(handled >= 4.0, "{handled} messages");
    let lag = "minicrm_queue_lag_seconds_count";
    let lags = grew(&before, &after, lag, &[("queue", queues::INGEST_CUSTOMERS)]);
    assert_eq!(lags, handled);
    app.stop().await;
}

async fn wait_for_import(app: &TestApp, id: &str) {
    for _ in 0..300 {
        let import = app.get_json(&format!("/api/v1/imports/{id}")).await;
        if import["status"] == "completed" {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("import {id} never completed");
}

/// The route label is the route's template, whatever the path's values; paths no route takes share
/// one label.
async fn requests_are_measured_by_route_template(backend: Backend) {
    let app = spawn_app(&backend).await;
    let id = app.ingest("customers", &people("R", 1)).await;
    app.wait_for(&id, "completed").await;
    let before = scrape(&app).await;
    for (path, status) in [
        ("/api/v1/customers/R0", StatusCode::OK),
        ("/api/v1/customers/NOBODY-42", StatusCode::NOT_FOUND),
        ("/no/such/page-93", StatusCode::NOT_FOUND),
    ] {
        assert_eq!(
            app.get(path, &app.read_key).await.status(),
            status,
            "{path}"
        );
    }
    let after = scrape(&app).await;
    let template = "/api/v1/customers/{external_id}";
    let requests = "minicrm_http_requests_total";
    for (route, status) in [(template, "200"), (template, "404"), ("unmatched", "404")] {
        let labels = [("method", "GET"), ("route", route), ("status", status)];
        assert_eq!(grew(&before, &after, requests, &labels), 1.0, "{labels:?}");
    }
    let timed = "minicrm_http_request_duration_seconds_count";
    let labels = [("method", "GET"), ("route", template)];
    assert_eq!(grew(&before, &after, timed, &labels), 2.0);
    let raw = after.samples.iter().flat_map(|s| s.labels.values());
    assert!(
        !raw.into_iter()
            .any(|v| v.contains("R0") || v.contains("NOBODY") || v.contains("page-93")),
        "a raw path in a label"
    );
    // The scrape before this one was measured too.
    assert!(after.has(requests, &[("route", "/metrics"), ("status", "200")]));
    app.stop().await;
}

/// `n` customers named Mira: every tenth (from the fifth) has a number the vendor always fails, every
/// twentieth none (failed before sending).
fn miras(n: usize) -> Value {
    (0..n)
        .map(|i| {
            let phone = match i {
                _ if i % 20 == 0 => Value::Null,
                _ if i % 10 == 5 => json!(format!("+9112345{i:05}")),
                _ => json!(format!("+9198{i:08}")),
            };
            json!({"external_id": format!("M{i}"), "name": format!("Mira {i}"), "phone": phone})
        })
        .collect()
}

async fn run_campaign(app: &TestApp) -> Value {
    let rules = json!({"combinator": "and", "rules": [{"field": "name", "operator": "contains", "value": "mira"}]});
    let body =
        json!({"name": "Measured", "rules": rules, "channel": "sms", "message": "Hi {{name}}"});
    let response = app
        .post_json("/api/v1/campaigns", &app.admin_key, &body)
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let id = response.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for _ in 0..600 {
        let campaign = app.get_json(&format!("/api/v1/campaigns/{id}")).await;
        if campaign["status"] == "completed" {
            return campaign;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the campaign never completed");
}

/// Messages handed over, the vendor's answers, receipts by status and per transaction: all agree
/// with the campaign's own stats.
async fn a_campaign_is_measured_from_the_vendor_to_its_receipts(backend: Backend) {
    let app = spawn_app(&backend).await;
    let (audience, no_phone) = (40.0, 2.0);
    let id = app.ingest("customers", &miras(40)).await;
    app.wait_for(&id, "completed").await;
    let before = scrape(&app).await;
    let campaign = run_campaign(&app).await;
    let stats = &campaign["stats"];
    assert_eq!(stats["audience"], 40, "{campaign}");
    let delivered = stats["delivered"].as_f64().unwrap();
    let failed = stats["failed"].as_f64().unwrap();
    let receipts = "minicrm_delivery_receipts_total";
    let after = eventually(&app, |after| {
        let messages = "minicrm_delivery_messages_total";
        grew_by(
            &before,
            after,
            messages,
            &[("outcome", "sent")],
            audience - no_phone,
        )?;
        grew_by(&before, after, messages, &[("outcome", "refused")], 0.0)?;
        grew_by(
            &before,
            after,
            receipts,
            &[("status", "delivered")],
            delivered,
        )?;
        grew_by(
            &before,
            after,
            receipts,
            &[("status", "failed")],
            failed - no_phone,
        )
    })
    .await;
    let applied = grew(&before, &after, receipts, &[]);
    let batch = "minicrm_delivery_receipt_batch_size";
    assert_eq!(grew(&before, &after, &format!("{batch}_sum"), &[]), applied);
    assert!(grew(&before, &after, &format!("{batch}_count"), &[]) >= 1.0);
    let requests = "minicrm_vendor_requests_total";
    assert!(grew(&before, &after, requests, &[("outcome", "accepted")]) >= 1.0);
    let timed = "minicrm_vendor_request_duration_seconds_count";
    assert_eq!(
        grew(&before, &after, timed, &[]),
        grew(&before, &after, requests, &[])
    );
    for queue in [queues::DELIVERY_SEND, queues::DELIVERY_RECEIPTS] {
        let lag = "minicrm_queue_lag_seconds_count";
        assert!(
            grew(&before, &after, lag, &[("queue", queue)]) >= 1.0,
            "{queue}"
        );
    }
    app.stop().await;
}

/// A message that always fails is retried, then dead-lettered — and counted so exactly once. The
/// worker starts on a full queue, so the database queue takes it in one group with a good batch, which
/// the failure rolls back and which is then applied alone: its records count once, at its commit.
async fn a_failing_message_counts_as_retried_then_dead_lettered_once(backend: Backend) {
    let (mut config, dir) = test_config(&backend).await;
    config.consumer.max_attempts = 2;
    config.roles = Roles::API;
    let api = start(config.clone(), dir).await;
    let before = scrape(&api).await;
    let good = api.ingest("customers", &people("G", 3)).await;
    let poison = Envelope::new(queues::INGEST_CUSTOMERS, 1, &json!({"not": "a batch"})).unwrap();
    api.bus
        .publish(queues::INGEST_CUSTOMERS, &poison)
        .await
        .unwrap();
    config.roles = Roles::WORKER;
    let worker = start(config, None).await;
    api.wait_for(&good, "completed").await;
    let outcome = |o| [("queue", queues::INGEST_CUSTOMERS), ("outcome", o)];
    let persisted = [("kind", "customers"), ("outcome", "persisted")];
    eventually(&api, |after| {
        grew_by(
            &before,
            after,
            QUEUE_MESSAGES,
            &outcome("dead_lettered"),
            1.0,
        )?;
        grew_by(&before, after, PROCESSED, &persisted, 3.0)
    })
    .await;
    // Long enough for a delivery the broker would still make.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let after = scrape(&api).await;
    let settled = |o| grew(&before, &after, QUEUE_MESSAGES, &outcome(o));
    assert_eq!(settled("dead_lettered"), 1.0);
    assert_eq!(settled("ok"), 1.0);
    assert!(settled("retried") >= 1.0);
    assert_eq!(grew(&before, &after, PROCESSED, &persisted), 3.0);
    worker.stop().await;
    api.stop().await;
}

/// `minicrm worker` with MINICRM_METRICS_BIND: health checks and metrics on a listener of its own, with
/// the same credentials, and nothing else there.
async fn a_worker_is_scraped_on_its_operations_listener(backend: Backend) {
    let (mut config, dir) = test_config(&backend).await;
    config.roles = Roles::API;
    let api = start(config.clone(), dir).await;
    config.roles = Roles::WORKER;
    config.metrics_bind = Some("127.0.0.1:0".parse().unwrap());
    let worker = start(config, None).await;
    assert_eq!(
        api.operations, "",
        "no operations listener unless asked for"
    );
    let ops = worker.operations.clone();
    for path in ["/healthz", "/readyz"] {
        let (status, _) = status_and_type(&worker, &format!("{ops}{path}"), None).await;
        assert_eq!(status, StatusCode::OK, "{path}");
    }
    let metrics = format!("{ops}/metrics");
    let problem = "application/problem+json".to_owned();
    assert_eq!(
        status_and_type(&worker, &metrics, None).await,
        (StatusCode::UNAUTHORIZED, problem.clone())
    );
    let customers = format!("{ops}/api/v1/customers");
    let (status, _) = status_and_type(&worker, &customers, Some(&worker.read_key)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let before = scrape_at(&worker, &ops, &worker.read_key).await;
    let id = api.ingest("customers", &people("W", 7)).await;
    api.wait_for(&id, "completed").await;
    let persisted = [("kind", "customers"), ("outcome", "persisted")];
    let after = eventually_at(&worker, &ops, &worker.read_key, |after| {
        grew_by(&before, after, PROCESSED, &persisted, 7.0)
    })
    .await;
    for queue in queues::ALL {
        assert!(
            after.has("minicrm_queue_depth", &[("queue", queue)]),
            "{queue}"
        );
    }
    worker.stop().await;
    api.stop().await;
}

#[test]
fn the_reader_refuses_what_breaks_the_format() {
    let good =
        "# HELP a_total A.\n# TYPE a_total counter\na_total{route=\"/c/{id}\",q=\"x\\\"y\"} 3\n";
    let parsed = exposition::parse(good).unwrap();
    assert_eq!(parsed.sum("a_total", &[("route", "/c/{id}")]), 3.0);
    assert_eq!(parsed.samples[0].labels["q"], "x\"y");
    for bad in [
        "a_total 1\n",
        "# TYPE a_total counter\na_total{route=/c} 1\n",
        "# TYPE a_total counter\na_total{route=\"/c\"}1\n",
        "# TYPE a_total counter\na_total one\n",
        "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n",
        "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_count 1\n",
    ] {
        assert!(exposition::parse(bad).is_err(), "{bad}");
    }
}
