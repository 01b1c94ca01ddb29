//! minicrm's consumers: ingestion of customers and orders, and the sweeper that retries orders parked
//! while waiting for their customer. Each handler runs inside the transaction that settles its message.
#![forbid(unsafe_code)]

mod apply;
pub mod campaigns;
pub mod customers;
pub mod delivery;
pub mod orders;
pub mod sweeper;
mod tally;

use minicrm_bus::{queues, Bus, Handler};
use minicrm_store::Db;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// How ingestion waits for customers that have not arrived yet.
#[derive(Debug, Clone)]
pub struct IngestSettings {
    /// How long an order may wait for its customer before it is rejected.
    pub order_retry_window: Duration,
    /// The first retry of a parked order; later ones back off exponentially, up to five minutes apart.
    pub first_retry: Duration,
    /// How often the sweeper looks for parked orders that are due.
    pub sweep_interval: Duration,
}

impl Default for IngestSettings {
    fn default() -> Self {
        Self {
            order_retry_window: Duration::from_secs(3600),
            first_retry: Duration::from_secs(5),
            sweep_interval: Duration::from_secs(1),
        }
    }
}

fn now() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Opens an ingestion message: checks its type and version, reads its batch, and makes sure the data
/// database holds the batch's ingestion record (it travels with the message when the queue keeps its own
/// database).
async fn open_batch<T: serde::de::DeserializeOwned>(
    tx: &mut minicrm_store::Tx,
    envelope: &minicrm_bus::Envelope,
    kind: minicrm_domain::RecordKind,
) -> anyhow::Result<minicrm_domain::Batch<T>> {
    let expected = format!("ingest.{}", kind.as_str());
    anyhow::ensure!(
        envelope.kind == expected && envelope.version == 1,
        "unexpected message {} v{}",
        envelope.kind,
        envelope.version
    );
    let batch: minicrm_domain::Batch<T> =
        anyhow::Context::with_context(envelope.payload(), || format!("bad {expected} batch"))?;
    tracing::Span::current().record("ingestion_id", batch.ingestion_id.as_str());
    let record = minicrm_store::ingestions::NewIngestion {
        id: &batch.ingestion_id,
        kind,
        accepted: batch.records.len(),
        api_key_id: batch.api_key_id.as_deref(),
        request_hash: batch.request_hash.as_deref(),
        created_at: envelope.produced_at,
    };
    minicrm_store::ingestions::create(tx, &record).await?;
    Ok(batch)
}

/// Everything the worker role needs beside the bus and the database.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    pub ingest: IngestSettings,
    pub delivery: delivery::DeliverySettings,
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
    let customers: Arc<dyn Handler> = Arc::new(customers::IngestCustomers);
    let orders: Arc<dyn Handler> = Arc::new(orders::IngestOrders {
        settings: settings.ingest.clone(),
    });
    let launch: Arc<dyn Handler> = Arc::new(campaigns::LaunchCampaign {
        bus: bus.clone(),
        currency: settings.currency,
        snapshot_batch: settings.delivery.snapshot_batch,
    });
    let snapshot: Arc<dyn Handler> = Arc::new(campaigns::SnapshotBatch::new(
        bus.clone(),
        db.clone(),
        settings.currency,
    ));
    let send: Arc<dyn Handler> = Arc::new(delivery::SendBatch::new(
        db.clone(),
        settings.delivery.clone(),
        shutdown.clone(),
    )?);
    let receipts: Arc<dyn Handler> = Arc::new(delivery::ApplyReceipts);
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
    tasks.spawn(sweeper::run(db.clone(), settings.ingest, shutdown.clone()));
    tasks.spawn(campaigns::scheduler(
        bus.clone(),
        db.clone(),
        settings.schedule_interval,
        shutdown.clone(),
    ));
    tasks.spawn(delivery::sweeper(
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
