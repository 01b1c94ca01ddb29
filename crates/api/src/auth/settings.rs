//! How people sign in and how long their sessions last: the settings of the `auth` module.

use super::{forwarded, oidc};
use minicrm_domain::Role;
use std::time::Duration;

/// How people sign in and how long their sessions last.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    /// OpenID Connect; none: the local mode (one-time links, loopback only).
    pub oidc: Option<oidc::OidcSettings>,
    /// Where browsers reach the API (the OIDC redirect and the links are made from it); filled in at
    /// start from the bound address when not configured.
    pub public_url: String,
    /// E-mail addresses allowed to sign in through OIDC (lower case).
    pub allowed_emails: Vec<String>,
    /// Domains whose addresses may sign in through OIDC (lower case, without '@').
    pub allowed_domains: Vec<String>,
    /// The role of a person who signs in for the first time (the first of all becomes an admin).
    pub default_role: Role,
    /// A session ends after this long without a request.
    pub session_idle: Duration,
    /// A session ends this long after sign-in, however active.
    pub session_lifetime: Duration,
    /// How long a one-time sign-in link stays good.
    pub link_ttl: Duration,
    /// Sign-in attempts allowed per client address per minute.
    pub signin_per_minute: u32,
    /// Requests allowed per API key per second (bursts of twice that); 0: no limit.
    pub api_key_per_second: u32,
    /// The proxies whose `Forwarded` / `X-Forwarded-For` name the client (sign-in limits are per
    /// client); none by default.
    pub trusted_proxies: forwarded::TrustedProxies,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            oidc: None,
            public_url: "http://127.0.0.1:8080".into(),
            allowed_emails: Vec::new(),
            allowed_domains: Vec::new(),
            default_role: Role::Viewer,
            session_idle: Duration::from_secs(12 * 3600),
            session_lifetime: Duration::from_secs(7 * 24 * 3600),
            link_ttl: Duration::from_secs(15 * 60),
            signin_per_minute: 30,
            api_key_per_second: 1000,
            trusted_proxies: forwarded::TrustedProxies::default(),
        }
    }
}

impl AuthSettings {
    /// Whether `email` (lower case) may sign in through OIDC.
    pub fn allows(&self, email: &str) -> bool {
        self.allowed_emails.iter().any(|e| e == email)
            || email
                .rsplit_once('@')
                .is_some_and(|(_, domain)| self.allowed_domains.iter().any(|d| d == domain))
    }

    /// A session's idle limit in milliseconds.
    pub fn idle_ms(&self) -> i64 {
        self.session_idle.as_millis() as i64
    }

    /// Whether the public URL is https, so that cookies must be `Secure`.
    pub fn secure(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}
