//! Tests of the seed: determinism without a database, and consistency of what it writes.
use super::*;
use minicrm_store::{on_read, DbOptions};

/// 2026-01-01T00:00:00Z.
const NOW: i64 = 1_767_225_600_000;
const HALF_A_YEAR_MS: i64 = 183 * 24 * 3_600_000;

fn options(customers: u64, orders: u64, seed: u64) -> SeedOptions {
    SeedOptions {
        customers,
        orders,
        seed,
        now_ms: NOW,
    }
}

#[test]
fn the_same_seed_gives_the_same_data() {
    let opts = options(3_000, 15_000, 42);
    let first = chunk::generate(&opts, 0);
    assert_eq!(first, chunk::generate(&opts, 0));
    assert_eq!((first.customers.len(), first.orders.len()), (3_000, 15_000));
    assert_ne!(first, chunk::generate(&SeedOptions { seed: 43, ..opts }, 0));
    assert_ne!(
        first,
        chunk::generate(
            &SeedOptions {
                now_ms: NOW + 1,
                ..opts
            },
            0
        )
    );
}

#[test]
fn even_a_tiny_seed_places_every_order() {
    let chunk = chunk::generate(&options(1, 5, 9), 0);
    assert_eq!((chunk.customers.len(), chunk.orders.len()), (1, 5));
    assert!(check(&options(0, 1, 9)).is_err());
}

/// The single number a portable query returns.
async fn number(db: &Db, statement: &str, binds: &[i64]) -> i64 {
    on_read!(db, p => {
        let mut q = sqlx::query_scalar::<_, i64>(statement);
        for b in binds {
            q = q.bind(*b);
        }
        q.fetch_one(p).await
    })
    .expect(statement)
}

#[tokio::test]
async fn seeds_sqlite_with_consistent_data() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = format!("sqlite://{}", dir.path().join("seed.db").display());
    seeds_consistent_data(&url).await;
}

/// On a fresh PostgreSQL database when MINICRM_TEST_DATABASE_URL names a server (CI sets it).
#[tokio::test]
async fn seeds_postgres_with_consistent_data() {
    let Ok(server) = std::env::var("MINICRM_TEST_DATABASE_URL") else {
        eprintln!("skipped: MINICRM_TEST_DATABASE_URL is not set");
        return;
    };
    let name = format!("minicrm_test_{}", uuid::Uuid::new_v4().simple());
    let admin = Db::connect(&DbOptions::new(server.clone()))
        .await
        .expect("PostgreSQL");
    admin_statement(&admin, &format!("CREATE DATABASE {name}")).await;
    let base = server.rsplit_once('/').map_or(server.as_str(), |(b, _)| b);
    seeds_consistent_data(&format!("{base}/{name}")).await;
    admin_statement(&admin, &format!("DROP DATABASE {name}")).await;
    admin.close().await;
}

async fn admin_statement(admin: &Db, statement: &str) {
    on_read!(admin, p => sqlx::query(statement).execute(p).await.map(|r| r.rows_affected()))
        .expect(statement);
}

async fn seeds_consistent_data(url: &str) {
    let db = Db::connect(&DbOptions::new(url)).await.expect("open");
    db.migrate().await.expect("migrate");
    let opts = options(2_000, 10_000, 7);
    let indexes = number(&db, index_count(&db), &[]).await;

    let report = run(&db, &opts).await.expect("seed");

    assert_eq!((report.customers, report.orders), (2_000, 10_000));
    assert_eq!(
        number(&db, "SELECT COUNT(*) FROM orders", &[]).await,
        10_000
    );
    assert_eq!(
        number(&db, "SELECT COUNT(*) FROM order_items", &[]).await,
        report.items as i64
    );
    assert_eq!(
        number(&db, AGGREGATES_DIFFER, &[]).await,
        0,
        "aggregates match the completed orders"
    );
    assert_eq!(
        number(&db, ITEMS_DIFFER, &[]).await,
        0,
        "line items add up to their order"
    );
    assert_eq!(number(&db, CREATED_AFTER_FIRST_ORDER, &[]).await, 0);
    let never = number(&db, NEVER_ORDERED, &[]).await;
    assert!(
        (140..=260).contains(&never),
        "about a tenth never ordered: {never}"
    );
    let lapsed = number(
        &db,
        "SELECT COUNT(*) FROM customers WHERE last_order_at < $1",
        &[NOW - HALF_A_YEAR_MS],
    )
    .await;
    assert!(
        (400..=800).contains(&lapsed),
        "a share has lapsed: {lapsed}"
    );
    let evening = number(&db, MUMBAI_HOURS, &[19, 22]).await as f64
        / number(&db, MUMBAI_HOURS, &[0, 23]).await as f64;
    assert!(evening > 0.45, "Mumbai orders peak at 19-22 IST: {evening}");

    assert_eq!(
        number(&db, index_count(&db), &[]).await,
        indexes,
        "indexes rebuilt"
    );
    let again = run(&db, &opts).await.expect_err("a second seed is refused");
    assert!(again.to_string().contains("already holds"), "{again}");
    db.close().await;
}

fn index_count(db: &Db) -> &'static str {
    match db.backend() {
        minicrm_store::Backend::Sqlite => {
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' \
            AND tbl_name IN ('customers', 'orders', 'order_items')"
        }
        minicrm_store::Backend::Postgres => {
            "SELECT COUNT(*) FROM pg_indexes WHERE schemaname = \
            current_schema() AND tablename IN ('customers', 'orders', 'order_items')"
        }
    }
}

const AGGREGATES_DIFFER: &str = "SELECT COUNT(*) FROM customers c LEFT JOIN (SELECT customer_id, \
    SUM(amount) AS spend, COUNT(*) AS n, MIN(ordered_at) AS first_at, MAX(ordered_at) AS last_at \
    FROM orders WHERE status = 'completed' GROUP BY customer_id) o ON o.customer_id = c.id \
    WHERE c.total_spend <> COALESCE(o.spend, 0) OR c.order_count <> COALESCE(o.n, 0) \
    OR COALESCE(c.first_order_at, -1) <> COALESCE(o.first_at, -1) \
    OR COALESCE(c.last_order_at, -1) <> COALESCE(o.last_at, -1)";

const ITEMS_DIFFER: &str = "SELECT COUNT(*) FROM orders o JOIN (SELECT order_id, \
    SUM(price * quantity) AS total FROM order_items GROUP BY order_id) i ON i.order_id = o.id \
    WHERE i.total <> o.amount";

const CREATED_AFTER_FIRST_ORDER: &str = "SELECT COUNT(*) FROM customers c \
    WHERE c.created_at <> c.updated_at \
    OR c.created_at > (SELECT MIN(ordered_at) FROM orders o WHERE o.customer_id = c.id)";

const NEVER_ORDERED: &str = "SELECT COUNT(*) FROM customers c \
    WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id)";

/// Mumbai's orders placed between the IST hours `$1` and `$2` (inclusive).
const MUMBAI_HOURS: &str =
    "SELECT COUNT(*) FROM orders o JOIN customers c ON c.id = o.customer_id \
    WHERE c.city = 'Mumbai' AND ((o.ordered_at + 19800000) % 86400000) / 3600000 BETWEEN $1 AND $2";
