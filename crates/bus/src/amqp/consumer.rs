//! Consuming from RabbitMQ: a delivery is applied in one database transaction with its inbox row, acked
//! after the commit, and nacked back after a backoff when it fails, until its last attempt, which is
//! rejected into the dead letters.

use super::Amqp;
use crate::{backoff, Envelope, Handler};
use anyhow::Context;
use futures::stream::BoxStream;
use futures::StreamExt;
use lapin::message::Delivery;
use lapin::options::{BasicAckOptions, BasicConsumeOptions, BasicNackOptions, BasicQosOptions};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{Channel, Connection};
use minicrm_metrics::queue::Settled;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

impl Amqp {
    /// Handles one delivery: effects and the inbox row commit together, then the ack. A duplicate
    /// (already in the inbox) is acked without effect; a failure is nacked back after a backoff, or,
    /// on its `max_attempts`-th delivery, rejected into the dead letters — as the database queue
    /// does. (The quorum queue's delivery limit alone would allow one delivery more: it dead-letters
    /// a message returned more often than the limit.)
    pub async fn process(
        &self,
        queue: &'static str,
        delivery: Delivery,
        handler: &dyn Handler,
    ) -> anyhow::Result<()> {
        let attempt = delivery_count(&delivery) + 1;
        match self
            .apply_measured(std::slice::from_ref(&delivery), handler)
            .await
        {
            Ok(produced) => {
                delivery.ack(BasicAckOptions::default()).await?;
                crate::settled(queue, Settled::Ok, produced.first().copied());
            }
            Err(error) if attempt >= self.options.max_attempts => {
                tracing::error!(error = %format!("{error:#}"), attempt, "message failed {attempt} times; moved to the dead letters");
                // Rejected without a requeue, the queue dead-letters it (`x-dead-letter-exchange`).
                delivery
                    .nack(BasicNackOptions {
                        requeue: false,
                        ..Default::default()
                    })
                    .await?;
                crate::settled(queue, Settled::DeadLettered, None);
            }
            Err(error) => {
                tracing::warn!(error = %format!("{error:#}"), attempt, "message failed; returning it to the queue");
                let delay = backoff(attempt, Duration::from_millis(500), Duration::from_secs(30));
                tokio::time::sleep(delay).await;
                delivery
                    .nack(BasicNackOptions {
                        requeue: true,
                        ..Default::default()
                    })
                    .await?;
                crate::settled(queue, Settled::Retried, None);
            }
        }
        Ok(())
    }

    /// Handles deliveries taken together: applied in one transaction and acked after its commit; if that
    /// fails, one by one, so that a message that cannot be applied never holds back the others.
    pub async fn process_group(
        &self,
        queue: &'static str,
        deliveries: Vec<Delivery>,
        handler: &dyn Handler,
    ) -> anyhow::Result<()> {
        if deliveries.len() > 1 {
            match self.apply_measured(&deliveries, handler).await {
                Ok(produced) => {
                    for (delivery, produced_at) in deliveries.iter().zip(produced) {
                        delivery.ack(BasicAckOptions::default()).await?;
                        crate::settled(queue, Settled::Ok, Some(produced_at));
                    }
                    return Ok(());
                }
                Err(error) => {
                    tracing::warn!(error = %format!("{error:#}"), "a group of messages failed; applying them one by one")
                }
            }
        }
        for delivery in deliveries {
            self.process(queue, delivery, handler).await?;
        }
        Ok(())
    }

    /// Applies a delivery (effects and inbox row in one commit) without settling it with the broker.
    pub async fn apply(&self, delivery: &Delivery, handler: &dyn Handler) -> anyhow::Result<()> {
        self.apply_all(std::slice::from_ref(delivery), handler)
            .await
    }

    /// Applies deliveries in one transaction, skipping those the inbox has seen, without settling them.
    pub async fn apply_all(
        &self,
        deliveries: &[Delivery],
        handler: &dyn Handler,
    ) -> anyhow::Result<()> {
        self.apply_measured(deliveries, handler).await.map(drop)
    }

    /// `apply_all`, returning when each delivery's message was produced (for the consumer lag).
    async fn apply_measured(
        &self,
        deliveries: &[Delivery],
        handler: &dyn Handler,
    ) -> anyhow::Result<Vec<i64>> {
        let envelopes = deliveries
            .iter()
            .map(|d| Envelope::from_json(&d.data))
            .collect::<Result<Vec<_>, _>>()
            .context("the message is not an envelope")?;
        let span = match envelopes.as_slice() {
            [one] => tracing::info_span!("message", message_id = %one.id, kind = %one.kind),
            many => tracing::info_span!("messages", count = many.len()),
        };
        crate::apply_together(&self.db, &envelopes, handler)
            .instrument(span)
            .await?;
        Ok(envelopes.iter().map(|e| e.produced_at).collect())
    }

