//! What the two ingestion consumers share: how long an order waits for its customer, and how an
//! ingestion message is opened (its type and version checked, its batch read, its ingestion record
//! made sure of).

use std::time::Duration;

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

/// Opens an ingestion message: checks its type and version, reads its batch, and makes sure the data
/// database holds the batch's ingestion record (see `minicrm_bus::ingestions`).
pub(crate) async fn open_batch<T: serde::de::DeserializeOwned>(
    tx: &mut minicrm_store::Tx,
    envelope: &minicrm_bus::Envelope,
    kind: minicrm_domain::RecordKind,
) -> anyhow::Result<minicrm_domain::Batch<T>> {
    let batch: minicrm_domain::Batch<T> =
        crate::open(envelope, &format!("ingest.{}", kind.as_str()))?;
    tracing::Span::current().record("ingestion_id", batch.ingestion_id.as_str());
    let record = minicrm_store::ingestions::NewIngestion {
        id: &batch.ingestion_id,
        kind,
        accepted: batch.records.len(),
        api_key_id: batch.api_key_id.as_deref(),
        request_hash: batch.request_hash.as_deref(),
        created_at: envelope.produced_at,
    };
    minicrm_bus::ingestions::arrive(tx, &record).await?;
    Ok(batch)
}
