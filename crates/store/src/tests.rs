use super::*;
use std::future::Future;
use std::task::{Context, Poll};
use std::time::Duration;

/// A begin whose caller is dropped at any point leaves the one SQLite writer usable. Before
/// begins ran in a task of their own, a caller dropped after `BEGIN IMMEDIATE` was acknowledged
/// left the writer inside a transaction, and every later begin failed ("attempted to call
/// begin_with at non-zero transaction depth").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_begin_dropped_midway_leaves_the_writer_usable() {
    let dir = std::env::temp_dir().join(format!("minicrm-begin-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/t.db", dir.display());
    let db = Db::connect(&DbOptions::new(&url)).await.unwrap();
    let waker = futures::task::noop_waker();
    for round in 0..200u64 {
        let mut begin = Box::pin(db.begin());
        let mut cx = Context::from_waker(&waker);
        // Polled now and then, and dropped at a different point of its way each round.
        for _ in 0..(round % 4) {
            if let Poll::Ready(tx) = begin.as_mut().poll(&mut cx) {
                drop(tx);
                break;
            }
            tokio::time::sleep(Duration::from_micros(50 * (round % 7))).await;
        }
        drop(begin);
    }
    for _ in 0..3 {
        let tx = tokio::time::timeout(Duration::from_secs(10), db.begin())
            .await
            .expect("a begin answers")
            .expect("the writer is usable");
        tx.commit().await.unwrap();
    }
    db.close().await;
    let _ = std::fs::remove_dir_all(dir);
}
