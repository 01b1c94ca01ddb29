//! `minicrm login-link`: print a fresh one-time sign-in link (the local mode, with no OpenID
//! Connect configured).

use crate::app::{login_link, open_db};
use crate::Settings;
use minicrm_store::DbOptions;

pub async fn run(settings: &Settings, db: &DbOptions) -> anyhow::Result<()> {
    let auth = settings.sign_in()?;
    let db = open_db(db).await?;
    let link = login_link(&db, &auth).await;
    db.close().await;
    let link = link?;
    println!(
        "Sign in to minicrm (once, within {} minutes):",
        auth.link_ttl.as_secs() / 60
    );
    println!("{link}");
    Ok(())
}
