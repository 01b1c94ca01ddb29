//! The deployment as processes: `minicrm api`, `worker` and `vendor` started from the built binary,
//! scaled out on PostgreSQL + RabbitMQ, and put through the faults an operator meets — processes
//! killed with SIGKILL or stopped with SIGTERM mid-work, the vendor down, the broker restarted — after
//! which nothing may be lost or doubled.

#[path = "../common/mod.rs"]
mod common;
mod connections;
mod faults;
mod harness;
mod memory;
mod pacing;
mod scale_out;
mod work;
