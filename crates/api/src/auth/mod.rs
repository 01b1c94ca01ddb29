//! Who is calling. A machine sends `Authorization: Bearer <API key>`; a person's browser sends the
//! session cookie set at sign-in (OpenID Connect, or the local one-time link), and with every unsafe
//! method the session's CSRF token in `X-CSRF-Token`. Handlers take a `Caller` and ask it for a scope;
//! the routes that take none are listed in `PUBLIC_ROUTES`, and a test holds the router to that list.
//! A key answers to the person who made it: it is refused while they are disabled, and does no more
//! than their current role allows (`ApiKey::effective_scopes`), on every route.

pub mod cookies;
pub mod forwarded;
pub mod limits;
pub mod oidc;

use crate::{ApiError, AppState};
use axum::extract::FromRequestParts;
use axum::http::{header, request::Parts, Method};
use minicrm_domain::{Role, Scope};
use minicrm_store::api_keys::{self, ApiKey, Verified};
use minicrm_store::people::User;
use minicrm_store::secret::constant_time_eq;
use minicrm_store::sessions::{self, Session};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// Every route that answers without a session or an API key, as `(method, path)`. Anything else
/// answers 401 without credentials.
pub const PUBLIC_ROUTES: &[(&str, &str)] = &[
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    // Signed by the vendor with the shared secret instead.
    ("POST", "/api/v1/receipts"),
    ("GET", "/auth/config"),
    ("GET", "/auth/login"),
    ("GET", "/auth/callback"),
    ("GET", "/auth/link"),
    // Spends the link only with the nonce of the page the GET showed (a cookie of that browser).
    ("POST", "/auth/link"),
    // Ends the session the cookie names, if any (and checks its CSRF token); harmless without one.
    ("POST", "/auth/logout"),
    ("GET", "/api/openapi.json"),
    // The docs page (Swagger UI) and its assets: pages, not API operations, so not in the document.
    ("GET", "/api/docs"),
    ("GET", "/api/docs/"),
    ("GET", "/api/docs/{*rest}"),
];

/// The header a browser session sends its CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

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

/// The one who made a request.
#[derive(Debug, Clone)]
pub enum Principal {
    Key(Box<ApiKey>),
    Person(Box<Session>),
}

#[derive(Debug, Clone)]
pub struct Caller {
    pub principal: Principal,
}

impl Caller {
    /// What the caller may do now: a person's role, or a key's scopes as far as its maker's role
    /// allows them.
    pub fn scopes(&self) -> Vec<Scope> {
        match &self.principal {
            Principal::Key(key) => key.effective_scopes(),
            Principal::Person(session) => session.user.role.scopes().to_vec(),
        }
    }

    /// The id of the person who answers for what the caller does: the signed-in person, or the key's
    /// maker (none for a key made on the command line). A key the caller makes answers to them too.
    pub fn maker_id(&self) -> Option<&str> {
        match &self.principal {
            Principal::Person(session) => Some(&session.user.id),
            Principal::Key(key) => key.maker.as_ref().map(|m| m.id.as_str()),
        }
    }

    /// Refuses scopes beyond the caller's own (`scopes[i]` names the first), so that no one makes a
    /// key that does more than they may.
    pub fn may_grant(&self, scopes: &[Scope]) -> Result<(), ApiError> {
        let own = self.scopes();
        match scopes.iter().position(|s| !s.allowed_by(&own)) {
            None => Ok(()),
            Some(i) => Err(ApiError::ForbiddenField {
                detail: format!(
                    "a key cannot have the '{}' scope: it is beyond what you may do yourself",
                    scopes[i].as_str()
                ),
                field: format!("scopes[{i}]"),
            }),
        }
    }

    /// The signed-in person, if the caller is one.
    pub fn user(&self) -> Option<&User> {
        match &self.principal {
            Principal::Person(session) => Some(&session.user),
            Principal::Key(_) => None,
        }
    }

    /// A stable id for what the caller owns (idempotency keys are kept per caller): the key's id, or
    /// `user:<id>`.
    pub fn id(&self) -> String {
        match &self.principal {
            Principal::Key(key) => key.id.clone(),
            Principal::Person(session) => format!("user:{}", session.user.id),
        }
    }

    /// Who did something, for the records: `api-key:<name>` or `user:<email>`.
    pub fn label(&self) -> String {
        match &self.principal {
            Principal::Key(key) => format!("api-key:{}", key.name),
            Principal::Person(session) => format!("user:{}", session.user.email),
        }
    }

