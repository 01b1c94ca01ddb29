//! `Application`: the roles of one process (the HTTP API, the workers, or both), built from settings
//! and run until a shutdown signal. Tests build it on port 0 against a fresh database.

use anyhow::Context;
use minicrm_bus::amqp::Amqp;
use minicrm_bus::Bus;
use minicrm_store::Db;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

mod config;
mod database;
mod running;

pub use config::{AppConfig, Roles};
use database::database_queue;
pub use database::{open_db, queue_database_url};
pub use running::login_link;

pub struct Application {
    config: AppConfig,
    db: Db,
    bus: Arc<dyn Bus>,
    listener: Option<TcpListener>,
    vendor_listener: Option<TcpListener>,
    operations_listener: Option<TcpListener>,
}

impl Application {
    /// Opens the database (migrating it), connects the bus and binds the listener, so that any
    /// misconfiguration fails here, before the process reports that it runs.
    pub async fn build(config: AppConfig) -> anyhow::Result<Self> {
        if config.roles.api && config.api.auth.oidc.is_none() && !config.bind.ip().is_loopback() {
            anyhow::bail!(
                "with no sign-in provider configured, minicrm signs people in with one-time links and \
                 listens on loopback only, but MINICRM_BIND is {}: bind to 127.0.0.1, or configure \
                 OpenID Connect (MINICRM_OIDC_CLIENT_ID, MINICRM_OIDC_CLIENT_SECRET, \
                 MINICRM_ALLOWED_EMAILS or MINICRM_ALLOWED_DOMAINS)",
                config.bind
            );
        }
        let db = open_db(&config.db).await?;
        let bus: Arc<dyn Bus> = match &config.amqp {
            Some(amqp) => {
                Arc::new(Amqp::connect(db.clone(), amqp.clone(), config.consumer.clone()).await?)
            }
            None => Arc::new(database_queue(&db, &config).await?),
        };
        let listener = match config.roles.api {
            true => Some(
                TcpListener::bind(config.bind)
                    .await
                    .with_context(|| format!("cannot listen on {}", config.bind))?,
            ),
            false => None,
        };
        let operations_listener = match config.metrics_bind {
            Some(address) => {
                let bound = TcpListener::bind(address).await;
                Some(bound.with_context(|| {
                    format!("the operations listener cannot listen on {address}")
                })?)
            }
            None => None,
        };
        if config.roles.api || operations_listener.is_some() {
            minicrm_metrics::install();
        }
        let vendor_listener = match config.roles.vendor {
            true => Some(
                TcpListener::bind(config.vendor_bind)
                    .await
                    .with_context(|| {
                        format!(
                            "the vendor simulator cannot listen on {}",
                            config.vendor_bind
                        )
                    })?,
            ),
            false => None,
        };
        let mut config = config;
        let api_address = listener
            .as_ref()
            .and_then(|l| l.local_addr().ok())
            .unwrap_or(config.bind);
        let public = config
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{api_address}"));
        let receipts = format!("{}/api/v1/receipts", public.trim_end_matches('/'));
        config.api.auth.public_url = public.trim_end_matches('/').to_owned();
        config.delivery.callback_url = Some(receipts.clone());
        config.vendor.callback_url = Some(receipts);
        if config.delivery.vendor_url.is_empty() {
            let vendor = vendor_listener
                .as_ref()
                .and_then(|l| l.local_addr().ok())
                .unwrap_or(config.vendor_bind);
            config.delivery.vendor_url = format!("http://{vendor}");
        }
        Ok(Self {
            config,
            db,
            bus,
            listener,
            vendor_listener,
            operations_listener,
        })
    }

    /// The address of the operations listener (health checks and metrics), when there is one.
    pub fn operations_address(&self) -> Option<SocketAddr> {
        self.operations_listener
            .as_ref()
            .and_then(|l| l.local_addr().ok())
    }

    /// The address the vendor simulator listens on, when this process runs it.
    pub fn vendor_address(&self) -> Option<SocketAddr> {
        self.vendor_listener
            .as_ref()
            .and_then(|l| l.local_addr().ok())
    }

    /// The address the API listens on (with the real port when bound to port 0).
    pub fn address(&self) -> Option<SocketAddr> {
        self.listener.as_ref().and_then(|l| l.local_addr().ok())
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    pub fn bus(&self) -> Arc<dyn Bus> {
        self.bus.clone()
    }
}

#[cfg(test)]
mod tests;
