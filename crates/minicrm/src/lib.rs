//! minicrm, the library behind the binary: configuration, the roles a process runs (API, worker), and
//! the `seed` and `bench` commands. `main` only parses the command line and calls in here.
#![forbid(unsafe_code)]

pub mod app;
pub mod bench;
pub mod config;
pub mod http_server;
pub mod seed;
pub mod telemetry;

pub use app::{Application, Roles};
pub use config::Settings;
