//! RabbitMQ through lapin: durable quorum queues, persistent messages, publisher confirms, manual acks
//! after the database commit, a prefetch, a dead-letter queue after `max_attempts` deliveries (the
//! consumer rejects the last; the quorum queue's delivery limit catches a message whose consumers keep
//! dying before they settle it), and reconnection with backoff when the broker goes away.

mod consumer;

use crate::{backoff, Bus, BusError, ConsumerOptions, Envelope, Handler};
use anyhow::Context;
use async_trait::async_trait;
use lapin::options::{BasicPublishOptions, ConfirmSelectOptions, QueueDeclareOptions};
use lapin::publisher_confirm::Confirmation;
use lapin::types::{AMQPValue, FieldTable, LongString, ShortString};
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties};
use minicrm_store::Db;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;
use tokio_util::sync::CancellationToken;

#[derive(Clone)]
pub struct AmqpOptions {
    pub url: String,
    /// Prepended to every queue name (`minicrm.ingest.orders`), so deployments and tests can share a broker.
    pub namespace: String,
    /// Deletes queues unused for this long (for tests); `None` in production.
    pub queue_expires: Option<Duration>,
}

/// Without the URL's password: options are printed in logs and errors.
impl std::fmt::Debug for AmqpOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AmqpOptions")
            .field("url", &minicrm_store::without_password(&self.url))
            .field("namespace", &self.namespace)
            .field("queue_expires", &self.queue_expires)
            .finish()
    }
}

/// A connection's properties on the current tokio runtime: lapin, built without its own runtime,
/// refuses to connect without them.
pub fn connection_properties() -> ConnectionProperties {
    ConnectionProperties::default()
        .with_executor(tokio_executor_trait::Tokio::current())
        .with_reactor(tokio_reactor_trait::Tokio::current())
}

#[derive(Clone)]
pub struct Amqp {
    db: Db,
    amqp: AmqpOptions,
    options: ConsumerOptions,
    /// The publishing channel (confirm mode), re-opened after the broker goes away.
    publisher: Arc<Mutex<Option<(Connection, Channel)>>>,
}

impl Amqp {
    /// Connects and declares the topology, so a misconfigured broker fails at start-up.
    pub async fn connect(
        db: Db,
        amqp: AmqpOptions,
        options: ConsumerOptions,
    ) -> anyhow::Result<Self> {
        let bus = Self {
            db,
            amqp,
            options,
            publisher: Arc::new(Mutex::new(None)),
        };
        bus.publishing_channel()
            .await
            .context("cannot reach RabbitMQ")?;
        Ok(bus)
    }

    fn queue_name(&self, queue: &str) -> String {
        format!("{}.{queue}", self.amqp.namespace)
    }

    /// A connection and a channel, with `queues` declared (each with its dead-letter queue).
    async fn open(&self, queues: &[&str]) -> lapin::Result<(Connection, Channel)> {
        let properties = connection_properties()
            .with_connection_name(LongString::from(format!("minicrm-{}", std::process::id())));
        let connection = Connection::connect(&self.amqp.url, properties).await?;
        let channel = connection.create_channel().await?;
        for q in queues {
            self.declare(&channel, q).await?;
        }
        Ok((connection, channel))
    }

    /// A durable quorum queue that dead-letters to `<name>.dead` what is rejected, and what is returned
    /// more than `max_attempts` times. (The limit stays as declared: a queue's arguments cannot change
    /// once it exists.)
    async fn declare(&self, channel: &Channel, queue: &str) -> lapin::Result<()> {
        let name = self.queue_name(queue);
        let dead = format!("{name}.dead");
        let durable = QueueDeclareOptions {
            durable: true,
            ..Default::default()
        };
        let mut dead_args = FieldTable::default();
        dead_args.insert(
            "x-queue-type".into(),
            AMQPValue::LongString("quorum".into()),
        );
        let mut args = dead_args.clone();
        args.insert(
            "x-delivery-limit".into(),
            AMQPValue::LongInt(self.options.max_attempts as i32),
        );
        args.insert(
            "x-dead-letter-exchange".into(),
            AMQPValue::LongString("".into()),
        );
        args.insert(
            "x-dead-letter-routing-key".into(),
            AMQPValue::LongString(dead.clone().into()),
        );
        if let Some(expires) = self.amqp.queue_expires {
            let ms = AMQPValue::LongInt(expires.as_millis() as i32);
            args.insert("x-expires".into(), ms.clone());
            dead_args.insert("x-expires".into(), ms);
        }
        channel.queue_declare(&dead, durable, dead_args).await?;
        channel.queue_declare(&name, durable, args).await?;
        Ok(())
    }

