//! Exactly-once under failure: a consumer that stops between its write and its ack, a message that
//! keeps failing, and (on demand) RabbitMQ restarted in the middle of ingestion.

use crate::common::rabbitmqctl;
use crate::helpers::{start, test_config, Backend, TestApp};
use futures::StreamExt;
use minicrm::Roles;
use minicrm_bus::amqp::Amqp;
use minicrm_bus::dbqueue::DbQueue;
use minicrm_bus::{queues, Envelope, Handler};
use minicrm_store::{on_read, queue};
use minicrm_workers::{
    ingest_customers::IngestCustomers, ingest_orders::IngestOrders, IngestSettings,
};
use serde_json::{json, Value};
use std::time::Duration;

crate::on_every_backend!(
    a_consumer_stopped_between_write_and_ack_loses_and_duplicates_nothing,
    a_message_that_keeps_failing_is_dead_lettered,
    single_records_waiting_together_share_transactions,
);

fn batch(prefix: &str, n: usize) -> (Value, Value) {
    let customers = (0..n)
        .map(|i| json!({"external_id": format!("{prefix}C{i}"), "name": "N"}))
        .collect();
    let orders = (0..n)
        .flat_map(|i| (0..2).map(move |k| json!({"external_id": format!("{prefix}O{i}-{k}"), "customer_external_id": format!("{prefix}C{i}"),
            "amount": "10.50", "ordered_at": "2025-01-01T00:00:00Z"})))
        .collect();
    (customers, orders)
}

/// Where a simulated consumer stops.
#[derive(Clone, Copy)]
enum Crash {
    /// Its transaction never commits.
    BeforeCommit,
    /// Its transaction commits; the message is never acknowledged.
    AfterCommit,
}

/// Takes the next message of `queue`, handles it, and stops as a crashed consumer would.
async fn crash(app: &TestApp, queue_name: &'static str, handler: &dyn Handler, when: Crash) {
    match &app.config.amqp {
        Some(amqp) => {
            let bus = Amqp::connect(app.db.clone(), amqp.clone(), app.config.consumer.clone())
                .await
                .unwrap();
            let (connection, _channel, mut consumer) = bus.raw_consumer(queue_name).await.unwrap();
            let delivery = consumer
                .next()
                .await
                .expect("a delivery")
                .expect("no error");
            if let Crash::AfterCommit = when {
                bus.apply(&delivery, handler)
                    .await
                    .expect("the write commits");
            }
            connection
                .close(320, "simulated crash before the ack")
                .await
                .unwrap();
        }
        None => crash_db_queue(app, queue_name, handler, when).await,
    }
}

async fn crash_db_queue(app: &TestApp, queue_name: &str, handler: &dyn Handler, when: Crash) {
    let outbox = app.bus.outbox().expect("the database queue").clone();
    let now = chrono::Utc::now().timestamp_millis();
    let claimed = queue::claim(&outbox, queue_name, "crashed-consumer", now, 300, 1)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);
    match when {
        Crash::BeforeCommit => {
            let envelope = Envelope::from_json(claimed[0].body.as_bytes()).unwrap();
            let mut tx = app.db.begin().await.unwrap();
            handler.handle(&mut tx, &envelope).await.unwrap();
            drop(tx);
        }
        Crash::AfterCommit => {
            let bus = DbQueue::with_queue_db(app.db.clone(), outbox, app.config.consumer.clone());
            bus.apply(&claimed, handler)
                .await
                .expect("the write commits");
        }
    }
}

async fn a_consumer_stopped_between_write_and_ack_loses_and_duplicates_nothing(backend: Backend) {
    let (mut config, dir) = test_config(&backend).await;
    config.roles = Roles::API;
    config.consumer.visibility_timeout = Duration::from_millis(300);
    let api = start(config.clone(), dir).await;
    let (customers, orders) = batch("X", 50);
    let c = api.ingest("customers", &customers).await;
    crash(
        &api,
        queues::INGEST_CUSTOMERS,
        &IngestCustomers,
        Crash::BeforeCommit,
    )
    .await;
    let o = api.ingest("orders", &orders).await;
    let orders_handler = IngestOrders {
        settings: IngestSettings::default(),
    };
    crash(
        &api,
        queues::INGEST_ORDERS,
        &orders_handler,
        Crash::AfterCommit,
    )
    .await;

    config.roles = Roles::WORKER;
    let worker = start(config, None).await;
    let customers_done = api.wait_for(&c, "completed").await;
    let orders_done = api.wait_for(&o, "completed").await;
    assert_eq!(
        (
            customers_done["persisted"].as_i64(),
            customers_done["unchanged"].as_i64()
        ),
        (Some(50), Some(0)),
        "{customers_done}"
    );
    assert_eq!(
        (
            orders_done["persisted"].as_i64(),
            orders_done["unchanged"].as_i64()
        ),
        (Some(100), Some(0)),
        "{orders_done}"
    );
    for i in [0, 49] {
        let customer = api.customer(&format!("XC{i}")).await;
        assert_eq!(
            (
                customer["order_count"].as_i64(),
                customer["total_spend"].clone()
            ),
            (Some(2), json!(21.0)),
            "{customer}"
        );
    }
    worker.stop().await;
    api.stop().await;
}

