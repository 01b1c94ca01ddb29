//! A deployment of real `minicrm` processes for one test: the binary Cargo built, started once per
//! role (`api`, `worker`, `vendor`) with the environment an operator would give it, over a fresh
//! database — a SQLite file with its database queue, or a new PostgreSQL database with its own RabbitMQ
//! namespace. Processes can be killed with SIGKILL or stopped with SIGTERM and started again; their
//! logs are kept and printed when a test fails.

use minicrm_store::{Db, DbOptions};
use reqwest::StatusCode;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};

pub use crate::common::Backend;
use crate::common::{delete_queues, fresh_postgres_database};

/// One running process.
struct Proc {
    role: &'static str,
    child: Child,
    log: PathBuf,
}

pub struct Cluster {
    /// The environment every process shares.
    env: BTreeMap<String, String>,
    /// Each API process's port, by index; they keep it across restarts.
    api_ports: Vec<u16>,
    vendor_port: u16,
    /// Each worker's operations listener (health and metrics), by name; kept across restarts.
    worker_ports: BTreeMap<String, u16>,
    procs: BTreeMap<String, Proc>,
    /// The data database, for checking what became of everything.
    pub db: Db,
    /// An API key with every scope.
    pub key: String,
    pub client: reqwest::Client,
    amqp_namespace: Option<(String, String)>,
    dir: tempfile::TempDir,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

fn random_hex() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

impl Cluster {
    /// A deployment with `apis` API addresses reserved; nothing runs until `start`. `env` overrides
    /// the defaults (and adds settings) for every process.
    pub async fn new(backend: &Backend, apis: usize, env: &[(&str, &str)]) -> Cluster {
        let dir = tempfile::tempdir().expect("temp dir");
        let api_ports: Vec<u16> = (0..apis.max(1)).map(|_| free_port()).collect();
        let vendor_port = free_port();
        let (database_url, amqp) = match backend {
            Backend::Sqlite => (
                format!("sqlite://{}", dir.path().join("minicrm.db").display()),
                None,
            ),
            Backend::Postgres {
                server_url,
                amqp_url,
            } => (
                fresh_postgres_database(server_url).await,
                Some((amqp_url.clone(), format!("cluster-{}", random_hex()))),
            ),
        };
        let mut vars: BTreeMap<String, String> = [
            ("DATABASE_URL", database_url.clone()),
            (
                "MINICRM_LOG",
                std::env::var("MINICRM_TEST_LOG").unwrap_or_else(|_| "info".into()),
            ),
            ("MINICRM_WEB_DIR", String::new()),
            ("MINICRM_VENDOR_API_KEY", random_hex()),
            ("MINICRM_RECEIPT_SECRET", random_hex()),
            (
                "MINICRM_VENDOR_URL",
                format!("http://127.0.0.1:{vendor_port}"),
            ),
            ("MINICRM_VENDOR_BIND", format!("127.0.0.1:{vendor_port}")),
            // Receipts reach the first API, as they would a load balancer.
            (
                "MINICRM_PUBLIC_URL",
                format!("http://127.0.0.1:{}", api_ports[0]),
            ),
            ("MINICRM_API_KEY_PER_SECOND", "0".into()),
            ("MINICRM_VENDOR_LATENCY_MS", "50-500".into()),
            ("MINICRM_QUEUE_LEASE_SECS", "3".into()),
            ("MINICRM_DELIVERY_STALE_SECS", "3".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        if let Some((url, namespace)) = &amqp {
            vars.insert("MINICRM_AMQP_URL".into(), url.clone());
            vars.insert("MINICRM_AMQP_NAMESPACE".into(), namespace.clone());
        }
        for (k, v) in env {
            vars.insert((*k).to_owned(), (*v).to_owned());
        }
        let key = create_key(&vars);
        let db = Db::connect(&DbOptions::new(database_url))
            .await
            .expect("the test reads the database");
        Cluster {
            env: vars,
            api_ports,
            vendor_port,
            worker_ports: BTreeMap::new(),
            procs: BTreeMap::new(),
            db,
            key,
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .unwrap(),
            amqp_namespace: amqp,
            dir,
        }
    }

    pub fn api(&self, index: usize) -> String {
        format!("http://127.0.0.1:{}", self.api_ports[index])
    }

    /// A client of every API, for work that runs while processes come and go.
    pub fn poster(&self) -> crate::work::Poster {
        crate::work::Poster {
            client: self.client.clone(),
            key: self.key.clone(),
            apis: (0..self.api_ports.len()).map(|i| self.api(i)).collect(),
        }
    }

    /// A worker's operations listener.
    pub fn operations(&self, worker: &str) -> String {
        format!("http://127.0.0.1:{}", self.worker_ports[worker])
    }

    /// The messages a worker settled (`minicrm_queue_messages_total{outcome="ok"}`, every queue),
    /// from its own /metrics.
    pub async fn messages_handled(&self, worker: &str) -> u64 {
        let text = self
            .client
            .get(format!("{}/metrics", self.operations(worker)))
            .bearer_auth(&self.key)
            .send()
            .await
            .expect("the worker answers")
            .text()
            .await
            .unwrap();
        crate::common::exposition::parse(&text)
            .unwrap_or_else(|e| panic!("{worker}'s /metrics: {e}"))
            .sum("minicrm_queue_messages_total", &[("outcome", "ok")]) as u64
    }

    pub fn vendor(&self) -> String {
        format!("http://127.0.0.1:{}", self.vendor_port)
    }

    /// Starts `name` (`api-0`, `api-1`, `worker-a`, `vendor`, …: the part before the dash is the
    /// role) and waits until it answers, where it has an HTTP port.
    pub async fn start(&mut self, name: &str) {
        self.start_with(name, &[]).await
    }

    pub async fn start_with(&mut self, name: &str, env: &[(&str, &str)]) {
        let (role, index) = name.split_once('-').unwrap_or((name, "0"));
        let role: &'static str = match role {
            "api" => "api",
            "worker" => "worker",
            "vendor" => "vendor",
            other => panic!("no role {other}"),
        };
        let log = self.dir.path().join(format!("{name}.log"));
        let out = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_minicrm"));
        command
            .arg(role)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .envs(&self.env)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .kill_on_drop(true);
        if role == "api" {
            let port = self.api_ports[index.parse::<usize>().expect("api-N")];
            command.env("MINICRM_BIND", format!("127.0.0.1:{port}"));
        }
        if role == "worker" {
            let port = *self
                .worker_ports
                .entry(name.to_owned())
                .or_insert_with(free_port);
            command.env("MINICRM_METRICS_BIND", format!("127.0.0.1:{port}"));
        }
        let child = command.spawn().expect("minicrm starts");
        self.procs
            .insert(name.to_owned(), Proc { role, child, log });
        match role {
            "api" => {
                let url = self.api(index.parse().unwrap());
                self.wait_healthy(name, &url).await
            }
            "vendor" => self.wait_healthy(name, &self.vendor()).await,
            _ => {
                let url = self.operations(name);
                self.wait_healthy(name, &url).await
            }
        }
    }

    async fn wait_healthy(&mut self, name: &str, base: &str) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Ok(r) = self.client.get(format!("{base}/healthz")).send().await {
                if r.status() == StatusCode::OK {
                    return;
                }
            }
            if let Some(status) = self.procs.get_mut(name).unwrap().child.try_wait().unwrap() {
                panic!("{name} exited at start with {status}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{name} never answered at {base}/healthz");
    }

    /// The operating system's id of a running process.
    pub fn pid(&self, name: &str) -> u32 {
        self.procs[name].child.id().expect("running")
    }

    /// SIGKILL: the process stops wherever it is; nothing is finished, acknowledged or closed.
    pub async fn kill(&mut self, name: &str) {
        let mut proc = self.procs.remove(name).expect("running");
        proc.child.start_kill().expect("SIGKILL");
        proc.child.wait().await.unwrap();
    }

    /// SIGTERM, then waits: the process must finish or hand back its work and exit cleanly within
    /// `limit`. It stays listed until then, so a failure shows its log.
    pub async fn terminate(&mut self, name: &str, limit: Duration) {
        let proc = self.procs.get_mut(name).expect("running");
        let pid = proc.child.id().expect("a pid").to_string();
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap();
        assert!(sent.success());
        let status = tokio::time::timeout(limit, proc.child.wait())
            .await
            .unwrap_or_else(|_| panic!("{name} did not stop within {limit:?} of SIGTERM"))
            .unwrap();
        assert!(status.success(), "{name} stopped with {status}");
        self.procs.remove(name);
    }

    pub async fn post(&self, api: usize, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.api(api)))
            .bearer_auth(&self.key)
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn get_json(&self, api: usize, path: &str) -> Value {
        let response = self
            .client
            .get(format!("{}{path}", self.api(api)))
            .bearer_auth(&self.key)
            .send()
            .await
            .expect("request sent");
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.json().await.unwrap()
    }

