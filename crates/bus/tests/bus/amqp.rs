//! RabbitMQ, when MINICRM_TEST_AMQP_URL names a broker (each test in a namespace of its own, deleted
//! after): a message published twice under its id takes effect once; a failing one is returned after
//! a backoff and dead-lettered after `max_attempts` deliveries; a delivery whose consumer died before
//! its acknowledgement comes back, and takes effect once whether or not its commit was made. The bus
//! promises no order on RabbitMQ (deliveries are applied concurrently and returned ones requeued), so
//! none is tested.

use crate::harness::{effects, fast, good, poison, wait_for_effects, Recorder, QUEUE};
use futures::StreamExt;
use minicrm_bus::amqp::{Amqp, AmqpOptions};
use minicrm_bus::lapin::options::QueueDeleteOptions;
use minicrm_bus::{queues, Bus, ConsumerOptions, Envelope};
use minicrm_store::{Db, DbOptions};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

/// A bus on the test broker, in a namespace of its own, over a fresh SQLite data database.
struct Broker {
    bus: Amqp,
    data: Db,
    url: String,
    namespace: String,
    _dir: tempfile::TempDir,
}

impl Broker {
    async fn connect(options: ConsumerOptions) -> Option<Broker> {
        let Ok(url) = std::env::var("MINICRM_TEST_AMQP_URL") else {
            eprintln!("skipped: MINICRM_TEST_AMQP_URL is not set");
            return None;
        };
        let dir = tempfile::tempdir().unwrap();
        let file = format!("sqlite://{}/data.db", dir.path().display());
        let data = Db::connect(&DbOptions::new(file)).await.unwrap();
        data.migrate().await.unwrap();
        crate::harness::effects_table(&data).await;
        let namespace = format!("test-bus-{}", uuid::Uuid::new_v4().simple());
        let amqp = AmqpOptions {
            url: url.clone(),
            namespace: namespace.clone(),
            queue_expires: Some(Duration::from_secs(300)),
        };
        let bus = Amqp::connect(data.clone(), amqp, options).await.unwrap();
        Some(Broker {
            bus,
            data,
            url,
            namespace,
            _dir: dir,
        })
    }

    /// Consumes the test queue with `handler` until the token is cancelled.
    fn consume(&self, handler: Arc<Recorder>) -> (CancellationToken, tokio::task::JoinHandle<()>) {
        let stop = CancellationToken::new();
        let (bus, token) = (self.bus.clone(), stop.clone());
        let task = tokio::spawn(async move { bus.consume(QUEUE, handler, token).await.unwrap() });
        (stop, task)
    }

    /// Waits up to 30 s for `queue` to hold `n` ready messages.
    async fn wait_for_depth(&self, queue: &str, n: u64) -> u64 {
        let started = Instant::now();
        loop {
            let depth = self.bus.depth(queue).await.unwrap();
            if depth == n || started.elapsed() > Duration::from_secs(30) {
                return depth;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Deletes every queue of the namespace: idle quorum queues slow a shared broker down.
    async fn remove(self) {
        self.bus.close().await;
        let properties = minicrm_bus::amqp::connection_properties();
        let connection = minicrm_bus::lapin::Connection::connect(&self.url, properties)
            .await
            .unwrap();
        let channel = connection.create_channel().await.unwrap();
        for queue in queues::ALL {
            for name in [
                format!("{}.{queue}", self.namespace),
                format!("{}.{queue}.dead", self.namespace),
            ] {
                let _ = channel
                    .queue_delete(&name, QueueDeleteOptions::default())
                    .await;
            }
        }
        let _ = connection.close(200, "bye").await;
        self.data.close().await;
    }
}

/// The test queue's ready messages once its consumer has gone: any it had not acknowledged are back.
async fn settled(broker: &Broker) -> u64 {
    tokio::time::sleep(Duration::from_millis(200)).await;
    broker.bus.depth(QUEUE).await.unwrap()
}

async fn publish(broker: &Broker, payload: serde_json::Value) -> Envelope {
    let envelope = Envelope::new(QUEUE, 1, &payload).unwrap();
    broker.bus.publish(QUEUE, &envelope).await.unwrap();
    envelope
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_published_twice_takes_effect_once() {
    let Some(broker) = Broker::connect(fast()).await else {
        return;
    };
    let message = publish(&broker, good()).await;
    broker.bus.publish(QUEUE, &message).await.unwrap();
    let handler = Arc::new(Recorder::default());
    let (stop, consumer) = broker.consume(handler.clone());

    assert_eq!(
        wait_for_effects(&broker.data, 1).await,
        std::slice::from_ref(&message.id)
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.cancel();
    consumer.await.unwrap();
    assert_eq!(settled(&broker).await, 0, "both acknowledged");
    assert_eq!(
        effects(&broker.data).await,
        std::slice::from_ref(&message.id)
    );
    assert_eq!(handler.seen(), [message.id], "the inbox skipped the second");
    broker.remove().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_message_is_retried_then_dead_lettered() {
    let options = ConsumerOptions {
        max_attempts: 2,
        ..fast()
    };
    let Some(broker) = Broker::connect(options.clone()).await else {
        return;
    };
    let message = publish(&broker, poison()).await;
    let handler = Arc::new(Recorder::default());
    let started = Instant::now();
    let (stop, consumer) = broker.consume(handler.clone());

    let dead = format!("{QUEUE}.dead");
    assert_eq!(broker.wait_for_depth(&dead, 1).await, 1, "dead-lettered");
    stop.cancel();
    consumer.await.unwrap();
    let attempts = options.max_attempts as usize;
    assert_eq!(
        handler.seen(),
        vec![message.id; attempts],
        "max_attempts deliveries"
    );
    // Returned after a backoff of 500 ms ± 20 % (the last attempt is not returned).
    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "{:?}",
        started.elapsed()
    );
    assert!(
        effects(&broker.data).await.is_empty(),
        "every attempt rolled back"
    );
    assert_eq!(broker.bus.depth(QUEUE).await.unwrap(), 0);
    broker.remove().await;
}

/// A consumer takes the message and dies before its acknowledgement, after committing if `commit`.
async fn die_holding(broker: &Broker, commit: bool, handler: &Recorder) {
    let (connection, _channel, mut consumer) = broker.bus.raw_consumer(QUEUE).await.unwrap();
    let delivery = consumer
        .next()
        .await
        .expect("a delivery")
        .expect("no error");
    if commit {
        broker.bus.apply(&delivery, handler).await.unwrap();
    }
    connection.close(320, "died before the ack").await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivery_whose_consumer_died_comes_back_and_takes_effect_once() {
    let Some(broker) = Broker::connect(fast()).await else {
        return;
    };
    for commit in [false, true] {
        let message = publish(&broker, good()).await;
        let handler = Arc::new(Recorder::default());
        die_holding(&broker, commit, &handler).await;
        assert_eq!(effects(&broker.data).await.contains(&message.id), commit);

        let (stop, consumer) = broker.consume(handler.clone());
        let landed = wait_for_effects(&broker.data, if commit { 2 } else { 1 }).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        stop.cancel();
        consumer.await.unwrap();
        assert_eq!(
            settled(&broker).await,
            0,
            "acknowledged, though the inbox skipped it"
        );
        let times = landed.iter().filter(|id| **id == message.id).count();
        assert_eq!(times, 1, "commit before dying: {commit}");
        assert_eq!(handler.seen(), [message.id], "handled once in all");
    }
    broker.remove().await;
}
