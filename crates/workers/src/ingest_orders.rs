//! The `ingest.orders` consumer: stores each order with its customer's aggregates in the message's
//! transaction, and parks the orders whose customer has not arrived yet.

use crate::{apply, now, tally, IngestSettings};
use async_trait::async_trait;
use minicrm_bus::{Envelope, Handler};
use minicrm_domain::RecordKind;
use minicrm_domain::{Batch, NewOrder};
use minicrm_store::Tx;

pub struct IngestOrders {
    pub settings: IngestSettings,
}

#[async_trait]
impl Handler for IngestOrders {
    #[tracing::instrument(name = "ingest_orders", skip_all, fields(ingestion_id))]
    async fn handle(&self, tx: &mut Tx, envelope: &Envelope) -> anyhow::Result<()> {
        let batch: Batch<NewOrder> =
            crate::ingest::open_batch(tx, envelope, RecordKind::Orders).await?;
        let now = now();
        let retry_at = now + self.settings.first_retry.as_millis() as i64;
        let rows: Vec<(usize, &NewOrder)> = batch.records.iter().enumerate().collect();
        let counts = apply::orders(tx, &batch.ingestion_id, &rows, now, retry_at).await?;
        tally::record(tx, &batch.ingestion_id, RecordKind::Orders, counts, now).await?;
        Ok(())
    }
}
