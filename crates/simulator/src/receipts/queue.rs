//! The receipts waiting to become due: a min-heap by due time, and the channel acceptance fills it
//! from, kept between runs of the sender.

use minicrm_messaging::FailureReason;
use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::Arc;
use tokio::sync::mpsc;

/// The receipt of an accepted message, waiting to become due.
pub(crate) struct Pending {
    pub(crate) due: std::time::Instant,
    pub(crate) id: u64,
    pub(crate) reference: Box<str>,
    pub(crate) reason: Option<FailureReason>,
    /// `None`: nowhere to send it; the outcome is only counted.
    pub(crate) callback: Option<Arc<str>>,
}

// `BinaryHeap` is a max-heap: order by reversed (due, id) so that the earliest receipt is on top.
impl Ord for Pending {
    fn cmp(&self, other: &Self) -> Ordering {
        (other.due, other.id).cmp(&(self.due, self.id))
    }
}

impl PartialOrd for Pending {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Pending {
    fn eq(&self, other: &Self) -> bool {
        (self.due, self.id) == (other.due, other.id)
    }
}

impl Eq for Pending {}

/// What a sender owns while it runs, kept in [`Inner::queue`] between runs.
pub(crate) struct ReceiptQueue {
    pub(super) rx: mpsc::UnboundedReceiver<Vec<Pending>>,
    pub(super) heap: BinaryHeap<Pending>,
}

impl ReceiptQueue {
    pub(crate) fn new(rx: mpsc::UnboundedReceiver<Vec<Pending>>) -> Self {
        Self {
            rx,
            heap: BinaryHeap::new(),
        }
    }
}
