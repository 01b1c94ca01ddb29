//! What the bus tests share: a database queue on a fresh database per backend (SQLite with the queue
//! in a file of its own, as the binary runs it; PostgreSQL sharing the data database), and a handler
//! that records what it was given and writes one row per message it handles.

use async_trait::async_trait;
use minicrm_bus::dbqueue::DbQueue;
use minicrm_bus::{ConsumerOptions, Envelope, Handler};
use minicrm_store::{on_read, on_tx, Db, DbOptions, Tx};
use serde_json::json;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The queue every test uses.
pub const QUEUE: &str = "ingest.customers";

/// A database queue on a fresh database, and what removes it.
pub struct TestQueue {
    pub bus: DbQueue,
    /// Where handlers write and the inbox is.
    pub data: Db,
    /// Where the messages are (the data database on PostgreSQL).
    pub queue: Db,
    postgres: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

/// Options that keep the tests fast: short leases, quick polling, one message at a time.
pub fn fast() -> ConsumerOptions {
    ConsumerOptions {
        concurrency: 1,
        max_attempts: 3,
        visibility_timeout: Duration::from_millis(300),
        poll_interval: Duration::from_millis(20),
        batch: 1,
        tuning: Default::default(),
    }
}

impl TestQueue {
    pub async fn sqlite(options: ConsumerOptions) -> TestQueue {
        let dir = tempfile::tempdir().unwrap();
        let open = |file: &str| DbOptions::new(format!("sqlite://{}/{file}", dir.path().display()));
        let data = Db::connect(&open("data.db")).await.unwrap();
        let queue = Db::connect(&open("queue.db")).await.unwrap();
        for db in [&data, &queue] {
            db.migrate().await.unwrap();
        }
        effects_table(&data).await;
        let bus = DbQueue::with_queue_db(data.clone(), queue.clone(), options);
        TestQueue {
            bus,
            data,
            queue,
            postgres: None,
            _dir: Some(dir),
        }
    }

    /// On the server named by MINICRM_TEST_DATABASE_URL, if any.
    pub async fn postgres(options: ConsumerOptions) -> Option<TestQueue> {
        let data = postgres_database().await?;
        let (db, server, name) = data;
        let bus = DbQueue::new(db.clone(), options);
        let postgres = Some((server, name));
        Some(TestQueue {
            bus,
            data: db.clone(),
            queue: db,
            postgres,
            _dir: None,
        })
    }

    pub async fn remove(self) {
        self.data.close().await;
        self.queue.close().await;
        if let Some((server, name)) = self.postgres {
            drop_database(&server, &name).await;
        }
    }

    /// Publishes a message whose payload is `payload`; its id.
    pub async fn publish(&self, payload: serde_json::Value) -> Envelope {
        let envelope = Envelope::new(QUEUE, 1, &payload).unwrap();
        minicrm_bus::Bus::publish(&self.bus, QUEUE, &envelope)
            .await
            .unwrap();
        envelope
    }
}

/// A fresh, migrated PostgreSQL database (with the effects table): the pool, server URL and name.
pub async fn postgres_database() -> Option<(Db, String, String)> {
    let server = std::env::var("MINICRM_TEST_DATABASE_URL").ok()?;
    let (url, name) = minicrm_store::scratch::create(&server, "minicrm_bus")
        .await
        .unwrap();
    let db = Db::connect(&DbOptions::new(url)).await.unwrap();
    db.migrate().await.unwrap();
    effects_table(&db).await;
    Some((db, server, name))
}

pub async fn drop_database(server: &str, name: &str) {
    minicrm_store::scratch::drop(server, name).await.unwrap();
}

/// Runs each named test (`async fn name(q: &TestQueue)`) on SQLite, and on PostgreSQL when
/// MINICRM_TEST_DATABASE_URL names a server, with the options `$options` gives.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident => $options:expr),* $(,)?) => {
        mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let q = $crate::harness::TestQueue::sqlite($options).await;
                super::$name(&q).await;
                q.remove().await;
            })*
        }
        mod postgres {
            #[allow(unused_imports)]
            use super::*;
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let Some(q) = $crate::harness::TestQueue::postgres($options).await else {
                    eprintln!("skipped: MINICRM_TEST_DATABASE_URL is not set");
                    return;
                };
                super::$name(&q).await;
                q.remove().await;
            })*
        }
    };
}

/// A table a handler writes one row to per message it handles, in its transaction.
pub async fn effects_table(db: &Db) {
    let mut tx = db.begin().await.unwrap();
    on_tx!(&mut tx, c => sqlx::query("CREATE TABLE test_effects (message_id TEXT NOT NULL)")
        .execute(&mut *c).await.map(|r| r.rows_affected()))
    .unwrap();
    tx.commit().await.unwrap();
}

/// The message ids whose effects committed, one per handling, sorted.
pub async fn effects(db: &Db) -> Vec<String> {
    on_read!(db, p => sqlx::query_scalar("SELECT message_id FROM test_effects ORDER BY 1")
        .fetch_all(p).await)
    .unwrap()
}

/// Waits up to 20 s for `n` effects to have committed; returns them.
pub async fn wait_for_effects(db: &Db, n: usize) -> Vec<String> {
    let started = Instant::now();
    loop {
        let done = effects(db).await;
        if done.len() >= n || started.elapsed() > Duration::from_secs(20) {
            return done;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Handles a message by writing its effect row; a payload `{"poison": true}` fails after writing (so
/// the write must roll back).
#[derive(Default)]
pub struct Recorder {
    /// The ids `handle` was given, in order, whether or not their transaction committed.
    seen: Mutex<Vec<String>>,
}

impl Recorder {
    pub fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

pub fn good() -> serde_json::Value {
    json!({"poison": false})
}

pub fn poison() -> serde_json::Value {
    json!({"poison": true})
}

#[async_trait]
impl Handler for Recorder {
    async fn handle(&self, tx: &mut Tx, envelope: &Envelope) -> anyhow::Result<()> {
        self.seen.lock().unwrap().push(envelope.id.clone());
        on_tx!(tx, c => sqlx::query("INSERT INTO test_effects (message_id) VALUES ($1)")
            .bind(&envelope.id).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        let payload: serde_json::Value = envelope.payload()?;
        anyhow::ensure!(payload["poison"] != true, "a poison message");
        Ok(())
    }
}
