//! The command line and its environment variables: every option is documented once, in the group
//! of its concern, and shows in `minicrm --help`. Zero configuration runs on SQLite with the database
//! queue on 127.0.0.1:8080.
//!
//! Each group is a clap `Args` struct flattened into [`Settings`], so a setting keeps its flag and
//! its variable whichever group it sits in. A group turns itself into the typed settings of the
//! crate that uses it; [`Settings`] only combines groups where one concern needs another.

mod ai;
mod auth;
mod bus;
mod cli;
mod delivery;
mod ingest;
mod server;
mod simulator;
mod storage;

pub use ai::AiArgs;
pub use auth::AuthArgs;
pub use bus::BusArgs;
pub use cli::{ApiKeyCommand, Cli, Command, SeedArgs};
pub use delivery::DeliveryArgs;
pub use ingest::IngestArgs;
pub use server::ServerArgs;
pub use simulator::SimulatorArgs;
pub use storage::{without_password, StorageArgs};

use clap::{Args, Parser};
use minicrm_bus::ConsumerOptions;
use std::time::Duration;

/// Settings shared by every command. Each can be given as a flag or as its environment variable.
#[derive(Args, Debug, Clone)]
pub struct Settings {
    #[command(flatten)]
    pub storage: StorageArgs,
    #[command(flatten)]
    pub server: ServerArgs,
    #[command(flatten)]
    pub bus: BusArgs,
    #[command(flatten)]
    pub ingest: IngestArgs,
    #[command(flatten)]
    pub delivery: DeliveryArgs,
    #[command(flatten)]
    pub simulator: SimulatorArgs,
    #[command(flatten)]
    pub auth: AuthArgs,
    #[command(flatten)]
    pub ai: AiArgs,
    /// Log filter, as in RUST_LOG (e.g. info, minicrm=debug).
    #[arg(long, env = "MINICRM_LOG", default_value = "info", global = true)]
    pub log: String,
}

impl Settings {
    /// The settings of a fresh deployment on `database_url`, as if no flag or variable were given.
    pub fn defaults(database_url: impl Into<String>) -> Self {
        let mut s = Cli::parse_from(["minicrm", "serve"]).settings;
        s.storage.database_url = database_url.into();
        s
    }

    /// How the consumers take messages: the bus's own tuning, and the delivery queues' (send jobs at
    /// once, receipt batches).
    pub fn consumer(&self) -> ConsumerOptions {
        let (bus, delivery) = (&self.bus, &self.delivery);
        ConsumerOptions {
            concurrency: bus.worker_concurrency,
            max_attempts: bus.max_attempts,
            batch: bus.queue_batch,
            visibility_timeout: Duration::from_secs(bus.queue_lease_secs.max(1)),
            tuning: minicrm_workers::queue_tuning(
                delivery.delivery_concurrency,
                delivery.receipt_batch,
                Duration::from_millis(delivery.receipt_linger_ms),
            ),
            ..Default::default()
        }
    }

    /// How people sign in (the public URL and the trusted proxies are the server's).
    pub fn sign_in(&self) -> anyhow::Result<minicrm_api::AuthSettings> {
        self.auth.settings(&self.server)
    }
}

#[cfg(test)]
mod tests;