    pub fn require(&self, scope: Scope) -> Result<(), ApiError> {
        self.require_any(&[scope])
    }

    pub fn require_any(&self, scopes: &[Scope]) -> Result<(), ApiError> {
        let own = self.scopes();
        if scopes.iter().any(|s| s.allowed_by(&own)) {
            return Ok(());
        }
        let needed = scopes.first().map_or("read", |s| s.as_str());
        Err(ApiError::Forbidden(match &self.principal {
            Principal::Key(key) => match &key.maker {
                Some(maker) if scopes.iter().any(|s| s.allowed_by(&key.scopes)) => format!(
                    "this API key's '{needed}' scope is beyond what the {} role of the person who \
                     made it allows",
                    maker.role.as_str()
                ),
                _ => format!("this API key lacks the '{needed}' scope"),
            },
            Principal::Person(session) => format!(
                "the {} role does not allow this: it needs the '{needed}' permission",
                session.user.role.as_str()
            ),
        }))
    }
}

fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(str::trim)
}

/// Whether a request carries the session's CSRF token (compared in constant time).
pub fn csrf_matches(headers: &axum::http::HeaderMap, session: &Session) -> bool {
    let sent = headers
        .get(CSRF_HEADER)
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    constant_time_eq(sent, session.csrf_token.as_bytes())
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let now = chrono::Utc::now().timestamp_millis();
        if parts.headers.contains_key(header::AUTHORIZATION) {
            let presented = bearer(parts).ok_or(ApiError::Unauthorized)?;
            let key = match api_keys::verify(&state.db, presented).await? {
                Some(Verified::Live(key)) => key,
                Some(Verified::Suspended(_)) => return Err(ApiError::KeySuspended),
                None => return Err(ApiError::Unauthorized),
            };
            state.auth.limits.check_key(&key.id)?;
            state
                .auth
                .activity
                .record(&key.id, now, ACTIVITY_RESOLUTION_MS, || {
                    api_keys::touch(&state.db, &key.id, now)
                })
                .await;
            return Ok(Caller {
                principal: Principal::Key(Box::new(key)),
            });
        }
        let settings = &state.settings.auth;
        let token =
            cookies::session_token(&parts.headers, settings).ok_or(ApiError::Unauthorized)?;
        let idle = settings.idle_ms();
        let session = sessions::find(&state.db, &token, idle, now)
            .await?
            .ok_or(ApiError::Unauthorized)?;
        if !is_safe(&parts.method) && !csrf_matches(&parts.headers, &session) {
            return Err(ApiError::Csrf);
        }
        state
            .auth
            .activity
            .record(
                &session.token_hash,
                now,
                (idle / 4).min(ACTIVITY_RESOLUTION_MS),
                || sessions::touch(&state.db, &session.token_hash, now),
            )
            .await;
        Ok(Caller {
            principal: Principal::Person(Box::new(session)),
        })
    }
}

/// Writes "last used" times (of keys and sessions) at most once a minute each (sooner for sessions
/// with a short idle limit), so that authenticating
/// a request stays a read.
#[derive(Default)]
pub struct Activity {
    last: Mutex<HashMap<String, i64>>,
}

const ACTIVITY_RESOLUTION_MS: i64 = 60_000;

impl Activity {
    async fn record<F, Fut>(&self, id: &str, now: i64, resolution_ms: i64, write: F)
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<(), minicrm_store::StoreError>>,
    {
        {
            let mut last = self.last.lock().expect("activity map poisoned");
            if last.get(id).is_some_and(|t| now - t < resolution_ms) {
                return;
            }
            if last.len() > 100_000 {
                last.retain(|_, t| now - *t < ACTIVITY_RESOLUTION_MS);
            }
            last.insert(id.to_owned(), now);
        }
        if let Err(e) = write().await {
            tracing::warn!(error = %e, "could not record activity");
        }
    }
}

/// What the API keeps for signing people in: the OIDC client, rate limits, activity.
pub struct Auth {
    pub oidc: Option<oidc::Oidc>,
    pub limits: limits::Limits,
    pub activity: Activity,
}

impl Auth {
    pub fn new(settings: &AuthSettings) -> Self {
        Self {
            oidc: settings
                .oidc
                .clone()
                .map(|o| oidc::Oidc::new(o, &settings.public_url)),
            limits: limits::Limits::new(settings),
            activity: Activity::default(),
        }
    }
}

#[cfg(test)]
mod tests;
