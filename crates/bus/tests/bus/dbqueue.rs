//! The database queue's delivery: a message is handled and acknowledged once; a failing one rolls
//! back, waits out a backoff and is dead-lettered after `max_attempts`; one bad message in a group
//! does not hold back the others; the consumer loop runs until shut down.

use crate::harness::{effects, fast, good, poison, wait_for_effects, Recorder, TestQueue, QUEUE};
use minicrm_bus::dbqueue::Outcome;
use minicrm_bus::{Bus, ConsumerOptions};
use minicrm_store::queue;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

crate::on_both_backends!(
    a_published_message_is_handled_and_acknowledged_once => fast(),
    a_failing_message_backs_off_then_goes_to_the_dead_letters => ConsumerOptions {
        max_attempts: 2,
        ..fast()
    },
    a_bad_message_in_a_group_does_not_hold_back_the_others => ConsumerOptions {
        batch: 8,
        ..fast()
    },
    a_message_that_is_not_an_envelope_is_dead_lettered => ConsumerOptions {
        max_attempts: 1,
        ..fast()
    },
    the_consumer_loop_handles_what_is_published_until_shut_down => ConsumerOptions {
        concurrency: 2,
        ..fast()
    },
);

async fn a_published_message_is_handled_and_acknowledged_once(q: &TestQueue) {
    let handler = Recorder::default();
    let message = q.publish(good()).await;
    assert_eq!(q.bus.depth(QUEUE).await.unwrap(), 1);

    assert_eq!(
        q.bus.process_next(QUEUE, &handler).await.unwrap(),
        Outcome::Handled
    );
    assert_eq!(effects(&q.data).await, std::slice::from_ref(&message.id));
    assert_eq!(q.bus.depth(QUEUE).await.unwrap(), 0, "acknowledged");
    assert_eq!(
        q.bus.process_next(QUEUE, &handler).await.unwrap(),
        Outcome::Empty
    );
    let other = q.bus.process_next("ingest.orders", &handler).await.unwrap();
    assert_eq!(other, Outcome::Empty, "a queue's messages are its own");
    assert_eq!(handler.seen(), [message.id]);
}

async fn a_failing_message_backs_off_then_goes_to_the_dead_letters(q: &TestQueue) {
    let handler = Recorder::default();
    let message = q.publish(poison()).await;

    assert_eq!(
        q.bus.process_next(QUEUE, &handler).await.unwrap(),
        Outcome::Failed
    );
    let failed_at = Instant::now();
    assert!(
        effects(&q.data).await.is_empty(),
        "the failed attempt rolled back"
    );
    assert_eq!(q.bus.depth(QUEUE).await.unwrap(), 1, "kept for a retry");
    assert_eq!(
        q.bus.process_next(QUEUE, &handler).await.unwrap(),
        Outcome::Empty,
        "not at once"
    );

    let retried = loop {
        match q.bus.process_next(QUEUE, &handler).await.unwrap() {
            Outcome::Empty if failed_at.elapsed() < Duration::from_secs(5) => {
                tokio::time::sleep(Duration::from_millis(20)).await
            }
            outcome => break outcome,
        }
    };
    assert_eq!(retried, Outcome::Failed);
    // The first retry waits 500 ms ± 20 %.
    assert!(
        failed_at.elapsed() >= Duration::from_millis(380),
        "{:?}",
        failed_at.elapsed()
    );
    assert_eq!(handler.seen(), [message.id.clone(), message.id]);
    assert_eq!(q.bus.depth(QUEUE).await.unwrap(), 0);
    assert_eq!(queue::dead_letters(&q.queue, QUEUE).await.unwrap(), 1);
    assert!(effects(&q.data).await.is_empty());
}

async fn a_bad_message_in_a_group_does_not_hold_back_the_others(q: &TestQueue) {
    let handler = Recorder::default();
    let first = q.publish(good()).await;
    let bad = q.publish(poison()).await;
    let last = q.publish(good()).await;

    assert_eq!(
        q.bus.process_next(QUEUE, &handler).await.unwrap(),
        Outcome::Failed
    );
    let mut landed = vec![first.id.clone(), last.id.clone()];
    landed.sort();
    assert_eq!(effects(&q.data).await, landed, "each good message once");
    assert_eq!(
        q.bus.depth(QUEUE).await.unwrap(),
        1,
        "the bad one waits for its retry"
    );
    let seen = handler.seen();
    assert_eq!(
        seen[..2],
        [first.id.clone(), bad.id.clone()],
        "the group, up to the bad one"
    );
    assert_eq!(seen[2..], [first.id, bad.id, last.id], "then one by one");
}

async fn a_message_that_is_not_an_envelope_is_dead_lettered(q: &TestQueue) {
    let handler = Recorder::default();
    let now = chrono::Utc::now().timestamp_millis();
    queue::enqueue(&q.queue, QUEUE, "not-an-envelope", "{\"id\": 1", now)
        .await
        .unwrap();
    assert_eq!(
        q.bus.process_next(QUEUE, &handler).await.unwrap(),
        Outcome::Failed
    );
    assert_eq!(queue::dead_letters(&q.queue, QUEUE).await.unwrap(), 1);
    assert_eq!(q.bus.depth(QUEUE).await.unwrap(), 0);
    assert!(handler.seen().is_empty());
}

async fn the_consumer_loop_handles_what_is_published_until_shut_down(q: &TestQueue) {
    let handler = Arc::new(Recorder::default());
    let stop = CancellationToken::new();
    let consumer = tokio::spawn({
        let (bus, handler, stop) = (q.bus.clone(), handler.clone(), stop.clone());
        async move { bus.consume(QUEUE, handler, stop).await }
    });
    let mut published = Vec::new();
    for _ in 0..5 {
        published.push(q.publish(good()).await.id);
    }
    published.sort();
    assert_eq!(wait_for_effects(&q.data, 5).await, published);

    stop.cancel();
    let stopped = tokio::time::timeout(Duration::from_secs(5), consumer).await;
    stopped.expect("the consumers stop").unwrap().unwrap();
    assert_eq!(q.bus.depth(QUEUE).await.unwrap(), 0);
    assert_eq!(handler.seen().len(), 5, "each message once");
}
