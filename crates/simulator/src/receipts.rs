//! The receipt sender: a min-heap of receipts keyed by due time, per-callback batches that are sent
//! when full or when their oldest receipt has waited [`VendorConfig::receipt_flush`], and POSTs
//! retried with exponential backoff and jitter.
//!
//! [`VendorConfig::receipt_flush`]: crate::VendorConfig::receipt_flush

use crate::{lock, message_id, receipt_id, Counters, Inner};
use minicrm_messaging::{Receipt, ReceiptStatus};
use std::collections::{BinaryHeap, HashMap};
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

mod posting;
mod queue;

use posting::post_with_retry;
pub(crate) use queue::{Pending, ReceiptQueue};

/// The timeout of one callback POST attempt.
pub(crate) const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// The most callback POSTs in flight at once (retries waiting for their backoff do not count).
pub(crate) const CONCURRENT_POSTS: usize = 16;
/// How long shutdown waits for POSTs in flight, beyond one request timeout.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);
/// How many queued acceptance batches the sender takes from the channel at once.
const INTAKE: usize = 64;

/// Holds the queue while a sender runs and puts it back when the sender ends, even if its future is
/// dropped, so that acceptance never loses its channel.
struct Lease {
    inner: Arc<Inner>,
    queue: Option<ReceiptQueue>,
}

impl Drop for Lease {
    fn drop(&mut self) {
        *lock(&self.inner.queue) = self.queue.take();
    }
}

/// Receipts due for one callback URL, waiting for their batch to fill.
struct Outbox {
    receipts: Vec<Receipt>,
    /// When the oldest receipt in the batch became due.
    oldest: std::time::Instant,
}

/// The sender's state between iterations.
struct Sender {
    inner: Arc<Inner>,
    outboxes: HashMap<Arc<str>, Outbox>,
    posts: JoinSet<()>,
    /// Cancelled at shutdown: POSTs make at most one more attempt.
    draining: CancellationToken,
}

pub(crate) async fn run(inner: Arc<Inner>, shutdown: CancellationToken) {
    let Some(queue) = lock(&inner.queue).take() else {
        tracing::warn!("a receipt sender is already running; not starting another");
        return;
    };
    let mut lease = Lease {
        inner: inner.clone(),
        queue: Some(queue),
    };
    let queue = lease.queue.as_mut().expect("just set");
    let mut sender = Sender {
        inner,
        outboxes: HashMap::new(),
        posts: JoinSet::new(),
        draining: CancellationToken::new(),
    };
    tracing::info!(
        batch = sender.inner.receipt_batch,
        flush_ms = sender.inner.config.receipt_flush.as_millis() as u64,
        "receipt sender started"
    );
    let flush_after = sender.inner.config.receipt_flush;
    let mut intake = Vec::with_capacity(INTAKE);
    loop {
        while sender.posts.try_join_next().is_some() {}
        let now = std::time::Instant::now();
        sender.release_due(&mut queue.heap, now);
        sender.flush(|outbox| outbox.oldest + flush_after <= now);

        let flush_at = sender
            .outboxes
            .values()
            .map(|outbox| outbox.oldest + flush_after)
            .min();
        let wake = match (queue.heap.peek().map(|p| p.due), flush_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let sleep = tokio::time::sleep_until(Instant::from_std(wake.unwrap_or(now)));
        tokio::select! {
            biased;
            () = shutdown.cancelled() => break,
            received = queue.rx.recv_many(&mut intake, INTAKE) => {
                if received == 0 {
                    break; // every sender is gone: the vendor itself is being dropped
                }
                for batch in intake.drain(..) {
                    queue.heap.extend(batch);
                }
            }
            () = sleep, if wake.is_some() => {}
        }
    }

    // Shutdown: send what is due, then give POSTs in flight one last chance.
    while let Ok(batch) = queue.rx.try_recv() {
        queue.heap.extend(batch);
    }
    sender.release_due(&mut queue.heap, std::time::Instant::now());
    sender.flush(|_| true);
    sender.draining.cancel();
    let in_flight = sender.posts.len();
    let drained = tokio::time::timeout(REQUEST_TIMEOUT + SHUTDOWN_GRACE, async {
        while sender.posts.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            in_flight,
            "receipt POSTs still running at shutdown were abandoned"
        );
        sender.posts.abort_all();
    }
    tracing::info!(
        not_yet_due = queue.heap.len(),
        "receipt sender stopped; receipts not yet due are kept for the next run"
    );
}

impl Sender {
    /// Moves every receipt due by `now` from the heap to its callback's outbox, sending full batches.
    fn release_due(&mut self, heap: &mut BinaryHeap<Pending>, now: std::time::Instant) {
        let inner = self.inner.clone();
        let counters = &inner.counters;
        while heap.peek().is_some_and(|p| p.due <= now) {
            let pending = heap.pop().expect("peeked");
            let (status, counter) = match pending.reason {
                None => (ReceiptStatus::Delivered, &counters.delivered),
                Some(_) => (ReceiptStatus::Failed, &counters.failed),
            };
            Counters::add(counter, 1);
            let Some(url) = pending.callback else {
                continue;
            };
            let receipt = Receipt {
                id: receipt_id(pending.id),
                message_id: message_id(pending.id),
                reference: pending.reference.into(),
                status,
                reason: pending.reason,
                occurred_at: self.timestamp(pending.due),
            };
            let batch = self.inner.receipt_batch;
            let outbox = self.outboxes.entry(url.clone()).or_insert_with(|| Outbox {
                receipts: Vec::with_capacity(batch.min(1024)),
                oldest: pending.due,
            });
            outbox.receipts.push(receipt);
            if outbox.receipts.len() >= batch {
                let outbox = self.outboxes.remove(&url).expect("just filled");
                self.dispatch(url, outbox.receipts);
            }
        }
    }

    /// Sends the outboxes for which `ready` holds.
    fn flush(&mut self, ready: impl Fn(&Outbox) -> bool) {
        let urls: Vec<Arc<str>> = self
            .outboxes
            .iter()
            .filter(|(_, outbox)| ready(outbox))
            .map(|(url, _)| url.clone())
            .collect();
        for url in urls {
            let outbox = self.outboxes.remove(&url).expect("listed");
            self.dispatch(url, outbox.receipts);
        }
    }

    fn dispatch(&mut self, url: Arc<str>, receipts: Vec<Receipt>) {
        let task = post_with_retry(self.inner.clone(), url, receipts, self.draining.clone());
        self.posts.spawn(task);
    }

    /// The wall-clock time of `instant`, RFC 3339 UTC with milliseconds.
    fn timestamp(&self, instant: std::time::Instant) -> String {
        let offset = instant.saturating_duration_since(self.inner.started);
        let at = self.inner.started_at + chrono::TimeDelta::from_std(offset).unwrap_or_default();
        at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    }
}

#[cfg(test)]
mod tests;
