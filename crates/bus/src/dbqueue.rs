//! The database queue: tables of messages leased with a visibility timeout. A handler's effects and the
//! message's id (the inbox) commit in one transaction of the data database; the message is acked —
//! deleted — after that commit. A crash before the commit redelivers the message once its lease expires;
//! a crash after it redelivers a message that the inbox recognises and skips.
//!
//! On SQLite the queue lives in a database file of its own beside the data: SQLite has one writer per
//! file, and accepting a batch must not wait for a consumer's large transaction. On PostgreSQL it shares
//! the data database.

use crate::{backoff, Bus, BusError, ConsumerOptions, Envelope, Handler};
use anyhow::Context;
use async_trait::async_trait;
use minicrm_metrics::queue::Settled;
use minicrm_store::{queue, Db, Tx};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

/// Aborts a task when dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[derive(Clone)]
pub struct DbQueue {
    /// Where handlers write, and where the inbox is.
    data: Db,
    /// Where the messages are: the data database itself, or a file of its own.
    queue: Db,
    separate: bool,
    options: ConsumerOptions,
    /// Wakes this process's idle consumers when it publishes; other processes' messages are polled.
    published: Arc<Notify>,
}

/// What one step of a consumer did.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Handled,
    Failed,
    Empty,
}

fn now() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl DbQueue {
    /// A queue kept in the data database.
    pub fn new(db: Db, options: ConsumerOptions) -> Self {
        Self {
            queue: db.clone(),
            data: db,
            separate: false,
            options,
            published: Arc::new(Notify::new()),
        }
    }

    /// A queue kept in a database of its own (migrated like the data database).
    pub fn with_queue_db(data: Db, queue: Db, options: ConsumerOptions) -> Self {
        Self {
            data,
            queue,
            separate: true,
            options,
            published: Arc::new(Notify::new()),
        }
    }

    /// Takes the next messages of `queue` and handles them: the one testable step of the consumer loop.
    /// They are applied together in one transaction; if that fails, one by one, so that a message that
    /// cannot be applied never holds back the others.
    pub async fn process_next(
        &self,
        queue: &'static str,
        handler: &dyn Handler,
    ) -> anyhow::Result<Outcome> {
        let lease = uuid::Uuid::new_v4().to_string();
        let visibility = self.options.visibility_timeout.as_millis() as i64;
        let tuning = self.options.for_queue(queue);
        let limit = tuning.batch.max(1) as i64;
        if !tuning.linger.is_zero() {
            let ready = queue::ready(&self.queue, queue, now(), limit).await?;
            if ready > 0 && ready < limit {
                tokio::time::sleep(tuning.linger).await;
            }
        }
        let claimed = queue::claim(&self.queue, queue, &lease, now(), visibility, limit).await?;
        if claimed.is_empty() {
            return Ok(Outcome::Empty);
        }
        self.holding(&lease, self.settle(queue, &claimed, &lease, handler))
            .await
    }

    /// Applies the claimed messages together, or, if that fails, one by one, and settles each.
    async fn settle(
        &self,
        queue: &'static str,
        claimed: &[queue::Claimed],
        lease: &str,
        handler: &dyn Handler,
    ) -> anyhow::Result<Outcome> {
        if claimed.len() > 1 {
            match self.apply_measured(claimed, handler).await {
                Ok(produced) => {
                    self.ack(claimed, lease).await?;
                    for produced_at in produced {
                        crate::settled(queue, Settled::Ok, Some(produced_at));
                    }
                    return Ok(Outcome::Handled);
                }
                Err(error) => {
                    tracing::warn!(queue, error = %format!("{error:#}"), "a group of messages failed; applying them one by one")
                }
            }
        }
        let mut outcome = Outcome::Handled;
        for msg in claimed {
            // Instrumented, not entered: a guard held across an await lets another task's span close
            // under it (tracing-subscriber then panics, "tried to clone a span that already closed").
            let span = tracing::info_span!("message", queue, message_id = %msg.message_id, attempt = msg.attempts);
            let failed = async {
                match self
                    .apply_measured(std::slice::from_ref(msg), handler)
                    .await
                {
                    Ok(produced) => {
                        self.ack(std::slice::from_ref(msg), lease).await?;
                        crate::settled(queue, Settled::Ok, produced.first().copied());
                        anyhow::Ok(false)
                    }
                    Err(error) => {
                        let settled = self.retry_or_bury(msg, lease, &error).await?;
                        crate::settled(queue, settled, None);
                        Ok(true)
                    }
                }
            }
            .instrument(span)
            .await?;
            if failed {
                outcome = Outcome::Failed;
            }
        }
        Ok(outcome)
    }

    /// Runs `work` while renewing `lease` every third of the visibility timeout, so that a handler
    /// that takes longer than the timeout (a send job waiting out a vendor outage) is not handed to a
    /// second consumer meanwhile; a consumer that dies stops renewing, and its messages come back.
    /// The renewing runs as a task of its own: inline, it would pause `work` — perhaps holding the
    /// queue's one SQLite writer, which the renewal then waits for.
    async fn holding<T>(&self, lease: &str, work: impl std::future::Future<Output = T>) -> T {
        let (queue, lease) = (self.queue.clone(), lease.to_owned());
        let visibility = self.options.visibility_timeout;
        let renewing = tokio::spawn(async move {
            let mut renew = tokio::time::interval(visibility / 3);
            renew.tick().await;
            loop {
                renew.tick().await;
                let until = now() + visibility.as_millis() as i64;
                if let Err(e) = queue::extend(&queue, &lease, until).await {
                    tracing::warn!(error = %e, "cannot renew a lease; another consumer may take its messages");
                }
            }
        });
        // Stops renewing however `work` ends: finished, or dropped with the consumer.
        let _renewing = AbortOnDrop(renewing);
        work.await
    }

    /// Applies `messages` in one transaction of the data database, skipping those the inbox has seen,
    /// without acknowledging them.
    pub async fn apply(
        &self,
        messages: &[queue::Claimed],
        handler: &dyn Handler,
    ) -> anyhow::Result<()> {
        self.apply_measured(messages, handler).await.map(drop)
    }

    /// `apply`, returning when each message was produced (for the consumer lag).
    async fn apply_measured(
        &self,
        messages: &[queue::Claimed],
        handler: &dyn Handler,
    ) -> anyhow::Result<Vec<i64>> {
        let envelopes = messages
            .iter()
            .map(|msg| Envelope::from_json(msg.body.as_bytes()))
            .collect::<Result<Vec<_>, _>>()
            .context("the message is not an envelope")?;
        crate::apply_together(&self.data, &envelopes, handler).await?;
        Ok(envelopes.iter().map(|e| e.produced_at).collect())
    }

    async fn ack(&self, messages: &[queue::Claimed], lease: &str) -> anyhow::Result<()> {
        queue::ack(&self.queue, messages, lease, self.separate).await?;
        Ok(())
    }

    async fn retry_or_bury(
        &self,
        msg: &queue::Claimed,
        lease: &str,
        error: &anyhow::Error,
    ) -> anyhow::Result<Settled> {
        let reason = format!("{error:#}");
        if msg.attempts >= i64::from(self.options.max_attempts) {
            tracing::error!(error = %reason, "message failed {} times; moved to the dead letters", msg.attempts);
            queue::dead_letter(&self.queue, msg, lease, &reason, now()).await?;
            return Ok(Settled::DeadLettered);
        }
        let delay = backoff(
            msg.attempts as u32,
            Duration::from_millis(500),
            Duration::from_secs(60),
        );
        tracing::warn!(error = %reason, retry_in_ms = delay.as_millis() as u64, "message failed; will retry");
        queue::release(
            &self.queue,
            msg.id,
            lease,
            now() + delay.as_millis() as i64,
            &reason,
        )
        .await?;
        Ok(Settled::Retried)
    }

    async fn consumer_loop(
        self,
        queue: &'static str,
        handler: Arc<dyn Handler>,
        shutdown: CancellationToken,
    ) {
        let mut failures = 0u32;
        while !shutdown.is_cancelled() {
            let wait = match self.process_next(queue, handler.as_ref()).await {
                Ok(Outcome::Handled | Outcome::Failed) => {
                    failures = 0;
                    continue;
                }
                Ok(Outcome::Empty) => self.options.poll_interval,
                Err(error) => {
                    failures += 1;
                    tracing::error!(queue, error = %format!("{error:#}"), "the queue is unreachable; backing off");
                    backoff(
                        failures,
                        Duration::from_millis(200),
                        Duration::from_secs(10),
                    )
                }
            };
            tokio::select! {
                _ = shutdown.cancelled() => {}
                _ = self.published.notified() => {}
                _ = tokio::time::sleep(wait) => {}
            }
        }
    }
}