/// A message that cannot be applied is retried, then dead-lettered. On the database queue it is taken
/// in one group with good ones (the worker starts on a full queue) and fails the group, which is then
/// applied one by one, so the good ones still land.
async fn a_message_that_keeps_failing_is_dead_lettered(backend: Backend) {
    let (mut config, dir) = test_config(&backend).await;
    config.consumer.max_attempts = 2;
    config.roles = Roles::API;
    let api = start(config.clone(), dir).await;
    let poison = Envelope::new(queues::INGEST_CUSTOMERS, 1, &json!({"not": "a batch"})).unwrap();
    api.bus
        .publish(queues::INGEST_CUSTOMERS, &poison)
        .await
        .unwrap();
    let (first, _) = batch("G", 3);
    let (second, _) = batch("H", 3);
    let ids = [
        api.ingest("customers", &first).await,
        api.ingest("customers", &second).await,
    ];
    config.roles = Roles::WORKER;
    let worker = start(config, None).await;
    for id in &ids {
        let done = api.wait_for(id, "completed").await;
        assert_eq!(done["persisted"].as_i64(), Some(3), "{done}");
    }
    let dead_queue = format!("{}.dead", queues::INGEST_CUSTOMERS);
    for _ in 0..200 {
        let dead = match api.config.amqp {
            Some(_) => api.bus.depth(&dead_queue).await.unwrap() as i64,
            None => queue::dead_letters(api.bus.outbox().unwrap(), queues::INGEST_CUSTOMERS)
                .await
                .unwrap(),
        };
        if dead == 1 {
            worker.stop().await;
            api.stop().await;
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the poison message never reached the dead letters");
}

/// Records sent one at a time share a transaction when they wait together, on both buses: the worker
/// starts on a queue of 120 single-record messages. The inbox stamps each message with its
/// transaction's time, so a group shows as one stamp; one message a transaction would give ~120.
async fn single_records_waiting_together_share_transactions(backend: Backend) {
    let (mut config, dir) = test_config(&backend).await;
    config.roles = Roles::API;
    let api = start(config.clone(), dir).await;
    let mut ids = Vec::new();
    for i in 0..120 {
        let customer = json!({"external_id": format!("S{i}"), "name": "One at a time"});
        ids.push(api.ingest("customers", &customer).await);
    }
    config.roles = Roles::WORKER;
    let worker = start(config, None).await;
    for id in &ids {
        let done = api.wait_for(id, "completed").await;
        assert_eq!(done["persisted"].as_i64(), Some(1), "{done}");
    }
    let (messages, stamps): (i64, i64) = on_read!(&api.db, p => sqlx::query_as(
        "SELECT COUNT(*), COUNT(DISTINCT processed_at) FROM processed_messages")
        .fetch_one(p).await)
    .unwrap();
    assert_eq!(messages, 120);
    assert!(
        stamps <= 40,
        "{stamps} transactions for 120 waiting messages: they were not grouped"
    );
    worker.stop().await;
    api.stop().await;
}

/// Restarts the shared RabbitMQ, so it runs alone: `.ci/run` calls it after the main suite.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "restarts the shared RabbitMQ; run alone with --run-ignored"]
async fn rabbitmq_restarted_during_ingestion_loses_nothing() {
    let Some(backend) = Backend::postgres() else {
        eprintln!("skipped: MINICRM_TEST_DATABASE_URL and MINICRM_TEST_AMQP_URL are not set");
        return;
    };
    let app = crate::helpers::spawn_app(&backend).await;
    let (customers, _) = batch("R", 200);
    let c = app.ingest("customers", &customers).await;
    app.wait_for(&c, "completed").await;
    let _broker = crate::common::RestartBrokerOnExit;
    let restart = tokio::spawn(async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        rabbitmqctl("stop_app").await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        rabbitmqctl("start_app").await;
    });
    let mut accepted = Vec::new();
    let mut refused = 0;
    for b in 0..40 {
        let orders: Vec<Value> = (0..200)
            .map(|i| {
                json!({"external_id": format!("R{b}-{i}"), "customer_external_id": format!("RC{i}"),
            "amount": 1, "ordered_at": "2025-01-01T00:00:00Z"})
            })
            .collect();
        let key = format!("restart-batch-{b}");
        let (id, retries) = post_until_accepted(&app, &key, &Value::Array(orders)).await;
        accepted.push(id);
        refused += retries;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    restart.await.unwrap();
    assert!(
        refused > 0,
        "the broker was never seen down; the test proved nothing"
    );
    for id in &accepted {
        let done = app.wait_for(id, "completed").await;
        assert_eq!(
            (done["persisted"].as_i64(), done["unchanged"].as_i64()),
            (Some(200), Some(0)),
            "{done}"
        );
    }
    let customer = app.customer("RC7").await;
    assert_eq!(customer["order_count"], 40, "{customer}");
    app.stop().await;
}

/// A client's retry loop: a 503 may come after the broker took the batch but before it confirmed it,
/// so the client sends it again under the same `Idempotency-Key`, which makes the retry the same
/// ingestion and the same message. Returns the ingestion id and how many times the batch was refused.
async fn post_until_accepted(app: &TestApp, key: &str, body: &Value) -> (String, usize) {
    for retries in 0..200 {
        let response = app.post_idempotent("/api/v1/orders", key, body).await;
        match response.status().as_u16() {
            202 => {
                return (
                    response.json::<Value>().await.unwrap()["ingestion_id"]
                        .as_str()
                        .unwrap()
                        .to_owned(),
                    retries,
                )
            }
            503 => tokio::time::sleep(Duration::from_millis(250)).await,
            other => panic!("unexpected {other}: {}", response.text().await.unwrap()),
        }
    }
    panic!("the batch was never accepted");
}

/// A handler that takes `busy` to prepare each message and counts how often it was given one.
struct Slow {
    busy: Duration,
    calls: std::sync::atomic::AtomicUsize,
}

#[async_trait::async_trait]
impl Handler for Slow {
    async fn prepare(&self, _envelope: &Envelope) -> anyhow::Result<()> {
        self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        tokio::time::sleep(self.busy).await;
        Ok(())
    }

    async fn handle(
        &self,
        _tx: &mut minicrm_store::Tx,
        _envelope: &Envelope,
    ) -> anyhow::Result<()> {
        Ok(())
    }
}

/// The database queue renews a lease while its handler runs: a message whose handling outlasts the
/// visibility timeout (a send job waiting out a vendor outage) is not handed to a second consumer,
/// whose acknowledgement could otherwise delete it while the first still works on it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lease_outlasting_its_timeout_is_renewed_not_handed_out_twice() {
    let (mut config, dir) = test_config(&Backend::Sqlite).await;
    config.roles = Roles::API;
    config.consumer.visibility_timeout = Duration::from_millis(300);
    let app = start(config.clone(), dir).await;
    let job = Envelope::new(queues::DELIVERY_SEND, 1, &json!({"any": "job"})).unwrap();
    app.bus.publish(queues::DELIVERY_SEND, &job).await.unwrap();
    let outbox = app.bus.outbox().expect("the database queue").clone();
    let consumer =
        || DbQueue::with_queue_db(app.db.clone(), outbox.clone(), config.consumer.clone());
    let handler = Slow {
        busy: Duration::from_millis(1_200),
        calls: Default::default(),
    };
    let (first, second) = (consumer(), consumer());
    let holder = first.process_next(queues::DELIVERY_SEND, &handler);
    let other = async {
        let mut outcomes = Vec::new();
        for _ in 0..10 {
            tokio::time::sleep(Duration::from_millis(150)).await;
            outcomes.push(
                second
                    .process_next(queues::DELIVERY_SEND, &handler)
                    .await
                    .unwrap(),
            );
        }
        outcomes
    };
    let (held, others) = tokio::join!(holder, other);
    assert!(matches!(
        held.unwrap(),
        minicrm_bus::dbqueue::Outcome::Handled
    ));
    assert_eq!(
        handler.calls.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "handed out twice"
    );
    assert!(others
        .iter()
        .all(|o| matches!(o, minicrm_bus::dbqueue::Outcome::Empty)));
    app.stop().await;
}
