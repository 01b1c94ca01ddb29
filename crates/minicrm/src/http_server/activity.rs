//! What a connection's deadlines are measured from: its reads, its requests in flight, and when it
//! last fell quiet.

use super::HttpLimits;
use std::sync::{Arc, Mutex};
use tokio::sync::Notify;
use tokio::time::Instant;

/// What the deadlines are measured from, shared by the connection's reads, its requests and its task.
pub(super) struct Activity {
    limits: HttpLimits,
    state: Mutex<State>,
    /// Woken when a deadline may have come nearer: the last request ended, or a new head began.
    pub(super) changed: Notify,
}

#[derive(Debug, Clone, Copy)]
struct State {
    in_flight: usize,
    /// When the connection last fell quiet: its accept, or the end of its last response.
    quiet_since: Instant,
    last_read: Instant,
    /// When the head now awaited began: the accept for the first request, else its first byte.
    head_since: Option<Instant>,
}

impl Activity {
    pub(super) fn new(limits: HttpLimits, now: Instant) -> Self {
        Self {
            limits,
            state: Mutex::new(State {
                in_flight: 0,
                quiet_since: now,
                last_read: now,
                head_since: Some(now),
            }),
            changed: Notify::new(),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is plain values, whole after any panic: a poisoned lock is still good.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(super) fn read(&self, now: Instant) {
        let mut state = self.state();
        state.last_read = now;
        if state.in_flight == 0 && state.head_since.is_none() {
            state.head_since = Some(now);
            self.changed.notify_one();
        }
    }

    pub(super) fn request_started(&self) {
        let mut state = self.state();
        state.in_flight += 1;
        state.head_since = None;
    }

    pub(super) fn request_ended(&self, now: Instant) {
        let mut state = self.state();
        state.in_flight = state.in_flight.saturating_sub(1);
        if state.in_flight == 0 {
            state.quiet_since = now;
            state.head_since = None;
            self.changed.notify_one();
        }
    }

    /// When the connection must close unless something happens first; none while a request is in
    /// flight.
    pub(super) fn deadline(&self) -> Option<Instant> {
        let state = *self.state();
        if state.in_flight > 0 {
            return None;
        }
        let idle = state.quiet_since.max(state.last_read) + self.limits.idle_timeout;
        let head = state.head_since.map(|t| t + self.limits.header_timeout);
        Some(head.map_or(idle, |head| head.min(idle)))
    }
}

/// A request from its head until its response's body is done with (sent, or dropped).
pub(super) struct InFlight(Arc<Activity>);

impl InFlight {
    pub(super) fn start(activity: Arc<Activity>) -> Self {
        activity.request_started();
        Self(activity)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.request_ended(Instant::now());
    }
}
