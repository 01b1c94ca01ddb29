//! minicrm's segment rule compiler: one typed rule tree becomes one SQL condition for SQLite or
//! PostgreSQL, built with sea-query so every value is bound and every column comes from the catalogue.
//! The same compiler counts a preview audience and, later, selects a campaign's recipients. Relative
//! times are computed when the query runs, from the `now` it is given.
#![forbid(unsafe_code)]

mod compile;
mod tables;

pub use compile::condition;

use minicrm_domain::rules::Group;
use minicrm_domain::Timestamp;
use minicrm_store::customers::{CustomerRow, COLUMNS};
use minicrm_store::{Db, StoreError};
use sea_query::{
    Asterisk, Expr, Func, Order, PostgresQueryBuilder, Query, SelectStatement, SqliteQueryBuilder,
};
use sea_query_binder::SqlxBinder;
use tables::Customers;

/// How many customers match `rules` now.
pub async fn count(db: &Db, rules: &Group, now: Timestamp) -> Result<i64, StoreError> {
    let query = |backend| {
        Query::select()
            .expr(Func::count(Expr::col(Asterisk)))
            .from(Customers::Table)
            .cond_where(condition(rules, backend, now))
            .to_owned()
    };
    Ok(match db {
        Db::Sqlite { read, .. } => {
            let parts = scan_parts(read, rules).await?;
            let counts = parts.into_iter().map(|range| {
                let mut q = query(minicrm_store::Backend::Sqlite);
                if let Some((first, last)) = range {
                    q.and_where(Expr::col(Customers::Id).between(first, last));
                }
                let (sql, values) = q.build_sqlx(SqliteQueryBuilder);
                async move {
                    sqlx::query_scalar_with::<_, i64, _>(&sql, values)
                        .fetch_one(read)
                        .await
                }
            });
            futures::future::try_join_all(counts).await?.iter().sum()
        }
        Db::Postgres(pool) => {
            let (sql, values) =
                query(minicrm_store::Backend::Postgres).build_sqlx(PostgresQueryBuilder);
            sqlx::query_scalar_with(&sql, values)
                .fetch_one(pool)
                .await?
        }
    })
}

/// Customers from which a SQLite count is split across readers.
const SPLIT_FROM: i64 = 200_000;

/// SQLite runs a statement on one core, where PostgreSQL plans parallel scans itself: a count that
/// scans a large customers table is split into id ranges counted at once on separate readers, one per
/// core. Rules with sub-queries (order windows, bought) are not split, since each part would repeat the
/// sub-query. `[None]`: one count over everything.
async fn scan_parts(
    read: &sqlx::SqlitePool,
    rules: &Group,
) -> Result<Vec<Option<(i64, i64)>>, StoreError> {
    let cores = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4) as i64;
    if cores < 2 || compile::has_subquery(rules) {
        return Ok(vec![None]);
    }
    let (first, last): (Option<i64>, Option<i64>) =
        // Two sub-queries: SQLite reads MIN or MAX alone off the primary key, but scans for both.
        sqlx::query_as("SELECT (SELECT MIN(id) FROM customers), (SELECT MAX(id) FROM customers)")
            .fetch_one(read)
            .await?;
    let (Some(first), Some(last)) = (first, last) else {
        return Ok(vec![None]);
    };
    let span = last - first + 1;
    if span < SPLIT_FROM {
        return Ok(vec![None]);
    }
    let step = (span + cores - 1) / cores;
    Ok((0..cores)
        .map(|i| Some((first + i * step, (first + (i + 1) * step - 1).min(last))))
        .collect())
}

/// Up to `limit` matching customers, newest first.
pub async fn sample(
    db: &Db,
    rules: &Group,
    now: Timestamp,
    limit: u64,
) -> Result<Vec<CustomerRow>, StoreError> {
    let query = |backend| -> SelectStatement {
        let mut q = Query::select();
        for column in COLUMNS.split(',') {
            q.column(sea_query::Alias::new(column.trim()));
        }
        q.from(Customers::Table)
            .cond_where(condition(rules, backend, now))
            .order_by(Customers::Id, Order::Desc)
            .limit(limit)
            .to_owned()
    };
    fetch_all(db, query).await
}

