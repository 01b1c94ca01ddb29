//! Consuming from RabbitMQ: a delivery is applied in one database transaction with its inbox row, acked
//! after the commit, and nacked back after a backoff when it fails (the quorum queue's delivery limit
//! then dead-letters it).

use super::Amqp;
use crate::{backoff, Envelope, Handler};
use anyhow::Context;
use futures::StreamExt;
use lapin::message::Delivery;
use lapin::options::{BasicAckOptions, BasicConsumeOptions, BasicNackOptions, BasicQosOptions};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{Channel, Connection};
use minicrm_store::queue;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

impl Amqp {
    /// Handles one delivery: effects and the inbox row commit together, then the ack. A duplicate
    /// (already in the inbox) is acked without effect; a failure is nacked back after a backoff.
    pub async fn process(&self, delivery: Delivery, handler: &dyn Handler) -> anyhow::Result<()> {
        let attempt = delivery_count(&delivery) + 1;
        match self.apply(&delivery, handler).await {
            Ok(()) => delivery.ack(BasicAckOptions::default()).await?,
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
            }
        }
        Ok(())
    }

    /// Applies a delivery (effects and inbox row in one commit) without settling it with the broker.
    pub async fn apply(&self, delivery: &Delivery, handler: &dyn Handler) -> anyhow::Result<()> {
        let envelope =
            Envelope::from_json(&delivery.data).context("the message is not an envelope")?;
        let span = tracing::info_span!("message", message_id = %envelope.id, kind = %envelope.kind);
        let _enter = span.enter();
        handler.prepare(&envelope).await?;
        let mut tx = self.db.begin().await?;
        if !queue::mark_processed(&mut tx, &envelope.id, chrono::Utc::now().timestamp_millis())
            .await?
        {
            tracing::info!("duplicate delivery; already applied");
            tx.rollback().await?;
            return handler.after_commit(&envelope).await;
        }
        handler.handle(&mut tx, &envelope).await?;
        tx.commit().await?;
        handler.after_commit(&envelope).await
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
        queue: &str,
        handler: &Arc<dyn Handler>,
        shutdown: &CancellationToken,
    ) -> anyhow::Result<()> {
        // Declaring may wait on a busy broker: a shutdown meanwhile ends it.
        let own = [queue];
        let (connection, channel) = tokio::select! {
            opened = self.open(&own) => opened?,
            _ = shutdown.cancelled() => return Ok(()),
        };
        let concurrency = self.options.for_queue(queue).concurrency.max(1);
        let prefetch = concurrency as u16;
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
        tracing::info!(queue, "consuming from RabbitMQ");
        let deliveries = consumer.take_until(shutdown.cancelled());
        deliveries
            .for_each_concurrent(concurrency, |delivery| async {
                match delivery {
                    Ok(d) => {
                        if let Err(e) = self.process(d, handler.as_ref()).await {
                            tracing::error!(queue, error = %format!("{e:#}"), "could not settle a delivery");
                        }
                    }
                    Err(e) => tracing::warn!(queue, error = %e, "the consumer stream failed"),
                }
            })
            .await;
        let _ = channel.close(200, "bye").await;
        let _ = connection.close(200, "bye").await;
        Ok(())
    }
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
