//! The `minicrm` binary: parses the command line, starts logging, and hands each command over to the
//! library (`minicrm::commands`).
#![forbid(unsafe_code)]

use clap::Parser;
use minicrm::commands;
use minicrm::config::{ApiKeyCommand, Cli, Command};
use minicrm::Roles;
use std::process::ExitCode;

/// mimalloc: the service allocates many short-lived strings across threads, where glibc's allocator
/// spent a fifth of the CPU and fragmented the heap.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    minicrm::telemetry::init(&cli.settings.log);
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = cli.settings;
    // The database of the commands that open one, from settings checked as `serve` checks them all.
    let db = || commands::checked_db(&settings);
    match cli.command {
        Command::Serve => commands::serve::run(&settings, Roles::ALL).await,
        Command::Api => commands::serve::run(&settings, Roles::API).await,
        Command::Worker => commands::serve::run(&settings, Roles::WORKER).await,
        Command::Vendor => commands::serve::run(&settings, Roles::VENDOR).await,
        Command::Migrate => commands::migrate::run(&db()?).await,
        Command::Seed(args) => commands::seed::run(&db()?, &args).await,
        Command::LoginLink => commands::login_link::run(&settings, &db()?).await,
        Command::ApiKey(ApiKeyCommand::Create { name, scopes }) => {
            commands::api_key::create(&db()?, &name, &scopes).await
        }
        Command::Bench(cmd) => {
            db()?; // bad settings stop a long run before it starts, as they stop every other command
            minicrm::bench::run(cmd, &settings).await
        }
        // Needs no settings and no database: the web UI's types are generated from it offline.
        Command::Openapi => {
            println!("{}", serde_json::to_string_pretty(minicrm_api::openapi())?);
            Ok(())
        }
    }
}
