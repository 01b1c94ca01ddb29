//! Faults, each in the middle of real work: a worker killed (SIGKILL) while it ingests and while it
//! sends a campaign, the vendor answering 503 for ten seconds, an API killed while it accepts batches,
//! every role stopped with SIGTERM mid-work, and (run alone) RabbitMQ restarted mid-campaign. After
//! each: every accepted batch persisted once, every recipient one message and one final status.

use crate::common::{handed_over, rabbitmqctl};
use crate::harness::{Backend, Cluster};
use crate::work::{
    assert_campaign_exact, assert_ingestions_completed, assert_records_exact, customer_batches,
    distinct, ingest_customers, launch_campaign, order_batches, post_all, scalar, wait_campaign,
    Batch,
};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

crate::on_every_backend!(
    a_worker_killed_mid_ingestion_loses_and_doubles_nothing,
    a_worker_killed_mid_campaign_sends_each_message_once,
    the_vendor_failing_for_ten_seconds_delays_but_loses_nothing,
    an_api_killed_while_accepting_batches_loses_nothing,
    every_role_stops_cleanly_on_sigterm_mid_work,
);

const CAMPAIGN_AUDIENCE: usize = 1_500;

fn is_postgres(backend: &Backend) -> bool {
    matches!(backend, Backend::Postgres { .. })
}