    pub async fn vendor_stats(&self) -> Value {
        self.client
            .get(format!("{}/v1/stats", self.vendor()))
            .bearer_auth(&self.env["MINICRM_VENDOR_API_KEY"])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Stops what still runs (SIGTERM, cleanly) and removes the test's RabbitMQ queues.
    pub async fn finish(mut self) {
        let names: Vec<String> = self.procs.keys().cloned().collect();
        for name in names {
            self.terminate(&name, Duration::from_secs(30)).await;
        }
        if let Some((url, namespace)) = &self.amqp_namespace {
            delete_queues(url, namespace).await;
        }
        self.db.close().await;
    }
}

impl Drop for Cluster {
    /// When a test fails, shows what each process said; the processes die with their handles.
    fn drop(&mut self) {
        if !std::thread::panicking() {
            return;
        }
        for (name, proc) in &self.procs {
            let text = std::fs::read_to_string(&proc.log).unwrap_or_default();
            let tail: Vec<&str> = text.lines().rev().take(40).collect();
            eprintln!("---- {name} ({}), last lines ----", proc.role);
            for line in tail.into_iter().rev() {
                eprintln!("{line}");
            }
        }
    }
}

/// `minicrm api-key create`, as an operator would run it; the key is the last line.
fn create_key(env: &BTreeMap<String, String>) -> String {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_minicrm"))
        .args(["api-key", "create", "--name", "cluster-test"])
        .args(["--scopes", "ingest,read,write,admin"])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(env)
        .output()
        .expect("minicrm api-key create runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    stdout.lines().last().expect("the key").trim().to_owned()
}