#[async_trait]
impl Bus for DbQueue {
    async fn publish(&self, queue: &str, envelope: &Envelope) -> Result<(), BusError> {
        queue::enqueue(&self.queue, queue, &envelope.id, envelope.to_json(), now())
            .await
            .map_err(|e| BusError::Unavailable(e.to_string()))?;
        self.published.notify_waiters();
        Ok(())
    }

    fn outbox(&self) -> Option<&Db> {
        Some(&self.queue)
    }

    async fn publish_in(
        &self,
        tx: &mut Tx,
        queue: &str,
        envelope: &Envelope,
    ) -> Result<bool, BusError> {
        queue::enqueue_in(tx, queue, &envelope.id, envelope.to_json(), now())
            .await
            .map_err(|e| BusError::Unavailable(e.to_string()))?;
        self.published.notify_waiters();
        Ok(true)
    }

    async fn publish_with(
        &self,
        tx: &mut Tx,
        queue: &str,
        envelope: &Envelope,
    ) -> Result<(), BusError> {
        match self.separate {
            false => self.publish_in(tx, queue, envelope).await.map(|_| ()),
            true => self.publish(queue, envelope).await,
        }
    }

    async fn consume(
        &self,
        queue: &'static str,
        handler: Arc<dyn Handler>,
        shutdown: CancellationToken,
    ) -> anyhow::Result<()> {
        // A JoinSet, so that dropping this future (a process dying) stops its consumers with it.
        let mut workers = tokio::task::JoinSet::new();
        for _ in 0..self.options.for_queue(queue).concurrency.max(1) {
            workers.spawn(
                self.clone()
                    .consumer_loop(queue, handler.clone(), shutdown.clone()),
            );
        }
        while let Some(done) = workers.join_next().await {
            done.context("a queue consumer panicked")?;
        }
        Ok(())
    }

    async fn ready(&self) -> Result<(), BusError> {
        self.queue
            .ping()
            .await
            .map_err(|e| BusError::Unavailable(e.to_string()))
    }

    async fn depth(&self, queue: &str) -> Result<u64, BusError> {
        let n = queue::depth(&self.queue, queue)
            .await
            .map_err(|e| BusError::Unavailable(e.to_string()))?;
        Ok(n as u64)
    }

    fn name(&self) -> &'static str {
        "database"
    }
}
