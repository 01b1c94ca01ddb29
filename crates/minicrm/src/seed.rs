//! `minicrm seed`: realistic, deterministic demo data. Indian customers in ~20 cities, two years of
//! orders whose hours and weekdays follow each city's own rhythm (so send-time recommendations have
//! real peaks to find), long-tailed rupee amounts, some line items, lapsed and never-ordering
//! customers, and aggregates that match the orders exactly.
//!
//! The data is made in chunks of customers (with their orders), each written in one transaction while
//! the next is generated on a blocking thread, so memory stays bounded at any size.

mod basket;
mod chunk;
mod people;
mod rhythm;
mod sample;
mod tables;

use anyhow::Context;
use minicrm_store::seed::{self as store, DroppedIndexes};
use minicrm_store::{customers, orders, Db};
use std::fmt;
use std::time::{Duration, Instant};
use tokio::task::JoinHandle;

/// What to generate. The same options give the same data, row for row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedOptions {
    pub customers: u64,
    /// Orders in total, spread over the customers (about a tenth of whom never order).
    pub orders: u64,
    /// The random seed.
    pub seed: u64,
    /// "Now" for the data, in milliseconds since the epoch: orders fall in the two years before it.
    pub now_ms: i64,
}

/// What a seed run wrote, and how long it took.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub customers: u64,
    pub orders: u64,
    pub items: u64,
    pub elapsed: Duration,
}

impl SeedReport {
    fn add(&mut self, written: &SeedReport) {
        self.customers += written.customers;
        self.orders += written.orders;
        self.items += written.items;
    }
}

impl fmt::Display for SeedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "seeded {} customers and {} orders ({} line items) in {:.1}s",
            self.customers,
            self.orders,
            self.items,
            self.elapsed.as_secs_f64()
        )
    }
}

/// Fills an empty database with `opts.customers` customers and `opts.orders` orders.
///
/// It refuses a database that already holds customers or orders: the seed's external ids
/// (`C0000001`, `O00000001`, …) would collide with an earlier seed's, and mixing demo data into real
/// data is never what anyone wants.
///
/// It loads in bulk: the plain indexes of the seeded tables are dropped first and built again at the
/// end (also when writing fails), which halves a large seed; then the planner's statistics are taken. Each chunk commits on its own, so a
/// run that dies half-way (killed, or the machine stops) leaves the chunks before it and no plain
/// indexes on those tables: seed again into a fresh database rather than using that one.
#[tracing::instrument(skip_all, fields(customers = opts.customers, orders = opts.orders, seed = opts.seed), err)]
pub async fn run(db: &Db, opts: &SeedOptions) -> anyhow::Result<SeedReport> {
    let started = Instant::now();
    check(opts)?;
    ensure_empty(db).await?;
    let dropped = drop_indexes(db).await?;
    let written = write_all(db, opts).await;
    let rebuilt = rebuild_indexes(db, &dropped).await;
    if let (Err(_), Err(e)) = (&written, &rebuilt) {
        tracing::error!(error = format!("{e:#}"), "after a failed seed");
    }
    let mut report = written?;
    rebuilt?;
    store::refresh_statistics(db).await?;
    report.elapsed = started.elapsed();
    Ok(report)
}

/// Generates the chunks one ahead of the writer and writes each in its own transaction.
async fn write_all(db: &Db, opts: &SeedOptions) -> anyhow::Result<SeedReport> {
    let chunks = chunk::count(opts);
    let mut report = SeedReport::default();
    let mut next = (chunks > 0).then(|| spawn_chunk(*opts, 0));
    for index in 0..chunks {
        let handle = next.take().context("the seed generator lost a chunk")?;
        let chunk = handle.await.context("the seed generator failed")?;
        next = (index + 1 < chunks).then(|| spawn_chunk(*opts, index + 1));
        report.add(&write(db, &chunk).await?);
        tracing::info!(
            chunk = index + 1,
            of = chunks,
            customers = report.customers,
            orders = report.orders,
            "seeded"
        );
    }
    Ok(report)
}

fn check(opts: &SeedOptions) -> anyhow::Result<()> {
    if opts.customers == 0 && opts.orders > 0 {
        anyhow::bail!("cannot seed {} orders without customers", opts.orders);
    }
    Ok(())
}

async fn ensure_empty(db: &Db) -> anyhow::Result<()> {
    let (customers, orders) = (customers::count(db).await?, orders::count(db).await?);
    if customers > 0 || orders > 0 {
        anyhow::bail!(
            "the database already holds {customers} customers and {orders} orders; \
             seed only into an empty database (point DATABASE_URL at a new one)"
        );
    }
    Ok(())
}

async fn drop_indexes(db: &Db) -> anyhow::Result<DroppedIndexes> {
    let mut tx = db.begin().await?;
    let dropped = store::drop_secondary_indexes(&mut tx).await?;
    tx.commit().await?;
    Ok(dropped)
}

async fn rebuild_indexes(db: &Db, dropped: &DroppedIndexes) -> anyhow::Result<()> {
    tracing::info!(indexes = dropped.len(), "rebuilding indexes");
    let rebuild = async {
        let mut tx = db.begin().await?;
        store::create_indexes(&mut tx, dropped).await?;
        tx.commit().await
    };
    rebuild.await.with_context(|| {
        let names: Vec<&str> = dropped.names().collect();
        format!(
            "could not rebuild the indexes {} after seeding",
            names.join(", ")
        )
    })
}

/// Generates a chunk off the async threads: it is pure CPU work.
fn spawn_chunk(opts: SeedOptions, index: u64) -> JoinHandle<chunk::Chunk> {
    tokio::task::spawn_blocking(move || chunk::generate(&opts, index))
}

/// Writes one chunk in one transaction; returns what it wrote.
async fn write(db: &Db, chunk: &chunk::Chunk) -> anyhow::Result<SeedReport> {
    let mut tx = db.begin().await?;
    let customers = store::insert_customers(&mut tx, &chunk.customers).await?;
    let (orders, items) = store::insert_orders(&mut tx, &chunk.orders).await?;
    tx.commit().await?;
    Ok(SeedReport {
        customers,
        orders,
        items,
        elapsed: Duration::ZERO,
    })
}

#[cfg(test)]
mod tests;
