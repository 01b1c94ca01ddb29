//! minicrm's message bus: a small trait with two implementations — a durable queue in the database (the
//! embedded default) and RabbitMQ through lapin.
//!
//! Delivery is at least once; exactly-once effects come from running every handler inside a database
//! transaction that also records the message id in the inbox (`processed_messages`); the message is
//! acknowledged only after that commit, and a redelivered one is recognised and skipped.
#![forbid(unsafe_code)]

pub mod amqp;
pub mod dbqueue;
mod envelope;
pub mod ingestions;
mod retry;

pub use envelope::Envelope;
pub use lapin;
pub use retry::backoff;

use async_trait::async_trait;
use minicrm_metrics::queue::Settled;
use minicrm_store::{Db, Tx};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// The queues of the system; RabbitMQ prefixes them with the deployment's namespace.
pub mod queues {
    pub const INGEST_CUSTOMERS: &str = "ingest.customers";
    pub const INGEST_ORDERS: &str = "ingest.orders";
    /// A campaign whose time has come: fix its audience and split it into snapshot batches.
    pub const CAMPAIGN_LAUNCH: &str = "campaign.launch";
    /// A batch of a campaign's recipients: render and write their log rows.
    pub const CAMPAIGN_SNAPSHOT: &str = "campaign.snapshot";
    /// A batch of log rows to hand to the vendor.
    pub const DELIVERY_SEND: &str = "delivery.send";
    /// Delivery receipts from the vendor.
    pub const DELIVERY_RECEIPTS: &str = "delivery.receipts";
    pub const ALL: [&str; 6] = [
        INGEST_CUSTOMERS,
        INGEST_ORDERS,
        CAMPAIGN_LAUNCH,
        CAMPAIGN_SNAPSHOT,
        DELIVERY_SEND,
        DELIVERY_RECEIPTS,
    ];
}

#[derive(Debug, thiserror::Error)]
pub enum BusError {
    /// The queue or broker cannot take messages now; the client may retry.
    #[error("the message bus is unavailable: {0}")]
    Unavailable(String),
    #[error("the broker refused the message: {0}")]
    Refused(String),
}

/// Handles one message inside the transaction that settles it. An error rolls everything back and the
/// message is retried with backoff, then dead-lettered after `max_attempts`.
#[async_trait]
pub trait Handler: Send + Sync + 'static {
    /// Work that must not hold a transaction open (a call to another service), run before the settling
    /// transaction, on every delivery of the message, the inbox notwithstanding: it must be idempotent
    /// by itself and commit its own steps. An error retries the message like a failed `handle`.
    async fn prepare(&self, _envelope: &Envelope) -> anyhow::Result<()> {
        Ok(())
    }

    async fn handle(&self, tx: &mut Tx, envelope: &Envelope) -> anyhow::Result<()>;

    /// Handles messages taken together in one transaction (those the inbox has not seen): one by one
    /// by default. A handler whose messages lock shared rows handles them as one, so that it takes
    /// every lock in one order and the hot ones (a campaign's counters) last: otherwise two groups
    /// applied at once on PostgreSQL can deadlock.
    async fn handle_all(&self, tx: &mut Tx, envelopes: &[&Envelope]) -> anyhow::Result<()> {
        for envelope in envelopes {
            self.handle(tx, envelope).await?;
        }
        Ok(())
    }

    /// Work that needs the transaction committed first (publishing the next step, whose consumer must
    /// find this step's rows). It runs after the commit and again on every redelivery, also of a
    /// message the inbox has seen, before the acknowledgement: it must be idempotent. An error leaves
    /// the message unacknowledged, so it comes back.
    async fn after_commit(&self, _envelope: &Envelope) -> anyhow::Result<()> {
        Ok(())
    }
}

/// Applies `envelopes` in one transaction of the data database `db`, each with its inbox row, skipping
/// those the inbox has seen; runs every `prepare` before and every `after_commit` after the commit.
/// What the handler measures in the transaction counts once it commits. Settling the messages with the
/// queue (the acknowledgement) is the caller's.
pub(crate) async fn apply_together(
    db: &Db,
    envelopes: &[Envelope],
    handler: &dyn Handler,
) -> anyhow::Result<()> {
    for envelope in envelopes {
        handler.prepare(envelope).await?;
    }
    let (committed, measured) =
        minicrm_metrics::collect(commit_fresh(db, envelopes, handler)).await;
    committed?;
    measured.commit();
    for envelope in envelopes {
        handler.after_commit(envelope).await?;
    }
    Ok(())
}

