//! Posting claimed rows to the vendor: the request, its retries while the claim on the rows is held,
//! and the outcome recorded on the rows and the campaign's counters.

use super::vendor::{self, Answer};
use super::{parse_reference, reference, SendBatch};
use crate::now;
use minicrm_bus::backoff;
use minicrm_domain::campaign::Channel;
use minicrm_messaging::{BatchAccepted, BatchRequest, OutboundMessage};
use minicrm_store::campaigns;
use minicrm_store::messages::{self, Claimed};
use std::time::Duration;

/// What became of one vendor request.
enum Outcome {
    Accepted(BatchAccepted),
    /// Refused for good: the rows fail with this reason.
    Refused(String),
    /// Our credentials were refused: the campaign cannot go on.
    Unauthorised(String),
}
impl SendBatch {
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
    pub(super) async fn send(
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
