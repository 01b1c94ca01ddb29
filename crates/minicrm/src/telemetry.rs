//! Logging: `tracing` to stderr, filtered by `MINICRM_LOG` (or `RUST_LOG`), `info` by default.
//! `MINICRM_LOG_SPANS=1` also logs each span as it closes, with its busy and idle time (profiling).

use tracing_subscriber::{fmt, EnvFilter};

pub fn init(filter: &str) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let spans = match std::env::var("MINICRM_LOG_SPANS").as_deref() {
        Ok("1") => fmt::format::FmtSpan::CLOSE,
        _ => fmt::format::FmtSpan::NONE,
    };
    let _ = fmt()
        .with_env_filter(filter)
        .with_span_events(spans)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}