/// The ids of the customers matching `rules` now, in id order, read in the caller's transaction: a
/// campaign's audience, fixed at launch.
pub async fn audience(
    tx: &mut minicrm_store::Tx,
    rules: &Group,
    now: Timestamp,
) -> Result<Vec<i64>, StoreError> {
    let query = |backend| {
        Query::select()
            .column(Customers::Id)
            .from(Customers::Table)
            .cond_where(condition(rules, backend, now))
            .order_by(Customers::Id, Order::Asc)
            .to_owned()
    };
    Ok(match tx {
        minicrm_store::Tx::Sqlite(t) => {
            let (sql, values) =
                query(minicrm_store::Backend::Sqlite).build_sqlx(SqliteQueryBuilder);
            sqlx::query_scalar_with(&sql, values)
                .fetch_all(&mut **t)
                .await?
        }
        minicrm_store::Tx::Postgres(t) => {
            let (sql, values) =
                query(minicrm_store::Backend::Postgres).build_sqlx(PostgresQueryBuilder);
            sqlx::query_scalar_with(&sql, values)
                .fetch_all(&mut **t)
                .await?
        }
    })
}

/// Completed orders since `since_ms` by hour of the week in a time zone: `(slot, orders)` where slot is
/// `((ordered_at / 1000 + offset_secs) / 3600) % 168`, hours counted from Thursday 00:00 (the epoch's
/// weekday) in that zone. Of the customers matching `rules`, or of everyone.
pub async fn order_slots(
    db: &Db,
    rules: Option<&Group>,
    now: Timestamp,
    since_ms: i64,
    offset_secs: i64,
) -> Result<Vec<(i64, i64)>, StoreError> {
    use sea_query::{Alias, BinOper};
    use tables::Orders;
    let query = |backend| {
        let slot = Expr::col((Orders::Table, Orders::OrderedAt))
            .div(1000)
            .add(offset_secs)
            .div(3600)
            .binary(BinOper::Mod, 168);
        let mut q = Query::select();
        q.expr_as(slot, Alias::new("slot"))
            .expr(Func::count(Expr::col(Asterisk)))
            .from(Orders::Table)
            .and_where(Expr::col((Orders::Table, Orders::Status)).eq("completed"))
            .and_where(Expr::col((Orders::Table, Orders::OrderedAt)).gte(since_ms))
            .group_by_col(Alias::new("slot"));
        if let Some(rules) = rules {
            q.and_where(
                Expr::col((Orders::Table, Orders::CustomerId)).in_subquery(
                    Query::select()
                        .column(Customers::Id)
                        .from(Customers::Table)
                        .cond_where(condition(rules, backend, now))
                        .to_owned(),
                ),
            );
        }
        q.to_owned()
    };
    fetch_all(db, query).await
}

/// Runs a select built for the database's backend on its readers, every row read as `T`.
async fn fetch_all<T>(
    db: &Db,
    query: impl Fn(minicrm_store::Backend) -> SelectStatement,
) -> Result<Vec<T>, StoreError>
where
    T: Send
        + Unpin
        + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
{
    Ok(match db {
        Db::Sqlite { read, .. } => {
            let (sql, values) =
                query(minicrm_store::Backend::Sqlite).build_sqlx(SqliteQueryBuilder);
            sqlx::query_as_with(&sql, values).fetch_all(read).await?
        }
        Db::Postgres(pool) => {
            let (sql, values) =
                query(minicrm_store::Backend::Postgres).build_sqlx(PostgresQueryBuilder);
            sqlx::query_as_with(&sql, values).fetch_all(pool).await?
        }
    })
}
