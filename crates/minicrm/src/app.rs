//! `Application`: the roles of one process (the HTTP API, the workers, or both), built from settings
//! and run until a shutdown signal. Tests build it on port 0 against a fresh database.

use crate::config::Settings;
use crate::http_server::{self, HttpLimits};
use anyhow::Context;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use minicrm_api::{ApiSettings, AppState};
use minicrm_bus::amqp::{Amqp, AmqpOptions};
use minicrm_bus::dbqueue::DbQueue;
use minicrm_bus::{Bus, ConsumerOptions};
use minicrm_simulator::VendorConfig;
use minicrm_store::{Db, DbOptions};
use minicrm_workers::DeliverySettings;
use minicrm_workers::IngestSettings;
use secrecy::{ExposeSecret, SecretString};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;

/// Which roles a process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Roles {
    pub api: bool,
    pub worker: bool,
    /// The vendor simulator.
    pub vendor: bool,
}

impl Roles {
    pub const ALL: Roles = Roles {
        api: true,
        worker: true,
        vendor: true,
    };
    pub const API: Roles = Roles {
        api: true,
        worker: false,
        vendor: false,
    };
    pub const WORKER: Roles = Roles {
        api: false,
        worker: true,
        vendor: false,
    };
    pub const VENDOR: Roles = Roles {
        api: false,
        worker: false,
        vendor: true,
    };
}

/// Everything a process needs to start, already parsed.
#[derive(Debug, Clone)]
pub struct AppConfig {
    pub roles: Roles,
    pub db: DbOptions,
    pub bind: SocketAddr,
    /// Where the operations listener (health checks and metrics) listens, if anywhere.
    pub metrics_bind: Option<SocketAddr>,
    pub amqp: Option<AmqpOptions>,
    pub api: ApiSettings,
    pub consumer: ConsumerOptions,
    pub ingest: IngestSettings,
    /// How campaigns reach the vendor; its URLs are completed at build when left out.
    pub delivery: DeliverySettings,
    /// Where receipts go: `{public_url}/api/v1/receipts`. None: the API's own address.
    pub public_url: Option<String>,
    /// Where the simulator listens, when this process runs it.
    pub vendor_bind: SocketAddr,
    /// The simulator's settings.
    pub vendor: VendorConfig,
    /// How often the scheduler looks for due campaigns.
    pub schedule_interval: Duration,
    /// Time limits and the connection cap of every HTTP listener.
    pub http: HttpLimits,
}

/// The shortest secret taken from the settings, in bytes: what `openssl rand -hex 16` gives, and what
/// keeps an HMAC key or a bearer key out of reach of guessing offline.
const MIN_SECRET_BYTES: usize = 32;

/// A secret from the settings, or, for `serve` (every role in one process), a fresh one.
fn secret(given: &Option<SecretString>, roles: Roles, name: &str) -> anyhow::Result<String> {
    match given.as_ref().map(|s| s.expose_secret().trim()) {
        Some(s) if !s.is_empty() => {
            anyhow::ensure!(
                s.len() >= MIN_SECRET_BYTES,
                "{name} is {} bytes long; it must be at least {MIN_SECRET_BYTES} \
                 (make one with: openssl rand -hex 32)",
                s.len()
            );
            Ok(s.to_owned())
        }
        _ if roles == Roles::ALL => Ok(minicrm_store::api_keys::random_secret()),
        _ => anyhow::bail!(
            "{name} must be set when the roles run in separate processes, the same in each"
        ),
    }
}

impl AppConfig {
    pub fn from_settings(settings: &Settings, roles: Roles) -> anyhow::Result<Self> {
        let delivery = &settings.delivery;
        let needs_key = roles.worker || roles.vendor;
        let vendor_key = match needs_key {
            true => secret(&delivery.vendor_api_key, roles, "MINICRM_VENDOR_API_KEY")?,
            false => String::new(),
        };
        let receipt_secret = match roles.api || roles.vendor {
            true => secret(&delivery.receipt_secret, roles, "MINICRM_RECEIPT_SECRET")?,
            false => String::new(),
        };
        let (stale_after, sweep_interval) = delivery.staleness();
        Ok(Self {
            roles,
            db: settings.storage.db(),
            bind: settings.server.bind,
            metrics_bind: settings.server.metrics_bind,
            amqp: settings.bus.amqp(),
            api: ApiSettings {
                currency: settings.ingest.currency()?,
                max_body_bytes: settings.ingest.max_body_bytes,
                max_large_bodies: settings.server.max_large_bodies,
                import_max_bytes: settings.ingest.import_max_bytes,
                receipt_secret: receipt_secret.clone().into(),
                receipt_max_age: Duration::from_secs(delivery.receipt_max_age_secs),
                auth: settings.sign_in()?,
                ai: settings.ai.settings()?,
                web_dir: settings.server.web_dir(),
            },
            consumer: settings.consumer(),
            ingest: settings.ingest.settings(),
            delivery: DeliverySettings {
                vendor_url: delivery.vendor_url.clone().unwrap_or_default(),
                vendor_api_key: vendor_key.clone().into(),
                rate_per_second: delivery.delivery_rate,
                stale_after,
                sweep_interval,
                ..Default::default()
            },
            public_url: settings.server.public_url.clone(),
            vendor_bind: settings.simulator.vendor_bind,
            vendor: settings
                .simulator
                .vendor(&vendor_key, &receipt_secret, None)?,
            schedule_interval: Duration::from_millis(250),
            http: settings.server.http(),
        })
    }
}

pub struct Application {
    config: AppConfig,
    db: Db,
    bus: Arc<dyn Bus>,
    listener: Option<TcpListener>,
    vendor_listener: Option<TcpListener>,
    operations_listener: Option<TcpListener>,
}

/// The database queue: in a SQLite file of its own beside the data (SQLite has one writer per file, and
/// accepting a batch must not wait for a consumer's transaction), in the data database on PostgreSQL.
async fn database_queue(db: &Db, config: &AppConfig) -> anyhow::Result<DbQueue> {
    match queue_database_url(&config.db.url) {
        Some(url) => {
            let queue_db = open_db(&DbOptions {
                url,
                max_connections: 4,
            })
            .await
            .context("cannot open the queue database")?;
            Ok(DbQueue::with_queue_db(
                db.clone(),
                queue_db,
                config.consumer.clone(),
            ))
        }
        None => Ok(DbQueue::new(db.clone(), config.consumer.clone())),
    }
}

/// `sqlite://data/minicrm.db` → `sqlite://data/minicrm.queue.db`; `None` for PostgreSQL.
pub fn queue_database_url(url: &str) -> Option<String> {
    let rest = url.strip_prefix("sqlite:")?;
    let (path, query) = rest
        .split_once('?')
        .map_or((rest, None), |(p, q)| (p, Some(q)));
    let queue_path = match path.strip_suffix(".db") {
        Some(stem) => format!("{stem}.queue.db"),
        None => format!("{path}.queue"),
    };
    Some(format!(
        "sqlite:{queue_path}{}",
        query.map(|q| format!("?{q}")).unwrap_or_default()
    ))
}

/// Opens the database named in the settings and applies its migrations.
pub async fn open_db(options: &DbOptions) -> anyhow::Result<Db> {
    let db = Db::connect(options)
        .await
        .context("cannot open the database")?;
    db.migrate().await.context("cannot migrate the database")?;
    Ok(db)
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

#[cfg(test)]
mod tests;
