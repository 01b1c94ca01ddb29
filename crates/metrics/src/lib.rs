//! minicrm's Prometheus metrics: every metric's name, labels, help text and buckets, a typed function
//! per thing measured (so that call sites cannot invent names or unbounded labels), and the process's
//! one exporter, rendered by `GET /metrics`.
//!
//! The recorder is global, as the `metrics` facade is: `install` sets it up once per process and is
//! idempotent, so a process that starts several applications (the tests) shares one set of counters.
//! Before `install`, and in processes that never call it, recording costs nothing and goes nowhere.
#![forbid(unsafe_code)]

pub mod delivery;
pub mod http;
pub mod ingest;
mod pending;
pub mod queue;

pub use pending::{collect, on_commit, Pending};

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Duration;

/// The content type of the text exposition format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Latencies of requests, in seconds: 1 ms to 10 s.
const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// How long messages wait, in seconds: 5 ms to an hour (a backlog can take that long).
const LAG_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0,
];

/// Receipts per transaction: one callback holds up to 500, a batch up to `MINICRM_RECEIPT_BATCH` of them.
const BATCH_BUCKETS: &[f64] = &[
    1.0, 2.0, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0, 2500.0, 5000.0, 10000.0,
];

/// How often histograms' raw samples are folded into their buckets when nobody scrapes.
const UPKEEP_INTERVAL: Duration = Duration::from_secs(5);

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the Prometheus recorder as the process's global recorder, once; later calls return the
/// same handle.
pub fn install() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let recorder = builder().build_recorder();
        let handle = recorder.handle();
        match metrics::set_global_recorder(recorder) {
            Ok(()) => describe(),
            Err(e) => tracing::warn!(error = %e, "another metrics recorder is installed; /metrics stays empty"),
        }
        spawn_upkeep(handle.clone());
        handle
    })
}

/// The process's metrics in the Prometheus text format (installing the recorder if need be).
pub fn render() -> String {
    install().render()
}

fn builder() -> PrometheusBuilder {
    let buckets = |builder: PrometheusBuilder, name: &str, buckets: &[f64]| {
        builder
            .set_buckets_for_metric(Matcher::Full(name.to_owned()), buckets)
            .expect("the bucket lists are not empty")
    };
    let builder = PrometheusBuilder::new()
        .set_buckets(LATENCY_BUCKETS)
        .expect("the bucket lists are not empty");
    let builder = buckets(builder, queue::LAG, LAG_BUCKETS);
    buckets(builder, delivery::RECEIPT_BATCH, BATCH_BUCKETS)
}

/// Folds histograms' samples into their buckets now and then, so that memory stays flat in a process
/// nobody scrapes. A thread rather than a task: the recorder outlives any one runtime (tests start
/// many), and the loop cannot fail.
fn spawn_upkeep(handle: PrometheusHandle) {
    let upkeep = std::thread::Builder::new()
        .name("metrics-upkeep".into())
        .spawn(move || loop {
            std::thread::sleep(UPKEEP_INTERVAL);
            handle.run_upkeep();
        });
    if let Err(e) = upkeep {
        tracing::warn!(error = %e, "cannot start the metrics upkeep; histograms fold in at each scrape only");
    }
}

/// The help text of every metric.
fn describe() {
    http::describe();
    ingest::describe();
    queue::describe();
    delivery::describe();
}
