//! Where an ingestion's record lives, decided here once. A bus that keeps its messages in a database
//! of its own (the outbox) records an accepted batch there, in the transaction that publishes its
//! message, so neither exists without the other; the record travels with the message and the worker
//! makes sure of it in the data database when it opens the batch ([`arrive`]). Any other bus records
//! the batch in the data database, then publishes once that has committed (a failed publish marks the
//! record `failed`, and a retry under the same idempotency key publishes it again:
//! [`publish_again`]). Readers ask [`find`], which looks wherever the record can be.

use crate::{Bus, BusError, Envelope};
use minicrm_domain::IngestionStatus;
use minicrm_store::ingestions::{self, IngestionRow, NewIngestion};
use minicrm_store::{Db, StoreError, Tx};

/// Why a batch was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum AcceptError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The bus did not take the message: nothing was accepted, the client may send it again.
    #[error(transparent)]
    Bus(#[from] BusError),
}

/// Records an accepted batch and publishes its message durably. `Ok(false)`: the record existed — a
/// concurrent retry under the same idempotency key got here first and published the message.
pub async fn accept(
    bus: &dyn Bus,
    db: &Db,
    record: &NewIngestion<'_>,
    queue: &str,
    envelope: &Envelope,
) -> Result<bool, AcceptError> {
    let mut tx = bus.outbox().unwrap_or(db).begin().await?;
    let fresh = ingestions::create(&mut tx, record).await?;
    let published = !fresh || bus.publish_in(&mut tx, queue, envelope).await?;
    tx.commit().await?;
    if !published {
        if let Err(e) = bus.publish(queue, envelope).await {
            tracing::error!(error = %e, "could not publish an accepted batch");
            let _ = ingestions::mark_failed(db, record.id).await;
            return Err(e.into());
        }
    }
    Ok(fresh)
}

/// For a batch sent again under the idempotency key of `earlier`: publishes its message again when it
/// may never have reached the bus (recorded before the publish, still `queued` or marked `failed`),
/// which only a bus without an outbox can leave so. The same message id makes a second publish
/// harmless. Says whether it published.
pub async fn publish_again(
    bus: &dyn Bus,
    db: &Db,
    earlier: &IngestionRow,
    queue: &str,
    envelope: &Envelope,
) -> Result<bool, AcceptError> {
    let unsure = matches!(
        earlier.status,
        IngestionStatus::Queued | IngestionStatus::Failed
    );
    if !unsure || bus.outbox().is_some() {
        return Ok(false);
    }
    bus.publish(queue, envelope).await?;
    ingestions::mark_requeued(db, &earlier.id).await?;
    Ok(true)
}

/// The record of ingestion `id`: in the data database once a worker has opened its batch, else, with
/// an outbox, still there (looked at again in the data database if it moved meanwhile).
pub async fn find(bus: &dyn Bus, db: &Db, id: &str) -> Result<IngestionRow, StoreError> {
    match (ingestions::get(db, id).await, bus.outbox()) {
        (Err(StoreError::NotFound), Some(outbox)) => match ingestions::get(outbox, id).await {
            Err(StoreError::NotFound) => ingestions::get(db, id).await,
            other => other,
        },
        (found, _) => found,
    }
}

/// The worker's side: makes sure the data database holds the record of a batch it is opening, in the
/// handler's transaction (a record that travelled with its message arrives here; one already there
/// stays as it is).
pub async fn arrive(tx: &mut Tx, record: &NewIngestion<'_>) -> Result<(), StoreError> {
    ingestions::create(tx, record).await?;
    Ok(())
}
