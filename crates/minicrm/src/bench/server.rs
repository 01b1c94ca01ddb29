//! The system under test: `minicrm serve` as a child process on a fresh database, and a client for it.

use super::BenchBackend;
use crate::app::open_db;
use crate::seed::{self, SeedOptions, SeedReport};
use anyhow::Context;
use minicrm_domain::Timestamp;
use minicrm_store::{Db, DbOptions};
use std::process::Stdio;
use std::time::Duration;
use tokio::process::{Child, Command};

pub struct Target {
    pub database_url: String,
    pub amqp_url: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

/// A fresh database (and RabbitMQ namespace) for one run.
pub async fn fresh_target(
    backend: BenchBackend,
    postgres_url: &str,
    amqp_url: Option<&str>,
) -> anyhow::Result<Target> {
    match backend {
        BenchBackend::Sqlite => {
            let dir = tempfile::tempdir()?;
            let database_url = format!("sqlite://{}", dir.path().join("bench.db").display());
            Ok(Target {
                database_url,
                amqp_url: None,
                _dir: Some(dir),
            })
        }
        BenchBackend::Postgres => {
            let (database_url, _) = minicrm_store::scratch::create(postgres_url, "minicrm_bench")
                .await
                .context("cannot make a database on --postgres-url")?;
            Ok(Target {
                database_url,
                amqp_url: amqp_url.map(str::to_owned),
                _dir: None,
            })
        }
    }
}

/// A fresh target seeded by `minicrm seed` (seed 42, "now" as the data's present), opened.
pub async fn seeded_target(
    backend: BenchBackend,
    postgres_url: &str,
    amqp_url: Option<&str>,
    customers: u64,
    orders: u64,
) -> anyhow::Result<(Target, Db, Timestamp, SeedReport)> {
    let target = fresh_target(backend, postgres_url, amqp_url).await?;
    let db = open_db(&DbOptions::new(&target.database_url)).await?;
    let now = Timestamp::now();
    let opts = SeedOptions {
        customers,
        orders,
        seed: 42,
        now_ms: now.millis(),
    };
    let report = seed::run(&db, &opts).await?;
    Ok((target, db, now, report))
}

pub struct Server {
    pub child: Child,
    pub base: String,
}

/// The secrets (receipts, vendor key) every server of this benchmark shares.
fn shared_secret(which: usize) -> &'static str {
    static SECRETS: std::sync::OnceLock<[String; 2]> = std::sync::OnceLock::new();
    &SECRETS.get_or_init(|| [0, 1].map(|_| minicrm_store::api_keys::random_secret()))[which]
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// Starts `minicrm <role>` (serve, api or worker) on `target` and waits until it is ready.
pub async fn start(target: &Target, role: &str) -> anyhow::Result<Server> {
    start_with(target, role, &[]).await
}

/// `start` with more environment.
pub async fn start_with(
    target: &Target,
    role: &str,
    env: &[(&str, String)],
) -> anyhow::Result<Server> {
    let port = free_port()?;
    let mut command = Command::new(std::env::current_exe()?);
    command.envs(env.iter().map(|(k, v)| (*k, v.as_str())));
    command
        .arg(role)
        .env("DATABASE_URL", &target.database_url)
        .env("MINICRM_BIND", format!("127.0.0.1:{port}"))
        // Processes of one benchmark in separate roles must share their secrets.
        .env("MINICRM_RECEIPT_SECRET", shared_secret(0))
        .env("MINICRM_VENDOR_API_KEY", shared_secret(1))
        // MINICRM_BENCH_LOG: the server's log filter during a benchmark (warn by default).
        .env(
            "MINICRM_LOG",
            std::env::var("MINICRM_BENCH_LOG").unwrap_or_else(|_| "warn".into()),
        )
        // The benchmarks measure the server, not the per-key rate limit.
        .env("MINICRM_API_KEY_PER_SECOND", "0")
        .env_remove("MINICRM_AMQP_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true);
    if let Some(amqp) = &target.amqp_url {
        command
            .env("MINICRM_AMQP_URL", amqp)
            .env("MINICRM_AMQP_NAMESPACE", format!("bench-{port}"));
    }
    let child = command
        .spawn()
        .with_context(|| format!("cannot start minicrm {role}"))?;
    let server = Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    if role == "worker" {
        return Ok(server);
    }
    let client = reqwest::Client::new();
    for _ in 0..300 {
        if let Ok(r) = client.get(format!("{}/readyz", server.base)).send().await {
            if r.status().is_success() {
                return Ok(server);
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("minicrm {role} did not become ready")
}

impl Server {
    /// Fails when the process has exited (a benchmark waiting on it would wait forever).
    pub fn ensure_running(&mut self) -> anyhow::Result<()> {
        match self.child.try_wait()? {
            Some(status) => anyhow::bail!("the server exited ({status}); its log is above"),
            None => Ok(()),
        }
    }

    /// The child's peak resident memory so far (VmHWM), in MiB.
    pub fn peak_rss_mib(&self) -> Option<f64> {
        let pid = self.child.id()?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib / 1024.0)
    }

    pub async fn stop(mut self) {
        if let Some(pid) = self.child.id() {
            let _ = Command::new("kill")
                .arg("-TERM")
                .arg(pid.to_string())
                .status()
                .await;
        }
        let _ = tokio::time::timeout(Duration::from_secs(30), self.child.wait()).await;
    }
}
