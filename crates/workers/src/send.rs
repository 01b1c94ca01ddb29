//! `delivery.send`: hands a batch of a campaign's log rows to the vendor at the configured pace.
//!
//! A send claims its rows (`queued` → `sending`, committed) before the request and records the vendor's
//! ids (`sending` → `sent`) after it. Each message carries its row as the vendor's idempotency
//! reference, so a row sent again — after a crash between the request and the record, or a
//! redelivered job — is recognised by the vendor and not sent twice. Rows left `sending` by a sender
//! that stopped are handed out again by the sweeper (`sweepers::stale_sends`) once their claim is stale.

mod vendor;

use crate::jobs::RecipientBatch;
use crate::now;
use anyhow::Context;
use async_trait::async_trait;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use minicrm_bus::{backoff, queues, Envelope, Handler};
use minicrm_domain::campaign::{CampaignStatus, Channel, MessageStatus};
use minicrm_messaging::{BatchAccepted, BatchRequest, OutboundMessage};
use minicrm_store::campaigns::{self, CampaignRow};
use minicrm_store::messages::{self, Claimed};
use minicrm_store::{Db, Tx};
use std::num::NonZeroU32;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use vendor::Answer;

/// How campaigns reach the vendor.
#[derive(Debug, Clone)]
pub struct DeliverySettings {
    /// The vendor's base URL (`POST {vendor_url}/v1/messages/batch`).
    pub vendor_url: String,
    pub vendor_api_key: secrecy::SecretString,
    /// Where the vendor posts receipts (`…/api/v1/receipts`); None leaves it to the vendor's own setting.
    pub callback_url: Option<String>,
    /// Messages per second to the vendor, across this process's senders.
    pub rate_per_second: u32,
    /// Messages per vendor request (the vendor takes up to 1,000).
    pub request_batch: usize,
    /// Recipients per snapshot batch (and so per send job).
    pub snapshot_batch: usize,
    /// One vendor request's time limit.
    pub request_timeout: Duration,
    /// Tries of one request (429, 5xx, time-outs) before the job is handed back to the queue.
    pub max_tries: u32,
    /// A row claimed this long ago and still `sending` is handed out again.
    pub stale_after: Duration,
    /// How often the sweeper looks for such rows.
    pub sweep_interval: Duration,
}

impl Default for DeliverySettings {
    fn default() -> Self {
        Self {
            vendor_url: "http://127.0.0.1:8090".into(),
            vendor_api_key: String::new().into(),
            callback_url: None,
            rate_per_second: 20_000,
            request_batch: 1_000,
            snapshot_batch: 1_000,
            request_timeout: Duration::from_secs(15),
            max_tries: 8,
            stale_after: Duration::from_secs(60),
            sweep_interval: Duration::from_secs(15),
        }
    }
}

impl DeliverySettings {
    /// Messages per vendor request: the configured batch, never more than the vendor takes (1,000)
    /// nor than one second's worth at the configured rate, so that one request is never a burst
    /// the rate does not allow.
    pub fn per_request(&self) -> usize {
        self.request_batch
            .clamp(1, 1_000)
            .min(self.rate_per_second.max(1) as usize)
    }

    /// The pace of this process's senders: the configured rate, with a burst of one request.
    fn quota(&self) -> Quota {
        let rate = NonZeroU32::new(self.rate_per_second.max(1)).expect("non-zero");
        let burst = NonZeroU32::new(self.per_request() as u32).expect("non-zero");
        Quota::per_second(rate).allow_burst(burst)
    }
}

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

/// What became of one vendor request.
enum Outcome {
    Accepted(BatchAccepted),
    /// Refused for good: the rows fail with this reason.
    Refused(String),
    /// Our credentials were refused: the campaign cannot go on.
    Unauthorised(String),
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