    /// Opens a consumer on `queue` with its own connection (for tests that settle deliveries by hand).
    pub async fn raw_consumer(
        &self,
        queue: &str,
    ) -> anyhow::Result<(Connection, Channel, lapin::Consumer)> {
        let (connection, channel) = self.open(&[queue]).await?;
        channel.basic_qos(1, BasicQosOptions::default()).await?;
        let consumer = channel
            .basic_consume(
                &self.queue_name(queue),
                "raw",
                BasicConsumeOptions::default(),
                FieldTable::default(),
            )
            .await?;
        Ok((connection, channel, consumer))
    }

    /// One connection's worth of consuming; returns when the connection drops or on shutdown.
    pub(super) async fn consume_once(
        &self,
        queue: &'static str,
        handler: &Arc<dyn Handler>,
        shutdown: &CancellationToken,
    ) -> anyhow::Result<()> {
        // Declaring may wait on a busy broker: a shutdown meanwhile ends it.
        let own = [queue];
        let (connection, channel) = tokio::select! {
            opened = self.open(&own) => opened?,
            _ = shutdown.cancelled() => return Ok(()),
        };
        // Up to `batch` deliveries are applied in one transaction, waiting up to `linger` for a group
        // to fill. A queue with its own tuning (the campaign queues) groups whatever is ready and its
        // prefetch holds the next groups while one is applied; the others (ingestion) group only small
        // messages (`GROUP_BYTES`) and hold no more than the database queue would claim.
        let tuning = self.options.for_queue(queue);
        let concurrency = tuning.concurrency.max(1);
        let batch = tuning.batch.max(1);
        let (prefetch, group_bytes) = match self.options.tuning.contains_key(queue) {
            true => (concurrency * batch * 2, usize::MAX),
            false => (concurrency * batch, GROUP_BYTES),
        };
        let prefetch = u16::try_from(prefetch).unwrap_or(u16::MAX);
        channel
            .basic_qos(prefetch, BasicQosOptions::default())
            .await?;
        let tag = format!("minicrm-{}-{}", std::process::id(), uuid::Uuid::new_v4());
        let consumer = channel
            .basic_consume(
                &self.queue_name(queue),
                &tag,
                BasicConsumeOptions::default(),
                FieldTable::default(),
            )
            .await?;
        tracing::info!(queue, batch, "consuming from RabbitMQ");
        let deliveries = consumer.take_until(shutdown.cancelled());
        let groups: BoxStream<'_, Vec<Result<Delivery, lapin::Error>>> = if tuning.linger.is_zero()
        {
            deliveries.ready_chunks(batch).boxed()
        } else {
            tokio_stream::StreamExt::chunks_timeout(deliveries, batch, tuning.linger).boxed()
        };
        groups
            .for_each_concurrent(concurrency, |group| async {
                let mut deliveries = Vec::with_capacity(group.len());
                for delivery in group {
                    match delivery {
                        Ok(d) => deliveries.push(d),
                        Err(e) => tracing::warn!(queue, error = %e, "the consumer stream failed"),
                    }
                }
                for group in by_size(deliveries, group_bytes, |d| d.data.len()) {
                    if let Err(e) = self.process_group(queue, group, handler.as_ref()).await {
                        tracing::error!(queue, error = %format!("{e:#}"), "could not settle a delivery");
                    }
                }
            })
            .await;
        let _ = channel.close(200, "bye").await;
        let _ = connection.close(200, "bye").await;
        Ok(())
    }
}

/// How much payload an ingestion group may carry. Records sent one at a time (a shop's webhooks) share
/// a commit, the database's costliest step, in groups of up to `batch`; a batch of hundreds of records
/// is a transaction's worth by itself and stays alone, as before, so that large transactions of two
/// consumers do not meet on the same customers in different orders.
const GROUP_BYTES: usize = 64 * 1024;

/// Splits ready deliveries, in order, into groups of at most `limit` bytes by `size` (at least one
/// each).
fn by_size<T>(items: Vec<T>, limit: usize, size: impl Fn(&T) -> usize) -> Vec<Vec<T>> {
    let mut groups = Vec::new();
    let mut group: Vec<T> = Vec::new();
    let mut bytes = 0usize;
    for item in items {
        if !group.is_empty() && bytes.saturating_add(size(&item)) > limit {
            groups.push(std::mem::take(&mut group));
            bytes = 0;
        }
        bytes += size(&item);
        group.push(item);
    }
    if !group.is_empty() {
        groups.push(group);
    }
    groups
}

fn delivery_count(delivery: &Delivery) -> u32 {
    let headers = delivery.properties.headers().as_ref();
    match headers.and_then(|h| h.inner().get("x-delivery-count")) {
        Some(AMQPValue::LongLongInt(n)) => *n as u32,
        Some(AMQPValue::LongInt(n)) => *n as u32,
        Some(AMQPValue::ShortInt(n)) => *n as u32,
        _ => u32::from(delivery.redelivered),
    }
}

#[cfg(test)]
mod tests;
