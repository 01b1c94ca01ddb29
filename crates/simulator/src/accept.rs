//! Accepting messages: the simulated faults a request meets first, then each message's vendor id,
//! outcome and due receipt, with a reference sent again answered as a duplicate.

use crate::receipts::Pending;
use crate::{deterministic_failure, lock, message_id, outcome, Counters, Inner};
use minicrm_messaging::{Accepted, FailureReason, OutboundMessage};
use rand::rngs::SmallRng;
use rand::Rng;
use std::collections::hash_map::Entry;
use std::hash::BuildHasher;
use std::sync::Arc;
use std::time::{Duration, Instant};

impl Inner {
    /// Whether now falls in a configured outage window; if so, how long until it ends. Called for
    /// every `/v1/messages*` request: the first starts the outages' clock.
    pub(crate) fn outage_remaining(&self) -> Option<Duration> {
        let elapsed = self.first_message.get_or_init(Instant::now).elapsed();
        self.config
            .outages
            .iter()
            .filter(|window| window.contains(&elapsed))
            .map(|window| window.end - elapsed)
            .max()
    }

    /// Draws whether this request is rate-limited.
    pub(crate) fn rate_limited(&self) -> bool {
        let share = self.config.rate_limit_share;
        share > 0.0 && (share >= 1.0 || lock(&self.fault_rng).gen::<f64>() < share)
    }

    fn draw_latency(&self, rng: &mut SmallRng) -> Duration {
        let (lo, hi) = self.latency_nanos;
        Duration::from_nanos(if lo == hi { lo } else { rng.gen_range(lo..=hi) })
    }

    /// Accepts validated messages: answers each in order, and queues the receipts of new ones.
    pub(crate) fn accept(&self, messages: Vec<OutboundMessage>) -> Vec<Accepted> {
        let prepared: Vec<(u64, Option<FailureReason>)> = messages
            .iter()
            .map(|m| {
                (
                    self.reference_hasher.hash_one(m.reference.as_str()),
                    deterministic_failure(m.channel, &m.to),
                )
            })
            .collect();
        let now = Instant::now();
        let mut ids = Vec::with_capacity(messages.len());
        let mut pending = Vec::new();
        {
            let mut guard = lock(&self.book);
            let book = &mut *guard;
            for (message, (key, verdict)) in messages.iter().zip(prepared) {
                match book.seen.entry(key) {
                    Entry::Occupied(seen) => ids.push((*seen.get(), true)),
                    Entry::Vacant(slot) => {
                        let id = book.next_id;
                        book.next_id = book.next_id.wrapping_add(1);
                        slot.insert(id);
                        ids.push((id, false));
                        let reason =
                            outcome::decide(verdict, self.config.success_rate, &mut book.rng);
                        let due = now + self.draw_latency(&mut book.rng);
                        pending.push(Pending {
                            due,
                            id,
                            reference: message.reference.as_str().into(),
                            reason,
                            callback: None,
                        });
                    }
                }
            }
        }

        let mut with_callback = 0;
        let mut fresh = pending.iter_mut();
        let mut results = Vec::with_capacity(messages.len());
        for (message, (id, duplicate)) in messages.into_iter().zip(ids) {
            if !duplicate {
                let p = fresh.next().expect("one pending receipt per new message");
                p.callback = match message.callback_url {
                    Some(url) => Some(Arc::from(url)),
                    None => self.default_callback.clone(),
                };
                with_callback += u64::from(p.callback.is_some());
            }
            results.push(Accepted {
                id: message_id(id),
                reference: message.reference,
                duplicate,
            });
        }

        let new = pending.len() as u64;
        Counters::add(&self.counters.accepted, new);
        Counters::add(&self.counters.duplicates, results.len() as u64 - new);
        Counters::add(&self.counters.receipts_pending, with_callback);
        if !pending.is_empty() && self.receipts_tx.send(pending).is_err() {
            // The receiver lives in `queue` or in a running sender, both owned by `self`.
            tracing::error!("the receipt queue is gone; receipts were lost");
        }
        results
    }
}
