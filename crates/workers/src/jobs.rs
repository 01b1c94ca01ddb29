//! The jobs the campaign consumers hand each other, and how they are published. A job's message id is
//! derived from the campaign and the batch (`launch:{campaign}`, `snapshot:{campaign}:{chunk}`,
//! `send:{campaign}:{chunk}`), so a step that runs again publishes a job the inbox recognises.

use minicrm_bus::{queues, Bus, Envelope};
use minicrm_store::Tx;
use serde::{Deserialize, Serialize};

/// The payload of `campaign.launch`.
#[derive(Debug, Serialize, Deserialize)]
pub struct Launch {
    pub campaign_id: String,
}

/// The payload of `campaign.snapshot` and `delivery.send`: a batch of a campaign's recipients.
#[derive(Debug, Serialize, Deserialize)]
pub struct RecipientBatch {
    pub campaign_id: String,
    pub chunk: usize,
    pub customer_ids: Vec<i64>,
    /// A job handing out rows whose sender died (the sweeper's) may claim rows still `sending` that
    /// were claimed before this time, as well as the stale ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reclaim_before: Option<i64>,
}

/// Publishes as part of the handler's transaction (see `Bus::publish_with`); the message ids here are
/// derived from the campaign and the batch, so a repeat is recognised.
pub(crate) async fn publish(
    bus: &dyn Bus,
    tx: &mut Tx,
    queue: &str,
    envelope: &Envelope,
) -> anyhow::Result<()> {
    Ok(bus.publish_with(tx, queue, envelope).await?)
}

/// The `campaign.launch` job of a campaign.
pub(crate) fn launch_envelope(campaign_id: &str) -> anyhow::Result<Envelope> {
    let launch = Launch {
        campaign_id: campaign_id.to_owned(),
    };
    Ok(Envelope::with_id(
        format!("launch:{campaign_id}"),
        queues::CAMPAIGN_LAUNCH,
        1,
        &launch,
    )?)
}
