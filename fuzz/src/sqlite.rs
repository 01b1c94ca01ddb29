//! An in-memory SQLite database with minicrm's schema (the store's own migrations, read from
//! `crates/store/migrations/sqlite`), loaded with the reference evaluator's customers, and the count of
//! a compiled rule over it.

use crate::evaluator::Customer;
use minicrm_domain::rules::Group;
use minicrm_domain::Timestamp;
use minicrm_store::Backend;
use rusqlite::{params, Connection};
use sea_query::{Alias, Asterisk, Expr, Func, Query, SqliteQueryBuilder};

const MIGRATIONS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../crates/store/migrations/sqlite"
);

pub struct Fixture {
    conn: Connection,
}

impl Default for Fixture {
    fn default() -> Self {
        Self::new()
    }
}

impl Fixture {
    /// A fresh database with every migration applied, in file-name order.
    pub fn new() -> Self {
        let conn = Connection::open_in_memory().expect("an in-memory database opens");
        let mut files: Vec<_> = std::fs::read_dir(MIGRATIONS)
            .expect("the store's SQLite migrations are readable")
            .map(|e| e.expect("a directory entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "sql"))
            .collect();
        files.sort();
        for file in files {
            let sql = std::fs::read_to_string(&file).expect("a migration is readable");
            conn.execute_batch(&sql)
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        }
        Self { conn }
    }

    /// Replaces every customer and order with `people`; aggregates as the evaluator defines them.
    pub fn load(&mut self, people: &[Customer]) {
        let tx = self.conn.transaction().expect("a transaction begins");
        for table in ["order_items", "orders", "customers"] {
            tx.prepare_cached(&format!("DELETE FROM {table}"))
                .and_then(|mut s| s.execute([]))
                .expect("a table empties");
        }
        for (i, p) in people.iter().enumerate() {
            insert_customer(&tx, i as i64 + 1, p);
        }
        tx.commit().expect("the load commits");
    }

    /// The customers `group` selects, counted by the compiled SQL.
    pub fn count(&self, group: &Group, now: Timestamp) -> i64 {
        let (sql, values) = Query::select()
            .expr(Func::count(Expr::col(Asterisk)))
            .from(Alias::new("customers"))
            .cond_where(minicrm_audience::condition(group, Backend::Sqlite, now))
            .build(SqliteQueryBuilder);
        let params: Vec<rusqlite::types::Value> = values.0.into_iter().map(to_sqlite).collect();
        let mut statement = self
            .conn
            .prepare_cached(&sql)
            .unwrap_or_else(|e| panic!("SQLite refuses the compiled SQL: {e}\n{sql}"));
        statement
            .query_row(rusqlite::params_from_iter(params), |row| row.get(0))
            .unwrap_or_else(|e| panic!("the compiled SQL fails on SQLite: {e}\n{sql}"))
    }
}

fn insert_customer(tx: &rusqlite::Transaction<'_>, id: i64, p: &Customer) {
    let completed: Vec<_> = p.orders.iter().filter(|o| o.completed).collect();
    let spend: i64 = completed.iter().map(|o| o.amount).sum();
    let attributes = match &p.tier {
        Some(tier) => serde_json::json!({ "tier": tier }).to_string(),
        None => "{}".to_owned(),
    };
    tx.prepare_cached(
        "INSERT INTO customers (id, external_id, name, email, phone, city, attributes, created_at,
             updated_at, total_spend, order_count, first_order_at, last_order_at)
         VALUES (?1, ?2, ?3, ?4, NULL, ?5, ?6, ?7, ?7, ?8, ?9, ?10, ?11)",
    )
    .and_then(|mut s| {
        s.execute(params![
            id,
            format!("C{id}"),
            p.name,
            p.email,
            p.city,
            attributes,
            p.created_at,
            spend,
            completed.len() as i64,
            completed.iter().map(|o| o.ordered_at).min(),
            completed.iter().map(|o| o.ordered_at).max(),
        ])
    })
    .expect("a customer inserts");
    for (k, o) in p.orders.iter().enumerate() {
        tx.prepare_cached(
            "INSERT INTO orders (external_id, customer_id, customer_external_id, amount, currency,
                 status, ordered_at) VALUES (?1, ?2, ?3, ?4, 'INR', ?5, ?6)",
        )
        .and_then(|mut s| {
            s.execute(params![
                format!("O{id}-{k}"),
                id,
                format!("C{id}"),
                o.amount,
                if o.completed {
                    "completed"
                } else {
                    "cancelled"
                },
                o.ordered_at,
            ])
        })
        .expect("an order inserts");
        tx.prepare_cached(
            "INSERT INTO order_items (order_id, sku, name, category, quantity, price)
             VALUES (last_insert_rowid(), ?1, 'item', ?2, 1, ?3)",
        )
        .and_then(|mut s| s.execute(params![o.sku, o.category, o.amount]))
        .expect("a line inserts");
    }
}

/// sea-query's bound values as rusqlite's. The compiler binds only these kinds.
fn to_sqlite(value: sea_query::Value) -> rusqlite::types::Value {
    use rusqlite::types::Value as V;
    use sea_query::Value as Q;
    let int = |v: Option<i64>| v.map_or(V::Null, V::Integer);
    match value {
        Q::Bool(v) => int(v.map(i64::from)),
        Q::TinyInt(v) => int(v.map(i64::from)),
        Q::SmallInt(v) => int(v.map(i64::from)),
        Q::Int(v) => int(v.map(i64::from)),
        Q::BigInt(v) => int(v),
        Q::TinyUnsigned(v) => int(v.map(i64::from)),
        Q::SmallUnsigned(v) => int(v.map(i64::from)),
        Q::Unsigned(v) => int(v.map(i64::from)),
        Q::String(v) => v.map_or(V::Null, |s| V::Text(*s)),
        other => panic!("the compiler bound a value the harness does not know: {other:?}"),
    }
}
