//! Each consumer called directly, as the bus calls it, with an envelope and a store transaction, on
//! SQLite and (when MINICRM_TEST_DATABASE_URL names a server) PostgreSQL: its effect is right, the same
//! envelope again changes nothing, and a poison envelope is refused and changes nothing. One file per
//! consumer; `harness` holds what they share.

mod harness;
mod ingest_customers;
mod ingest_orders;
mod launch;
mod receipts;
mod send;
mod snapshot;
mod sweepers;
