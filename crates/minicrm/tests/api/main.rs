//! minicrm's integration tests: one binary, the real application on a random port, every test run on
//! SQLite with the database queue and on PostgreSQL with RabbitMQ.

mod ai;
mod auth;
mod campaigns;
#[path = "../common/mod.rs"]
mod common;
mod delivery;
mod helpers;
mod imports;
mod ingest;
mod issuer;
mod key_makers;
mod metrics;
mod openapi;
mod proxies;
mod receipts;
mod segments;
mod sign_in;
mod sign_in_link;
mod validation;
mod web;
