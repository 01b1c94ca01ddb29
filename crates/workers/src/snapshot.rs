//! `campaign.snapshot`: renders one batch of a campaign's recipients and writes their log rows (a
//! recipient without an address, or whose message cannot be rendered, gets a failed row with the
//! reason), then hands the batch to `delivery.send` once the rows are committed.

use crate::jobs::RecipientBatch;
use crate::now;
use anyhow::Context;
use async_trait::async_trait;
use minicrm_bus::{queues, Bus, Envelope, Handler};
use minicrm_domain::campaign::{
    CampaignStatus, Channel, MessageStatus, MessageTemplate, Recipient,
};
use minicrm_domain::Currency;
use minicrm_store::campaigns::{self, CampaignRow};
use minicrm_store::messages::{self, NewMessage};
use minicrm_store::{customers, Db, Tx};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

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
        let channel = campaign.channel;
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
        let batch: RecipientBatch = crate::open(envelope, queues::CAMPAIGN_SNAPSHOT)?;
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
        let batch: RecipientBatch = crate::open(envelope, queues::CAMPAIGN_SNAPSHOT)?;
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
        let batch: RecipientBatch = crate::open(envelope, queues::CAMPAIGN_SNAPSHOT)?;
        tracing::Span::current()
            .record("campaign_id", batch.campaign_id.as_str())
            .record("chunk", batch.chunk);
        let campaign = campaigns::get_in(tx, &batch.campaign_id).await?;
        let (channel, status) = (campaign.channel, campaign.status);
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
                    (CampaignStatus::Cancelled, _, _) => (MessageStatus::Cancelled, None),
                    (CampaignStatus::Failed, _, _) => {
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
