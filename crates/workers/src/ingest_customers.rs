//! The `ingest.customers` consumer: upserts a batch (the newest `updated_at` wins) and applies the
//! orders that were waiting for these customers.

use crate::{apply, now, tally};
use async_trait::async_trait;
use minicrm_bus::{Envelope, Handler};
use minicrm_domain::RecordKind;
use minicrm_domain::{Batch, NewCustomer};
use minicrm_store::{customers, ingestions, parked, Tx};

pub struct IngestCustomers;

#[async_trait]
impl Handler for IngestCustomers {
    #[tracing::instrument(name = "ingest_customers", skip_all, fields(ingestion_id))]
    async fn handle(&self, tx: &mut Tx, envelope: &Envelope) -> anyhow::Result<()> {
        let batch: Batch<NewCustomer> =
            crate::ingest::open_batch(tx, envelope, RecordKind::Customers).await?;
        let received = batch.records.len() as i64;
        let records = NewCustomer::newest_per_external_id(batch.records);
        let changed = customers::upsert(tx, &records).await?;
        let counts = ingestions::Counts {
            persisted: changed.len() as i64,
            unchanged: received - changed.len() as i64,
            ..Default::default()
        };
        tally::record(
            tx,
            &batch.ingestion_id,
            RecordKind::Customers,
            counts,
            now(),
        )
        .await?;
        let ids: Vec<String> = records
            .into_iter()
            .map(|c| c.external_id.into_string())
            .collect();
        let waiting = parked::for_customers(tx, &ids).await?;
        apply::parked_orders(tx, waiting).await?;
        Ok(())
    }
}
