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
