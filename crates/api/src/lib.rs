//! minicrm's HTTP API: one module per resource, errors as `application/problem+json`, and API-key
//! authentication on every route except the health checks.
#![forbid(unsafe_code)]

mod auth;
mod body;
mod output;
mod problem;
mod routes;

pub use auth::Caller;
pub use problem::ApiError;

use axum::Router;
use minicrm_bus::Bus;
use minicrm_domain::Currency;
use minicrm_store::Db;
use std::sync::Arc;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub bus: Arc<dyn Bus>,
    pub settings: Arc<ApiSettings>,
    pub key_usage: Arc<auth::UsageThrottle>,
}

#[derive(Debug, Clone)]
pub struct ApiSettings {
    /// The store's currency: orders must be in it, and amounts are shown in its major units.
    pub currency: Currency,
    /// The largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// The secret vendor receipts are signed with.
    pub receipt_secret: String,
    /// How old a receipt's signature may be.
    pub receipt_max_age: std::time::Duration,
}

impl Default for ApiSettings {
    fn default() -> Self {
        Self {
            currency: Currency::INR,
            max_body_bytes: 32 * 1024 * 1024,
            receipt_secret: String::new(),
            receipt_max_age: std::time::Duration::from_secs(300),
        }
    }
}

impl AppState {
    pub fn new(db: Db, bus: Arc<dyn Bus>, settings: ApiSettings) -> Self {
        Self {
            db,
            bus,
            settings: Arc::new(settings),
            key_usage: Default::default(),
        }
    }
}

/// The whole HTTP surface, ready to serve.
pub fn router(state: AppState) -> Router {
    routes::router().with_state(state)
}
