//! How people and machines sign in: OpenID Connect (or the local mode's one-time links), who may
//! sign in and with which role, how long sessions last, and the sign-in and API-key rate limits.

use super::server::ServerArgs;
use clap::Args;
use secrecy::{ExposeSecret, SecretString};
use std::time::Duration;

#[derive(Args, Debug, Clone)]
pub struct AuthArgs {
    /// OpenID Connect client id (Google's by default). Unset: the local mode — the API listens on
    /// loopback only and signs people in with one-time links (`minicrm login-link`).
    #[arg(long, env = "MINICRM_OIDC_CLIENT_ID", global = true)]
    pub oidc_client_id: Option<String>,
    /// OpenID Connect client secret.
    #[arg(
        long,
        env = "MINICRM_OIDC_CLIENT_SECRET",
        global = true,
        hide_env_values = true
    )]
    pub oidc_client_secret: Option<SecretString>,
    /// The OpenID Connect issuer, found through discovery (ISSUER/.well-known/openid-configuration).
    #[arg(
        long,
        env = "MINICRM_OIDC_ISSUER",
        default_value = minicrm_api::auth::oidc::GOOGLE,
        global = true
    )]
    pub oidc_issuer: String,
    /// Comma-separated e-mail addresses that may sign in through OpenID Connect.
    #[arg(
        long,
        env = "MINICRM_ALLOWED_EMAILS",
        default_value = "",
        global = true
    )]
    pub allowed_emails: String,
    /// Comma-separated domains whose addresses may sign in (e.g. example.com).
    #[arg(
        long,
        env = "MINICRM_ALLOWED_DOMAINS",
        default_value = "",
        global = true
    )]
    pub allowed_domains: String,
    /// The role of someone signing in for the first time (admin, marketer, viewer); the very first
    /// person to sign in through OpenID Connect becomes an admin.
    #[arg(
        long,
        env = "MINICRM_DEFAULT_ROLE",
        default_value = "viewer",
        global = true
    )]
    pub default_role: String,
    /// Minutes without a request after which a session ends.
    #[arg(
        long,
        env = "MINICRM_SESSION_IDLE_MINUTES",
        default_value_t = 720,
        global = true
    )]
    pub session_idle_minutes: u64,
    /// Hours after sign-in at which a session ends, however active.
    #[arg(
        long,
        env = "MINICRM_SESSION_MAX_HOURS",
        default_value_t = 168,
        global = true
    )]
    pub session_max_hours: u64,
    /// Sign-in attempts allowed per client address per minute.
    #[arg(
        long,
        env = "MINICRM_SIGNIN_PER_MINUTE",
        default_value_t = 30,
        global = true
    )]
    pub signin_per_minute: u32,
    /// Requests allowed per API key per second, in bursts of up to twice that; 0: no limit.
    #[arg(
        long,
        env = "MINICRM_API_KEY_PER_SECOND",
        default_value_t = 1000,
        global = true
    )]
    pub api_key_per_second: u32,
}

impl AuthArgs {
    /// How people sign in, at the server's address and behind its proxies. The public URL is
    /// completed at start when not configured.
    pub fn settings(&self, server: &ServerArgs) -> anyhow::Result<minicrm_api::AuthSettings> {
        let settings = minicrm_api::AuthSettings {
            oidc: self.oidc(),
            public_url: server.public_url_or_bind(),
            allowed_emails: list(&self.allowed_emails),
            allowed_domains: list(&self.allowed_domains),
            default_role: minicrm_domain::Role::parse(&self.default_role)
                .map_err(|e| anyhow::anyhow!("MINICRM_DEFAULT_ROLE: {e}"))?,
            session_idle: Duration::from_secs(self.session_idle_minutes.max(1) * 60),
            session_lifetime: Duration::from_secs(self.session_max_hours.max(1) * 3600),
            signin_per_minute: self.signin_per_minute,
            api_key_per_second: self.api_key_per_second,
            trusted_proxies: server.trusted_proxies()?,
            ..Default::default()
        };
        if settings.oidc.is_some() {
            anyhow::ensure!(
                !settings.allowed_emails.is_empty() || !settings.allowed_domains.is_empty(),
                "MINICRM_OIDC_CLIENT_ID is set but no one may sign in: set MINICRM_ALLOWED_EMAILS or \
                 MINICRM_ALLOWED_DOMAINS"
            );
        }
        Ok(settings)
    }

    /// OpenID Connect, when a client id is given; none: the local mode.
    fn oidc(&self) -> Option<minicrm_api::auth::oidc::OidcSettings> {
        let id = self.oidc_client_id.as_deref().map(str::trim);
        let id = id.filter(|id| !id.is_empty())?;
        Some(minicrm_api::auth::oidc::OidcSettings {
            issuer: self.oidc_issuer.trim().trim_end_matches('/').to_owned(),
            client_id: id.to_owned(),
            client_secret: self
                .oidc_client_secret
                .clone()
                .filter(|s| !s.expose_secret().trim().is_empty()),
        })
    }
}

/// A comma-separated list of addresses or domains, lower case, without a leading '@'.
fn list(text: &str) -> Vec<String> {
    text.split(',')
        .map(|p| p.trim().trim_start_matches('@').to_ascii_lowercase())
        .filter(|p| !p.is_empty())
        .collect()
}
