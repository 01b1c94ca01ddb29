//! The `minicrm` binary: parses the command line, starts logging, and hands over to the library.
#![forbid(unsafe_code)]

use clap::Parser;
use minicrm::app::{open_db, AppConfig};
use minicrm::config::{ApiKeyCommand, Cli, Command};
use minicrm::{Application, Roles};
use minicrm_domain::Scope;
use minicrm_store::api_keys;
use std::process::ExitCode;
use tokio_util::sync::CancellationToken;

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
    let db_options = AppConfig::from_settings(&settings, Roles::ALL)?.db;
    match cli.command {
        Command::Serve => serve(AppConfig::from_settings(&settings, Roles::ALL)?).await,
        Command::Api => serve(AppConfig::from_settings(&settings, Roles::API)?).await,
        Command::Worker => serve(AppConfig::from_settings(&settings, Roles::WORKER)?).await,
        Command::Vendor => serve(AppConfig::from_settings(&settings, Roles::VENDOR)?).await,
        Command::Migrate => {
            open_db(&db_options).await?.close().await;
            if let Some(url) = minicrm::app::queue_database_url(&db_options.url) {
                open_db(&minicrm_store::DbOptions::new(url))
                    .await?
                    .close()
                    .await;
            }
            println!("migrations applied to {}", redact(&settings.storage.database_url));
            Ok(())
        }
        Command::Seed(args) => {
            let now = match &args.now {
                Some(t) => minicrm_domain::Timestamp::parse(t)
                    .map_err(|e| anyhow::anyhow!("--now: {e}"))?,
                None => minicrm_domain::Timestamp::now(),
            };
            let db = open_db(&db_options).await?;
            let opts = minicrm::seed::SeedOptions {
                customers: args.customers,
                orders: args.orders,
                seed: args.seed,
                now_ms: now.millis(),
            };
            let report = minicrm::seed::run(&db, &opts).await?;
            println!("{report}");
            Ok(())
        }
        Command::LoginLink => {
            let auth = settings.sign_in()?;
            let db = open_db(&db_options).await?;
            let link = minicrm::app::login_link(&db, &auth).await;
            db.close().await;
            let link = link?;
            println!(
                "Sign in to minicrm (once, within {} minutes):",
                auth.link_ttl.as_secs() / 60
            );
            println!("{link}");
            Ok(())
        }
        Command::ApiKey(ApiKeyCommand::Create { name, scopes }) => {
            let scopes =
                Scope::parse_list(&scopes).map_err(|e| anyhow::anyhow!("--scopes: {e}"))?;
            let db = open_db(&db_options).await?;
            let (key, secret) = api_keys::create(
                &db,
                &name,
                &scopes,
                "command line",
                chrono::Utc::now().timestamp_millis(),
            )
            .await?;
            println!(
                "created API key '{}' (id {}) with scopes {}",
                key.name,
                key.id,
                minicrm_domain::scope::join(&key.scopes)
            );
            println!("{secret}");
            Ok(())
        }
        Command::Bench(cmd) => minicrm::bench::run(cmd, &settings).await,
    }
}

async fn serve(config: AppConfig) -> anyhow::Result<()> {
    let app = Application::build(config).await?;
    if let Some(address) = app.address() {
        eprintln!("minicrm is listening on http://{address}");
        if api_keys::list(app.db()).await?.is_empty() {
            eprintln!(
                "no API key yet: create one with `minicrm api-key create --name me --scopes admin`"
            );
        }
    }
    let shutdown = CancellationToken::new();
    tokio::spawn(stop_on_signal(shutdown.clone()));
    app.run(shutdown).await
}

async fn stop_on_signal(shutdown: CancellationToken) {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("SIGTERM handler");
    #[cfg(unix)]
    tokio::select! {
        _ = ctrl_c => {}
        _ = term.recv() => {}
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
    tracing::info!("shutting down: finishing the work in hand");
    shutdown.cancel();
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://…@{}", &url[..s], &url[at + 1..]),
        _ => url.to_owned(),
    }
}
