//! The one harness of the contract suite: a fresh database of every backend the environment offers —
//! a SQLite file always, and a PostgreSQL database of its own when `MINICRM_TEST_DATABASE_URL` names a
//! server — each test run on every one of them, and a failure reported with the backend's name.

use futures::FutureExt;
use minicrm_store::{Db, DbOptions};
use proptest::strategy::Strategy;
use proptest::test_runner::{Config, TestRunner};
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The variable that names a PostgreSQL server for the tests (any database on it: each test makes its
/// own beside it and drops it after).
pub const SERVER_VAR: &str = "MINICRM_TEST_DATABASE_URL";

/// A fresh, empty database and what removes it.
pub struct Fresh {
    pub db: Db,
    pub name: &'static str,
    place: Place,
}

enum Place {
    File(PathBuf),
    Server { server: String, database: String },
}

/// A fresh, empty database on every backend the environment offers.
pub async fn databases() -> Vec<Fresh> {
    let mut found = vec![sqlite().await];
    if let Ok(server) = std::env::var(SERVER_VAR) {
        found.push(postgres(server).await);
    }
    found
}

async fn sqlite() -> Fresh {
    let dir = std::env::temp_dir().join(format!("minicrm-store-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let url = format!("sqlite://{}/t.db", dir.display());
    let db = Db::connect(&DbOptions::new(&url))
        .await
        .expect("SQLite opens");
    Fresh {
        db,
        name: "SQLite",
        place: Place::File(dir),
    }
}

async fn postgres(server: String) -> Fresh {
    let (url, database) = minicrm_store::scratch::create(&server, "minicrm_test")
        .await
        .unwrap_or_else(|e| panic!("{SERVER_VAR} names no server that answers: {e}"));
    let db = Db::connect(&DbOptions::new(url))
        .await
        .expect("the new PostgreSQL database opens");
    Fresh {
        db,
        name: "PostgreSQL",
        place: Place::Server { server, database },
    }
}

impl Fresh {
    /// Closes the database and removes it.
    pub async fn remove(self) {
        self.db.close().await;
        match self.place {
            Place::File(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Place::Server { server, database } => {
                let _ = minicrm_store::scratch::drop(&server, &database).await;
            }
        }
    }
}

/// Runs `test` on a fresh, migrated database of every backend; see [`on_each_empty_backend`].
pub async fn on_each_backend<F, Fut>(test: F)
where
    F: Fn(Db) -> Fut,
    Fut: Future<Output = ()>,
{
    run(true, test).await
}

/// Runs `test` on a fresh database of every backend, as it is before any migration. Every backend is
/// tried, even after one has failed; then the test fails naming each backend it failed on, and why.
pub async fn on_each_empty_backend<F, Fut>(test: F)
where
    F: Fn(Db) -> Fut,
    Fut: Future<Output = ()>,
{
    run(false, test).await
}

async fn run<F, Fut>(migrated: bool, test: F)
where
    F: Fn(Db) -> Fut,
    Fut: Future<Output = ()>,
{
    let mut failures = Vec::new();
    for fresh in databases().await {
        let db = fresh.db.clone();
        let outcome = AssertUnwindSafe(async {
            if migrated {
                db.migrate().await.expect("the migrations apply");
            }
            test(db).await
        })
        .catch_unwind()
        .await;
        if let Err(panic) = outcome {
            failures.push(format!("on {}: {}", fresh.name, message(&*panic)));
        }
        fresh.remove().await;
    }
    if !failures.is_empty() {
        panic!("the contract does not hold\n  {}", failures.join("\n  "));
    }
}

/// Checks a property on `cases` values of `strategy`, one after another, inside a test running on a
/// backend: `check` gets each value with its run's number (to name what it writes apart from earlier
/// runs) and panics when the property fails. The failure is reported with its smallest value.
pub fn property<S, F, Fut>(cases: u32, strategy: S, check: F)
where
    S: Strategy,
    F: Fn(usize, S::Value) -> Fut,
    Fut: Future<Output = ()>,
{
    let runs = AtomicUsize::new(0);
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let handle = tokio::runtime::Handle::current();
    // proptest drives the cases itself, so each runs to its end on this thread, out of the runtime.
    let outcome = tokio::task::block_in_place(|| {
        runner.run(&strategy, |value| {
            handle.block_on(check(runs.fetch_add(1, Ordering::Relaxed), value));
            Ok(())
        })
    });
    if let Err(e) = outcome {
        panic!("{e}");
    }
}

fn message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = panic.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = panic.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic without a message".to_owned()
    }
}
