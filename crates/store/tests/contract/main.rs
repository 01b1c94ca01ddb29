//! The store's contract: what each storage function promises, checked on SQLite and, when
//! `MINICRM_TEST_DATABASE_URL` names a PostgreSQL server, on PostgreSQL too — one test binary, one
//! harness (`harness`), one file per store module.

mod fixtures;
mod harness;

mod api_keys;
mod campaigns;
mod customers;
mod imports;
mod ingestions;
mod insights;
mod messages;
mod orders;
mod overview;
mod parked;
mod people;
mod segments;
mod sessions;
