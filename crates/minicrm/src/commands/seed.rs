//! `minicrm seed`: fill the database with deterministic demo data (see [`crate::seed`]) and print
//! what was made.

use crate::app::open_db;
use crate::config::SeedArgs;
use minicrm_domain::Timestamp;
use minicrm_store::DbOptions;

pub async fn run(db: &DbOptions, args: &SeedArgs) -> anyhow::Result<()> {
    let now = match &args.now {
        Some(t) => Timestamp::parse(t).map_err(|e| anyhow::anyhow!("--now: {e}"))?,
        None => Timestamp::now(),
    };
    let db = open_db(db).await?;
    let opts = crate::seed::SeedOptions {
        customers: args.customers,
        orders: args.orders,
        seed: args.seed,
        now_ms: now.millis(),
    };
    let report = crate::seed::run(&db, &opts).await?;
    println!("{report}");
    Ok(())
}
