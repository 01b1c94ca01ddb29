//! `minicrm bench ingest`: customers, then orders, over HTTP in batches until every aggregate is
//! persisted; the server's peak memory; and the same orders inserted by the plainest fast means.

use super::{baseline, data, median, server, IngestArgs};
use crate::app::open_db;
use anyhow::Context;
use futures::{StreamExt, TryStreamExt};
use minicrm_domain::Scope;
use minicrm_store::{api_keys, ingestions, on_read, Db, DbOptions};
use std::time::{Duration, Instant};

struct RunResult {
    orders_per_sec: f64,
    seconds: f64,
    accept_seconds: f64,
    customers_seconds: f64,
    peak_rss_mib: f64,
    baseline: Option<baseline::Timing>,
}

pub async fn run(args: &IngestArgs) -> anyhow::Result<()> {
    println!(
        "bench ingest: backend {:?}, {} customers, {} orders, batches of {}, {} requests in flight, {} run(s)",
        args.backend, args.customers, args.orders, args.batch, args.concurrency, args.runs
    );
    let mut results = Vec::new();
    for run in 1..=args.runs.max(1) {
        let r = one_run(args).await.with_context(|| format!("run {run}"))?;
        println!(
            "run {run}: {:.0} orders/s ({:.2} s to persist every aggregate; all accepted after {:.2} s); customers {:.2} s; peak RSS {:.0} MiB{}",
            r.orders_per_sec, r.seconds, r.accept_seconds, r.customers_seconds, r.peak_rss_mib,
            r.baseline.as_ref().map_or(String::new(), |b| format!("; baseline {:.2} s insert + {:.2} s aggregates = {:.2} s, ratio {:.2}x",
                b.insert_seconds, b.aggregate_seconds, b.total(), r.seconds / b.total()))
        );
        results.push(r);
    }
    let mut rates: Vec<f64> = results.iter().map(|r| r.orders_per_sec).collect();
    let mut rss: Vec<f64> = results.iter().map(|r| r.peak_rss_mib).collect();
    let mut ratios: Vec<f64> = results
        .iter()
        .filter_map(|r| r.baseline.as_ref().map(|b| r.seconds / b.total()))
        .collect();
    println!(
        "median: {:.0} orders/s, peak RSS {:.0} MiB, ratio to baseline {:.2}x",
        median(&mut rates),
        median(&mut rss),
        median(&mut ratios)
    );
    Ok(())
}

/// A fresh database, migrated, with an ingest key.
async fn prepare(args: &IngestArgs) -> anyhow::Result<(server::Target, Db, String)> {
    let target =
        server::fresh_target(args.backend, &args.postgres_url, Some(&args.amqp_url)).await?;
    let db = open_db(&DbOptions::new(&target.database_url)).await?;
    let now = chrono::Utc::now().timestamp_millis();
    let (_, key) = api_keys::create(&db, "bench", &[Scope::Ingest], "bench", now).await?;
    Ok((target, db, key))
}

async fn one_run(args: &IngestArgs) -> anyhow::Result<RunResult> {
    let (target, db, key) = prepare(args).await?;
    let mut server = server::start(&target, "serve").await?;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency)
        .build()?;

    let customer_bodies = data::bodies(&data::customers(args.customers), args.batch);
    let started = Instant::now();
    send_all(
        &client,
        &server.base,
        "customers",
        &key,
        customer_bodies,
        args.concurrency,
    )
    .await?;
    wait_until_persisted(&db, args.customers.div_ceil(args.batch), &mut server).await?;
    let customers_seconds = started.elapsed().as_secs_f64();

    let orders = data::orders(args.orders, args.customers, 42);
    let json: Vec<_> = orders.iter().map(data::order_json).collect();
    let order_bodies = data::bodies(&json, args.batch);
    drop(json);
    let started = Instant::now();
    send_all(
        &client,
        &server.base,
        "orders",
        &key,
        order_bodies,
        args.concurrency,
    )
    .await?;
    let accept_seconds = started.elapsed().as_secs_f64();
    wait_until_persisted(
        &db,
        args.customers.div_ceil(args.batch) + args.orders.div_ceil(args.batch),
        &mut server,
    )
    .await?;
    let seconds = started.elapsed().as_secs_f64();
    let peak_rss_mib = server.peak_rss_mib().unwrap_or(f64::NAN);
    server.stop().await;
    verify(&db, &orders).await?;
    db.close().await;

    if args.drain {
        let (rate, queued) = drain(args, &orders).await?;
        println!("worker alone: {rate:.0} orders/s draining {queued} queued orders");
    }
    let baseline = match args.no_baseline {
        true => None,
        false => Some(baseline::run(args, &orders).await?),
    };
    Ok(RunResult {
        orders_per_sec: args.orders as f64 / seconds,
        seconds,
        accept_seconds,
        customers_seconds,
        peak_rss_mib,
        baseline,
    })
}

