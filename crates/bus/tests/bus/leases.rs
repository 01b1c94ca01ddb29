//! The database queue's leases, inbox and order: a message whose consumer died comes back once its
//! lease expires, and not before; a lease is renewed while its handler works; a message redelivered
//! after its commit takes effect once; messages are handed out oldest first, one by one or as a group.

use crate::harness::{effects, fast, good, Recorder, TestQueue, QUEUE};
use minicrm_bus::dbqueue::Outcome;
use minicrm_bus::{Bus, ConsumerOptions, Envelope, Handler};
use minicrm_store::{queue, Tx};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

crate::on_both_backends!(
    a_message_whose_consumer_died_comes_back_when_its_lease_expires => fast(),
    a_lease_is_renewed_while_its_handler_works => ConsumerOptions {
        visibility_timeout: Duration::from_secs(1),
        ..fast()
    },
    a_message_redelivered_after_its_commit_takes_effect_once => fast(),
    messages_are_handed_out_oldest_first => fast(),
    a_group_is_handed_out_and_applied_oldest_first => ConsumerOptions { batch: 16, ..fast() },
);

/// Prepares a message for `busy` (forever if `None`: a consumer that stops answering, and dies),
/// saying when it has begun; then handles it as the recorder does.
struct Busy {
    busy: Option<Duration>,
    began: Arc<Notify>,
}

#[async_trait::async_trait]
impl Handler for Busy {
    async fn prepare(&self, _envelope: &Envelope) -> anyhow::Result<()> {
        self.began.notify_one();
        match self.busy {
            Some(busy) => tokio::time::sleep(busy).await,
            None => std::future::pending().await,
        }
        Ok(())
    }

    async fn handle(&self, tx: &mut Tx, envelope: &Envelope) -> anyhow::Result<()> {
        Recorder::default().handle(tx, envelope).await
    }
}

/// A consumer that takes the next message and stays `busy` with it; returns once it holds it.
async fn busy_consumer(q: &TestQueue, busy: Option<Duration>) -> JoinHandle<Outcome> {
    let began = Arc::new(Notify::new());
    let handler = Busy {
        busy,
        began: began.clone(),
    };
    let bus = q.bus.clone();
    let consumer = tokio::spawn(async move { bus.process_next(QUEUE, &handler).await.unwrap() });
    began.notified().await;
    consumer
}

async fn a_message_whose_consumer_died_comes_back_when_its_lease_expires(q: &TestQueue) {
    let message = q.publish(good()).await;
    busy_consumer(q, None).await.abort();
    let died = Instant::now();

    let handler = Recorder::default();
    assert_eq!(
        q.bus.process_next(QUEUE, &handler).await.unwrap(),
        Outcome::Empty,
        "still leased"
    );
    let again = loop {
        match q.bus.process_next(QUEUE, &handler).await.unwrap() {
            Outcome::Empty if died.elapsed() < Duration::from_secs(5) => {
                tokio::time::sleep(Duration::from_millis(20)).await
            }
            outcome => break outcome,
        }
    };
    assert_eq!(again, Outcome::Handled);
    // The lease (300 ms from the claim, just before the death) ran out first.
    assert!(
        died.elapsed() >= Duration::from_millis(200),
        "{:?}",
        died.elapsed()
    );
    assert_eq!(effects(&q.data).await, [message.id]);
}

async fn a_lease_is_renewed_while_its_handler_works(q: &TestQueue) {
    let message = q.publish(good()).await;
    let slow = busy_consumer(q, Some(Duration::from_millis(2_500))).await;
    let other = Recorder::default();
    while !slow.is_finished() {
        assert_eq!(
            q.bus.process_next(QUEUE, &other).await.unwrap(),
            Outcome::Empty
        );
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    assert_eq!(slow.await.unwrap(), Outcome::Handled);
    assert_eq!(effects(&q.data).await, [message.id]);
    assert!(other.seen().is_empty(), "never handed to a second consumer");
}

async fn a_message_redelivered_after_its_commit_takes_effect_once(q: &TestQueue) {
    let handler = Recorder::default();
    let message = q.publish(good()).await;
    // A consumer that commits, then dies before its acknowledgement.
    let now = chrono::Utc::now().timestamp_millis();
    let claimed = queue::claim(&q.queue, QUEUE, "died-after-commit", now, 200, 1)
        .await
        .unwrap();
    q.bus.apply(&claimed, &handler).await.unwrap();
    tokio::time::sleep(Duration::from_millis(250)).await;

    assert_eq!(
        q.bus.process_next(QUEUE, &handler).await.unwrap(),
        Outcome::Handled
    );
    assert_eq!(q.bus.depth(QUEUE).await.unwrap(), 0, "acknowledged");
    // Published again under its id (a producer that never heard its confirm): still once.
    q.bus.publish(QUEUE, &message).await.unwrap();
    assert_eq!(
        q.bus.process_next(QUEUE, &handler).await.unwrap(),
        Outcome::Handled
    );
    assert_eq!(effects(&q.data).await, std::slice::from_ref(&message.id));
    assert_eq!(
        handler.seen(),
        [message.id],
        "the inbox skipped the redeliveries"
    );
}

async fn messages_are_handed_out_oldest_first(q: &TestQueue) {
    let handler = Recorder::default();
    let mut published = Vec::new();
    for _ in 0..5 {
        published.push(q.publish(good()).await.id);
    }
    for _ in 0..5 {
        assert_eq!(
            q.bus.process_next(QUEUE, &handler).await.unwrap(),
            Outcome::Handled
        );
    }
    assert_eq!(handler.seen(), published);
}

async fn a_group_is_handed_out_and_applied_oldest_first(q: &TestQueue) {
    let handler = Recorder::default();
    let mut published = Vec::new();
    for _ in 0..12 {
        published.push(q.publish(good()).await.id);
    }
    assert_eq!(
        q.bus.process_next(QUEUE, &handler).await.unwrap(),
        Outcome::Handled
    );
    assert_eq!(
        handler.seen(),
        published,
        "one group, in the order published"
    );
    assert_eq!(q.bus.depth(QUEUE).await.unwrap(), 0);
}
