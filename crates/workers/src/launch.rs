//! `campaign.launch`: fixes a running campaign's audience — the customers its rules select now, in id
//! order — and splits it into `campaign.snapshot` jobs, published in the launch's transaction.

use crate::jobs::{publish, Launch, RecipientBatch};
use crate::now;
use async_trait::async_trait;
use minicrm_bus::{queues, Bus, Envelope, Handler};
use minicrm_domain::campaign::CampaignStatus;
use minicrm_domain::{rules, Currency, Timestamp};
use minicrm_store::{campaigns, Tx};
use std::sync::Arc;

/// `campaign.launch`: fixes the audience — the customers matching the rules now, in id order — and
/// publishes it in snapshot batches.
pub struct LaunchCampaign {
    pub bus: Arc<dyn Bus>,
    pub currency: Currency,
    pub snapshot_batch: usize,
}

#[async_trait]
impl Handler for LaunchCampaign {
    #[tracing::instrument(name = "launch_campaign", skip_all, fields(campaign_id))]
    async fn handle(&self, tx: &mut Tx, envelope: &Envelope) -> anyhow::Result<()> {
        let launch: Launch = crate::open(envelope, queues::CAMPAIGN_LAUNCH)?;
        tracing::Span::current().record("campaign_id", launch.campaign_id.as_str());
        let campaign = campaigns::get_in(tx, &launch.campaign_id).await?;
        match campaign.status {
            // Published before the start committed: try again once it has.
            CampaignStatus::Scheduled => anyhow::bail!("the campaign has not started yet"),
            CampaignStatus::Running if campaign.snapshot_at.is_none() => {}
            _ => return Ok(()),
        }
        let rules = rules::parse(&campaign.rules.0, self.currency)
            .map_err(|e| anyhow::anyhow!("the campaign's rules no longer parse: {e:?}"))?;
        let now = now();
        let audience = minicrm_audience::audience(tx, &rules, Timestamp::from_millis(now)).await?;
        let batch = self.snapshot_batch.max(1);
        let chunks = audience.chunks(batch).count();
        for (chunk, ids) in audience.chunks(batch).enumerate() {
            let payload = RecipientBatch {
                campaign_id: campaign.id.clone(),
                chunk,
                customer_ids: ids.to_vec(),
                reclaim_before: None,
            };
            let envelope = Envelope::with_id(
                format!("snapshot:{}:{chunk}", campaign.id),
                queues::CAMPAIGN_SNAPSHOT,
                1,
                &payload,
            )?;
            publish(self.bus.as_ref(), tx, queues::CAMPAIGN_SNAPSHOT, &envelope).await?;
        }
        campaigns::record_snapshot(tx, &campaign.id, audience.len() as i64, chunks as i64, now)
            .await?;
        campaigns::complete_if_done(tx, &campaign.id, now).await?;
        tracing::info!(audience = audience.len(), chunks, "campaign launched");
        Ok(())
    }
}
