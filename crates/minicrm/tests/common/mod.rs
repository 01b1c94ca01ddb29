//! What both integration-test binaries (`api`, in-process; `cluster`, as processes) share: the
//! backends a test runs on, a fresh PostgreSQL database per test, and removing a test's RabbitMQ queues.

pub mod exposition;

use serde_json::Value;
use sqlx::Connection;

#[derive(Clone, Debug)]
pub enum Backend {
    Sqlite,
    Postgres {
        server_url: String,
        amqp_url: String,
    },
}

impl Backend {
    /// PostgreSQL + RabbitMQ, when the environment names them (CI does).
    pub fn postgres() -> Option<Backend> {
        Some(Backend::Postgres {
            server_url: std::env::var("MINICRM_TEST_DATABASE_URL").ok()?,
            amqp_url: std::env::var("MINICRM_TEST_AMQP_URL").ok()?,
        })
    }
}

/// A new, empty database on the PostgreSQL server at `server_url`; its URL.
pub async fn fresh_postgres_database(server_url: &str) -> String {
    let name = format!("minicrm_test_{}", uuid::Uuid::new_v4().simple());
    let mut conn = sqlx::PgConnection::connect(server_url)
        .await
        .expect("PostgreSQL at MINICRM_TEST_DATABASE_URL");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("create test database");
    let base = server_url.rsplit_once('/').map_or(server_url, |(b, _)| b);
    format!("{base}/{name}")
}

/// Deletes a test's RabbitMQ queues at once rather than when they expire: every quorum queue is a
/// Raft group, and hundreds of idle ones slow the shared broker down for the tests still running.
pub async fn delete_queues(url: &str, namespace: &str) {
    use minicrm_bus::lapin::{options::QueueDeleteOptions, Connection};
    let properties = minicrm_bus::amqp::connection_properties();
    let Ok(connection) = Connection::connect(url, properties).await else {
        return;
    };
    if let Ok(channel) = connection.create_channel().await {
        for queue in minicrm_bus::queues::ALL {
            for name in [
                format!("{namespace}.{queue}"),
                format!("{namespace}.{queue}.dead"),
            ] {
                let _ = channel
                    .queue_delete(&name, QueueDeleteOptions::default())
                    .await;
            }
        }
    }
    let _ = connection.close(200, "bye").await;
}

/// Stops or starts the shared RabbitMQ (`stop_app`, `start_app`), for the tests that restart it.
pub async fn rabbitmqctl(command: &str) {
    let status = tokio::process::Command::new("rabbitmqctl")
        .arg(command)
        .status()
        .await
        .expect("rabbitmqctl runs");
    assert!(status.success(), "rabbitmqctl {command}");
}

/// Starts the shared RabbitMQ again when dropped, after a panic too: a restart test that fails while
/// the broker is stopped must not leave it stopped for every test after it.
pub struct RestartBrokerOnExit;

impl Drop for RestartBrokerOnExit {
    fn drop(&mut self) {
        let _ = std::process::Command::new("rabbitmqctl")
            .arg("start_app")
            .status();
    }
}

/// A campaign's rows past the queue: handed to the vendor, or settled (0 before its audience is fixed).
pub fn handed_over(campaign: &Value) -> i64 {
    let stats = &campaign["stats"];
    match stats["audience"].as_i64() {
        Some(audience) => audience - stats["queued"].as_i64().unwrap_or(0),
        None => 0,
    }
}

/// Runs a test on SQLite with the database queue, and again on PostgreSQL with RabbitMQ when configured.
#[macro_export]
macro_rules! on_every_backend {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                super::$name($crate::common::Backend::Sqlite).await
            })*
        }
        mod postgres_rabbitmq {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                match $crate::common::Backend::postgres() {
                    Some(backend) => super::$name(backend).await,
                    None => eprintln!("skipped: MINICRM_TEST_DATABASE_URL and MINICRM_TEST_AMQP_URL are not set"),
                }
            })*
        }
    };
}
