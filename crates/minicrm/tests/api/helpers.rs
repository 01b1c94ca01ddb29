//! The test harness: a real minicrm on a random port over a fresh database — a SQLite file, or a new
//! PostgreSQL database with its own RabbitMQ namespace when MINICRM_TEST_DATABASE_URL and
//! MINICRM_TEST_AMQP_URL are set.

use minicrm::app::AppConfig;
use minicrm::{Application, Roles, Settings};
use minicrm_bus::amqp::AmqpOptions;
use minicrm_bus::Bus;
use minicrm_domain::Scope;
use minicrm_store::{api_keys, Db};
use reqwest::{Response, StatusCode};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub use crate::common::Backend;
use crate::common::{delete_queues, fresh_postgres_database};

pub struct TestApp {
    pub address: String,
    /// The vendor simulator's base URL, when this app runs it.
    pub vendor: String,
    /// The operations listener's base URL (`MINICRM_METRICS_BIND`), when this app has one.
    pub operations: String,
    pub client: reqwest::Client,
    pub admin_key: String,
    pub ingest_key: String,
    pub read_key: String,
    pub db: Db,
    pub bus: Arc<dyn Bus>,
    pub config: AppConfig,
    shutdown: CancellationToken,
    handle: JoinHandle<anyhow::Result<()>>,
    _dir: Option<tempfile::TempDir>,
}

fn init_logs() {
    if std::env::var("TEST_LOG").is_ok() {
        minicrm::telemetry::init("info,minicrm=debug");
    }
}

/// A fresh database (and bus namespace) for one test, with quick retries so tests stay short.
pub async fn test_config(backend: &Backend) -> (AppConfig, Option<tempfile::TempDir>) {
    init_logs();
    let (url, dir, amqp) = match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}", dir.path().join("minicrm.db").display());
            (url, Some(dir), None)
        }
        Backend::Postgres {
            server_url,
            amqp_url,
        } => {
            let url = fresh_postgres_database(server_url).await;
            let namespace = format!("test-{}", uuid::Uuid::new_v4().simple());
            let amqp = AmqpOptions {
                url: amqp_url.clone(),
                namespace,
                queue_expires: Some(Duration::from_secs(120)),
            };
            (url, None, Some(amqp))
        }
    };
    let mut settings = Settings::defaults(url);
    settings.server.bind = "127.0.0.1:0".parse().unwrap();
    let mut config = AppConfig::from_settings(&settings, Roles::ALL).expect("config");
    config.amqp = amqp;
    config.consumer.poll_interval = Duration::from_millis(50);
    config.ingest.first_retry = Duration::from_millis(200);
    config.ingest.sweep_interval = Duration::from_millis(100);
    config.vendor_bind = "127.0.0.1:0".parse().unwrap();
    config.vendor.latency = Duration::ZERO..=Duration::from_millis(100);
    config.vendor.receipt_flush = Duration::from_millis(20);
    config.schedule_interval = Duration::from_millis(50);
    config.delivery.sweep_interval = Duration::from_millis(200);
    (config, dir)
}

pub async fn spawn_app(backend: &Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

pub async fn spawn_app_with(backend: &Backend, tweak: impl FnOnce(&mut AppConfig)) -> TestApp {
    let (mut config, dir) = test_config(backend).await;
    tweak(&mut config);
    start(config, dir).await
}

/// Starts an application on `config` and makes an API key per scope.
pub async fn start(config: AppConfig, dir: Option<tempfile::TempDir>) -> TestApp {
    let app = Application::build(config.clone())
        .await
        .expect("the application starts");
    let address = app
        .address()
        .map(|a| format!("http://{a}"))
        .unwrap_or_default();
    let vendor = app
        .vendor_address()
        .map(|a| format!("http://{a}"))
        .unwrap_or_default();
    let operations = app
        .operations_address()
        .map(|a| format!("http://{a}"))
        .unwrap_or_default();
    let db = app.db().clone();
    let bus = app.bus();
    let shutdown = CancellationToken::new();
    let handle = tokio::spawn(app.run(shutdown.clone()));
    let key = |scope| {
        let db = db.clone();
        async move {
            api_keys::create(&db, "test", &[scope], "test", 0)
                .await
                .expect("api key")
                .1
        }
    };
    TestApp {
        address,
        vendor,
        operations,
        client: reqwest::Client::new(),
        admin_key: key(Scope::Admin).await,
        ingest_key: key(Scope::Ingest).await,
        read_key: key(Scope::Read).await,
        db,
        bus,
        config,
        shutdown,
        handle,
        _dir: dir,
    }
}

impl TestApp {
    /// The sign-in settings as the running app completed them (with its public URL).
    pub fn config_auth(&self) -> minicrm_api::AuthSettings {
        let mut auth = self.config.api.auth.clone();
        auth.public_url = self.address.clone();
        auth
    }

    pub async fn post_json(&self, path: &str, key: &str, body: &Value) -> Response {
        self.post_raw(
            path,
            key,
            "application/json",
            serde_json::to_vec(body).unwrap(),
        )
        .await
    }

    /// Posts JSON under an `Idempotency-Key`, as a client that retries does.
    pub async fn post_idempotent(
        &self,
        path: &str,
        idempotency_key: &str,
        body: &Value,
    ) -> Response {
        self.client
            .post(format!("{}{path}", self.address))
            .bearer_auth(&self.ingest_key)
            .header("idempotency-key", idempotency_key)
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn post_raw(
        &self,
        path: &str,
        key: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Response {
        self.client
            .post(format!("{}{path}", self.address))
            .bearer_auth(key)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn get(&self, path: &str, key: &str) -> Response {
        self.client
            .get(format!("{}{path}", self.address))
            .bearer_auth(key)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn get_json(&self, path: &str) -> Value {
        let response = self.get(path, &self.admin_key).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.json().await.unwrap()
    }

    /// Posts a batch that must be accepted, and returns its ingestion id.
    pub async fn ingest(&self, kind: &str, body: &Value) -> String {
        let response = self
            .post_json(&format!("/api/v1/{kind}"), &self.ingest_key, body)
            .await;
        let status = response.status();
        let json: Value = response.json().await.unwrap();
        assert_eq!(status, StatusCode::ACCEPTED, "{json}");
        json["ingestion_id"].as_str().unwrap().to_owned()
    }

    /// Waits until an ingestion reaches `status` and returns it.
    pub async fn wait_for(&self, ingestion_id: &str, status: &str) -> Value {
        let mut last = Value::Null;
        for _ in 0..300 {
            last = self
                .get_json(&format!("/api/v1/ingestions/{ingestion_id}"))
                .await;
            if last["status"] == status {
                return last;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("ingestion {ingestion_id} never became {status}: {last}");
    }

    pub async fn customer(&self, external_id: &str) -> Value {
        self.get_json(&format!("/api/v1/customers/{external_id}"))
            .await
    }

    /// Stops the process as a crash would: its tasks are dropped wherever they are, nothing is
    /// finished or acknowledged.
    pub async fn kill(self) {
        self.handle.abort();
        let _ = self.handle.await;
    }

    pub async fn stop(self) {
        self.shutdown.cancel();
        let stopped = tokio::time::timeout(Duration::from_secs(30), self.handle).await;
        stopped
            .expect("the application stops in time")
            .expect("no panic")
            .expect("no error");
        if let Some(amqp) = &self.config.amqp {
            delete_queues(&amqp.url, &amqp.namespace).await;
        }
    }
}