/// Handles the envelopes the inbox has not seen, and their inbox rows, in one transaction.
async fn commit_fresh(
    db: &Db,
    envelopes: &[Envelope],
    handler: &dyn Handler,
) -> anyhow::Result<()> {
    let mut tx = db.begin().await?;
    let now = chrono::Utc::now().timestamp_millis();
    let mut fresh = Vec::with_capacity(envelopes.len());
    for envelope in envelopes {
        if minicrm_store::queue::mark_processed(&mut tx, &envelope.id, now).await? {
            fresh.push(envelope);
        } else {
            tracing::info!(message_id = %envelope.id, "duplicate delivery; already applied");
        }
    }
    if !fresh.is_empty() {
        handler.handle_all(&mut tx, &fresh).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Reports a message a consumer settled, the same way for every bus.
pub(crate) fn settled(queue: &'static str, outcome: Settled, produced_at: Option<i64>) {
    let now = chrono::Utc::now().timestamp_millis();
    minicrm_metrics::queue::settled(queue, outcome, produced_at, now);
}

#[async_trait]
pub trait Bus: Send + Sync + 'static {
    /// Returns once the message is durable: committed to the queue table, or confirmed by the broker.
    async fn publish(&self, queue: &str, envelope: &Envelope) -> Result<(), BusError>;

    /// The database this bus keeps its messages in, if it is one: writes in a transaction on it commit
    /// together with a `publish_in`.
    fn outbox(&self) -> Option<&Db> {
        None
    }

    /// Publishes inside the caller's transaction where the bus lives in the database, so the message
    /// exists exactly when the caller's writes do. `Ok(false)`: this bus cannot; publish after the commit.
    async fn publish_in(
        &self,
        _tx: &mut Tx,
        _queue: &str,
        _envelope: &Envelope,
    ) -> Result<bool, BusError> {
        Ok(false)
    }

    /// Publishes as part of a transaction on the data database (a handler's): inside it where the bus
    /// keeps its messages there, else at once, before the commit — so the message id must make a
    /// repeat harmless (a retried handler publishes again; the inbox or the handler's own state
    /// recognises it).
    async fn publish_with(
        &self,
        tx: &mut Tx,
        queue: &str,
        envelope: &Envelope,
    ) -> Result<(), BusError> {
        let _ = tx;
        self.publish(queue, envelope).await
    }

    /// Consumes `queue` until `shutdown`, finishing the messages in hand before it returns.
    async fn consume(
        &self,
        queue: &'static str,
        handler: Arc<dyn Handler>,
        shutdown: CancellationToken,
    ) -> anyhow::Result<()>;

    /// Whether messages can be published now (for `/readyz`).
    async fn ready(&self) -> Result<(), BusError>;

    /// Messages waiting in `queue`, when the bus can tell cheaply.
    async fn depth(&self, queue: &str) -> Result<u64, BusError>;

    fn name(&self) -> &'static str;

    /// Closes connections cleanly at shutdown.
    async fn close(&self) {}
}

/// How consumers take and retry work.
#[derive(Debug, Clone)]
pub struct ConsumerOptions {
    /// Messages handled at once per queue (and RabbitMQ's prefetch).
    pub concurrency: usize,
    /// Deliveries of a failing message before it goes to the dead letters.
    pub max_attempts: u32,
    /// How long the database queue leases a message to a consumer before another may take it.
    pub visibility_timeout: Duration,
    /// How often an idle database-queue consumer looks for work published by other processes.
    pub poll_interval: Duration,
    /// Messages applied in one transaction: a commit rewrites every page it dirtied, so bigger
    /// transactions write far less (SQLite: ~17k orders/s at 1,000 a commit, ~56k at 16,000). On
    /// RabbitMQ (PostgreSQL, several consumers at once) the queues without their own `tuning`
    /// (ingestion) group only small messages: the ingest handlers order their locks within a
    /// message, not across messages, so large batches from two consumers stay a transaction each.
    pub batch: usize,
    /// Queues that differ from the above.
    pub tuning: std::collections::HashMap<&'static str, QueueTuning>,
}

/// How one queue is consumed, where it differs from the bus's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueTuning {
    pub concurrency: usize,
    /// Messages applied in one transaction.
    pub batch: usize,
    /// How long a consumer waits for a batch to fill before applying fewer.
    pub linger: Duration,
}

impl ConsumerOptions {
    /// The tuning of `queue`: its own, or the defaults.
    pub fn for_queue(&self, queue: &str) -> QueueTuning {
        self.tuning.get(queue).copied().unwrap_or(QueueTuning {
            concurrency: self.concurrency,
            batch: self.batch,
            linger: Duration::ZERO,
        })
    }
}

impl Default for ConsumerOptions {
    fn default() -> Self {
        Self {
            concurrency: 2,
            max_attempts: 8,
            visibility_timeout: Duration::from_secs(120),
            poll_interval: Duration::from_millis(200),
            batch: 16,
            tuning: Default::default(),
        }
    }
}
