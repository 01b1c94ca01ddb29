//! Running the roles: each on its listener or as the workers, until shutdown or the first failure,
//! and the one-time sign-in link printed for the local mode.

use super::Application;
use crate::http_server::{self, HttpLimits};
use anyhow::Context;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use minicrm_api::AppState;
use minicrm_store::Db;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;

impl Application {
    /// Runs the roles until `shutdown`; the first role to fail stops the others and is reported.
    pub async fn run(self, shutdown: CancellationToken) -> anyhow::Result<()> {
        let mut roles = tokio::task::JoinSet::new();
        // One state for both listeners, so that an API key's rate limit is one limit.
        let state = AppState::new(self.db.clone(), self.bus.clone(), self.config.api.clone());
        if let Some(listener) = self.listener {
            if self.config.api.auth.oidc.is_none() {
                let link = login_link(&self.db, &self.config.api.auth).await?;
                println!(
                    "Sign in to minicrm (once, within {} minutes): {link}",
                    self.config.api.auth.link_ttl.as_secs() / 60
                );
            }
            let serve = serve_http(listener, state.clone(), self.config.http, shutdown.clone());
            roles.spawn(named("api", serve));
        }
        if let Some(listener) = self.operations_listener {
            let serve = serve_operations(listener, state, self.config.http, shutdown.clone());
            roles.spawn(named("operations", serve));
        }
        if self.config.roles.worker {
            let run = minicrm_workers::run(
                self.bus.clone(),
                self.db.clone(),
                minicrm_workers::WorkerSettings {
                    ingest: self.config.ingest.clone(),
                    delivery: self.config.delivery.clone(),
                    currency: self.config.api.currency,
                    schedule_interval: self.config.schedule_interval,
                },
                shutdown.clone(),
            );
            roles.spawn(named("worker", run));
        }
        if let Some(listener) = self.vendor_listener {
            let vendor = minicrm_simulator::Vendor::new(self.config.vendor.clone());
            roles.spawn(named(
                "vendor",
                serve_vendor(listener, vendor, self.config.http, shutdown.clone()),
            ));
        }
        let mut first_error = None;
        let mut running = roles.len();
        loop {
            let next = tokio::select! {
                next = roles.join_next() => next,
                _ = async {
                    shutdown.cancelled().await;
                    tokio::time::sleep(Duration::from_secs(10)).await;
                } => {
                    tracing::warn!(running, "roles still stopping 10 s after the shutdown signal");
                    roles.join_next().await
                }
            };
            let Some(done) = next else { break };
            running -= 1;
            let result = done.map_err(anyhow::Error::from).and_then(|r| r);
            if let Err(e) = result {
                tracing::error!(error = %format!("{e:#}"), "a role stopped; shutting down the others");
                shutdown.cancel();
                first_error.get_or_insert(e);
            }
        }
        self.bus.close().await;
        self.db.close().await;
        first_error.map_or(Ok(()), Err)
    }
}

async fn named(
    role: &'static str,
    run: impl std::future::Future<Output = anyhow::Result<()>>,
) -> anyhow::Result<()> {
    let result = run.await.with_context(|| format!("the {role} role failed"));
    tracing::debug!(role, "role stopped");
    result
}

async fn serve_vendor(
    listener: TcpListener,
    vendor: minicrm_simulator::Vendor,
    limits: HttpLimits,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    tracing::info!(address = %listener.local_addr()?, "vendor simulator listening");
    let receipts = tokio::spawn({
        let (vendor, shutdown) = (vendor.clone(), shutdown.clone());
        async move { vendor.run_receipts(shutdown).await }
    });
    http_server::serve(listener, vendor.router(), limits, shutdown).await;
    receipts.await?;
    Ok(())
}

async fn serve_http(
    listener: TcpListener,
    state: AppState,
    limits: HttpLimits,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let app = minicrm_api::router(state)
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(60),
        ))
        .layer(CatchPanicLayer::custom(|_| {
            minicrm_api::ApiError::Internal(anyhow::anyhow!("a handler panicked")).into_response()
        }));
    tracing::info!(address = %listener.local_addr()?, "minicrm API listening");
    http_server::serve(listener, app, limits, shutdown).await;
    Ok(())
}

/// Health checks and metrics on a listener of their own.
async fn serve_operations(
    listener: TcpListener,
    state: AppState,
    limits: HttpLimits,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let app = minicrm_api::operations_router(state).layer(TimeoutLayer::with_status_code(
        StatusCode::SERVICE_UNAVAILABLE,
        Duration::from_secs(30),
    ));
    tracing::info!(address = %listener.local_addr()?, "operations listener (/healthz, /readyz, /metrics)");
    http_server::serve(listener, app, limits, shutdown).await;
    Ok(())
}

/// A fresh one-time sign-in link for the local mode.
pub async fn login_link(db: &Db, auth: &minicrm_api::AuthSettings) -> anyhow::Result<String> {
    anyhow::ensure!(
        auth.oidc.is_none(),
        "this minicrm signs people in through OpenID Connect: open {}/auth/login",
        auth.public_url
    );
    let now = chrono::Utc::now().timestamp_millis();
    let token =
        minicrm_store::sessions::create_link(db, auth.link_ttl.as_millis() as i64, now).await?;
    Ok(format!("{}/auth/link?token={token}", auth.public_url))
}
