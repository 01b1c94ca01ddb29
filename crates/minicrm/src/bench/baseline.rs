//! The baseline of `bench ingest`: the same orders written straight into a fresh database of the same
//! backend by the plainest fast means — one transaction, one prepared statement executed per row — and
//! the aggregates computed by one UPDATE at the end.

use super::{data, server, BenchBackend, IngestArgs};
use crate::app::open_db;
use minicrm_domain::ingest::{parse_batch, Context, MAX_BATCH};
use minicrm_domain::{Currency, NewCustomer, Timestamp};
use minicrm_store::{customers, on_read, DbOptions};
use std::collections::HashMap;
use std::time::Instant;

pub struct Timing {
    pub insert_seconds: f64,
    pub aggregate_seconds: f64,
}

impl Timing {
    pub fn total(&self) -> f64 {
        self.insert_seconds + self.aggregate_seconds
    }
}

const INSERT: &str = "INSERT INTO orders (external_id, customer_id, customer_external_id, amount, currency, status, ordered_at) \
    VALUES ($1, $2, $3, $4, 'INR', 'completed', $5)";
const AGGREGATE: &str = "UPDATE customers SET total_spend = a.s, order_count = a.n, first_order_at = a.f, last_order_at = a.l \
    FROM (SELECT customer_id, SUM(amount) AS s, COUNT(*) AS n, MIN(ordered_at) AS f, MAX(ordered_at) AS l \
          FROM orders GROUP BY customer_id) AS a WHERE customers.id = a.customer_id";

pub async fn run(args: &IngestArgs, orders: &[data::Order]) -> anyhow::Result<Timing> {
    let target =
        server::fresh_target(args.backend, &args.postgres_url, Some(&args.amqp_url)).await?;
    let ids = prepare_customers(&target.database_url, args.customers).await?;
    match args.backend {
        BenchBackend::Sqlite => sqlite(&target.database_url, orders, &ids),
        BenchBackend::Postgres => postgres(&target.database_url, orders, &ids).await,
    }
}

/// Creates the schema and the customers (not timed); returns their ids by index.
async fn prepare_customers(url: &str, n: usize) -> anyhow::Result<Vec<i64>> {
    let db = open_db(&DbOptions::new(url)).await?;
    let ctx = Context {
        now: Timestamp::now(),
        currency: Currency::INR,
    };
    for chunk in data::customers(n).chunks(MAX_BATCH) {
        let records = parse_batch::<NewCustomer>(&serde_json::to_vec(chunk)?, &ctx)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let mut tx = db.begin().await?;
        customers::upsert(&mut tx, &records).await?;
        tx.commit().await?;
    }
    let rows: Vec<(String, i64)> = on_read!(&db, p => sqlx::query_as("SELECT external_id, id FROM customers").fetch_all(p).await)?;
    let by_ext: HashMap<String, i64> = rows.into_iter().collect();
    db.close().await;
    Ok((0..n).map(|i| by_ext[&data::customer_id(i)]).collect())
}

fn sqlite(url: &str, orders: &[data::Order], ids: &[i64]) -> anyhow::Result<Timing> {
    let path = url.trim_start_matches("sqlite://");
    let mut conn = rusqlite::Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    let started = Instant::now();
    let tx = conn.transaction()?;
    {
        let mut insert = tx.prepare(&INSERT.replace('$', "?"))?;
        for o in orders {
            insert.execute(rusqlite::params![
                o.external_id,
                ids[o.customer],
                data::customer_id(o.customer),
                o.amount,
                o.ordered_at
            ])?;
        }
    }
    let insert_seconds = started.elapsed().as_secs_f64();
    tx.execute(AGGREGATE, [])?;
    tx.commit()?;
    Ok(Timing {
        insert_seconds,
        aggregate_seconds: started.elapsed().as_secs_f64() - insert_seconds,
    })
}

async fn postgres(url: &str, orders: &[data::Order], ids: &[i64]) -> anyhow::Result<Timing> {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(url).await?;
    let started = Instant::now();
    let mut tx = conn.begin().await?;
    for o in orders {
        sqlx::query(INSERT)
            .bind(&o.external_id)
            .bind(ids[o.customer])
            .bind(data::customer_id(o.customer))
            .bind(o.amount)
            .bind(o.ordered_at)
            .execute(&mut *tx)
            .await?;
    }
    let insert_seconds = started.elapsed().as_secs_f64();
    sqlx::query(AGGREGATE).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(Timing {
        insert_seconds,
        aggregate_seconds: started.elapsed().as_secs_f64() - insert_seconds,
    })
}
