//! The database queue: tables of messages leased with a visibility timeout. A handler's effects and the
//! message's id (the inbox) commit in one transaction of the data database; the message is acked —
//! deleted — after that commit. A crash before the commit redelivers the message once its lease expires;
//! a crash after it redelivers a message that the inbox recognises and skips.
//!
//! On SQLite the queue lives in a database file of its own beside the data: SQLite has one writer per
//! file, and accepting a batch must not wait for a consumer's large transaction. On PostgreSQL it shares
//! the data database.

use crate::{Bus, BusError, ConsumerOptions, Envelope, Handler};
use anyhow::Context;
use async_trait::async_trait;
use minicrm_store::{queue, Db, Tx};
use std::sync::Arc;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

mod consuming;
mod settling;

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
