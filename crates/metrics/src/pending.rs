//! Metrics of writes made inside a transaction count once it commits: a handler's transaction that
//! rolls back and is retried must not count its records twice. The bus runs each handler's
//! transaction inside `collect`; what the handler records with `on_commit` waits there, and runs only
//! if the caller commits.

use std::cell::RefCell;
use std::future::Future;

type Record = Box<dyn FnOnce() + Send>;

tokio::task_local! {
    static PENDING: RefCell<Vec<Record>>;
}

/// What `work` recorded with `on_commit`, to run once its transaction has committed.
#[must_use = "run `commit` once the transaction has committed"]
pub struct Pending(Vec<Record>);

impl Pending {
    /// The transaction committed: records what was waiting for it.
    pub fn commit(self) {
        for record in self.0 {
            record();
        }
    }
}

/// Runs `work`, keeping back what it records with `on_commit`.
pub async fn collect<F: Future>(work: F) -> (F::Output, Pending) {
    PENDING
        .scope(RefCell::new(Vec::new()), async move {
            let output = work.await;
            let pending = PENDING.with(|p| p.take());
            (output, Pending(pending))
        })
        .await
}

/// Records once the transaction that `collect` runs commits; outside `collect`, at once.
pub fn on_commit(record: impl FnOnce() + Send + 'static) {
    let mut slot: Option<Record> = Some(Box::new(record));
    let _ = PENDING.try_with(|p| p.borrow_mut().extend(slot.take()));
    if let Some(record) = slot {
        record();
    }
}

#[cfg(test)]
mod tests;
