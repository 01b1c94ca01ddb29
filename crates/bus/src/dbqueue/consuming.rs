//! Consuming a queue: the loop that takes the next messages, holding their lease while a handler
//! works on them.

use super::{now, DbQueue, Outcome};
use crate::{backoff, Handler};
use minicrm_store::queue;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Aborts a task when dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl DbQueue {
    /// Takes the next messages of `queue` and handles them: the one testable step of the consumer loop.
    /// They are applied together in one transaction; if that fails, one by one, so that a message that
    /// cannot be applied never holds back the others.
    pub async fn process_next(
        &self,
        queue: &'static str,
        handler: &dyn Handler,
    ) -> anyhow::Result<Outcome> {
        let lease = uuid::Uuid::new_v4().to_string();
        let visibility = self.options.visibility_timeout.as_millis() as i64;
        let tuning = self.options.for_queue(queue);
        let limit = tuning.batch.max(1) as i64;
        if !tuning.linger.is_zero() {
            let ready = queue::ready(&self.queue, queue, now(), limit).await?;
            if ready > 0 && ready < limit {
                tokio::time::sleep(tuning.linger).await;
            }
        }
        let claimed = queue::claim(&self.queue, queue, &lease, now(), visibility, limit).await?;
        if claimed.is_empty() {
            return Ok(Outcome::Empty);
        }
        self.holding(&lease, self.settle(queue, &claimed, &lease, handler))
            .await
    }

    /// Runs `work` while renewing `lease` every third of the visibility timeout, so that a handler
    /// that takes longer than the timeout (a send job waiting out a vendor outage) is not handed to a
    /// second consumer meanwhile; a consumer that dies stops renewing, and its messages come back.
    /// The renewing runs as a task of its own: inline, it would pause `work` — perhaps holding the
    /// queue's one SQLite writer, which the renewal then waits for.
    pub(super) async fn holding<T>(
        &self,
        lease: &str,
        work: impl std::future::Future<Output = T>,
    ) -> T {
        let (queue, lease) = (self.queue.clone(), lease.to_owned());
        let visibility = self.options.visibility_timeout;
        let renewing = tokio::spawn(async move {
            let mut renew = tokio::time::interval(visibility / 3);
            renew.tick().await;
            loop {
                renew.tick().await;
                let until = now() + visibility.as_millis() as i64;
                if let Err(e) = queue::extend(&queue, &lease, until).await {
                    tracing::warn!(error = %e, "cannot renew a lease; another consumer may take its messages");
                }
            }
        });
        // Stops renewing however `work` ends: finished, or dropped with the consumer.
        let _renewing = AbortOnDrop(renewing);
        work.await
    }

    pub(super) async fn consumer_loop(
        self,
        queue: &'static str,
        handler: Arc<dyn Handler>,
        shutdown: CancellationToken,
    ) {
        let mut failures = 0u32;
        while !shutdown.is_cancelled() {
            let wait = match self.process_next(queue, handler.as_ref()).await {
                Ok(Outcome::Handled | Outcome::Failed) => {
                    failures = 0;
                    continue;
                }
                Ok(Outcome::Empty) => self.options.poll_interval,
                Err(error) => {
                    failures += 1;
                    tracing::error!(queue, error = %format!("{error:#}"), "the queue is unreachable; backing off");
                    backoff(
                        failures,
                        Duration::from_millis(200),
                        Duration::from_secs(10),
                    )
                }
            };
            tokio::select! {
                _ = shutdown.cancelled() => {}
                _ = self.published.notified() => {}
                _ = tokio::time::sleep(wait) => {}
            }
        }
    }
}
