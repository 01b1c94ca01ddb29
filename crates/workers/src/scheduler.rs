//! The campaign scheduler: starts the campaigns whose time has come and publishes their launches, and
//! publishes again the launch of a campaign started a minute ago that still has no audience (its
//! launch message was dead-lettered).

use crate::jobs::{launch_envelope, publish};
use crate::now;
use minicrm_bus::{queues, Bus};
use minicrm_store::{campaigns, Db};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Starts due campaigns, and publishes again the launches of campaigns started a minute ago and still
/// without an audience (their launch message was dead-lettered).
pub async fn run(
    bus: Arc<dyn Bus>,
    db: Db,
    interval: Duration,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let mut last_check = 0;
    while !shutdown.is_cancelled() {
        if let Err(e) = start_due(bus.as_ref(), &db).await {
            tracing::warn!(error = %format!("{e:#}"), "could not start due campaigns");
        }
        if now() - last_check > 30_000 {
            last_check = now();
            if let Err(e) = relaunch_lost(bus.as_ref(), &db).await {
                tracing::warn!(error = %format!("{e:#}"), "could not look for lost launches");
            }
        }
        tokio::select! {
            _ = shutdown.cancelled() => {}
            _ = tokio::time::sleep(interval) => {}
        }
    }
    Ok(())
}

/// Starts the campaigns whose time has come and publishes their launches. Where the launch cannot
/// commit with the start, it is published before the commit; a start that then fails to commit leaves
/// a launch that finds its campaign still scheduled and does nothing, and the next round starts it.
pub async fn start_due(bus: &dyn Bus, db: &Db) -> anyhow::Result<usize> {
    let mut tx = db.begin().await?;
    let started = campaigns::start_due(&mut tx, now(), 100).await?;
    for id in &started {
        publish(bus, &mut tx, queues::CAMPAIGN_LAUNCH, &launch_envelope(id)?).await?;
    }
    tx.commit().await?;
    for id in &started {
        tracing::info!(campaign_id = %id, "campaign started");
    }
    Ok(started.len())
}

async fn relaunch_lost(bus: &dyn Bus, db: &Db) -> anyhow::Result<()> {
    for id in campaigns::unlaunched(db, now() - 60_000).await? {
        tracing::warn!(campaign_id = %id, "launch not seen for a minute; publishing it again");
        bus.publish(queues::CAMPAIGN_LAUNCH, &launch_envelope(&id)?)
            .await?;
    }
    Ok(())
}
