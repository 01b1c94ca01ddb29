//! `minicrm bench`: the performance harness. Each benchmark starts the real binary as a child process
//! on a fresh database, drives it over HTTP like a client would, and prints median figures.

mod baseline;
mod data;
mod delivery;
mod ingest;
mod segments;
mod server;

use crate::config::Settings;
use clap::{Args, Subcommand, ValueEnum};

#[derive(Subcommand, Debug)]
pub enum BenchCommand {
    /// Orders per second over HTTP until every aggregate is persisted, against a plain-insert baseline.
    Ingest(IngestArgs),
    /// Audience previews of typical rules on a seeded database, against the same SQL written by hand.
    Segments(segments::SegmentArgs),
    /// A campaign to every seeded customer through the vendor simulator, until every receipt is applied.
    Delivery(delivery::DeliveryArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BenchBackend {
    /// SQLite with the database queue (a fresh file in a temporary folder).
    Sqlite,
    /// PostgreSQL with RabbitMQ (a fresh database on --postgres-url, a fresh namespace on --amqp-url).
    Postgres,
}

#[derive(Args, Debug, Clone)]
pub struct IngestArgs {
    #[arg(long, value_enum, default_value = "sqlite")]
    pub backend: BenchBackend,
    /// Customers, sent first (not timed).
    #[arg(long, default_value_t = 100_000)]
    pub customers: usize,
    /// Orders, the timed part.
    #[arg(long, default_value_t = 1_000_000)]
    pub orders: usize,
    /// Records per HTTP request.
    #[arg(long, default_value_t = 1_000)]
    pub batch: usize,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 4)]
    pub concurrency: usize,
    /// How many times to run the whole measurement; the median is reported.
    #[arg(long, default_value_t = 1)]
    pub runs: usize,
    /// The PostgreSQL server for --backend postgres (a database is created on it per run).
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    pub postgres_url: String,
    /// RabbitMQ for --backend postgres.
    #[arg(long, default_value = "amqp://guest:guest@127.0.0.1:5672/%2f")]
    pub amqp_url: String,
    /// Skip the plain-insert baseline.
    #[arg(long)]
    pub no_baseline: bool,
    /// Also time the worker alone: queue every order with only the API running, then start a worker
    /// and time how long it takes to persist them (the consumer's own throughput).
    #[arg(long)]
    pub drain: bool,
}

pub async fn run(cmd: BenchCommand, _settings: &Settings) -> anyhow::Result<()> {
    match cmd {
        BenchCommand::Ingest(args) => ingest::run(&args).await,
        BenchCommand::Segments(args) => segments::run(&args).await,
        BenchCommand::Delivery(args) => delivery::run(&args).await,
    }
}

/// The median of some measurements (the mean of the middle two for an even count).
pub fn median(values: &mut [f64]) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    let n = values.len();
    match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => values[n / 2],
        _ => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}
