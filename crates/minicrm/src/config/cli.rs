//! The command line: the subcommands and their own arguments. The settings every command shares are
//! in [`Settings`], one group per concern.

use super::Settings;
use clap::{Args, Parser, Subcommand};

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
    /// Run only the workers (the queue consumers, the campaign scheduler and the senders).
    Worker,
    /// Run only the vendor simulator (a messaging vendor over HTTP that posts signed receipts back).
    Vendor,
    /// Apply the database migrations and exit (every role also applies them at start).
    Migrate,
    /// Fill the database with realistic, deterministic demo data.
    Seed(SeedArgs),
    /// Print a fresh one-time sign-in link (the local mode, with no OpenID Connect configured).
    #[command(name = "login-link")]
    LoginLink,
    /// Manage API keys.
    #[command(subcommand, name = "api-key")]
    ApiKey(ApiKeyCommand),
    /// Measure performance (see README for the figures).
    #[command(subcommand)]
    Bench(crate::bench::BenchCommand),
    /// Print the OpenAPI document (what `/api/openapi.json` serves) without starting anything: the
    /// web UI's API types are generated from it (`scripts/api-types`).
    Openapi,
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
        /// Comma-separated scopes: ingest, read, write, admin (admin implies all).
        #[arg(long, default_value = "ingest,read")]
        scopes: String,
    },
}
