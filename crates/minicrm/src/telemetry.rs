//! Logging: `tracing` to stderr, filtered by `MINICRM_LOG` (or `RUST_LOG`), `info` by default.

use tracing_subscriber::{fmt, EnvFilter};

pub fn init(filter: &str) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}
