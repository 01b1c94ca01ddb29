//! The command line and its environment variables: every option is documented once, here, and shows
//! in `minicrm --help`. Zero configuration runs on SQLite with the database queue on 127.0.0.1:8080.

use clap::{Args, Parser, Subcommand};
use minicrm_bus::{amqp::AmqpOptions, ConsumerOptions};
use minicrm_domain::Currency;
use minicrm_workers::IngestSettings;
use std::net::SocketAddr;
use std::time::Duration;

#[derive(Parser, Debug)]
#[command(
    name = "minicrm",
    version,
    about = "minicrm: a customer-engagement CRM in one binary.",
    long_about = "minicrm: a customer-engagement CRM in one binary.\n\n\
    With no configuration it runs on SQLite (./minicrm.db) with a durable queue in the database, \
    listening on 127.0.0.1:8080. Set DATABASE_URL=postgres://… and MINICRM_AMQP_URL=amqp://… to scale out \
    with many `minicrm api` and `minicrm worker` processes."
)]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run every role in one process: the HTTP API and the workers (the default deployment).
    Serve,
    /// Run only the HTTP API.
    Api,
    /// Run only the workers (the queue consumers).
    Worker,
    /// Apply the database migrations and exit (every role also applies them at start).
    Migrate,
    /// Fill the database with realistic, deterministic demo data.
    Seed(SeedArgs),
    /// Manage API keys.
    #[command(subcommand, name = "api-key")]
    ApiKey(ApiKeyCommand),
    /// Measure performance (see README for the figures).
    #[command(subcommand)]
    Bench(crate::bench::BenchCommand),
}

#[derive(Args, Debug)]
pub struct SeedArgs {
    /// How many customers to make.
    #[arg(long, default_value_t = 10_000)]
    pub customers: u64,
    /// How many orders to make, spread over the customers.
    #[arg(long, default_value_t = 50_000)]
    pub orders: u64,
    /// The random seed: the same seed and --now give the same data.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// The moment the data is made relative to (RFC 3339); now, if not given.
    #[arg(long)]
    pub now: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum ApiKeyCommand {
    /// Create a key; the key itself is printed as the last line, and never shown again.
    Create {
        /// A name that says who uses the key.
        #[arg(long)]
        name: String,
        /// Comma-separated scopes: ingest, read, admin (admin implies all).
        #[arg(long, default_value = "ingest,read")]
        scopes: String,
    },
}

/// Settings shared by every command. Each can be given as a flag or as its environment variable.
#[derive(Args, Debug, Clone)]
pub struct Settings {
    /// The database: sqlite://path (created if missing; the queue goes beside it in path.queue.db) or
    /// postgres://user@host/db.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://minicrm.db",
        global = true
    )]
    pub database_url: String,
    /// Where the HTTP API listens.
    #[arg(
        long,
        env = "MINICRM_BIND",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub bind: SocketAddr,
    /// RabbitMQ (amqp://user:pass@host:5672/vhost). Unset: the durable queue in the database.
    #[arg(long, env = "MINICRM_AMQP_URL", global = true, hide_env_values = true)]
    pub amqp_url: Option<String>,
    /// Prefix of every RabbitMQ queue name, so deployments can share a broker.
    #[arg(
        long,
        env = "MINICRM_AMQP_NAMESPACE",
        default_value = "minicrm",
        global = true
    )]
    pub amqp_namespace: String,
    /// The store's ISO 4217 currency: orders must be in it.
    #[arg(long, env = "MINICRM_CURRENCY", default_value = "INR", global = true)]
    pub currency: String,
    /// The largest request body accepted, in bytes.
    #[arg(long, env = "MINICRM_MAX_BODY_BYTES", default_value_t = 32 * 1024 * 1024, global = true)]
    pub max_body_bytes: usize,
    /// Database connections per process (SQLite: readers beside the one writer).
    #[arg(
        long,
        env = "MINICRM_DB_MAX_CONNECTIONS",
        default_value_t = 8,
        global = true
    )]
    pub db_max_connections: u32,
    /// Messages each worker handles at once per queue (and RabbitMQ's prefetch).
    #[arg(
        long,
        env = "MINICRM_WORKER_CONCURRENCY",
        default_value_t = 2,
        global = true
    )]
    pub worker_concurrency: usize,
    /// Queue messages the database queue applies in one transaction (bigger: fewer, larger commits).
    #[arg(long, env = "MINICRM_QUEUE_BATCH", default_value_t = 16, global = true)]
    pub queue_batch: usize,
    /// Deliveries of a failing message before it is dead-lettered.
    #[arg(long, env = "MINICRM_MAX_ATTEMPTS", default_value_t = 8, global = true)]
    pub max_attempts: u32,
    /// Seconds an order may wait for its customer before it is rejected.
    #[arg(
        long,
        env = "MINICRM_ORDER_RETRY_WINDOW_SECS",
        default_value_t = 3600,
        global = true
    )]
    pub order_retry_window_secs: u64,
    /// Log filter, as in RUST_LOG (e.g. info, minicrm=debug).
    #[arg(long, env = "MINICRM_LOG", default_value = "info", global = true)]
    pub log: String,
}

impl Settings {
    /// The settings of a fresh deployment on `database_url`, as if no flag or variable were given.
    pub fn defaults(database_url: impl Into<String>) -> Self {
        let mut s = Cli::parse_from(["minicrm", "serve"]).settings;
        s.database_url = database_url.into();
        s
    }

    pub fn currency(&self) -> anyhow::Result<Currency> {
        Currency::parse(&self.currency).map_err(|e| anyhow::anyhow!("MINICRM_CURRENCY: {e}"))
    }

    pub fn consumer(&self) -> ConsumerOptions {
        ConsumerOptions {
            concurrency: self.worker_concurrency,
            max_attempts: self.max_attempts,
            ..Default::default()
        }
    }

    pub fn ingest(&self) -> IngestSettings {
        IngestSettings {
            order_retry_window: Duration::from_secs(self.order_retry_window_secs),
            ..Default::default()
        }
    }

    pub fn amqp(&self) -> Option<AmqpOptions> {
        self.amqp_url.as_ref().map(|url| AmqpOptions {
            url: url.clone(),
            namespace: self.amqp_namespace.clone(),
            queue_expires: None,
        })
    }
}
