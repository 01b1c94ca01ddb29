//! Settling what was taken: applied together or one by one in the data database, then acknowledged,
//! retried later, or moved to the dead letters.

use super::{now, DbQueue, Outcome};
use crate::{backoff, Envelope, Handler};
use anyhow::Context;
use minicrm_metrics::queue::Settled;
use minicrm_store::queue;
use std::time::Duration;
use tracing::Instrument;

impl DbQueue {
    /// Applies the claimed messages together, or, if that fails, one by one, and settles each.
    pub(super) async fn settle(
        &self,
        queue: &'static str,
        claimed: &[queue::Claimed],
        lease: &str,
        handler: &dyn Handler,
    ) -> anyhow::Result<Outcome> {
        if claimed.len() > 1 {
            match self.apply_measured(claimed, handler).await {
                Ok(produced) => {
                    self.ack(claimed, lease).await?;
                    for produced_at in produced {
                        crate::settled(queue, Settled::Ok, Some(produced_at));
                    }
                    return Ok(Outcome::Handled);
                }
                Err(error) => {
                    tracing::warn!(queue, error = %format!("{error:#}"), "a group of messages failed; applying them one by one")
                }
            }
        }
        let mut outcome = Outcome::Handled;
        for msg in claimed {
            // Instrumented, not entered: a guard held across an await lets another task's span close
            // under it (tracing-subscriber then panics, "tried to clone a span that already closed").
            let span = tracing::info_span!("message", queue, message_id = %msg.message_id, attempt = msg.attempts);
            let failed = async {
                match self
                    .apply_measured(std::slice::from_ref(msg), handler)
                    .await
                {
                    Ok(produced) => {
                        self.ack(std::slice::from_ref(msg), lease).await?;
                        crate::settled(queue, Settled::Ok, produced.first().copied());
                        anyhow::Ok(false)
                    }
                    Err(error) => {
                        let settled = self.retry_or_bury(msg, lease, &error).await?;
                        crate::settled(queue, settled, None);
                        Ok(true)
                    }
                }
            }
            .instrument(span)
            .await?;
            if failed {
                outcome = Outcome::Failed;
            }
        }
        Ok(outcome)
    }

    /// Applies `messages` in one transaction of the data database, skipping those the inbox has seen,
    /// without acknowledging them.
    pub async fn apply(
        &self,
        messages: &[queue::Claimed],
        handler: &dyn Handler,
    ) -> anyhow::Result<()> {
        self.apply_measured(messages, handler).await.map(drop)
    }

    /// `apply`, returning when each message was produced (for the consumer lag).
    async fn apply_measured(
        &self,
        messages: &[queue::Claimed],
        handler: &dyn Handler,
    ) -> anyhow::Result<Vec<i64>> {
        let envelopes = messages
            .iter()
            .map(|msg| Envelope::from_json(msg.body.as_bytes()))
            .collect::<Result<Vec<_>, _>>()
            .context("the message is not an envelope")?;
        crate::apply_together(&self.data, &envelopes, handler).await?;
        Ok(envelopes.iter().map(|e| e.produced_at).collect())
    }

    async fn ack(&self, messages: &[queue::Claimed], lease: &str) -> anyhow::Result<()> {
        queue::ack(&self.queue, messages, lease, self.separate).await?;
        Ok(())
    }

    async fn retry_or_bury(
        &self,
        msg: &queue::Claimed,
        lease: &str,
        error: &anyhow::Error,
    ) -> anyhow::Result<Settled> {
        let reason = format!("{error:#}");
        if msg.attempts >= i64::from(self.options.max_attempts) {
            tracing::error!(error = %reason, "message failed {} times; moved to the dead letters", msg.attempts);
            queue::dead_letter(&self.queue, msg, lease, &reason, now()).await?;
            return Ok(Settled::DeadLettered);
        }
        let delay = backoff(
            msg.attempts as u32,
            Duration::from_millis(500),
            Duration::from_secs(60),
        );
        tracing::warn!(error = %reason, retry_in_ms = delay.as_millis() as u64, "message failed; will retry");
        queue::release(
            &self.queue,
            msg.id,
            lease,
            now() + delay.as_millis() as i64,
            &reason,
        )
        .await?;
        Ok(Settled::Retried)
    }
}
