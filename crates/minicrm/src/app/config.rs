//! What a process runs and with what: its roles, and the configuration built from the settings, with
//! the secrets checked (or made fresh when every role runs in one process).

use crate::config::Settings;
use crate::http_server::HttpLimits;
use minicrm_api::ApiSettings;
use minicrm_bus::amqp::AmqpOptions;
use minicrm_bus::ConsumerOptions;
use minicrm_simulator::VendorConfig;
use minicrm_store::DbOptions;
use minicrm_workers::DeliverySettings;
use minicrm_workers::IngestSettings;
use secrecy::{ExposeSecret, SecretString};
use std::net::SocketAddr;
use std::time::Duration;

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