    /// Posts one request, retrying what the vendor may take later; the claimed rows `ids` stay
    /// claimed (renewed) meanwhile. A stop cuts the waiting short with an error.
    async fn post(&self, request: &BatchRequest, ids: &[i64]) -> anyhow::Result<Outcome> {
        let url = format!(
            "{}/v1/messages/batch",
            self.settings.vendor_url.trim_end_matches('/')
        );
        let mut tries = 0;
        loop {
            tries += 1;
            let key = secrecy::ExposeSecret::expose_secret(&self.settings.vendor_api_key);
            let wait = match vendor::call(&self.client, &url, key, request).await {
                Answer::Accepted(accepted) => return Ok(Outcome::Accepted(accepted)),
                Answer::Unreadable(e) => return Err(e),
                Answer::Status {
                    status,
                    retry_after,
                    detail,
                } => match status.as_u16() {
                    401 | 403 => return Ok(Outcome::Unauthorised(detail)),
                    408 | 429 | 500..=599 => {
                        tracing::warn!(tries, %status, "vendor busy or failing; retrying");
                        retry_after.unwrap_or_else(|| {
                            backoff(tries, Duration::from_millis(200), Duration::from_secs(10))
                        })
                    }
                    _ => return Ok(Outcome::Refused(detail)),
                },
                Answer::Unreachable(e) => {
                    tracing::warn!(tries, error = %e, "vendor unreachable; retrying");
                    backoff(tries, Duration::from_millis(200), Duration::from_secs(10))
                }
            };
            if tries >= self.settings.max_tries {
                anyhow::bail!("the vendor did not take the batch after {tries} tries");
            }
            self.wait_holding(wait, ids).await?;
        }
    }

    /// Waits before a retry, renewing the claim on `ids` often enough that the sweeper never takes
    /// them for a dead sender's; a stop ends the wait with an error (the rows go back, the job too).
    async fn wait_holding(&self, wait: Duration, ids: &[i64]) -> anyhow::Result<()> {
        let until = tokio::time::Instant::now() + wait;
        let slice = (self.settings.stale_after / 3).max(Duration::from_millis(100));
        loop {
            let next = until.min(tokio::time::Instant::now() + slice);
            tokio::select! {
                _ = tokio::time::sleep_until(next) => {}
                _ = self.shutdown.cancelled() => anyhow::bail!("stopping: the batch goes back to the queue"),
            }
            messages::renew(&self.db, ids, now()).await?;
            if next >= until {
                return Ok(());
            }
        }
    }

    /// Sends one request's worth of claimed rows and records the outcome.
    async fn send(
        &self,
        campaign_id: &str,
        channel: Channel,
        rows: &[Claimed],
    ) -> anyhow::Result<()> {
        let request = BatchRequest {
            messages: rows
                .iter()
                .map(|r| OutboundMessage {
                    to: r.recipient.clone().unwrap_or_default(),
                    channel: match channel {
                        Channel::Sms => minicrm_messaging::Channel::Sms,
                        Channel::Email => minicrm_messaging::Channel::Email,
                        Channel::Whatsapp => minicrm_messaging::Channel::Whatsapp,
                    },
                    body: r.message.clone(),
                    reference: reference(campaign_id, r.id),
                    callback_url: self.settings.callback_url.clone(),
                })
                .collect(),
        };
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let outcome = match self.post(&request, &ids).await {
            Ok(outcome) => outcome,
            Err(e) => {
                // Hand the rows back so the job's retry claims them at once.
                messages::release(&self.db, &ids).await?;
                return Err(e);
            }
        };
        let now = now();
        if let Outcome::Unauthorised(reason) = &outcome {
            tracing::error!(%reason, "the vendor refused our credentials; the campaign fails");
            campaigns::fail(&self.db, campaign_id, reason, now).await?;
        }
        let mut tx = self.db.begin().await?;
        let (changes, taken, handed) = match outcome {
            Outcome::Accepted(accepted) => {
                let sent: Vec<(i64, String)> = accepted
                    .results
                    .into_iter()
                    .filter_map(|a| Some((parse_reference(&a.reference)?.1, a.id)))
                    .collect();
                let changes = messages::mark_sent(&mut tx, &sent, now).await?;
                (changes, true, sent.len())
            }
            Outcome::Refused(reason) | Outcome::Unauthorised(reason) => {
                tracing::error!(%reason, "the vendor refused a batch");
                let changes = messages::fail_sending(&mut tx, &ids, &reason, now).await?;
                (changes, false, ids.len())
            }
        };
        campaigns::add_counts_in_order(&mut tx, changes, now).await?;
        tx.commit().await?;
        minicrm_metrics::delivery::messages(taken, handed);
        Ok(())
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
