//! The local provider: deterministic, offline, no model.

pub mod messages;
pub mod rules;
pub mod send_time;
pub mod summary;
pub mod tags;
