//! minicrm's consumers: ingestion of customers and orders, and the sweeper that retries orders parked
//! while waiting for their customer. Each handler runs inside the transaction that settles its message.
#![forbid(unsafe_code)]

mod apply;
pub mod customers;
pub mod orders;
pub mod sweeper;

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

/// Runs every consumer of the worker role until `shutdown`, and reports the first that fails.
pub async fn run(
    bus: Arc<dyn Bus>,
    db: Db,
    settings: IngestSettings,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let customers: Arc<dyn Handler> = Arc::new(customers::IngestCustomers);
    let orders: Arc<dyn Handler> = Arc::new(orders::IngestOrders {
        settings: settings.clone(),
    });
    let mut tasks = tokio::task::JoinSet::new();
    for (queue, handler) in [
        (queues::INGEST_CUSTOMERS, customers),
        (queues::INGEST_ORDERS, orders),
    ] {
        let (bus, shutdown) = (bus.clone(), shutdown.clone());
        tasks.spawn(async move { bus.consume(queue, handler, shutdown).await });
    }
    tasks.spawn(sweeper::run(db, settings, shutdown.clone()));
    while let Some(done) = tasks.join_next().await {
        done??;
    }
    Ok(())
}