    async fn publishing_channel(&self) -> Result<Channel, BusError> {
        let mut slot = self.publisher.lock().await;
        if let Some((conn, channel)) = slot.as_ref() {
            if conn.status().connected() && channel.status().connected() {
                return Ok(channel.clone());
            }
        }
        let (conn, channel) = self
            .open(&crate::queues::ALL)
            .await
            .map_err(|e| BusError::Unavailable(e.to_string()))?;
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await
            .map_err(|e| BusError::Unavailable(e.to_string()))?;
        *slot = Some((conn, channel.clone()));
        Ok(channel)
    }
}

#[async_trait]
impl Bus for Amqp {
    async fn publish(&self, queue: &str, envelope: &Envelope) -> Result<(), BusError> {
        let channel = self.publishing_channel().await?;
        let properties = BasicProperties::default()
            .with_delivery_mode(2)
            .with_content_type(ShortString::from("application/json"))
            .with_message_id(ShortString::from(envelope.id.clone()))
            .with_type(ShortString::from(envelope.kind.clone()));
        let options = BasicPublishOptions {
            mandatory: true,
            ..Default::default()
        };
        let body = envelope.to_json();
        let unavailable = |e: lapin::Error| BusError::Unavailable(e.to_string());
        let confirm = channel
            .basic_publish(
                "",
                &self.queue_name(queue),
                options,
                body.as_bytes(),
                properties,
            )
            .await
            .map_err(unavailable)?;
        match confirm.await.map_err(unavailable)? {
            Confirmation::Ack(None) => Ok(()),
            Confirmation::Ack(Some(returned)) => Err(BusError::Refused(format!(
                "unroutable: {}",
                returned.reply_text
            ))),
            Confirmation::Nack(_) => Err(BusError::Refused(
                "the broker did not take the message".into(),
            )),
            Confirmation::NotRequested => {
                Err(BusError::Refused("publisher confirms are off".into()))
            }
        }
    }

    async fn consume(
        &self,
        queue: &'static str,
        handler: Arc<dyn Handler>,
        shutdown: CancellationToken,
    ) -> anyhow::Result<()> {
        let mut failures = 0;
        while !shutdown.is_cancelled() {
            match self.consume_once(queue, &handler, &shutdown).await {
                Ok(()) => failures = 0,
                Err(e) => {
                    failures += 1;
                    tracing::warn!(queue, error = %format!("{e:#}"), "RabbitMQ connection lost; reconnecting");
                }
            }
            let wait = backoff(
                failures.max(1),
                Duration::from_millis(250),
                Duration::from_secs(10),
            );
            tokio::select! {
                _ = shutdown.cancelled() => {}
                _ = tokio::time::sleep(wait) => {}
            }
        }
        Ok(())
    }

    async fn ready(&self) -> Result<(), BusError> {
        self.publishing_channel().await.map(|_| ())
    }

    async fn depth(&self, queue: &str) -> Result<u64, BusError> {
        let channel = self.publishing_channel().await?;
        let passive = QueueDeclareOptions {
            passive: true,
            durable: true,
            ..Default::default()
        };
        let q = channel
            .queue_declare(&self.queue_name(queue), passive, FieldTable::default())
            .await
            .map_err(|e| BusError::Unavailable(e.to_string()))?;
        Ok(u64::from(q.message_count()))
    }

    fn name(&self) -> &'static str {
        "rabbitmq"
    }

    async fn close(&self) {
        if let Some((connection, channel)) = self.publisher.lock().await.take() {
            let _ = channel.close(200, "shutting down").await;
            let _ = connection.close(200, "shutting down").await;
        }
    }
}
