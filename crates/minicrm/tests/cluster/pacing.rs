//! The delivery rate holds: `MINICRM_DELIVERY_RATE` is each worker process's pace, and its burst is one
//! second's worth, never a whole vendor request. So N messages at R a second through w workers reach
//! the vendor over at least (N − w·R) / (w·R) seconds, counted from the vendor's first acceptance.
//! (Before, a process sent up to 1,000 messages at once at any rate: 600 at 100 a second went in a
//! blink.)

use crate::harness::{Backend, Cluster};
use crate::work::{ingest_customers, launch_campaign};
use std::time::{Duration, Instant};

crate::on_every_backend!(
    one_worker_sends_at_the_configured_rate,
    two_workers_send_at_twice_the_rate_and_no_faster,
);

const AUDIENCE: usize = 600;
const RATE: u64 = 100;

async fn one_worker_sends_at_the_configured_rate(backend: Backend) {
    let seconds = paced(backend, &["worker-a"]).await;
    let least = (AUDIENCE as f64 - RATE as f64) / RATE as f64;
    assert!(
        seconds >= least - 0.2,
        "{AUDIENCE} messages at {RATE}/s from one worker reached the vendor in {seconds:.2} s; \
         the pace allows no less than {least:.1} s"
    );
}

async fn two_workers_send_at_twice_the_rate_and_no_faster(backend: Backend) {
    let seconds = paced(backend, &["worker-a", "worker-b"]).await;
    let rate = 2.0 * RATE as f64;
    let least = (AUDIENCE as f64 - rate) / rate;
    assert!(
        seconds >= least - 0.2,
        "{AUDIENCE} messages at {RATE}/s from each of two workers reached the vendor in \
         {seconds:.2} s; the pace allows no less than {least:.1} s"
    );
}

/// Sends a campaign to `AUDIENCE` customers through `workers` at `RATE` each; gives the seconds from the
/// vendor's first accepted message to its last.
async fn paced(backend: Backend, workers: &[&str]) -> f64 {
    let rate = RATE.to_string();
    let mut cluster = Cluster::new(&backend, 1, &[("MINICRM_DELIVERY_RATE", &rate)]).await;
    for name in ["vendor", "api-0"].iter().chain(workers) {
        cluster.start(name).await;
    }
    ingest_customers(&cluster, "P", AUDIENCE).await;
    launch_campaign(&cluster, 0, "Paced").await;
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut first = None;
    loop {
        let accepted = cluster.vendor_stats().await["accepted"].as_u64().unwrap();
        if accepted > 0 && first.is_none() {
            first = Some(Instant::now());
        }
        if accepted >= AUDIENCE as u64 {
            assert_eq!(accepted, AUDIENCE as u64, "each message once");
            let seconds = first.expect("seen").elapsed().as_secs_f64();
            cluster.finish().await;
            return seconds;
        }
        assert!(
            Instant::now() < deadline,
            "the vendor took {accepted} of {AUDIENCE}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
