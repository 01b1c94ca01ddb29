//! `delivery.send`: hands a batch of a campaign's log rows to the vendor at the configured pace.
//!
//! A send claims its rows (`queued` → `sending`, committed) before the request and records the vendor's
//! ids (`sending` → `sent`) after it. Each message carries its row as the vendor's idempotency
//! reference, so a row sent again — after a crash between the request and the record, or a
//! redelivered job — is recognised by the vendor and not sent twice. Rows left `sending` by a sender
//! that stopped are handed out again by the sweeper (`sweepers::stale_sends`) once their claim is stale.

mod posting;
mod settings;
mod vendor;

use crate::jobs::RecipientBatch;
use crate::now;
use anyhow::Context;
use async_trait::async_trait;
use governor::{DefaultDirectRateLimiter, RateLimiter};
use minicrm_bus::{queues, Envelope, Handler};
use minicrm_domain::campaign::{CampaignStatus, MessageStatus};
use minicrm_store::campaigns::{self, CampaignRow};
use minicrm_store::messages;
use minicrm_store::{Db, Tx};
use std::num::NonZeroU32;
use tokio_util::sync::CancellationToken;

pub use settings::DeliverySettings;

/// The reference the vendor keeps for a row: unique across campaigns and databases.
pub fn reference(campaign_id: &str, log_id: i64) -> String {
    format!("{campaign_id}:{log_id}")
}

/// The campaign and log row a [`reference`] names.
pub(crate) fn parse_reference(reference: &str) -> Option<(&str, i64)> {
    let (campaign, row) = reference.rsplit_once(':')?;
    Some((campaign, row.parse().ok()?))
}

/// `delivery.send`.
pub struct SendBatch {
    db: Db,
    settings: DeliverySettings,
    client: reqwest::Client,
    limiter: DefaultDirectRateLimiter,
    /// Cut short a retry's wait: the job goes back to the queue rather than hold up the stop.
    shutdown: CancellationToken,
}

impl SendBatch {
    pub fn new(
        db: Db,
        settings: DeliverySettings,
        shutdown: CancellationToken,
    ) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(settings.request_timeout)
            .pool_max_idle_per_host(16)
            .build()?;
        Ok(Self {
            db,
            client,
            limiter: RateLimiter::direct(settings.quota()),
            settings,
            shutdown,
        })
    }
}

impl SendBatch {
    /// Claims the rows of `ids` still queued, and those a dead sender left `sending` before
    /// `stale`, and sends them.
    async fn claim_and_send(
        &self,
        campaign: &CampaignRow,
        ids: &[i64],
        now: i64,
        stale: i64,
    ) -> anyhow::Result<()> {
        let claimed = messages::claim(&self.db, &campaign.id, ids, now, stale).await?;
        if !claimed.is_empty() {
            self.send(&campaign.id, campaign.channel, &claimed).await?;
        }
        Ok(())
    }

    /// For a campaign no longer running: settles its rows of `rest` still queued (`to`, with the
    /// reason). Rows a dead sender left `sending` were in flight when it stopped: they go to the
    /// vendor again under their references, which it recognises if it took them, so that the log
    /// agrees with the vendor. Left `sending`, the sweeper would hand them out again and again.
    async fn stop(
        &self,
        campaign: &CampaignRow,
        rest: &[i64],
        (to, reason): (MessageStatus, Option<&str>),
        now: i64,
        stale: i64,
    ) -> anyhow::Result<()> {
        let mut tx = self.db.begin().await?;
        let counts = messages::settle_queued(&mut tx, &campaign.id, rest, to, reason, now).await?;
        campaigns::add_counts(&mut tx, &campaign.id, counts, now).await?;
        tx.commit().await?;
        for ids in rest.chunks(self.settings.per_request()) {
            self.claim_and_send(campaign, ids, now, stale).await?;
        }
        Ok(())
    }
}

#[async_trait]
impl Handler for SendBatch {
    /// Claims, sends and records outside the message's transaction, so no transaction waits on the vendor.
    #[tracing::instrument(name = "send_batch", skip_all, fields(campaign_id, chunk))]
    async fn prepare(&self, envelope: &Envelope) -> anyhow::Result<()> {
        let batch: RecipientBatch = crate::open(envelope, queues::DELIVERY_SEND)?;
        tracing::Span::current()
            .record("campaign_id", batch.campaign_id.as_str())
            .record("chunk", batch.chunk);
        let per_request = self.settings.per_request();
        for (i, ids) in batch.customer_ids.chunks(per_request).enumerate() {
            // Paced before the claim, so claimed rows go out at once; the campaign is read again
            // before every request, so a cancel stops the sending within one request.
            let n = NonZeroU32::new(ids.len() as u32).expect("ids");
            tokio::select! {
                ready = self.limiter.until_n_ready(n) => ready.context("rate limit")?,
                _ = self.shutdown.cancelled() => anyhow::bail!("stopping: the job goes back to the queue"),
            }
            let campaign = campaigns::get(&self.db, &batch.campaign_id).await?;
            let now = now();
            let stale = now - self.settings.stale_after.as_millis() as i64;
            let stale = stale.max(batch.reclaim_before.unwrap_or(i64::MIN));
            let settle = match campaign.status {
                CampaignStatus::Running => None,
                CampaignStatus::Cancelled => Some((MessageStatus::Cancelled, None)),
                _ => Some((MessageStatus::Failed, Some("the campaign failed"))),
            };
            if let Some((to, reason)) = settle {
                let rest = &batch.customer_ids[i * per_request..];
                return self.stop(&campaign, rest, (to, reason), now, stale).await;
            }
            self.claim_and_send(&campaign, ids, now, stale).await?;
        }
        Ok(())
    }

    async fn handle(&self, _tx: &mut Tx, _envelope: &Envelope) -> anyhow::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests;
