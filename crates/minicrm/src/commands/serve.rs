//! `minicrm serve` (every role in one process) and `minicrm api|worker|vendor` (one role each): build
//! the application, say where it listens, and run it until SIGINT or SIGTERM.

use crate::app::AppConfig;
use crate::{Application, Roles, Settings};
use minicrm_store::api_keys;
use tokio_util::sync::CancellationToken;

pub async fn run(settings: &Settings, roles: Roles) -> anyhow::Result<()> {
    let config = AppConfig::from_settings(settings, roles)?;
    let no_ui = config.api.web_dir.is_none() && !minicrm_api::web::embedded();
    let app = Application::build(config).await?;
    if let Some(address) = app.address() {
        eprintln!("minicrm is listening on http://{address}");
        if no_ui && roles.api {
            eprintln!(
                "this binary holds no web UI (web/dist was not built when it was compiled): \
                 ./scripts/run builds the UI and then the binary, or set MINICRM_WEB_DIR to a built UI"
            );
        }
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
