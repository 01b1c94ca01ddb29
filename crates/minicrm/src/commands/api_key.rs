//! `minicrm api-key create`: make an API key with the given scopes and print it as the last line;
//! only its hash is stored, so it is never shown again.

use crate::app::open_db;
use minicrm_domain::Scope;
use minicrm_store::{api_keys, DbOptions};

pub async fn create(db: &DbOptions, name: &str, scopes: &str) -> anyhow::Result<()> {
    let scopes = Scope::parse_list(scopes).map_err(|e| anyhow::anyhow!("--scopes: {e}"))?;
    let db = open_db(db).await?;
    let now = chrono::Utc::now().timestamp_millis();
    let (key, secret) = api_keys::create(&db, name, &scopes, "command line", now).await?;
    println!(
        "created API key '{}' (id {}) with scopes {}",
        key.name,
        key.id,
        minicrm_domain::scope::join(&key.scopes)
    );
    println!("{secret}");
    Ok(())
}
