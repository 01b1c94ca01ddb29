//! Running campaigns: the scheduler starts them, `campaign.launch` fixes the audience and splits it into
//! snapshot batches, `campaign.snapshot` renders and writes each batch's log rows, and `delivery.send`
//! hands them to the vendor (see `delivery`). Message ids are derived from the campaign and the batch,
//! so a repeated step is recognised by the inbox.

use crate::now;
use anyhow::Context;
use async_trait::async_trait;
use minicrm_bus::{queues, Bus, Envelope, Handler};
use minicrm_domain::campaign::{
    CampaignStatus, Channel, MessageStatus, MessageTemplate, Recipient,
};
use minicrm_domain::{rules, Currency, Timestamp};
use minicrm_store::campaigns::{self, CampaignRow, Counts};
use minicrm_store::messages::{self, NewMessage};
use minicrm_store::{customers, Db, Tx};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

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

/// Starts due campaigns, and publishes again the launches of campaigns started a minute ago and still
/// without an audience (their launch message was dead-lettered).
pub async fn scheduler(
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

fn launch_envelope(campaign_id: &str) -> anyhow::Result<Envelope> {
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
        let launch: Launch = envelope.payload().context("bad campaign.launch")?;
        tracing::Span::current().record("campaign_id", launch.campaign_id.as_str());
        let campaign = campaigns::get_in(tx, &launch.campaign_id).await?;
        match CampaignStatus::parse(&campaign.status) {
            // Published before the start committed: try again once it has.
            Some(CampaignStatus::Scheduled) => anyhow::bail!("the campaign has not started yet"),
            Some(CampaignStatus::Running) if campaign.snapshot_at.is_none() => {}
            _ => return Ok(()),
        }
        let rules = rules::parse(&campaign.rules.0, self.currency)
            .map_err(|e| anyhow::anyhow!("the campaign's rules no longer parse: {e:?}"))?;
        let now = now();
        let audience = minicrm_segments::audience(tx, &rules, Timestamp::from_millis(now)).await?;
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

/// `campaign.snapshot`: renders a batch's messages and writes their log rows, then — once they are
/// committed, so the sender finds them — hands the batch to `delivery.send`. The reading and rendering
/// happen before the write transaction (`prepare`), so the one SQLite writer is held only for the
/// insert.
pub struct SnapshotBatch {
    pub bus: Arc<dyn Bus>,
    pub db: Db,
    pub currency: Currency,
    templates: Mutex<HashMap<String, Arc<MessageTemplate>>>,
    /// Rows rendered by `prepare`, by message id, for `handle` to write.
    rendered: Mutex<HashMap<String, Vec<Rendered>>>,
}

/// A recipient's message, before the campaign's state decides the row's status.
struct Rendered {
    customer_id: i64,
    recipient: Option<String>,
    message: Option<String>,
}

impl SnapshotBatch {
    pub fn new(bus: Arc<dyn Bus>, db: Db, currency: Currency) -> Self {
        Self {
            bus,
            db,
            currency,
            templates: Mutex::new(HashMap::new()),
            rendered: Mutex::new(HashMap::new()),
        }
    }

    fn template(&self, campaign: &CampaignRow) -> anyhow::Result<Arc<MessageTemplate>> {
        let mut cache = self.templates.lock().expect("template cache");
        if let Some(t) = cache.get(&campaign.id) {
            return Ok(t.clone());
        }
        let template =
            Arc::new(MessageTemplate::parse(&campaign.message).context("the campaign's template")?);
        if cache.len() > 64 {
            cache.clear();
        }
        cache.insert(campaign.id.clone(), template.clone());
        Ok(template)
    }

    fn render(
        &self,
        campaign: &CampaignRow,
        people: &[customers::RecipientRow],
    ) -> anyhow::Result<Vec<Rendered>> {
        let channel = Channel::parse(&campaign.channel).context("the campaign's channel")?;
        let template = self.template(campaign)?;
        Ok(people
            .iter()
            .map(|p| Rendered {
                customer_id: p.id,
                recipient: match channel {
                    Channel::Email => p.email.clone(),
                    Channel::Sms | Channel::Whatsapp => p.phone.clone(),
                },
                message: template
                    .render(&Recipient {
                        name: &p.name,
                        city: p.city.as_deref(),
                        email: p.email.as_deref(),
                        total_spend_minor: p.total_spend,
                        currency: Some(self.currency),
                        order_count: p.order_count,
                        last_order_at: p.last_order_at,
                    })
                    .ok(),
            })
            .collect())
    }
}

#[async_trait]
impl Handler for SnapshotBatch {
    /// Publishes the batch's send job, under an id derived from the batch, so a repeat is recognised;
    /// the sender takes only the rows still queued.
    async fn after_commit(&self, envelope: &Envelope) -> anyhow::Result<()> {
        let batch: RecipientBatch = envelope.payload().context("bad campaign.snapshot")?;
        let job = Envelope::with_id(
            format!("send:{}:{}", batch.campaign_id, batch.chunk),
            queues::DELIVERY_SEND,
            1,
            &batch,
        )?;
        self.bus.publish(queues::DELIVERY_SEND, &job).await?;
        Ok(())
    }

    async fn prepare(&self, envelope: &Envelope) -> anyhow::Result<()> {
        let batch: RecipientBatch = envelope.payload().context("bad campaign.snapshot")?;
        let campaign = campaigns::get(&self.db, &batch.campaign_id).await?;
        let people = customers::recipients_read(&self.db, &batch.customer_ids).await?;
        let rows = self.render(&campaign, &people)?;
        let mut rendered = self.rendered.lock().expect("rendered rows");
        if rendered.len() > 256 {
            rendered.clear();
        }
        rendered.insert(envelope.id.clone(), rows);
        Ok(())
    }

    #[tracing::instrument(name = "snapshot_batch", skip_all, fields(campaign_id, chunk))]
    async fn handle(&self, tx: &mut Tx, envelope: &Envelope) -> anyhow::Result<()> {
        let batch: RecipientBatch = envelope.payload().context("bad campaign.snapshot")?;
        tracing::Span::current()
            .record("campaign_id", batch.campaign_id.as_str())
            .record("chunk", batch.chunk);
        let campaign = campaigns::get_in(tx, &batch.campaign_id).await?;
        let channel = Channel::parse(&campaign.channel).context("the campaign's channel")?;
        let status = CampaignStatus::parse(&campaign.status);
        let prepared = self
            .rendered
            .lock()
            .expect("rendered rows")
            .remove(&envelope.id);
        let rendered = match prepared {
            Some(rows) => rows,
            None => {
                let people = customers::recipients(tx, &batch.customer_ids).await?;
                self.render(&campaign, &people)?
            }
        };
        let rows: Vec<NewMessage> = rendered
            .into_iter()
            .map(|r| {
                let (status, reason) = match (status, &r.recipient, &r.message) {
                    (Some(CampaignStatus::Cancelled), _, _) => (MessageStatus::Cancelled, None),
                    (Some(CampaignStatus::Failed), _, _) => {
                        (MessageStatus::Failed, Some("the campaign failed"))
                    }
                    (_, None, _) => (MessageStatus::Failed, Some(channel.missing_recipient())),
                    (_, _, None) => (
                        MessageStatus::Failed,
                        Some("the message could not be rendered"),
                    ),
                    _ => (MessageStatus::Queued, None),
                };
                NewMessage {
                    customer_id: r.customer_id,
                    recipient: r.recipient,
                    message: r.message.unwrap_or_default(),
                    status,
                    failure_reason: reason,
                }
            })
            .collect();
        let now = now();
        let mut counts = messages::insert(tx, &campaign.id, &rows, now).await?;
        counts.chunks_done = 1;
        campaigns::add_counts(tx, &campaign.id, counts, now).await?;
        Ok(())
    }
}

/// Adds counter changes by campaign in the caller's transaction.
pub(crate) async fn add_all(
    tx: &mut Tx,
    changes: HashMap<String, Counts>,
    now: i64,
) -> anyhow::Result<()> {
    // In one order, so that two transactions that touch the same campaigns cannot deadlock.
    let mut changes: Vec<_> = changes.into_iter().collect();
    changes.sort_by(|a, b| a.0.cmp(&b.0));
    for (campaign, counts) in changes {
        campaigns::add_counts(tx, &campaign, counts, now).await?;
    }
    Ok(())
}
