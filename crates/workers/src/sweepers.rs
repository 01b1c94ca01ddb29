//! The sweepers, each a loop beside the consumers:
//! - `parked_orders` retries orders parked while waiting for their customer, with exponential backoff,
//!   and rejects, with its reason, an order whose customer has not arrived within the retry window.
//!   Nothing is dropped silently.
//! - `stale_sends` hands out again the log rows a sender left `sending` when it stopped.

use crate::jobs::RecipientBatch;
use crate::send::DeliverySettings;
use crate::{apply, now, tally, IngestSettings};
use minicrm_bus::{backoff, queues, Bus, Envelope};
use minicrm_domain::RecordKind;
use minicrm_store::ingestions::{self, Counts};
use minicrm_store::{messages, parked, Db, StoreError};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

const BATCH: i64 = 500;

/// Retries the parked orders that are due, every `sweep_interval`.
pub async fn parked_orders(
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

/// Hands out again the rows whose sender stopped while they were `sending`.
pub async fn stale_sends(
    bus: Arc<dyn Bus>,
    db: Db,
    settings: DeliverySettings,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    while !shutdown.is_cancelled() {
        tokio::select! {
            _ = shutdown.cancelled() => break,
            _ = tokio::time::sleep(settings.sweep_interval) => {}
        }
        let now = now();
        let stale = now - settings.stale_after.as_millis() as i64;
        match messages::take_stale(&db, stale, now, 10_000).await {
            Ok(rows) => {
                let mut by_campaign: std::collections::BTreeMap<String, Vec<i64>> =
                    Default::default();
                for (campaign, customer) in rows {
                    by_campaign.entry(campaign).or_default().push(customer);
                }
                for (campaign_id, customer_ids) in by_campaign {
                    tracing::warn!(%campaign_id, rows = customer_ids.len(), "rows left sending; handing them out again");
                    let payload = RecipientBatch {
                        campaign_id,
                        chunk: usize::MAX,
                        customer_ids,
                        reclaim_before: Some(now + 1),
                    };
                    let envelope = Envelope::new(queues::DELIVERY_SEND, 1, &payload)?;
                    if let Err(e) = bus.publish(queues::DELIVERY_SEND, &envelope).await {
                        tracing::warn!(error = %e, "could not hand out stale rows");
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "could not look for stale rows"),
        }
    }
    Ok(())
}