/// Queues every order with only the API running, then times a worker persisting them.
async fn drain(args: &IngestArgs, orders: &[data::Order]) -> anyhow::Result<(f64, usize)> {
    let (target, db, key) = prepare(args).await?;
    let api = server::start(&target, "api").await?;
    let client = reqwest::Client::new();
    send_all(
        &client,
        &api.base,
        "customers",
        &key,
        data::bodies(&data::customers(args.customers), args.batch),
        args.concurrency,
    )
    .await?;
    let mut worker = server::start(&target, "worker").await?;
    wait_until_persisted(&db, args.customers.div_ceil(args.batch), &mut worker).await?;
    worker.stop().await;
    let json: Vec<_> = orders.iter().map(data::order_json).collect();
    send_all(
        &client,
        &api.base,
        "orders",
        &key,
        data::bodies(&json, args.batch),
        args.concurrency,
    )
    .await?;
    api.stop().await;
    let started = Instant::now();
    let mut worker = server::start(&target, "worker").await?;
    wait_until_persisted(
        &db,
        args.customers.div_ceil(args.batch) + args.orders.div_ceil(args.batch),
        &mut worker,
    )
    .await?;
    let seconds = started.elapsed().as_secs_f64();
    worker.stop().await;
    verify(&db, orders).await?;
    db.close().await;
    Ok((orders.len() as f64 / seconds, orders.len()))
}

async fn send_all(
    client: &reqwest::Client,
    base: &str,
    kind: &str,
    key: &str,
    bodies: Vec<Vec<u8>>,
    concurrency: usize,
) -> anyhow::Result<()> {
    let url = format!("{base}/api/v1/{kind}");
    futures::stream::iter(bodies)
        .map(|body| post(client, &url, key, body))
        .buffer_unordered(concurrency.max(1))
        .try_collect::<Vec<()>>()
        .await?;
    Ok(())
}

/// Posts one batch, sending it again while the server answers 503 (the bus was not available).
async fn post(client: &reqwest::Client, url: &str, key: &str, body: Vec<u8>) -> anyhow::Result<()> {
    for _ in 0..100 {
        let response = client
            .post(url)
            .bearer_auth(key)
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await?;
        match response.status().as_u16() {
            202 => return Ok(()),
            503 => tokio::time::sleep(Duration::from_millis(200)).await,
            other => anyhow::bail!(
                "{url} answered {other}: {}",
                response.text().await.unwrap_or_default()
            ),
        }
    }
    anyhow::bail!("{url} kept refusing a batch")
}

/// Waits until `batches` ingestions are completed in the data database (an ingestion reaches it only
/// when a consumer takes its message, so counting what is unfinished there would stop too early).
async fn wait_until_persisted(
    db: &Db,
    batches: usize,
    server: &mut server::Server,
) -> anyhow::Result<()> {
    while ingestions::completed(db).await? < batches as i64 {
        server.ensure_running()?;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(())
}

/// Checks that the aggregates account for every order exactly once.
async fn verify(db: &Db, orders: &[data::Order]) -> anyhow::Result<()> {
    let (count, spend): (Option<i64>, Option<i64>) = on_read!(db, p => sqlx::query_as(
        "SELECT CAST(SUM(order_count) AS BIGINT), CAST(SUM(total_spend) AS BIGINT) FROM customers").fetch_one(p).await)?;
    let expected_spend: i64 = orders.iter().map(|o| o.amount).sum();
    anyhow::ensure!(
        count == Some(orders.len() as i64),
        "order_count sums to {count:?}, not {}",
        orders.len()
    );
    anyhow::ensure!(
        spend == Some(expected_spend),
        "total_spend sums to {spend:?}, not {expected_spend}"
    );
    Ok(())
}
