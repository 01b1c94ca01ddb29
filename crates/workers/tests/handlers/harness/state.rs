//! `State`: everything a consumer may change, read back as text, so a test can say "this changed
//! nothing" by comparing two readings.

use minicrm_store::{on_read, Db};

/// Each table a consumer writes, as one text line per row, in a stable order.
const VIEWS: [(&str, &str); 9] = [
    (
        "customers",
        "SELECT external_id || '|' || name || '|' || CAST(total_spend AS TEXT) || '|' || \
         CAST(order_count AS TEXT) || '|' || COALESCE(CAST(last_order_at AS TEXT), '-') FROM customers",
    ),
    (
        "orders",
        "SELECT external_id || '|' || CAST(customer_id AS TEXT) || '|' || CAST(amount AS TEXT) FROM orders",
    ),
    (
        "parked_orders",
        "SELECT external_id || '|' || ingestion_id || '|' || CAST(attempts AS TEXT) FROM parked_orders",
    ),
    (
        "ingestions",
        "SELECT id || '|' || status || '|' || CAST(accepted AS TEXT) || '|' || CAST(persisted AS TEXT) || '|' || \
         CAST(unchanged AS TEXT) || '|' || CAST(pending AS TEXT) || '|' || CAST(rejected AS TEXT) FROM ingestions",
    ),
    (
        "ingestion_rejections",
        "SELECT ingestion_id || '|' || external_id || '|' || reason FROM ingestion_rejections",
    ),
    (
        "campaigns",
        "SELECT id || '|' || status || '|' || COALESCE(CAST(audience AS TEXT), '-') || '|' || \
         COALESCE(CAST(chunks AS TEXT), '-') || '|' || CAST(chunks_done AS TEXT) || '|' || CAST(queued AS TEXT) || '|' || \
         CAST(sent AS TEXT) || '|' || CAST(delivered AS TEXT) || '|' || CAST(failed AS TEXT) || '|' || \
         CAST(cancelled AS TEXT) FROM campaigns",
    ),
    (
        "communication_log",
        "SELECT CAST(customer_id AS TEXT) || '|' || status || '|' || CAST(attempts AS TEXT) || '|' || \
         COALESCE(vendor_message_id, '-') || '|' || COALESCE(failure_reason, '-') || '|' || message \
         FROM communication_log",
    ),
    (
        "queue_messages",
        "SELECT queue || '|' || message_id FROM queue_messages",
    ),
    ("processed_messages", "SELECT message_id FROM processed_messages"),
];

/// What the tables held at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State(Vec<(&'static str, Vec<String>)>);

impl State {
    pub async fn of(db: &Db) -> State {
        let mut tables = Vec::with_capacity(VIEWS.len());
        for (table, select) in VIEWS {
            let sql = format!("{select} ORDER BY 1");
            let rows: Vec<String> = on_read!(db, p => sqlx::query_scalar(&sql).fetch_all(p).await)
                .unwrap_or_else(|e| panic!("reading {table}: {e}"));
            tables.push((table, rows));
        }
        State(tables)
    }

    /// The rows of `table` as read.
    pub fn rows(&self, table: &str) -> &[String] {
        let found = self.0.iter().find(|(name, _)| *name == table);
        &found.unwrap_or_else(|| panic!("{table} is not read")).1
    }

    /// The same reading without `table`.
    pub fn without(&self, table: &str) -> State {
        State(
            self.0
                .iter()
                .filter(|(name, _)| *name != table)
                .cloned()
                .collect(),
        )
    }
}
