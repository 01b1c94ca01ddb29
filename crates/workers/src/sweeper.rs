//! The sweeper: retries parked orders with exponential backoff and rejects, with its reason, an order
//! whose customer has not arrived within the retry window. Nothing is dropped silently.

use crate::{apply, now, tally, IngestSettings};
use minicrm_bus::backoff;
use minicrm_domain::RecordKind;
use minicrm_store::ingestions::{self, Counts};
use minicrm_store::{parked, Db, StoreError};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

const BATCH: i64 = 500;

pub async fn run(
    db: Db,
    settings: IngestSettings,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    while !shutdown.is_cancelled() {
        match sweep_once(&db, &settings).await {
            Ok(n) if n as i64 == BATCH => continue,
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "the parked-order sweep failed; will try again"),
        }
        tokio::select! {
            _ = shutdown.cancelled() => {}
            _ = tokio::time::sleep(settings.sweep_interval) => {}
        }
    }
    Ok(())
}

/// One pass over the parked orders that are due; returns how many it looked at.
pub async fn sweep_once(db: &Db, settings: &IngestSettings) -> Result<usize, StoreError> {
    let (swept, measured) = minicrm_metrics::collect(sweep(db, settings)).await;
    if swept.is_ok() {
        measured.commit();
    }
    swept
}

async fn sweep(db: &Db, settings: &IngestSettings) -> Result<usize, StoreError> {
    let now = now();
    let mut tx = db.begin().await?;
    let due = parked::due(&mut tx, now, BATCH).await?;
    let seen = due.len();
    let waiting = apply::parked_orders(&mut tx, due).await?;
    let window = settings.order_retry_window.as_millis() as i64;
    for p in waiting {
        if now - p.parked_at >= window {
            let reason = format!(
                "customer '{}' does not exist (waited {} s)",
                p.order.customer_external_id,
                (now - p.parked_at) / 1000
            );
            ingestions::reject(
                &mut tx,
                &p.ingestion_id,
                p.row_index,
                p.order.external_id.as_str(),
                &reason,
                now,
            )
            .await?;
            let counts = Counts {
                pending: -1,
                rejected: 1,
                ..Default::default()
            };
            tally::record(&mut tx, &p.ingestion_id, RecordKind::Orders, counts, now).await?;
            parked::remove(&mut tx, &[p.id]).await?;
        } else {
            let delay = backoff(
                p.attempts as u32 + 1,
                settings.first_retry,
                Duration::from_secs(300),
            );
            let next = (now + delay.as_millis() as i64).min(p.parked_at + window);
            parked::reschedule(&mut tx, p.id, next).await?;
        }
    }
    tx.commit().await?;
    Ok(seen)
}
