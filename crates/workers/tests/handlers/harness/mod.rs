//! What every handler test shares: a fresh database per backend, delivering an envelope the way the
//! bus does (prepare, then the handler and the inbox row in one transaction, then after_commit), and
//! the records the tests start from.

pub mod campaign;
pub mod state;
pub mod vendor;

use minicrm_bus::{Envelope, Handler};
use minicrm_domain::ingest::{parse_batch, Context, Record};
use minicrm_domain::{Batch, Currency, NewCustomer, Timestamp};
use minicrm_store::{customers, queue, Db, DbOptions};
use serde::Serialize;

pub use state::State;

/// A fresh, migrated database on one backend, and what removes it.
pub struct TestDb {
    pub db: Db,
    /// The SQLite file's folder, or the PostgreSQL server and database names.
    home: Home,
}

enum Home {
    Sqlite(tempfile::TempDir),
    Postgres { server: String, name: String },
}

impl TestDb {
    /// A new SQLite database in a folder of its own.
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let url = format!("sqlite://{}/data.db", dir.path().display());
        let db = Db::connect(&DbOptions::new(url))
            .await
            .expect("SQLite opens");
        db.migrate().await.expect("migrations apply");
        TestDb {
            db,
            home: Home::Sqlite(dir),
        }
    }

    /// A new database on the PostgreSQL server named by MINICRM_TEST_DATABASE_URL, if any.
    pub async fn postgres() -> Option<TestDb> {
        let server = std::env::var("MINICRM_TEST_DATABASE_URL").ok()?;
        let (url, name) = minicrm_store::scratch::create(&server, "minicrm_workers")
            .await
            .expect("a test database on MINICRM_TEST_DATABASE_URL");
        let db = Db::connect(&DbOptions::new(url))
            .await
            .expect("the test database opens");
        db.migrate().await.expect("migrations apply");
        Some(TestDb {
            db,
            home: Home::Postgres { server, name },
        })
    }

    /// Closes the database and removes it (a failed test leaves its database for a look).
    pub async fn remove(self) {
        self.db.close().await;
        match self.home {
            Home::Sqlite(dir) => dir.close().expect("the folder is removed"),
            Home::Postgres { server, name } => minicrm_store::scratch::drop(&server, &name)
                .await
                .expect("drop"),
        }
    }
}

/// Runs each named test (`async fn name(db: &Db)`) on SQLite, and on PostgreSQL when
/// MINICRM_TEST_DATABASE_URL names a server.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let test = $crate::harness::TestDb::sqlite().await;
                super::$name(&test.db).await;
                test.remove().await;
            })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let Some(test) = $crate::harness::TestDb::postgres().await else {
                    eprintln!("skipped: MINICRM_TEST_DATABASE_URL is not set");
                    return;
                };
                super::$name(&test.db).await;
                test.remove().await;
            })*
        }
    };
}

pub fn now() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Delivers `envelope` to `handler` as the bus does: `prepare`; then, in one transaction, the inbox
/// row and — unless the inbox has seen the id — `handle`; then `after_commit`. An error anywhere
/// rolls the transaction back, as a failed delivery does.
pub async fn deliver(db: &Db, handler: &dyn Handler, envelope: &Envelope) -> anyhow::Result<()> {
    handler.prepare(envelope).await?;
    let mut tx = db.begin().await?;
    if queue::mark_processed(&mut tx, &envelope.id, now()).await? {
        handler.handle(&mut tx, envelope).await?;
    }
    tx.commit().await?;
    handler.after_commit(envelope).await
}

/// Calls `handle` in a transaction of its own with no inbox: what the handler alone does with a
/// message (the bus forgets inbox entries in time; a repeat published under a new id has none).
pub async fn handle_alone(
    db: &Db,
    handler: &dyn Handler,
    envelope: &Envelope,
) -> anyhow::Result<()> {
    let mut tx = db.begin().await?;
    handler.handle(&mut tx, envelope).await?;
    tx.commit().await?;
    Ok(())
}

/// Delivers a poison envelope and checks that it was refused and changed nothing, not even the inbox.
pub async fn refused(db: &Db, handler: &dyn Handler, envelope: &Envelope) {
    let before = State::of(db).await;
    let outcome = deliver(db, handler, envelope).await;
    assert!(outcome.is_err(), "{envelope:?} was taken");
    assert_eq!(
        State::of(db).await,
        before,
        "{envelope:?} changed something"
    );
}

/// An envelope of `kind` v1 around `payload`, with a new id.
pub fn envelope(kind: &str, payload: &impl Serialize) -> Envelope {
    Envelope::new(kind, 1, payload).expect("the payload serialises")
}

/// Parses client rows (a JSON array, as the API takes them) into records.
pub fn records<T: Record>(rows: serde_json::Value) -> Vec<T> {
    let ctx = Context {
        now: Timestamp::now(),
        currency: Currency::parse("INR").expect("INR"),
    };
    parse_batch(rows.to_string().as_bytes(), &ctx).expect("valid rows")
}

/// An ingestion message of `kind` (`ingest.customers`, `ingest.orders`) carrying `rows`, under the
/// ingestion's id as the API publishes it.
pub fn ingestion<T: Record + Serialize>(kind: &str, rows: serde_json::Value) -> Envelope {
    let id = uuid::Uuid::now_v7().to_string();
    let batch = Batch::<T> {
        ingestion_id: id.clone(),
        api_key_id: None,
        request_hash: None,
        records: records(rows),
    };
    Envelope::with_id(id, kind, 1, &batch).expect("the batch serialises")
}

/// Stores customers straight away (`[{external_id, name, phone?, city?}]`); their ids, in order.
pub async fn customers(db: &Db, rows: serde_json::Value) -> Vec<i64> {
    let records: Vec<NewCustomer> = records(rows);
    let mut tx = db.begin().await.unwrap();
    customers::upsert(&mut tx, &records).await.unwrap();
    let ids: Vec<&str> = records.iter().map(|c| c.external_id.as_str()).collect();
    let found = customers::ids_by_external_id(&mut tx, &ids).await.unwrap();
    tx.commit().await.unwrap();
    ids.iter().map(|id| found[*id]).collect()
}
