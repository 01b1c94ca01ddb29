//! `minicrm bench delivery`: a campaign to every customer of a seeded database, through the vendor
//! simulator, timed from the request that creates it until every receipt is applied; with the peak
//! resident memory of the server.

use super::{server, BenchBackend};
use minicrm_domain::Scope;
use minicrm_store::api_keys;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

#[derive(clap::Args, Debug, Clone)]
pub struct DeliveryArgs {
    #[arg(long, value_enum, default_value = "sqlite")]
    pub backend: BenchBackend,
    /// Customers seeded; the campaign goes to all of them.
    #[arg(long, default_value_t = 1_000_000)]
    pub customers: u64,
    /// The simulator's receipt delay in milliseconds, MIN-MAX or one number.
    #[arg(long, default_value = "0")]
    pub latency_ms: String,
    /// Campaigns run one after another on the same data; the median is reported.
    #[arg(long, default_value_t = 1)]
    pub runs: usize,
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    pub postgres_url: String,
    #[arg(long, default_value = "amqp://guest:guest@127.0.0.1:5672/%2f")]
    pub amqp_url: String,
}

pub async fn run(args: &DeliveryArgs) -> anyhow::Result<()> {
    let (target, db, now, seeded) = server::seeded_target(
        args.backend,
        &args.postgres_url,
        Some(&args.amqp_url),
        args.customers,
        args.customers,
    )
    .await?;
    println!(
        "bench delivery: backend {:?}; latency {} ms; {seeded}",
        args.backend, args.latency_ms,
    );
    let (_, key) = api_keys::create(&db, "bench", &[Scope::Admin], "bench", now.millis()).await?;
    db.close().await;
    let vendor_port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let env = [
        ("MINICRM_VENDOR_LATENCY_MS", args.latency_ms.clone()),
        ("MINICRM_VENDOR_BIND", format!("127.0.0.1:{vendor_port}")),
    ];
    let api = server::start_with(&target, "serve", &env).await?;
    let client = reqwest::Client::new();
    let mut seconds = Vec::new();
    for run in 0..args.runs.max(1) {
        let started = Instant::now();
        let created: Value = client
            .post(format!("{}/api/v1/campaigns", api.base))
            .bearer_auth(&key)
            .json(&json!({"name": format!("bench {run}"), "channel": "sms",
                "rules": {"combinator": "and", "rules": [{"field": "order_count", "operator": ">=", "value": 0}]},
                "message": "Hi {{first_name | default: \"there\"}}, {{city | default: \"your city\"}} has a sale for you!"}))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let id = created["id"].as_str().unwrap_or_default().to_owned();
        let mut last_report = Instant::now();
        let done = loop {
            tokio::time::sleep(Duration::from_millis(200)).await;
            // The history list carries the stats without the detail's failures-by-reason scan.
            let page: Value = client
                .get(format!("{}/api/v1/campaigns?limit=1", api.base))
                .bearer_auth(&key)
                .send()
                .await?
                .json()
                .await?;
            let c = page["items"][0].clone();
            anyhow::ensure!(c["id"] == id.as_str(), "another campaign is newer: {page}");
            if c["status"] != "running" && c["status"] != "scheduled" {
                break c;
            }
            if last_report.elapsed() >= Duration::from_secs(5) {
                last_report = Instant::now();
                let s = &c["stats"];
                println!(
                    "  {:>5.1} s: written {} of {}, queued {}, sent {}, delivered {}, failed {}; RSS {:.0} MiB",
                    started.elapsed().as_secs_f64(),
                    s["queued"].as_i64().unwrap_or(0) + s["sent"].as_i64().unwrap_or(0)
                        + s["delivered"].as_i64().unwrap_or(0) + s["failed"].as_i64().unwrap_or(0),
                    s["audience"],
                    s["queued"],
                    s["sent"],
                    s["delivered"],
                    s["failed"],
                    api.peak_rss_mib().unwrap_or(f64::NAN)
                );
            }
        };
        let elapsed = started.elapsed().as_secs_f64();
        let stats = &done["stats"];
        let audience = stats["audience"].as_f64().unwrap_or(0.0);
        println!(
            "run {}: {} in {elapsed:.1} s ({:.0} messages/s); delivered {}, failed {}, rate {:.3}",
            run + 1,
            done["status"],
            audience / elapsed,
            stats["delivered"],
            stats["failed"],
            stats["delivery_rate"].as_f64().unwrap_or(0.0)
        );
        anyhow::ensure!(
            done["status"] == "completed",
            "the campaign ended {}",
            done["status"]
        );
        seconds.push(elapsed);
    }
    let median = super::median(&mut seconds);
    println!(
        "delivery: {} recipients, median {median:.1} s ({:.0} messages/s) from creation to the last receipt; \
         server peak RSS {:.0} MiB",
        args.customers,
        args.customers as f64 / median,
        api.peak_rss_mib().unwrap_or(f64::NAN)
    );
    api.stop().await;
    Ok(())
}
