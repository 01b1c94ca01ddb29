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
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    fn counting() -> (Arc<AtomicUsize>, impl Fn() + Clone) {
        let n = Arc::new(AtomicUsize::new(0));
        let bump = {
            let n = n.clone();
            move || {
                let n = n.clone();
                on_commit(move || {
                    n.fetch_add(1, Ordering::SeqCst);
                })
            }
        };
        (n, bump)
    }

    #[tokio::test]
    async fn records_wait_for_the_commit() {
        let (n, bump) = counting();
        let ((), pending) = collect(async {
            bump();
            tokio::task::yield_now().await;
            bump();
        })
        .await;
        assert_eq!(n.load(Ordering::SeqCst), 0);
        pending.commit();
        assert_eq!(n.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_rolled_back_attempt_records_nothing() {
        let (n, bump) = counting();
        let (_, pending) = collect(async { bump() }).await;
        drop(pending);
        assert_eq!(n.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn outside_a_transaction_it_records_at_once() {
        let (n, bump) = counting();
        bump();
        assert_eq!(n.load(Ordering::SeqCst), 1);
    }
}
