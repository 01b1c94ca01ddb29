//! The commands' bodies: `main` parses the command line and calls one of these. The roles that
//! `serve`, `api`, `worker` and `vendor` run are [`crate::Application`]'s; the commands here open what
//! they need from the settings and tell the operator what they did.

pub mod api_key;
pub mod login_link;
pub mod migrate;
pub mod seed;
pub mod serve;

use crate::app::AppConfig;
use crate::{Roles, Settings};
use minicrm_store::DbOptions;

/// The database every command works on, from settings checked as `serve` checks them all, so that a
/// misconfiguration stops any command before it touches the database.
pub fn checked_db(settings: &Settings) -> anyhow::Result<DbOptions> {
    Ok(AppConfig::from_settings(settings, Roles::ALL)?.db)
}
