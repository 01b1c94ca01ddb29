//! minicrm's worker role: one file per consumer, the campaign scheduler and the sweepers. Each handler
//! runs inside the transaction that settles its message (see `minicrm_bus::Handler`).
//!
//! | file | owns |
//! |---|---|
//! | `ingest_customers` | `ingest.customers`: upserts customers, applies orders that waited for them |
//! | `ingest_orders` | `ingest.orders`: stores orders with their customer's aggregates, parks the rest |
//! | `ingest`, `apply`, `tally` | what both share: opening a batch, applying orders, counting outcomes |
//! | `scheduler` | starts due campaigns and publishes their launches |
//! | `launch` | `campaign.launch`: fixes the audience, splits it into snapshot jobs |
//! | `snapshot` | `campaign.snapshot`: renders a batch and writes its log rows |
//! | `send` | `delivery.send`: hands log rows to the vendor at the configured pace |
//! | `receipts` | `delivery.receipts`: applies the vendor's receipts to the rows they prove |
//! | `sweepers` | parked orders retried or rejected; rows left `sending` handed out again |
//! | `jobs` | the jobs the campaign consumers hand each other |
#![forbid(unsafe_code)]

mod apply;
mod ingest;
pub mod ingest_customers;
pub mod ingest_orders;
mod jobs;
pub mod launch;
pub mod receipts;
mod scheduler;
pub mod send;
pub mod snapshot;
pub mod sweepers;
mod tally;

pub use ingest::IngestSettings;
pub use send::DeliverySettings;

use minicrm_bus::{queues, Bus, Handler};
use minicrm_store::Db;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

fn now() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Reads the payload of a message after checking that it is one this consumer takes: of `kind` (the
/// queue it was made for) and version 1. Anything else is refused — retried, then dead-lettered —
/// rather than read as what it is not: a send job's batch reads as a snapshot's, and a newer
/// version's payload may read as this one's and mean something else.
fn open<T: serde::de::DeserializeOwned>(
    envelope: &minicrm_bus::Envelope,
    kind: &str,
) -> anyhow::Result<T> {
    anyhow::ensure!(
        envelope.kind == kind && envelope.version == 1,
        "unexpected message {} v{} on {kind}",
        envelope.kind,
        envelope.version
    );
    anyhow::Context::with_context(envelope.payload(), || format!("bad {kind}"))
}

/// Everything the worker role needs beside the bus and the database.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    pub ingest: IngestSettings,
    pub delivery: DeliverySettings,
    pub currency: minicrm_domain::Currency,
    pub schedule_interval: Duration,
}

/// How the campaign queues are consumed: launches one at a time, send jobs `delivery_concurrency` at
/// once and one per transaction (each commits its own steps), receipts `receipt_batch` callbacks per
/// transaction, waiting up to `receipt_linger` for a batch to fill.
pub fn queue_tuning(
    delivery_concurrency: usize,
    receipt_batch: usize,
    receipt_linger: Duration,
) -> std::collections::HashMap<&'static str, minicrm_bus::QueueTuning> {
    use minicrm_bus::QueueTuning;
    let tuning = |concurrency: usize, batch: usize, linger| QueueTuning {
        concurrency: concurrency.max(1),
        batch: batch.max(1),
        linger,
    };
    [
        (queues::CAMPAIGN_LAUNCH, tuning(1, 1, Duration::ZERO)),
        (queues::CAMPAIGN_SNAPSHOT, tuning(2, 2, Duration::ZERO)),
        (
            queues::DELIVERY_SEND,
            tuning(delivery_concurrency, 1, Duration::ZERO),
        ),
        (
            queues::DELIVERY_RECEIPTS,
            tuning(1, receipt_batch, receipt_linger),
        ),
    ]
    .into_iter()
    .collect()
}

/// Runs every consumer of the worker role, the campaign scheduler and the sweepers until `shutdown`,
/// and reports the first that fails.
pub async fn run(
    bus: Arc<dyn Bus>,
    db: Db,
    settings: WorkerSettings,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let customers: Arc<dyn Handler> = Arc::new(ingest_customers::IngestCustomers);
    let orders: Arc<dyn Handler> = Arc::new(ingest_orders::IngestOrders {
        settings: settings.ingest.clone(),
    });
    let launch: Arc<dyn Handler> = Arc::new(launch::LaunchCampaign {
        bus: bus.clone(),
        currency: settings.currency,
        snapshot_batch: settings.delivery.snapshot_batch,
    });
    let snapshot: Arc<dyn Handler> = Arc::new(snapshot::SnapshotBatch::new(
        bus.clone(),
        db.clone(),
        settings.currency,
    ));
    let send: Arc<dyn Handler> = Arc::new(send::SendBatch::new(
        db.clone(),
        settings.delivery.clone(),
        shutdown.clone(),
    )?);
    let receipts: Arc<dyn Handler> = Arc::new(receipts::ApplyReceipts);
    let mut tasks = tokio::task::JoinSet::new();
    for (queue, handler) in [
        (queues::INGEST_CUSTOMERS, customers),
        (queues::INGEST_ORDERS, orders),
        (queues::CAMPAIGN_LAUNCH, launch),
        (queues::CAMPAIGN_SNAPSHOT, snapshot),
        (queues::DELIVERY_SEND, send),
        (queues::DELIVERY_RECEIPTS, receipts),
    ] {
        let (bus, shutdown) = (bus.clone(), shutdown.clone());
        tasks.spawn(async move {
            let result = bus.consume(queue, handler, shutdown).await;
            tracing::debug!(queue, "consumer stopped");
            result
        });
    }
    tasks.spawn(sweepers::parked_orders(
        db.clone(),
        settings.ingest,
        shutdown.clone(),
    ));
    tasks.spawn(scheduler::run(
        bus.clone(),
        db.clone(),
        settings.schedule_interval,
        shutdown.clone(),
    ));
    tasks.spawn(sweepers::stale_sends(
        bus,
        db,
        settings.delivery,
        shutdown.clone(),
    ));
    while let Some(done) = tasks.join_next().await {
        done??;
    }
    Ok(())
}