/// Polls `sql` until it reaches `at_least`.
async fn wait_count(cluster: &Cluster, sql: &str, at_least: i64) -> i64 {
    for _ in 0..6_000 {
        let n = scalar(cluster, sql).await;
        if n >= at_least {
            return n;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("{sql} never reached {at_least}");
}

async fn a_worker_killed_mid_ingestion_loses_and_doubles_nothing(backend: Backend) {
    // One message per transaction, one at a time: ingestion takes long enough to be cut.
    let env = [
        ("MINICRM_QUEUE_BATCH", "1"),
        ("MINICRM_WORKER_CONCURRENCY", "1"),
    ];
    let mut cluster = Cluster::new(&backend, 1, &env).await;
    cluster.start("api-0").await;
    cluster.start("worker-a").await;
    if is_postgres(&backend) {
        cluster.start("worker-b").await;
    }
    ingest_customers(&cluster, "I", 2_000).await;
    let orders = order_batches("I", 2_000, 10, 500);
    let (ids, sizes, _) = post_all(&cluster.poster(), &[0], &orders, 2).await;
    let at_kill = wait_count(&cluster, "SELECT COUNT(*) FROM orders", 2_000).await;
    cluster.kill("worker-a").await;
    let after_kill = scalar(&cluster, "SELECT COUNT(*) FROM orders").await;
    assert!(
        after_kill < 20_000,
        "killed too late: {at_kill}, then {after_kill}"
    );
    cluster.start("worker-a").await;
    assert_ingestions_completed(&cluster, &ids, &sizes).await;
    assert_records_exact(&cluster, 2_000, 20_000).await;
    cluster.finish().await;
}

async fn a_worker_killed_mid_campaign_sends_each_message_once(backend: Backend) {
    let mut cluster = Cluster::new(&backend, 1, &[("MINICRM_DELIVERY_RATE", "300")]).await;
    for name in ["vendor", "api-0", "worker-a"] {
        cluster.start(name).await;
    }
    ingest_customers(&cluster, "W", CAMPAIGN_AUDIENCE).await;
    let id = launch_campaign(&cluster, 0, "Killed worker").await;
    wait_campaign(&cluster, &id, Duration::from_secs(60), |c| {
        handed_over(c) >= 300
    })
    .await;
    cluster.kill("worker-a").await;
    let at_kill = crate::work::campaign(&cluster, &id).await;
    assert_ne!(at_kill["status"], "completed", "killed too late: {at_kill}");
    cluster.start("worker-a").await;
    assert_campaign_exact(&cluster, &id, CAMPAIGN_AUDIENCE as i64).await;
    cluster.finish().await;
}

async fn the_vendor_failing_for_ten_seconds_delays_but_loses_nothing(backend: Backend) {
    let mut cluster = Cluster::new(&backend, 1, &[("MINICRM_DELIVERY_RATE", "100")]).await;
    cluster.start("api-0").await;
    cluster.start("worker-a").await;
    ingest_customers(&cluster, "V", CAMPAIGN_AUDIENCE).await;
    // The outage is timed from the first message the simulator receives: it begins a second into
    // the sending, while the first thousand are out and the rest wait for the rate limit.
    cluster
        .start_with("vendor", &[("MINICRM_VENDOR_OUTAGES", "1-11")])
        .await;
    let id = launch_campaign(&cluster, 0, "Vendor down").await;
    assert_campaign_exact(&cluster, &id, CAMPAIGN_AUDIENCE as i64).await;
    let vendor = cluster.vendor_stats().await;
    assert!(
        vendor["outage_refused"].as_i64().unwrap() > 0,
        "the outage was never met: {vendor}"
    );
    // The senders kept their claims while they waited: nothing was handed out twice.
    assert_eq!(vendor["duplicates"], 0, "{vendor}");
    cluster.finish().await;
}

async fn an_api_killed_while_accepting_batches_loses_nothing(backend: Backend) {
    let mut cluster = Cluster::new(&backend, 2, &[]).await;
    for name in ["api-0", "api-1", "worker-a"] {
        cluster.start(name).await;
    }
    let mut batches = customer_batches("K", 41, 1_000);
    let halfway = batches.pop().unwrap();
    let poster = cluster.poster();
    // One batch is half uploaded when the API dies; the others are posted in four lanes, each trying
    // api-0 first and falling over to api-1.
    let mut upload = half_sent(&poster.apis[0], &poster.key, &halfway).await;
    let lanes = poster.clone();
    let clients = tokio::spawn(async move { post_all(&lanes, &[0, 1], &batches, 4).await });
    tokio::time::sleep(Duration::from_millis(200)).await;
    cluster.kill("api-0").await;
    let mut answer = Vec::new();
    let _ = upload.read_to_end(&mut answer).await;
    assert!(answer.is_empty(), "{}", String::from_utf8_lossy(&answer));
    tokio::time::sleep(Duration::from_secs(1)).await;
    cluster.start("api-0").await;
    // The client of the cut upload sends it again under its key.
    let (retried, _) = poster.until_accepted(&[1], &halfway).await;
    let (mut ids, mut sizes, refusals) = clients.await.unwrap();
    eprintln!("failed tries in the lanes: {refusals:?}");
    ids.push(retried);
    sizes.push(1_000);
    assert_eq!(distinct(&ids), 41, "a retried batch is the same ingestion");
    assert_ingestions_completed(&cluster, &ids, &sizes).await;
    assert_records_exact(&cluster, 41_000, 0).await;
    cluster.finish().await;
}

/// Sends a batch's headers and half its body, as a client in the middle of an upload.
async fn half_sent(api: &str, key: &str, batch: &Batch) -> tokio::net::TcpStream {
    let body = serde_json::to_vec(&batch.body).unwrap();
    let host = api.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let head = format!(
        "POST /api/v1/{} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {key}\r\n\
         Content-Type: application/json\r\nIdempotency-Key: {}\r\nContent-Length: {}\r\n\r\n",
        batch.kind,
        batch.key,
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&body[..body.len() / 2]).await.unwrap();
    stream.flush().await.unwrap();
    stream
}

async fn every_role_stops_cleanly_on_sigterm_mid_work(backend: Backend) {
    let mut cluster = Cluster::new(&backend, 1, &[("MINICRM_DELIVERY_RATE", "300")]).await;
    for name in ["vendor", "api-0", "worker-a"] {
        cluster.start(name).await;
    }
    ingest_customers(&cluster, "G", CAMPAIGN_AUDIENCE).await;
    let id = launch_campaign(&cluster, 0, "Stopped worker").await;
    wait_campaign(&cluster, &id, Duration::from_secs(60), |c| {
        handed_over(c) >= 300
    })
    .await;
    cluster.terminate("worker-a", Duration::from_secs(30)).await;
    let sending = format!(
        "SELECT COUNT(*) FROM communication_log WHERE campaign_id = '{id}' AND status = 'sending'"
    );
    assert_eq!(
        scalar(&cluster, &sending).await,
        0,
        "a stopped worker leaves no send half-done"
    );

    // An API stopped while it takes a large batch answers it first.
    let big = customer_batches("H", 1, 5_000).remove(0);
    let poster = cluster.poster();
    let request = tokio::spawn(async move {
        poster
            .client
            .post(format!("{}/api/v1/customers", poster.apis[0]))
            .bearer_auth(&poster.key)
            .json(&big.body)
            .send()
            .await
    });
    tokio::time::sleep(Duration::from_millis(20)).await;
    cluster.terminate("api-0", Duration::from_secs(30)).await;
    let answered = match request.await.unwrap() {
        Ok(response) => {
            assert_eq!(response.status(), 202, "an in-flight request is finished");
            let body: serde_json::Value = response.json().await.unwrap();
            Some(body["ingestion_id"].as_str().unwrap().to_owned())
        }
        Err(e) => {
            assert!(e.is_connect(), "a request the API had taken was cut: {e}");
            None
        }
    };
    cluster.start("api-0").await;
    cluster.start("worker-a").await;
    assert_campaign_exact(&cluster, &id, CAMPAIGN_AUDIENCE as i64).await;
    let mut customers = CAMPAIGN_AUDIENCE as i64;
    if let Some(id) = answered {
        assert_ingestions_completed(&cluster, &[id], &[5_000]).await;
        customers += 5_000;
    }
    assert_records_exact(&cluster, customers, 0).await;
    // `finish` stops the vendor, the API and the worker with SIGTERM and requires a clean exit.
    cluster.finish().await;
}

/// Restarts the shared RabbitMQ, so it runs alone: `scripts/test` runs it after the main suite.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "restarts the shared RabbitMQ; run alone with --run-ignored"]
async fn rabbitmq_restarted_mid_campaign_loses_nothing() {
    let Some(backend) = Backend::postgres() else {
        eprintln!("skipped: MINICRM_TEST_DATABASE_URL and MINICRM_TEST_AMQP_URL are not set");
        return;
    };
    // Slow sending, so that receipts keep coming while the broker is down.
    let mut cluster = Cluster::new(&backend, 1, &[("MINICRM_DELIVERY_RATE", "100")]).await;
    for name in ["vendor", "api-0", "worker-a", "worker-b"] {
        cluster.start(name).await;
    }
    ingest_customers(&cluster, "R", CAMPAIGN_AUDIENCE).await;
    let id = launch_campaign(&cluster, 0, "Broker restart").await;
    wait_campaign(&cluster, &id, Duration::from_secs(60), |c| {
        handed_over(c) >= 300
    })
    .await;
    let _broker = crate::common::RestartBrokerOnExit;
    rabbitmqctl("stop_app").await;
    let at_stop = crate::work::campaign(&cluster, &id).await;
    assert_ne!(
        at_stop["status"], "completed",
        "stopped too late: {at_stop}"
    );
    tokio::time::sleep(Duration::from_secs(3)).await;
    rabbitmqctl("start_app").await;
    assert_campaign_exact(&cluster, &id, CAMPAIGN_AUDIENCE as i64).await;
    let vendor = cluster.vendor_stats().await;
    assert!(
        vendor["callback_failures"].as_i64().unwrap() > 0,
        "no receipt met the broker down; the test proved nothing: {vendor}"
    );
    cluster.finish().await;
}
