//! minicrm's HTTP API: one module per resource, errors as `application/problem+json`, on every route
//! except the public ones (`auth::PUBLIC_ROUTES`) a session or an API key, and a span per request.
#![forbid(unsafe_code)]

pub mod auth;
mod body;
mod headers;
mod html;
mod metrics;
mod openapi;
mod output;
mod params;
mod problem;
mod routes;
mod spans;
mod unread;
pub mod web;

pub use auth::{AuthSettings, Caller};
pub use openapi::openapi;
pub use problem::ApiError;
/// The CSV importer's reader, for the fuzzer only (`fuzz/` turns the feature on).
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub use routes::imports::fuzzing as import_fuzzing;

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
    pub auth: Arc<auth::Auth>,
    pub assistant: Arc<minicrm_assistant::Assistant>,
    /// How many large bodies are read and parsed at once.
    pub bodies: Arc<body::BodyGate>,
}

#[derive(Debug, Clone)]
pub struct ApiSettings {
    /// The store's currency: orders must be in it, and amounts are shown in its major units.
    pub currency: Currency,
    /// The largest batch of records accepted in one request body, in bytes (other JSON bodies are
    /// small objects, limited to `body::SMALL_JSON_BYTES`).
    pub max_body_bytes: usize,
    /// How many bodies over `body::LARGE_BODY_BYTES` are read and parsed at once; more wait.
    pub max_large_bodies: usize,
    /// The largest CSV file an import takes, in bytes (it is streamed, never held whole).
    pub import_max_bytes: usize,
    /// The secret vendor receipts are signed with.
    pub receipt_secret: secrecy::SecretString,
    /// How old a receipt's signature may be.
    pub receipt_max_age: std::time::Duration,
    /// How people sign in.
    pub auth: AuthSettings,
    /// Which AI provider answers.
    pub ai: minicrm_assistant::AiSettings,
    /// A folder to serve the web UI from; None: the UI built into the binary (`web::embedded`).
    pub web_dir: Option<std::path::PathBuf>,
}

impl Default for ApiSettings {
    fn default() -> Self {
        Self {
            currency: Currency::INR,
            max_body_bytes: 32 * 1024 * 1024,
            max_large_bodies: 2,
            import_max_bytes: 256 * 1024 * 1024,
            receipt_secret: String::new().into(),
            receipt_max_age: std::time::Duration::from_secs(300),
            auth: AuthSettings::default(),
            ai: Default::default(),
            web_dir: None,
        }
    }
}

impl AppState {
    pub fn new(db: Db, bus: Arc<dyn Bus>, settings: ApiSettings) -> Self {
        Self {
            db,
            bus,
            auth: Arc::new(auth::Auth::new(&settings.auth)),
            assistant: Arc::new(
                minicrm_assistant::Assistant::new(&settings.ai)
                    .expect("the AI settings are checked when they are read"),
            ),
            bodies: Arc::new(body::BodyGate::new(
                settings.max_large_bodies,
                std::time::Duration::from_secs(30),
            )),
            settings: Arc::new(settings),
        }
    }
}

/// The whole HTTP surface, ready to serve.
pub fn router(state: AppState) -> Router {
    let secure = state.settings.auth.secure();
    routes::router(state.settings.web_dir.clone())
        .layer(axum::middleware::from_fn(move |request, next| {
            headers::security(secure, request, next)
        }))
        .layer(axum::middleware::from_fn(unread::close_when_unread))
        .layer(axum::middleware::from_fn(metrics::track))
        .layer(spans::layer())
        .with_state(state)
}

/// The operations routes alone (`/healthz`, `/readyz`, `/metrics`), for a process that serves no API:
/// the same handlers and the same credentials as on the API.
pub fn operations_router(state: AppState) -> Router {
    routes::operations_router()
        .layer(axum::middleware::from_fn(metrics::track))
        .with_state(state)
}
