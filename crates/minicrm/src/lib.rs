//! minicrm, the library behind the binary: configuration (one group of settings per concern), the
//! roles a process runs (API, worker, vendor simulator), and each command's body (`commands`, with
//! `seed` and `bench`). `main` only parses the command line and calls in here.
#![forbid(unsafe_code)]

pub mod app;
pub mod bench;
pub mod commands;
pub mod config;
pub mod http_server;
pub mod seed;
pub mod telemetry;

pub use app::{Application, Roles};
pub use config::Settings;
